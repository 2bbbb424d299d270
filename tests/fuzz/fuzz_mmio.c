/*
 * MMIO instruction decoder (hv/mmio.c) and the length decoder under it
 * (hv/insn.c), differentially against Capstone. Input: byte 0 picks the
 * mode for the length decoder (16, 32 or 64 bit), the next bytes are the
 * instruction (at most 15 are offered, as many as the input has).
 *
 * Length decoder, every mode: a length is 1..15 and within the bytes
 * offered; the same bytes cut to that length decode the same, one byte
 * shorter is -ENODATA; in every mode, for the instructions whose length
 * the hv needs (those that exit: CPUID, HLT, IN/OUT/INS/OUTS, RDMSR/WRMSR,
 * VMMCALL, and the MOVs an MMIO access decodes), Capstone agrees on the
 * length. (Elsewhere the two may differ on what is #UD anyway, e.g. UD0.)
 *
 * MMIO decoder, 64-bit mode: every instruction it accepts is, for Capstone,
 * a MOV, MOVZX, MOVSX or MOVSXD of the same length with one memory operand
 * of the same size, in the same direction, with the same register (same
 * width) or immediate; a store takes exactly that register's (or the
 * immediate's) low bytes; completing a load leaves the destination as the
 * SDM says (a reference written here, from Capstone's operands).
 *
 * Decode cache, 64-bit mode: whatever the cache holds (it lives across
 * inputs, keyed by a few addresses and two CR3s the input picks), the
 * operation mmio_decode_cached gives is the one mmio_decode_op gives for
 * the bytes offered now; the same bytes again hit; one byte changed inside
 * the instruction never hits.
 */
#include <capstone/capstone.h>
#include <errno.h>

#include "hv/insn.h"
#include "hv/mmio.h"
#include "tests/fuzz/fuzz.h"

/* Capstone in each mode, indexed by enum insn_mode. */
static csh cs[3];
_Static_assert(INSN_MODE_16 == 0 && INSN_MODE_32 == 1 && INSN_MODE_64 == 2,
	       "cs[] is indexed by enum insn_mode");

/* Capstone's names for each struct vcpu_regs index, by width 8, 4, 2, 1. */
static const x86_reg gpr_names[MMIO_NR_REGS][4] = {
	{ X86_REG_RAX, X86_REG_EAX, X86_REG_AX, X86_REG_AL },
	{ X86_REG_RBX, X86_REG_EBX, X86_REG_BX, X86_REG_BL },
	{ X86_REG_RCX, X86_REG_ECX, X86_REG_CX, X86_REG_CL },
	{ X86_REG_RDX, X86_REG_EDX, X86_REG_DX, X86_REG_DL },
	{ X86_REG_RSI, X86_REG_ESI, X86_REG_SI, X86_REG_SIL },
	{ X86_REG_RDI, X86_REG_EDI, X86_REG_DI, X86_REG_DIL },
	{ X86_REG_RBP, X86_REG_EBP, X86_REG_BP, X86_REG_BPL },
	{ X86_REG_R8, X86_REG_R8D, X86_REG_R8W, X86_REG_R8B },
	{ X86_REG_R9, X86_REG_R9D, X86_REG_R9W, X86_REG_R9B },
	{ X86_REG_R10, X86_REG_R10D, X86_REG_R10W, X86_REG_R10B },
	{ X86_REG_R11, X86_REG_R11D, X86_REG_R11W, X86_REG_R11B },
	{ X86_REG_R12, X86_REG_R12D, X86_REG_R12W, X86_REG_R12B },
	{ X86_REG_R13, X86_REG_R13D, X86_REG_R13W, X86_REG_R13B },
	{ X86_REG_R14, X86_REG_R14D, X86_REG_R14W, X86_REG_R14B },
	{ X86_REG_R15, X86_REG_R15D, X86_REG_R15W, X86_REG_R15B },
};

static int width_slot(unsigned size)
{
	switch (size) {
	case 8: return 0;
	case 4: return 1;
	case 2: return 2;
	case 1: return 3;
	default: return -1;
	}
}

/* Capstone register -> (index, width); false for anything else. */
static bool cs_reg_lookup(x86_reg r, int *idx, unsigned *size)
{
	static const unsigned sizes[4] = { 8, 4, 2, 1 };
	int i, w;

	for (i = 0; i < MMIO_NR_REGS; i++)
		for (w = 0; w < 4; w++)
			if (gpr_names[i][w] == r) {
				*idx = i;
				*size = sizes[w];
				return true;
			}
	return false;
}

