/*
 * Virtual MSI-X state machine on the host. The fake ops play the device and
 * the interrupt remapping: a physical mask and PBA bit per entry (a held
 * message is sent by the device itself on unmask, PCI 3.0 6.8.3.5), IRTEs
 * that may only be rewritten while the entry is physically masked, and
 * messages in flight that reach the hv later. A call log checks ordering.
 * The stress test holds the hv against an ideal virtual MSI-X function.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/msix.h"
#include "drivers/pci.h"
#include "hv/vmsix.h"

#define NV	8
#define MAXV	80
#define EN	PCI_MSIX_CTRL_ENABLE
#define MA	PCI_MSIX_CTRL_MASKALL

struct fake {
	unsigned nvec;
	int alloc_ret;
	bool allocated;
	bool pmask[MAXV], pba[MAXV];
	unsigned inflight[MAXV], resend[MAXV];
	bool irte_ok[MAXV];
	uint64_t irte_addr[MAXV];
	uint32_t irte_data[MAXV];
	unsigned routes, masks, delivered[MAXV], delivered_all;
	char log[512];
	struct vmsix m;
	struct vmsix_entry e[MAXV];
};

static void fake_log(struct fake *f, char op, unsigned i)
{
	size_t n = strlen(f->log);

	if (n + 4 < sizeof(f->log))
		snprintf(f->log + n, sizeof(f->log) - n, "%c%u ", op, i);
}

static int fake_alloc_all(void *ctx, unsigned nvec)
{
	struct fake *f = ctx;
	unsigned i;

	assert_int_equal(nvec, f->nvec);
	assert_false(f->allocated);
	fake_log(f, 'A', nvec);
	if (f->alloc_ret < 0)
		return f->alloc_ret;
	f->allocated = true;
	for (i = 0; i < nvec; i++) {
		f->pmask[i] = true;
		f->pba[i] = false;
		f->irte_ok[i] = false;
	}
	return 0;
}

static void fake_free_all(void *ctx, unsigned nvec)
{
	struct fake *f = ctx;
	unsigned i;

	assert_true(f->allocated);
	for (i = 0; i < nvec; i++) {
		assert_true(f->pmask[i]);	/* masked before release */
		f->pba[i] = false;
	}
	f->allocated = false;
	fake_log(f, 'F', nvec);
}

static int fake_route(void *ctx, unsigned i, uint64_t addr, uint32_t data)
{
	struct fake *f = ctx;

	assert_true(f->allocated);
	assert_true(f->pmask[i]);	/* never rewrite a live entry's IRTE */
	fake_log(f, 'R', i);
	if ((addr & ~0xfffffULL) != MSI_ADDR_BASE)
		return -EINVAL;
	f->irte_ok[i] = true;
	f->irte_addr[i] = addr;
	f->irte_data[i] = data;
	f->routes++;
	return 0;
}

/* Unmasking with the PBA bit set sends the held message (6.8.3.5). */
static void fake_mask(void *ctx, unsigned i, bool masked)
{
	struct fake *f = ctx;

	assert_true(f->allocated);
	fake_log(f, masked ? 'M' : 'U', i);
	f->masks++;
	f->pmask[i] = masked;
	if (!masked) {
		assert_true(f->irte_ok[i]);
		if (f->pba[i]) {
			f->pba[i] = false;
			f->resend[i]++;
		}
	}
}

static bool fake_phys_pending(void *ctx, unsigned i)
{
	struct fake *f = ctx;

	return f->allocated && f->pba[i];
}

static void fake_deliver(void *ctx, unsigned i)
{
	struct fake *f = ctx;

	assert_true(f->allocated);
	assert_true(f->irte_ok[i]);
	fake_log(f, 'D', i);
	f->delivered[i]++;
	f->delivered_all++;
}

static const struct vmsix_ops fake_ops = {
	.alloc_all = fake_alloc_all, .free_all = fake_free_all,
	.route = fake_route, .mask = fake_mask,
	.phys_pending = fake_phys_pending, .deliver = fake_deliver,
};

/* msix=map: the function's mask is applied to the device. */
static void fake_fn_mask(void *ctx, bool masked)
{
	fake_log(ctx, 'X', masked);
}

