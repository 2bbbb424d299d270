/* Intel VMX backend: what the CPU offers (capability MSRs, SDM vol 3,
 * appendix A), VMXON (23.7, 23.8) and the `info` line. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "hv/vmx/vmx.h"
#include "hv/vmx/vmx_caps.h"
#include "hv/mem.h"
#include "drivers/cpu.h"

/* The allowed 1-settings of a capability MSR (appendix A.3). */
#define ALLOWED1(cap)	((uint32_t)((cap) >> 32))

struct vmx_caps vmx_caps;
static bool vmx_on;

static const struct vmx_ctl vmx_pin_ctls[] = {
	{ PIN_EXTINT_EXITING, "external-interrupt exiting", VMX_CTL_REQUIRED },
	{ PIN_NMI_EXITING, "NMI exiting", VMX_CTL_REQUIRED },
	{ PIN_VIRTUAL_NMIS, "virtual NMIs", VMX_CTL_OPTIONAL },
	{ PIN_PREEMPTION_TIMER, "activate VMX-preemption timer", VMX_CTL_OPTIONAL },
};
static const struct vmx_ctl vmx_proc_ctls[] = {
	{ PROC_INTR_WINDOW, "interrupt-window exiting", VMX_CTL_REQUIRED },
	{ PROC_HLT_EXITING, "HLT exiting", VMX_CTL_REQUIRED },
	{ PROC_USE_IO_BITMAPS, "use I/O bitmaps", VMX_CTL_REQUIRED },
	{ PROC_USE_MSR_BITMAPS, "use MSR bitmaps", VMX_CTL_REQUIRED },
	{ PROC_SECONDARY, "activate secondary controls", VMX_CTL_REQUIRED },
	{ PROC_NMI_WINDOW, "NMI-window exiting", VMX_CTL_OPTIONAL },
	/* Without it a guest's MOV to CR8 writes the real TPR (25.3) and
	 * masks the hv's interrupts; with it CR8 is the virtual-APIC page's
	 * VTPR (29.1.2), as V_TPR under SVM. */
	{ PROC_USE_TPR_SHADOW, "use TPR shadow", VMX_CTL_REQUIRED },
	{ PROC_CR3_LOAD_EXITING, "CR3-load exiting", VMX_CTL_FORBIDDEN },
	{ PROC_CR3_STORE_EXITING, "CR3-store exiting", VMX_CTL_FORBIDDEN },
};
static const struct vmx_ctl vmx_proc2_ctls[] = {
	{ PROC2_EPT, "enable EPT", VMX_CTL_REQUIRED },
	{ PROC2_VPID, "enable VPID", VMX_CTL_OPTIONAL },
	/* CPUID shows the guest RDTSCP and INVPCID as the CPU has them;
	 * without these controls they would raise #UD (25.3). */
	{ PROC2_RDTSCP, "enable RDTSCP", VMX_CTL_OPTIONAL },
	{ PROC2_INVPCID, "enable INVPCID", VMX_CTL_OPTIONAL },
};
static const struct vmx_ctl vmx_exit_ctls[] = {
	/* The guest's DR7 and DEBUGCTL survive an exit (27.3.1); without
	 * it a VM exit leaves DR7 at 0x400 and the guest's breakpoints go. */
	{ EXIT_SAVE_DEBUG, "save debug controls", VMX_CTL_REQUIRED },
	{ EXIT_HOST_64, "host address-space size", VMX_CTL_REQUIRED },
	{ EXIT_ACK_INTR, "acknowledge interrupt on exit", VMX_CTL_REQUIRED },
	{ EXIT_SAVE_PAT, "save IA32_PAT", VMX_CTL_REQUIRED },
	{ EXIT_LOAD_PAT, "load IA32_PAT", VMX_CTL_REQUIRED },
	{ EXIT_SAVE_EFER, "save IA32_EFER", VMX_CTL_REQUIRED },
	{ EXIT_LOAD_EFER, "load IA32_EFER", VMX_CTL_REQUIRED },
};
static const struct vmx_ctl vmx_entry_ctls[] = {
	{ ENTRY_LOAD_DEBUG, "load debug controls", VMX_CTL_REQUIRED },
	{ ENTRY_IA32E_GUEST, "IA-32e mode guest", VMX_CTL_REQUIRED },
	{ ENTRY_LOAD_PAT, "load IA32_PAT", VMX_CTL_REQUIRED },
	{ ENTRY_LOAD_EFER, "load IA32_EFER", VMX_CTL_REQUIRED },
};

