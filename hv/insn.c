/* x86 instruction length decoder: prefixes, then one flag word per opcode
 * from the tables below, then ModRM/SIB/displacement and immediates.
 * Layout of an instruction: SDM vol 2, 2.1 (Figure 2-1); APM vol 3, 1.1.
 */
#include <errno.h>

#include "drivers/bits.h"
#include "hv/insn.h"

/* Per-opcode flags. */
#define F_M     BIT(0)  /* ModRM follows */
#define F_I8    BIT(1)  /* imm8 */
#define F_I16   BIT(2)  /* imm16 (iw) */
#define F_IZ    BIT(3)  /* imm16 with 16-bit operand size, else imm32 */
#define F_IV    BIT(4)  /* imm16/32/64 by operand size (B8-BF) */
#define F_MOFFS BIT(5)  /* absolute offset of address size (A0-A3) */
#define F_PTR   BIT(6)  /* far pointer: offset16/32 then selector16 */
#define F_D64   BIT(7)  /* operand size defaults to 64 in 64-bit mode */
#define F_X64   BIT(8)  /* invalid in 64-bit mode */
#define F_X     BIT(9)  /* invalid (undefined or unsupported) */
#define F_MEM   BIT(10) /* mod=3 is invalid (or a VEX/EVEX form) */
#define F_GRP   BIT(11) /* see grp_table: depends on ModRM.reg */
#define F_MREG  BIT(12) /* mod ignored, register form (MOV CRn/DRn) */
#define F_PFX   BIT(13) /* prefix, consumed before the table lookup */
#define F_ESC   BIT(14) /* escape to the next opcode map */

/* Short names for the tables only. */
#define M       F_M
#define I8      F_I8
#define IZ      F_IZ
#define D64     F_D64
#define X64     F_X64
#define X       F_X
#define PFX     F_PFX
#define ESC     F_ESC
#define ALU     M, M, M, M, I8, IZ  /* 00-05 pattern of the ALU rows */
#define M8      M, M, M, M, M, M, M, M
#define M16     M8, M8

/* One-byte map: SDM vol 2, Table A-2; APM vol 3, Table A-1. In 64-bit mode
 * 40-4F are REX (consumed as prefixes) and C4, C5, 62 introduce VEX/EVEX,
 * which this decoder does not support: they are -EINVAL there. */
static const uint16_t map_1b[256] = {
/* 00 */ ALU, X64, X64, ALU, X64, ESC,
/* 10 */ ALU, X64, X64, ALU, X64, X64,
/* 20 */ ALU, PFX, X64, ALU, PFX, X64,
/* 30 */ ALU, PFX, X64, ALU, PFX, X64,
/* 40 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
/* 50 */ D64, D64, D64, D64, D64, D64, D64, D64,
	 D64, D64, D64, D64, D64, D64, D64, D64,
/* 60 */ X64, X64, M | F_MEM | X64, M, PFX, PFX, PFX, PFX,
	 IZ | D64, M | IZ, I8 | D64, M | I8, 0, 0, 0, 0,
/* 70 */ I8 | D64, I8 | D64, I8 | D64, I8 | D64, I8 | D64, I8 | D64,
	 I8 | D64, I8 | D64, I8 | D64, I8 | D64, I8 | D64, I8 | D64,
	 I8 | D64, I8 | D64, I8 | D64, I8 | D64,
/* 80 */ M | I8, M | IZ, M | I8 | X64, M | I8, M, M, M, M,
	 M, M, M, M, M, M | F_MEM, M, M | F_GRP,
/* 90 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, F_PTR | X64, 0, D64, D64, 0, 0,
/* A0 */ F_MOFFS, F_MOFFS, F_MOFFS, F_MOFFS, 0, 0, 0, 0,
	 I8, IZ, 0, 0, 0, 0, 0, 0,
/* B0 */ I8, I8, I8, I8, I8, I8, I8, I8,
	 F_IV, F_IV, F_IV, F_IV, F_IV, F_IV, F_IV, F_IV,
/* C0 */ M | I8, M | I8, F_I16 | D64, D64, M | F_MEM | X64, M | F_MEM | X64,
	 M | I8 | F_GRP, M | IZ | F_GRP,
	 F_I16 | I8 | D64, D64, F_I16, 0, 0, I8, X64, 0,
/* D0 */ M, M, M, M, I8 | X64, I8 | X64, X64, 0, M8,
/* E0 */ I8 | D64, I8 | D64, I8 | D64, I8 | D64, I8, I8, I8, I8,
	 IZ | D64, IZ | D64, F_PTR | X64, I8 | D64, 0, 0, 0, 0,
/* F0 */ PFX, 0, PFX, PFX, 0, 0, M | I8 | F_GRP, M | IZ | F_GRP,
	 0, 0, 0, 0, 0, 0, M | F_GRP, M | F_GRP,
};

