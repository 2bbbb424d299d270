/* AMD SVM backend: VMCB set-up, world switch and exit decoding only. Every
 * exit is handled by the generic code in hv/exit.c (STYLE rule 1). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "hv/vcpu.h"
#include "hv/svm/vmcb.h"
#include "hv/mem.h"
#include "hv/irq.h"
#include "drivers/cpu.h"
#include "drivers/lapic.h"

#define GUEST_ASID	1
/* VMCB segment attributes: type, S, DPL, P | AVL, L, D/B, G. */
#define SEG_CODE64	0x0a9b
#define SEG_DATA	0x0c93
#define SEG_TSS64_BUSY	0x008b
#define SEG_LDT		0x0082
/* A one-shot that ends this close before a watchdog tick's time is that
 * tick: its count came from TSC ticks through a measured rate. */
#define TIMER_TICK_SLACK(period)	((period) / 16)
/* Longest one-shot armed at once (TSC ticks); a later target is reached
 * by arming again when it ends. Keeps the count's product in 64 bits. */
#define TIMER_MAX_DELTA		(1ULL << 32)

/* What the world switch (svm_run.asm) reads, through one pointer: the
 * guest's registers, the guest's and the host's VMCB and, in place, the
 * guest's FXSAVE area (512 bytes, 16-aligned). */
struct svm_world {
	struct vcpu_regs *regs;
	uint64_t vmcb_pa, host_vmcb_pa;
	uint8_t fx[512] __attribute__((aligned(16)));
};
/* The offsets svm_run.asm defines. */
_Static_assert(offsetof(struct svm_world, regs) == 0, "SVM_WORLD_REGS");
_Static_assert(offsetof(struct svm_world, vmcb_pa) == 8, "SVM_WORLD_VMCB");
_Static_assert(offsetof(struct svm_world, host_vmcb_pa) == 16, "SVM_WORLD_HOST_VMCB");
_Static_assert(offsetof(struct svm_world, fx) == 32, "SVM_WORLD_FX");

struct svm_vcpu {
	struct vmcb *vmcb;
	struct svm_world world;
	uint64_t hsave_pa, iopm_pa, msrpm_pa;
	/* An interrupted event that an exception reflected on top of it
	 * displaced from EVENTINJ; injected again once that one is in. */
	uint64_t held_event;
	/* The exit timer: the local APIC timer, one-shot, multiplexed between
	 * the watchdog's ticks and the guest's APIC timer deadline. */
	uint8_t timer_vector;	/* its host vector, 0: none */
	uint32_t timer_rate;	/* its ticks per LAPIC_TIMER_RATE_WINDOW */
	bool timer_on;		/* LVT programmed one-shot on timer_vector */
	uint64_t timer_armed;	/* TSC the count runs to, 0: not counting */
	uint64_t wd_period;	/* watchdog tick period (TSC), 0: off */
	uint64_t wd_next;	/* TSC of the next watchdog tick, 0: off */
	/* delivery=direct: physical interrupts not intercepted (svm_direct),
	 * and the guest's CR8 (the physical TPR's class, which the guest
	 * writes itself in that mode) while the hv runs. */
	bool direct;
	uint64_t guest_cr8;
};

void svm_vmrun(const struct svm_world *w);
void svm_vmsave(uint64_t vmcb_pa);

static struct svm_vcpu svm_bsp;
static bool svm_has_nrips;

static int svm_probe(char *why, unsigned len)
{
	struct cpuid_regs r;

	cpu_cpuid(0x80000000, 0, &r);
	if (r.eax < 0x8000000a) {
		snprintf(why, len, "CPUID has no leaf 0x8000000a (SVM features)");
		return -ENODEV;
	}
	cpu_cpuid(0x80000001, 0, &r);
	if (!(r.ecx & CPUIDX1_ECX_SVM)) {
		snprintf(why, len, "CPUID 0x80000001 ECX.SVM is clear: no AMD-V");
		return -ENODEV;
	}
	if (cpu_rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) {
		snprintf(why, len, "VM_CR.SVMDIS is set: SVM disabled by firmware");
		return -EPERM;
	}
	cpu_cpuid(0x8000000a, 0, &r);
	svm_has_nrips = r.edx & CPUIDXA_EDX_NRIPS;
	if (!(r.edx & CPUIDXA_EDX_NP)) {
		snprintf(why, len, "CPUID 0x8000000a EDX.NP is clear: no nested paging");
		return -ENODEV;
	}
	return 0;
}

