/* Unit tests for hv/vlapic.c: IRR/ISR/TMR and PPR/TPR rules of SDM vol 3,
 * 11.8, and the xAPIC register page (Table 11-1). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/vlapic.h"

/* The timer's clock: these tests start no timer (tests/unit/test_vtimer*.c do). */
static uint64_t clock_zero(void)
{
	return 0;
}

/* A reset APIC, software-enabled through the SVR like a guest would. */
static void setup(struct vlapic *v)
{
	vlapic_reset(v, 3, clock_zero);
	assert_int_equal(vlapic_mmio_write(v, VLAPIC_SVR, 0x1ff), 0);
	assert_true(v->enabled);
}

static uint32_t rd(struct vlapic *v, uint32_t off)
{
	uint32_t val = 0xdeadbeef;

	assert_int_equal(vlapic_mmio_read(v, off, &val), 0);
	return val;
}

static void test_reset(void **state)
{
	struct vlapic v;

	(void)state;
	vlapic_reset(&v, 5, clock_zero);
	assert_false(v.enabled);
	assert_int_equal(rd(&v, VLAPIC_SVR), 0xff);
	assert_int_equal(rd(&v, VLAPIC_TPR), 0);
	assert_int_equal(rd(&v, VLAPIC_PPR), 0);
	assert_int_equal(rd(&v, VLAPIC_ID), 5u << 24);
	assert_int_equal(rd(&v, VLAPIC_DFR), 0xffffffff);
	assert_int_equal(rd(&v, VLAPIC_LVT_TIMER), VLAPIC_LVT_MASKED);
	assert_int_equal(rd(&v, VLAPIC_LVT_CMCI), VLAPIC_LVT_MASKED);
	/* version 0x14, 7 LVT entries: max LVT 6 */
	assert_int_equal(rd(&v, VLAPIC_VER), 0x00060014);
	assert_int_equal(vlapic_pending(&v), -1);
}

/* An NMI is latched even while the APIC is software-disabled and leaves
 * IRR alone; a second one before injection merges (SDM vol 3, 6.7.1). */
static void test_nmi_latch(void **state)
{
	struct vlapic v;

	(void)state;
	vlapic_reset(&v, 0, clock_zero);
	assert_false(vlapic_nmi_take(&v));
	assert_int_equal(vlapic_nmi(&v), 1);
	assert_int_equal(vlapic_nmi(&v), 0);
	assert_false(vlapic_irr_any(&v));
	assert_true(vlapic_nmi_take(&v));
	assert_false(vlapic_nmi_take(&v));
	assert_int_equal(v.stats.nmi, 1);
	assert_int_equal(v.stats.nmi_merged, 1);
}

static void test_accept_ack_eoi(void **state)
{
	struct vlapic v;

	(void)state;
	setup(&v);
	assert_false(vlapic_irr_any(&v));
	assert_int_equal(vlapic_accept(&v, 0x41, false), 1);
	assert_true(vlapic_irr_any(&v));
	assert_int_equal(vlapic_pending(&v), 0x41);
	assert_int_equal(vlapic_ack(&v), 0x41);
	assert_false(vlapic_irr_any(&v));
	assert_int_equal(vlapic_pending(&v), -1);
	assert_int_equal(vlapic_ppr(&v), 0x40);
	assert_int_equal(vlapic_eoi(&v), 0x41);
	assert_int_equal(vlapic_ppr(&v), 0);
	assert_int_equal(vlapic_ack(&v), -ENOENT);
	assert_int_equal(v.stats.accepted, 1);
	assert_int_equal(v.stats.acked, 1);
	assert_int_equal(v.stats.eoi, 1);
}

