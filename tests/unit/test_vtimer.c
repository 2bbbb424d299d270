/* Unit tests of hv/vtimer.c and the timer part of hv/vlapic.c: TSC-deadline
 * mode (SDM vol 3, 11.5.4.1), one-shot and periodic counts (11.5.4), the
 * LVT mask, mode switches, and that nothing ever fires before its time. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "hv/vlapic.h"
#include "hv/vtimer.h"

#define VEC		0x40
#define LVT_DEADLINE	((uint32_t)FIELD_PREP(VTIMER_LVT_MODE, VTIMER_MODE_DEADLINE))
#define LVT_PERIODIC	((uint32_t)FIELD_PREP(VTIMER_LVT_MODE, VTIMER_MODE_PERIODIC))
#define LVT_ONESHOT	0u
#define DCR_DIV1	0xb
#define DCR_DIV16	0x3

static uint64_t now;

static uint64_t test_clock(void)
{
	return now;
}

static bool irr_has(const struct vlapic *v, unsigned vec)
{
	return v->irr[vec / 32] & (1u << (vec % 32));
}

static uint32_t rd(struct vlapic *v, uint32_t off)
{
	uint32_t val = 0xdeadbeef;

	assert_int_equal(vlapic_mmio_read(v, off, &val), 0);
	return val;
}

/* A software-enabled APIC at TSC 1000 with the timer LVT as given. */
static void setup_apic(struct vlapic *v, uint32_t lvt)
{
	now = 1000;
	vlapic_reset(v, 0, test_clock);
	assert_int_equal(vlapic_mmio_write(v, VLAPIC_SVR, 0x1ff), 0);
	assert_int_equal(vlapic_mmio_write(v, VLAPIC_LVT_TIMER, lvt), 0);
}

/* ---- vtimer alone ---- */

static void test_deadline_due_not_due(void **state)
{
	struct vtimer t;

	(void)state;
	vtimer_reset(&t);
	vtimer_deadline_write(&t, LVT_DEADLINE | VEC, 5000);
	assert_int_equal(vtimer_deadline_read(&t, LVT_DEADLINE | VEC), 5000);
	assert_int_equal(vtimer_expire(&t, LVT_DEADLINE | VEC, 4999), VTIMER_NONE);
	assert_int_equal(t.deadline, 5000);
	assert_int_equal(vtimer_expire(&t, LVT_DEADLINE | VEC, 5000), VTIMER_FIRE);
	/* Once only: disarmed, and the MSR reads 0 (11.5.4.1). */
	assert_int_equal(t.deadline, 0);
	assert_int_equal(vtimer_deadline_read(&t, LVT_DEADLINE | VEC), 0);
	assert_int_equal(vtimer_expire(&t, LVT_DEADLINE | VEC, 9999), VTIMER_NONE);
	assert_int_equal(t.stats.fired, 1);
	assert_int_equal(t.stats.started, 1);
}

/* The TSC and the deadline compare unsigned: a deadline far ahead (top bit
 * set) is not in the past. */
static void test_deadline_far_ahead(void **state)
{
	struct vtimer t;

	(void)state;
	vtimer_reset(&t);
	vtimer_deadline_write(&t, LVT_DEADLINE, UINT64_MAX);
	assert_int_equal(vtimer_expire(&t, LVT_DEADLINE, 1ULL << 40), VTIMER_NONE);
	vtimer_deadline_write(&t, LVT_DEADLINE, (1ULL << 63) + 5);
	assert_int_equal(vtimer_expire(&t, LVT_DEADLINE, 6), VTIMER_NONE);
	assert_int_equal(vtimer_expire(&t, LVT_DEADLINE, (1ULL << 63) + 5), VTIMER_FIRE);
}

static void test_deadline_zero_disarms(void **state)
{
	struct vtimer t;

	(void)state;
	vtimer_reset(&t);
	vtimer_deadline_write(&t, LVT_DEADLINE, 5000);
	vtimer_deadline_write(&t, LVT_DEADLINE, 0);
	assert_int_equal(t.deadline, 0);
	assert_int_equal(vtimer_expire(&t, LVT_DEADLINE, 6000), VTIMER_NONE);
	assert_int_equal(t.stats.cancelled, 1);
	/* 0 on a disarmed timer cancels nothing. */
	vtimer_deadline_write(&t, LVT_DEADLINE, 0);
	assert_int_equal(t.stats.cancelled, 1);
}

