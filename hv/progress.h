/* Progress of long benchmarks: a run longer than PROGRESS_PERIOD_S seconds
 * of TSC time prints "progress: <bench> <done>/<total> after <S> s" at most
 * once per period, lines that scripts reading RESULT lines ignore.
 * Pure: the caller reads the TSC. */
#ifndef HV_PROGRESS_H
#define HV_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/hypercall_abi.h"

/* The guest times its reports by the same period (HC_PROGRESS). */
#define PROGRESS_PERIOD_S	HC_PROGRESS_PERIOD_S

struct progress {
	uint64_t start, last;		/* TSC at the start and the last report */
	uint64_t period;		/* ticks between reports; 0: never */
};

/* Start timing a run at now. */
void progress_begin(struct progress *p, uint64_t now, uint64_t period);
/* True when a period has passed since the last report (or the start);
 * the next one is then a period from now. */
bool progress_due(struct progress *p, uint64_t now);

#endif