static uint64_t mask_of(unsigned size)
{
	return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

static uint64_t *reg_slot(struct vcpu_regs *r, int idx)
{
	uint64_t *slots[MMIO_NR_REGS] = {
		&r->rax, &r->rbx, &r->rcx, &r->rdx, &r->rsi, &r->rdi, &r->rbp,
		&r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15,
	};

	return slots[idx];
}

/* Distinct bytes in every register, so a wrong register or width shows. */
static void regs_fill(struct vcpu_regs *r)
{
	int i;

	for (i = 0; i < MMIO_NR_REGS; i++)
		*reg_slot(r, i) = 0x8070605040302010ULL + 0x0101010101010101ULL * (uint64_t)i;
}

static bool exits_or_mmio(unsigned id)
{
	static const unsigned ids[] = {
		X86_INS_CPUID, X86_INS_HLT, X86_INS_IN, X86_INS_OUT, X86_INS_INSB,
		X86_INS_INSW, X86_INS_INSD, X86_INS_OUTSB, X86_INS_OUTSW, X86_INS_OUTSD,
		X86_INS_RDMSR, X86_INS_WRMSR, X86_INS_VMMCALL, X86_INS_MOV,
		X86_INS_MOVZX, X86_INS_MOVSX, X86_INS_MOVSXD,
	};
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (ids[i] == id)
			return true;
	return false;
}

static void check_length(const uint8_t *b, size_t avail, enum insn_mode mode)
{
	struct insn in, again;
	int len = insn_decode(b, avail, mode, &in), l2;
	cs_insn *ci;
	size_t n;

	FUZZ_CHECK(len == -EINVAL || len == -E2BIG || len == -ENODATA ||
		   (len >= 1 && len <= INSN_MAX_LEN && (size_t)len <= avail),
		   "insn_decode returned %d for %zu bytes", len, avail);
	if (len < 0)
		return;
	l2 = insn_decode(b, (size_t)len, mode, &again);
	FUZZ_CHECK(l2 == len && !memcmp(&in, &again, sizeof(in)),
		   "cut to its length %d it decodes as %d", len, l2);
	l2 = insn_decode(b, (size_t)len - 1, mode, &again);
	FUZZ_CHECK(l2 == -ENODATA, "one byte short of %d decodes as %d", len, l2);
	n = cs_disasm(cs[mode], b, avail, 0x1000, 1, &ci);
	if (n == 1 && exits_or_mmio(ci->id)) {
		FUZZ_CHECK(ci->size == (unsigned)len, "length %d, Capstone %u (%s %s)",
			   len, ci->size, ci->mnemonic, ci->op_str);
	}
	if (n)
		cs_free(ci, n);
}

/* The register after loading v into it as the instruction ci would. */
static uint64_t reference_load(const cs_insn *ci, uint64_t old, unsigned dst_size,
			       unsigned mem_size, uint64_t v)
{
	unsigned shift;

	v &= mask_of(mem_size);
	if (ci->id == X86_INS_MOVSX || ci->id == X86_INS_MOVSXD) {
		shift = 64 - 8 * mem_size;
		v = (uint64_t)((int64_t)(v << shift) >> shift);
	}
	v &= mask_of(dst_size);
	if (dst_size >= 4)
		return v;	/* 32-bit destinations zero the upper half */
	return (old & ~mask_of(dst_size)) | v;
}

/* Whether a LOCK, REP or REPNE byte is among the prefixes (Capstone 4
 * drops a REP it finds meaningless from cs_x86.prefix). */
static bool lock_or_rep(const uint8_t *b, size_t avail)
{
	static const uint8_t legacy[] = { 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67,
					  0xf0, 0xf2, 0xf3 };
	size_t i;

	for (i = 0; i < avail; i++) {
		if (b[i] == 0xf0 || b[i] == 0xf2 || b[i] == 0xf3)
			return true;
		if (!memchr(legacy, b[i], sizeof(legacy)) && (b[i] & 0xf0) != 0x40)
			return false;
	}
	return false;
}

static bool is_mov(unsigned id)
{
	return id == X86_INS_MOV || id == X86_INS_MOVZX || id == X86_INS_MOVSX ||
	       id == X86_INS_MOVSXD;
}

/* The decoder refused b: it may, for the forms mmio.h lists (LOCK/REP, no
 * memory operand, AH..BH, RSP/SPL, MOVSXD without REX.W) and for anything
 * not a MOV; a MOV of a GPR or an immediate to or from memory it must take,
 * except the moffs forms A0-A3, which compilers do not emit for a pointer
 * access. (Capstone 4 names MOVSXD's destination rax even without REX.W.) */
static void check_refusal(const uint8_t *b, size_t avail, int err)
{
	const cs_x86_op *other = NULL;
	bool has_mem = false;
	const cs_x86 *x;
	unsigned rsize;
	cs_insn *ci;
	int k, idx;
	size_t n;

	n = cs_disasm(cs[INSN_MODE_64], b, avail, 0x1000, 1, &ci);
	if (n != 1)
		return;
	x = &ci->detail->x86;
	if (is_mov(ci->id) && !lock_or_rep(b, avail) && x->op_count == 2 &&
	    !(x->opcode[0] >= 0xa0 && x->opcode[0] <= 0xa3) &&
	    !(ci->id == X86_INS_MOVSXD && !(x->rex & 8))) {
		for (k = 0; k < 2; k++) {
			if (x->operands[k].type == X86_OP_MEM)
				has_mem = true;
			else
				other = &x->operands[k];
		}
		FUZZ_CHECK(!has_mem || !other || (other->type == X86_OP_REG &&
						  !cs_reg_lookup(other->reg, &idx, &rsize)),
			   "refused (%d) %s %s", err, ci->mnemonic, ci->op_str);
	}
	cs_free(ci, n);
}

static void check_mmio(const uint8_t *b, size_t avail, uint64_t load_value)
{
	struct vcpu_regs regs, after;
	struct mmio_access a;
	const cs_x86_op *mem = NULL, *other = NULL;
	const cs_x86 *x;
	cs_insn *ci;
	int len, idx = -1, k;
	unsigned rsize = 0;
	size_t n;

	regs_fill(&regs);
	len = mmio_decode(b, avail, &regs, &a);
	if (len < 0) {
		check_refusal(b, avail, len);
		return;
	}
	n = cs_disasm(cs[INSN_MODE_64], b, avail, 0x1000, 1, &ci);
	FUZZ_CHECK(n == 1, "accepted (length %d) but Capstone does not decode it", len);
	x = &ci->detail->x86;
	FUZZ_CHECK(ci->id == X86_INS_MOV || ci->id == X86_INS_MOVZX ||
		   ci->id == X86_INS_MOVSX || ci->id == X86_INS_MOVSXD,
		   "accepted %s %s", ci->mnemonic, ci->op_str);
	FUZZ_CHECK(ci->size == (unsigned)len && a.len == len, "length %d, Capstone %u (%s %s)",
		   len, ci->size, ci->mnemonic, ci->op_str);
	FUZZ_CHECK(x->op_count == 2, "%s %s: %u operands", ci->mnemonic, ci->op_str, x->op_count);
	for (k = 0; k < 2; k++) {
		if (x->operands[k].type == X86_OP_MEM)
			mem = &x->operands[k];
		else
			other = &x->operands[k];
	}
	FUZZ_CHECK(mem && other, "%s %s: no memory operand", ci->mnemonic, ci->op_str);
	FUZZ_CHECK(mem->size == a.size, "%s %s: access size %u, Capstone %u", ci->mnemonic,
		   ci->op_str, a.size, mem->size);
	FUZZ_CHECK(a.write == (mem == &x->operands[0]), "%s %s: decoded as a %s", ci->mnemonic,
		   ci->op_str, a.write ? "store" : "load");
	FUZZ_CHECK(a.zero_extend == (ci->id == X86_INS_MOVZX) &&
		   a.sign_extend == (ci->id == X86_INS_MOVSX || ci->id == X86_INS_MOVSXD),
		   "%s %s: extension zx %d sx %d", ci->mnemonic, ci->op_str, a.zero_extend,
		   a.sign_extend);
	if (other->type == X86_OP_IMM) {
		FUZZ_CHECK(a.write && a.reg == MMIO_REG_NONE &&
			   a.value == ((uint64_t)other->imm & mask_of(a.size)),
			   "%s %s: value 0x%llx", ci->mnemonic, ci->op_str,
			   (unsigned long long)a.value);
		goto out;
	}
	FUZZ_CHECK(other->type == X86_OP_REG && cs_reg_lookup(other->reg, &idx, &rsize),
		   "%s %s: register operand not a GPR the hv holds", ci->mnemonic, ci->op_str);
	if (a.write) {
		FUZZ_CHECK(rsize == a.size && a.value == (*reg_slot(&regs, idx) & mask_of(a.size)),
			   "%s %s: stores 0x%llx", ci->mnemonic, ci->op_str,
			   (unsigned long long)a.value);
		goto out;
	}
	FUZZ_CHECK(a.reg == idx && a.dst_size == rsize && width_slot(rsize) >= 0,
		   "%s %s: loads into register %d width %u", ci->mnemonic, ci->op_str, a.reg,
		   a.dst_size);
	after = regs;
	mmio_complete_read(&after, &a, load_value);
	FUZZ_CHECK(*reg_slot(&after, idx) == reference_load(ci, *reg_slot(&regs, idx), rsize,
							      mem->size, load_value),
		   "%s %s: loading 0x%llx leaves 0x%llx", ci->mnemonic, ci->op_str,
		   (unsigned long long)load_value, (unsigned long long)*reg_slot(&after, idx));
	*reg_slot(&after, idx) = *reg_slot(&regs, idx);
	FUZZ_CHECK(!memcmp(&after, &regs, sizeof(regs)), "%s %s: another register changed",
		   ci->mnemonic, ci->op_str);
out:
	cs_free(ci, n);
}

static void check_same_op(const struct mmio_op *a, const struct mmio_op *b, const char *what)
{
	FUZZ_CHECK(a->len == b->len && a->size == b->size && a->dst_size == b->dst_size &&
		   a->write == b->write && a->zero_extend == b->zero_extend &&
		   a->sign_extend == b->sign_extend && a->reg == b->reg && a->imm == b->imm,
		   "%s: cached len %u size %u reg %d imm 0x%llx, decoded len %u size %u reg %d "
		   "imm 0x%llx", what, a->len, a->size, a->reg, (unsigned long long)a->imm,
		   b->len, b->size, b->reg, (unsigned long long)b->imm);
}

/* The cache against a fresh decode; flip (from the input) picks a byte
 * and bits to change after the first two lookups. */
static void check_cache(uint8_t *b, size_t avail, uint8_t sel, uint8_t flip)
{
	static struct mmio_dcache cache;
	struct mmio_dcache_key k = { sel & 0x80 ? 0x2000 : 0x1000,
				     0x401000 + (sel >> 3 & 7), INSN_MODE_64 };
	const struct mmio_op *op;
	struct mmio_op fresh;
	int len = mmio_decode_op(b, avail, &fresh), got;
	uint8_t bit = (uint8_t)(1u << (flip & 7));
	size_t at;

	got = mmio_decode_cached(&cache, &k, b, avail, &op);
	FUZZ_CHECK(got == len, "cached decode %d, decode %d", got, len);
	if (len < 0)
		return;
	check_same_op(op, &fresh, "first");
	FUZZ_CHECK(mmio_dcache_find(&cache, &k, b, avail) == op, "the same bytes again miss");
	at = (size_t)(flip >> 3) % (size_t)len;
	b[at] ^= bit;
	FUZZ_CHECK(!mmio_dcache_find(&cache, &k, b, avail), "byte %zu changed: still a hit", at);
	len = mmio_decode_op(b, avail, &fresh);
	got = mmio_decode_cached(&cache, &k, b, avail, &op);
	FUZZ_CHECK(got == len, "changed byte %zu: cached decode %d, decode %d", at, got, len);
	if (len >= 0)
		check_same_op(op, &fresh, "changed");
	b[at] ^= bit;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum insn_mode modes[] = { INSN_MODE_64, INSN_MODE_32, INSN_MODE_16 };
	uint64_t load_value = 0xf1e2d3c4b5a69788ULL;
	size_t avail;
	uint8_t *b;

	if (!cs[INSN_MODE_64]) {
		FUZZ_CHECK(cs_open(CS_ARCH_X86, CS_MODE_16, &cs[INSN_MODE_16]) == CS_ERR_OK &&
			   cs_open(CS_ARCH_X86, CS_MODE_32, &cs[INSN_MODE_32]) == CS_ERR_OK &&
			   cs_open(CS_ARCH_X86, CS_MODE_64, &cs[INSN_MODE_64]) == CS_ERR_OK,
			   "cs_open");
		cs_option(cs[INSN_MODE_64], CS_OPT_DETAIL, CS_OPT_ON);
	}
	if (size < 2)
		return 0;
	avail = size - 1 < INSN_MAX_LEN ? size - 1 : INSN_MAX_LEN;
	b = malloc(avail);		/* exactly avail bytes readable */
	memcpy(b, data + 1, avail);
	if (size > 1 + INSN_MAX_LEN)
		memcpy(&load_value, data + 1 + INSN_MAX_LEN,
		       size - 1 - INSN_MAX_LEN < 8 ? size - 1 - INSN_MAX_LEN : 8);
	check_length(b, avail, modes[data[0] % 3]);
	check_mmio(b, avail, load_value);
	check_cache(b, avail, data[0], (uint8_t)load_value);
	free(b);
	return 0;
}