static void svm_info(void)
{
	struct cpuid_regs r;

	cpu_cpuid(0x80000000, 0, &r);
	if (r.eax < 0x8000000a)
		return;
	cpu_cpuid(0x80000001, 0, &r);
	if (!(r.ecx & CPUIDX1_ECX_SVM))
		return;
	cpu_cpuid(0x8000000a, 0, &r);
	printf("cpu: SVM rev %u, %u ASIDs, NPT %s, NRIP save %s, decode assists %s, vGIF %s\n",
	       r.eax & 0xff, r.ebx, r.edx & CPUIDXA_EDX_NP ? "yes" : "no",
	       r.edx & CPUIDXA_EDX_NRIPS ? "yes" : "no (next RIP decoded by the hv)",
	       r.edx & CPUIDXA_EDX_DECODE ? "yes" : "no",
	       r.edx & CPUIDXA_EDX_VGIF ? "yes" : "no");
}

/* APM vol 2, 15.10.1 and 15.11: one bit per port, two bits per MSR; all
 * set means every access exits. */
static int svm_alloc(struct svm_vcpu *s)
{
	int err;

	if ((err = mem_alloc_pages(1, &s->world.vmcb_pa)) ||
	    (err = mem_alloc_pages(1, &s->world.host_vmcb_pa)) ||
	    (err = mem_alloc_pages(1, &s->hsave_pa)) ||
	    (err = mem_alloc_pages(SVM_IOPM_SIZE / 4096, &s->iopm_pa)) ||
	    (err = mem_alloc_pages(SVM_MSRPM_SIZE / 4096, &s->msrpm_pa)))
		return err;
	s->vmcb = (struct vmcb *)(uintptr_t)s->world.vmcb_pa;
	memset((void *)(uintptr_t)s->iopm_pa, 0xff, SVM_IOPM_SIZE);
	memset((void *)(uintptr_t)s->msrpm_pa, 0xff, SVM_MSRPM_SIZE);
	return 0;
}

static void svm_timer_tick(uint8_t vector, void *ctx);

/* The exit timer's host vector (kept when the guest is built again) and
 * the timer's rate, measured now while nothing else uses the timer. */
static int svm_timer_setup(struct vcpu *v, struct svm_vcpu *s)
{
	int err;

	if (!s->timer_vector) {
		err = irq_vector_alloc(1, &s->timer_vector);
		if (err) {
			printf("svm: no host vector for the local APIC timer (error %d)\n", err);
			s->timer_vector = 0;
			return err;
		}
	}
	s->timer_rate = lapic_timer_rate();
	return irq_set_hook(s->timer_vector, svm_timer_tick, v);
}

static int svm_init(struct vcpu *v)
{
	struct svm_vcpu *s = &svm_bsp;
	int err;

	err = svm_alloc(s) ?: svm_timer_setup(v, s);
	if (err)
		return err;
	cpu_wrmsr(MSR_EFER, cpu_rdmsr(MSR_EFER) | EFER_SVME);
	cpu_wrmsr(MSR_VM_HSAVE_PA, s->hsave_pa);
	svm_vmsave(s->world.host_vmcb_pa);
	s->world.regs = &v->regs;
	v->arch = s;
	return 0;
}

/* 15.21.1: with the INTR intercept off and V_INTR_MASKING clear, a
 * physical interrupt in guest mode is gated by the guest's RFLAGS.IF and
 * taken through the guest's IDT, with no exit; the guest's CR8 writes
 * then reach the physical TPR (svm_run swaps it). The NMI intercept stays
 * on: with the hypercall, the hv's way back in. */
static void svm_direct_apply(struct vmcb_control *c, bool on)
{
	if (on) {
		c->intercept_misc1 &= ~INTERCEPT_INTR;
		c->vintr &= ~V_INTR_MASKING;
	} else {
		c->intercept_misc1 |= INTERCEPT_INTR;
		c->vintr |= V_INTR_MASKING;
	}
}

