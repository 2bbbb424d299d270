/* Intel VMX backend internals shared by hv/vmx/vmx.c (probe, run, exits) and
 * hv/vmx/vmx_vmcs.c (VMCS set-up). Other code goes through vmx_ops. */
#ifndef HV_VMX_H
#define HV_VMX_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/vcpu.h"
#include "hv/vmx/vmcs.h"

/* What the CPU offers, read once by the probe. */
struct vmx_caps {
	uint64_t basic, misc, ept_vpid;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	/* Control values computed from the capability MSRs, without the
	 * bits the backend switches at run time (windows, timer). */
	uint32_t pin, proc, proc2, exit, entry;
	uint64_t proc2_cap;		/* IA32_VMX_PROCBASED_CTLS2, for eoi=hw */
	bool timer, nmi_window;
	uint8_t timer_rate;		/* the timer counts TSC >> timer_rate */
};

/* An event for the next VM entry (SDM 24.8.3). */
struct vmx_event {
	uint32_t info, error, len;
};

struct vmx_vcpu {
	uint64_t vmcs_pa, msr_bitmap_pa, io_a_pa, io_b_pa;
	uint64_t vapic_pa;	/* virtual-APIC page: the guest's CR8 (VTPR) */
	uint8_t *fx;		/* guest FXSAVE area, 512 bytes, 16-aligned */
	bool launched;		/* VMRESUME from now on */
	uint64_t host_rsp;	/* HOST_RSP as last written, 0: not yet */
	uint32_t pin, proc;	/* current values, with run-time bits */
	uint64_t cr0_mask, cr4_mask;
	struct vmx_event event;	/* injected at the next entry */
	/* An event waiting for its turn: an interrupted one that an
	 * exception reflected on top of it displaced (as svm.c), or an NMI
	 * while the guest still blocks NMIs. */
	struct vmx_event held;
	/* The last exception exit: a software one (INT1) is reflected with
	 * its own type and instruction length. */
	uint32_t exc_info, exc_len;
	/* The first failed VMX instruction since the last report: which
	 * one, the field for a VMWRITE, how it failed. */
	bool failed;
	const char *fail_op;
	uint32_t fail_field, fail_error;
	enum vmx_status fail_status;
	/* Exit timer: a wall-clock TSC deadline, re-armed at every entry. */
	uint64_t timer_period, timer_deadline;
	/* The last exit, for dumps (have_exit: the last run made one). */
	bool have_exit;
	uint32_t exit_reason, exit_intr_info, exit_intr_error, idt_info;
	uint64_t exit_qual;
	/* eoi=hw (hv/vmx/vmx_apicv.c): the model, NULL while off. */
	struct vlapic *apic;
	uint64_t apic_gpa, apic_access_pa;
	uint32_t apicv_bits;		/* secondary controls it adds */
	uint32_t mirror_gen;		/* apic->gen the page's registers show */
	uint32_t store_gen;		/* apic->gen at the last store */
	bool mirror_stale;		/* ... or none: mirror at the next sync */
	uint32_t eoi_exit[8];		/* the EOI-exit bitmap as written */
	uint64_t apic_writes, eoi_exits; /* trap-like exits handled here */
};

extern struct vmx_caps vmx_caps;

/* Where a VM exit resumes the hv (HOST_RIP): hv/vmx/vmx_run.asm. */
extern const char vmx_exit_rip[];

/* vmx_ops.probe: CPUID, IA32_FEATURE_CONTROL and the capability MSRs;
 * fills vmx_caps. */
int vmx_probe(char *why, unsigned len);
/* Lock IA32_FEATURE_CONTROL if firmware left it open, set the CR0/CR4
 * fixed bits and CR4.VMXE, VMXON (once). */
int vmx_enable(void);
/* vmx_ops.info: the VMX feature lines; reads MSRs only when CPUID.1 shows
 * VMX. */
void vmx_info(void);
/* A zeroed page holding the VMCS revision identifier (24.2): a VMXON
 * region or a VMCS. */
int vmx_alloc_region(uint64_t *pa);

static inline uint64_t vmx_read(uint32_t field)
{
	uint64_t val;

	__asm__ volatile("vmread %[field], %[val]"
			 : [val] "=r"(val) : [field] "r"((uint64_t)field) : "cc");
	return val;
}

static inline enum vmx_status vmx_write_raw(uint32_t field, uint64_t val)
{
	bool cf, zf;

	__asm__ volatile("vmwrite %[val], %[field]"
			 : "=@ccc"(cf), "=@ccz"(zf)
			 : [field] "r"((uint64_t)field), [val] "rm"(val) : "memory");
	return cf ? VMX_FAIL_INVALID : zf ? VMX_FAIL_VALID : VMX_OK;
}

/* Keep the first failure of a VMX instruction in s (op names it, field is
 * the VMCS field of a VMWRITE): reported before the next entry, which it
 * prevents. */
void vmx_fail(struct vmx_vcpu *s, const char *op, uint32_t field, enum vmx_status st);
/* VMWRITE, failures kept by vmx_fail. */
void vmx_write(struct vmx_vcpu *s, uint32_t field, uint64_t val);
/* VMCLEAR and VMPTRLD of s's VMCS, then every control, host and guest
 * field for a guest in the boot state. */
void vmx_vmcs_setup(struct vmx_vcpu *s, const struct vcpu_boot_state *bs);
/* Write the control register's guest value, adjusted to the VMX fixed
 * bits, and its read shadow (the value the guest sees). */
void vmx_write_cr0(struct vmx_vcpu *s, uint64_t val);
void vmx_write_cr4(struct vmx_vcpu *s, uint64_t val);

/* eoi=hw (hv/vmx/vmx_apicv.c), vmx_ops' apicv hooks. */
int vmx_apicv_usable(const struct vcpu *v, char *why, unsigned len);
int vmx_apicv(struct vcpu *v, struct vlapic *apic, uint64_t apic_gpa, uint64_t *access_hpa,
	      char *why, unsigned len);
void vmx_apicv_sync(struct vcpu *v);
/* At VMCS set-up: the controls and fields of eoi=hw when it is on. */
void vmx_apicv_setup(struct vmx_vcpu *s);
/* Right after an exit: the page's IRR, ISR and TPR into the model. */
void vmx_apicv_store(struct vmx_vcpu *s);
/* A trap-like exit of eoi=hw (APIC write, virtualized EOI) handled on
 * the model: true when the guest can be entered again at once. */
bool vmx_apicv_trap(struct vcpu *v, struct vmx_vcpu *s, uint32_t basic);
/* The `info` lines of eoi=hw: what the CPU offers, and the model's state
 * while it runs. */
void vmx_apicv_info(void);

#endif
