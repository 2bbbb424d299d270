/* Intel VMX: capability MSRs, VMCS field encodings, control bits, exit
 * reasons and event formats (SDM vol 3, chapters 24-27 and appendices A-C). */
#ifndef HV_VMCS_H
#define HV_VMCS_H

#include <stdint.h>
#include "drivers/bits.h"

/* Capability and control MSRs (SDM vol 4, table 2-2; vol 3, appendix A) */
#define MSR_FEATURE_CONTROL		0x03a
#define  FEATURE_CONTROL_LOCK		BIT(0)
#define  FEATURE_CONTROL_VMX_SMX	BIT(1)
#define  FEATURE_CONTROL_VMX		BIT(2)	/* outside SMX */
#define MSR_VMX_BASIC			0x480
#define  VMX_BASIC_REVISION		GENMASK(30, 0)
#define  VMX_BASIC_VMCS_SIZE		GENMASK(44, 32)
#define  VMX_BASIC_32BIT_PA		BIT(48)
#define  VMX_BASIC_MEMTYPE		GENMASK(53, 50)
#define  VMX_BASIC_INS_OUTS		BIT(54)
#define  VMX_BASIC_TRUE_CTLS		BIT(55)
#define MSR_VMX_PINBASED_CTLS		0x481
#define MSR_VMX_PROCBASED_CTLS		0x482
#define MSR_VMX_EXIT_CTLS		0x483
#define MSR_VMX_ENTRY_CTLS		0x484
#define MSR_VMX_MISC			0x485
#define  VMX_MISC_TIMER_RATE		GENMASK(4, 0)
#define MSR_VMX_CR0_FIXED0		0x486
#define MSR_VMX_CR0_FIXED1		0x487
#define MSR_VMX_CR4_FIXED0		0x488
#define MSR_VMX_CR4_FIXED1		0x489
#define MSR_VMX_PROCBASED_CTLS2		0x48b
#define MSR_VMX_EPT_VPID_CAP		0x48c
#define  EPT_CAP_WALK4			BIT(6)
#define  EPT_CAP_WB			BIT(14)
#define  EPT_CAP_2M			BIT(16)
#define  EPT_CAP_INVEPT			BIT(20)
#define  EPT_CAP_INVEPT_SINGLE		BIT(25)
#define  EPT_CAP_INVEPT_ALL		BIT(26)
#define MSR_VMX_TRUE_PINBASED_CTLS	0x48d
#define MSR_VMX_TRUE_PROCBASED_CTLS	0x48e
#define MSR_VMX_TRUE_EXIT_CTLS		0x48f
#define MSR_VMX_TRUE_ENTRY_CTLS		0x490
#define MEMTYPE_UC			0
#define MEMTYPE_WB			6

#define CR4_VMXE			BIT(13)
#define CPUID1_ECX_VMX_BIT		BIT(5)

/* Field encodings (SDM 24.11.2): access type in bit 0 (0: full), index in
 * 9:1, type in 11:10, width in 14:13. */
#define VMCS_ENC_TYPE			GENMASK(11, 10)
#define  VMCS_TYPE_CONTROL		0
#define  VMCS_TYPE_EXIT_INFO		1
#define  VMCS_TYPE_GUEST		2
#define  VMCS_TYPE_HOST			3
#define VMCS_ENC_WIDTH			GENMASK(14, 13)
#define  VMCS_WIDTH_16			0
#define  VMCS_WIDTH_64			1
#define  VMCS_WIDTH_32			2
#define  VMCS_WIDTH_NATURAL		3
#define VMCS_ENC_IS(f, type, width)	(FIELD_GET(VMCS_ENC_TYPE, f) == (type) && \
					 FIELD_GET(VMCS_ENC_WIDTH, f) == (width) && !((f) & 1))