static uint64_t svm_cr8_read(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr8, %0" : "=r"(v));
	return v;
}

static void svm_cr8_write(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr8" : : "r"(v) : "memory");
}

static void seg_set(struct vmcb_seg *seg, uint16_t sel, uint16_t attr,
		    uint32_t limit)
{
	*seg = (struct vmcb_seg){ .selector = sel, .attrib = attr,
				  .limit = limit, .base = 0 };
}

static void svm_reset(struct vcpu *v, const struct vcpu_boot_state *bs)
{
	struct svm_vcpu *s = v->arch;
	struct vmcb *vm = s->vmcb;
	struct vmcb_control *c = &vm->control;
	struct vmcb_save *st = &vm->save;

	memset(vm, 0, sizeof(*vm));
	s->held_event = 0;
	/* CVE-2015-5307 and CVE-2015-8104: a #AC or #DB raised while the CPU
	 * delivers the same exception loops inside the CPU, where no
	 * interrupt can end it. Intercepted, each one exits (APM vol 2,
	 * 15.12) and is reflected by the hv (15.20). */
	c->intercept_exceptions = BIT(EXC_DB) | BIT(EXC_AC);
	c->intercept_misc1 = INTERCEPT_INTR | INTERCEPT_NMI | INTERCEPT_SMI |
		INTERCEPT_INIT | INTERCEPT_CPUID | INTERCEPT_INVD |
		INTERCEPT_HLT | INTERCEPT_INVLPGA | INTERCEPT_IOIO_PROT |
		INTERCEPT_MSR_PROT | INTERCEPT_TASK_SWITCH | INTERCEPT_SHUTDOWN;
	c->intercept_misc2 = INTERCEPT_VMRUN | INTERCEPT_VMMCALL |
		INTERCEPT_VMLOAD | INTERCEPT_VMSAVE | INTERCEPT_STGI |
		INTERCEPT_CLGI | INTERCEPT_SKINIT | INTERCEPT_XSETBV;
	c->iopm_base_pa = s->iopm_pa;
	c->msrpm_base_pa = s->msrpm_pa;
	c->guest_asid = GUEST_ASID;
	c->tlb_control = TLB_CONTROL_FLUSH_ALL;
	/* 15.21.1: with V_INTR_MASKING the guest's IF masks only virtual
	 * interrupts; physical ones always exit (INTR intercept). */
	c->vintr = V_INTR_MASKING;
	if (s->direct)
		svm_direct_apply(c, true);
	c->np_control = NP_ENABLE;
	c->n_cr3 = bs->npt_root;

	seg_set(&st->cs, 0x08, SEG_CODE64, 0xffffffff);
	seg_set(&st->ds, 0x10, SEG_DATA, 0xffffffff);
	seg_set(&st->es, 0x10, SEG_DATA, 0xffffffff);
	seg_set(&st->ss, 0x10, SEG_DATA, 0xffffffff);
	seg_set(&st->fs, 0x10, SEG_DATA, 0xffffffff);
	seg_set(&st->gs, 0x10, SEG_DATA, 0xffffffff);
	seg_set(&st->tr, 0, SEG_TSS64_BUSY, 0x67);
	seg_set(&st->ldtr, 0, SEG_LDT, 0);
	st->gdtr.limit = 0;
	st->idtr.limit = 0;
	st->cpl = 0;
	/* VMRUN refuses a guest with EFER.SVME clear (15.5.1); the guest
	 * never sees the bit (hv/msr.c hides it). */
	st->efer = EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME;
	st->cr0 = VCPU_BOOT_CR0;
	st->cr3 = bs->cr3;
	st->cr4 = VCPU_BOOT_CR4;
	st->dr6 = VCPU_BOOT_DR6;
	st->dr7 = VCPU_BOOT_DR7;
	st->rflags = RFLAGS_RESERVED1;
	st->rip = bs->rip;
	v->rip = bs->rip;
	v->rip_moved = false;
	st->rsp = bs->rsp;
	st->g_pat = VCPU_BOOT_PAT;
	vcpu_regs_reset(v, s->world.fx);
}

