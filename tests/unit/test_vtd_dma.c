/* Unit tests for drivers/vtd_dma.c over a heap buffer standing in for
 * physical memory: exact root/context/second-level entry words against
 * the VT-d layouts, level choice from CAP.SAGAW, page-size choice from
 * CAP.SLLPS, translate round trips and gaps, the MSI window, width and
 * alignment checks, conflicts, device attach and RMRR identity maps. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/vtd_dma.h"
#include "drivers/vtd_regs.h"
#include "hv/guest_ram.h"
#include "tests/unit/fake_phys.h"

#define MEM_BASE	0x1000ULL	/* PA of the first table page */
#define MEM_PAGES	64
#define PG		4096ULL

/* QEMU 7.2 intel-iommu, default aw-bits=39: ND 6, SAGAW 39-bit only,
 * MGAW 39, SLLPS 2M+1G, CM 0. */
#define CAP_QEMU	0x00d2008c22260206ULL

struct fake_mem {
	struct fake_phys phys;
	struct vtd_mem_ops ops;
};

/* The code under test must only touch its own table pages. */
static void *fake_p2v(void *ctx, uint64_t pa)
{
	void *p = fake_phys_ptr(&((struct fake_mem *)ctx)->phys, pa);

	assert_non_null(p);
	return p;
}

static int fake_alloc(void *ctx, uint64_t *pa)
{
	return fake_phys_alloc(&((struct fake_mem *)ctx)->phys, pa);
}

static int setup(void **state)
{
	struct fake_mem *m = calloc(1, sizeof(*m));

	if (!m || fake_phys_init(&m->phys, MEM_BASE, MEM_PAGES))
		return -1;
	m->ops.phys_to_virt = fake_p2v;
	m->ops.alloc_page = fake_alloc;
	m->ops.ctx = m;
	*state = m;
	return 0;
}

static int teardown(void **state)
{
	struct fake_mem *m = *state;

	fake_phys_free(&m->phys);
	free(m);
	return 0;
}

/* Entry idx of the SL table at pa. */
static uint64_t sl_entry(struct fake_mem *m, uint64_t pa, unsigned idx)
{
	return ((union vtd_sl_entry *)fake_p2v(m, pa))[idx].raw;
}

static uint64_t cap_with(uint64_t cap, uint64_t mask, uint64_t v)
{
	return (cap & ~mask) | FIELD_PREP(mask, v);
}

static void expect_xlate(struct vtd_domain *d, uint64_t iova, uint64_t pa,
			 bool writable)
{
	uint64_t got = 0;
	bool w = !writable;

	assert_int_equal(vtd_domain_translate(d, iova, &got, &w), 0);
	assert_int_equal(got, pa);
	assert_int_equal(w, writable);
}

static void expect_fault(struct vtd_domain *d, uint64_t iova)
{
	uint64_t got;

	assert_int_equal(vtd_domain_translate(d, iova, &got, NULL), -EFAULT);
}

static void test_entry_layout(void **state)
{
	struct fake_mem *m = *state;
	union vtd_context_entry ce = { .lo = 0, .hi = 0 };
	union vtd_root_entry re = { .lo = 0, .hi = 0 };
	union vtd_sl_entry se = { .raw = 0 };
	struct vtd_ctx_tables t;
	struct vtd_domain d;

	/* bitfield views land on the spec bits */
	ce.p = 1; ce.slptptr = 0x5; ce.aw = VTD_AW_39; ce.did = 1;
	assert_int_equal(ce.lo, 0x5001);
	assert_int_equal(ce.hi, 0x101);
	ce.tt = VTD_TT_PASSTHROUGH; ce.fpd = 1;
	assert_int_equal(ce.lo, 0x500b);
	re.p = 1; re.ctp = 0x7;
	assert_int_equal(re.lo, 0x7001);
	se.r = 1; se.w = 1; se.ps = 1; se.snp = 1; se.pfn = 0x17a00;
	assert_int_equal(se.raw, 0x17a00883);

	/* the same words through vtd_ctx_attach: domain root at 0x5000 */
	assert_int_equal(vtd_ctx_init(&t, &m->ops), 0);
	assert_int_equal(t.root_pa, 0x1000);
	m->phys.next = 4;
	assert_int_equal(vtd_domain_init(&d, &m->ops, CAP_QEMU, 1, MiB(512)), 0);
	assert_int_equal(d.root_pa, 0x5000);
	assert_int_equal(vtd_ctx_attach(&t, 0, 0x18, &d), 0);
	vtd_ctx_lookup(&t, 0, 0x18, &ce);
	assert_int_equal(ce.lo, 0x5001);	/* P, TT 0, SLPTPTR 0x5000 */
	assert_int_equal(ce.hi, 0x101);		/* AW 1 (39-bit), DID 1 */
	/* root entry 0 points at the context table allocated next (0x6000) */
	assert_int_equal(((union vtd_root_entry *)fake_p2v(m, 0x1000))[0].lo,
			 0x6001);
	assert_int_equal(((union vtd_root_entry *)fake_p2v(m, 0x1000))[0].hi, 0);
	assert_int_equal(vtd_rtaddr_value(&t), 0x1000);	/* TTM 00 */
}