/* A new deadline replaces the armed one, later or earlier (11.5.4.1). */
static void test_deadline_rearm(void **state)
{
	struct vtimer t;

	(void)state;
	vtimer_reset(&t);
	vtimer_deadline_write(&t, LVT_DEADLINE, 5000);
	vtimer_deadline_write(&t, LVT_DEADLINE, 8000);
	assert_int_equal(vtimer_expire(&t, LVT_DEADLINE, 5000), VTIMER_NONE);
	assert_int_equal(vtimer_expire(&t, LVT_DEADLINE, 8000), VTIMER_FIRE);
	vtimer_deadline_write(&t, LVT_DEADLINE, 12000);
	vtimer_deadline_write(&t, LVT_DEADLINE, 9000);
	assert_int_equal(vtimer_expire(&t, LVT_DEADLINE, 9000), VTIMER_FIRE);
	assert_int_equal(vtimer_expire(&t, LVT_DEADLINE, 12000), VTIMER_NONE);
	assert_int_equal(t.stats.fired, 2);
}

/* Masked: the timer still expires (and disarms) but asks for nothing. */
static void test_masked_expiry(void **state)
{
	uint32_t lvt = LVT_DEADLINE | VTIMER_LVT_MASKED | VEC;
	struct vtimer t;

	(void)state;
	vtimer_reset(&t);
	vtimer_deadline_write(&t, lvt, 5000);
	assert_int_equal(vtimer_expire(&t, lvt, 4000), VTIMER_NONE);
	assert_int_equal(vtimer_expire(&t, lvt, 5000), VTIMER_MASKED);
	assert_int_equal(t.deadline, 0);
	assert_int_equal(t.stats.masked, 1);
	assert_int_equal(t.stats.fired, 0);
}

/* TMICT is ignored in TSC-deadline mode, the deadline MSR outside it. */
static void test_mode_ignores(void **state)
{
	struct vtimer t;

	(void)state;
	vtimer_reset(&t);
	vtimer_init_write(&t, LVT_DEADLINE, 100, 1000);
	assert_int_equal(t.deadline, 0);
	assert_int_equal(t.init, 0);
	vtimer_deadline_write(&t, LVT_ONESHOT, 5000);
	vtimer_deadline_write(&t, LVT_PERIODIC, 5000);
	assert_int_equal(t.deadline, 0);
	/* The reserved mode 11b arms nothing either way. */
	vtimer_init_write(&t, VTIMER_LVT_MODE, 100, 1000);
	vtimer_deadline_write(&t, VTIMER_LVT_MODE, 5000);
	assert_int_equal(t.deadline, 0);
	assert_int_equal(t.stats.ignored, 5);
	/* The count modes read 0 from the deadline MSR, even while counting. */
	vtimer_init_write(&t, LVT_ONESHOT, 100, 1000);
	assert_int_equal(vtimer_deadline_read(&t, LVT_ONESHOT), 0);
}

/* A change of mode disarms (11.5.4.1); the same mode keeps the timer. */
static void test_mode_switch_disarms(void **state)
{
	struct vtimer t;

	(void)state;
	vtimer_reset(&t);
	vtimer_deadline_write(&t, LVT_DEADLINE, 5000);
	vtimer_lvt_write(&t, LVT_DEADLINE, LVT_DEADLINE | VTIMER_LVT_MASKED | VEC);
	assert_int_equal(t.deadline, 5000);
	vtimer_lvt_write(&t, LVT_DEADLINE, LVT_ONESHOT | VEC);
	assert_int_equal(t.deadline, 0);
	assert_int_equal(vtimer_expire(&t, LVT_ONESHOT | VEC, 6000), VTIMER_NONE);
	/* One-shot to periodic: a running count stops, TMICT reads 0. */
	vtimer_init_write(&t, LVT_ONESHOT, 100, 1000);
	assert_int_not_equal(t.deadline, 0);
	vtimer_lvt_write(&t, LVT_ONESHOT, LVT_PERIODIC);
	assert_int_equal(t.deadline, 0);
	assert_int_equal(t.init, 0);
	assert_int_equal(t.stats.cancelled, 2);
}