/* IRR is one bit: two accepts before the ack deliver once. */
static void test_irr_merge(void **state)
{
	struct vlapic v;

	(void)state;
	setup(&v);
	assert_int_equal(vlapic_accept(&v, 0x50, false), 1);
	assert_int_equal(vlapic_accept(&v, 0x50, false), 0);
	assert_int_equal(v.stats.merged, 1);
	assert_int_equal(vlapic_ack(&v), 0x50);
	assert_int_equal(vlapic_pending(&v), -1);
	/* Pending again while in service: IRR and ISR both hold it. */
	assert_int_equal(vlapic_accept(&v, 0x50, false), 1);
	assert_int_equal(vlapic_pending(&v), -1);      /* same class */
	assert_int_equal(vlapic_eoi(&v), 0x50);
	assert_int_equal(vlapic_ack(&v), 0x50);
}

/* SDM 11.8.3: a higher class preempts, the same or a lower one waits. */
static void test_nested_priorities(void **state)
{
	struct vlapic v;

	(void)state;
	setup(&v);
	vlapic_accept(&v, 0x51, false);
	assert_int_equal(vlapic_ack(&v), 0x51);
	vlapic_accept(&v, 0x5f, false);                /* same class */
	vlapic_accept(&v, 0x3a, false);                /* lower class */
	assert_int_equal(vlapic_pending(&v), -1);
	vlapic_accept(&v, 0x62, false);                /* higher class */
	assert_int_equal(vlapic_ack(&v), 0x62);
	assert_int_equal(vlapic_ppr(&v), 0x60);
	assert_int_equal(vlapic_pending(&v), -1);
	/* EOI retires the highest in service: 0x62, then 0x51. */
	assert_int_equal(vlapic_eoi(&v), 0x62);
	assert_int_equal(vlapic_ppr(&v), 0x50);
	assert_int_equal(vlapic_pending(&v), -1);
	assert_int_equal(vlapic_eoi(&v), 0x51);
	assert_int_equal(vlapic_ack(&v), 0x5f);
	assert_int_equal(vlapic_eoi(&v), 0x5f);
	assert_int_equal(vlapic_ack(&v), 0x3a);
	assert_int_equal(vlapic_eoi(&v), 0x3a);
	assert_int_equal(vlapic_eoi(&v), -1);
	assert_int_equal(v.stats.spurious_eoi, 1);
}

/* TPR masks classes at or below its own (SDM 11.8.3.1). */
static void test_tpr(void **state)
{
	struct vlapic v;

	(void)state;
	setup(&v);
	vlapic_mmio_write(&v, VLAPIC_TPR, 0x45);
	assert_int_equal(vlapic_ppr(&v), 0x45);
	vlapic_accept(&v, 0x4f, false);
	assert_int_equal(vlapic_pending(&v), -1);
	vlapic_accept(&v, 0x50, false);
	assert_int_equal(vlapic_ack(&v), 0x50);
	/* ISRV class 5 > TPR class 4: PPR = ISRV & 0xf0 */
	assert_int_equal(rd(&v, VLAPIC_PPR), 0x50);
	vlapic_mmio_write(&v, VLAPIC_TPR, 0x5c);        /* same class: TPR */
	assert_int_equal(rd(&v, VLAPIC_PPR), 0x5c);
	vlapic_mmio_write(&v, VLAPIC_TPR, 0x73);
	assert_int_equal(rd(&v, VLAPIC_PPR), 0x73);
	vlapic_mmio_write(&v, VLAPIC_EOI, 0x12345678); /* any value */
	assert_int_equal(v.stats.eoi, 1);
	vlapic_mmio_write(&v, VLAPIC_TPR, 0);
	assert_int_equal(vlapic_pending(&v), 0x4f);
	vlapic_mmio_write(&v, VLAPIC_TPR, 0x1ff);      /* 8 bits only */
	assert_int_equal(rd(&v, VLAPIC_TPR), 0xff);
}

