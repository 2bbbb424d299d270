/* Benchmark progress reports to the hv (see guest.h). A file of its own:
 * the calls in the timed loops stay calls, so the loops' own cpu_rdtsc
 * call sites are only the timing's (tools/profile.py finds them so). */
#include "guest/guest.h"
#include "drivers/cpu.h"

/* A tenth of a second over the hv's period: the hv prints at most once
 * per period from its own clock, which a report exactly a period after the
 * last would miss by the hypercall's latency. */
void bench_progress_begin(struct bench_progress *p)
{
	p->last = cpu_rdtsc();
	p->period = guest_info.tsc_hz * HC_PROGRESS_PERIOD_S + guest_info.tsc_hz / 10;
}

uint64_t bench_progress(struct bench_progress *p, const char *name, unsigned long done,
			unsigned long total)
{
	uint64_t now = cpu_rdtsc();

	if (!p->period || now - p->last < p->period)
		return 0;
	hc(HC_PROGRESS, (long)name, (long)done, (long)total, 0);
	p->last = cpu_rdtsc();
	return p->last - now;
}
