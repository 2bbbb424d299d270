/* SMIs over one benchmark run: MSR_SMI_COUNT read at the start and at the
 * RESULT, the difference taken on its 32 bits (SDM vol 4: bits 31:0 count,
 * wrapping). A run with any SMI is disturbed: firmware took the CPU away
 * for an unknown time inside it. Pure: the caller reads the MSR. */
#ifndef HV_SMI_RUN_H
#define HV_SMI_RUN_H

#include <stdbool.h>
#include <stdint.h>

struct smi_run {
	bool known;
	uint64_t start;
};

/* The result of the read at the start: err 0 with count, or the error of
 * a counter that cannot be read. */
void smi_run_begin(struct smi_run *r, int err, uint64_t count);
/* SMIs since the start into *delta: 0; -ENODEV when either read failed. */
int smi_run_delta(const struct smi_run *r, int err, uint64_t count, uint32_t *delta);
/* Whether a run was disturbed: its delta is known and not 0. */
bool smi_run_disturbed(bool known, uint32_t delta);

#endif