/* 16-bit fields (SDM appendix B.1) */
#define VMCS_VPID			0x0000
#define VMCS_GUEST_ES_SEL		0x0800
#define VMCS_GUEST_CS_SEL		0x0802
#define VMCS_GUEST_SS_SEL		0x0804
#define VMCS_GUEST_DS_SEL		0x0806
#define VMCS_GUEST_FS_SEL		0x0808
#define VMCS_GUEST_GS_SEL		0x080a
#define VMCS_GUEST_LDTR_SEL		0x080c
#define VMCS_GUEST_TR_SEL		0x080e
#define VMCS_GUEST_INTR_STATUS		0x0810	/* RVI 7:0, SVI 15:8 (24.4.2) */
#define VMCS_HOST_ES_SEL		0x0c00
#define VMCS_HOST_CS_SEL		0x0c02
#define VMCS_HOST_SS_SEL		0x0c04
#define VMCS_HOST_DS_SEL		0x0c06
#define VMCS_HOST_FS_SEL		0x0c08
#define VMCS_HOST_GS_SEL		0x0c0a
#define VMCS_HOST_TR_SEL		0x0c0c
/* 64-bit fields (B.2) */
#define VMCS_IO_BITMAP_A		0x2000
#define VMCS_IO_BITMAP_B		0x2002
#define VMCS_MSR_BITMAP			0x2004
#define VMCS_VIRTUAL_APIC_PAGE		0x2012
#define VMCS_APIC_ACCESS_ADDR		0x2014
#define VMCS_EPTP			0x201a
#define VMCS_EOI_EXIT_BITMAP0		0x201c	/* vectors 0-63; 1-3 follow, 2 apart */
#define VMCS_GUEST_PHYS_ADDR		0x2400
#define VMCS_LINK_POINTER		0x2800
#define VMCS_GUEST_DEBUGCTL		0x2802
#define VMCS_GUEST_PAT			0x2804
#define VMCS_GUEST_EFER			0x2806
#define VMCS_HOST_PAT			0x2c00
#define VMCS_HOST_EFER			0x2c02
/* 32-bit fields (B.3) */
#define VMCS_PIN_CTLS			0x4000
#define VMCS_PROC_CTLS			0x4002
#define VMCS_EXCEPTION_BITMAP		0x4004
#define VMCS_CR3_TARGET_COUNT		0x400a
#define VMCS_TPR_THRESHOLD		0x401c
#define VMCS_EXIT_CTLS			0x400c
#define VMCS_EXIT_MSR_STORE_COUNT	0x400e
#define VMCS_EXIT_MSR_LOAD_COUNT	0x4010
#define VMCS_ENTRY_CTLS			0x4012
#define VMCS_ENTRY_MSR_LOAD_COUNT	0x4014
#define VMCS_ENTRY_INTR_INFO		0x4016
#define VMCS_ENTRY_EXC_ERROR		0x4018
#define VMCS_ENTRY_INSN_LEN		0x401a
#define VMCS_PROC_CTLS2			0x401e
#define VMCS_INSN_ERROR			0x4400
#define VMCS_EXIT_REASON		0x4402
#define VMCS_EXIT_INTR_INFO		0x4404
#define VMCS_EXIT_INTR_ERROR		0x4406
#define VMCS_IDT_VECTORING_INFO		0x4408
#define VMCS_IDT_VECTORING_ERROR	0x440a
#define VMCS_EXIT_INSN_LEN		0x440c
#define VMCS_GUEST_ES_LIMIT		0x4800
#define VMCS_GUEST_CS_LIMIT		0x4802
#define VMCS_GUEST_SS_LIMIT		0x4804
#define VMCS_GUEST_DS_LIMIT		0x4806
#define VMCS_GUEST_FS_LIMIT		0x4808
#define VMCS_GUEST_GS_LIMIT		0x480a
#define VMCS_GUEST_LDTR_LIMIT		0x480c
#define VMCS_GUEST_TR_LIMIT		0x480e
#define VMCS_GUEST_GDTR_LIMIT		0x4810
#define VMCS_GUEST_IDTR_LIMIT		0x4812
#define VMCS_GUEST_ES_AR		0x4814
#define VMCS_GUEST_CS_AR		0x4816
#define VMCS_GUEST_SS_AR		0x4818
#define VMCS_GUEST_DS_AR		0x481a
#define VMCS_GUEST_FS_AR		0x481c
#define VMCS_GUEST_GS_AR		0x481e
#define VMCS_GUEST_LDTR_AR		0x4820
#define VMCS_GUEST_TR_AR		0x4822
#define VMCS_GUEST_INTERRUPTIBILITY	0x4824
#define VMCS_GUEST_ACTIVITY		0x4826
#define VMCS_GUEST_SYSENTER_CS		0x482a
#define VMCS_PREEMPTION_TIMER		0x482e
#define VMCS_HOST_SYSENTER_CS		0x4c00
/* Natural-width fields (B.4) */
#define VMCS_CR0_MASK			0x6000
#define VMCS_CR4_MASK			0x6002
#define VMCS_CR0_SHADOW			0x6004
#define VMCS_CR4_SHADOW			0x6006
#define VMCS_EXIT_QUALIFICATION		0x6400
#define VMCS_GUEST_LINEAR_ADDR		0x640a
#define VMCS_GUEST_CR0			0x6800
#define VMCS_GUEST_CR3			0x6802
#define VMCS_GUEST_CR4			0x6804
#define VMCS_GUEST_ES_BASE		0x6806
#define VMCS_GUEST_CS_BASE		0x6808
#define VMCS_GUEST_SS_BASE		0x680a
#define VMCS_GUEST_DS_BASE		0x680c
#define VMCS_GUEST_FS_BASE		0x680e
#define VMCS_GUEST_GS_BASE		0x6810
#define VMCS_GUEST_LDTR_BASE		0x6812
#define VMCS_GUEST_TR_BASE		0x6814
#define VMCS_GUEST_GDTR_BASE		0x6816
#define VMCS_GUEST_IDTR_BASE		0x6818
#define VMCS_GUEST_DR7			0x681a
#define VMCS_GUEST_RSP			0x681c
#define VMCS_GUEST_RIP			0x681e
#define VMCS_GUEST_RFLAGS		0x6820
#define VMCS_GUEST_PENDING_DBG		0x6822
#define VMCS_GUEST_SYSENTER_ESP		0x6824
#define VMCS_GUEST_SYSENTER_EIP		0x6826
#define VMCS_HOST_CR0			0x6c00
#define VMCS_HOST_CR3			0x6c02
#define VMCS_HOST_CR4			0x6c04
#define VMCS_HOST_FS_BASE		0x6c06
#define VMCS_HOST_GS_BASE		0x6c08
#define VMCS_HOST_TR_BASE		0x6c0a
#define VMCS_HOST_GDTR_BASE		0x6c0c
#define VMCS_HOST_IDTR_BASE		0x6c0e
#define VMCS_HOST_SYSENTER_ESP		0x6c10
#define VMCS_HOST_SYSENTER_EIP		0x6c12
#define VMCS_HOST_RSP			0x6c14
#define VMCS_HOST_RIP			0x6c16

