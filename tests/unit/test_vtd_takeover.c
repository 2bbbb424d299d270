/*
 * Taking a unit over from the firmware, against a simulated register file:
 * GSTS follows each GCMD write (unless a bit is stuck), IQH reaches IQT
 * after a number of waits (or never), PMEN.PRS follows EPM, FSTS is RW1C.
 * Every write is logged, so the tests assert the exact order; the clock
 * advances once per read of it, so every wait is seen to be bounded.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/vtd_regs.h"
#include "drivers/vtd_takeover.h"

#define TIMEOUT		1000
#define NEVER		~0u
#define MAX_WRITES	16
#define PERSISTENT	(VTD_GSTS_TES | VTD_GSTS_IRES | VTD_GSTS_QIES | VTD_GSTS_CFIS)

struct fake {
	uint32_t gsts, pmen, fsts;
	uint64_t iqh, iqt;
	uint32_t stuck;			/* GSTS bits that never follow GCMD */
	bool pmen_stuck;
	unsigned drain_after;		/* relax() calls until IQH == IQT */
	uint64_t ticks;
	unsigned relaxes, nwrites, pmen_reads;
	struct { unsigned reg; uint32_t v; } w[MAX_WRITES];
	const char *violation;		/* first broken hardware rule */
};

static uint32_t rd32(void *ctx, unsigned reg)
{
	struct fake *f = ctx;

	switch (reg) {
	case VTD_GSTS: return f->gsts;
	case VTD_FSTS: return f->fsts;
	case VTD_PMEN: f->pmen_reads++; return f->pmen;
	}
	fail_msg("read32 of register 0x%x", reg);
	return 0;
}

static uint64_t rd64(void *ctx, unsigned reg)
{
	struct fake *f = ctx;

	if (reg == VTD_IQH)
		return f->iqh;
	if (reg == VTD_IQT)
		return f->iqt;
	fail_msg("read64 of register 0x%x", reg);
	return 0;
}

static void rule(struct fake *f, bool broken, const char *what)
{
	if (broken && !f->violation)
		f->violation = what;
}

/* VT-d 11.4.4.1: a GCMD write is GSTS's persistent bits with one changed. */
static void gcmd_write(struct fake *f, uint32_t v)
{
	uint32_t changed = (v ^ f->gsts) & PERSISTENT;

	rule(f, v & (VTD_GCMD_SRTP | VTD_GCMD_SIRTP | VTD_GCMD_WBF | VTD_GCMD_SFL),
	     "a one-shot command re-issued");
	rule(f, __builtin_popcount(changed) > 1, "more than one command bit changed");
	rule(f, (changed & VTD_GSTS_QIES) && !(v & VTD_GCMD_QIE) && f->iqh != f->iqt &&
		!(f->fsts & VTD_FSTS_IQE), "QI disabled with descriptors pending");
	rule(f, (changed & VTD_GSTS_QIES) && !(v & VTD_GCMD_QIE) &&
		(f->gsts & (VTD_GSTS_IRES | VTD_GSTS_TES)),
	     "QI disabled while IR or translation is still on");
	f->gsts = (f->gsts & ~(changed & ~f->stuck)) | (v & changed & ~f->stuck);
	if ((changed & VTD_GSTS_QIES) && !(f->gsts & VTD_GSTS_QIES))
		f->iqh = 0;		/* 11.4.9.1: IQH resets when QI is off */
}

static void wr32(void *ctx, unsigned reg, uint32_t v)
{
	struct fake *f = ctx;

	assert_true(f->nwrites < MAX_WRITES);
	f->w[f->nwrites].reg = reg;
	f->w[f->nwrites++].v = v;
	if (reg == VTD_GCMD)
		gcmd_write(f, v);
	else if (reg == VTD_FSTS)
		f->fsts &= ~v;
	else if (reg == VTD_PMEN && !f->pmen_stuck)
		f->pmen = (v & VTD_PMEN_EPM) ? VTD_PMEN_EPM | VTD_PMEN_PRS : 0;
	else if (reg != VTD_PMEN)
		fail_msg("write32 of register 0x%x", reg);
}

static uint64_t now(void *ctx)
{
	return ((struct fake *)ctx)->ticks++;
}