static uint64_t vmx_cap(uint32_t plain, uint32_t true_msr)
{
	return cpu_rdmsr(vmx_cap_msr(vmx_caps.basic, plain, true_msr));
}

/* Appendix A: each control field from its capability MSR. */
static int vmx_probe_controls(struct vmx_caps *c, char *why, unsigned len)
{
	uint32_t pin, proc;
	int err;

	err = vmx_ctl_compute("pin-based", vmx_cap(MSR_VMX_PINBASED_CTLS, MSR_VMX_TRUE_PINBASED_CTLS),
			      vmx_pin_ctls, ARRAY_SIZE(vmx_pin_ctls), &pin, why, len) ?:
	      vmx_ctl_compute("processor-based", vmx_cap(MSR_VMX_PROCBASED_CTLS,
							 MSR_VMX_TRUE_PROCBASED_CTLS),
			      vmx_proc_ctls, ARRAY_SIZE(vmx_proc_ctls), &proc, why, len) ?:
	      vmx_ctl_compute("secondary processor-based", cpu_rdmsr(MSR_VMX_PROCBASED_CTLS2),
			      vmx_proc2_ctls, ARRAY_SIZE(vmx_proc2_ctls), &c->proc2, why, len) ?:
	      vmx_ctl_compute("VM-exit", vmx_cap(MSR_VMX_EXIT_CTLS, MSR_VMX_TRUE_EXIT_CTLS),
			      vmx_exit_ctls, ARRAY_SIZE(vmx_exit_ctls), &c->exit, why, len) ?:
	      vmx_ctl_compute("VM-entry", vmx_cap(MSR_VMX_ENTRY_CTLS, MSR_VMX_TRUE_ENTRY_CTLS),
			      vmx_entry_ctls, ARRAY_SIZE(vmx_entry_ctls), &c->entry, why, len);
	if (err)
		return err;
	/* 26.2.1.1: NMI-window exiting needs virtual NMIs. */
	c->nmi_window = (proc & PROC_NMI_WINDOW) && (pin & PIN_VIRTUAL_NMIS);
	c->timer = pin & PIN_PREEMPTION_TIMER;
	c->pin = pin & ~PIN_PREEMPTION_TIMER;
	c->proc = proc & ~(PROC_INTR_WINDOW | PROC_NMI_WINDOW);
	return 0;
}

/* 28.2.2 and 24.6.11: the EPT the guest code builds (4 levels, 2 MiB
 * pages) with write-back paging structures, and INVEPT for restarts. */
static int vmx_probe_ept(const struct vmx_caps *c, char *why, unsigned len)
{
	static const struct { uint64_t bit; const char *name; } need[] = {
		{ EPT_CAP_WALK4, "4-level EPT walks" },
		{ EPT_CAP_WB, "write-back EPT paging structures" },
		{ EPT_CAP_2M, "2 MiB EPT pages" },
		{ EPT_CAP_INVEPT, "INVEPT" },
	};
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(need); i++) {
		if (!(c->ept_vpid & need[i].bit)) {
			snprintf(why, len, "IA32_VMX_EPT_VPID_CAP 0x%lx lacks %s", c->ept_vpid,
				 need[i].name);
			return -ENODEV;
		}
	}
	if (!(c->ept_vpid & (EPT_CAP_INVEPT_SINGLE | EPT_CAP_INVEPT_ALL))) {
		snprintf(why, len, "IA32_VMX_EPT_VPID_CAP 0x%lx has no INVEPT type", c->ept_vpid);
		return -ENODEV;
	}
	return 0;
}

