/* Guest watchdog bookkeeping (see watchdog.h). */
#include "hv/watchdog.h"

void watchdog_arm(struct watchdog *w, uint64_t exits)
{
	*w = (struct watchdog){ .last_exits = exits };
}

bool watchdog_tick(struct watchdog *w, uint64_t exits)
{
	w->ticks++;
	if (exits != w->last_exits) {
		w->last_exits = exits;
		w->quiet = 0;
		return false;
	}
	return ++w->quiet >= WATCHDOG_TICKS;
}

/* ms * tsc_hz / 1000 cannot overflow for ms < 2^20 and tsc_hz < 2^44. */
uint64_t watchdog_period_tsc(uint32_t ms, uint64_t tsc_hz)
{
	return (uint64_t)ms * tsc_hz / 1000 / WATCHDOG_TICKS;
}
