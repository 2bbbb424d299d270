/* Decode and emulate a trapped MMIO access (pure logic, host-testable).
 *
 * A trapped page (the MSI-X table in msix=trap, the guest's xAPIC page)
 * faults in the nested page tables; the fault gives the address but not the
 * data, so the hv decodes the guest instruction at RIP. Only the plain MOV
 * forms compilers emit for volatile accesses are accepted (SDM vol 2, MOV,
 * MOVZX, MOVSX/MOVSXD); anything else is refused, never guessed at.
 */
#ifndef HV_MMIO_H
#define HV_MMIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/vcpu.h"

/* GPR index in struct vcpu_regs order (rax=0 .. rdi=5, rbp=6, r8..r15 =
 * 7..14); RSP is not in struct vcpu_regs. */
#define MMIO_REG_NONE   (-1)
#define MMIO_NR_REGS    15

struct mmio_access {
	uint8_t size;           /* memory access size: 1, 2, 4, 8 */
	uint8_t dst_size;       /* reads: destination register size */
	bool write;
	uint64_t value;         /* writes: the value to store, size bytes */
	int reg;                /* reads: destination GPR, else MMIO_REG_NONE */
	bool zero_extend;       /* MOVZX: size -> dst_size with zeros */
	bool sign_extend;       /* MOVSX/MOVSXD: size -> dst_size with sign */
	uint8_t len;            /* instruction length */
};

/* Decode the 64-bit mode instruction at bytes[0..avail) as an MMIO MOV
 * (88/89/8A/8B, C6/C7 /0, 0F B6/B7/BE/BF, REX.W 63) and, for a store, take
 * the value from regs. Returns the length, insn_decode's error for
 * undecodable or truncated bytes, or -EOPNOTSUPP for anything else
 * (string ops, LOCK/REP, mod=3, AH..BH, RSP/SPL operands). */
int mmio_decode(const uint8_t *bytes, size_t avail,
		const struct vcpu_regs *regs, struct mmio_access *out);

/* Complete a decoded read with the value loaded from the device: 32-bit
 * destinations zero-extend to 64, 8/16-bit ones keep the upper bits (SDM
 * vol 1, 3.4.1.1); MOVZX/MOVSX extend first. No-op for writes. */
void mmio_complete_read(struct vcpu_regs *regs, const struct mmio_access *a,
			uint64_t value);

#endif
