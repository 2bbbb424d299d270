/* Unit tests for hv/paging.c over a heap buffer standing in for physical
 * memory: map/walk round trips, page-size choice, conflicts, argument
 * checks, walk faults and reserved bits, identity-map attributes and
 * footprint; the same in the EPT format. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/paging.h"
#include "tests/unit/fake_phys.h"

#define MEM_BASE        0x100000ULL     /* PA of the first table page */
#define MEM_PAGES       256

struct fake_mem {
	struct fake_phys phys;
	struct pt_ctx pt;
};

static void *fake_p2v(void *ctx, uint64_t pa)
{
	return fake_phys_ptr(&((struct fake_mem *)ctx)->phys, pa);
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
	m->pt.phys_to_virt = fake_p2v;
	m->pt.alloc_page = fake_alloc;
	m->pt.ctx = m;
	if (pt_init(&m->pt))
		return -1;
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

static struct pt_ctx *ctx_of(void **state)
{
	return &((struct fake_mem *)*state)->pt;
}

/* Entry of va at `level`, walking tables that must be present. */
static union pte *entry_at(struct pt_ctx *c, uint64_t va, int level)
{
	uint64_t table = c->root;

	for (int l = PT_LEVELS;; l--) {
		union pte *t = c->phys_to_virt(c->ctx, table);
		union pte *e = &t[(va >> (12 + 9 * (l - 1))) & 511];

		if (l == level)
			return e;
		assert_true(e->p);
		table = e->raw & PT_ADDR_MASK;
	}
}

static void expect_walk(struct pt_ctx *c, uint64_t va, uint64_t want_pa,
			uint64_t want_flags)
{
	uint64_t pa = 0, flags = 0;
	int level = -1;

	assert_int_equal(pt_walk(c, va, &pa, &flags, &level), 0);
	assert_int_equal(pa, want_pa);
	assert_int_equal(flags, want_flags);
	assert_int_equal(level, 0);
}

static void expect_fault(struct pt_ctx *c, uint64_t va, int err, int level)
{
	uint64_t pa;
	int got = -1;

	assert_int_equal(pt_walk(c, va, &pa, NULL, &got), err);
	assert_int_equal(got, level);
}

static void test_init(void **state)
{
	struct pt_ctx *c = ctx_of(state);
	const union pte *root = c->phys_to_virt(c->ctx, c->root);

	assert_int_equal(c->root, MEM_BASE);
	assert_int_equal(pt_pages_used(c), 1);
	for (int i = 0; i < PT_ENTRIES; i++)
		assert_int_equal(root[i].raw, 0);
}

static void test_map_4k(void **state)
{
	struct pt_ctx *c = ctx_of(state);

	assert_int_equal(pt_map(c, 0x400000, 0x12345000, KiB(4),
				PT_RW | PT_US, true), 0);
	assert_int_equal(pt_pages_used(c), 4);
	expect_walk(c, 0x400abc, 0x12345abc, PT_P | PT_RW | PT_US);
	assert_int_equal(entry_at(c, 0x400000, 1)->raw,
			 0x12345000 | PT_P | PT_RW | PT_US);
	/* intermediate entries are permissive */
	assert_int_equal(entry_at(c, 0x400000, 2)->raw & 0xfff,
			 PT_P | PT_RW | PT_US);
}

static void test_map_2m(void **state)
{
	struct pt_ctx *c = ctx_of(state);

	assert_int_equal(pt_map(c, 0x200000, 0x40000000, MiB(4), PT_NX, true),
			 0);
	assert_int_equal(pt_pages_used(c), 3);
	expect_walk(c, 0x200000, 0x40000000, PT_P | PT_PS | PT_NX);
	expect_walk(c, 0x5fffff, 0x403fffff, PT_P | PT_PS | PT_NX);
	assert_true(entry_at(c, 0x400000, 2)->ps);
	expect_fault(c, 0x600000, -EFAULT, 2);
}

static void test_map_1g(void **state)
{
	struct pt_ctx *c = ctx_of(state);
	uint64_t va = 0xffff800000000000ULL + GiB(1);

	assert_int_equal(pt_map(c, va, GiB(2), GiB(2), PT_RW | PT_G, true), 0);
	assert_int_equal(pt_pages_used(c), 2);
	expect_walk(c, va + 0x12345678, GiB(2) + 0x12345678,
		    PT_P | PT_RW | PT_G | PT_PS);
	expect_walk(c, va + GiB(2) - 1, GiB(4) - 1,
		    PT_P | PT_RW | PT_G | PT_PS);
	/* the same range without 1 GiB pages: one PD per GiB */
	assert_int_equal(pt_map(c, GiB(1), GiB(2), GiB(2), PT_RW, false), 0);
	assert_int_equal(pt_pages_used(c), 2 + 3);
	assert_false(entry_at(c, GiB(1), 3)->ps);
	assert_true(entry_at(c, GiB(1), 2)->ps);
	/* 1 GiB-aligned va but only 2 MiB-aligned pa: 2 MiB pages */
	assert_int_equal(pt_map(c, GiB(8), GiB(1) + MiB(2), GiB(1), 0, true),
			 0);
	assert_true(entry_at(c, GiB(8), 2)->ps);
}

static void test_map_mixed_sizes(void **state)
{
	struct pt_ctx *c = ctx_of(state);
	const uint64_t off = 0x10000000;

	assert_int_equal(pt_map(c, 0x1ff000, 0x1ff000 + off, MiB(2) + KiB(8),
				PT_RW, true), 0);
	expect_walk(c, 0x1ff000, 0x1ff000 + off, PT_P | PT_RW);
	expect_walk(c, 0x200000, 0x200000 + off, PT_P | PT_RW | PT_PS);
	expect_walk(c, 0x3ff000, 0x3ff000 + off, PT_P | PT_RW | PT_PS);
	expect_walk(c, 0x400000, 0x400000 + off, PT_P | PT_RW);
	expect_fault(c, 0x401000, -EFAULT, 1);
	expect_fault(c, 0x1fe000, -EFAULT, 1);
	/* PML4 + PDPT + PD + two PTs */
	assert_int_equal(pt_pages_used(c), 5);
}

static void test_map_bad_args(void **state)
{
	struct pt_ctx *c = ctx_of(state);

	assert_int_equal(pt_map(c, 0x1001, 0, KiB(4), 0, true), -EINVAL);
	assert_int_equal(pt_map(c, 0x1000, 0x800, KiB(4), 0, true), -EINVAL);
	assert_int_equal(pt_map(c, 0x1000, 0, 0x1800, 0, true), -EINVAL);
	assert_int_equal(pt_map(c, 0x1000, 0, 0, 0, true), -EINVAL);
	assert_int_equal(pt_map(c, 0x1000, 0, KiB(4), PT_PS, true), -EINVAL);
	assert_int_equal(pt_map(c, 0x1000, 0, KiB(4), BIT(52), true), -EINVAL);
	/* non-canonical, across the hole, wrapping, beyond 52-bit PA */
	assert_int_equal(pt_map(c, 0x0000800000000000ULL, 0, KiB(4), 0, true),
			 -EINVAL);
	assert_int_equal(pt_map(c, 0x00007ffffffff000ULL, 0, KiB(8), 0, true),
			 -EINVAL);
	assert_int_equal(pt_map(c, 0xfffffffffffff000ULL, 0, KiB(8), 0, true),
			 -EINVAL);
	assert_int_equal(pt_map(c, 0, BIT(52) - KiB(4), KiB(8), 0, true),
			 -EINVAL);
	assert_int_equal(pt_pages_used(c), 1);
	/* the edges themselves are fine */
	assert_int_equal(pt_map(c, 0x00007ffffffff000ULL, BIT(52) - KiB(4),
				KiB(4), 0, true), 0);
	assert_int_equal(pt_map(c, 0xfffffffffffff000ULL, 0, KiB(4), 0, true),
			 0);
}

static void test_map_conflicts(void **state)
{
	struct pt_ctx *c = ctx_of(state);
	size_t pages;

	assert_int_equal(pt_map(c, 0x201000, 0x201000, KiB(4), PT_RW, true), 0);
	assert_int_equal(pt_map(c, 0x201000, 0x301000, KiB(4), PT_RW, true),
			 -EEXIST);
	assert_int_equal(pt_map(c, 0x201000, 0x201000, KiB(4), 0, true),
			 -EEXIST);
	assert_int_equal(pt_map(c, 0x201000, 0x201000, KiB(4), PT_RW, true), 0);
	/* 2 MiB over a consistent 4 KiB page: falls back to 4 KiB pages */
	pages = pt_pages_used(c);
	assert_int_equal(pt_map(c, 0x200000, 0x200000, MiB(2), PT_RW, true), 0);
	assert_int_equal(pt_pages_used(c), pages);
	assert_false(entry_at(c, 0x200000, 2)->ps);
	expect_walk(c, 0x3ff000, 0x3ff000, PT_P | PT_RW);
	/* ... and over a conflicting one */
	assert_int_equal(pt_map(c, 0x200000, 0x800000, MiB(2), PT_RW, true),
			 -EEXIST);
	/* 4 KiB inside an existing 2 MiB leaf */
	assert_int_equal(pt_map(c, MiB(4), MiB(64), MiB(2), PT_RW, true), 0);
	assert_int_equal(pt_map(c, MiB(5), MiB(65), KiB(4), PT_RW, true), 0);
	assert_int_equal(pt_map(c, MiB(5), MiB(66), KiB(4), PT_RW, true),
			 -EEXIST);
	/* 2 MiB inside an existing 1 GiB leaf */
	assert_int_equal(pt_map(c, GiB(2), GiB(4), GiB(1), 0, true), 0);
	assert_int_equal(pt_map(c, GiB(2) + MiB(2), GiB(4) + MiB(2), MiB(2), 0,
				false), 0);
	assert_int_equal(pt_map(c, GiB(2) + MiB(2), GiB(4), MiB(2), 0, false),
			 -EEXIST);
}

static void test_map_enomem(void **state)
{
	struct fake_mem *m = *state;

	m->phys.limit = m->phys.next + 2;         /* room for PDPT and PD only */
	assert_int_equal(pt_map(&m->pt, 0x1000, 0x1000, KiB(4), 0, true),
			 -ENOMEM);
	assert_int_equal(pt_pages_used(&m->pt), 3);
	m->phys.limit = MEM_PAGES;
	assert_int_equal(pt_map(&m->pt, 0x1000, 0x1000, KiB(4), 0, true), 0);
	assert_int_equal(pt_pages_used(&m->pt), 4);
}

static void test_walk_faults(void **state)
{
	struct pt_ctx *c = ctx_of(state);
	const uint64_t va = 0x7f0000000000ULL;
	uint64_t pa;

	expect_fault(c, va, -EFAULT, 4);
	assert_int_equal(pt_map(c, va, 0x5000, KiB(4), PT_RW, false), 0);
	expect_fault(c, va + GiB(512), -EFAULT, 4);
	expect_fault(c, va + GiB(1), -EFAULT, 3);
	expect_fault(c, va + MiB(2), -EFAULT, 2);
	expect_fault(c, va + KiB(4), -EFAULT, 1);
	expect_fault(c, 0x0000800000000000ULL, -EINVAL, 0);
	/* optional outputs may be NULL */
	assert_int_equal(pt_walk(c, va + 8, &pa, NULL, NULL), 0);
	assert_int_equal(pa, 0x5008);
	assert_int_equal(pt_walk(c, va + KiB(4), &pa, NULL, NULL), -EFAULT);
	/* a table pointer the accessor cannot reach */
	entry_at(c, va, 2)->raw = 0x7ff00000ULL | PT_P | PT_RW;
	expect_fault(c, va, -EFAULT, 1);
}

static void test_walk_reserved(void **state)
{
	struct pt_ctx *c = ctx_of(state);

	assert_int_equal(pt_map(c, 0, 0, GiB(1), PT_RW, true), 0);
	assert_int_equal(pt_map(c, GiB(1), GiB(1), MiB(2), PT_RW, true), 0);
	assert_int_equal(pt_map(c, GiB(2), 0x9000, KiB(4), PT_RW, true), 0);

	entry_at(c, 0, 3)->raw |= BIT(20);              /* 1G: 29:13 MBZ */
	expect_fault(c, 0x1000, -EINVAL, 3);
	entry_at(c, 0, 3)->raw &= ~BIT(20);
	entry_at(c, 0, 3)->raw |= BIT(12);              /* PAT: fine */
	expect_walk(c, 0x1000, 0x1000, PT_P | PT_RW | PT_PS);

	entry_at(c, GiB(1), 2)->raw |= BIT(13);         /* 2M: 20:13 MBZ */
	expect_fault(c, GiB(1), -EINVAL, 2);
	entry_at(c, GiB(1), 2)->raw &= ~BIT(13);

	c->phys_bits = 40;                              /* MAXPHYADDR */
	entry_at(c, GiB(2), 1)->raw |= BIT(45);
	expect_fault(c, GiB(2), -EINVAL, 1);
	entry_at(c, GiB(2), 1)->raw &= ~BIT(45);
	expect_walk(c, GiB(2), 0x9000, PT_P | PT_RW);

	entry_at(c, 0, 4)->raw |= PT_PS;                /* PML4E.PS MBZ */
	expect_fault(c, 0, -EINVAL, 4);
}

static void test_walk_effective_flags(void **state)
{
	struct pt_ctx *c = ctx_of(state);

	assert_int_equal(pt_map(c, 0x1000, 0x2000, KiB(4),
				PT_RW | PT_US | PT_PCD | PT_PWT | PT_G | PT_A |
				PT_D, true), 0);
	expect_walk(c, 0x1000, 0x2000, PT_P | PT_RW | PT_US | PT_PCD |
		    PT_PWT | PT_G | PT_A | PT_D);
	entry_at(c, 0x1000, 3)->raw &= ~PT_RW;          /* PDPTE read-only */
	entry_at(c, 0x1000, 2)->raw &= ~PT_US;          /* PDE supervisor */
	entry_at(c, 0x1000, 4)->raw |= PT_NX;           /* PML4E no-exec */
	expect_walk(c, 0x1000, 0x2000, PT_P | PT_NX | PT_PCD | PT_PWT | PT_G |
		    PT_A | PT_D);
}

static uint64_t walk_cache(struct pt_ctx *c, uint64_t va)
{
	uint64_t pa = 0, flags = 0;

	assert_int_equal(pt_walk(c, va, &pa, &flags, NULL), 0);
	assert_int_equal(pa, va);
	assert_true(flags & PT_RW);
	return flags & (PT_PCD | PT_PWT);
}

/* q35-like: low RAM to 2 GiB - 2 MiB, a 640 KiB hole in chunk 0, high RAM
 * 4..5 GiB, MMIO everywhere else. */
static const struct pt_range q35_ram[] = {
	{ 0, 0xa0000 },
	{ 0x100000, 0x7fe00000 - 0x100000 },
	{ 0x100000000ULL, GiB(1) },
};

static void check_q35_attrs(struct pt_ctx *c)
{
	assert_int_equal(walk_cache(c, 0), PT_CACHE_WB);
	assert_int_equal(walk_cache(c, 0xb8000), PT_CACHE_WB); /* in chunk */
	assert_int_equal(walk_cache(c, 0x7fc00000), PT_CACHE_WB);
	assert_int_equal(walk_cache(c, 0x7fe00000), PT_CACHE_UC);
	assert_int_equal(walk_cache(c, 0xb0000000), PT_CACHE_UC); /* ECAM */
	assert_int_equal(walk_cache(c, 0xfec00000), PT_CACHE_UC); /* IOAPIC */
	assert_int_equal(walk_cache(c, 0xfee00000), PT_CACHE_UC); /* LAPIC */
	assert_int_equal(walk_cache(c, 0x100000000ULL), PT_CACHE_WB);
	assert_int_equal(walk_cache(c, 0x13fffffffULL), PT_CACHE_WB);
}

static void test_identity_q35_1g(void **state)
{
	struct pt_ctx *c = ctx_of(state);
	uint64_t pa, flags;

	assert_int_equal(pt_identity_map(c, q35_ram, ARRAY_SIZE(q35_ram),
					 GiB(5) - 123, true), 0);
	check_q35_attrs(c);
	/* GiB 0, 2, 3, 4 uniform: 1 GiB pages; GiB 1 mixed: one PD */
	assert_int_equal(pt_pages_used(c), 3);
	assert_int_equal(pt_walk(c, GiB(3), &pa, &flags, NULL), 0);
	assert_true(flags & PT_PS);
	assert_false(entry_at(c, GiB(1), 3)->ps);
	expect_fault(c, GiB(5), -EFAULT, 3);
}

static void test_identity_q35_2m(void **state)
{
	struct pt_ctx *c = ctx_of(state);

	assert_int_equal(pt_identity_map(c, q35_ram, ARRAY_SIZE(q35_ram),
					 GiB(5), false), 0);
	check_q35_attrs(c);
	assert_int_equal(pt_pages_used(c), 2 + 5);
	assert_true(entry_at(c, GiB(3), 2)->ps);
}

/* 4 GiB below the 32-bit hole's top plus 64 GiB above: 68 GiB total. */
static const struct pt_range big_ram[] = {
	{ 0, GiB(3) },
	{ GiB(4), GiB(64) },
};

static void test_identity_footprint(void **state)
{
	struct pt_ctx *c = ctx_of(state);

	assert_int_equal(pt_identity_map(c, big_ram, ARRAY_SIZE(big_ram),
					 GiB(68), true), 0);
	assert_int_equal(pt_pages_used(c), 2);          /* PML4 + PDPT */
	assert_int_equal(walk_cache(c, GiB(3) + MiB(4)), PT_CACHE_UC);
	assert_int_equal(walk_cache(c, GiB(67)), PT_CACHE_WB);

	assert_int_equal(pt_init(c), 0);
	assert_int_equal(pt_identity_map(c, big_ram, ARRAY_SIZE(big_ram),
					 GiB(68), false), 0);
	assert_int_equal(pt_pages_used(c), 2 + 68);     /* + one PD per GiB */
	assert_int_equal(walk_cache(c, GiB(3) + MiB(4)), PT_CACHE_UC);
	assert_int_equal(walk_cache(c, GiB(67) + MiB(2)), PT_CACHE_WB);

	/* a plain 4 GiB map: 2 pages with 1 GiB pages, 6 without */
	assert_int_equal(pt_init(c), 0);
	assert_int_equal(pt_identity_map(c, big_ram, 1, GiB(4), true), 0);
	assert_int_equal(pt_pages_used(c), 2);
	assert_int_equal(pt_init(c), 0);
	assert_int_equal(pt_identity_map(c, big_ram, 1, GiB(4), false), 0);
	assert_int_equal(pt_pages_used(c), 6);
}

static void test_identity_bad_args(void **state)
{
	struct pt_ctx *c = ctx_of(state);

	assert_int_equal(pt_identity_map(c, big_ram, 2, 0, true), -EINVAL);
	assert_int_equal(pt_identity_map(c, big_ram, 2, BIT(47) + 1, true),
			 -EINVAL);
	/* no RAM at all: everything UC */
	assert_int_equal(pt_identity_map(c, NULL, 0, GiB(1), true), 0);
	assert_int_equal(walk_cache(c, 0), PT_CACHE_UC);
}

/* The trace of a walk revalidates a cached translation: it stays current
 * until any entry the walk read changes, at any level. */
static void test_walk_trace(void **state)
{
	struct pt_ctx *c = ctx_of(state);
	struct pt_walk_trace t;
	uint64_t pa;
	unsigned level;

	assert_int_equal(pt_map(c, 0x200000, 0x40000000, MiB(2), PT_RW, false), 0);
	assert_int_equal(pt_walk_traced(c, 0x200123, &pa, NULL, NULL, &t), 0);
	assert_int_equal(pa, 0x40000123);
	assert_int_equal(t.n, 3);		/* PML4E, PDPTE, 2 MiB PDE */
	assert_true(pt_trace_current(&t));
	for (level = 0; level < t.n; level++) {
		union pte *e = (union pte *)t.entry[level];
		uint64_t saved = e->raw;

		e->raw ^= BIT(1);
		assert_false(pt_trace_current(&t));
		e->raw = saved;
		assert_true(pt_trace_current(&t));
	}
	/* a 4 KiB page: four levels, each one checked */
	assert_int_equal(pt_map(c, 0x600000, 0x50000000, 0x1000, PT_RW, false), 0);
	assert_int_equal(pt_walk_traced(c, 0x600010, &pa, NULL, NULL, &t), 0);
	assert_int_equal(t.n, 4);
	for (level = 0; level < t.n; level++) {
		union pte *e = (union pte *)t.entry[level];
		uint64_t saved = e->raw;

		e->raw ^= BIT(63);
		assert_false(pt_trace_current(&t));
		e->raw = saved;
		assert_true(pt_trace_current(&t));
	}
	/* a failed walk records only the entries above the hole */
	assert_int_equal(pt_walk_traced(c, 0x40000000, &pa, NULL, NULL, &t), -EFAULT);
	assert_int_equal(t.n, 1);
	t.n = 0;
	assert_false(pt_trace_current(&t));	/* nothing recorded */
}

/* EPT format (SDM vol 3, 29.3.2): the long-mode flags become R/W/X, a
 * memory type and IPAT; non-leaf entries allow everything. */
static struct pt_ctx *ept_of(void **state)
{
	struct pt_ctx *c = ctx_of(state);

	c->format = PT_FORMAT_EPT;
	return c;
}

#define EPT_WB_LEAF     (EPT_R | EPT_W | EPT_X | FIELD_PREP(EPT_MEMTYPE, EPT_MT_WB) | EPT_IPAT)

static void test_ept_leaf_encoding(void **state)
{
	struct pt_ctx *c = ept_of(state);

	assert_int_equal(pt_map(c, 0x400000, 0x12345000, KiB(4),
				PT_RW | PT_US | PT_CACHE_WB, false), 0);
	assert_int_equal(entry_at(c, 0x400000, 1)->raw, 0x12345000 | EPT_WB_LEAF);
	assert_int_equal(entry_at(c, 0x400000, 2)->raw & 0xfff, EPT_R | EPT_W | EPT_X);
	assert_int_equal(entry_at(c, 0x400000, 4)->raw & 0xfff, EPT_R | EPT_W | EPT_X);
	/* uncached, read-only, no execute: R only, memory type UC (0) */
	assert_int_equal(pt_map(c, 0xfe000000, 0xfe000000, KiB(4),
				PT_CACHE_UC | PT_NX, false), 0);
	assert_int_equal(entry_at(c, 0xfe000000, 1)->raw,
			 0xfe000000 | EPT_R | FIELD_PREP(EPT_MEMTYPE, EPT_MT_UC) | EPT_IPAT);
	/* a 2 MiB leaf carries the large-page bit */
	assert_int_equal(pt_map(c, 0x40000000, 0x80000000, MiB(2), PT_RW, false), 0);
	assert_int_equal(entry_at(c, 0x40000000, 2)->raw,
			 0x80000000 | EPT_WB_LEAF | EPT_LARGE);
}

static void test_ept_walk(void **state)
{
	struct pt_ctx *c = ept_of(state);

	assert_int_equal(pt_map(c, 0x400000, 0x12345000, KiB(4), PT_RW | PT_US, false), 0);
	assert_int_equal(pt_map(c, 0x401000, 0xfe000000, KiB(4), PT_CACHE_UC | PT_NX, false), 0);
	expect_walk(c, 0x400123, 0x12345123, PT_P | PT_RW | PT_US);
	expect_walk(c, 0x401ff8, 0xfe000ff8, PT_P | PT_US | PT_NX | PT_CACHE_UC);
	expect_fault(c, 0x402000, -EFAULT, 1);
	/* the same mapping again is a no-op, another cache type conflicts */
	assert_int_equal(pt_map(c, 0x400000, 0x12345000, KiB(4), PT_RW | PT_US, false), 0);
	assert_int_equal(pt_map(c, 0x400000, 0x12345000, KiB(4), PT_RW | PT_CACHE_UC, false),
			 -EEXIST);
}

static void test_ept_misconfig(void **state)
{
	struct pt_ctx *c = ept_of(state);
	union pte *e;

	assert_int_equal(pt_map(c, 0x400000, 0x12345000, KiB(4), PT_RW, false), 0);
	e = entry_at(c, 0x400000, 1);
	e->raw = (e->raw & ~EPT_R) | EPT_W;             /* write-only */
	expect_fault(c, 0x400000, -EINVAL, 1);
	e->raw |= EPT_R;
	e = entry_at(c, 0x400000, 2);
	e->raw |= FIELD_PREP(EPT_MEMTYPE, EPT_MT_WB);   /* type in a table */
	expect_fault(c, 0x400000, -EINVAL, 2);
	e->raw &= ~EPT_MEMTYPE;
	expect_walk(c, 0x400000, 0x12345000, PT_P | PT_RW | PT_US);
	/* bit 12 of a 2 MiB EPT leaf is reserved (no PAT bit there) */
	assert_int_equal(pt_map(c, 0x40000000, 0x80000000, MiB(2), PT_RW, false), 0);
	entry_at(c, 0x40000000, 2)->raw |= BIT(12);
	expect_fault(c, 0x40000000, -EINVAL, 2);
}

/* EPT translates 48-bit guest-physical addresses, not canonical ones. */
static void test_ept_input_range(void **state)
{
	struct pt_ctx *c = ept_of(state);

	assert_int_equal(pt_map(c, BIT(47), 0x1000, KiB(4), PT_RW, false), 0);
	expect_walk(c, BIT(47), 0x1000, PT_P | PT_RW | PT_US);
	assert_int_equal(pt_map(c, BIT(48), 0x1000, KiB(4), PT_RW, false), -EINVAL);
	assert_int_equal(pt_map(c, BIT(48) - KiB(4), 0x1000, KiB(8), PT_RW, false), -EINVAL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init),
		T(test_map_4k),
		T(test_map_2m),
		T(test_map_1g),
		T(test_map_mixed_sizes),
		T(test_map_bad_args),
		T(test_map_conflicts),
		T(test_map_enomem),
		T(test_walk_faults),
		T(test_walk_reserved),
		T(test_walk_effective_flags),
		T(test_walk_trace),
		T(test_identity_q35_1g),
		T(test_identity_q35_2m),
		T(test_identity_footprint),
		T(test_identity_bad_args),
		T(test_ept_leaf_encoding),
		T(test_ept_walk),
		T(test_ept_misconfig),
		T(test_ept_input_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
