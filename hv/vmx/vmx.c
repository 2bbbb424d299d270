/* Intel VMX backend: world switch, exit decoding and event injection
 * only. Every exit is handled by the generic code in hv/exit.c (STYLE rule
 * 1); the probe, VMXON and `info` are in hv/vmx/vmx_probe.c, the VMCS set-up in
 * hv/vmx/vmx_vmcs.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "hv/vmx/vmx.h"
#include "hv/vmx/vmx_decode.h"
#include "hv/vmx/vmx_posted.h"
#include "hv/mem.h"
#include "hv/trap.h"
#include "drivers/cpu.h"

/* Registers no VMCS field holds: the hv never uses SYSCALL, SWAPGS or
 * these MSRs itself, so the guest's values stay in the CPU (every guest
 * access to them exits through the MSR bitmap and comes back here). */
static const uint32_t vmx_reg_msr[VREG_COUNT] = {
	[VREG_KERNEL_GS_BASE] = MSR_KERNEL_GS_BASE, [VREG_STAR] = MSR_STAR,
	[VREG_LSTAR] = MSR_LSTAR, [VREG_CSTAR] = MSR_CSTAR, [VREG_SFMASK] = MSR_SFMASK,
};
static const uint32_t vmx_reg_field[VREG_COUNT] = {
	[VREG_RIP] = VMCS_GUEST_RIP, [VREG_RSP] = VMCS_GUEST_RSP,
	[VREG_RFLAGS] = VMCS_GUEST_RFLAGS, [VREG_CR3] = VMCS_GUEST_CR3,
	[VREG_EFER] = VMCS_GUEST_EFER, [VREG_CS_BASE] = VMCS_GUEST_CS_BASE,
	[VREG_PAT] = VMCS_GUEST_PAT, [VREG_FS_BASE] = VMCS_GUEST_FS_BASE,
	[VREG_GS_BASE] = VMCS_GUEST_GS_BASE, [VREG_SYSENTER_CS] = VMCS_GUEST_SYSENTER_CS,
	[VREG_SYSENTER_ESP] = VMCS_GUEST_SYSENTER_ESP,
	[VREG_SYSENTER_EIP] = VMCS_GUEST_SYSENTER_EIP,
};

static struct vmx_vcpu vmx_bsp;

/* Returns VMX_OK when the guest ran and exited, else how the VMLAUNCH or
 * VMRESUME failed (hv/vmx/vmx_run.asm). */
enum vmx_status vmx_enter(struct vcpu_regs *regs, void *guest_fx, bool launched,
			  uint64_t *host_rsp);

/* 24.6.4 and 24.6.9: all-ones bitmaps make every port and MSR exit. */
static int vmx_alloc(struct vmx_vcpu *s)
{
	uint64_t fx_pa;
	int err;

	if (s->vmcs_pa)
		return 0;	/* a guest built again reuses them */
	if ((err = vmx_alloc_region(&s->vmcs_pa)) ||
	    (err = mem_alloc_pages(1, &s->msr_bitmap_pa)) ||
	    (err = mem_alloc_pages(1, &s->io_a_pa)) ||
	    (err = mem_alloc_pages(1, &s->io_b_pa)) ||
	    (err = mem_alloc_pages(1, &s->vapic_pa)) ||
	    (err = mem_alloc_pages(1, &fx_pa)))
		return err;
	s->fx = (uint8_t *)(uintptr_t)fx_pa;
	memset((void *)(uintptr_t)s->msr_bitmap_pa, 0xff, VMX_MSR_BITMAP_SIZE);
	memset((void *)(uintptr_t)s->io_a_pa, 0xff, VMX_IO_BITMAP_SIZE);
	memset((void *)(uintptr_t)s->io_b_pa, 0xff, VMX_IO_BITMAP_SIZE);
	return 0;
}

static int vmx_init(struct vcpu *v)
{
	struct vmx_vcpu *s = &vmx_bsp;
	int err;

	err = vmx_enable() ?: vmx_alloc(s);
	if (err)
		return err;
	s->pin = vmx_caps.pin;
	v->arch = s;
	return 0;
}