static const struct vmsix_ops fake_map_ops = {
	.alloc_all = fake_alloc_all, .free_all = fake_free_all,
	.route = fake_route, .mask = fake_mask,
	.phys_pending = fake_phys_pending, .deliver = fake_deliver,
	.fn_mask = fake_fn_mask,
};

static void fake_setup(struct fake *f, unsigned nvec)
{
	memset(f, 0, sizeof(*f));
	f->nvec = nvec;
	assert_int_equal(vmsix_init(&f->m, nvec, f->e, &fake_ops, f), 0);
}

/* The device raises entry i: sent if physically unmasked, else held. */
static bool dev_event(struct fake *f, unsigned i)
{
	if (!f->allocated)
		return false;	/* MSI-X off: the function cannot signal */
	if (f->pmask[i])
		f->pba[i] = true;
	else
		f->inflight[i]++;
	return true;
}

/* Held messages sent by an unmask reach the hv as soon as it returns. */
static void drain_resends(struct fake *f)
{
	unsigned i;

	for (i = 0; i < f->nvec; i++)
		for (; f->resend[i]; f->resend[i]--)
			vmsix_fire(&f->m, i);
}

static void drain_all(struct fake *f)
{
	unsigned i;

	for (i = 0; i < f->nvec; i++)
		for (; f->inflight[i]; f->inflight[i]--)
			vmsix_fire(&f->m, i);
	drain_resends(f);
}

static int tw(struct fake *f, unsigned i, uint32_t reg, uint32_t v)
{
	return vmsix_table_write(&f->m, i * 16 + reg, 4, v);
}

static uint32_t tr(struct fake *f, unsigned i, uint32_t reg)
{
	uint64_t v;

	assert_int_equal(vmsix_table_read(&f->m, i * 16 + reg, 4, &v), 0);
	return (uint32_t)v;
}

static void program(struct fake *f, unsigned i, uint8_t vec)
{
	assert_int_equal(tw(f, i, MSIX_ENTRY_ADDR_LO, MSI_ADDR_BASE | i << 12), 0);
	assert_int_equal(tw(f, i, MSIX_ENTRY_ADDR_HI, 0), 0);
	assert_int_equal(tw(f, i, MSIX_ENTRY_DATA, vec), 0);
}

static uint64_t pba(struct fake *f)
{
	uint64_t v;

	assert_int_equal(vmsix_pba_read(&f->m, 0, 8, &v), 0);
	return v;
}

static void test_init_reset_state(void **state)
{
	static const struct vmsix_ops none;
	struct fake f;
	unsigned i;

	(void)state;
	assert_int_equal(vmsix_init(&f.m, 0, f.e, &fake_ops, &f), -EINVAL);
	assert_int_equal(vmsix_init(&f.m, VMSIX_MAX_VEC + 1, f.e, &fake_ops, &f), -EINVAL);
	assert_int_equal(vmsix_init(&f.m, 4, NULL, &fake_ops, &f), -EINVAL);
	assert_int_equal(vmsix_init(&f.m, 4, f.e, &none, &f), -EINVAL);
	fake_setup(&f, NV);
	assert_int_equal(vmsix_ctrl_read(&f.m), NV - 1);
	for (i = 0; i < NV; i++) {
		assert_int_equal(tr(&f, i, MSIX_ENTRY_CTRL), MSIX_ENTRY_CTRL_MASKBIT);
		assert_int_equal(tr(&f, i, MSIX_ENTRY_ADDR_LO), 0);
		assert_int_equal(tr(&f, i, MSIX_ENTRY_DATA), 0);
	}
	assert_int_equal(pba(&f), 0);
}

static void test_ctrl_size_read_only(void **state)
{
	struct fake f;

	(void)state;
	fake_setup(&f, NV);
	assert_int_equal(vmsix_ctrl_write(&f.m, 0x07ff | MA), 0);
	assert_int_equal(vmsix_ctrl_read(&f.m), MA | (NV - 1));
	assert_int_equal(vmsix_ctrl_write(&f.m, 0x3000 | EN), 0);
	assert_int_equal(vmsix_ctrl_read(&f.m), EN | (NV - 1));
	assert_int_equal(f.routes, 0);
}