static void test_qemu_cap_3level_2m(void **state)
{
	struct fake_mem *m = *state;
	struct vtd_domain d;
	uint64_t l2;
	unsigned i;

	assert_int_equal(vtd_domain_init(&d, &m->ops, CAP_QEMU, 1, MiB(512)), 0);
	assert_int_equal(d.levels, 3);
	assert_int_equal(d.width, 39);
	assert_int_equal(d.sllps, VTD_SLLPS_2M | VTD_SLLPS_1G);
	/* pa is 2 MiB but not 1 GiB aligned: 32 2 MiB leaves */
	assert_int_equal(vtd_domain_map(&d, 0, 0x17a00000, MiB(64), true), 0);
	assert_int_equal(d.pages, 2);
	l2 = sl_entry(m, d.root_pa, 0);
	assert_int_equal(l2 & ~VTD_SL_ADDR, VTD_SL_R | VTD_SL_W);
	l2 &= VTD_SL_ADDR;
	for (i = 0; i < 32; i++)
		assert_int_equal(sl_entry(m, l2, i),
				 (0x17a00000 + i * MiB(2)) | 0x83);
	assert_int_equal(sl_entry(m, l2, 32), 0);
	assert_int_equal(sl_entry(m, d.root_pa, 1), 0);
	expect_xlate(&d, 0, 0x17a00000, true);
	expect_xlate(&d, 0x123456, 0x17b23456, true);
	expect_xlate(&d, MiB(64) - 1, 0x17a00000 + MiB(64) - 1, true);
	expect_fault(&d, MiB(64));	/* gap above the map */
	expect_fault(&d, GiB(1));	/* no level-2 table there */
}

static void test_1g_page(void **state)
{
	struct fake_mem *m = *state;
	struct vtd_domain d;

	assert_int_equal(vtd_domain_init(&d, &m->ops, CAP_QEMU, 1, 0), 0);
	assert_int_equal(vtd_domain_map(&d, GiB(1), GiB(2), GiB(1), false), 0);
	assert_int_equal(d.pages, 1);
	assert_int_equal(sl_entry(m, d.root_pa, 1), GiB(2) | 0x81);
	expect_xlate(&d, GiB(1) + 0x3456789, GiB(2) + 0x3456789, false);
	/* without 1 GiB support the same range takes 512 2 MiB leaves */
	assert_int_equal(vtd_domain_init(&d, &m->ops,
		cap_with(CAP_QEMU, VTD_CAP_SLLPS, VTD_SLLPS_2M), 1, 0), 0);
	assert_int_equal(vtd_domain_map(&d, GiB(1), GiB(2), GiB(1), true), 0);
	assert_int_equal(d.pages, 2);
	expect_xlate(&d, GiB(2) - PG, GiB(3) - PG, true);
}

