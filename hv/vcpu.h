/* The vCPU: one generic exit handler over thin vendor backends (STYLE 1).
 * A backend decodes its exit into struct vcpu_exit; hv/exit.c handles it. */
#ifndef HV_VCPU_H
#define HV_VCPU_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "hv/insn.h"
#include "hv/paging.h"
#include "drivers/cpu.h"

/* Guest general-purpose registers. The world-switch files take their
 * offsets from this definition (hv/gen/vcpu_regs.c generates the nasm
 * include at build time). */
struct vcpu_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

enum exit_reason {
	EXIT_CPUID, EXIT_HYPERCALL, EXIT_IO, EXIT_MSR, EXIT_HLT, EXIT_NPF,
	EXIT_INTR, EXIT_NMI, EXIT_IRQ_WINDOW, EXIT_SHUTDOWN, EXIT_EXCEPTION,
	EXIT_INVALID, EXIT_UNKNOWN,
	EXIT_DB,		/* #DB in the guest, reflected back to it */
	EXIT_AC,		/* #AC in the guest, reflected back to it */
	EXIT_TIMER,		/* the exit timer (ops->exit_timer) fired */
	EXIT_REASONS
};

/* A decoded exit. Decoding is lazy: what a handler never reads is not
 * filled in (see vcpu_exit_has_where). */
struct vcpu_exit {
	enum exit_reason reason;
	/* The backend's raw exit code and qualifiers, for exit_unexpected's
	 * message: at least for the reasons it reports (EXIT_EXCEPTION,
	 * EXIT_INVALID, EXIT_UNKNOWN). */
	uint64_t code;
	uint64_t info1, info2;
	uint64_t rip;			/* RIP of the exiting instruction */
	/* RIP after the instruction; 0 when the backend does not know it.
	 * EXIT_IO always has it (APM vol 2, 15.10.2: EXITINFO2; SDM vol 3,
	 * 28.2.5: the VM-exit instruction length). */
	uint64_t next_rip;
	/* Where the exiting instruction is: enough to fetch and decode it.
	 * Only for the reasons vcpu_exit_has_where names. */
	uint64_t cs_base, cr3;
	enum insn_mode mode;
	union {
		struct {
			uint16_t port;
			uint8_t size;
			bool in, string, rep;
		} io;
		struct { bool write; } msr;
		struct {
			uint64_t gpa;
			bool write, fetch, present;
		} npf;
		struct {
			uint8_t vector;
			bool has_error;
			uint32_t error;
		} exc;
	};
};

/* Architectural state the generic code reads and writes. */
enum vcpu_reg {
	VREG_RIP, VREG_RSP, VREG_RFLAGS, VREG_CR0, VREG_CR2, VREG_CR3,
	VREG_CR4, VREG_EFER, VREG_CS_BASE, VREG_CS_ATTR, VREG_PAT,
	VREG_FS_BASE, VREG_GS_BASE, VREG_KERNEL_GS_BASE, VREG_STAR,
	VREG_LSTAR, VREG_CSTAR, VREG_SFMASK, VREG_SYSENTER_CS,
	VREG_SYSENTER_ESP, VREG_SYSENTER_EIP,
	VREG_COUNT
};

/* Whether the backend filled next_rip (when it knows it), cs_base, cr3
 * and mode for this reason: not for the exits whose handlers never fetch
 * the instruction. A hypercall's length is the ABI's (hypercall_abi.h),
 * an I/O exit always has next_rip, and the others run no instruction. */
static inline bool vcpu_exit_has_where(enum exit_reason r)
{
	return r != EXIT_HYPERCALL && r != EXIT_IO && r != EXIT_INTR && r != EXIT_NMI &&
	       r != EXIT_IRQ_WINDOW && r != EXIT_TIMER;
}

/* Linear address of the exiting instruction (CS base counts outside
 * 64-bit mode). */
