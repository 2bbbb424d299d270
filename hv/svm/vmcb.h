/* AMD SVM virtual machine control block (APM vol 2, appendix B). */
#ifndef HV_VMCB_H
#define HV_VMCB_H

#include <stddef.h>
#include <stdint.h>
#include "drivers/bits.h"

struct vmcb_seg {
	uint16_t selector;
	uint16_t attrib;	/* type:4 s:1 dpl:2 p:1 avl:1 l:1 db:1 g:1 */
	uint32_t limit;
	uint64_t base;
};
_Static_assert(sizeof(struct vmcb_seg) == 16, "vmcb_seg size");

struct vmcb_control {
	uint32_t intercept_cr;		/* 000h: reads 15:0, writes 31:16 */
	uint32_t intercept_dr;		/* 004h */
	uint32_t intercept_exceptions;	/* 008h */
	uint32_t intercept_misc1;	/* 00Ch */
	uint32_t intercept_misc2;	/* 010h */
	uint32_t intercept_misc3;	/* 014h */
	uint8_t reserved_018[0x03c - 0x018];
	uint16_t pause_filter_threshold; /* 03Ch */
	uint16_t pause_filter_count;	/* 03Eh */
	uint64_t iopm_base_pa;		/* 040h */
	uint64_t msrpm_base_pa;		/* 048h */
	uint64_t tsc_offset;		/* 050h */
	uint32_t guest_asid;		/* 058h */
	uint8_t tlb_control;		/* 05Ch */
	uint8_t reserved_05d[3];
	uint64_t vintr;			/* 060h */
	uint64_t interrupt_shadow;	/* 068h */
	uint64_t exitcode;		/* 070h */
	uint64_t exitinfo1;		/* 078h */
	uint64_t exitinfo2;		/* 080h */
	uint64_t exitintinfo;		/* 088h */
	uint64_t np_control;		/* 090h */
	uint64_t avic_apic_bar;		/* 098h */
	uint64_t ghcb_pa;		/* 0A0h */
	uint64_t eventinj;		/* 0A8h */
	uint64_t n_cr3;			/* 0B0h */
	uint64_t virt_ext;		/* 0B8h: LBR virtualization, VMSAVE/VMLOAD virt */
	uint32_t clean;			/* 0C0h */
	uint32_t reserved_0c4;
	uint64_t nrip;			/* 0C8h */
	uint8_t insn_len;		/* 0D0h */
	uint8_t insn_bytes[15];		/* 0D1h */
	uint8_t reserved_0e0[0x400 - 0x0e0];
};

struct vmcb_save {
	struct vmcb_seg es, cs, ss, ds, fs, gs;	/* 400h..450h */
	struct vmcb_seg gdtr, ldtr, idtr, tr;	/* 460h..490h */
	uint8_t reserved_4a0[0x4cb - 0x4a0];
	uint8_t cpl;			/* 4CBh */
	uint32_t reserved_4cc;
	uint64_t efer;			/* 4D0h */
	uint8_t reserved_4d8[0x548 - 0x4d8];
	uint64_t cr4;			/* 548h */
	uint64_t cr3;			/* 550h */
	uint64_t cr0;			/* 558h */
	uint64_t dr7;			/* 560h */
	uint64_t dr6;			/* 568h */
	uint64_t rflags;		/* 570h */
	uint64_t rip;			/* 578h */
	uint8_t reserved_580[0x5d8 - 0x580];
	uint64_t rsp;			/* 5D8h */
	uint64_t s_cet, ssp, isst_addr;	/* 5E0h */
	uint64_t rax;			/* 5F8h */
	uint64_t star, lstar, cstar, sfmask; /* 600h */
	uint64_t kernel_gs_base;	/* 620h */
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip; /* 628h */
	uint64_t cr2;			/* 640h */
	uint8_t reserved_648[0x668 - 0x648];
	uint64_t g_pat;			/* 668h */
	uint64_t dbgctl;		/* 670h */
	uint64_t br_from, br_to, last_excp_from, last_excp_to; /* 678h */
};

struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
	uint8_t reserved_698[0x1000 - 0x698];
};