/* One-shot: TMICT at TSC/DCR; TMCCT counts down; expiry at the end. */
static void test_oneshot_count(void **state)
{
	struct vtimer t;

	(void)state;
	vtimer_reset(&t);
	vtimer_dcr_write(&t, DCR_DIV16);
	vtimer_init_write(&t, LVT_ONESHOT, 100, 1000);
	assert_int_equal(t.deadline, 1000 + 100 * 16);
	assert_int_equal(vtimer_current(&t, LVT_ONESHOT, 1000), 100);
	assert_int_equal(vtimer_current(&t, LVT_ONESHOT, 1000 + 16 * 40), 60);
	assert_int_equal(vtimer_current(&t, LVT_ONESHOT, 1000 + 16 * 40 + 1), 60);
	assert_int_equal(vtimer_expire(&t, LVT_ONESHOT, 1000 + 1599), VTIMER_NONE);
	assert_int_equal(vtimer_expire(&t, LVT_ONESHOT, 1000 + 1600), VTIMER_FIRE);
	assert_int_equal(vtimer_current(&t, LVT_ONESHOT, 1000 + 1600), 0);
	assert_int_equal(t.init, 100);	/* TMICT keeps its value */
	assert_int_equal(vtimer_expire(&t, LVT_ONESHOT, 99999), VTIMER_NONE);
	/* Divide by 1 (DCR 1011b) and by 2 (0000b), SDM Figure 11-10. */
	vtimer_dcr_write(&t, DCR_DIV1);
	vtimer_init_write(&t, LVT_ONESHOT, 100, 2000);
	assert_int_equal(t.deadline, 2100);
	vtimer_dcr_write(&t, 0);
	vtimer_init_write(&t, LVT_ONESHOT, 100, 2000);
	assert_int_equal(t.deadline, 2200);
	/* A count of 0 stops it. */
	vtimer_init_write(&t, LVT_ONESHOT, 0, 2000);
	assert_int_equal(t.deadline, 0);
	assert_int_equal(vtimer_current(&t, LVT_ONESHOT, 2000), 0);
}

/* Periodic: one expiry per period, late ones merged and counted. */
static void test_periodic(void **state)
{
	uint64_t p = VTIMER_PERIOD_MIN * 2;
	struct vtimer t;

	(void)state;
	vtimer_reset(&t);
	vtimer_dcr_write(&t, DCR_DIV1);
	vtimer_init_write(&t, LVT_PERIODIC, (uint32_t)p, 0);
	assert_int_equal(vtimer_expire(&t, LVT_PERIODIC, p - 1), VTIMER_NONE);
	assert_int_equal(vtimer_expire(&t, LVT_PERIODIC, p), VTIMER_FIRE);
	assert_int_equal(t.deadline, 2 * p);
	assert_int_equal(vtimer_expire(&t, LVT_PERIODIC, 2 * p + 1), VTIMER_FIRE);
	assert_int_equal(t.deadline, 3 * p);
	/* Three periods late: one expiry, two skipped, next one still on
	 * the grid. */
	assert_int_equal(vtimer_expire(&t, LVT_PERIODIC, 5 * p + 7), VTIMER_FIRE);
	assert_int_equal(t.stats.skipped, 2);
	assert_int_equal(t.deadline, 6 * p);
	assert_int_equal(t.stats.late_max, 2 * p + 7);
	/* A tiny period is raised to VTIMER_PERIOD_MIN. */
	vtimer_init_write(&t, LVT_PERIODIC, 1, 0);
	assert_int_equal(t.deadline, VTIMER_PERIOD_MIN);
	assert_int_equal(t.period, VTIMER_PERIOD_MIN);
}

/* Seeded stress of the invariant: whatever the guest writes and whenever
 * the hv looks, an expiry is never reported before the latest deadline
 * written, and one armed deadline fires at most once. */
static void test_never_early(void **state)
{
	uint64_t tsc = 1, want = 0, d;
	struct vtimer t;
	unsigned k, fired_since_arm = 0;

	(void)state;
	srand(9);
	vtimer_reset(&t);
	for (k = 0; k < 200000; k++) {
		tsc += (uint64_t)(rand() % 300);
		switch (rand() % 4) {
		case 0:
			d = rand() % 8 ? tsc + (uint64_t)(rand() % 1000) : 0;
			vtimer_deadline_write(&t, LVT_DEADLINE | VEC, d);
			want = d;
			fired_since_arm = 0;
			break;
		default:
			if (vtimer_expire(&t, LVT_DEADLINE | VEC, tsc) == VTIMER_FIRE) {
				assert_true(want != 0);
				assert_true(tsc >= want);
				assert_int_equal(++fired_since_arm, 1);
			} else if (want && tsc >= want) {
				assert_int_equal(fired_since_arm, 1);
			}
		}
	}
	assert_true(t.stats.fired > 1000);
}

/* ---- through the virtual APIC ---- */

