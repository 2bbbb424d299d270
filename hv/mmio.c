/* MMIO instruction emulation on top of the length decoder (hv/insn.c):
 * insn_decode finds prefixes, REX, opcode and ModRM; this file only
 * decides whether the opcode is a MOV it can emulate and where the data
 * goes. Operand rules: SDM vol 2, 2.2.1 (REX) and 3.1.1.3 (register codes).
 */
#include <errno.h>
#include <stddef.h>

#include "drivers/bits.h"
#include "hv/insn.h"
#include "hv/mmio.h"

/* Register encoding (ModRM.reg + REX.R, SDM vol 2, Table 2-2 / 3-1) to the
 * struct vcpu_regs index. RSP (4) lives in the VMCB/VMCS, not here. */
static const int8_t enc_to_reg[16] = {
	0, 2, 3, 1, MMIO_REG_NONE, 6, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14,
};

static const size_t reg_off[MMIO_NR_REGS] = {
	offsetof(struct vcpu_regs, rax), offsetof(struct vcpu_regs, rbx),
	offsetof(struct vcpu_regs, rcx), offsetof(struct vcpu_regs, rdx),
	offsetof(struct vcpu_regs, rsi), offsetof(struct vcpu_regs, rdi),
	offsetof(struct vcpu_regs, rbp), offsetof(struct vcpu_regs, r8),
	offsetof(struct vcpu_regs, r9),  offsetof(struct vcpu_regs, r10),
	offsetof(struct vcpu_regs, r11), offsetof(struct vcpu_regs, r12),
	offsetof(struct vcpu_regs, r13), offsetof(struct vcpu_regs, r14),
	offsetof(struct vcpu_regs, r15),
};

static uint64_t *reg_ptr(struct vcpu_regs *regs, int reg)
{
	return (uint64_t *)((char *)regs + reg_off[reg]);
}

static uint64_t reg_get(const struct vcpu_regs *regs, int reg)
{
	return *(const uint64_t *)((const char *)regs + reg_off[reg]);
}

static uint64_t size_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : BIT(8 * size) - 1;
}

static uint64_t sext(uint64_t v, unsigned int size)
{
	unsigned int shift = 64 - 8 * size;

	return (uint64_t)((int64_t)(v << shift) >> shift);
}

/* The ModRM.reg operand as a vcpu_regs index. Byte operands 4-7 without
 * REX are AH, CH, DH, BH (SDM vol 2, 3.7.2.1): refused, as is RSP/SPL. */
static int modrm_reg(const struct insn *in, unsigned int size)
{
	unsigned int enc = FIELD_GET(INSN_MODRM_REG, in->modrm);

	if (in->rex & INSN_REX_R)
		enc += 8;
	if (size == 1 && !in->rex && enc >= 4)
		return -EOPNOTSUPP;
	if (enc_to_reg[enc] == MMIO_REG_NONE)
		return -EOPNOTSUPP;
	return enc_to_reg[enc];
}

/* One-byte map: 88/89 store, 8A/8B load, C6/C7 /0 store immediate. */
static int decode_1b(const struct insn *in, struct mmio_access *a)
{
	bool byte = !(in->opcode & 1);

	a->size = byte ? 1 : in->opsize;
	a->dst_size = a->size;
	switch (in->opcode) {
	case 0x88: case 0x89:
		a->write = true;
		return modrm_reg(in, a->size);
	case 0x8a: case 0x8b:
		return modrm_reg(in, a->size);
	case 0xc6: case 0xc7:
		if (FIELD_GET(INSN_MODRM_REG, in->modrm) != 0)
			return -EOPNOTSUPP;     /* /7 is XABORT/XBEGIN */
		a->write = true;
		/* C7 with REX.W: imm32 sign-extended to 64 (SDM vol 2, MOV) */
		a->value = sext(in->imm, in->imm_len) & size_mask(a->size);
		return MMIO_REG_NONE;
	case 0x63:
		if (!(in->rex & INSN_REX_W))
			return -EOPNOTSUPP;     /* MOVSXD without REX.W */
		a->size = 4;
		a->dst_size = 8;
		a->sign_extend = true;
		return modrm_reg(in, 8);
	default:
		return -EOPNOTSUPP;
	}
}

/* Two-byte map: MOVZX 0F B6/B7, MOVSX 0F BE/BF (SDM vol 2, MOVZX, MOVSX). */
static int decode_0f(const struct insn *in, struct mmio_access *a)
{
	switch (in->opcode) {
	case 0xb6: case 0xb7:
		a->zero_extend = true;
		break;
	case 0xbe: case 0xbf:
		a->sign_extend = true;
		break;
	default:
		return -EOPNOTSUPP;
	}
	a->size = in->opcode & 1 ? 2 : 1;
	a->dst_size = in->opsize;
	return modrm_reg(in, a->dst_size);
}

int mmio_decode(const uint8_t *bytes, size_t avail,
		const struct vcpu_regs *regs, struct mmio_access *out)
{
	struct insn in = { 0 };
	struct mmio_access a = { .reg = MMIO_REG_NONE };
	int len = insn_decode(bytes, avail, INSN_MODE_64, &in);
	int reg;

	if (len < 0)
		return len;
	/* LOCK/REP change or forbid the memory semantics; mod=3 has no
	 * memory operand; string ops (A4-AB) have no ModRM at all. */
	if (in.lock || in.rep || in.repne || !in.has_modrm ||
	    FIELD_GET(INSN_MODRM_MOD, in.modrm) == 3)
		return -EOPNOTSUPP;
	if (in.opcode_map == INSN_MAP_1B)
		reg = decode_1b(&in, &a);
	else if (in.opcode_map == INSN_MAP_0F)
		reg = decode_0f(&in, &a);
	else
		reg = -EOPNOTSUPP;
	if (reg < MMIO_REG_NONE)
		return reg;     /* a negative errno (all are below -1 here) */
	if (a.write && reg >= 0)
		a.value = reg_get(regs, reg) & size_mask(a.size);
	else if (!a.write)
		a.reg = reg;
	a.len = (uint8_t)len;
	*out = a;
	return len;
}

void mmio_complete_read(struct vcpu_regs *regs, const struct mmio_access *a,
			uint64_t value)
{
	uint64_t *dst, mask;

	if (a->write || a->reg < 0 || a->reg >= MMIO_NR_REGS)
		return;
	value &= size_mask(a->size);
	if (a->sign_extend)
		value = sext(value, a->size);
	dst = reg_ptr(regs, a->reg);
	mask = size_mask(a->dst_size);
	if (a->dst_size == 4)
		*dst = value & mask;    /* SDM vol 1, 3.4.1.1: zero-extends */
	else
		*dst = (*dst & ~mask) | (value & mask);
}