static void vmx_reset(struct vcpu *v, const struct vcpu_boot_state *bs)
{
	struct vmx_vcpu *s = v->arch;
	unsigned i;

	s->failed = false;
	s->have_exit = false;
	s->event = s->held = (struct vmx_event){ 0 };
	vmx_vmcs_setup(s, bs);
	v->rip = bs->rip;
	v->rip_moved = false;
	vmx_posted_load(s);
	for (i = 0; i < VREG_COUNT; i++)
		if (vmx_reg_msr[i])
			cpu_wrmsr(vmx_reg_msr[i], 0);
	vcpu_regs_reset(v, s->fx);
}

static void vmx_report_fail(const struct vmx_vcpu *s)
{
	char field[32] = "";

	if (!strcmp(s->fail_op, "VMWRITE"))
		snprintf(field, sizeof(field), " of field 0x%04x", s->fail_field);
	if (s->fail_status == VMX_FAIL_INVALID)
		printf("vmx: %s%s failed: VMfailInvalid (no current VMCS)\n", s->fail_op, field);
	else
		printf("vmx: %s%s failed: VM-instruction error %u (%s)\n", s->fail_op, field,
		       s->fail_error, vmx_insn_error_name(s->fail_error));
}

/* The exit timer: a preemption-timer count up to the nearer of the
 * watchdog's deadline and the guest's APIC timer deadline (0 when it has
 * passed: the guest exits before its first instruction, 26.7.4). The timer
 * steps when TSC bit X changes (25.5.1), so the first step can come one
 * TSC tick after entry: rounded up, plus one step when X > 0, the exit
 * comes no earlier than the deadline. */
static void vmx_timer_arm(struct vcpu *v, struct vmx_vcpu *s)
{
	uint64_t now = cpu_rdtsc(), left = 0, delta, unit = 1ULL << vmx_caps.timer_rate;
	uint64_t target = s->timer_period ? s->timer_deadline : v->guest_deadline;

	if (!vmx_caps.timer)
		return;
	if (v->guest_deadline && v->guest_deadline < target)
		target = v->guest_deadline;
	if (target > now) {
		delta = target - now;
		left = (delta >> vmx_caps.timer_rate) + ((delta & (unit - 1)) != 0) +
		       (vmx_caps.timer_rate != 0);
	}
	if (!(s->pin & PIN_PREEMPTION_TIMER)) {
		s->pin |= PIN_PREEMPTION_TIMER;
		vmx_write(s, VMCS_PIN_CTLS, s->pin);
	}
	vmx_write(s, VMCS_PREEMPTION_TIMER, left > UINT32_MAX ? UINT32_MAX : left);
}

static void vmx_timer_off(struct vmx_vcpu *s)
{
	s->pin &= ~PIN_PREEMPTION_TIMER;
	vmx_write(s, VMCS_PIN_CTLS, s->pin);
}

/* A preemption-timer exit is a watchdog tick when the tick's time has come
 * (within a sixteenth of a period, as under SVM); else it was for the
 * guest's APIC timer deadline. */
static bool vmx_tick_due(const struct vmx_vcpu *s)
{
	return s->timer_period && cpu_rdtsc() + s->timer_period / 16 >= s->timer_deadline;
}

/* The next deadline, one period on; after a long stay in the hv, one
 * period from now rather than a burst of ticks in a row. */
static void vmx_timer_expired(struct vmx_vcpu *s)
{
	uint64_t now = cpu_rdtsc();

	s->timer_deadline += s->timer_period;
	if ((int64_t)(s->timer_deadline - now) <= 0)
		s->timer_deadline = now + s->timer_period;
}

static bool vmx_soft_event(uint32_t info)
{
	uint64_t type = FIELD_GET(INTR_INFO_TYPE, info);

	return type == INTR_TYPE_SW_INT || type == INTR_TYPE_PRIV_SW_EXC || type == INTR_TYPE_SW_EXC;
}

static bool vmx_held_is(const struct vmx_vcpu *s, uint32_t type)
{
	return s->held.info && FIELD_GET(INTR_INFO_TYPE, s->held.info) == type;
}

/* Exit when the guest can take an interrupt (interrupt window: IF=1, no
 * STI or MOV SS shadow) or, for a held NMI, when its NMI handler's IRET
 * unblocks NMIs (NMI window, 25.2). Without NMI-window exiting a held NMI
 * waits for the guest's next exit. While an NMI is held, interrupts wait
 * behind it (one held slot): an interrupt window then would exit at once
 * and again, and the guest would never reach its IRET. */
