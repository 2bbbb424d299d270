/* Guest CPUID (see cpuid.h). */
#include <string.h>
#include "hv/cpuid.h"
#include "hv/vcpu.h"
#include "hv/hypercall_abi.h"
#include "drivers/cpu.h"

#define LEAF_HV_BASE	0x40000000
#define LEAF_HV_ABI	0x40000001
#define LEAF_HV_LAST	0x400000ff
#define CPUID1_ECX_VMX		BIT(5)
#define CPUID1_ECX_MONITOR	BIT(3)
#define HV_SIGNATURE	"irqvisor\0\0\0\0"

void cpuid_emulate(struct vcpu *v)
{
	uint32_t leaf = (uint32_t)v->regs.rax, sub = (uint32_t)v->regs.rcx;
	struct cpuid_regs r = { 0, 0, 0, 0 };

	if (leaf == LEAF_HV_BASE) {
		r.eax = LEAF_HV_ABI;
		memcpy(&r.ebx, HV_SIGNATURE, 4);
		memcpy(&r.ecx, HV_SIGNATURE + 4, 4);
		memcpy(&r.edx, HV_SIGNATURE + 8, 4);
	} else if (leaf == LEAF_HV_ABI) {
		r.eax = HC_ABI_VERSION;
	} else if (leaf < LEAF_HV_BASE || leaf > LEAF_HV_LAST) {
		cpu_cpuid(leaf, sub, &r);
	}
	switch (leaf) {
	case 1:
		/* No nested virtualization, no x2APIC, no MONITOR/MWAIT. The
		 * virtual APIC timer has TSC-deadline mode whatever the host
		 * CPU has (hv/vtimer.c). */
		r.ecx &= ~(CPUID1_ECX_VMX | CPUID1_ECX_X2APIC | CPUID1_ECX_MONITOR);
		r.ecx |= CPUID1_ECX_HYPERVISOR | CPUID1_ECX_TSC_DEADLINE;
		break;
	case 0x80000001:
		r.ecx &= ~CPUIDX1_ECX_SVM;
		break;
	case 0x8000000a:
		memset(&r, 0, sizeof(r));
		break;
	}
	v->regs.rax = r.eax;
	v->regs.rbx = r.ebx;
	v->regs.rcx = r.ecx;
	v->regs.rdx = r.edx;
}
