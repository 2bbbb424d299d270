/* Whether a CPU can process posted interrupts in VMX non-root operation
 * (SDM vol 3, 29.6), from its capability MSRs: pure logic, unit-tested on
 * the host (tests/unit/test_vmx_posted_caps.c). No CPU this project is
 * tested on has it (README, delivery=posted). */
#ifndef HV_VMX_POSTED_CAPS_H
#define HV_VMX_POSTED_CAPS_H

#include <stdint.h>
#include "drivers/bits.h"
#include "hv/vmx/vmcs.h"

/* VMCS fields (SDM appendix B.1.1, B.2.1) and the control bit vmcs.h does
 * not name yet (table 24-7). */
#define VMCS_PI_NV			0x0002	/* 16-bit: notification vector */
#define VMCS_PI_DESC			0x2016	/* 64-bit: descriptor address */
#define VMX_PI_PROC2_VID		BIT(9)	/* virtual-interrupt delivery */
_Static_assert(VMCS_ENC_IS(VMCS_PI_NV, VMCS_TYPE_CONTROL, VMCS_WIDTH_16), "PI vector");
_Static_assert(VMCS_ENC_IS(VMCS_PI_DESC, VMCS_TYPE_CONTROL, VMCS_WIDTH_64), "PI descriptor");

/* The capability MSRs as the CPU reports them; each control field's from
 * the MSR vmx_cap_msr picks (TRUE_* when IA32_VMX_BASIC bit 55 says so). */
struct vmx_posted_msrs {
	uint64_t pin, proc, exit;
	uint64_t proc2;		/* read only when proc allows bit 31; else 0 */
};

/* 0 when every control posted-interrupt processing needs may be 1 (the
 * allowed-1 halves, A.3-A.5): "process posted interrupts" (pin-based bit
 * 7) and what VM entry checks with it (26.2.1.1): "virtual-interrupt
 * delivery" (secondary bit 9), with "use TPR shadow" (primary 21), the
 * secondary controls (primary 31) and "external-interrupt exiting"
 * (pin-based 0) that it needs, and "acknowledge interrupt on exit"
 * (exit bit 15). Else -ENODEV with every missing control named in why. */
int vmx_posted_caps_check(const struct vmx_posted_msrs *m, char *why, unsigned len);

/* 0 when nv and desc_pa can go into the VMCS (26.2.1.1: the vector's
 * field has bits 15:8 clear, the address bits 5:0 clear and within the
 * physical-address width; a vector below 16 is an illegal APIC vector,
 * SDM 10.5.2); else -EINVAL with the reason. */
int vmx_posted_args_check(uint8_t nv, uint64_t desc_pa, unsigned maxphyaddr, char *why,
			  unsigned len);

#endif