static void vmx_window(struct vmx_vcpu *s, bool want)
{
	uint32_t proc = s->proc & ~(PROC_INTR_WINDOW | PROC_NMI_WINDOW);

	if ((want && !vmx_held_is(s, INTR_TYPE_NMI)) || vmx_held_is(s, INTR_TYPE_EXTINT))
		proc |= PROC_INTR_WINDOW;
	if (vmx_caps.nmi_window && vmx_held_is(s, INTR_TYPE_NMI))
		proc |= PROC_NMI_WINDOW;
	if (proc != s->proc) {
		s->proc = proc;
		vmx_write(s, VMCS_PROC_CTLS, proc);
	}
}

/* A held event goes in once the guest can take it: an external interrupt
 * needs IF=1 and no shadow, an NMI neither NMI blocking nor a shadow
 * (26.3.1.5: an entry may not inject an NMI while virtual NMIs or MOV SS
 * block, and some CPUs refuse it under STI blocking too). */
static void vmx_release_held(struct vmx_vcpu *s)
{
	uint64_t block = vmx_read(VMCS_GUEST_INTERRUPTIBILITY);

	if (vmx_held_is(s, INTR_TYPE_NMI) ?
	    (block & (INTERRUPTIBILITY_NMI | INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS)) :
	    vmx_held_is(s, INTR_TYPE_EXTINT) &&
	    (!(vmx_read(VMCS_GUEST_RFLAGS) & RFLAGS_IF) ||
	     (block & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS)))) {
		vmx_window(s, s->proc & PROC_INTR_WINDOW);	/* exit when it can */
		return;
	}
	s->event = s->held;
	s->held.info = 0;
	vmx_window(s, false);	/* the generic code asks again if it must */
}

/* 27.2.4: an event whose delivery the exit interrupted is in the
 * IDT-vectoring information and must be injected again (29.2.1). */
static void vmx_after_exit(struct vmx_vcpu *s)
{
	uint32_t idt = (uint32_t)vmx_read(VMCS_IDT_VECTORING_INFO);

	s->idt_info = idt;
	s->event.info = 0;
	if (idt & INTR_INFO_VALID) {
		s->event.info = idt & INTR_INFO_ENTRY_MASK;
		s->event.error = idt & INTR_INFO_HAS_ERROR ?
				 (uint32_t)vmx_read(VMCS_IDT_VECTORING_ERROR) : 0;
		s->event.len = vmx_soft_event(idt) ? (uint32_t)vmx_read(VMCS_EXIT_INSN_LEN) : 0;
	} else if (s->held.info) {
		vmx_release_held(s);
	}
}

/* The guest sees DR6 as the #DB would have left it: a #DB that exits
 * leaves DR6 alone and reports its bits in the qualification (27.1). */
static void vmx_db_dr6(uint64_t qual)
{
	uint64_t dr6 = VCPU_BOOT_DR6 | (qual & DB_QUAL_DR6_BITS);

	__asm__ volatile("mov %0, %%dr6" :: "r"(dr6));
}

/* 27.2.3 and 29.2.1: a fault on an IRET that had unblocked virtual NMIs
 * (bit 12 of the exit's interruption info or EPT qualification) exits with
 * them unblocked; the guest runs the IRET again, so the blocking it undid
 * is set back first (unless an event was being delivered). */
static void vmx_nmi_reblock(struct vmx_vcpu *s, bool unblocked)
{
	if (!unblocked || !(vmx_caps.pin & PIN_VIRTUAL_NMIS) || (s->idt_info & INTR_INFO_VALID))
		return;
	vmx_write(s, VMCS_GUEST_INTERRUPTIBILITY,
		  vmx_read(VMCS_GUEST_INTERRUPTIBILITY) | INTERRUPTIBILITY_NMI);
}

static void vmx_decode_exc(struct vmx_vcpu *s, struct vcpu_exit *e)
{
	s->exit_intr_info = (uint32_t)vmx_read(VMCS_EXIT_INTR_INFO);
	s->exit_intr_error = s->exit_intr_info & INTR_INFO_HAS_ERROR ?
			     (uint32_t)vmx_read(VMCS_EXIT_INTR_ERROR) : 0;
	vmx_decode_exception(s->exit_intr_info, s->exit_intr_error, e);
	e->info2 = s->exit_intr_info;
	s->exc_info = s->exit_intr_info & (INTR_INFO_VECTOR | INTR_INFO_TYPE);
	s->exc_len = vmx_soft_event(s->exit_intr_info) ?
		     (uint32_t)vmx_read(VMCS_EXIT_INSN_LEN) : 0;
	if (e->reason == EXIT_DB)
		vmx_db_dr6(s->exit_qual);
	if (FIELD_GET(INTR_INFO_VECTOR, s->exit_intr_info) != EXC_DF)
		vmx_nmi_reblock(s, s->exit_intr_info & INTR_INFO_NMI_UNBLOCK);
}