static void test_vlapic_deadline_fires_vector(void **state)
{
	struct vlapic v;

	(void)state;
	setup_apic(&v, LVT_DEADLINE | VEC);
	vlapic_tsc_deadline_write(&v, 3000);
	assert_int_equal(vlapic_tsc_deadline_read(&v), 3000);
	now = 2999;
	assert_int_equal(vlapic_timer_poll(&v), 3000);
	assert_false(irr_has(&v, VEC));
	now = 3000;
	assert_int_equal(vlapic_timer_poll(&v), 0);
	assert_true(irr_has(&v, VEC));
	assert_false(vlapic_level(&v, VEC));
	assert_int_equal(vlapic_pending(&v), VEC);
	assert_int_equal(vlapic_tsc_deadline_read(&v), 0);
	assert_int_equal(v.timer.stats.fired, 1);
}

/* A read of the deadline MSR after its time sees 0 and delivers: the
 * expiry is not lost because no exit came at the deadline. */
static void test_vlapic_read_after_deadline(void **state)
{
	struct vlapic v;

	(void)state;
	setup_apic(&v, LVT_DEADLINE | VEC);
	vlapic_tsc_deadline_write(&v, 3000);
	now = 5000;
	assert_int_equal(vlapic_tsc_deadline_read(&v), 0);
	assert_true(irr_has(&v, VEC));
}

static void test_vlapic_masked(void **state)
{
	struct vlapic v;

	(void)state;
	setup_apic(&v, LVT_DEADLINE | VLAPIC_LVT_MASKED | VEC);
	vlapic_tsc_deadline_write(&v, 3000);
	now = 4000;
	assert_int_equal(vlapic_timer_poll(&v), 0);
	assert_false(irr_has(&v, VEC));
	assert_int_equal(v.timer.stats.masked, 1);
	/* A software-disabled APIC masks the LVT whatever is written. */
	assert_int_equal(vlapic_mmio_write(&v, VLAPIC_SVR, 0xff), 0);
	assert_int_equal(vlapic_mmio_write(&v, VLAPIC_LVT_TIMER, LVT_DEADLINE | VEC), 0);
	vlapic_tsc_deadline_write(&v, 5000);
	now = 6000;
	vlapic_timer_poll(&v);
	assert_false(irr_has(&v, VEC));
	assert_int_equal(v.timer.stats.masked, 2);
}

/* Through the register page: one-shot via TMICT, TMCCT, DCR, and a mode
 * change by LVT write disarming an armed deadline. */
static void test_vlapic_registers(void **state)
{
	struct vlapic v;

	(void)state;
	setup_apic(&v, LVT_ONESHOT | VEC);
	assert_int_equal(vlapic_mmio_write(&v, VLAPIC_TIMER_DIV, 0xff), 0);
	assert_int_equal(rd(&v, VLAPIC_TIMER_DIV), DCR_DIV1);
	assert_int_equal(vlapic_mmio_write(&v, VLAPIC_TIMER_INIT, 500), 0);
	assert_int_equal(rd(&v, VLAPIC_TIMER_INIT), 500);
	now = 1200;
	assert_int_equal(rd(&v, VLAPIC_TIMER_CUR), 300);
	/* Reading TMCCT at the end delivers the expiry first. */
	now = 1500;
	assert_int_equal(rd(&v, VLAPIC_TIMER_CUR), 0);
	assert_true(irr_has(&v, VEC));
	/* Deadline mode: TMICT writes ignored; switching away disarms. */
	assert_int_equal(vlapic_mmio_write(&v, VLAPIC_LVT_TIMER, LVT_DEADLINE | VEC), 0);
	assert_int_equal(rd(&v, VLAPIC_TIMER_INIT), 0);
	assert_int_equal(vlapic_mmio_write(&v, VLAPIC_TIMER_INIT, 7), 0);
	assert_int_equal(v.timer.deadline, 0);
	vlapic_tsc_deadline_write(&v, 9000);
	assert_int_equal(vlapic_mmio_write(&v, VLAPIC_LVT_TIMER, LVT_ONESHOT | VEC), 0);
	assert_int_equal(vlapic_timer_poll(&v), 0);
	assert_int_equal(v.stats.bad_access, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deadline_due_not_due),
		cmocka_unit_test(test_deadline_far_ahead),
		cmocka_unit_test(test_deadline_zero_disarms),
		cmocka_unit_test(test_deadline_rearm),
		cmocka_unit_test(test_masked_expiry),
		cmocka_unit_test(test_mode_ignores),
		cmocka_unit_test(test_mode_switch_disarms),
		cmocka_unit_test(test_oneshot_count),
		cmocka_unit_test(test_periodic),
		cmocka_unit_test(test_never_early),
		cmocka_unit_test(test_vlapic_deadline_fires_vector),
		cmocka_unit_test(test_vlapic_read_after_deadline),
		cmocka_unit_test(test_vlapic_masked),
		cmocka_unit_test(test_vlapic_registers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