static void test_illegal_vectors(void **state)
{
	struct vlapic v;

	(void)state;
	setup(&v);
	for (unsigned int vec = 0; vec < 16; vec++)
		assert_int_equal(vlapic_accept(&v, (uint8_t)vec, false), -EINVAL);
	assert_int_equal(v.stats.illegal, 16);
	assert_int_equal(vlapic_pending(&v), -1);
	/* ESR: write then read (SDM 11.5.3). */
	assert_int_equal(rd(&v, VLAPIC_ESR), 0);
	vlapic_mmio_write(&v, VLAPIC_ESR, 0);
	assert_int_equal(rd(&v, VLAPIC_ESR), VLAPIC_ESR_RECV_ILL);
	vlapic_mmio_write(&v, VLAPIC_ESR, 0);
	assert_int_equal(rd(&v, VLAPIC_ESR), 0);
	/* With the error LVT unmasked, an error raises its vector. */
	vlapic_mmio_write(&v, VLAPIC_LVT_ERROR, 0xfe);
	assert_int_equal(vlapic_accept(&v, 3, false), -EINVAL);
	assert_int_equal(vlapic_ack(&v), 0xfe);
	assert_int_equal(vlapic_accept(&v, 16, false), 1);
}

static void test_software_disabled(void **state)
{
	struct vlapic v;

	(void)state;
	vlapic_reset(&v, 0, clock_zero);
	assert_int_equal(vlapic_accept(&v, 0x30, false), -ENODEV);
	assert_int_equal(v.stats.dropped, 1);
	assert_int_equal(vlapic_pending(&v), -1);
	/* Pending when disabled later: held, but not delivered. */
	setup(&v);
	vlapic_mmio_write(&v, VLAPIC_LVT_LINT0, 0x700);
	assert_int_equal(vlapic_accept(&v, 0x30, false), 1);
	vlapic_mmio_write(&v, VLAPIC_SVR, 0xff);
	assert_false(v.enabled);
	assert_int_equal(vlapic_pending(&v), -1);
	assert_int_equal(vlapic_ack(&v), -ENOENT);
	/* SDM 11.4.7.2: LVTs masked and cannot be unmasked. */
	assert_int_equal(rd(&v, VLAPIC_LVT_LINT0), 0x10700);
	vlapic_mmio_write(&v, VLAPIC_LVT_LINT0, 0x700);
	assert_int_equal(rd(&v, VLAPIC_LVT_LINT0), 0x10700);
	vlapic_mmio_write(&v, VLAPIC_SVR, 0x1ff);
	assert_int_equal(vlapic_ack(&v), 0x30);
}

static void test_level_tmr(void **state)
{
	struct vlapic v;

	(void)state;
	setup(&v);
	vlapic_accept(&v, 0x61, true);
	vlapic_accept(&v, 0x22, false);
	assert_true(vlapic_level(&v, 0x61));
	assert_false(vlapic_level(&v, 0x22));
	assert_int_equal(rd(&v, VLAPIC_TMR + 0x30), 1u << 1);  /* 0x61 */
	assert_int_equal(vlapic_ack(&v), 0x61);
	assert_int_equal(vlapic_eoi(&v), 0x61);
	assert_true(vlapic_level(&v, 0x61));    /* the caller checks it */
	vlapic_accept(&v, 0x61, false);
	assert_false(vlapic_level(&v, 0x61));
}

/* The IRR/ISR banks: vector v at register v/32, bit v%32. */
static void test_banks(void **state)
{
	static const uint8_t vecs[] = { 0x10, 0x3f, 0x40, 0x7e, 0x9c, 0xff };
	struct vlapic v;

	(void)state;
	setup(&v);
	for (size_t i = 0; i < sizeof(vecs); i++)
		vlapic_accept(&v, vecs[i], false);
	for (uint32_t r = 0; r < 8; r++) {
		uint32_t want = 0;

		for (size_t i = 0; i < sizeof(vecs); i++)
			if (vecs[i] / 32 == r)
				want |= 1u << (vecs[i] % 32);
		assert_int_equal(rd(&v, VLAPIC_IRR + r * 0x10), want);
		assert_int_equal(rd(&v, VLAPIC_ISR + r * 0x10), 0);
	}
	assert_int_equal(vlapic_ack(&v), 0xff);
	assert_int_equal(rd(&v, VLAPIC_ISR + 0x70), 1u << 31);
	assert_int_equal(rd(&v, VLAPIC_IRR + 0x70), 0);
	/* Banks are read-only. */
	assert_int_equal(vlapic_mmio_write(&v, VLAPIC_IRR, ~0u), 0);
	assert_int_equal(rd(&v, VLAPIC_IRR), 1u << 16);
	assert_int_equal(v.stats.bad_access, 1);
}