static void test_4level_cap(void **state)
{
	struct fake_mem *m = *state;
	uint64_t cap48 = cap_with(cap_with(CAP_QEMU, VTD_CAP_SAGAW,
					   VTD_SAGAW_48), VTD_CAP_MGAW, 47);
	struct vtd_domain d;
	struct vtd_ctx_tables t;
	union vtd_context_entry ce;

	assert_int_equal(vtd_domain_init(&d, &m->ops, cap48, 7, 0), 0);
	assert_int_equal(d.levels, 4);
	assert_int_equal(d.width, 48);
	/* 512 GiB is beyond 39 bits: needs the fourth level */
	assert_int_equal(vtd_domain_map(&d, GiB(512), MiB(1), PG, true), 0);
	assert_int_equal(d.pages, 4);
	assert_int_equal(sl_entry(m, d.root_pa, 0), 0);
	assert_int_not_equal(sl_entry(m, d.root_pa, 1), 0);
	expect_xlate(&d, GiB(512) + 0x10, MiB(1) + 0x10, true);
	expect_fault(&d, 0);
	assert_int_equal(vtd_ctx_init(&t, &m->ops), 0);
	assert_int_equal(vtd_ctx_attach(&t, 3, 0, &d), 0);
	vtd_ctx_lookup(&t, 3, 0, &ce);
	assert_int_equal(ce.hi, 0x702);		/* AW 2 (48-bit), DID 7 */
	assert_int_equal(ce.lo, d.root_pa | 1);

	/* both offered: 4 levels preferred; MGAW caps the width */
	assert_int_equal(vtd_domain_init(&d, &m->ops, cap_with(CAP_QEMU,
		VTD_CAP_SAGAW, VTD_SAGAW_39 | VTD_SAGAW_48), 1, 0), 0);
	assert_int_equal(d.levels, 4);
	assert_int_equal(d.width, 39);
	assert_int_equal(vtd_domain_map(&d, GiB(512), 0, PG, true), -EINVAL);
	/* 5 levels when that is all there is */
	assert_int_equal(vtd_domain_init(&d, &m->ops, cap_with(cap_with(CAP_QEMU,
		VTD_CAP_SAGAW, VTD_SAGAW_57), VTD_CAP_MGAW, 56), 1, 0), 0);
	assert_int_equal(d.levels, 5);
	assert_int_equal(d.width, 57);
	/* no usable width at all, or not wide enough */
	assert_int_equal(vtd_domain_init(&d, &m->ops,
		cap_with(CAP_QEMU, VTD_CAP_SAGAW, 0), 1, 0), -ENODEV);
	assert_int_equal(vtd_domain_init(&d, &m->ops,
		cap_with(CAP_QEMU, VTD_CAP_SAGAW, BIT(4)), 1, 0), -ENODEV);
	assert_int_equal(vtd_domain_init(&d, &m->ops, CAP_QEMU, 1,
					 BIT(39) + PG), -ERANGE);
	assert_int_equal(vtd_domain_init(&d, &m->ops, cap_with(CAP_QEMU,
		VTD_CAP_MGAW, 63), 1, BIT(40)), -ERANGE);
	assert_int_equal(vtd_domain_init(&d, &m->ops, CAP_QEMU, 1, BIT(39)), 0);
}

static void test_no_superpages(void **state)
{
	struct fake_mem *m = *state;
	struct vtd_domain d;
	uint64_t l2, l1;

	assert_int_equal(vtd_domain_init(&d, &m->ops,
		cap_with(CAP_QEMU, VTD_CAP_SLLPS, 0), 1, 0), 0);
	assert_int_equal(d.sllps, 0);
	assert_int_equal(vtd_domain_map(&d, 0, GiB(1), MiB(4), true), 0);
	assert_int_equal(d.pages, 4);	/* top, one level-2, two level-1 */
	l2 = sl_entry(m, d.root_pa, 0) & VTD_SL_ADDR;
	l1 = sl_entry(m, l2, 1);
	assert_int_equal(l1 & ~VTD_SL_ADDR, VTD_SL_R | VTD_SL_W);	/* no PS */
	assert_int_equal(sl_entry(m, l1 & VTD_SL_ADDR, 0), (GiB(1) + MiB(2)) | 3);
	assert_int_equal(sl_entry(m, l1 & VTD_SL_ADDR, 511),
			 (GiB(1) + MiB(4) - PG) | 3);
	expect_xlate(&d, MiB(3) + 5, GiB(1) + MiB(3) + 5, true);
}

static void test_translate_mixed(void **state)
{
	struct fake_mem *m = *state;
	const uint64_t iova = MiB(2) - PG, pa = GiB(1) + MiB(2) - PG;
	const uint64_t size = MiB(4) + 2 * PG;
	struct vtd_domain d;
	uint64_t off, l2;

	assert_int_equal(vtd_domain_init(&d, &m->ops, CAP_QEMU, 1, 0), 0);
	/* 4 KiB head, two 2 MiB pages, 4 KiB tail */
	assert_int_equal(vtd_domain_map(&d, iova, pa, size, false), 0);
	l2 = sl_entry(m, d.root_pa, 0) & VTD_SL_ADDR;
	assert_int_equal(sl_entry(m, l2, 1), (GiB(1) + MiB(2)) | 0x81);
	assert_int_equal(sl_entry(m, l2, 2), (GiB(1) + MiB(4)) | 0x81);
	assert_int_equal(sl_entry(m, l2, 0) & VTD_SL_PS, 0);
	assert_int_equal(sl_entry(m, l2, 3) & VTD_SL_PS, 0);
	for (off = 0; off < size; off += PG)
		expect_xlate(&d, iova + off + 0x18, pa + off + 0x18, false);
	expect_fault(&d, iova - PG);
	expect_fault(&d, iova + size);
}