/* Pin-based VM-execution controls (SDM 24.6.1) */
#define PIN_EXTINT_EXITING		BIT(0)
#define PIN_NMI_EXITING			BIT(3)
#define PIN_VIRTUAL_NMIS		BIT(5)
#define PIN_PREEMPTION_TIMER		BIT(6)
#define PIN_POSTED_INTR			BIT(7)
/* Primary processor-based VM-execution controls (24.6.2, table 24-6) */
#define PROC_INTR_WINDOW		BIT(2)
#define PROC_HLT_EXITING		BIT(7)
#define PROC_CR3_LOAD_EXITING		BIT(15)
#define PROC_CR3_STORE_EXITING		BIT(16)
#define PROC_USE_TPR_SHADOW		BIT(21)
#define PROC_NMI_WINDOW			BIT(22)
#define PROC_UNCOND_IO_EXITING		BIT(24)
#define PROC_USE_IO_BITMAPS		BIT(25)
#define PROC_USE_MSR_BITMAPS		BIT(28)
#define PROC_SECONDARY			BIT(31)
/* Secondary processor-based VM-execution controls (table 24-7) */
#define PROC2_VIRT_APIC_ACCESS		BIT(0)
#define PROC2_EPT			BIT(1)
#define PROC2_RDTSCP			BIT(3)
#define PROC2_VIRT_X2APIC		BIT(4)
#define PROC2_VPID			BIT(5)
#define PROC2_UNRESTRICTED		BIT(7)
#define PROC2_APIC_REG_VIRT		BIT(8)
#define PROC2_VIRT_INTR_DELIVERY	BIT(9)
#define PROC2_INVPCID			BIT(12)
/* VM-exit controls (24.7.1) */
#define EXIT_SAVE_DEBUG			BIT(2)
#define EXIT_HOST_64			BIT(9)
#define EXIT_ACK_INTR			BIT(15)
#define EXIT_SAVE_PAT			BIT(18)
#define EXIT_LOAD_PAT			BIT(19)
#define EXIT_SAVE_EFER			BIT(20)
#define EXIT_LOAD_EFER			BIT(21)
/* VM-entry controls (24.8.1) */
#define ENTRY_LOAD_DEBUG		BIT(2)
#define ENTRY_IA32E_GUEST		BIT(9)
#define ENTRY_LOAD_PAT			BIT(14)
#define ENTRY_LOAD_EFER			BIT(15)

/* EPT pointer (24.6.11) */
#define EPTP_MEMTYPE			GENMASK(2, 0)
#define EPTP_WALK_LEN			GENMASK(5, 3)	/* levels - 1 */