static void test_enable_failure(void **state)
{
	struct fake f;

	(void)state;
	fake_setup(&f, NV);
	program(&f, 2, 0x42);
	assert_int_equal(tw(&f, 2, MSIX_ENTRY_CTRL, 0), 0);
	f.alloc_ret = -ENOSPC;
	assert_int_equal(vmsix_ctrl_write(&f.m, EN), -ENOSPC);
	assert_int_equal(vmsix_ctrl_read(&f.m) & EN, 0);
	assert_string_equal(f.log, "A8 ");	/* no route, no mask */
	assert_false(f.e[2].routed);
	assert_int_equal(f.m.stats.refused, 1);
	vmsix_fire(&f.m, 2);			/* stray: pends, not delivered */
	assert_int_equal(f.delivered_all, 0);
	f.alloc_ret = 0;
	assert_int_equal(vmsix_ctrl_write(&f.m, EN), 0);
	assert_int_equal(f.delivered[2], 1);	/* kept pending across the failure */
	assert_int_equal(f.irte_data[2], 0x42);
}

/* Linux: Enable|MaskAll, program and unmask entries, clear MaskAll. */
static void test_linux_order(void **state)
{
	struct fake f;
	unsigned i;

	(void)state;
	fake_setup(&f, NV);
	assert_int_equal(vmsix_ctrl_write(&f.m, EN | MA), 0);
	for (i = 0; i < 3; i++) {
		program(&f, i, (uint8_t)(0x40 + i));
		assert_int_equal(tw(&f, i, MSIX_ENTRY_CTRL, 0), 0);
	}
	assert_int_equal(f.routes, 0);		/* function still masked */
	assert_int_equal(f.masks, 0);
	assert_int_equal(vmsix_ctrl_write(&f.m, EN), 0);
	assert_string_equal(f.log, "A8 R0 U0 R1 U1 R2 U2 ");
	for (i = 0; i < 3; i++)
		assert_int_equal(f.irte_data[i], 0x40 + i);
	vmsix_fire(&f.m, 1);
	assert_int_equal(f.delivered[1], 1);
}

/* Enable first with entries masked, program, unmask each. */
static void test_enable_then_unmask_order(void **state)
{
	struct fake f;

	(void)state;
	fake_setup(&f, NV);
	assert_int_equal(vmsix_ctrl_write(&f.m, EN), 0);
	program(&f, 5, 0x55);
	assert_int_equal(f.routes, 0);
	assert_int_equal(tw(&f, 5, MSIX_ENTRY_CTRL, 0), 0);
	assert_string_equal(f.log, "A8 R5 U5 ");
	assert_int_equal(f.irte_addr[5], MSI_ADDR_BASE | 5 << 12);
	/* masking again masks physically; an unchanged message is not rerouted */
	assert_int_equal(tw(&f, 5, MSIX_ENTRY_CTRL, 1), 0);
	assert_int_equal(tw(&f, 5, MSIX_ENTRY_CTRL, 0), 0);
	assert_string_equal(f.log, "A8 R5 U5 M5 U5 ");
	assert_int_equal(f.m.stats.routes, 1);
}

static void test_disable_masks_first(void **state)
{
	struct fake f;

	(void)state;
	fake_setup(&f, NV);
	assert_int_equal(vmsix_ctrl_write(&f.m, EN), 0);
	program(&f, 1, 0x31);
	program(&f, 3, 0x33);
	assert_int_equal(tw(&f, 1, MSIX_ENTRY_CTRL, 0), 0);
	assert_int_equal(tw(&f, 3, MSIX_ENTRY_CTRL, 0), 0);
	f.log[0] = 0;
	assert_int_equal(vmsix_ctrl_write(&f.m, 0), 0);
	assert_string_equal(f.log, "M1 M3 F8 ");	/* fake_free_all checks too */
	assert_int_equal(vmsix_ctrl_read(&f.m) & EN, 0);
	/* re-enable: new IRTEs, so both are routed again */
	assert_int_equal(vmsix_ctrl_write(&f.m, EN), 0);
	assert_int_equal(f.m.stats.routes, 4);
}

