/* SMI count delta over a run (see smi_run.h). */
#include <errno.h>
#include "hv/smi_run.h"

void smi_run_begin(struct smi_run *r, int err, uint64_t count)
{
	r->known = !err;
	r->start = err ? 0 : count;
}

int smi_run_delta(const struct smi_run *r, int err, uint64_t count, uint32_t *delta)
{
	if (!r->known || err)
		return -ENODEV;
	/* The cast keeps bits 31:0: the count wraps there. */
	*delta = (uint32_t)(count - r->start);
	return 0;
}

bool smi_run_disturbed(bool known, uint32_t delta)
{
	return known && delta;
}