static void relax(void *ctx)
{
	struct fake *f = ctx;

	/* VT-d 6.5.2.10: after an invalid descriptor (IQE) the head stays. */
	if (++f->relaxes >= f->drain_after && !(f->fsts & VTD_FSTS_IQE))
		f->iqh = f->iqt;
}

static struct vtd_reg_ops ops_for(struct fake *f)
{
	return (struct vtd_reg_ops){ .read32 = rd32, .read64 = rd64, .write32 = wr32,
				     .now = now, .relax = relax, .ctx = f, .timeout = TIMEOUT };
}

static void assert_write(const struct fake *f, unsigned i, unsigned reg, uint32_t v)
{
	assert_true(i < f->nwrites);
	assert_int_equal(f->w[i].reg, reg);
	assert_int_equal(f->w[i].v, v);
}

/* ---- Firmware bugs: nothing is read or written ---- */

static bool ram_at_2g(void *ctx, uint64_t base, uint64_t size, uint64_t *rb, uint64_t *re)
{
	(void)ctx;
	*rb = 0x100000;
	*re = 0x7fffffff;
	return base <= *re && base + size - 1 >= *rb;
}

static void test_location(void **state)
{
	char why[160];

	(void)state;
	assert_int_equal(vtd_check_location(0, 4096, ram_at_2g, NULL, why, sizeof(why)), -ENODEV);
	assert_string_equal(why, "register base 0x0 (the DMAR names no address)");
	assert_int_equal(vtd_check_location(0x7fffc000, 4096, ram_at_2g, NULL, why, sizeof(why)),
			 -ENODEV);
	assert_string_equal(why, "registers 0x7fffc000-0x7fffcfff lie in RAM 0x100000-0x7fffffff "
			    "of the firmware memory map");
	assert_int_equal(vtd_check_location(0xfed90000, 4096, ram_at_2g, NULL, why, sizeof(why)), 0);
	assert_int_equal(vtd_check_location(0xfed90000, 4096, NULL, NULL, why, sizeof(why)), 0);
}

static void test_caps(void **state)
{
	char why[160];

	(void)state;
	assert_int_equal(vtd_check_caps(UINT64_MAX, UINT64_MAX, why, sizeof(why)), -ENODEV);
	assert_string_equal(why, "CAP 0xffffffffffffffff ECAP 0xffffffffffffffff read as "
			    "all-ones (nothing decodes the address)");
	assert_int_equal(vtd_check_caps(0, 0, why, sizeof(why)), -ENODEV);
	assert_string_equal(why, "CAP 0x0 ECAP 0x0 read as zero (no unit reports no capability "
			    "at all)");
	assert_int_equal(vtd_check_caps(0x12008c22260206ULL, 0, why, sizeof(why)), -ENODEV);
	assert_int_equal(vtd_check_caps(0x12008c22260206ULL, UINT64_MAX, why, sizeof(why)),
			 -ENODEV);
	/* QEMU 7.2's intel-iommu,intremap=on */
	assert_int_equal(vtd_check_caps(0x12008c22260206ULL, 0xf00f5aULL, why, sizeof(why)), 0);
}

/* ---- The handshake ---- */

static void test_gcmd_one_bit_from_gsts(void **state)
{
	struct fake f = { .gsts = VTD_GSTS_TES | VTD_GSTS_RTPS | VTD_GSTS_IRTPS };
	struct vtd_reg_ops ops = ops_for(&f);
	uint32_t gsts;

	(void)state;
	assert_int_equal(vtd_gcmd(&ops, VTD_GCMD_IRE, VTD_GSTS_IRES, true, &gsts), 0);
	/* one-shot status bits are not echoed back as commands */
	assert_write(&f, 0, VTD_GCMD, VTD_GCMD_TE | VTD_GCMD_IRE);
	assert_int_equal(f.nwrites, 1);
	assert_true(gsts & VTD_GSTS_IRES);
	assert_null(f.violation);
}

/* ---- The takeover ---- */