/* 6.8.3.5: a new message for an unmasked entry waits for mask/unmask. */
static void test_deferred_update(void **state)
{
	struct fake f;

	(void)state;
	fake_setup(&f, NV);
	assert_int_equal(vmsix_ctrl_write(&f.m, EN), 0);
	program(&f, 0, 0x20);
	assert_int_equal(tw(&f, 0, MSIX_ENTRY_CTRL, 0), 0);
	assert_int_equal(tw(&f, 0, MSIX_ENTRY_ADDR_LO, MSI_ADDR_BASE | 7 << 12), 0);
	assert_int_equal(tw(&f, 0, MSIX_ENTRY_DATA, 0x21), 0);
	assert_int_equal(f.routes, 1);			/* old message stays live */
	assert_int_equal(f.irte_data[0], 0x20);
	assert_int_equal(tr(&f, 0, MSIX_ENTRY_DATA), 0x21);	/* reads: as written */
	vmsix_fire(&f.m, 0);
	assert_int_equal(f.delivered[0], 1);
	assert_int_equal(tw(&f, 0, MSIX_ENTRY_CTRL, 1), 0);
	assert_int_equal(f.routes, 1);
	assert_int_equal(tw(&f, 0, MSIX_ENTRY_CTRL, 0), 0);
	assert_int_equal(f.routes, 2);
	assert_int_equal(f.irte_addr[0], MSI_ADDR_BASE | 7 << 12);
	assert_int_equal(f.irte_data[0], 0x21);
	/* rewriting the same message is no change: no new route */
	assert_int_equal(tw(&f, 0, MSIX_ENTRY_DATA, 0x21), 0);
	assert_int_equal(tw(&f, 0, MSIX_ENTRY_CTRL, 1), 0);
	assert_int_equal(tw(&f, 0, MSIX_ENTRY_CTRL, 0), 0);
	assert_int_equal(f.routes, 2);
}

static void test_qword_and_masked_reads(void **state)
{
	struct fake f;
	uint64_t v;

	(void)state;
	fake_setup(&f, NV);
	assert_int_equal(vmsix_ctrl_write(&f.m, EN), 0);
	assert_int_equal(vmsix_table_write(&f.m, 4 * 16, 8, 0x12345678fee0300fULL), 0);
	assert_int_equal(tr(&f, 4, MSIX_ENTRY_ADDR_LO), 0xfee0300c);	/* [1:0] are 0 */
	assert_int_equal(tr(&f, 4, MSIX_ENTRY_ADDR_HI), 0x12345678);
	/* masked entry: reads return the guest's values, nothing routed */
	assert_int_equal(vmsix_table_read(&f.m, 4 * 16, 8, &v), 0);
	assert_int_equal(v, 0x12345678fee0300cULL);
	assert_int_equal(f.routes, 0);
	assert_int_equal(tw(&f, 4, MSIX_ENTRY_ADDR_HI, 0), 0);
	/* qword at 8: data first, then vector control unmasks with that data */
	assert_int_equal(vmsix_table_write(&f.m, 4 * 16 + 8, 8, 0x0000000000000066ULL), 0);
	assert_int_equal(f.irte_data[4], 0x66);
	assert_false(f.pmask[4]);
	assert_int_equal(vmsix_table_read(&f.m, 4 * 16 + 8, 8, &v), 0);
	assert_int_equal(v, 0x66);
	/* reserved vector control bits read as 0 */
	assert_int_equal(tw(&f, 4, MSIX_ENTRY_CTRL, 0xfffffffe), 0);
	assert_int_equal(tr(&f, 4, MSIX_ENTRY_CTRL), 0);
}