static void test_msi_window_refused(void **state)
{
	struct fake_mem *m = *state;
	struct vtd_domain d;

	assert_int_equal(vtd_domain_init(&d, &m->ops, CAP_QEMU, 1, 0), 0);
	assert_int_equal(vtd_domain_map(&d, 0xfee00000, 0xfee00000, PG, true),
			 -EINVAL);
	assert_int_equal(vtd_domain_map(&d, 0xfeeff000, 0x1000000, PG, true),
			 -EINVAL);
	/* 2 GiB..4 GiB of RAM would cover it */
	assert_int_equal(vtd_domain_map(&d, GiB(2), GiB(2), GiB(2), true),
			 -EINVAL);
	assert_int_equal(vtd_domain_map_identity(&d, 0xfed00000, 0xfeefffff),
			 -EINVAL);
	expect_fault(&d, 0xfee00000);
	/* its neighbours are fine */
	assert_int_equal(vtd_domain_map(&d, 0xfed00000, 0x1000000, MiB(1),
					true), 0);
	assert_int_equal(vtd_domain_map(&d, 0xfef00000, 0x2000000, PG, true), 0);
	expect_fault(&d, 0xfee00000);
	expect_fault(&d, 0xfeeff000);
}

static void test_bad_args(void **state)
{
	struct fake_mem *m = *state;
	struct vtd_domain d;
	uint64_t got;

	assert_int_equal(vtd_domain_init(&d, &m->ops, CAP_QEMU, 1, 0), 0);
	assert_int_equal(vtd_domain_map(&d, BIT(39) - PG, 0, PG, true), 0);
	assert_int_equal(vtd_domain_map(&d, BIT(39), 0, PG, true), -EINVAL);
	assert_int_equal(vtd_domain_map(&d, BIT(39) - PG, 0, 2 * PG, true),
			 -EINVAL);
	assert_int_equal(vtd_domain_translate(&d, BIT(39), &got, NULL), -EFAULT);
	assert_int_equal(vtd_domain_map(&d, 0x800, 0, PG, true), -EINVAL);
	assert_int_equal(vtd_domain_map(&d, 0, 0x800, PG, true), -EINVAL);
	assert_int_equal(vtd_domain_map(&d, 0, 0, 0x800, true), -EINVAL);
	assert_int_equal(vtd_domain_map(&d, 0, 0, 0, true), -EINVAL);
	assert_int_equal(vtd_domain_map(&d, ~(PG - 1), 0, PG, true), -EINVAL);
	assert_int_equal(vtd_domain_map(&d, 0, BIT(52), PG, true), -EINVAL);
	assert_int_equal(vtd_domain_map(&d, 0, BIT(52) - PG, 2 * PG, true),
			 -EINVAL);
	assert_int_equal(vtd_domain_map_identity(&d, MiB(1), MiB(1) - 1),
			 -EINVAL);
	assert_int_equal(vtd_domain_map_identity(&d, MiB(1), MiB(1) + 0x7ff),
			 -EINVAL);
	assert_int_equal(d.pages, 3);	/* only the first map allocated */
	/* DID beyond CAP.ND (ND 0: 16 ids), DID 0 under caching mode */
	assert_int_equal(vtd_domain_init(&d, &m->ops,
		cap_with(CAP_QEMU, VTD_CAP_ND, 0), 16, 0), -EINVAL);
	assert_int_equal(vtd_domain_init(&d, &m->ops,
		cap_with(CAP_QEMU, VTD_CAP_ND, 0), 15, 0), 0);
	assert_int_equal(vtd_domain_init(&d, &m->ops, CAP_QEMU | VTD_CAP_CM,
					 0, 0), -EINVAL);
	assert_int_equal(vtd_domain_init(&d, &m->ops, CAP_QEMU, 0, 0), 0);
}

