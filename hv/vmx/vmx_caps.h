/* VMX controls from the capability MSRs (SDM vol 3, appendix A): pure
 * logic, unit-tested on the host (tests/unit/test_vmx_caps.c). */
#ifndef HV_VMX_CAPS_H
#define HV_VMX_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One control the hv sets or needs clear. */
struct vmx_ctl {
	uint32_t bit;
	const char *name;
	enum { VMX_CTL_REQUIRED, VMX_CTL_OPTIONAL, VMX_CTL_FORBIDDEN } need;
};

/* The value of a control field from its capability MSR (low dword: bits
 * that must be 1, high dword: bits that may be 1; A.3-A.5): every bit the
 * CPU forces, plus each wanted one it allows. 0 and *out, or -ENODEV with
 * why naming the first REQUIRED control the CPU does not allow (or the
 * FORBIDDEN one it forces on) and the field (what). OPTIONAL controls the
 * CPU lacks are left out. */
int vmx_ctl_compute(const char *what, uint64_t cap, const struct vmx_ctl *ctls, size_t n,
		    uint32_t *out, char *why, unsigned len);

/* eoi=hw's secondary controls (SDM vol 3, 29.2-29.4): virtualize APIC
 * accesses, APIC-register virtualization and virtual-interrupt delivery,
 * over the hv's pin-based (pin) and primary (proc) control values, which
 * must hold external-interrupt exiting and use TPR shadow (26.2.1.1);
 * virtualize x2APIC mode must stay clear (it excludes APIC-access
 * virtualization, 26.2.1.1). proc2_cap is IA32_VMX_PROCBASED_CTLS2. 0 and
 * the three bits in *bits, or -ENODEV with why naming what is missing. */
int vmx_apicv_compute(uint32_t pin, uint32_t proc, uint64_t proc2_cap, uint32_t *bits,
		      char *why, unsigned len);

/* The MSR that reports a control field: the TRUE_* one when IA32_VMX_BASIC
 * bit 55 says it exists (A.1), else the plain one. */
uint32_t vmx_cap_msr(uint64_t basic, uint32_t plain, uint32_t true_msr);

/* A CR0/CR4 value adjusted to IA32_VMX_CRn_FIXED0/1 (A.7, A.8): bits set
 * in fixed0 are 1, bits clear in fixed1 are 0. */
static inline uint64_t vmx_cr_fixed(uint64_t val, uint64_t fixed0, uint64_t fixed1)
{
	return (val | fixed0) & fixed1;
}

/* The bits of a control register the guest may not own: the ones VMX
 * fixes either way. */
static inline uint64_t vmx_cr_fixed_mask(uint64_t fixed0, uint64_t fixed1)
{
	return fixed0 | ~fixed1;
}

#endif