static void test_bad_access(void **state)
{
	struct fake f;
	uint64_t v;

	(void)state;
	fake_setup(&f, NV);
	assert_int_equal(vmsix_table_write(&f.m, 2, 4, 1), -EINVAL);
	assert_int_equal(vmsix_table_write(&f.m, 4, 8, 1), -EINVAL);
	assert_int_equal(vmsix_table_write(&f.m, 0, 2, 1), -EINVAL);
	assert_int_equal(vmsix_table_write(&f.m, NV * 16, 4, 1), -EINVAL);
	assert_int_equal(vmsix_table_write(&f.m, 0xfffffff8, 8, 1), -EINVAL);
	assert_int_equal(f.m.stats.refused, 5);
	assert_int_equal(vmsix_table_read(&f.m, NV * 16, 4, &v), -EINVAL);
	assert_int_equal(v, 0xffffffffULL);
	assert_int_equal(vmsix_table_read(&f.m, 3, 8, &v), -EINVAL);
	assert_int_equal(v, ~0ULL);
	assert_int_equal(vmsix_pba_read(&f.m, 8, 4, &v), -EINVAL);	/* 8 vectors: 8 bytes */
	assert_int_equal(v, 0xffffffffULL);
	assert_int_equal(vmsix_pba_read(&f.m, 4, 4, &v), 0);
	assert_int_equal(tr(&f, 0, MSIX_ENTRY_ADDR_LO), 0);
	vmsix_fire(&f.m, NV);						/* ignored */
	assert_int_equal(f.m.stats.refused, 6);
	assert_int_equal(pba(&f), 0);
}

/* Two interrupts while masked merge into one pending bit, one delivery. */
static void test_pending_merges(void **state)
{
	struct fake f;

	(void)state;
	fake_setup(&f, NV);
	assert_int_equal(vmsix_ctrl_write(&f.m, EN), 0);
	program(&f, 6, 0x66);
	assert_int_equal(tw(&f, 6, MSIX_ENTRY_CTRL, 0), 0);
	assert_true(dev_event(&f, 6));			/* in flight ... */
	assert_int_equal(tw(&f, 6, MSIX_ENTRY_CTRL, 1), 0);
	drain_all(&f);					/* ... lands after the mask */
	vmsix_fire(&f.m, 6);
	assert_int_equal(pba(&f), BIT(6));
	assert_int_equal(f.m.stats.pended, 2);
	assert_int_equal(tw(&f, 6, MSIX_ENTRY_CTRL, 0), 0);
	assert_int_equal(f.delivered[6], 1);
	assert_int_equal(pba(&f), 0);
}

static void test_fmask_and_disable_pend(void **state)
{
	struct fake f;

	(void)state;
	fake_setup(&f, NV);
	assert_int_equal(vmsix_ctrl_write(&f.m, EN), 0);
	program(&f, 0, 0x30);
	assert_int_equal(tw(&f, 0, MSIX_ENTRY_CTRL, 0), 0);
	assert_int_equal(vmsix_ctrl_write(&f.m, EN | MA), 0);
	assert_true(f.pmask[0]);
	vmsix_fire(&f.m, 0);
	assert_int_equal(f.delivered[0], 0);
	assert_int_equal(vmsix_ctrl_write(&f.m, EN), 0);
	assert_int_equal(f.delivered[0], 1);
	/* held by the device at disable: kept for the next enable */
	assert_int_equal(vmsix_ctrl_write(&f.m, EN | MA), 0);
	assert_true(dev_event(&f, 0));
	assert_true(f.pba[0]);
	assert_int_equal(vmsix_ctrl_write(&f.m, 0), 0);
	assert_int_equal(pba(&f), BIT(0));
	assert_int_equal(vmsix_ctrl_write(&f.m, EN), 0);
	assert_int_equal(f.delivered[0], 2);
	/* in flight at disable: lands while off, delivered on the next enable */
	assert_true(dev_event(&f, 0));
	assert_int_equal(vmsix_ctrl_write(&f.m, 0), 0);
	drain_all(&f);
	assert_int_equal(pba(&f), BIT(0));
	assert_int_equal(vmsix_ctrl_write(&f.m, EN), 0);
	drain_all(&f);
	assert_int_equal(f.delivered[0], 3);
	assert_int_equal(pba(&f), 0);
}

/* The device's own PBA bit: the guest sees it; the unmask makes the device
 * send it, and that is the only delivery even with a virtual bit set. */
