/* The hv's local APIC timer as an interrupt source (drivers/irq_source.h):
 * no device, nothing remapped, one vector. fire arms the physical timer
 * TIMER_MARGIN_NS ahead and *t0 is when it expires:
 * - in TSC-deadline mode (CPUID.1:ECX[24]) t0 is the deadline written,
 *   exact by definition (SDM vol 3, 11.5.4.1);
 * - in one-shot mode t0 is the TSC read just before the count is written
 *   plus the count converted back to TSC ticks through the measured rate.
 *   That is exact to within one timer tick (the count starts on a bus
 *   clock edge after the write lands), the write's own duration, and the
 *   rate's error over the margin: the rate is measured over 2^24 TSC ticks,
 *   a relative error of a few parts per million, so well under one tick
 *   over a margin of microseconds.
 * While a guest runs the timer is the SVM exit timer (hv/svm/svm.c). This
 * source runs only while none does (the native tests), refuses a timer
 * that is in use, and the exit timer programs it from scratch when a guest
 * runs again.
 */
#include <errno.h>
#include <stdio.h>

#include "drivers/cpu.h"
#include "drivers/irq_source.h"
#include "drivers/lapic.h"

#define TIMER_MARGIN_NS		2000	/* fire to expiry: covers the arming write */
#define NS_PER_SEC		1000000000ULL
#define DEFAULT_TSC_HZ		1000000000ULL	/* env->tsc_hz 0: assume 1 GHz */

/* Once per boot: which mode, so results can be read for what t0 is. */
static void timer_describe(const struct irq_source *s)
{
	static bool said;

	if (said)
		return;
	said = true;
	if (s->u.timer.deadline)
		printf("lapic-timer: TSC-deadline mode, expiry %lu TSC ticks after fire (t0 exact)\n",
		       s->u.timer.margin);
	else
		printf("lapic-timer: one-shot mode (no TSC-deadline), %lu timer ticks per %llu TSC "
		       "ticks, expiry %lu TSC ticks after fire (t0 to within a timer tick)\n",
		       s->u.timer.rate, LAPIC_TIMER_RATE_WINDOW, s->u.timer.margin);
}

static int timer_init(struct irq_source *s, const struct irq_source_env *env)
{
	uint64_t hz = env->tsc_hz ? env->tsc_hz : DEFAULT_TSC_HZ;

	if (!lapic_timer_masked()) {
		printf("lapic-timer: the local APIC timer is in use (LVT timer unmasked)\n");
		return -EBUSY;
	}
	s->u.timer.deadline = lapic_has_tsc_deadline();
	s->u.timer.margin = hz * TIMER_MARGIN_NS / NS_PER_SEC;
	if (!s->u.timer.deadline) {
		s->u.timer.rate = lapic_timer_rate();
		if (!s->u.timer.rate) {
			printf("lapic-timer: no TSC-deadline mode and the one-shot timer does not "
			       "count (0 ticks in %llu TSC ticks)\n", LAPIC_TIMER_RATE_WINDOW);
			return -ENODEV;
		}
	}
	if (!s->u.timer.margin)
		s->u.timer.margin = 1;
	timer_describe(s);
	s->u.timer.masked = true;
	s->nvec = 1;
	return 0;
}

static void timer_program(struct irq_source *s)
{
	if (s->u.timer.deadline)
		lapic_timer_deadline_mode(s->u.timer.vector);
	else
		lapic_timer_oneshot(s->u.timer.vector);
	s->u.timer.masked = false;
}

static int timer_set_vector(struct irq_source *s, unsigned i, uint8_t vec)
{
	if (i >= s->nvec)
		return -EINVAL;
	s->u.timer.vector = vec;
	timer_program(s);
	return 0;
}

/* After stop the LVT is masked: unmask it again (untimed). */
static int timer_arm(struct irq_source *s, unsigned i)
{
	if (i >= s->nvec || !s->u.timer.vector)
		return -EINVAL;
	if (s->u.timer.masked)
		timer_program(s);
	return 0;
}

static int timer_fire(struct irq_source *s, unsigned i, uint64_t *t0)
{
	uint64_t count, now;

	if (i >= s->nvec)
		return -EINVAL;
	if (s->u.timer.deadline) {
		*t0 = cpu_rdtsc() + s->u.timer.margin;
		lapic_timer_deadline(*t0);
		return 0;
	}
	count = (s->u.timer.margin * s->u.timer.rate + LAPIC_TIMER_RATE_WINDOW - 1) /
		LAPIC_TIMER_RATE_WINDOW;
	if (count > UINT32_MAX)
		count = UINT32_MAX;
	now = cpu_rdtsc();
	lapic_timer_start((uint32_t)count);
	*t0 = now + count * LAPIC_TIMER_RATE_WINDOW / s->u.timer.rate;
	return 0;
}

static void timer_stop(struct irq_source *s)
{
	lapic_timer_stop();
	s->u.timer.masked = true;
}

const struct irq_source_ops irq_source_timer = {
	.name = "lapic-timer",
	.desc = "local APIC timer (TSC-deadline or one-shot)",
	.flags = 0,
	.init = timer_init,
	.set_vector = timer_set_vector,
	.arm = timer_arm,
	.fire = timer_fire,
	.stop = timer_stop,
};