/* The access size of EXITINFO1's SZ8/SZ16/SZ32 bits (one of them is set:
 * 1, 2 or 4 bytes; any other value reads as a byte). */
static const uint8_t svm_io_size[8] = { 1, 1, 2, 1, 4, 1, 1, 1 };

/* 15.10.2: EXITINFO1 describes the access, EXITINFO2 is the next RIP
 * (always saved for IOIO, NRIP save or not). */
static void svm_decode_io(const struct vmcb_control *c, struct vcpu_exit *e)
{
	uint64_t info = c->exitinfo1;

	e->reason = EXIT_IO;
	e->io.port = FIELD_GET(IOIO_PORT, info);
	e->io.size = svm_io_size[FIELD_GET(IOIO_SIZE, info)];
	e->io.in = info & IOIO_IN;
	e->io.string = info & IOIO_STR;
	e->io.rep = info & IOIO_REP;
	e->next_rip = c->exitinfo2;
}

/* APM vol 2, 4.8.1: CS.L selects 64-bit mode under EFER.LMA, else CS.D
 * the default size. */
#define SEG_ATTR_L	BIT(9)
#define SEG_ATTR_D	BIT(10)

/* Where the exiting instruction is, for the exits that may fetch it. */
static void svm_decode_where(const struct vmcb *vm, struct vcpu_exit *e)
{
	const struct vmcb_save *st = &vm->save;

	e->cs_base = st->cs.base;
	e->cr3 = st->cr3;
	if ((st->efer & EFER_LMA) && (st->cs.attrib & SEG_ATTR_L))
		e->mode = INSN_MODE_64;
	else
		e->mode = (st->cs.attrib & SEG_ATTR_D) ? INSN_MODE_32 : INSN_MODE_16;
	/* 15.7.1: with NRIP save the CPU stores the next RIP for
	 * instruction intercepts; QEMU's SVM has none. */
	e->next_rip = svm_has_nrips ? vm->control.nrip : 0;
}

static void svm_decode_exc(const struct vmcb_control *c, struct vcpu_exit *e)
{
	e->exc.vector = (uint8_t)(c->exitcode - SVM_EXIT_EXCP_BASE);
	e->reason = e->exc.vector == EXC_DB ? EXIT_DB :
		    e->exc.vector == EXC_AC ? EXIT_AC : EXIT_EXCEPTION;
	/* 15.12: EXITINFO1 holds the error code of the vectors that have
	 * one. */
	e->exc.has_error = EXC_HAS_ERROR & BIT(e->exc.vector);
	e->exc.error = e->exc.has_error ? (uint32_t)c->exitinfo1 : 0;
}

/* The raw exit code and qualifiers, for exit_unexpected's message. */
static void svm_decode_raw(const struct vmcb_control *c, struct vcpu_exit *e)
{
	e->code = c->exitcode;
	e->info1 = c->exitinfo1;
	e->info2 = c->exitinfo2;
}

/* The exits whose handlers may fetch the instruction (where it is:
 * vcpu_exit_has_where), and those no generic handler knows (their raw
 * code and qualifiers). */
static void svm_decode_slow(const struct vmcb *vm, struct vcpu_exit *e)
{
	const struct vmcb_control *c = &vm->control;

	switch (c->exitcode) {
	case SVM_EXIT_CPUID:	e->reason = EXIT_CPUID; break;
	case SVM_EXIT_HLT:	e->reason = EXIT_HLT; break;
	case SVM_EXIT_SHUTDOWN:	e->reason = EXIT_SHUTDOWN; break;
	case SVM_EXIT_MSR:
		e->reason = EXIT_MSR;
		e->msr.write = c->exitinfo1 == 1;
		break;
	case SVM_EXIT_NPF:
		e->reason = EXIT_NPF;
		e->npf.gpa = c->exitinfo2;
		e->npf.present = c->exitinfo1 & NPF_PRESENT;
		e->npf.write = c->exitinfo1 & NPF_WRITE;
		e->npf.fetch = c->exitinfo1 & NPF_FETCH;
		break;
	default:
		svm_decode_raw(c, e);
		if (c->exitcode == SVM_EXIT_INVALID)
			e->reason = EXIT_INVALID;
		else if (c->exitcode >= SVM_EXIT_EXCP_BASE &&
			 c->exitcode < SVM_EXIT_EXCP_BASE + 32)
			svm_decode_exc(c, e);
		else
			e->reason = EXIT_UNKNOWN;
	}
	svm_decode_where(vm, e);
}

