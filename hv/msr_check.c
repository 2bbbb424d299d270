/* Guest WRMSR values (see msr_check.h). */
#include "hv/msr_check.h"
#include "drivers/bits.h"
#include "drivers/cpu.h"

#define FMASK_RESERVED		GENMASK(63, 32)

/* SDM vol 1, 3.3.7.1: bits 63:47 all equal. */
static bool canonical48(uint64_t va)
{
	return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

/* SDM vol 3, 11.12.2: memory types 2 and 3 and above 7 are reserved. */
static bool pat_ok(uint64_t pat)
{
	unsigned i;

	for (i = 0; i < 8; i++) {
		uint8_t t = (uint8_t)(pat >> (8 * i));

		if (t == 2 || t == 3 || t > 7)
			return false;
	}
	return true;
}

bool msr_value_ok(uint32_t msr, uint64_t val)
{
	switch (msr) {
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_KERNEL_GS_BASE:
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_SYSENTER_ESP:
	case MSR_SYSENTER_EIP:
		return canonical48(val);
	case MSR_SFMASK:
		return !(val & FMASK_RESERVED);
	case MSR_PAT:
		return pat_ok(val);
	default:
		return true;
	}
}
