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

static const struct vmx_ctl vmx_apicv_ctls[] = {
	{ PROC2_VIRT_APIC_ACCESS, "virtualize APIC accesses", VMX_CTL_REQUIRED },
	{ PROC2_APIC_REG_VIRT, "APIC-register virtualization", VMX_CTL_REQUIRED },
	{ PROC2_VIRT_INTR_DELIVERY, "virtual-interrupt delivery", VMX_CTL_REQUIRED },
	{ PROC2_VIRT_X2APIC, "virtualize x2APIC mode", VMX_CTL_FORBIDDEN },
};

int vmx_apicv_compute(uint32_t pin, uint32_t proc, uint64_t proc2_cap, uint32_t *bits,
		      char *why, unsigned len)
{
	uint32_t val;
	int err;

	if (!(pin & PIN_EXTINT_EXITING)) {
		snprintf(why, len, "virtual-interrupt delivery needs the pin-based control "
			 "'external-interrupt exiting' (bit 0), which the hv runs without");
		return -ENODEV;
	}
	if (!(proc & PROC_USE_TPR_SHADOW)) {
		snprintf(why, len, "APIC virtualization needs the processor-based control "
			 "'use TPR shadow' (bit 21), which the hv runs without");
		return -ENODEV;
	}
	err = vmx_ctl_compute("secondary processor-based", proc2_cap, vmx_apicv_ctls,
			      sizeof(vmx_apicv_ctls) / sizeof(vmx_apicv_ctls[0]), &val, why, len);
	if (err)
		return err;
	*bits = val & (PROC2_VIRT_APIC_ACCESS | PROC2_APIC_REG_VIRT | PROC2_VIRT_INTR_DELIVERY);
	return 0;
}