static inline uint64_t exit_insn_linear(const struct vcpu_exit *e)
{
	return e->mode == INSN_MODE_64 ? e->rip : e->rip + e->cs_base;
}

enum event_type { EVENT_EXTINT, EVENT_NMI, EVENT_EXCEPTION };

/* The architectural state of a freshly reset guest that both backends
 * load: protected mode with paging and FXSR, the power-up PAT (SDM vol 3,
 * 11.12.4), DR6 and DR7 as after reset (18.2.3, 18.2.4). */
#define VCPU_BOOT_CR0	(CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG)
#define VCPU_BOOT_CR4	(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT)
#define VCPU_BOOT_PAT	0x0007040600070406ULL
#define VCPU_BOOT_DR6	0xffff0ff0ULL
#define VCPU_BOOT_DR7	0x400ULL

/* Where a freshly reset guest starts: 64-bit mode, paging on. */
struct vcpu_boot_state {
	uint64_t rip, rsp, cr3;
	uint64_t npt_root;		/* nested page tables (host-physical) */
};

struct vcpu;
struct vlapic;

struct vcpu_ops {
	const char *name;
	/* Entry format of the second-level page tables (NPT or EPT). */
	enum pt_format slat_format;
	/* Print what the CPU offers this backend, for `info`; safe to call
	 * on any CPU. */
	void (*info)(void);
	/* Check the CPU can run this backend; a message names what is missing. */
	int (*probe)(char *why, unsigned len);
	/* Enable virtualization on this CPU and allocate per-vCPU structures. */
	int (*init)(struct vcpu *v);
	/* Put the vCPU in the boot state. */
	void (*reset)(struct vcpu *v, const struct vcpu_boot_state *s);
	/* Run the guest until the next exit and decode it. A host interrupt
	 * that ended the run has been handled by the hv when run returns
	 * EXIT_INTR (or EXIT_TIMER). */
	void (*run)(struct vcpu *v, struct vcpu_exit *e);
	/* Guest registers as the guest sees them: a backend keeps its own
	 * bits (EFER.SVME) out of get and in through set. */
	uint64_t (*get)(struct vcpu *v, enum vcpu_reg r);
	void (*set)(struct vcpu *v, enum vcpu_reg r, uint64_t val);
	/* Can an external interrupt be delivered now (IF=1, no shadow)? */
	bool (*interruptible)(struct vcpu *v);
	/* Queue an event for the next entry. */
	void (*inject)(struct vcpu *v, enum event_type t, uint8_t vector,
		       bool has_error, uint32_t error);
	/* Exit as soon as the guest can take an interrupt (or stop asking). */
	void (*irq_window)(struct vcpu *v, bool want);
	/* Print the backend's view of the guest state. */
	void (*dump)(struct vcpu *v);
	/* Make the guest exit with EXIT_TIMER at least once every period_tsc
	 * TSC ticks, however it runs (0: stop, also what guest_deadline
	 * armed). SVM uses a host timer interrupt (the local APIC timer), VMX
	 * can use the preemption timer; the same timer makes run end by
	 * guest_deadline, watchdog or not. Ticks that land while the hv runs
	 * set timer_fired instead. 0, or -ENODEV with the reason in why. */
	int (*exit_timer)(struct vcpu *v, uint64_t period_tsc, char *why, unsigned len);
	/* delivery=posted: process interrupts posted to the descriptor at
	 * desc_pa (64-byte aligned) when vector nv arrives while the guest
	 * runs; nv 0 turns it off. Takes effect at the next reset (a mode
	 * starts before the guest does). 0; -EINVAL or -ENODEV (the CPU
	 * cannot) with the reason in why. NULL: the backend has none. */
	int (*posted)(struct vcpu *v, uint8_t nv, uint64_t desc_pa, char *why, unsigned len);
	/* eoi=hw: the CPU virtualizes the guest's xAPIC page (VMX APIC-register
	 * virtualization and virtual-interrupt delivery); NULL: no such path.
	 * apicv_usable: 0, or -ENODEV with the reason. apicv: on with apic as
	 * the model and the page at guest-physical apic_gpa (*access_hpa: the
	 * host page the second-level tables must map there), or off (apic
	 * NULL); it takes effect at the next reset. apicv_sync, before every
	 * entry: the model's new requests go to the CPU, not to inject. */
	int (*apicv_usable)(const struct vcpu *v, char *why, unsigned len);
	int (*apicv)(struct vcpu *v, struct vlapic *apic, uint64_t apic_gpa, uint64_t *access_hpa,
		     char *why, unsigned len);
	void (*apicv_sync)(struct vcpu *v);
	/* delivery=direct: */
	/* Stop (on) or go back to (off) intercepting physical interrupts: on,
	 * one that arrives while the guest runs goes through the guest's IDT
	 * under its own IF, with no exit; NMIs still exit. Kept across reset.
	 * While on, the backend arms no host timer interrupt (it would land
	 * in the guest). NULL: the backend cannot. 0, or -ENODEV with the
	 * reason in why. */
	int (*direct_irqs)(struct vcpu *v, bool on, char *why, unsigned len);
};