static void test_nothing_on(void **state)
{
	struct fake f = { .gsts = 0, .pmen = 0 };
	struct vtd_reg_ops ops = ops_for(&f);
	struct vtd_takeover t;
	char why[160], line[256];

	(void)state;
	assert_int_equal(vtd_takeover(&ops, VTD_CAP_PLMR, &t, why, sizeof(why)), 0);
	assert_int_equal(f.nwrites, 0);
	vtd_takeover_describe(&t, line, sizeof(line));
	assert_string_equal(line, "firmware left nothing on (GSTS 0x0, PMEN 0x0): nothing to undo");
}

/* Pre-boot DMA protection: everything on, a queue still busy, an old
 * invalidation error, protected memory regions. */
static void test_everything_on(void **state)
{
	struct fake f = {
		.gsts = VTD_GSTS_TES | VTD_GSTS_IRES | VTD_GSTS_QIES | VTD_GSTS_CFIS |
			VTD_GSTS_RTPS | VTD_GSTS_IRTPS,
		.pmen = VTD_PMEN_EPM | VTD_PMEN_PRS,
		.fsts = VTD_FSTS_IQE | VTD_FSTS_PPF,
		.iqh = 0x20, .iqt = 0x60, .drain_after = 3,
	};
	struct vtd_reg_ops ops = ops_for(&f);
	struct vtd_takeover t;
	char why[160], line[400];

	(void)state;
	assert_int_equal(vtd_takeover(&ops, VTD_CAP_PLMR | VTD_CAP_PHMR, &t, why, sizeof(why)), 0);
	assert_null(f.violation);
	assert_int_equal(f.nwrites, 4);
	assert_write(&f, 0, VTD_GCMD, VTD_GCMD_IRE | VTD_GCMD_QIE | VTD_GCMD_CFI);	/* TE off */
	assert_write(&f, 1, VTD_GCMD, VTD_GCMD_QIE | VTD_GCMD_CFI);		/* IR off */
	assert_write(&f, 2, VTD_GCMD, VTD_GCMD_CFI);				/* QI off */
	assert_write(&f, 3, VTD_FSTS, VTD_FSTS_IQE);		/* only the RW1C error */
	assert_int_equal(f.relaxes, 0);		/* stopped by IQE: nothing to drain */
	assert_true(t.pmr_on);
	assert_int_equal(f.pmen, VTD_PMEN_EPM | VTD_PMEN_PRS);	/* kept */
	assert_int_equal(t.iqh, 0x20);
	assert_int_equal(t.iqt, 0x60);
	vtd_takeover_describe(&t, line, sizeof(line));
	assert_string_equal(line, "firmware left TE IR QI PMR invalidation errors on (GSTS "
			    "0xc7800000, PMEN 0x80000001, FSTS 0x12): translation off (DMA "
			    "unchecked until the hv's own remapping is on); interrupt remapping "
			    "off; queue stopped at an invalid descriptor, off; invalidation errors "
			    "cleared; protected "
			    "memory kept on until the hv's DMA remapping is on");
	/* later, once the hv's translation is on */
	assert_int_equal(vtd_pmr_disable(&ops, VTD_CAP_PLMR, why, sizeof(why)), 0);
	assert_write(&f, 4, VTD_PMEN, 0);
	assert_int_equal(f.pmen, 0);
}

static void test_ir_only(void **state)
{
	struct fake f = { .gsts = VTD_GSTS_IRES | VTD_GSTS_QIES, .iqh = 0x40, .iqt = 0x40 };
	struct vtd_reg_ops ops = ops_for(&f);
	struct vtd_takeover t;
	char why[160];

	(void)state;
	assert_int_equal(vtd_takeover(&ops, 0, &t, why, sizeof(why)), 0);
	assert_null(f.violation);
	assert_int_equal(f.nwrites, 2);
	assert_write(&f, 0, VTD_GCMD, VTD_GCMD_QIE);
	assert_write(&f, 1, VTD_GCMD, 0);
	assert_int_equal(f.relaxes, 0);
	assert_int_equal(f.pmen_reads, 0);	/* no PMR in CAP: PMEN not touched */
}