/* Two-byte map 0F xx: SDM vol 2, Table A-3; APM vol 3, Table A-4. SSE and
 * MMX rows all take ModRM; the mandatory prefix never changes the length
 * except for AMD SSE4a EXTRQ/INSERTQ (see sse4a_imm). */
static const uint16_t map_0f[256] = {
/* 00 */ M | F_GRP, M, M, M, X, 0, 0, 0, 0, 0, X, 0, X, M, 0, M | I8,
/* 10 */ M16,
/* 20 */ M | F_MREG, M | F_MREG, M | F_MREG, M | F_MREG, X, X, X, X, M8,
/* 30 */ 0, 0, 0, 0, 0, 0, X, 0, ESC, X, ESC, X, X, X, X, X,
/* 40 */ M16,
/* 50 */ M16,
/* 60 */ M16,
/* 70 */ M | I8, M | I8, M | I8, M | I8, M, M, M, 0,
	 M, M, X, X, M, M, M, M,
/* 80 */ IZ | D64, IZ | D64, IZ | D64, IZ | D64, IZ | D64, IZ | D64,
	 IZ | D64, IZ | D64, IZ | D64, IZ | D64, IZ | D64, IZ | D64,
	 IZ | D64, IZ | D64, IZ | D64, IZ | D64,
/* 90 */ M16,
/* A0 */ D64, D64, 0, M, M | I8, M, X, X,
	 D64, D64, 0, M, M | I8, M, M, M,
/* B0 */ M, M, M | F_MEM, M, M | F_MEM, M | F_MEM, M, M,
	 M, M, M | I8 | F_GRP, M, M, M, M, M,
/* C0 */ M, M, M | I8, M | F_MEM, M | I8, M | I8, M | I8, M,
	 0, 0, 0, 0, 0, 0, 0, 0,
/* D0 */ M16,
/* E0 */ M16,
/* F0 */ M16,
};

/* Three-byte maps: every 0F 38 opcode takes ModRM, every 0F 3A opcode takes
 * ModRM and imm8 (SDM vol 2, Tables ). Undefined opcodes in these
 * maps are not rejected. */
#define MAP_0F38_FLAGS  F_M
#define MAP_0F3A_FLAGS  (F_M | F_I8)

#undef M
#undef I8
#undef IZ
#undef D64
#undef X64
#undef X
#undef PFX
#undef ESC
#undef ALU
#undef M8
#undef M16

/* Opcode groups whose validity, immediate or operand size depends on
 * ModRM.reg (SDM vol 2, Table A-6). Masks have bit n set for /n. */
struct insn_grp {
	uint8_t map, opcode;
	uint8_t valid;          /* defined /n */
	uint8_t imm;            /* /n that take the opcode's immediate */
	uint8_t d64;            /* /n with 64-bit default operand size */
};