static void test_physically_held(void **state)
{
	struct fake f;

	(void)state;
	fake_setup(&f, NV);
	assert_int_equal(vmsix_ctrl_write(&f.m, EN), 0);
	program(&f, 3, 0x33);
	assert_int_equal(tw(&f, 3, MSIX_ENTRY_CTRL, 0), 0);
	assert_true(dev_event(&f, 3));
	assert_int_equal(tw(&f, 3, MSIX_ENTRY_CTRL, 1), 0);
	drain_all(&f);					/* virtual bit set */
	assert_true(dev_event(&f, 3));			/* physical bit set */
	assert_true(f.pba[3]);
	assert_int_equal(pba(&f), BIT(3));
	assert_int_equal(tw(&f, 3, MSIX_ENTRY_CTRL, 0), 0);
	assert_int_equal(f.delivered[3], 0);		/* the device sends it */
	drain_resends(&f);
	assert_int_equal(f.delivered[3], 1);
	assert_int_equal(pba(&f), 0);
}

static void test_undeliverable_message(void **state)
{
	struct fake f;

	(void)state;
	fake_setup(&f, NV);
	assert_int_equal(vmsix_ctrl_write(&f.m, EN), 0);
	assert_int_equal(tw(&f, 2, MSIX_ENTRY_CTRL, 0), -EINVAL);	/* addr 0 */
	assert_true(f.pmask[2]);
	assert_int_equal(tr(&f, 2, MSIX_ENTRY_CTRL), 0);	/* guest's view kept */
	assert_int_equal(f.m.stats.refused, 1);
	vmsix_fire(&f.m, 2);				/* stray: pends */
	assert_int_equal(f.delivered[2], 0);
	program(&f, 2, 0x22);
	assert_int_equal(tw(&f, 2, MSIX_ENTRY_CTRL, 1), 0);
	assert_int_equal(tw(&f, 2, MSIX_ENTRY_CTRL, 0), 0);
	assert_false(f.pmask[2]);
	assert_int_equal(f.delivered[2], 1);
}

