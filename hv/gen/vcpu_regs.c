/* The one definition of struct vcpu_regs' layout that the world-switch
 * files share: compiled to assembly at build time, its markers become
 * build/hv-obj/vcpu_regs.inc (%define VCPU_REGS_RAX 0, ...), which
 * hv/vcpu_gprs.mac includes for both world-switch files. Never linked. */
#include <stddef.h>
#include "hv/vcpu.h"

#define OFFSET(sym, member) \
	__asm__ volatile("\n.ascii \"@@define " #sym " %c0\"" \
			 : : "i"(offsetof(struct vcpu_regs, member)))

void vcpu_regs_offsets(void);
void vcpu_regs_offsets(void)
{
	OFFSET(VCPU_REGS_RAX, rax);
	OFFSET(VCPU_REGS_RBX, rbx);
	OFFSET(VCPU_REGS_RCX, rcx);
	OFFSET(VCPU_REGS_RDX, rdx);
	OFFSET(VCPU_REGS_RSI, rsi);
	OFFSET(VCPU_REGS_RDI, rdi);
	OFFSET(VCPU_REGS_RBP, rbp);
	OFFSET(VCPU_REGS_R8, r8);
	OFFSET(VCPU_REGS_R9, r9);
	OFFSET(VCPU_REGS_R10, r10);
	OFFSET(VCPU_REGS_R11, r11);
	OFFSET(VCPU_REGS_R12, r12);
	OFFSET(VCPU_REGS_R13, r13);
	OFFSET(VCPU_REGS_R14, r14);
	OFFSET(VCPU_REGS_R15, r15);
}
