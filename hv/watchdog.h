/* The guest watchdog's bookkeeping, with no hardware in it (unit-tested on
 * the host): the exit timer ticks WATCHDOG_TICKS times per watchdog period;
 * a tick that finds no exit the guest made since the tick before is quiet,
 * and WATCHDOG_TICKS quiet ticks in a row stop the guest. It is stopped
 * after between one period and WATCHDOG_TICKS+1 ticks without an exit. */
#ifndef HV_WATCHDOG_H
#define HV_WATCHDOG_H

#include <stdbool.h>
#include <stdint.h>

#define WATCHDOG_TICKS	4

struct watchdog {
	uint64_t last_exits;	/* the guest's exit count at the last tick */
	unsigned quiet;		/* quiet ticks in a row */
	uint64_t ticks;		/* ticks since watchdog_arm */
};

/* Start counting from the guest's exit count now. */
void watchdog_arm(struct watchdog *w, uint64_t exits);
/* One tick, with the guest's exit count now: true when it is the
 * WATCHDOG_TICKS-th quiet tick in a row (stop the guest). */
bool watchdog_tick(struct watchdog *w, uint64_t exits);
/* The tick period in TSC ticks for a watchdog of ms milliseconds (0 when
 * either is 0: no watchdog). */
uint64_t watchdog_period_tsc(uint32_t ms, uint64_t tsc_hz);

#endif