/* A status bit that never follows: refused, no further write, bounded. */
static void test_te_stuck(void **state)
{
	struct fake f = { .gsts = VTD_GSTS_TES | VTD_GSTS_IRES, .stuck = VTD_GSTS_TES };
	struct vtd_reg_ops ops = ops_for(&f);
	struct vtd_takeover t;
	char why[160];

	(void)state;
	assert_int_equal(vtd_takeover(&ops, 0, &t, why, sizeof(why)), -ETIMEDOUT);
	assert_string_equal(why, "GSTS.TES still set after GCMD cleared it (GSTS 0x82000000): "
			    "the unit does not answer its commands");
	assert_int_equal(f.nwrites, 1);			/* IR never touched */
	assert_true(f.ticks <= TIMEOUT + 3);
	assert_true(f.relaxes >= TIMEOUT - 1);
}

static void test_ir_stuck(void **state)
{
	struct fake f = { .gsts = VTD_GSTS_IRES | VTD_GSTS_QIES, .stuck = VTD_GSTS_IRES };
	struct vtd_reg_ops ops = ops_for(&f);
	struct vtd_takeover t;
	char why[160];

	(void)state;
	assert_int_equal(vtd_takeover(&ops, 0, &t, why, sizeof(why)), -ETIMEDOUT);
	assert_non_null(strstr(why, "GSTS.IRES still set"));
	assert_int_equal(f.nwrites, 1);			/* QI left alone */
	assert_true(f.gsts & VTD_GSTS_QIES);
}

/* A busy queue with no error is waited for before QI goes off. */
static void test_queue_drains_first(void **state)
{
	struct fake f = { .gsts = VTD_GSTS_QIES, .iqh = 0x10, .iqt = 0x30, .drain_after = 3 };
	struct vtd_reg_ops ops = ops_for(&f);
	struct vtd_takeover t;
	char why[160];

	(void)state;
	assert_int_equal(vtd_takeover(&ops, 0, &t, why, sizeof(why)), 0);
	assert_null(f.violation);
	assert_int_equal(f.relaxes, 3);
	assert_int_equal(f.nwrites, 1);
	assert_write(&f, 0, VTD_GCMD, 0);			/* QI off, once drained */
}

static void test_queue_never_drains(void **state)
{
	struct fake f = { .gsts = VTD_GSTS_QIES, .iqh = 0x10, .iqt = 0x30, .drain_after = NEVER };
	struct vtd_reg_ops ops = ops_for(&f);
	struct vtd_takeover t;
	char why[160];

	(void)state;
	assert_int_equal(vtd_takeover(&ops, 0, &t, why, sizeof(why)), -ETIMEDOUT);
	assert_string_equal(why, "the firmware's invalidation queue never drained (IQH 0x10, "
			    "IQT 0x30)");
	assert_int_equal(f.nwrites, 0);			/* QIE never cleared */
	assert_true(f.ticks <= TIMEOUT + 3);
}

static void test_pmr(void **state)
{
	struct fake f = { .pmen = VTD_PMEN_EPM | VTD_PMEN_PRS };
	struct vtd_reg_ops ops = ops_for(&f);
	char why[160];

	(void)state;
	/* without PLMR/PHMR PMEN is read-only: neither read nor written */
	assert_int_equal(vtd_pmr_disable(&ops, 0, why, sizeof(why)), 0);
	assert_int_equal(f.nwrites + f.pmen_reads, 0);
	f.pmen_stuck = true;
	assert_int_equal(vtd_pmr_disable(&ops, VTD_CAP_PHMR, why, sizeof(why)), -ETIMEDOUT);
	assert_string_equal(why, "PMEN.PRS still set after EPM was cleared (PMEN 0x80000001)");
	assert_true(f.ticks <= TIMEOUT + 3);
	f = (struct fake){ .pmen = 0 };
	assert_int_equal(vtd_pmr_disable(&ops, VTD_CAP_PHMR, why, sizeof(why)), 0);
	assert_int_equal(f.nwrites, 0);			/* already off: no write */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_location),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_gcmd_one_bit_from_gsts),
		cmocka_unit_test(test_nothing_on),
		cmocka_unit_test(test_everything_on),
		cmocka_unit_test(test_ir_only),
		cmocka_unit_test(test_te_stuck),
		cmocka_unit_test(test_ir_stuck),
		cmocka_unit_test(test_queue_drains_first),
		cmocka_unit_test(test_queue_never_drains),
		cmocka_unit_test(test_pmr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