/* SDM 3.4.5 and 5.2.1: CS.L selects 64-bit mode under EFER.LMA, else CS.D
 * the default size. 27.2.5: the length of the instruction that exited,
 * for the instruction exits that have one. */
static void vmx_decode_where(struct vcpu_exit *e)
{
	uint64_t ar = vmx_read(VMCS_GUEST_CS_AR);

	e->cs_base = vmx_read(VMCS_GUEST_CS_BASE);
	e->cr3 = vmx_read(VMCS_GUEST_CR3);
	if ((vmx_read(VMCS_GUEST_EFER) & EFER_LMA) && (ar & AR_L))
		e->mode = INSN_MODE_64;
	else
		e->mode = (ar & AR_DB) ? INSN_MODE_32 : INSN_MODE_16;
	if (e->reason == EXIT_CPUID || e->reason == EXIT_HLT || e->reason == EXIT_MSR)
		e->next_rip = e->rip + vmx_read(VMCS_EXIT_INSN_LEN);
}

/* Only what the reason's handler reads (vcpu_exit_has_where). */
static void vmx_decode_basic(struct vmx_vcpu *s, uint32_t basic, struct vcpu_exit *e)
{
	switch (basic) {
	case VMX_EXIT_EXC_NMI:
		vmx_decode_exc(s, e);
		return;
	case VMX_EXIT_IO:
		if (vmx_decode_io(s->exit_qual, e)) {
			e->reason = EXIT_UNKNOWN;
			return;
		}
		e->next_rip = e->rip + vmx_read(VMCS_EXIT_INSN_LEN);
		return;
	case VMX_EXIT_EPT_VIOLATION:
		e->info2 = vmx_read(VMCS_GUEST_PHYS_ADDR);
		vmx_decode_ept(s->exit_qual, e->info2, e);
		vmx_nmi_reblock(s, s->exit_qual & EPT_QUAL_NMI_UNBLOCK);
		return;
	case VMX_EXIT_APIC_ACCESS:
		vmx_decode_apic_access(s->exit_qual, s->apic_gpa, e);
		return;
	case VMX_EXIT_EXTINT:
		e->reason = EXIT_INTR;
		e->info2 = s->exit_intr_info = (uint32_t)vmx_read(VMCS_EXIT_INTR_INFO);
		return;
	default:
		e->reason = vmx_exit_reason(basic);
		if (e->reason == EXIT_MSR)
			e->msr.write = basic == VMX_EXIT_WRMSR;
	}
}

static void vmx_decode(struct vmx_vcpu *s, uint32_t basic, uint64_t rip, struct vcpu_exit *e)
{
	e->rip = rip;
	e->code = basic;
	e->info1 = s->exit_qual = vmx_read(VMCS_EXIT_QUALIFICATION);
	e->info2 = 0;
	e->next_rip = 0;
	s->exc_info = 0;
	s->exit_intr_info = s->exit_intr_error = 0;
	vmx_decode_basic(s, basic, e);
	if (vcpu_exit_has_where(e->reason))
		vmx_decode_where(e);
}

static bool vmx_enter_failed(struct vmx_vcpu *s, enum vmx_status st, struct vcpu_exit *e)
{
	const char *insn = s->launched ? "VMRESUME" : "VMLAUNCH";

	e->reason = EXIT_INVALID;
	e->info1 = e->info2 = e->next_rip = 0;
	s->have_exit = false;
	if (s->failed) {
		vmx_report_fail(s);
		e->code = s->fail_error;
		e->info1 = s->fail_field;
		s->failed = false;
		return true;
	}
	if (st == VMX_FAIL_INVALID) {
		printf("vmx: %s failed: VMfailInvalid (no current VMCS)\n", insn);
		e->code = 0;
		return true;
	}
	if (st == VMX_FAIL_VALID) {
		e->code = vmx_read(VMCS_INSN_ERROR);
		printf("vmx: %s failed: VM-instruction error %lu (%s)\n", insn, e->code,
		       vmx_insn_error_name((uint32_t)e->code));
		return true;
	}
	return false;
}

