/* Posted-interrupt processing on the VMX backend (see vmx_posted.h). The
 * fields go into the VMCS at the vCPU's next reset: a delivery mode starts
 * before the guest (re)starts (hv/guest.c guest_start), and VMCS set-up
 * rewrites every control. */
#include <errno.h>
#include <stdio.h>
#include "hv/vmx/vmx_posted.h"
#include "hv/vmx/vmx.h"
#include "hv/vmx/vmx_caps.h"
#include "hv/vmx/vmx_posted_caps.h"
#include "drivers/cpu.h"

#define ALLOWED1(cap)	((uint32_t)((cap) >> 32))

/* The one vCPU's (vmx.c has one vmx_vcpu): 0 while off. */
static struct {
	uint8_t nv;
	uint64_t desc_pa;
} posted;

/* SDM vol 3, 4.1.4: CPUID.80000008H:EAX[7:0], or 36 without that leaf. */
static unsigned maxphyaddr(void)
{
	struct cpuid_regs r;

	cpu_cpuid(0x80000000, 0, &r);
	if (r.eax < 0x80000008)
		return 36;
	cpu_cpuid(0x80000008, 0, &r);
	return r.eax & 0xff;
}

int vmx_posted_cpu_check(char *why, unsigned len)
{
	uint64_t basic = vmx_caps.basic;
	struct vmx_posted_msrs m = { 0 };

	if (!basic) {
		snprintf(why, len, "the VMX backend has not probed this CPU");
		return -ENODEV;
	}
	m.pin = cpu_rdmsr(vmx_cap_msr(basic, MSR_VMX_PINBASED_CTLS,
				      MSR_VMX_TRUE_PINBASED_CTLS));
	m.proc = cpu_rdmsr(vmx_cap_msr(basic, MSR_VMX_PROCBASED_CTLS,
				       MSR_VMX_TRUE_PROCBASED_CTLS));
	m.exit = cpu_rdmsr(vmx_cap_msr(basic, MSR_VMX_EXIT_CTLS, MSR_VMX_TRUE_EXIT_CTLS));
	/* A.3.3: the secondary MSR exists only when its control may be 1. */
	if (ALLOWED1(m.proc) & PROC_SECONDARY)
		m.proc2 = cpu_rdmsr(MSR_VMX_PROCBASED_CTLS2);
	return vmx_posted_caps_check(&m, why, len);
}

int vmx_posted(struct vcpu *v, uint8_t nv, uint64_t desc_pa, char *why, unsigned len)
{
	struct vmx_vcpu *s = v->arch;
	int err;

	if (!nv) {
		posted.nv = 0;
		posted.desc_pa = 0;
		s->pin &= ~PIN_POSTED_INTR;
		return 0;
	}
	err = vmx_posted_args_check(nv, desc_pa, maxphyaddr(), why, len) ?:
	      vmx_posted_cpu_check(why, len);
	if (err)
		return err;
	posted.nv = nv;
	posted.desc_pa = desc_pa;
	/* 26.2.1.1: VM entry also wants virtual-interrupt delivery on, which
	 * eoi=hw sets (delivery=posted refuses any other eoi=). */
	s->pin |= PIN_POSTED_INTR;
	return 0;
}

void vmx_posted_load(struct vmx_vcpu *s)
{
	if (!(s->pin & PIN_POSTED_INTR))
		return;
	vmx_write(s, VMCS_PI_NV, posted.nv);
	vmx_write(s, VMCS_PI_DESC, posted.desc_pa);
}