static const struct insn_grp grp_table[] = {
	{ INSN_MAP_1B, 0x8f, 0x01, 0xff, 0x01 },   /* POP; /1-/7 is XOP */
	{ INSN_MAP_1B, 0xc6, 0x81, 0xff, 0x00 },   /* MOV; /7 XABORT */
	{ INSN_MAP_1B, 0xc7, 0x81, 0xff, 0x00 },   /* MOV; /7 XBEGIN */
	{ INSN_MAP_1B, 0xf6, 0xff, 0x03, 0x00 },   /* /0 /1 TEST imm */
	{ INSN_MAP_1B, 0xf7, 0xff, 0x03, 0x00 },
	{ INSN_MAP_1B, 0xfe, 0x03, 0xff, 0x00 },   /* INC, DEC */
	{ INSN_MAP_1B, 0xff, 0x7f, 0xff, 0x54 },   /* /2 /4 /6 near */
	{ INSN_MAP_0F, 0x00, 0x3f, 0xff, 0x00 },   /* SLDT..VERW */
	{ INSN_MAP_0F, 0xba, 0xf0, 0xff, 0x00 },   /* BT, BTS, BTR, BTC */
};

/* Decoder state: the input window and the read position. */
struct insn_dec {
	const uint8_t *bytes;
	size_t avail;
	size_t pos;
	enum insn_mode mode;
	bool p66, p67;
};

static int fetch(struct insn_dec *d, uint8_t *b)
{
	if (d->pos >= INSN_MAX_LEN)
		return -E2BIG;
	if (d->pos >= d->avail)
		return -ENODATA;
	*b = d->bytes[d->pos++];
	return 0;
}

static int seg_prefix(uint8_t b)
{
	switch (b) {
	case 0x26: return INSN_SEG_ES;
	case 0x2e: return INSN_SEG_CS;
	case 0x36: return INSN_SEG_SS;
	case 0x3e: return INSN_SEG_DS;
	case 0x64: return INSN_SEG_FS;
	case 0x65: return INSN_SEG_GS;
	default:   return -1;
	}
}

/* Apply one legacy prefix; false if b is not one. For F2/F3 the last one
 * wins (APM vol 3, 1.2.6). Segment overrides are recorded in every mode;
 * in 64-bit mode ES/CS/SS/DS bases are zero anyway (APM vol 2, 4.12.2). */
static bool legacy_prefix(struct insn_dec *d, struct insn *in, uint8_t b)
{
	int seg = seg_prefix(b);

	if (seg >= 0)
		in->seg_override = (int8_t)seg;
	else if (b == 0x66)
		d->p66 = true;
	else if (b == 0x67)
		d->p67 = true;
	else if (b == 0xf0)
		in->lock = true;
	else if (b == 0xf2)
		in->repne = true, in->rep = false;
	else if (b == 0xf3)
		in->rep = true, in->repne = false;
	else
		return false;
	return true;
}

/* Consume prefixes and return the first opcode byte in *op. A REX byte only
 * counts when it immediately precedes the opcode (SDM vol 2, 2.2.1). */
static int decode_prefixes(struct insn_dec *d, struct insn *in, uint8_t *op)
{
	for (;;) {
		int err = fetch(d, op);

		if (err)
			return err;
		if (legacy_prefix(d, in, *op)) {
			in->nprefix++;
			in->rex = 0;
		} else if (d->mode == INSN_MODE_64 && (*op & 0xf0) == 0x40) {
			in->rex = *op;
		} else {
			return 0;
		}
	}
}

/* Read the escape bytes 0F, 0F 38, 0F 3A and return the opcode's flags. */
static int decode_opcode(struct insn_dec *d, struct insn *in, uint8_t op,
			 uint16_t *flags)
{
	int err;

	in->opcode_map = INSN_MAP_1B;
	in->opcode = op;
	*flags = map_1b[op];
	if (!(*flags & F_ESC))
		return 0;

	err = fetch(d, &in->opcode);
	if (err)
		return err;
	in->opcode_map = INSN_MAP_0F;
	*flags = map_0f[in->opcode];
	if (!(*flags & F_ESC))
		return 0;

	in->opcode_map = in->opcode == 0x38 ? INSN_MAP_0F38 : INSN_MAP_0F3A;
	*flags = in->opcode == 0x38 ? MAP_0F38_FLAGS : MAP_0F3A_FLAGS;
	return fetch(d, &in->opcode);
}