/* Only what the reason's handler reads: the exits that run no
 * instruction again and fetch none (host interrupts, hypercalls, I/O, the
 * window, NMIs) fill in the reason and RIP (I/O also its port and next
 * RIP), tested in that order, most frequent first; the rest go to
 * svm_decode_slow. */
static void svm_decode(const struct vmcb *vm, uint64_t rip, struct vcpu_exit *e)
{
	const struct vmcb_control *c = &vm->control;
	uint64_t code = c->exitcode;

	e->rip = rip;
	if (code == SVM_EXIT_INTR)
		e->reason = EXIT_INTR;
	else if (code == SVM_EXIT_VMMCALL)
		e->reason = EXIT_HYPERCALL;
	else if (code == SVM_EXIT_IOIO)
		svm_decode_io(c, e);
	else if (code == SVM_EXIT_VINTR)
		e->reason = EXIT_IRQ_WINDOW;
	else if (code == SVM_EXIT_NMI)
		e->reason = EXIT_NMI;
	else
		svm_decode_slow(vm, e);
}

/* 15.21.4: a V_IRQ with V_IGN_TPR plus the VINTR intercept makes the CPU
 * exit at the first instruction boundary where the guest could take an
 * interrupt; the real interrupt is then injected through EVENTINJ. */
static void svm_window(struct vmcb_control *c, bool want)
{
	if (want) {
		c->vintr |= V_IRQ | V_IGN_TPR | FIELD_PREP(V_INTR_PRIO, 0xf);
		c->intercept_misc1 |= INTERCEPT_VINTR;
	} else {
		c->vintr &= ~(V_IRQ | V_IGN_TPR | V_INTR_PRIO);
		c->intercept_misc1 &= ~INTERCEPT_VINTR;
	}
}

/* The exception reflected on top of an interrupted event went in: the
 * event goes next, or waits for an interrupt window when it is an
 * external interrupt the guest cannot take yet (15.21.4). */
static void svm_release_held(struct svm_vcpu *s)
{
	struct vmcb_control *c = &s->vmcb->control;
	bool intr = FIELD_GET(EVTINJ_TYPE, s->held_event) == EVTINJ_TYPE_INTR;

	if (intr && (!(s->vmcb->save.rflags & RFLAGS_IF) ||
		     (c->interrupt_shadow & INT_SHADOW))) {
		svm_window(c, true);
		return;
	}
	c->eventinj = s->held_event;
	s->held_event = 0;
	svm_window(c, false);	/* the generic code asks again if it must */
}

/* The exit timer's target before an entry: the nearer of the next
 * watchdog tick and the guest's deadline, 0 when neither counts (each is
 * 0 when off: minus one, it is past every other). In direct mode the
 * timer's interrupt would land in the guest: the guest's APIC timer is
 * then seen at its exits (and while it halts) only, and svm_exit_timer
 * refuses a watchdog. */
static inline uint64_t svm_timer_target(const struct vcpu *v, const struct svm_vcpu *s)
{
	uint64_t wd = s->wd_next - 1, guest = v->guest_deadline - 1;

	if (s->direct)
		return 0;
	return (wd < guest ? wd : guest) + 1;
}

/* Count the one-shot to target, or stop it (0). Rounded up, plus one tick
 * for the partial first one (the count steps on the timer clock's edges,
 * SDM vol 3, 11.5.4): it does not end before the target (up to the rate's
 * measurement error). Out of line: most entries keep the target armed. */
