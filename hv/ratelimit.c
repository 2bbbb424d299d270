/* Console rate limits against the TSC (see ratelimit.h). */
#include <stdio.h>
#include "hv/ratelimit.h"
#include "drivers/cpu.h"

/* Until the TSC is calibrated: about one second on any machine this runs on. */
static uint64_t window_ticks = 1ULL << 31;

void ratelimit_set_window(uint64_t tsc_ticks)
{
	if (tsc_ticks)
		window_ticks = tsc_ticks;
}

bool ratelimit_allow(struct ratelimit *rl)
{
	uint32_t dropped;

	if (!ratelimit_check(rl, cpu_rdtsc(), window_ticks, &dropped))
		return false;
	if (dropped)
		printf("hv: suppressed %u %s lines\n", dropped, rl->kind);
	return true;
}
