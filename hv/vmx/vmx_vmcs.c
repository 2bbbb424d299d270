/* VMX backend: VMCS set-up for a guest in the boot state (SDM vol 3,
 * chapter 24), satisfying the VM-entry checks of 26.2 and 26.3. */
#include <string.h>
#include "hv/vmx/vmx.h"
#include "hv/vmx/vmx_caps.h"
#include "hv/trap.h"
#include "drivers/cpu.h"

#define GUEST_VPID	1
/* Access rights (24.4.1): type, S, DPL, P | L, D/B, G. */
#define AR_CODE64	0xa09b
#define AR_DATA		0xc093
#define AR_TSS64_BUSY	0x008b
#define INVEPT_SINGLE	1
#define INVEPT_ALL	2

/* Guest segment registers: selector, limit, access rights and base fields
 * are each laid out ES, CS, SS, DS, FS, GS, LDTR, TR two apart (B.1-B.4). */
enum vmx_seg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR };
_Static_assert(VMCS_GUEST_TR_SEL == VMCS_GUEST_ES_SEL + 2 * SEG_TR, "selector fields");
_Static_assert(VMCS_GUEST_TR_LIMIT == VMCS_GUEST_ES_LIMIT + 2 * SEG_TR, "limit fields");
_Static_assert(VMCS_GUEST_TR_AR == VMCS_GUEST_ES_AR + 2 * SEG_TR, "access-rights fields");
_Static_assert(VMCS_GUEST_TR_BASE == VMCS_GUEST_ES_BASE + 2 * SEG_TR, "base fields");

void vmx_fail(struct vmx_vcpu *s, const char *op, uint32_t field, enum vmx_status st)
{
	if (st == VMX_OK || s->failed)
		return;
	s->failed = true;
	s->fail_op = op;
	s->fail_field = field;
	s->fail_status = st;
	/* 30.2: VMfailValid leaves the error number in the current VMCS. */
	s->fail_error = st == VMX_FAIL_VALID ? (uint32_t)vmx_read(VMCS_INSN_ERROR) : 0;
}

void vmx_write(struct vmx_vcpu *s, uint32_t field, uint64_t val)
{
	vmx_fail(s, "VMWRITE", field, vmx_write_raw(field, val));
}

static enum vmx_status vmx_status(bool cf, bool zf)
{
	return cf ? VMX_FAIL_INVALID : zf ? VMX_FAIL_VALID : VMX_OK;
}

static void vmx_seg(struct vmx_vcpu *s, enum vmx_seg seg, uint16_t sel, uint32_t ar,
		    uint32_t limit)
{
	vmx_write(s, VMCS_GUEST_ES_SEL + 2 * seg, sel);
	vmx_write(s, VMCS_GUEST_ES_LIMIT + 2 * seg, limit);
	vmx_write(s, VMCS_GUEST_ES_AR + 2 * seg, ar);
	vmx_write(s, VMCS_GUEST_ES_BASE + 2 * seg, 0);
}

void vmx_write_cr0(struct vmx_vcpu *s, uint64_t val)
{
	vmx_write(s, VMCS_GUEST_CR0, vmx_cr_fixed(val, vmx_caps.cr0_fixed0, vmx_caps.cr0_fixed1));
	vmx_write(s, VMCS_CR0_SHADOW, val);
}

void vmx_write_cr4(struct vmx_vcpu *s, uint64_t val)
{
	vmx_write(s, VMCS_GUEST_CR4, vmx_cr_fixed(val, vmx_caps.cr4_fixed0, vmx_caps.cr4_fixed1));
	vmx_write(s, VMCS_CR4_SHADOW, val);
}

/* 24.6: every exit the SVM backend intercepts exits here too. CPUID, HLT
 * (control), INVD, XSETBV, GETSEC, VMCALL and the other VMX instructions,
 * triple fault, INIT and SIPI exit unconditionally in VMX non-root
 * operation (25.1.2); every port and MSR exits through all-ones bitmaps. */
