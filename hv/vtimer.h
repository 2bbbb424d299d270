/* The guest's local APIC timer (SDM vol 3, 11.5.4) as pure logic over a
 * TSC value the caller passes in (host-tested): one-shot and periodic
 * counts from the initial-count register (TMICT), which count at the TSC
 * rate divided by DCR, and TSC-deadline mode (IA32_TSC_DEADLINE, 11.5.4.1).
 * The LVT timer register itself lives in struct vlapic; each call takes
 * its value. vtimer_expire says when the LVT vector is due; the hv's exit
 * timer makes the guest exit by `deadline`.
 */
#ifndef HV_VTIMER_H
#define HV_VTIMER_H

#include <stdint.h>

#include "drivers/bits.h"

/* LVT timer mode, bits 18:17 (SDM vol 3, Figure 11-8 and Table 11-2). */
#define VTIMER_LVT_MODE		GENMASK(18, 17)
#define   VTIMER_MODE_ONESHOT	0
#define   VTIMER_MODE_PERIODIC	1
#define   VTIMER_MODE_DEADLINE	2	/* TSC-deadline; 3 is reserved: arms nothing */
#define VTIMER_LVT_MASKED	BIT(16)
#define VTIMER_DCR_BITS		0xbu	/* divide value in bits 3 and 1:0 (Figure 11-10) */
/* Shortest period (TSC ticks): a shorter periodic count is raised to it, so
 * that a guest cannot keep the hv expiring its timer and nothing else. */
#define VTIMER_PERIOD_MIN	4096

struct vtimer_stats {
	uint64_t started;	/* counts and deadlines armed */
	uint64_t fired;		/* expiries that asked for the LVT vector */
	uint64_t masked;	/* expiries with the LVT masked: nothing asked */
	uint64_t cancelled;	/* armed timers stopped before they expired */
	uint64_t skipped;	/* periodic expiries the hv came too late for */
	uint64_t ignored;	/* TMICT writes outside the count modes, deadline
				   writes outside TSC-deadline mode (11.5.4.1) */
	uint64_t late_max;	/* most TSC ticks an expiry was seen after its time */
};

struct vtimer {
	uint32_t init;		/* TMICT as written */
	uint32_t dcr;		/* DCR, VTIMER_DCR_BITS only */
	uint8_t shift;		/* log2 of the divider the current count runs at */
	uint64_t deadline;	/* TSC of the next expiry; 0: disarmed */
	uint64_t period;	/* periodic mode: TSC ticks between expiries */
	struct vtimer_stats stats;
};

enum vtimer_event {
	VTIMER_NONE,		/* not due (or not armed) */
	VTIMER_FIRE,		/* expired: make the LVT vector pending */
	VTIMER_MASKED,		/* expired with the LVT masked: nothing to deliver */
};

/* Power-on state: disarmed, TMICT 0, DCR 0 (divide by 2). */
void vtimer_reset(struct vtimer *t);
/* The LVT timer changed from old_lvt to new_lvt: a change of mode disarms
 * the timer (11.5.4.1) and zeroes TMICT. */
void vtimer_lvt_write(struct vtimer *t, uint32_t old_lvt, uint32_t new_lvt);
/* TMICT write at TSC now: 0 stops the count, anything else (re)starts it
 * (one-shot or periodic as lvt says); ignored in TSC-deadline mode. */
void vtimer_init_write(struct vtimer *t, uint32_t lvt, uint32_t count, uint64_t now);
/* TMCCT at TSC now: what is left of the count at its divider, 0 when
 * stopped or in TSC-deadline mode. */
uint32_t vtimer_current(const struct vtimer *t, uint32_t lvt, uint64_t now);
/* DCR write: the next count runs at the new divider. */
void vtimer_dcr_write(struct vtimer *t, uint32_t val);
/* IA32_TSC_DEADLINE write: arm at TSC tsc, or disarm for 0; ignored
 * outside TSC-deadline mode. */
void vtimer_deadline_write(struct vtimer *t, uint32_t lvt, uint64_t tsc);
/* IA32_TSC_DEADLINE read: the armed deadline, 0 when disarmed, expired or
 * outside TSC-deadline mode. */
uint64_t vtimer_deadline_read(const struct vtimer *t, uint32_t lvt);
/* At TSC now: VTIMER_NONE before the deadline; at or after it the timer
 * expires (one-shot and TSC-deadline disarm, periodic moves to its first
 * expiry after now) and says whether the vector is to be made pending. */
enum vtimer_event vtimer_expire(struct vtimer *t, uint32_t lvt, uint64_t now);

#endif