static __attribute__((noinline)) void svm_timer_arm(struct svm_vcpu *s, uint64_t target)
{
	uint64_t now, delta, count;

	if (!target || !s->timer_rate) {
		if (s->timer_armed)
			lapic_timer_start(0);
		s->timer_armed = 0;
		return;
	}
	if (!s->timer_on) {
		lapic_timer_oneshot(s->timer_vector);
		s->timer_on = true;
	}
	now = cpu_rdtsc();
	delta = target > now ? target - now : 0;
	if (delta > TIMER_MAX_DELTA)
		delta = TIMER_MAX_DELTA;
	count = (delta * s->timer_rate + LAPIC_TIMER_RATE_WINDOW - 1) / LAPIC_TIMER_RATE_WINDOW + 1;
	/* A timer as fast as the TSC or faster counts more than 32 bits in
	 * TIMER_MAX_DELTA: it then ends early and the next arm goes on (a
	 * count of 0 would stop it instead). */
	if (count > UINT32_MAX)
		count = UINT32_MAX;
	lapic_timer_start((uint32_t)count);
	s->timer_armed = target;
}

/* The guest's state the hv keeps outside the VMCB goes in before VMRUN. */
static inline void svm_load_guest(struct vcpu *v, struct svm_vcpu *s)
{
	struct vmcb *vm = s->vmcb;

	vm->save.rax = v->regs.rax;
	vm->save.rip = v->rip;
	if (v->rip_moved) {
		vm->control.interrupt_shadow &= ~INT_SHADOW;
		v->rip_moved = false;
	}
	if (s->direct)
		svm_cr8_write(s->guest_cr8);
}

/* After the #VMEXIT: the guest's RAX and RIP out of the VMCB, the event
 * the exit interrupted queued again, the exit decoded. */
static void svm_exit(struct vcpu *v, struct svm_vcpu *s, struct vcpu_exit *e)
{
	struct vmcb *vm = s->vmcb;

	if (s->direct) {
		s->guest_cr8 = svm_cr8_read();
		svm_cr8_write(0);
	}
	v->regs.rax = vm->save.rax;
	v->rip = vm->save.rip;
	vm->control.tlb_control = 0;
	/* 15.20: an event whose delivery the exit interrupted is reported in
	 * EXITINTINFO and must be injected again on the next entry. */
	vm->control.eventinj = 0;
	if (vm->control.exitintinfo & EVTINJ_VALID)
		vm->control.eventinj = vm->control.exitintinfo;
	else if (s->held_event)
		svm_release_held(s);
	svm_decode(vm, v->rip, e);
	/* A host interrupt exit: take it now, so that a tick of the exit
	 * timer is told apart from a device interrupt. */
	if (e->reason == EXIT_INTR) {
		cpu_irq_window();
		if (v->timer_fired)
			e->reason = EXIT_TIMER;
	}
}

static void svm_run(struct vcpu *v, struct vcpu_exit *e)
{
	struct svm_vcpu *s = v->arch;
	uint64_t target = svm_timer_target(v, s);

	if (target != s->timer_armed)
		svm_timer_arm(s, target);
	svm_load_guest(v, s);
	svm_vmrun(&s->world);
	svm_exit(v, v->arch, e);	/* s again: one register less kept across */
}

#define SAVE_OFF(f) (uint16_t)offsetof(struct vmcb, save.f)
static const uint16_t svm_reg_off[VREG_COUNT] = {
	[VREG_RIP] = SAVE_OFF(rip), [VREG_RSP] = SAVE_OFF(rsp),
	[VREG_RFLAGS] = SAVE_OFF(rflags), [VREG_CR0] = SAVE_OFF(cr0),
	[VREG_CR2] = SAVE_OFF(cr2), [VREG_CR3] = SAVE_OFF(cr3),
	[VREG_CR4] = SAVE_OFF(cr4), [VREG_EFER] = SAVE_OFF(efer),
	[VREG_CS_BASE] = SAVE_OFF(cs.base), [VREG_PAT] = SAVE_OFF(g_pat),
	[VREG_FS_BASE] = SAVE_OFF(fs.base), [VREG_GS_BASE] = SAVE_OFF(gs.base),
	[VREG_KERNEL_GS_BASE] = SAVE_OFF(kernel_gs_base),
	[VREG_STAR] = SAVE_OFF(star), [VREG_LSTAR] = SAVE_OFF(lstar),
	[VREG_CSTAR] = SAVE_OFF(cstar), [VREG_SFMASK] = SAVE_OFF(sfmask),
	[VREG_SYSENTER_CS] = SAVE_OFF(sysenter_cs),
	[VREG_SYSENTER_ESP] = SAVE_OFF(sysenter_esp),
	[VREG_SYSENTER_EIP] = SAVE_OFF(sysenter_eip),
};

