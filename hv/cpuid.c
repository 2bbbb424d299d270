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

/* The irqvisor leaves: the signature and the highest leaf, the ABI
 * version, zeros for the rest of the range. */
static __attribute__((noinline)) struct cpuid_regs cpuid_hv_leaf(uint32_t leaf)
{
	struct cpuid_regs r = { 0, 0, 0, 0 };

	if (leaf == LEAF_HV_BASE) {
		r.eax = LEAF_HV_ABI;
		memcpy(&r.ebx, HV_SIGNATURE, 4);
		memcpy(&r.ecx, HV_SIGNATURE + 4, 4);
		memcpy(&r.edx, HV_SIGNATURE + 8, 4);
	} else if (leaf == LEAF_HV_ABI) {
		r.eax = HC_ABI_VERSION;
	}
	return r;
}

/* The host's leaf with the virtualization features hidden. CPUID runs
 * inline: this is the exit path, and the values stay in registers. */
static struct cpuid_regs cpuid_host_leaf(uint32_t leaf, uint32_t sub)
{
	struct cpuid_regs r;

	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(sub));
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
		r = (struct cpuid_regs){ 0, 0, 0, 0 };
		break;
	}
	return r;
}

void cpuid_emulate(struct vcpu *v)
{
	uint32_t leaf = (uint32_t)v->regs.rax;
	struct cpuid_regs r;

	if (leaf >= LEAF_HV_BASE && leaf <= LEAF_HV_LAST)
		r = cpuid_hv_leaf(leaf);
	else
		r = cpuid_host_leaf(leaf, (uint32_t)v->regs.rcx);
	v->regs.rax = r.eax;
	v->regs.rbx = r.ebx;
	v->regs.rcx = r.ecx;
	v->regs.rdx = r.edx;
}
