/* VMX controls from the capability MSRs (see vmx_caps.h). */
#include <errno.h>
#include <stdio.h>
#include "hv/vmx/vmx_caps.h"
#include "hv/vmx/vmcs.h"

int vmx_ctl_compute(const char *what, uint64_t cap, const struct vmx_ctl *ctls, size_t n,
		    uint32_t *out, char *why, unsigned len)
{
	uint32_t must1 = (uint32_t)cap, may1 = (uint32_t)(cap >> 32);
	uint32_t val = must1;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct vmx_ctl *c = &ctls[i];
		int bit = __builtin_ctz(c->bit);

		if (c->need == VMX_CTL_FORBIDDEN) {
			if (must1 & c->bit) {
				snprintf(why, len, "the CPU forces the %s control '%s' (bit %d) on",
					 what, c->name, bit);
				return -ENODEV;
			}
			continue;
		}
		if (may1 & c->bit)
			val |= c->bit;
		else if (c->need == VMX_CTL_REQUIRED) {
			snprintf(why, len, "the CPU lacks the %s control '%s' (bit %d)",
				 what, c->name, bit);
			return -ENODEV;
		}
	}
	*out = val;
	return 0;
}

uint32_t vmx_cap_msr(uint64_t basic, uint32_t plain, uint32_t true_msr)
{
	return (basic & VMX_BASIC_TRUE_CTLS) ? true_msr : plain;
}