static void test_registers(void **state)
{
	struct vlapic v;
	uint64_t val = 0;

	(void)state;
	setup(&v);
	/* LVT writable bits only: delivery status (12), remote IRR (14). */
	vlapic_mmio_write(&v, VLAPIC_LVT_LINT1, 0xffffffff);
	assert_int_equal(rd(&v, VLAPIC_LVT_LINT1), 0x0001a7ff);
	vlapic_mmio_write(&v, VLAPIC_LVT_TIMER, 0x000200ec);
	assert_int_equal(rd(&v, VLAPIC_LVT_TIMER), 0x000200ec);
	vlapic_mmio_write(&v, VLAPIC_LVT_ERROR, 0xffffffff);
	assert_int_equal(rd(&v, VLAPIC_LVT_ERROR), 0x000100ff);
	vlapic_mmio_write(&v, VLAPIC_SVR, 0xffffffff);
	assert_int_equal(rd(&v, VLAPIC_SVR), 0x3ff);
	vlapic_mmio_write(&v, VLAPIC_LDR, 0x12345678);
	assert_int_equal(rd(&v, VLAPIC_LDR), 0x12000000);
	vlapic_mmio_write(&v, VLAPIC_DFR, 0);
	assert_int_equal(rd(&v, VLAPIC_DFR), 0x0fffffff);
	vlapic_mmio_write(&v, VLAPIC_TIMER_DIV, 0xff);
	assert_int_equal(rd(&v, VLAPIC_TIMER_DIV), 0xb);
	assert_int_equal(v.stats.bad_access, 0);
	/* Read-only writes ignored, write-only/reserved reads 0: counted. */
	vlapic_mmio_write(&v, VLAPIC_ID, 0xff000000);
	vlapic_mmio_write(&v, VLAPIC_VER, 0);
	vlapic_mmio_write(&v, VLAPIC_PPR, 0xff);
	assert_int_equal(rd(&v, VLAPIC_ID), 3u << 24);
	assert_int_equal(rd(&v, VLAPIC_EOI), 0);
	assert_int_equal(rd(&v, 0x400), 0);            /* reserved */
	assert_int_equal(rd(&v, 0xff0), 0);
	assert_int_equal(v.stats.bad_access, 6);
	/* Decoded accesses: size 4 only. */
	val = 0x80;
	assert_int_equal(vlapic_mmio_access(&v, VLAPIC_TPR, 4, true, &val), 0);
	assert_int_equal(vlapic_mmio_access(&v, VLAPIC_TPR, 4, false, &val), 0);
	assert_int_equal(val, 0x80);
	assert_int_equal(vlapic_mmio_access(&v, VLAPIC_TPR, 8, false, &val), -EINVAL);
	assert_int_equal(vlapic_mmio_access(&v, VLAPIC_TPR, 1, true, &val), -EINVAL);
	assert_int_equal(v.stats.bad_access, 8);
}

static void test_misaligned(void **state)
{
	static const uint32_t offs[] = { 0x81, 0x84, 0x88, 0x8c, 0xb2, 0x1000,
					 0xfffffff0 };
	struct vlapic v;
	uint32_t val;

	(void)state;
	setup(&v);
	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		assert_int_equal(vlapic_mmio_read(&v, offs[i], &val), -EINVAL);
		assert_int_equal(vlapic_mmio_write(&v, offs[i], 0x10), -EINVAL);
	}
	assert_int_equal(rd(&v, VLAPIC_TPR), 0);
	assert_int_equal(v.stats.bad_access, 14);
}

/* eoi=hw: a virtual-APIC page as the CPU would see it. */
static uint32_t page[VLAPIC_VAPIC_DWORDS];

static uint32_t pg(uint32_t off)
{
	return page[off / 4];
}