/* Exit reason field (24.9.1) and basic exit reasons (appendix C) */
#define EXIT_REASON_BASIC		GENMASK(15, 0)
#define EXIT_REASON_ENTRY_FAIL		BIT(31)
#define VMX_EXIT_EXC_NMI		0
#define VMX_EXIT_EXTINT			1
#define VMX_EXIT_TRIPLE_FAULT		2
#define VMX_EXIT_INIT			3
#define VMX_EXIT_SIPI			4
#define VMX_EXIT_INTR_WINDOW		7
#define VMX_EXIT_NMI_WINDOW		8
#define VMX_EXIT_CPUID			10
#define VMX_EXIT_HLT			12
#define VMX_EXIT_VMCALL			18
#define VMX_EXIT_IO			30
#define VMX_EXIT_RDMSR			31
#define VMX_EXIT_WRMSR			32
#define VMX_EXIT_BAD_GUEST		33
#define VMX_EXIT_BAD_MSR_LOAD		34
#define VMX_EXIT_MCE_ENTRY		41
#define VMX_EXIT_APIC_ACCESS		44
#define VMX_EXIT_VIRTUALIZED_EOI	45
#define VMX_EXIT_EPT_VIOLATION		48
#define VMX_EXIT_EPT_MISCONFIG		49
#define VMX_EXIT_PREEMPTION_TIMER	52
#define VMX_EXIT_APIC_WRITE		56
#define VMX_EXIT_REASONS		66

/* Interruption information: VM-entry, VM-exit and IDT-vectoring (24.8.3,
 * 24.9.2, 24.9.3) */
#define INTR_INFO_VECTOR		GENMASK(7, 0)
#define INTR_INFO_TYPE			GENMASK(10, 8)
#define  INTR_TYPE_EXTINT		0
#define  INTR_TYPE_NMI			2
#define  INTR_TYPE_HW_EXC		3
#define  INTR_TYPE_SW_INT		4
#define  INTR_TYPE_PRIV_SW_EXC		5
#define  INTR_TYPE_SW_EXC		6
#define INTR_INFO_HAS_ERROR		BIT(11)
#define INTR_INFO_NMI_UNBLOCK		BIT(12)	/* exit info only */
#define INTR_INFO_VALID			BIT(31)
/* The bits an entry takes: 30:12 are reserved there (26.2.1.3). */
#define INTR_INFO_ENTRY_MASK		(INTR_INFO_VECTOR | INTR_INFO_TYPE | \
					 INTR_INFO_HAS_ERROR | INTR_INFO_VALID)

/* Guest interruptibility state (24.4.2, table 24-3) */
#define INTERRUPTIBILITY_STI		BIT(0)
#define INTERRUPTIBILITY_MOV_SS		BIT(1)
#define INTERRUPTIBILITY_NMI		BIT(3)
/* Pending debug exceptions (table 24-4) */
#define PENDING_DBG_BS			BIT(14)
/* Guest activity state (24.4.2) */
#define ACTIVITY_ACTIVE			0

/* Segment access rights (24.4.1, table 24-2) */
#define AR_TYPE				GENMASK(3, 0)
#define AR_S				BIT(4)
#define AR_DPL				GENMASK(6, 5)
#define AR_P				BIT(7)
#define AR_L				BIT(13)
#define AR_DB				BIT(14)
#define AR_G				BIT(15)
#define AR_UNUSABLE			BIT(16)

/* I/O exit qualification (27.2.1, table 27-5) */
#define IO_QUAL_SIZE			GENMASK(2, 0)	/* bytes - 1 */
#define IO_QUAL_IN			BIT(3)
#define IO_QUAL_STRING			BIT(4)
#define IO_QUAL_REP			BIT(5)
#define IO_QUAL_IMM			BIT(6)
#define IO_QUAL_PORT			GENMASK(31, 16)
/* EPT-violation exit qualification (table 27-7) */
#define EPT_QUAL_READ			BIT(0)
#define EPT_QUAL_WRITE			BIT(1)
#define EPT_QUAL_FETCH			BIT(2)
#define EPT_QUAL_READABLE		BIT(3)
#define EPT_QUAL_WRITABLE		BIT(4)
#define EPT_QUAL_EXECUTABLE		BIT(5)
#define EPT_QUAL_LINEAR_VALID		BIT(7)
#define EPT_QUAL_NMI_UNBLOCK		BIT(12)
/* APIC-access exit qualification (27.2.1, table 27-6) */
#define APIC_QUAL_OFFSET		GENMASK(11, 0)
#define APIC_QUAL_TYPE			GENMASK(15, 12)
#define  APIC_ACCESS_LINEAR_READ	0
#define  APIC_ACCESS_LINEAR_WRITE	1
/* 2: fetch, 3: during event delivery, 10 and 15: guest-physical */
/* #DB exit qualification: the DR6 bits the exception would set (27.2.1) */
#define DB_QUAL_DR6_BITS		(GENMASK(3, 0) | BIT(13) | BIT(14))