static uint64_t *svm_reg(struct vmcb *vm, enum vcpu_reg r)
{
	return (uint64_t *)((uint8_t *)vm + svm_reg_off[r]);
}

/* The guest sees EFER without SVME; the VMCB keeps it set (15.5.1). */
static uint64_t svm_get(struct vcpu *v, enum vcpu_reg r)
{
	struct svm_vcpu *s = v->arch;

	if (r == VREG_RIP)
		return v->rip;
	if (r == VREG_CS_ATTR)
		return s->vmcb->save.cs.attrib;
	if (r == VREG_EFER)
		return s->vmcb->save.efer & ~EFER_SVME;
	return *svm_reg(s->vmcb, r);
}

static void svm_set(struct vcpu *v, enum vcpu_reg r, uint64_t val)
{
	struct svm_vcpu *s = v->arch;

	if (r == VREG_RIP) {
		vcpu_set_rip(v, val);
		return;
	}
	if (r == VREG_EFER)
		val |= EFER_SVME;
	if (r != VREG_CS_ATTR)
		*svm_reg(s->vmcb, r) = val;
}

static bool svm_interruptible(struct vcpu *v)
{
	struct svm_vcpu *s = v->arch;

	return (s->vmcb->save.rflags & RFLAGS_IF) &&
	       !(s->vmcb->control.interrupt_shadow & INT_SHADOW) &&
	       !(s->vmcb->control.eventinj & EVTINJ_VALID) && !s->held_event;
}

static void svm_inject(struct vcpu *v, enum event_type t, uint8_t vector,
		       bool has_error, uint32_t error)
{
	struct svm_vcpu *s = v->arch;
	uint64_t type = t == EVENT_NMI ? EVTINJ_TYPE_NMI :
			t == EVENT_EXCEPTION ? EVTINJ_TYPE_EXCEPTION : EVTINJ_TYPE_INTR;
	uint64_t queued = s->vmcb->control.eventinj;

	/* An exception raised while the CPU delivered an event (EXITINTINFO,
	 * put back in EVENTINJ by svm_run) is delivered first, as the CPU
	 * handles benign ones serially (SDM vol 3, table 6-5). An interrupted
	 * exception is dropped: running the instruction again raises it
	 * again (as KVM does); an interrupt or NMI is held and goes next. */
	if (t == EVENT_EXCEPTION && (queued & EVTINJ_VALID) &&
	    FIELD_GET(EVTINJ_TYPE, queued) != EVTINJ_TYPE_EXCEPTION)
		s->held_event = queued;
	s->vmcb->control.eventinj = FIELD_PREP(EVTINJ_VECTOR, vector) |
		FIELD_PREP(EVTINJ_TYPE, type) | EVTINJ_VALID |
		(has_error ? EVTINJ_EV | FIELD_PREP(EVTINJ_ERROR, error) : 0);
}

/* svm_window sets and clears V_IRQ and the VINTR intercept together: with
 * no intercept there is no window to close (most entries). */
static void svm_irq_window(struct vcpu *v, bool want)
{
	struct vmcb_control *c = &((struct svm_vcpu *)v->arch)->vmcb->control;

	if (want || (c->intercept_misc1 & INTERCEPT_VINTR))
		svm_window(c, want);
}

static void svm_dump(struct vcpu *v)
{
	struct svm_vcpu *s = v->arch;
	const struct vmcb_control *c = &s->vmcb->control;
	const struct vmcb_save *st = &s->vmcb->save;

	printf("  svm: exitcode 0x%lx info1 0x%lx info2 0x%lx intinfo 0x%lx\n",
	       c->exitcode, c->exitinfo1, c->exitinfo2, c->exitintinfo);
	printf("  rip %016lx rsp %016lx rflags %016lx cpl %u\n",
	       v->rip, st->rsp, st->rflags, st->cpl);
	printf("  cr0 %016lx cr2 %016lx cr3 %016lx cr4 %016lx efer %lx\n",
	       st->cr0, st->cr2, st->cr3, st->cr4, st->efer);
	printf("  cs %04x/%04x ss %04x idtr %lx/%x gdtr %lx/%x\n",
	       st->cs.selector, st->cs.attrib, st->ss.selector,
	       st->idtr.base, st->idtr.limit, st->gdtr.base, st->gdtr.limit);
}