/* Load hands the requested vectors to the page and clears them in the
 * model, so the inject path finds nothing to inject; ISR and TPR go as
 * the model has them; the status names the highest of each. */
static void test_vapic_load(void **state)
{
	struct vlapic v;

	(void)state;
	memset(page, 0, sizeof(page));
	setup(&v);
	assert_int_equal(vlapic_accept(&v, 0x31, false), 1);
	assert_int_equal(vlapic_accept(&v, 0x62, false), 1);
	assert_int_equal(vlapic_ack(&v), 0x62);		/* now in service */
	assert_int_equal(vlapic_accept(&v, 0x45, false), 1);
	assert_int_equal(vlapic_mmio_write(&v, VLAPIC_TPR, 0x20), 0);
	assert_int_equal(vlapic_vapic_load(&v, page), 0x6245);
	assert_int_equal(pg(VLAPIC_IRR + 0x10), 1u << (0x31 - 32));
	assert_int_equal(pg(VLAPIC_IRR + 0x20), 1u << (0x45 - 64));
	assert_int_equal(pg(VLAPIC_ISR + 0x30), 1u << (0x62 - 96));
	assert_int_equal(pg(VLAPIC_TPR), 0x20);
	assert_false(vlapic_irr_any(&v));
	assert_int_equal(vlapic_pending(&v), -1);
	/* Nothing at all: status 0. */
	memset(page, 0, sizeof(page));
	vlapic_reset(&v, 0, clock_zero);
	assert_int_equal(vlapic_vapic_load(&v, page), 0);
}

/* Store takes back what the CPU did: a delivery moved 0x45 from IRR to
 * ISR, the guest raised its TPR. The model then prioritises as the CPU
 * does: 0x31 waits below the in-service class 4. */
static void test_vapic_store(void **state)
{
	struct vlapic v;

	(void)state;
	memset(page, 0, sizeof(page));
	setup(&v);
	vlapic_accept(&v, 0x31, false);
	vlapic_accept(&v, 0x45, false);
	vlapic_vapic_load(&v, page);
	page[(VLAPIC_IRR + 0x20) / 4] &= ~(1u << (0x45 - 64));
	page[(VLAPIC_ISR + 0x20) / 4] |= 1u << (0x45 - 64);
	page[VLAPIC_TPR / 4] = 0x10;
	vlapic_vapic_store(&v, page);
	assert_int_equal(vlapic_highest_irr(&v), 0x31);
	assert_int_equal(vlapic_highest_isr(&v), 0x45);
	assert_int_equal(rd(&v, VLAPIC_TPR), 0x10);
	assert_int_equal(vlapic_ppr(&v), 0x40);
	assert_int_equal(vlapic_pending(&v), -1);
	/* The guest's EOI on the page: 0x31 becomes deliverable. */
	page[(VLAPIC_ISR + 0x20) / 4] = 0;
	vlapic_vapic_store(&v, page);
	assert_int_equal(vlapic_pending(&v), 0x31);
}

/* A second load with no exit between loses nothing: IRR is ORed in. */
static void test_vapic_load_twice(void **state)
{
	struct vlapic v;

	(void)state;
	memset(page, 0, sizeof(page));
	setup(&v);
	vlapic_accept(&v, 0x80, false);
	assert_int_equal(vlapic_vapic_load(&v, page), 0x80);
	vlapic_accept(&v, 0x50, false);
	assert_int_equal(vlapic_vapic_load(&v, page), 0x80);
	assert_int_equal(pg(VLAPIC_IRR + 0x20), 1u << (0x50 - 64));
	assert_int_equal(pg(VLAPIC_IRR + 0x40), 1u);
}

/* The mirror shows every virtualized read as the model answers it, and
 * leaves the registers load and store own alone. */