static void test_pba_words(void **state)
{
	struct fake f;
	uint64_t v;

	(void)state;
	fake_setup(&f, 70);
	assert_int_equal(vmsix_ctrl_read(&f.m), 69);
	vmsix_fire(&f.m, 65);
	vmsix_fire(&f.m, 1);
	assert_int_equal(vmsix_pba_read(&f.m, 8, 8, &v), 0);
	assert_int_equal(v, BIT(1));
	assert_int_equal(vmsix_pba_read(&f.m, 8, 4, &v), 0);
	assert_int_equal(v, BIT(1));
	assert_int_equal(vmsix_pba_read(&f.m, 12, 4, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(vmsix_pba_read(&f.m, 0, 4, &v), 0);
	assert_int_equal(v, BIT(1));
	assert_int_equal(vmsix_pba_read(&f.m, 16, 4, &v), -EINVAL);
}

/* ---- stress: the hv against an ideal virtual MSI-X function ---- */

struct ideal {
	bool enabled, fmask, masked[NV], pending[NV];
	unsigned delivered[NV], fires, merges;
	uint64_t addr[NV];
	uint32_t data[NV];
};

static bool ideal_masked(const struct ideal *o, unsigned i)
{
	return !o->enabled || o->fmask || o->masked[i];
}

/* An interrupt as the guest sees it: delivered now, or pending (merging). */
static void ideal_event(struct ideal *o, unsigned i)
{
	if (!ideal_masked(o, i))
		o->delivered[i]++;
	else if (o->pending[i])
		o->merges++;
	else
		o->pending[i] = true;
}

/* Call with the masks before a guest write; delivers what it unmasks. */
static void ideal_after(struct ideal *o, const bool was_masked[NV])
{
	unsigned i;

	for (i = 0; i < NV; i++)
		if (was_masked[i] && !ideal_masked(o, i) && o->pending[i]) {
			o->pending[i] = false;
			o->delivered[i]++;
		}
}

static uint32_t xorshift32(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void stress_check(struct fake *f, const struct ideal *o)
{
	uint64_t want = 0;
	unsigned i;

	for (i = 0; i < NV; i++) {
		assert_int_equal(f->delivered[i], o->delivered[i]);
		if (o->pending[i])
			want |= BIT(i);
	}
	assert_int_equal(pba(f), want);
}

/* One random guest or device step; fires are the device raising a vector. */
static void stress_step(struct fake *f, struct ideal *o, uint32_t *seed)
{
	uint32_t r = xorshift32(seed);
	unsigned i = (r >> 8) % NV, op = r % 16;
	bool was[NV];
	unsigned k;

	for (k = 0; k < NV; k++)
		was[k] = ideal_masked(o, k);
	if (op < 3) {
		o->masked[i] = !o->masked[i];
		assert_int_equal(tw(f, i, MSIX_ENTRY_CTRL, o->masked[i]), 0);
	} else if (op < 5) {
		o->fmask = !o->fmask;
		assert_int_equal(vmsix_ctrl_write(&f->m, (o->enabled ? EN : 0) |
						  (o->fmask ? MA : 0)), 0);
	} else if (op == 5 && (r >> 20) % 4 == 0) {
		o->enabled = !o->enabled;
		assert_int_equal(vmsix_ctrl_write(&f->m, (o->enabled ? EN : 0) |
						  (o->fmask ? MA : 0)), 0);
	} else if (op < 8) {
		o->addr[i] = MSI_ADDR_BASE | ((r >> 12) & 0xff) << 12;
		o->data[i] = (r >> 24) | 0x20;
		assert_int_equal(vmsix_table_write(&f->m, i * 16, 8, o->addr[i]), 0);
		assert_int_equal(tw(f, i, MSIX_ENTRY_DATA, o->data[i]), 0);
	} else if (op < 13) {
		if (dev_event(f, i)) {
			o->fires++;
			if (f->pmask[i]) {	/* held: happened while masked */
				assert_true(ideal_masked(o, i));
				ideal_event(o, i);
			}
		}
	} else if (f->inflight[i]) {	/* a message sent earlier lands now */
		f->inflight[i]--;
		ideal_event(o, i);
		vmsix_fire(&f->m, i);
	}
	ideal_after(o, was);
	drain_resends(f);
	stress_check(f, o);
}

/* fn_mask follows every control write, after the entries (and, on
 * disable, the release) were dealt with. */
static void test_fn_mask_every_write(void **state)
{
	struct fake f;

	(void)state;
	fake_setup(&f, NV);
	f.m.ops = &fake_map_ops;
	assert_int_equal(vmsix_ctrl_write(&f.m, MA), 0);
	assert_int_equal(vmsix_ctrl_write(&f.m, EN | MA), 0);
	assert_int_equal(vmsix_ctrl_write(&f.m, EN), 0);
	assert_int_equal(vmsix_ctrl_write(&f.m, EN), 0);
	assert_int_equal(vmsix_ctrl_write(&f.m, 0), 0);
	assert_string_equal(f.log, "X1 A8 X1 X0 X0 F8 X1 ");
	f.log[0] = 0;
	f.alloc_ret = -ENOSPC;			/* a failed enable stays masked */
	assert_int_equal(vmsix_ctrl_write(&f.m, EN), -ENOSPC);
	assert_string_equal(f.log, "A8 X1 ");
}

/* The hv sets a message for the guest: routed while masked, unmasked,
 * delivering; a new one reroutes; a refused one leaves the entry masked
 * and what arrives pends. */
static void test_map_entry(void **state)
{
	struct fake f;

	(void)state;
	fake_setup(&f, NV);
	assert_int_equal(vmsix_map_entry(&f.m, NV, MSI_ADDR_BASE, 0x40), -EINVAL);
	assert_int_equal(vmsix_ctrl_write(&f.m, EN), 0);
	assert_int_equal(vmsix_map_entry(&f.m, 2, MSI_ADDR_BASE, 0x40), 0);
	assert_string_equal(f.log, "A8 R2 U2 ");
	vmsix_fire(&f.m, 2);
	assert_int_equal(f.delivered[2], 1);
	assert_int_equal(vmsix_map_entry(&f.m, 2, MSI_ADDR_BASE, 0x41), 0);
	assert_string_equal(f.log, "A8 R2 U2 D2 M2 R2 U2 ");
	assert_int_equal(f.irte_data[2], 0x41);
	assert_int_equal(vmsix_map_entry(&f.m, 2, 0x1000, 0x42), -EINVAL);
	assert_true(f.e[2].masked);
	vmsix_fire(&f.m, 2);
	assert_int_equal(f.delivered[2], 1);
	assert_true(f.e[2].pending);
	assert_int_equal(vmsix_map_entry(&f.m, 2, MSI_ADDR_BASE, 0x43), 0);
	assert_int_equal(f.delivered[2], 2);	/* the pended one, once */
}

static void test_stress_no_loss_no_double(void **state)
{
	static struct fake f;
	struct ideal o;
	uint32_t seed = 0x1badf00d;
	unsigned n, i, pending = 0, delivered = 0;
	bool was[NV];

	(void)state;
	fake_setup(&f, NV);
	memset(&o, 0, sizeof(o));
	for (i = 0; i < NV; i++) {	/* every entry deliverable from the start */
		o.masked[i] = true;
		o.addr[i] = MSI_ADDR_BASE;
		o.data[i] = 0x20 + i;
		assert_int_equal(vmsix_table_write(&f.m, i * 16, 8, o.addr[i]), 0);
		assert_int_equal(tw(&f, i, MSIX_ENTRY_DATA, o.data[i]), 0);
	}
	for (n = 0; n < 200000; n++)
		stress_step(&f, &o, &seed);
	/* land everything in flight, then mask all and unmask all */
	for (i = 0; i < NV; i++)
		for (; f.inflight[i]; f.inflight[i]--) {
			ideal_event(&o, i);
			vmsix_fire(&f.m, i);
		}
	for (i = 0; i < NV; i++)
		pending += o.pending[i];
	assert_int_equal(f.delivered_all + pending, o.fires - o.merges);
	for (i = 0; i < NV; i++) {
		was[i] = ideal_masked(&o, i);
		assert_int_equal(tw(&f, i, MSIX_ENTRY_CTRL, 1), 0);
	}
	o.enabled = true;
	o.fmask = false;
	memset(o.masked, 0, sizeof(o.masked));
	assert_int_equal(vmsix_ctrl_write(&f.m, EN), 0);
	for (i = 0; i < NV; i++)
		assert_int_equal(tw(&f, i, MSIX_ENTRY_CTRL, 0), 0);
	ideal_after(&o, was);
	drain_resends(&f);
	stress_check(&f, &o);
	for (i = 0; i < NV; i++) {	/* retarget live entries: deferred */
		o.data[i] ^= 0x40;
		assert_int_equal(tw(&f, i, MSIX_ENTRY_DATA, o.data[i]), 0);
		assert_int_equal(tw(&f, i, MSIX_ENTRY_CTRL, 1), 0);
		assert_int_equal(tw(&f, i, MSIX_ENTRY_CTRL, 0), 0);
	}
	for (i = 0; i < NV; i++) {
		delivered += f.delivered[i];
		assert_false(o.pending[i] || f.pba[i] || f.e[i].pending);
		assert_int_equal(f.irte_addr[i], o.addr[i]);	/* the last message */
		assert_int_equal(f.irte_data[i], o.data[i]);
	}
	assert_int_equal(delivered, o.fires - o.merges);
	assert_int_equal(f.m.stats.deliveries, delivered);
	assert_true(o.fires > 10000 && o.merges > 100 && f.m.stats.pended > 1000);
	print_message("stress: %u fires, %u merged, %u delivered, %u routes\n",
		      o.fires, o.merges, delivered, f.routes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_reset_state),
		cmocka_unit_test(test_ctrl_size_read_only),
		cmocka_unit_test(test_enable_failure),
		cmocka_unit_test(test_linux_order),
		cmocka_unit_test(test_enable_then_unmask_order),
		cmocka_unit_test(test_disable_masks_first),
		cmocka_unit_test(test_deferred_update),
		cmocka_unit_test(test_qword_and_masked_reads),
		cmocka_unit_test(test_bad_access),
		cmocka_unit_test(test_pending_merges),
		cmocka_unit_test(test_fmask_and_disable_pend),
		cmocka_unit_test(test_physically_held),
		cmocka_unit_test(test_undeliverable_message),
		cmocka_unit_test(test_pba_words),
		cmocka_unit_test(test_fn_mask_every_write),
		cmocka_unit_test(test_map_entry),
		cmocka_unit_test(test_stress_no_loss_no_double),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