/* The RIP the hv set goes into the VMCS. It is past the instruction an
 * STI or MOV SS shadow covered (the hv skipped it): the shadow ends, or a
 * held NMI could never go in (26.3.1.5). */
static void vmx_rip_store(struct vmx_vcpu *s, struct vcpu *v)
{
	vmx_write(s, VMCS_GUEST_RIP, v->rip);
	vmx_write(s, VMCS_GUEST_INTERRUPTIBILITY, vmx_read(VMCS_GUEST_INTERRUPTIBILITY) &
		  ~(uint64_t)(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
	v->rip_moved = false;
}

static void vmx_run_once(struct vcpu *v, struct vmx_vcpu *s, struct vcpu_exit *e)
{
	enum vmx_status st = VMX_OK;
	uint32_t reason;

	if (s->timer_period || v->guest_deadline)
		vmx_timer_arm(v, s);
	else if (s->pin & PIN_PREEMPTION_TIMER)
		vmx_timer_off(s);
	if (s->event.info & INTR_INFO_VALID) {
		vmx_write(s, VMCS_ENTRY_INTR_INFO, s->event.info);
		if (s->event.info & INTR_INFO_HAS_ERROR)
			vmx_write(s, VMCS_ENTRY_EXC_ERROR, s->event.error);
		if (vmx_soft_event(s->event.info))
			vmx_write(s, VMCS_ENTRY_INSN_LEN, s->event.len);
	}
	if (v->rip_moved)
		vmx_rip_store(s, v);
	if (!s->failed)
		st = vmx_enter(&v->regs, s->fx, s->launched, &s->host_rsp);
	if (vmx_enter_failed(s, st, e))
		return;
	s->launched = true;
	s->have_exit = true;
	v->rip = vmx_read(VMCS_GUEST_RIP);
	vmx_apicv_store(s);
	reason = s->exit_reason = (uint32_t)vmx_read(VMCS_EXIT_REASON);
	/* 26.8: a VM entry that failed after loading guest state. */
	if (reason & EXIT_REASON_ENTRY_FAIL) {
		s->exit_qual = vmx_read(VMCS_EXIT_QUALIFICATION);
		printf("vmx: VM entry failed: exit reason %u (%s), qualification 0x%lx\n",
		       reason & (uint32_t)EXIT_REASON_BASIC,
		       vmx_exit_reason_name(reason & (uint32_t)EXIT_REASON_BASIC), s->exit_qual);
		*e = (struct vcpu_exit){ .reason = EXIT_INVALID, .code = reason,
					 .info1 = s->exit_qual };
		return;
	}
	vmx_after_exit(s);
	vmx_decode(s, reason & (uint32_t)EXIT_REASON_BASIC, v->rip, e);
	/* Acknowledge interrupt on exit (27.2.2): the vector is ours to
	 * handle now, as svm_run takes its interrupt before returning. A
	 * host NMI went to the guest's exit (NMI exiting) and goes to the
	 * hv's own handler (counted in hv_trap), as under SVM once GIF is
	 * set again. */
	if (e->reason == EXIT_INTR)
		trap_external((uint8_t)FIELD_GET(INTR_INFO_VECTOR, s->exit_intr_info));
	else if (e->reason == EXIT_NMI)
		__asm__ volatile("int $2");
	else if (e->reason == EXIT_TIMER && vmx_tick_due(s))
		vmx_timer_expired(s);
	else if (e->reason == EXIT_TIMER)
		e->reason = EXIT_INTR;	/* the guest's deadline, not a tick */
}

/* eoi=hw's trap-like exits are handled in the backend (vmx_apicv_trap)
 * and the guest entered again; every other exit goes to the caller. */
static void vmx_run(struct vcpu *v, struct vcpu_exit *e)
{
	struct vmx_vcpu *s = v->arch;

	do
		vmx_run_once(v, s, e);
	while (s->apic && e->reason == EXIT_UNKNOWN &&
	       vmx_apicv_trap(v, s, s->exit_reason & (uint32_t)EXIT_REASON_BASIC));
}

static uint64_t vmx_get(struct vcpu *v, enum vcpu_reg r)
{
	struct vmx_vcpu *s = v->arch;
	uint64_t ar;

	switch (r) {
	case VREG_CR0:
		return (vmx_read(VMCS_GUEST_CR0) & ~s->cr0_mask) |
		       (vmx_read(VMCS_CR0_SHADOW) & s->cr0_mask);
	case VREG_CR4:
		return (vmx_read(VMCS_GUEST_CR4) & ~s->cr4_mask) |
		       (vmx_read(VMCS_CR4_SHADOW) & s->cr4_mask);
	case VREG_CR2:
		return cpu_read_cr2();	/* not switched by VMX (27.5.1) */
	case VREG_RIP:
		return v->rip;
	case VREG_CS_ATTR:
		/* The SVM attribute layout (type:4 s:1 dpl:2 p:1 avl:1 l:1
		 * db:1 g:1) from the VMX one (24.4.1). */
		ar = vmx_read(VMCS_GUEST_CS_AR);
		return (ar & 0xff) | ((ar >> 4) & 0xf00);
	default:
		if (vmx_reg_msr[r])
			return cpu_rdmsr(vmx_reg_msr[r]);
		return vmx_read(vmx_reg_field[r]);
	}
}

static void vmx_set(struct vcpu *v, enum vcpu_reg r, uint64_t val)
{
	struct vmx_vcpu *s = v->arch;

	switch (r) {
	case VREG_RIP:
		vcpu_set_rip(v, val);	/* stored at the entry (vmx_rip_store) */
		break;
	case VREG_CR0:
		vmx_write_cr0(s, val);
		break;
	case VREG_CR4:
		vmx_write_cr4(s, val);
		break;
	case VREG_CR2:
		__asm__ volatile("mov %0, %%cr2" :: "r"(val));
		break;
	case VREG_CS_ATTR:
		break;
	case VREG_EFER:
		/* 26.2.4: the IA-32e mode guest control follows EFER.LMA. */
		vmx_write(s, VMCS_GUEST_EFER, val);
		vmx_write(s, VMCS_ENTRY_CTLS, (val & EFER_LMA) ? vmx_caps.entry :
			  vmx_caps.entry & ~ENTRY_IA32E_GUEST);
		break;
	default:
		if (vmx_reg_msr[r])
			cpu_wrmsr(vmx_reg_msr[r], val);
		else
			vmx_write(s, vmx_reg_field[r], val);
	}
}

static bool vmx_interruptible(struct vcpu *v)
{
	struct vmx_vcpu *s = v->arch;

	/* A RIP the hv set ends the shadow at the entry (vmx_rip_store). */
	return (vmx_read(VMCS_GUEST_RFLAGS) & RFLAGS_IF) &&
	       (v->rip_moved || !(vmx_read(VMCS_GUEST_INTERRUPTIBILITY) &
				  (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS))) &&
	       !(s->event.info & INTR_INFO_VALID) && !s->held.info;
}

static void vmx_inject(struct vcpu *v, enum event_type t, uint8_t vector,
		       bool has_error, uint32_t error)
{
	struct vmx_vcpu *s = v->arch;
	uint32_t type = t == EVENT_NMI ? INTR_TYPE_NMI :
			t == EVENT_EXCEPTION ? INTR_TYPE_HW_EXC : INTR_TYPE_EXTINT;
	uint64_t queued = FIELD_GET(INTR_INFO_TYPE, s->event.info);
	uint32_t len = 0;

	/* As svm_inject: an exception raised while the CPU delivered an
	 * event goes first; an interrupted exception is dropped (running
	 * the instruction again raises it again), an interrupt or NMI is
	 * held and goes next. */
	if (t == EVENT_EXCEPTION && (s->event.info & INTR_INFO_VALID) &&
	    (queued == INTR_TYPE_EXTINT || queued == INTR_TYPE_NMI))
		s->held = s->event;
	/* A reflected INT1 or INT3 keeps its type and length (26.6.1.1). */
	if (t == EVENT_EXCEPTION && s->exc_info && vmx_soft_event(s->exc_info) &&
	    FIELD_GET(INTR_INFO_VECTOR, s->exc_info) == vector) {
		type = (uint32_t)FIELD_GET(INTR_INFO_TYPE, s->exc_info);
		len = s->exc_len;
	}
	s->event = (struct vmx_event){
		.info = (uint32_t)(FIELD_PREP(INTR_INFO_VECTOR, vector) |
				   FIELD_PREP(INTR_INFO_TYPE, type) | INTR_INFO_VALID |
				   (has_error ? INTR_INFO_HAS_ERROR : 0)),
		.error = has_error ? error : 0,
		.len = len,
	};
	/* An NMI while the guest's NMI handler runs waits for its IRET. */
	if (t == EVENT_NMI && !s->held.info &&
	    (vmx_read(VMCS_GUEST_INTERRUPTIBILITY) & INTERRUPTIBILITY_NMI)) {
		s->held = s->event;
		s->event.info = 0;
		vmx_window(s, false);
	}
}

static void vmx_irq_window(struct vcpu *v, bool want)
{
	vmx_window(v->arch, want);
}

static void vmx_dump(struct vcpu *v)
{
	struct vmx_vcpu *s = v->arch;
	uint32_t basic = s->exit_reason & (uint32_t)EXIT_REASON_BASIC;

	if (s->have_exit)
		printf("  vmx: exit reason %u (%s)%s qualification 0x%lx intr info 0x%x error 0x%x "
		       "idt-vectoring 0x%x\n", basic, vmx_exit_reason_name(basic),
		       (s->exit_reason & EXIT_REASON_ENTRY_FAIL) ? " [entry failed]" : "",
		       s->exit_qual, s->exit_intr_info, s->exit_intr_error, s->idt_info);
	else
		printf("  vmx: no VM exit: the guest did not run\n");
	printf("  vm-instruction error %lu, pending event 0x%x\n", vmx_read(VMCS_INSN_ERROR),
	       s->event.info);
	printf("  rip %016lx rsp %016lx rflags %016lx interruptibility 0x%lx\n",
	       v->rip, vmx_read(VMCS_GUEST_RSP), vmx_read(VMCS_GUEST_RFLAGS),
	       vmx_read(VMCS_GUEST_INTERRUPTIBILITY));
	printf("  cr0 %016lx cr2 %016lx cr3 %016lx cr4 %016lx efer %lx\n",
	       vmx_get(v, VREG_CR0), cpu_read_cr2(), vmx_read(VMCS_GUEST_CR3),
	       vmx_get(v, VREG_CR4), vmx_read(VMCS_GUEST_EFER));
	printf("  cs %04lx/%04lx ss %04lx idtr %lx/%lx gdtr %lx/%lx\n",
	       vmx_read(VMCS_GUEST_CS_SEL), vmx_read(VMCS_GUEST_CS_AR), vmx_read(VMCS_GUEST_SS_SEL),
	       vmx_read(VMCS_GUEST_IDTR_BASE), vmx_read(VMCS_GUEST_IDTR_LIMIT),
	       vmx_read(VMCS_GUEST_GDTR_BASE), vmx_read(VMCS_GUEST_GDTR_LIMIT));
}

/* 25.5.1: the VMX-preemption timer counts down in VMX non-root operation
 * at the TSC rate divided by 2^IA32_VMX_MISC[4:0] and exits at zero,
 * whatever the guest does. It is loaded at every entry with what is left
 * to a wall-clock deadline, so ticks keep the period across exits. */
static int vmx_exit_timer(struct vcpu *v, uint64_t period_tsc, char *why, unsigned len)
{
	struct vmx_vcpu *s = v->arch;

	if (!period_tsc) {
		s->timer_period = 0;
		vmx_timer_off(s);
		return 0;
	}
	if (!vmx_caps.timer) {
		snprintf(why, len, "the CPU has no VMX-preemption timer (pin-based control bit 6)");
		return -ENODEV;
	}
	v->timer_fired = false;
	s->timer_period = period_tsc;
	s->timer_deadline = cpu_rdtsc() + period_tsc;
	s->pin |= PIN_PREEMPTION_TIMER;
	vmx_write(s, VMCS_PIN_CTLS, s->pin);
	return 0;
}

const struct vcpu_ops vmx_ops = {
	.name = "vmx",
	.slat_format = PT_FORMAT_EPT,
	.probe = vmx_probe,
	.init = vmx_init,
	.reset = vmx_reset,
	.run = vmx_run,
	.get = vmx_get,
	.set = vmx_set,
	.interruptible = vmx_interruptible,
	.inject = vmx_inject,
	.irq_window = vmx_irq_window,
	.dump = vmx_dump,
	.exit_timer = vmx_exit_timer,
	.info = vmx_info,
	.posted = vmx_posted,
	.apicv_usable = vmx_apicv_usable,
	.apicv = vmx_apicv,
	.apicv_sync = vmx_apicv_sync,
};