static void test_vapic_mirror(void **state)
{
	static const uint32_t offs[] = {
		VLAPIC_ID, VLAPIC_VER, VLAPIC_LDR, VLAPIC_DFR, VLAPIC_SVR, VLAPIC_ESR,
		VLAPIC_ICR_LO, VLAPIC_ICR_HI, VLAPIC_LVT_TIMER, VLAPIC_LVT_LINT0,
		VLAPIC_LVT_ERROR, VLAPIC_TIMER_INIT, VLAPIC_TIMER_DIV, VLAPIC_TMR + 0x10,
	};
	struct vlapic v;
	unsigned i;

	(void)state;
	memset(page, 0xa5, sizeof(page));
	setup(&v);
	vlapic_mmio_write(&v, VLAPIC_LDR, 0x03000000);
	vlapic_mmio_write(&v, VLAPIC_ICR_LO, 0x000c4030);
	vlapic_mmio_write(&v, VLAPIC_LVT_TIMER, 0x00040040);	/* TSC-deadline, vector 0x40 */
	vlapic_mmio_write(&v, VLAPIC_TIMER_DIV, 0xb);
	vlapic_accept(&v, 0x33, true);				/* TMR bit 0x33 */
	vlapic_vapic_mirror(&v, page);
	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++)
		assert_int_equal(pg(offs[i]), rd(&v, offs[i]));
	assert_int_equal(pg(VLAPIC_TMR + 0x10), 1u << (0x33 - 32));
	assert_int_equal(pg(VLAPIC_LVT_TIMER), 0x00040040);
	assert_int_equal(pg(VLAPIC_EOI), 0);
	assert_int_equal(pg(VLAPIC_TPR), 0xa5a5a5a5);
	assert_int_equal(pg(VLAPIC_PPR), 0xa5a5a5a5);
	assert_int_equal(pg(VLAPIC_IRR), 0xa5a5a5a5);
	assert_int_equal(pg(VLAPIC_ISR + 0x70), 0xa5a5a5a5);
	assert_int_equal(pg(VLAPIC_TIMER_CUR), 0xa5a5a5a5);
}

/* gen moves with every register write, TMR and ISR change, and only then. */
static void test_vapic_gen(void **state)
{
	struct vlapic v;
	uint32_t g;

	(void)state;
	setup(&v);
	g = v.gen;
	vlapic_accept(&v, 0x40, false);		/* TMR stays clear */
	assert_int_equal(v.gen, g);
	vlapic_accept(&v, 0x41, true);
	assert_int_equal(v.gen, g + 1);
	vlapic_accept(&v, 0x41, true);
	assert_int_equal(v.gen, g + 1);
	vlapic_accept(&v, 0x41, false);
	assert_int_equal(v.gen, g + 2);
	vlapic_mmio_write(&v, VLAPIC_LVT_LINT0, 0x10000);
	assert_int_equal(v.gen, g + 3);
	vlapic_mmio_write(&v, VLAPIC_PPR, 0);	/* read-only: nothing changes */
	assert_int_equal(v.gen, g + 3);
	assert_int_equal(vlapic_ack(&v), 0x41);	/* ISR changes */
	assert_int_equal(v.gen, g + 4);
	assert_int_equal(vlapic_eoi(&v), 0x41);
	assert_int_equal(v.gen, g + 5);
	assert_int_equal(vlapic_eoi(&v), -1);	/* spurious: nothing changes */
	assert_int_equal(v.gen, g + 5);
}

/* ---- The summaries against a scan of the banks ---- */

/* Highest set vector by scanning all 256 bits, or -1. */
static int scan_highest(const uint32_t *bank)
{
	for (int vec = 255; vec >= 0; vec--)
		if (bank[vec / 32] & (1u << (vec % 32)))
			return vec;
	return -1;
}

/* vlapic_pending by the SDM's rules (11.8.3.1, 11.8.4) from the banks. */
static int scan_pending(const struct vlapic *v)
{
	int irrv = scan_highest(v->irr), isrv = scan_highest(v->isr);
	unsigned int ppr;

	if (!v->enabled || irrv < 0)
		return -1;
	ppr = (v->tpr & 0xf0) >= ((isrv < 0 ? 0 : isrv) & 0xf0) ? v->tpr :
	      ((unsigned int)isrv & 0xf0);
	return ((unsigned int)irrv & 0xf0) > (ppr & 0xf0) ? irrv : -1;
}

