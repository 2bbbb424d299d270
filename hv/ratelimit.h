/* Rate limits for console lines a guest can provoke on every exit (an
 * unclaimed port, an unknown hypercall, a refused MSR, a BAR move): a
 * hostile guest must not be able to flood the console and stall the hv. */
#ifndef HV_RATELIMIT_H
#define HV_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

/* Lines of one kind allowed per window before the rest are suppressed. */
#define RATELIMIT_BURST	5

struct ratelimit {
	const char *kind;		/* named in the "suppressed" line */
	uint64_t window_start;
	uint32_t in_window;		/* lines allowed in this window */
	uint32_t suppressed;		/* lines dropped since the last one shown */
	bool started;
};

#define RATELIMIT_INIT(k)	{ .kind = (k) }

/* Pure: may a line of this kind be printed at time `now` (any monotonic
 * unit; `window` in the same unit)? When true, *suppressed is the number
 * of lines dropped since the last one allowed (then reset to 0). */
bool ratelimit_check(struct ratelimit *rl, uint64_t now, uint64_t window,
		     uint32_t *suppressed);

/* hv: the window is one second of TSC (set once at start-up). */
void ratelimit_set_window(uint64_t tsc_ticks);

/* hv: ratelimit_check against the TSC; when it allows the line and some
 * were dropped, prints "hv: suppressed N <kind> lines" first. */
bool ratelimit_allow(struct ratelimit *rl);

#endif
