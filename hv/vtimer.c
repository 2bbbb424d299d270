/* The guest's local APIC timer (see vtimer.h). The virtual timer's clock
 * is the TSC: the count of TMICT runs at the TSC rate divided by DCR, so a
 * count converts to TSC ticks with a shift and nothing is rounded. The TSC
 * is a 64-bit unsigned count that does not wrap, and TSC-deadline mode
 * compares it unsigned ("TSC >= IA32_TSC_DEADLINE", SDM vol 3, 11.5.4.1):
 * so do the comparisons here, so a deadline far ahead is never taken for one
 * in the past.
 */
#include <stdbool.h>
#include <string.h>

#include "hv/vtimer.h"

static unsigned mode(uint32_t lvt)
{
	return (unsigned)FIELD_GET(VTIMER_LVT_MODE, lvt);
}

static bool counting_mode(uint32_t lvt)
{
	return mode(lvt) == VTIMER_MODE_ONESHOT || mode(lvt) == VTIMER_MODE_PERIODIC;
}

/* SDM vol 3, Figure 11-10: divide by 2^(((bit3:bit1:bit0) + 1) mod 8). */
static uint8_t dcr_shift(uint32_t dcr)
{
	uint32_t v = ((dcr >> 1) & 4) | (dcr & 3);

	return (uint8_t)((v + 1) & 7);
}

/* Stop an armed timer before its time (counted). */
static void disarm(struct vtimer *t)
{
	if (t->deadline)
		t->stats.cancelled++;
	t->deadline = 0;
	t->period = 0;
}

void vtimer_reset(struct vtimer *t)
{
	memset(t, 0, sizeof(*t));
	t->shift = dcr_shift(0);
}

void vtimer_lvt_write(struct vtimer *t, uint32_t old_lvt, uint32_t new_lvt)
{
	if (mode(old_lvt) == mode(new_lvt))
		return;
	disarm(t);
	t->init = 0;
}

void vtimer_init_write(struct vtimer *t, uint32_t lvt, uint32_t count, uint64_t now)
{
	uint64_t ticks;

	/* 11.5.4.1: in TSC-deadline mode writes to TMICT are ignored. */
	if (!counting_mode(lvt)) {
		t->stats.ignored++;
		return;
	}
	t->init = count;
	if (!count) {
		disarm(t);	/* 11.5.4: a count of 0 stops the timer */
		return;
	}
	t->shift = dcr_shift(t->dcr);
	ticks = (uint64_t)count << t->shift;
	t->period = 0;
	if (mode(lvt) == VTIMER_MODE_PERIODIC)
		t->period = ticks = ticks < VTIMER_PERIOD_MIN ? VTIMER_PERIOD_MIN : ticks;
	t->deadline = now + ticks;
	t->stats.started++;
}

uint32_t vtimer_current(const struct vtimer *t, uint32_t lvt, uint64_t now)
{
	uint64_t left, unit = 1ULL << t->shift;

	if (!counting_mode(lvt) || !t->deadline || now >= t->deadline)
		return 0;
	left = (t->deadline - now + unit - 1) >> t->shift;
	return left > t->init ? t->init : (uint32_t)left;
}

void vtimer_dcr_write(struct vtimer *t, uint32_t val)
{
	t->dcr = val & VTIMER_DCR_BITS;
}

void vtimer_deadline_write(struct vtimer *t, uint32_t lvt, uint64_t tsc)
{
	if (mode(lvt) != VTIMER_MODE_DEADLINE) {
		t->stats.ignored++;
		return;
	}
	if (!tsc) {
		disarm(t);
		return;
	}
	/* Armed or not, the new value is the deadline (11.5.4.1: software
	 * may move it forward or back). */
	t->deadline = tsc;
	t->period = 0;
	t->stats.started++;
}

uint64_t vtimer_deadline_read(const struct vtimer *t, uint32_t lvt)
{
	return mode(lvt) == VTIMER_MODE_DEADLINE ? t->deadline : 0;
}

enum vtimer_event vtimer_expire(struct vtimer *t, uint32_t lvt, uint64_t now)
{
	uint64_t late, missed;

	if (!t->deadline || now < t->deadline)
		return VTIMER_NONE;
	late = now - t->deadline;
	if (late > t->stats.late_max)
		t->stats.late_max = late;
	if (t->period) {
		/* The expiries between the deadline and now are one interrupt:
		 * the vector is pending once however many passed. */
		missed = late / t->period;
		t->stats.skipped += missed;
		t->deadline += (missed + 1) * t->period;
	} else {
		t->deadline = 0;	/* one-shot over; the deadline MSR reads 0 */
	}
	if (lvt & VTIMER_LVT_MASKED) {
		t->stats.masked++;
		return VTIMER_MASKED;
	}
	t->stats.fired++;
	return VTIMER_FIRE;
}