static bool vmx_cpuid_has_vmx(void)
{
	struct cpuid_regs r;

	cpu_cpuid(1, 0, &r);
	return r.ecx & CPUID1_ECX_VMX_BIT;
}

int vmx_probe(char *why, unsigned len)
{
	struct vmx_caps *c = &vmx_caps;
	uint16_t tr;
	uint64_t fc;

	if (!vmx_cpuid_has_vmx()) {
		snprintf(why, len, "CPUID.1:ECX.VMX is clear: no VT-x");
		return -ENODEV;
	}
	/* SDM 23.7: with the lock bit set, VMXON outside SMX needs bit 2. */
	fc = cpu_rdmsr(MSR_FEATURE_CONTROL);
	if ((fc & FEATURE_CONTROL_LOCK) && !(fc & FEATURE_CONTROL_VMX)) {
		snprintf(why, len, "IA32_FEATURE_CONTROL (0x%lx) is locked with VMX off: "
			 "enable VT-x in the firmware setup", fc);
		return -EPERM;
	}
	/* 26.2.3: a VM exit loads TR, so the host needs one (the hv loads
	 * its own TSS in trap_init; OVMF under Bochs leaves none). */
	__asm__ volatile("str %0" : "=r"(tr));
	if (!tr) {
		snprintf(why, len, "no TR loaded: a VM exit needs a host TSS");
		return -ENODEV;
	}
	c->basic = cpu_rdmsr(MSR_VMX_BASIC);
	if (FIELD_GET(VMX_BASIC_MEMTYPE, c->basic) != MEMTYPE_WB ||
	    FIELD_GET(VMX_BASIC_VMCS_SIZE, c->basic) > 4096 || (c->basic & VMX_BASIC_32BIT_PA)) {
		snprintf(why, len, "IA32_VMX_BASIC 0x%lx: the VMCS is not write-back, larger "
			 "than a page or limited to 32-bit addresses", c->basic);
		return -ENODEV;
	}
	if (!(ALLOWED1(cpu_rdmsr(MSR_VMX_PROCBASED_CTLS)) & PROC_SECONDARY)) {
		snprintf(why, len, "the CPU has no secondary processor-based controls (so no EPT)");
		return -ENODEV;
	}
	c->misc = cpu_rdmsr(MSR_VMX_MISC);
	c->timer_rate = (uint8_t)FIELD_GET(VMX_MISC_TIMER_RATE, c->misc);
	c->ept_vpid = cpu_rdmsr(MSR_VMX_EPT_VPID_CAP);
	c->cr0_fixed0 = cpu_rdmsr(MSR_VMX_CR0_FIXED0);
	c->cr0_fixed1 = cpu_rdmsr(MSR_VMX_CR0_FIXED1);
	c->cr4_fixed0 = cpu_rdmsr(MSR_VMX_CR4_FIXED0);
	c->cr4_fixed1 = cpu_rdmsr(MSR_VMX_CR4_FIXED1);
	c->proc2_cap = cpu_rdmsr(MSR_VMX_PROCBASED_CTLS2);
	return vmx_probe_controls(c, why, len) ?: vmx_probe_ept(c, why, len);
}

/* SDM 24.2 and 24.11.5: the VMXON region and each VMCS start with the
 * revision identifier. */
int vmx_alloc_region(uint64_t *pa)
{
	int err = mem_alloc_pages(1, pa);

	if (err)
		return err;
	memset((void *)(uintptr_t)*pa, 0, 4096);
	*(uint32_t *)(uintptr_t)*pa = (uint32_t)FIELD_GET(VMX_BASIC_REVISION, vmx_caps.basic);
	return 0;
}

