/* Progress report timing (see progress.h). */
#include "hv/progress.h"

void progress_begin(struct progress *p, uint64_t now, uint64_t period)
{
	*p = (struct progress){ .start = now, .last = now, .period = period };
}

bool progress_due(struct progress *p, uint64_t now)
{
	if (!p->period || now - p->last < p->period)
		return false;
	p->last = now;
	return true;
}