#define VMCB_CHECK(f, off) _Static_assert(offsetof(struct vmcb, f) == (off), #f)
VMCB_CHECK(control.iopm_base_pa, 0x040);
VMCB_CHECK(control.guest_asid, 0x058);
VMCB_CHECK(control.vintr, 0x060);
VMCB_CHECK(control.exitcode, 0x070);
VMCB_CHECK(control.np_control, 0x090);
VMCB_CHECK(control.eventinj, 0x0a8);
VMCB_CHECK(control.n_cr3, 0x0b0);
VMCB_CHECK(control.nrip, 0x0c8);
VMCB_CHECK(save.es, 0x400);
VMCB_CHECK(save.tr, 0x490);
VMCB_CHECK(save.cpl, 0x4cb);
VMCB_CHECK(save.efer, 0x4d0);
VMCB_CHECK(save.cr4, 0x548);
VMCB_CHECK(save.rip, 0x578);
VMCB_CHECK(save.rsp, 0x5d8);
VMCB_CHECK(save.rax, 0x5f8);
VMCB_CHECK(save.kernel_gs_base, 0x620);
VMCB_CHECK(save.cr2, 0x640);
VMCB_CHECK(save.g_pat, 0x668);
_Static_assert(sizeof(struct vmcb) == 4096, "VMCB is one page");

/* intercept_misc1 (APM vol 2, table B-1, offset 0Ch) */
#define INTERCEPT_INTR		BIT(0)
#define INTERCEPT_NMI		BIT(1)
#define INTERCEPT_SMI		BIT(2)
#define INTERCEPT_INIT		BIT(3)
#define INTERCEPT_VINTR		BIT(4)
#define INTERCEPT_CPUID		BIT(18)
#define INTERCEPT_INVD		BIT(22)
#define INTERCEPT_HLT		BIT(24)
#define INTERCEPT_INVLPGA	BIT(26)
#define INTERCEPT_IOIO_PROT	BIT(27)
#define INTERCEPT_MSR_PROT	BIT(28)
#define INTERCEPT_TASK_SWITCH	BIT(29)
#define INTERCEPT_SHUTDOWN	BIT(31)
/* intercept_misc2 (offset 10h) */
#define INTERCEPT_VMRUN		BIT(0)
#define INTERCEPT_VMMCALL	BIT(1)
#define INTERCEPT_VMLOAD	BIT(2)
#define INTERCEPT_VMSAVE	BIT(3)
#define INTERCEPT_STGI		BIT(4)
#define INTERCEPT_CLGI		BIT(5)
#define INTERCEPT_SKINIT	BIT(6)
#define INTERCEPT_XSETBV	BIT(13)

/* vintr (offset 60h) */
#define V_TPR			GENMASK(7, 0)
#define V_IRQ			BIT(8)
#define V_INTR_PRIO		GENMASK(19, 16)
#define V_IGN_TPR		BIT(20)
#define V_INTR_MASKING		BIT(24)
#define V_INTR_VECTOR		GENMASK(39, 32)
/* interrupt_shadow (offset 68h) */
#define INT_SHADOW		BIT(0)
/* np_control (offset 90h) */
#define NP_ENABLE		BIT(0)
/* tlb_control (offset 5Ch) */
#define TLB_CONTROL_FLUSH_ALL	1
/* eventinj / exitintinfo (APM vol 2, 15.20) */
#define EVTINJ_VECTOR		GENMASK(7, 0)
#define EVTINJ_TYPE		GENMASK(10, 8)
#define  EVTINJ_TYPE_INTR	0
#define  EVTINJ_TYPE_NMI	2
#define  EVTINJ_TYPE_EXCEPTION	3
#define EVTINJ_EV		BIT(11)
#define EVTINJ_VALID		BIT(31)
#define EVTINJ_ERROR		GENMASK(63, 32)

/* Exit codes (APM vol 2, appendix C) */
#define SVM_EXIT_EXCP_BASE	0x040
#define SVM_EXIT_INTR		0x060
#define SVM_EXIT_NMI		0x061
#define SVM_EXIT_VINTR		0x064
#define SVM_EXIT_CPUID		0x072
#define SVM_EXIT_HLT		0x078
#define SVM_EXIT_IOIO		0x07b
#define SVM_EXIT_MSR		0x07c
#define SVM_EXIT_SHUTDOWN	0x07f
#define SVM_EXIT_VMMCALL	0x081
#define SVM_EXIT_NPF		0x400
#define SVM_EXIT_INVALID	0xffffffffffffffffULL

/* IOIO exitinfo1 (APM vol 2, 15.10.2) */
#define IOIO_IN			BIT(0)
#define IOIO_STR		BIT(2)
#define IOIO_REP		BIT(3)
#define IOIO_SIZE		GENMASK(6, 4)
#define IOIO_PORT		GENMASK(31, 16)
/* NPF exitinfo1 (APM vol 2, 15.25.6) */
#define NPF_PRESENT		BIT(0)
#define NPF_WRITE		BIT(1)
#define NPF_FETCH		BIT(4)

#define SVM_IOPM_SIZE		(3 * 4096)
#define SVM_MSRPM_SIZE		(2 * 4096)

#endif