/* 23.7 and 23.8: IA32_FEATURE_CONTROL locked with VMX on (firmware that
 * leaves it unlocked, as OVMF under Bochs does, hands the choice to the
 * OS), CR0 and CR4 at their fixed bits with CR4.VMXE, then VMXON. */
int vmx_enable(void)
{
	uint64_t fc = cpu_rdmsr(MSR_FEATURE_CONTROL), region;
	bool cf, zf;
	int err;

	if (vmx_on)
		return 0;
	if (!(fc & FEATURE_CONTROL_LOCK)) {
		cpu_wrmsr(MSR_FEATURE_CONTROL, fc | FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX);
		printf("vmx: IA32_FEATURE_CONTROL was unlocked (0x%lx): locked with VMX on\n", fc);
	}
	cpu_write_cr0(vmx_cr_fixed(cpu_read_cr0(), vmx_caps.cr0_fixed0, vmx_caps.cr0_fixed1));
	cpu_write_cr4(vmx_cr_fixed(cpu_read_cr4() | CR4_VMXE, vmx_caps.cr4_fixed0,
				   vmx_caps.cr4_fixed1));
	err = vmx_alloc_region(&region);
	if (err)
		return err;
	__asm__ volatile("vmxon %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(region) : "memory");
	if (cf || zf) {
		printf("vmx: VMXON failed (%s)\n", cf ? "VMfailInvalid" : "VMfailValid");
		return -EIO;
	}
	vmx_on = true;
	return 0;
}

static const char *yes(bool b)
{
	return b ? "yes" : "no";
}

/* The feature line of `info`: only CPUID and, with VMX there, its MSRs. */
void vmx_info(void)
{
	uint64_t basic, pin, proc2 = 0, ept = 0, misc, fc;

	if (!vmx_cpuid_has_vmx()) {
		printf("cpu: VMX absent (CPUID.1:ECX.VMX clear)\n");
		return;
	}
	basic = cpu_rdmsr(MSR_VMX_BASIC);
	fc = cpu_rdmsr(MSR_FEATURE_CONTROL);
	misc = cpu_rdmsr(MSR_VMX_MISC);
	pin = cpu_rdmsr(vmx_cap_msr(basic, MSR_VMX_PINBASED_CTLS, MSR_VMX_TRUE_PINBASED_CTLS));
	if (ALLOWED1(cpu_rdmsr(MSR_VMX_PROCBASED_CTLS)) & PROC_SECONDARY)
		proc2 = ALLOWED1(cpu_rdmsr(MSR_VMX_PROCBASED_CTLS2));
	if (proc2 & (PROC2_EPT | PROC2_VPID))
		ept = cpu_rdmsr(MSR_VMX_EPT_VPID_CAP);
	pin = ALLOWED1(pin);
	printf("cpu: VMX rev 0x%lx, IA32_FEATURE_CONTROL 0x%lx, EPT %s (4-level %s, WB %s, "
	       "2M %s), VPID %s, unrestricted guest %s\n",
	       (uint64_t)FIELD_GET(VMX_BASIC_REVISION, basic), fc, yes(proc2 & PROC2_EPT),
	       yes(ept & EPT_CAP_WALK4), yes(ept & EPT_CAP_WB), yes(ept & EPT_CAP_2M),
	       yes(proc2 & PROC2_VPID), yes(proc2 & PROC2_UNRESTRICTED));
	printf("cpu: VMX preemption timer %s (TSC/%lu), virtual NMIs %s, posted interrupts %s, "
	       "controls from %s MSRs\n", yes(pin & PIN_PREEMPTION_TIMER),
	       1UL << FIELD_GET(VMX_MISC_TIMER_RATE, misc), yes(pin & PIN_VIRTUAL_NMIS),
	       yes(pin & PIN_POSTED_INTR),
	       (basic & VMX_BASIC_TRUE_CTLS) ? "the TRUE_*" : "the plain (no TRUE_*)");
	vmx_apicv_info();
}
