/* MMIO instruction emulation on top of the length decoder (hv/insn.c):
 * insn_decode finds prefixes, REX, opcode and ModRM; this file only
 * decides whether the opcode is a MOV it can emulate and where the data
 * goes. Operand rules: SDM vol 2, 2.2.1 (REX) and 3.1.1.3 (register codes).
 */
#include <errno.h>
#include <stdbool.h>
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
static int decode_1b(const struct insn *in, struct mmio_op *op)
{
	bool byte = !(in->opcode & 1);

	op->size = byte ? 1 : in->opsize;
	op->dst_size = op->size;
	switch (in->opcode) {
	case 0x88: case 0x89:
		op->write = true;
		return modrm_reg(in, op->size);
	case 0x8a: case 0x8b:
		return modrm_reg(in, op->size);
	case 0xc6: case 0xc7:
		if (FIELD_GET(INSN_MODRM_REG, in->modrm) != 0)
			return -EOPNOTSUPP;     /* /7 is XABORT/XBEGIN */
		op->write = true;
		/* C7 with REX.W: imm32 sign-extended to 64 (SDM vol 2, MOV) */
		op->imm = sext(in->imm, in->imm_len) & size_mask(op->size);
		return MMIO_REG_NONE;
	case 0x63:
		if (!(in->rex & INSN_REX_W))
			return -EOPNOTSUPP;     /* MOVSXD without REX.W */
		op->size = 4;
		op->dst_size = 8;
		op->sign_extend = true;
		return modrm_reg(in, 8);
	default:
		return -EOPNOTSUPP;
	}
}

/* Two-byte map: MOVZX 0F B6/B7, MOVSX 0F BE/BF (SDM vol 2, MOVZX, MOVSX). */
static int decode_0f(const struct insn *in, struct mmio_op *op)
{
	switch (in->opcode) {
	case 0xb6: case 0xb7:
		op->zero_extend = true;
		break;
	case 0xbe: case 0xbf:
		op->sign_extend = true;
		break;
	default:
		return -EOPNOTSUPP;
	}
	op->size = in->opcode & 1 ? 2 : 1;
	op->dst_size = in->opsize;
	return modrm_reg(in, op->dst_size);
}

int mmio_decode_op(const uint8_t *bytes, size_t avail, struct mmio_op *op)
{
	struct mmio_op o = { 0 };
	struct insn in;
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
		reg = decode_1b(&in, &o);
	else if (in.opcode_map == INSN_MAP_0F)
		reg = decode_0f(&in, &o);
	else
		reg = -EOPNOTSUPP;
	if (reg < MMIO_REG_NONE)
		return reg;     /* a negative errno (all are below -1 here) */
	o.reg = (int8_t)reg;
	o.len = (uint8_t)len;
	*op = o;
	return len;
}

void mmio_access_of(const struct mmio_op *op, const struct vcpu_regs *regs,
		    struct mmio_access *a)
{
	a->size = op->size;
	a->dst_size = op->dst_size;
	a->write = op->write;
	a->zero_extend = op->zero_extend;
	a->sign_extend = op->sign_extend;
	a->len = op->len;
	a->reg = op->write ? MMIO_REG_NONE : op->reg;
	if (!op->write)
		a->value = 0;
	else if (op->reg == MMIO_REG_NONE)
		a->value = op->imm;
	else
		a->value = reg_get(regs, op->reg) & size_mask(op->size);
}

int mmio_decode(const uint8_t *bytes, size_t avail,
		const struct vcpu_regs *regs, struct mmio_access *out)
{
	struct mmio_op op;
	int len = mmio_decode_op(bytes, avail, &op);

	if (len >= 0)
		mmio_access_of(&op, regs, out);
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

/* ---- decode cache (lookups are inline in hv/mmio.h) ---- */

const struct mmio_op *mmio_dcache_fill(struct mmio_dcache *c, const struct mmio_dcache_key *k,
				       const uint8_t *bytes, const struct mmio_op *op)
{
	struct mmio_dcache_entry *e = &c->e[mmio_dcache_slot(k->lin)];
	uint8_t padded[2 * sizeof(uint64_t)] = { 0 };
	size_t len = op->len;

	if (len < 1 || len > INSN_MAX_LEN)
		return NULL;
	for (size_t i = 0; i < len; i++)
		padded[i] = e->bytes[i] = bytes[i];
	e->head_mask = size_mask(len < sizeof(uint64_t) ? (unsigned int)len : 8);
	e->head = mmio_load_le64(padded);
	e->tail = len > sizeof(uint64_t) ? mmio_load_le64(padded + len - sizeof(uint64_t)) : 0;
	e->cr3 = k->cr3;
	e->lin = k->lin;
	e->mode = (uint8_t)k->mode;
	e->op = *op;
	return &e->op;
}

int mmio_dcache_miss(struct mmio_dcache *c, const struct mmio_dcache_key *k,
		     const uint8_t *bytes, size_t avail, const struct mmio_op **op)
{
	struct mmio_op fresh;
	int len = mmio_decode_op(bytes, avail, &fresh);

	c->misses++;
	if (len >= 0 && !(*op = mmio_dcache_fill(c, k, bytes, &fresh)))
		return -EINVAL;	/* not a length mmio_decode_op returns */
	return len;
}