static void test_conflicts(void **state)
{
	struct fake_mem *m = *state;
	struct vtd_domain d;
	size_t pages;

	assert_int_equal(vtd_domain_init(&d, &m->ops, CAP_QEMU, 1, 0), 0);
	assert_int_equal(vtd_domain_map(&d, 0, MiB(1), PG, true), 0);
	assert_int_equal(vtd_domain_map(&d, 0, MiB(1), PG, true), 0); /* no-op */
	assert_int_equal(vtd_domain_map(&d, 0, MiB(8), PG, true), -EEXIST);
	assert_int_equal(vtd_domain_map(&d, 0, MiB(1), PG, false), -EEXIST);
	/* a 2 MiB page, then 4 KiB requests inside it */
	assert_int_equal(vtd_domain_map(&d, MiB(2), MiB(4), MiB(2), true), 0);
	pages = d.pages;
	assert_int_equal(vtd_domain_map(&d, MiB(2) + PG, MiB(4) + PG, 2 * PG,
					true), 0);
	assert_int_equal(vtd_domain_map(&d, MiB(3), MiB(9), PG, true), -EEXIST);
	assert_int_equal(vtd_domain_map(&d, MiB(3), MiB(5), PG, false), -EEXIST);
	assert_int_equal(d.pages, pages);
	/* 4 KiB pages first, then the whole 2 MiB over them */
	assert_int_equal(vtd_domain_map(&d, MiB(6), MiB(10), PG, true), 0);
	assert_int_equal(vtd_domain_map(&d, MiB(6), MiB(10), MiB(2), true), 0);
	expect_xlate(&d, MiB(8) - PG, MiB(12) - PG, true);
	assert_int_equal(vtd_domain_map(&d, MiB(6), MiB(20), MiB(2), true),
			 -EEXIST);
	/* partial overlap at the end of a larger request */
	assert_int_equal(vtd_domain_map(&d, MiB(1), MiB(30), MiB(1) + PG, true),
			 -EEXIST);
	expect_xlate(&d, MiB(1), MiB(30), true);	/* head stays mapped */
}

static void test_enomem(void **state)
{
	struct fake_mem *m = *state;
	struct vtd_domain d;
	struct vtd_ctx_tables t;

	m->phys.limit = 2;
	assert_int_equal(vtd_domain_init(&d, &m->ops, CAP_QEMU, 1, 0), 0);
	assert_int_equal(vtd_domain_map(&d, 0, 0, PG, true), -ENOMEM);
	assert_int_equal(d.pages, 2);
	expect_fault(&d, 0);
	assert_int_equal(vtd_domain_init(&d, &m->ops, CAP_QEMU, 1, 0), -ENOMEM);
	m->phys.limit = 3;
	assert_int_equal(vtd_ctx_init(&t, &m->ops), 0);
	assert_int_equal(vtd_ctx_attach(&t, 0, 0, &d), -ENOMEM);
}

static void test_attach(void **state)
{
	struct fake_mem *m = *state;
	struct vtd_domain a, b;
	struct vtd_ctx_tables t;
	union vtd_context_entry c1, c2, c3;
	const union vtd_root_entry *root;
	size_t before;

	assert_int_equal(vtd_ctx_init(&t, &m->ops), 0);
	assert_int_equal(vtd_domain_init(&a, &m->ops, CAP_QEMU, 1, 0), 0);
	assert_int_equal(vtd_domain_init(&b, &m->ops, CAP_QEMU, 2, 0), 0);
	before = m->phys.next;
	/* 00:03.0 and 00:04.0 share domain a and bus 0's context table */
	assert_int_equal(vtd_ctx_attach(&t, 0, 0x18, &a), 0);
	assert_int_equal(vtd_ctx_attach(&t, 0, 0x20, &a), 0);
	assert_int_equal(m->phys.next, before + 1);
	vtd_ctx_lookup(&t, 0, 0x18, &c1);
	vtd_ctx_lookup(&t, 0, 0x20, &c2);
	assert_int_equal(c1.lo, a.root_pa | VTD_CE_LO_P);
	assert_int_equal(c1.hi, 0x101);
	assert_int_equal(c2.lo, c1.lo);
	assert_int_equal(c2.hi, c1.hi);
	/* 00:05.0 is attached to nothing: its entry stays non-present */
	vtd_ctx_lookup(&t, 0, 0x28, &c3);
	assert_int_equal(c3.lo, 0);
	assert_int_equal(c3.hi, 0);
	/* taken by a: refused for b, idempotent for a */
	assert_int_equal(vtd_ctx_attach(&t, 0, 0x18, &b), -EEXIST);
	assert_int_equal(vtd_ctx_attach(&t, 0, 0x18, &a), 0);
	vtd_ctx_lookup(&t, 0, 0x18, &c3);
	assert_int_equal(c3.hi, 0x101);
	/* another bus gets its own context table */
	assert_int_equal(vtd_ctx_attach(&t, 1, 0x00, &b), 0);
	assert_int_equal(m->phys.next, before + 2);
	vtd_ctx_lookup(&t, 1, 0x00, &c3);
	assert_int_equal(c3.hi, 0x201);
	assert_int_equal(c3.lo, b.root_pa | 1);
	root = fake_p2v(m, t.root_pa);
	assert_int_equal(root[0].lo, (MEM_BASE + before * PG) | VTD_RE_P);
	assert_int_equal(root[1].lo, (MEM_BASE + (before + 1) * PG) | VTD_RE_P);
	assert_int_equal(root[2].lo, 0);
	vtd_ctx_lookup(&t, 2, 0x18, &c3);
	assert_int_equal(c3.lo, 0);
	assert_int_equal(vtd_rtaddr_value(&t), t.root_pa);
}