/* VMX instruction status (SDM 30.2): CF=1 VMfailInvalid, ZF=1 VMfailValid. */
enum vmx_status { VMX_OK = 0, VMX_FAIL_INVALID = 1, VMX_FAIL_VALID = 2 };

#define VMX_MSR_BITMAP_SIZE		4096
#define VMX_IO_BITMAP_SIZE		4096	/* each of A (ports 0-7fff) and B */

_Static_assert(VMCS_ENC_IS(VMCS_VPID, VMCS_TYPE_CONTROL, VMCS_WIDTH_16), "VPID");
_Static_assert(VMCS_ENC_IS(VMCS_HOST_TR_SEL, VMCS_TYPE_HOST, VMCS_WIDTH_16), "host TR");
_Static_assert(VMCS_ENC_IS(VMCS_EPTP, VMCS_TYPE_CONTROL, VMCS_WIDTH_64), "EPTP");
_Static_assert(VMCS_ENC_IS(VMCS_APIC_ACCESS_ADDR, VMCS_TYPE_CONTROL, VMCS_WIDTH_64), "APIC access");
_Static_assert(VMCS_ENC_IS(VMCS_EOI_EXIT_BITMAP0 + 6, VMCS_TYPE_CONTROL, VMCS_WIDTH_64), "EOI exit");
_Static_assert(VMCS_ENC_IS(VMCS_GUEST_INTR_STATUS, VMCS_TYPE_GUEST, VMCS_WIDTH_16), "intr status");
_Static_assert(VMCS_ENC_IS(VMCS_VIRTUAL_APIC_PAGE, VMCS_TYPE_CONTROL, VMCS_WIDTH_64), "vAPIC");
_Static_assert(VMCS_ENC_IS(VMCS_TPR_THRESHOLD, VMCS_TYPE_CONTROL, VMCS_WIDTH_32), "TPR threshold");
_Static_assert(VMCS_ENC_IS(VMCS_GUEST_PHYS_ADDR, VMCS_TYPE_EXIT_INFO, VMCS_WIDTH_64), "GPA");
_Static_assert(VMCS_ENC_IS(VMCS_LINK_POINTER, VMCS_TYPE_GUEST, VMCS_WIDTH_64), "link");
_Static_assert(VMCS_ENC_IS(VMCS_HOST_EFER, VMCS_TYPE_HOST, VMCS_WIDTH_64), "host EFER");
_Static_assert(VMCS_ENC_IS(VMCS_PROC_CTLS2, VMCS_TYPE_CONTROL, VMCS_WIDTH_32), "proc2");
_Static_assert(VMCS_ENC_IS(VMCS_EXIT_INSN_LEN, VMCS_TYPE_EXIT_INFO, VMCS_WIDTH_32), "len");
_Static_assert(VMCS_ENC_IS(VMCS_PREEMPTION_TIMER, VMCS_TYPE_GUEST, VMCS_WIDTH_32), "timer");
_Static_assert(VMCS_ENC_IS(VMCS_HOST_SYSENTER_CS, VMCS_TYPE_HOST, VMCS_WIDTH_32), "sysenter");
_Static_assert(VMCS_ENC_IS(VMCS_CR4_SHADOW, VMCS_TYPE_CONTROL, VMCS_WIDTH_NATURAL), "shadow");
_Static_assert(VMCS_ENC_IS(VMCS_EXIT_QUALIFICATION, VMCS_TYPE_EXIT_INFO, VMCS_WIDTH_NATURAL),
	       "qualification");
_Static_assert(VMCS_ENC_IS(VMCS_GUEST_SYSENTER_EIP, VMCS_TYPE_GUEST, VMCS_WIDTH_NATURAL), "eip");
_Static_assert(VMCS_ENC_IS(VMCS_HOST_RIP, VMCS_TYPE_HOST, VMCS_WIDTH_NATURAL), "host RIP");
_Static_assert(FIELD_GET(VMX_BASIC_MEMTYPE, (uint64_t)MEMTYPE_WB << 50) == MEMTYPE_WB,
	       "VMCS memory type field");
_Static_assert((INTR_INFO_ENTRY_MASK & GENMASK(30, 12)) == 0,
	       "entry interruption info keeps reserved bits clear");

#endif