/* Displacement size from mod/rm, 16-bit addressing (SDM vol 2, Table 2-1). */
static uint8_t disp_len_16(uint8_t mod, uint8_t rm)
{
	if (mod == 1)
		return 1;
	if (mod == 2 || (mod == 0 && rm == 6))
		return 2;
	return 0;
}

/* Displacement size for 32/64-bit addressing (SDM vol 2, Tables 2-2, 2-3):
 * rm=5 mod=0 is disp32 (RIP-relative in 64-bit mode, SDM vol 2, 2.2.1.6),
 * and so is SIB base=5 with mod=0. REX.B does not change either case. */
static uint8_t disp_len_32(uint8_t mod, uint8_t rm, uint8_t sib)
{
	if (mod == 1)
		return 1;
	if (mod == 2)
		return 4;
	if (mod == 0 && rm == 5)
		return 4;
	if (mod == 0 && rm == 4 && FIELD_GET(INSN_SIB_BASE, sib) == 5)
		return 4;
	return 0;
}

static int decode_modrm(struct insn_dec *d, struct insn *in, uint16_t flags)
{
	uint8_t mod, rm;
	int err = fetch(d, &in->modrm);

	if (err)
		return err;
	in->has_modrm = true;
	mod = FIELD_GET(INSN_MODRM_MOD, in->modrm);
	rm = FIELD_GET(INSN_MODRM_RM, in->modrm);
	if (flags & F_MREG)
		return 0;       /* SDM vol 2, MOV CRn: "mod bits are ignored" */
	if (mod == 3)
		return flags & F_MEM ? -EINVAL : 0;
	if (in->addrsize == 2) {
		in->disp_len = disp_len_16(mod, rm);
		return 0;
	}
	if (rm == 4) {
		err = fetch(d, &in->sib);
		if (err)
			return err;
		in->has_sib = true;
	}
	in->disp_len = disp_len_32(mod, rm, in->sib);
	in->rip_relative = d->mode == INSN_MODE_64 && mod == 0 && rm == 5;
	return 0;
}

static const struct insn_grp *grp_find(uint8_t map, uint8_t opcode)
{
	for (size_t i = 0; i < ARRAY_SIZE(grp_table); i++)
		if (grp_table[i].map == map && grp_table[i].opcode == opcode)
			return &grp_table[i];
	return NULL;
}

/* Apply the group rules: reject undefined /n, drop the immediate where /n
 * has none, and add the 64-bit default operand size. */
static int apply_group(struct insn *in, uint16_t *flags)
{
	const struct insn_grp *g = grp_find(in->opcode_map, in->opcode);
	uint8_t reg = FIELD_GET(INSN_MODRM_REG, in->modrm);

	if (!g)
		return 0;
	if (!(g->valid & BIT(reg)))
		return -EINVAL;
	if (in->opcode_map == INSN_MAP_1B && (in->opcode & 0xfe) == 0xc6 &&
	    reg == 7 && in->modrm != 0xf8)
		return -EINVAL; /* only C6 F8 XABORT, C7 F8 XBEGIN */
	if (!(g->imm & BIT(reg)))
		*flags &= ~(uint16_t)(F_I8 | F_IZ);
	if (g->d64 & BIT(reg))
		*flags |= F_D64;
	return 0;
}

static uint8_t address_size(enum insn_mode mode, bool p67)
{
	if (mode == INSN_MODE_64)
		return p67 ? 4 : 8;
	if (mode == INSN_MODE_32)
		return p67 ? 2 : 4;
	return p67 ? 4 : 2;
}

