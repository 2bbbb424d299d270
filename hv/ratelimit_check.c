/* The pure part of hv/ratelimit.h, unit-tested on the host. */
#include "hv/ratelimit.h"

bool ratelimit_check(struct ratelimit *rl, uint64_t now, uint64_t window,
		     uint32_t *suppressed)
{
	*suppressed = 0;
	if (!rl->started || now - rl->window_start >= window || now < rl->window_start) {
		rl->started = true;
		rl->window_start = now;
		rl->in_window = 0;
	}
	if (rl->in_window >= RATELIMIT_BURST) {
		if (rl->suppressed < UINT32_MAX)
			rl->suppressed++;
		return false;
	}
	rl->in_window++;
	*suppressed = rl->suppressed;
	rl->suppressed = 0;
	return true;
}