static void vmx_setup_controls(struct vmx_vcpu *s, const struct vcpu_boot_state *bs)
{
	const struct vmx_caps *c = &vmx_caps;

	s->proc = c->proc;
	vmx_write(s, VMCS_PIN_CTLS, s->pin);
	vmx_write(s, VMCS_PROC_CTLS, s->proc);
	vmx_write(s, VMCS_PROC_CTLS2, c->proc2);
	vmx_write(s, VMCS_EXIT_CTLS, c->exit);
	vmx_write(s, VMCS_ENTRY_CTLS, c->entry);
	/* CVE-2015-5307 and CVE-2015-8104: #AC and #DB exit (25.2) and are
	 * reflected by the generic code, so no delivery loops in the CPU. */
	vmx_write(s, VMCS_EXCEPTION_BITMAP, BIT(EXC_DB) | BIT(EXC_AC));
	vmx_write(s, VMCS_IO_BITMAP_A, s->io_a_pa);
	vmx_write(s, VMCS_IO_BITMAP_B, s->io_b_pa);
	vmx_write(s, VMCS_MSR_BITMAP, s->msr_bitmap_pa);
	/* 29.1.2: the guest's CR8 lives in the virtual-APIC page, zero at
	 * reset; threshold 0, so lowering it never exits. */
	memset((void *)(uintptr_t)s->vapic_pa, 0, 4096);
	vmx_write(s, VMCS_VIRTUAL_APIC_PAGE, s->vapic_pa);
	vmx_write(s, VMCS_TPR_THRESHOLD, 0);
	vmx_write(s, VMCS_CR3_TARGET_COUNT, 0);
	vmx_write(s, VMCS_EXIT_MSR_STORE_COUNT, 0);
	vmx_write(s, VMCS_EXIT_MSR_LOAD_COUNT, 0);
	vmx_write(s, VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	vmx_write(s, VMCS_ENTRY_INTR_INFO, 0);
	/* 24.6.11: write-back paging structures, 4-level walk. */
	vmx_write(s, VMCS_EPTP, bs->npt_root | FIELD_PREP(EPTP_MEMTYPE, MEMTYPE_WB) |
		  FIELD_PREP(EPTP_WALK_LEN, 4 - 1));
	if (c->proc2 & PROC2_VPID)
		vmx_write(s, VMCS_VPID, GUEST_VPID);
	/* 25.3: the bits VMX fixes are the host's; the guest reads its own
	 * value from the shadow, and a write that changes one exits. */
	s->cr0_mask = vmx_cr_fixed_mask(c->cr0_fixed0, c->cr0_fixed1);
	s->cr4_mask = vmx_cr_fixed_mask(c->cr4_fixed0, c->cr4_fixed1);
	vmx_write(s, VMCS_CR0_MASK, s->cr0_mask);
	vmx_write(s, VMCS_CR4_MASK, s->cr4_mask);
	vmx_write(s, VMCS_LINK_POINTER, ~0ULL);	/* 26.3.1.5: no shadow VMCS */
	vmx_apicv_setup(s);
}

/* The base of the TSS the descriptor at sel in the GDT describes (SDM
 * vol 3, 8.2.3: a 16-byte system descriptor in 64-bit mode). */
static uint64_t vmx_tss_base(uint64_t gdt_base, uint16_t sel)
{
	const uint64_t *d = (const uint64_t *)(uintptr_t)(gdt_base + (sel & ~7u));

	return FIELD_GET(GENMASK(39, 16), d[0]) | FIELD_GET(GENMASK(63, 56), d[0]) << 24 |
	       (d[1] & GENMASK(31, 0)) << 32;
}

/* 24.5 and 26.2.2-26.2.4: the state a VM exit loads. HOST_RIP is
 * vmx_run.asm's exit path; HOST_RSP is written there, when it changes
 * (none yet after the VMCLEAR). */
static void vmx_setup_host(struct vmx_vcpu *s)
{
	struct desc_ptr gdtr, idtr;
	uint16_t tr;

	__asm__ volatile("sgdt %0; sidt %1; str %2" : "=m"(gdtr), "=m"(idtr), "=r"(tr));
	vmx_write(s, VMCS_HOST_CR0, cpu_read_cr0());
	vmx_write(s, VMCS_HOST_CR3, cpu_read_cr3());
	vmx_write(s, VMCS_HOST_CR4, cpu_read_cr4());
	vmx_write(s, VMCS_HOST_CS_SEL, GDT_CODE);
	vmx_write(s, VMCS_HOST_SS_SEL, GDT_DATA);
	vmx_write(s, VMCS_HOST_DS_SEL, GDT_DATA);
	vmx_write(s, VMCS_HOST_ES_SEL, GDT_DATA);
	vmx_write(s, VMCS_HOST_FS_SEL, GDT_DATA);
	vmx_write(s, VMCS_HOST_GS_SEL, GDT_DATA);
	vmx_write(s, VMCS_HOST_TR_SEL, tr);
	vmx_write(s, VMCS_HOST_TR_BASE, vmx_tss_base(gdtr.base, tr));
	vmx_write(s, VMCS_HOST_GDTR_BASE, gdtr.base);
	vmx_write(s, VMCS_HOST_IDTR_BASE, idtr.base);
	vmx_write(s, VMCS_HOST_FS_BASE, cpu_rdmsr(MSR_FS_BASE));
	vmx_write(s, VMCS_HOST_GS_BASE, cpu_rdmsr(MSR_GS_BASE));
	vmx_write(s, VMCS_HOST_SYSENTER_CS, cpu_rdmsr(MSR_SYSENTER_CS));
	vmx_write(s, VMCS_HOST_SYSENTER_ESP, cpu_rdmsr(MSR_SYSENTER_ESP));
	vmx_write(s, VMCS_HOST_SYSENTER_EIP, cpu_rdmsr(MSR_SYSENTER_EIP));
	vmx_write(s, VMCS_HOST_EFER, cpu_rdmsr(MSR_EFER));
	vmx_write(s, VMCS_HOST_PAT, cpu_rdmsr(MSR_PAT));
	vmx_write(s, VMCS_HOST_RIP, (uint64_t)(uintptr_t)vmx_exit_rip);
	s->host_rsp = 0;
}

/* The boot state of svm_reset in VMCS form (26.3.1): 64-bit code, flat
 * data, a busy 64-bit TSS (TR may not be unusable), an unusable LDTR. */
static void vmx_setup_guest(struct vmx_vcpu *s, const struct vcpu_boot_state *bs)
{
	vmx_seg(s, SEG_CS, 0x08, AR_CODE64, 0xffffffff);
	vmx_seg(s, SEG_SS, 0x10, AR_DATA, 0xffffffff);
	vmx_seg(s, SEG_DS, 0x10, AR_DATA, 0xffffffff);
	vmx_seg(s, SEG_ES, 0x10, AR_DATA, 0xffffffff);
	vmx_seg(s, SEG_FS, 0x10, AR_DATA, 0xffffffff);
	vmx_seg(s, SEG_GS, 0x10, AR_DATA, 0xffffffff);
	vmx_seg(s, SEG_TR, 0, AR_TSS64_BUSY, 0x67);
	vmx_seg(s, SEG_LDTR, 0, AR_UNUSABLE, 0);
	vmx_write(s, VMCS_GUEST_GDTR_BASE, 0);
	vmx_write(s, VMCS_GUEST_GDTR_LIMIT, 0);
	vmx_write(s, VMCS_GUEST_IDTR_BASE, 0);
	vmx_write(s, VMCS_GUEST_IDTR_LIMIT, 0);
	vmx_write_cr0(s, VCPU_BOOT_CR0);
	vmx_write_cr4(s, VCPU_BOOT_CR4);
	vmx_write(s, VMCS_GUEST_CR3, bs->cr3);
	vmx_write(s, VMCS_GUEST_EFER, EFER_LME | EFER_LMA | EFER_NXE);
	vmx_write(s, VMCS_GUEST_PAT, VCPU_BOOT_PAT);
	vmx_write(s, VMCS_GUEST_DR7, VCPU_BOOT_DR7);
	vmx_write(s, VMCS_GUEST_DEBUGCTL, 0);
	vmx_write(s, VMCS_GUEST_RFLAGS, RFLAGS_RESERVED1);
	vmx_write(s, VMCS_GUEST_RIP, bs->rip);
	vmx_write(s, VMCS_GUEST_RSP, bs->rsp);
	vmx_write(s, VMCS_GUEST_SYSENTER_CS, 0);
	vmx_write(s, VMCS_GUEST_SYSENTER_ESP, 0);
	vmx_write(s, VMCS_GUEST_SYSENTER_EIP, 0);
	vmx_write(s, VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmx_write(s, VMCS_GUEST_ACTIVITY, ACTIVITY_ACTIVE);
	vmx_write(s, VMCS_GUEST_PENDING_DBG, 0);
}

/* 28.3.3.1: cached guest-physical and combined mappings of an earlier
 * guest with the same EPT root and VPID would survive a restart. */
static void vmx_invept(struct vmx_vcpu *s, uint64_t eptp)
{
	struct { uint64_t eptp, zero; } desc = { eptp, 0 };
	uint64_t type = (vmx_caps.ept_vpid & EPT_CAP_INVEPT_SINGLE) ? INVEPT_SINGLE : INVEPT_ALL;
	bool cf, zf;

	__asm__ volatile("invept %2, %3" : "=@ccc"(cf), "=@ccz"(zf)
			 : "m"(desc), "r"(type) : "memory");
	vmx_fail(s, "INVEPT", 0, vmx_status(cf, zf));
}

void vmx_vmcs_setup(struct vmx_vcpu *s, const struct vcpu_boot_state *bs)
{
	uint64_t pa = s->vmcs_pa;
	bool cf, zf;

	/* 24.11.3: VMCLEAR then VMPTRLD makes the VMCS current and clear,
	 * so the next entry is a VMLAUNCH. */
	__asm__ volatile("vmclear %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(pa) : "memory");
	if (!cf && !zf)
		__asm__ volatile("vmptrld %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(pa) : "memory");
	if (cf || zf) {
		vmx_fail(s, "VMCLEAR/VMPTRLD of the VMCS", 0, vmx_status(cf, zf));
		return;
	}
	s->launched = false;
	vmx_setup_controls(s, bs);
	vmx_setup_host(s);
	vmx_setup_guest(s, bs);
	vmx_invept(s, vmx_read(VMCS_EPTP));
}