/* Operand size (SDM vol 2, 2.2.1.2 and Table 3-4). Near branches follow
 * AMD and QEMU: 66 selects 16 bits in 64-bit mode (APM vol 3, 1.2.7);
 * Intel CPUs ignore 66 on them, but there VMX reports the length. */
static uint8_t operand_size(enum insn_mode mode, bool p66, uint8_t rex,
			    bool d64)
{
	if (mode == INSN_MODE_64) {
		if (rex & INSN_REX_W)
			return 8;
		if (p66)
			return 2;
		return d64 ? 8 : 4;
	}
	if (mode == INSN_MODE_32)
		return p66 ? 2 : 4;
	return p66 ? 4 : 2;
}

/* AMD SSE4a: 66 0F 78 /0 ib ib (EXTRQ), F2 0F 78 /r ib ib (INSERTQ);
 * without a prefix 0F 78 is VMREAD (APM vol 4, EXTRQ, INSERTQ). */
static uint8_t sse4a_imm(const struct insn_dec *d, const struct insn *in)
{
	if (in->opcode_map != INSN_MAP_0F || in->opcode != 0x78)
		return 0;
	return d->p66 || in->repne ? 2 : 0;
}

static uint8_t imm_len(const struct insn_dec *d, const struct insn *in,
		       uint16_t flags)
{
	uint8_t n = sse4a_imm(d, in);

	if (flags & F_I8)
		n += 1;
	if (flags & F_I16)
		n += 2;
	if (flags & F_IZ)
		n += in->opsize == 2 ? 2 : 4;
	if (flags & F_IV)
		n += in->opsize;
	if (flags & F_PTR)
		n += (in->opsize == 2 ? 2 : 4) + 2;
	return n;
}

static uint64_t read_le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = (v << 8) | p[n];
	return v;
}

static int64_t sign_extend(uint64_t v, unsigned int bytes)
{
	unsigned int shift = 64 - 8 * bytes;

	return bytes ? (int64_t)(v << shift) >> shift : 0;
}

/* Check the total length against the limit and the input, then read the
 * displacement (or moffs) and immediate values that follow. */
static int read_operands(struct insn_dec *d, struct insn *in, bool moffs)
{
	size_t len = d->pos + in->disp_len + in->imm_len;
	uint64_t disp;

	if (len > INSN_MAX_LEN)
		return -E2BIG;
	if (len > d->avail)
		return -ENODATA;
	disp = read_le(d->bytes + d->pos, in->disp_len);
	in->disp = moffs ? (int64_t)disp : sign_extend(disp, in->disp_len);
	in->imm = read_le(d->bytes + d->pos + in->disp_len, in->imm_len);
	in->len = (uint8_t)len;
	return (int)len;
}

int insn_decode(const uint8_t *bytes, size_t avail, enum insn_mode mode,
		struct insn *out)
{
	struct insn_dec d = { .bytes = bytes, .avail = avail, .mode = mode };
	uint16_t flags;
	uint8_t op;
	int err;

	/* The builtin is inlined (a few stores, padding included); the hv's
	 * freestanding build would otherwise call the library memset. */
	__builtin_memset(out, 0, sizeof(*out));
	out->seg_override = -1;
	err = decode_prefixes(&d, out, &op);
	if (!err)
		err = decode_opcode(&d, out, op, &flags);
	if (err)
		return err;
	if ((flags & F_X) || (mode == INSN_MODE_64 && (flags & F_X64)))
		return -EINVAL;

	out->addrsize = address_size(mode, d.p67);
	if (flags & F_M) {
		err = decode_modrm(&d, out, flags);
		if (!err)
			err = apply_group(out, &flags);
		if (err)
			return err;
	}
	out->opsize = operand_size(mode, d.p66, out->rex, flags & F_D64);
	if (flags & F_MOFFS)
		out->disp_len = out->addrsize;
	out->imm_len = imm_len(&d, out, flags);
	return read_operands(&d, out, flags & F_MOFFS);
}