static void check_summaries(const struct vlapic *v, unsigned int step)
{
	bool any = false;

	for (unsigned int i = 0; i < 8; i++) {
		if (((v->irr_sum >> i) & 1) != (v->irr[i] != 0) ||
		    ((v->isr_sum >> i) & 1) != (v->isr[i] != 0))
			fail_msg("step %u: summaries irr 0x%02x isr 0x%02x disagree with word %u "
				 "(irr 0x%08x isr 0x%08x)", step, v->irr_sum, v->isr_sum, i,
				 v->irr[i], v->isr[i]);
		any |= v->irr[i] != 0;
	}
	assert_int_equal(vlapic_irr_any(v), any);
	assert_int_equal(vlapic_highest_irr(v), scan_highest(v->irr));
	assert_int_equal(vlapic_highest_isr(v), scan_highest(v->isr));
	assert_int_equal(vlapic_pending(v), scan_pending(v));
}

/* A random word for the virtual-APIC page: mostly empty, sometimes one
 * vector, sometimes many (a CPU delivering and retiring on it). */
static uint32_t random_word(void)
{
	switch (rand() % 4) {
	case 0:
		return 1u << (rand() % 32);
	case 1:
		return (uint32_t)rand() ^ ((uint32_t)rand() << 16);
	default:
		return 0;
	}
}

/* One random operation of every kind that changes IRR or ISR. */
static void random_op(struct vlapic *v)
{
	unsigned int i;

	switch (rand() % 10) {
	case 0: case 1: case 2:
		vlapic_accept(v, (uint8_t)rand(), rand() % 2);
		break;
	case 3: case 4:
		vlapic_ack(v);
		break;
	case 5: case 6:
		vlapic_mmio_write(v, VLAPIC_EOI, 0);
		break;
	case 7:
		vlapic_mmio_write(v, VLAPIC_TPR, (uint32_t)rand() & 0xff);
		break;
	case 8:
		/* The error LVT: an illegal vector then sets its vector. */
		vlapic_mmio_write(v, rand() % 2 ? VLAPIC_LVT_ERROR : VLAPIC_SVR,
				  (uint32_t)rand() & 0x1ff);
		break;
	default:
		/* eoi=hw: a load, the CPU's work on the page, a store. */
		vlapic_vapic_load(v, page);
		for (i = 0; i < 8; i++) {
			if (rand() % 2)
				page[(VLAPIC_IRR + i * 0x10) / 4] = random_word();
			if (rand() % 2)
				page[(VLAPIC_ISR + i * 0x10) / 4] = random_word();
		}
		vlapic_vapic_store(v, page);
		break;
	}
}

/* Random accepts, acks, EOIs, TPR/SVR/LVT writes and virtual-APIC page
 * round trips: after each, the summaries, the highest vectors and the
 * pending vector match a scan of the banks. */
static void test_summaries_random(void **state)
{
	struct vlapic v;

	(void)state;
	srand(11);
	for (unsigned int run = 0; run < 50; run++) {
		memset(page, 0, sizeof(page));
		setup(&v);
		for (unsigned int step = 0; step < 2000; step++) {
			random_op(&v);
			check_summaries(&v, step);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_nmi_latch),
		cmocka_unit_test(test_accept_ack_eoi),
		cmocka_unit_test(test_irr_merge),
		cmocka_unit_test(test_nested_priorities),
		cmocka_unit_test(test_tpr),
		cmocka_unit_test(test_illegal_vectors),
		cmocka_unit_test(test_software_disabled),
		cmocka_unit_test(test_level_tmr),
		cmocka_unit_test(test_banks),
		cmocka_unit_test(test_registers),
		cmocka_unit_test(test_misaligned),
		cmocka_unit_test(test_vapic_load),
		cmocka_unit_test(test_vapic_store),
		cmocka_unit_test(test_vapic_load_twice),
		cmocka_unit_test(test_vapic_mirror),
		cmocka_unit_test(test_vapic_gen),
		cmocka_unit_test(test_summaries_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
