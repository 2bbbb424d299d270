/* Guest MSRs (see msr.h): the architectural state the guest may touch is
 * kept in the backend; anything else raises #GP, as for a missing MSR. */
#include <stdio.h>
#include "hv/msr.h"
#include "hv/msr_check.h"
#include "hv/ratelimit.h"
#include "hv/vcpu.h"
#include "hv/vlapic.h"
#include "drivers/cpu.h"

#define GUEST_APIC_BASE	(0xfee00000ULL | BIT(8) | BIT(11))	/* BSP, enabled */
#define EFER_GUEST_BITS	(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)

static const struct {
	uint32_t msr;
	enum vcpu_reg reg;
} msr_regs[] = {
	{ MSR_PAT, VREG_PAT },
	{ MSR_FS_BASE, VREG_FS_BASE },
	{ MSR_GS_BASE, VREG_GS_BASE },
	{ MSR_KERNEL_GS_BASE, VREG_KERNEL_GS_BASE },
	{ MSR_STAR, VREG_STAR },
	{ MSR_LSTAR, VREG_LSTAR },
	{ MSR_CSTAR, VREG_CSTAR },
	{ MSR_SFMASK, VREG_SFMASK },
	{ MSR_SYSENTER_CS, VREG_SYSENTER_CS },
	{ MSR_SYSENTER_ESP, VREG_SYSENTER_ESP },
	{ MSR_SYSENTER_EIP, VREG_SYSENTER_EIP },
};

static int msr_read(struct vcpu *v, struct vlapic *apic, uint32_t msr, uint64_t *val)
{
	unsigned i;

	switch (msr) {
	case MSR_EFER:
		*val = v->ops->get(v, VREG_EFER);
		return 0;
	case MSR_APIC_BASE:
		*val = GUEST_APIC_BASE;
		return 0;
	case MSR_TSC:
		*val = cpu_rdtsc();
		return 0;
	case MSR_TSC_DEADLINE:
		*val = vlapic_tsc_deadline_read(apic);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(msr_regs); i++)
		if (msr_regs[i].msr == msr) {
			*val = v->ops->get(v, msr_regs[i].reg);
			return 0;
		}
	return -1;
}

static int msr_write(struct vcpu *v, struct vlapic *apic, uint32_t msr, uint64_t val)
{
	unsigned i;

	switch (msr) {
	case MSR_EFER:
		/* Long mode stays on: the guest cannot leave it here. */
		if ((val & ~EFER_GUEST_BITS) || !(val & EFER_LME))
			return -1;
		v->ops->set(v, VREG_EFER, val | EFER_LMA);
		return 0;
	case MSR_APIC_BASE:
		return val == GUEST_APIC_BASE ? 0 : -1;
	case MSR_TSC_DEADLINE:
		/* Any value: outside TSC-deadline mode it is ignored (11.5.4.1). */
		vlapic_tsc_deadline_write(apic, val);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(msr_regs); i++)
		if (msr_regs[i].msr == msr) {
			if (!msr_value_ok(msr, val))
				return -1;
			v->ops->set(v, msr_regs[i].reg, val);
			return 0;
		}
	return -1;
}

int msr_emulate(struct vcpu *v, struct vlapic *apic, bool write)
{
	static struct ratelimit refused_rl = RATELIMIT_INIT("refused-msr");
	uint32_t msr = (uint32_t)v->regs.rcx;
	uint64_t val = (v->regs.rdx << 32) | (uint32_t)v->regs.rax;

	if (write ? msr_write(v, apic, msr, val) : msr_read(v, apic, msr, &val)) {
		if (ratelimit_allow(&refused_rl))
			printf("hv: guest %s of MSR 0x%x: not emulated, #GP injected\n",
			       write ? "WRMSR" : "RDMSR", msr);
		v->ops->inject(v, EVENT_EXCEPTION, EXC_GP, true, 0);
		return 1;
	}
	if (!write) {
		v->regs.rax = (uint32_t)val;
		v->regs.rdx = val >> 32;
	}
	return 0;
}