/* The one-shot ended (in the guest or in the hv): a watchdog tick when
 * its time has come, else the guest's deadline, whose exit run reports as
 * EXIT_INTR. The next entry arms the timer again. */
static void svm_timer_tick(uint8_t vector, void *ctx)
{
	struct vcpu *v = ctx;
	struct svm_vcpu *s = v->arch;
	uint64_t now = cpu_rdtsc();

	(void)vector;
	s->timer_armed = 0;
	if (!s->wd_period || now + TIMER_TICK_SLACK(s->wd_period) < s->wd_next)
		return;
	v->timer_fired = true;
	/* One period on; after a long stay in the hv, one period from now
	 * rather than a burst of ticks in a row. */
	s->wd_next += s->wd_period;
	if (s->wd_next <= now)
		s->wd_next = now + s->wd_period;
}

/* Under SVM a host interrupt always exits the guest (INTR intercept with
 * V_INTR_MASKING, 15.21.1), whatever the guest's IF: the local APIC
 * timer, one-shot on a host vector of its own, is the exit timer. It is
 * (re)programmed at the next entry: whoever used it while no guest ran
 * (the hv's timer interrupt source) left nothing it relies on. */
static int svm_exit_timer(struct vcpu *v, uint64_t period_tsc, char *why, unsigned len)
{
	struct svm_vcpu *s = v->arch;

	s->timer_on = false;
	s->timer_armed = 0;
	s->wd_period = 0;
	s->wd_next = 0;
	if (period_tsc && s->direct) {
		snprintf(why, len, "delivery=direct: SVM has no preemption timer, and the local "
			 "APIC timer's interrupt would reach the guest's IDT, not the hv");
		return -ENODEV;
	}
	if (!period_tsc) {
		lapic_timer_stop();
		return 0;
	}
	if (!s->timer_vector) {
		snprintf(why, len, "no host vector for the local APIC timer");
		return -ENODEV;
	}
	if (!s->timer_rate || period_tsc * s->timer_rate / LAPIC_TIMER_RATE_WINDOW == 0) {
		snprintf(why, len, "the local APIC timer cannot count %lu TSC ticks "
			 "(it ran %u ticks in %llu TSC ticks)", period_tsc, s->timer_rate,
			 LAPIC_TIMER_RATE_WINDOW);
		return -ENODEV;
	}
	v->timer_fired = false;
	s->wd_period = period_tsc;
	s->wd_next = cpu_rdtsc() + period_tsc;
	return 0;
}

/* delivery=direct on or off (see vcpu.h). Refused while the exit timer
 * ticks for a watchdog: its interrupt would go to the guest. The guest's
 * CR8 starts at 0 each time. */
static int svm_direct_irqs(struct vcpu *v, bool on, char *why, unsigned len)
{
	struct svm_vcpu *s = v->arch;

	if (on && s->wd_period) {
		snprintf(why, len, "the watchdog's exit timer is armed (a local APIC timer "
			 "interrupt, which would reach the guest)");
		return -ENODEV;
	}
	if (on && s->timer_armed) {
		lapic_timer_start(0);
		s->timer_armed = 0;
	}
	s->direct = on;
	s->guest_cr8 = 0;
	svm_direct_apply(&s->vmcb->control, on);
	return 0;
}

const struct vcpu_ops svm_ops = {
	.name = "svm",
	.slat_format = PT_FORMAT_X86,		/* APM vol 2, 15.25 */
	.info = svm_info,
	.probe = svm_probe,
	.init = svm_init,
	.reset = svm_reset,
	.run = svm_run,
	.get = svm_get,
	.set = svm_set,
	.interruptible = svm_interruptible,
	.inject = svm_inject,
	.irq_window = svm_irq_window,
	.dump = svm_dump,
	.exit_timer = svm_exit_timer,
	.direct_irqs = svm_direct_irqs,
};