#define HV_INJECT_MAX	(1u << 20)

struct vcpu {
	const struct vcpu_ops *ops;
	struct vcpu_regs regs;
	void *arch;			/* backend data */
	uint64_t exits[EXIT_REASONS];	/* EXIT_TIMER is not counted here: */
	uint64_t timer_exits;		/* ... but here, so that a tick never
					   shows in a benchmark's exits */
	volatile bool timer_fired;	/* a tick not yet looked at */
	/* TSC of the guest's next APIC timer expiry (0: none): run makes the
	 * guest exit by then (EXIT_INTR when it is not also a tick). */
	uint64_t guest_deadline;
	/* The guest's RIP from an exit to the next entry: run loads it at the
	 * exit and stores it back at the entry; get and set of VREG_RIP and
	 * vcpu_set_rip use it, without a call into the backend. */
	uint64_t rip;
	/* RIP was set since the exit: the instruction an STI or MOV SS shadow
	 * covered has been skipped, so the shadow ends at the entry (APM vol
	 * 2, 15.21.5; SDM vol 3, 26.3.1.5), and an interrupt may go in. */
	bool rip_moved;
	uint32_t inject_pending;	/* virtual interrupts still to deliver */
	uint8_t inject_vector;
	bool running;			/* false once stopped after an error */
};

/* Resume the guest at rip (past an instruction the hv emulated). */
static inline void vcpu_set_rip(struct vcpu *v, uint64_t rip)
{
	v->rip = rip;
	v->rip_moved = true;
}

extern const struct vcpu_ops svm_ops;
extern const struct vcpu_ops vmx_ops;

/* Every backend of this build, NULL-terminated (hv/backends.c). */
extern const struct vcpu_ops *const vcpu_backends[];
/* The backend cpu= asks for (OPT_CPU_*): auto takes the CPU vendor's,
 * then any whose probe passes. NULL with the reason in why. */
const struct vcpu_ops *vcpu_backend_pick(unsigned cpu_opt, char *why, unsigned len);

const char *exit_reason_name(enum exit_reason r);

/* The general-purpose registers and the FXSAVE image (512 bytes) of a
 * reset vCPU, for the backends' reset: zero, FCW 0x37f, MXCSR 0x1f80
 * (SDM vol 1, 10.5.1 table 10-2). */
static inline void vcpu_regs_reset(struct vcpu *v, uint8_t *fx)
{
	memset(&v->regs, 0, sizeof(v->regs));
	memset(fx, 0, 512);
	fx[0] = 0x7f;
	fx[1] = 0x03;
	fx[24] = 0x80;
	fx[25] = 0x1f;
}

#endif