static void test_rmrr_identity(void **state)
{
	struct fake_mem *m = *state;
	struct vtd_domain d;

	assert_int_equal(vtd_domain_init(&d, &m->ops, CAP_QEMU, 1, 0), 0);
	/* a typical USB RMRR, not 2 MiB aligned */
	assert_int_equal(vtd_domain_map_identity(&d, 0x7e8e0000, 0x7e8fffff), 0);
	expect_xlate(&d, 0x7e8e0000, 0x7e8e0000, true);
	expect_xlate(&d, 0x7e8fffff, 0x7e8fffff, true);
	expect_fault(&d, 0x7e8df000);
	expect_fault(&d, 0x7e900000);
	/* a 2 MiB aligned one takes a superpage; repeating it is a no-op */
	assert_int_equal(vtd_domain_map_identity(&d, MiB(2), MiB(4) - 1), 0);
	assert_int_equal(vtd_domain_map_identity(&d, MiB(2), MiB(4) - 1), 0);
	assert_int_equal(sl_entry(m, sl_entry(m, d.root_pa, 0) & VTD_SL_ADDR, 1),
			 MiB(2) | 0x83);
	/* guest RAM mapped elsewhere over an RMRR conflicts */
	assert_int_equal(vtd_domain_map(&d, MiB(2), GiB(1), MiB(2), true),
			 -EEXIST);
}

/* A 4 GiB guest laid out by hv/guest_ram.c around a BAR at 3 GiB (QEMU's
 * e1000e), mapped range by range as hv/iommu.c does: both ranges translate
 * into the one host block, the hole (interrupt window included) faults. */
static void test_guest_ram_ranges(void **state)
{
	const uint64_t block = 0x17fe00000ULL;	/* 2 MiB, not 1 GiB aligned */
	const struct guest_ram_hole bar = { 0xc0000000, 0x20000, "BAR0" };
	struct fake_mem *m = *state;
	struct guest_ram l;
	struct vtd_domain d;
	char why[160];
	unsigned i;

	assert_int_equal(guest_ram_layout(&l, GiB(4), &bar, 1, why, sizeof(why)), 0);
	assert_int_equal(vtd_domain_init(&d, &m->ops, CAP_QEMU, 1, l.end), 0);
	for (i = 0; i < l.n; i++)
		assert_int_equal(vtd_domain_map(&d, l.r[i].gpa, block + l.r[i].offset,
						l.r[i].size, true), 0);
	expect_xlate(&d, 0, block, true);
	expect_xlate(&d, l.r[0].size - PG, block + l.r[0].size - PG, true);
	expect_fault(&d, l.r[0].size);
	expect_fault(&d, 0xfee00000);
	expect_fault(&d, GiB(4) - PG);
	expect_xlate(&d, GiB(4), block + l.r[0].size, true);
	expect_fault(&d, 0xc0000000);
	expect_xlate(&d, l.end - PG, block + GiB(4) - PG, true);
	expect_fault(&d, l.end);
	expect_fault(&d, l.unmapped_gpa);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_entry_layout),
		T(test_qemu_cap_3level_2m),
		T(test_1g_page),
		T(test_4level_cap),
		T(test_no_superpages),
		T(test_translate_mixed),
		T(test_msi_window_refused),
		T(test_bad_args),
		T(test_conflicts),
		T(test_enomem),
		T(test_attach),
		T(test_rmrr_identity),
		T(test_guest_ram_ranges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
