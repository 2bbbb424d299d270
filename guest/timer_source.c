/* The guest's local APIC timer as an interrupt source (drivers/irq_source.h):
 * the hv's virtual APIC timer (hv/vtimer.c) in TSC-deadline mode, one
 * vector, no device. fire writes IA32_TSC_DEADLINE = now + margin and *t0
 * is that deadline, so a latency (the handler's TSC - t0) is exact: the hv
 * regaining control at the deadline, its virtual APIC, the injection and
 * the guest's way into its handler. The margin is a few times the WRMSR's
 * own exit (measured at init), so the deadline is still ahead when the
 * guest runs again: the interrupt comes through the hv's exit timer, not
 * at the end of the WRMSR's exit.
 */
#include <errno.h>
#include <stdio.h>

#include "drivers/cpu.h"
#include "drivers/irq_source.h"
#include "guest/lapic.h"

#define MARGIN_SAMPLES		8	/* WRMSR round trips timed at init */
#define MARGIN_FACTOR		4	/* margin: this many of the fastest */

/* The fastest of a few WRMSR exits (writing 0: the timer stays disarmed). */
static uint64_t timer_wrmsr_ticks(void)
{
	uint64_t best = UINT64_MAX, t0, t;
	unsigned k;

	for (k = 0; k < MARGIN_SAMPLES; k++) {
		t0 = cpu_rdtsc();
		guest_lapic_deadline(0);
		t = cpu_rdtsc() - t0;
		if (t < best)
			best = t;
	}
	return best;
}

/* Once per boot: the margin the latency figures were taken with. */
static void timer_describe(const struct irq_source *s)
{
	static bool said;

	if (!said)
		printf("lapic-timer: TSC-deadline mode, deadline %lu TSC ticks after fire (%u times "
		       "the fastest WRMSR exit)\n", s->u.timer.margin, MARGIN_FACTOR);
	said = true;
}

static int timer_init(struct irq_source *s, const struct irq_source_env *env)
{
	struct cpuid_regs r;

	(void)env;
	cpu_cpuid(1, 0, &r);
	if (!(r.ecx & CPUID1_ECX_TSC_DEADLINE)) {
		printf("lapic-timer: CPUID.1:ECX[24] is clear: the APIC timer has no "
		       "TSC-deadline mode\n");
		return -ENODEV;
	}
	guest_lapic_init();
	guest_lapic_timer_deadline_mode(0, true);
	s->u.timer.deadline = true;
	s->u.timer.masked = true;
	s->u.timer.margin = MARGIN_FACTOR * timer_wrmsr_ticks();
	timer_describe(s);
	s->nvec = 1;
	return 0;
}

static int timer_set_vector(struct irq_source *s, unsigned i, uint8_t vec)
{
	if (i >= s->nvec)
		return -EINVAL;
	s->u.timer.vector = vec;
	guest_lapic_timer_deadline_mode(vec, false);
	s->u.timer.masked = false;
	return 0;
}

/* After stop the LVT is masked: unmask it again (untimed). */
static int timer_arm(struct irq_source *s, unsigned i)
{
	if (i >= s->nvec || !s->u.timer.vector)
		return -EINVAL;
	if (s->u.timer.masked)
		return timer_set_vector(s, i, s->u.timer.vector);
	return 0;
}

static int timer_fire(struct irq_source *s, unsigned i, uint64_t *t0)
{
	if (i >= s->nvec)
		return -EINVAL;
	*t0 = cpu_rdtsc() + s->u.timer.margin;
	guest_lapic_deadline(*t0);
	return 0;
}

static void timer_stop(struct irq_source *s)
{
	guest_lapic_deadline(0);
	guest_lapic_timer_deadline_mode(s->u.timer.vector, true);
	s->u.timer.masked = true;
}

const struct irq_source_ops irq_source_timer = {
	.name = "lapic-timer",
	.desc = "local APIC timer (TSC-deadline mode of the hv's virtual APIC)",
	.flags = 0,
	.init = timer_init,
	.set_vector = timer_set_vector,
	.arm = timer_arm,
	.fire = timer_fire,
	.stop = timer_stop,
};
