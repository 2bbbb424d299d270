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

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/insn.h"
#include "hv/vcpu.h"

/* GPR index in struct vcpu_regs order (rax=0 .. rdi=5, rbp=6, r8..r15 =
 * 7..14); RSP is not in struct vcpu_regs. */
#define MMIO_REG_NONE   (-1)
#define MMIO_NR_REGS    15

/* What an MMIO MOV does, from its bytes alone: no register values, so it
 * can be kept with the bytes (struct mmio_dcache). */
struct mmio_op {
	uint8_t len;            /* instruction length; 0: no operation */
	uint8_t size;           /* memory access size: 1, 2, 4, 8 */
	uint8_t dst_size;       /* loads: destination register size */
	bool write;
	bool zero_extend;       /* MOVZX: size -> dst_size with zeros */
	bool sign_extend;       /* MOVSX/MOVSXD: size -> dst_size with sign */
	int8_t reg;             /* the GPR operand (a store's source, a load's
				   destination); MMIO_REG_NONE: immediate */
	uint64_t imm;           /* immediate stores: the value, size bytes */
};

/* One access as emulated: the operation with a store's value taken. */
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
 * (88/89/8A/8B, C6/C7 /0, 0F B6/B7/BE/BF, REX.W 63). Returns the length,
 * insn_decode's error for undecodable or truncated bytes, or -EOPNOTSUPP
 * for anything else (string ops, LOCK/REP, mod=3, AH..BH, RSP/SPL
 * operands). The result depends on bytes[0..length) only. */
int mmio_decode_op(const uint8_t *bytes, size_t avail, struct mmio_op *op);

/* The access op makes with the registers regs: a store's value. */
void mmio_access_of(const struct mmio_op *op, const struct vcpu_regs *regs,
		    struct mmio_access *a);

/* mmio_decode_op, then mmio_access_of. */
int mmio_decode(const uint8_t *bytes, size_t avail,
		const struct vcpu_regs *regs, struct mmio_access *out);

/* Complete a decoded read with the value loaded from the device: 32-bit
 * destinations zero-extend to 64, 8/16-bit ones keep the upper bits (SDM
 * vol 1, 3.4.1.1); MOVZX/MOVSX extend first. No-op for writes. */
void mmio_complete_read(struct vcpu_regs *regs, const struct mmio_access *a,
			uint64_t value);

/* Decode cache: the MMIO operations decoded at recent instruction
 * addresses, kept with their bytes. An entry is found by (CR3, linear RIP,
 * mode) and used only when the bytes fetched at RIP for this exit equal
 * the kept ones over the instruction's length: a decode depends on those
 * bytes and the mode alone (mmio_decode_op), so a hit is exactly the
 * decode of what is at RIP now, whatever the guest rewrote or remapped
 * since. The key only picks the candidate. Direct-mapped; a fill evicts
 * the entry in its slot. Zero-filled memory is an empty cache. 64 slots:
 * with 16, two of the guest's few MSI-X table writes shared a slot and
 * `msix-update.rewrite` decoded on every iteration (`info`: 534 of 972
 * lookups missed; 6,963 ticks against 4,653 with 64). */
#define MMIO_DCACHE_BITS	6
#define MMIO_DCACHE_SIZE	(1u << MMIO_DCACHE_BITS)

struct mmio_dcache_entry {
	uint64_t cr3, lin;
	uint64_t head;          /* bytes[0..8), zero past the length */
	uint64_t head_mask;     /* the bytes of head that are instruction */
	uint64_t tail;          /* bytes[len-8..len) when len > 8 */
	uint8_t bytes[INSN_MAX_LEN];
	uint8_t mode;           /* enum insn_mode */
	struct mmio_op op;      /* op.len == 0: empty */
};

struct mmio_dcache {
	struct mmio_dcache_entry e[MMIO_DCACHE_SIZE];
	uint64_t lookups, misses;	/* for `info` */
};

/* Where an instruction was: its page tables (CR3 as loaded), its linear
 * address and the mode it ran in. */
struct mmio_dcache_key {
	uint64_t cr3, lin;
	enum insn_mode mode;
};

/* The slot a linear address maps to; the same for every CR3 and mode. */
static inline unsigned int mmio_dcache_slot(uint64_t lin)
{
	return (unsigned int)((lin * 0x9e3779b97f4a7c15ULL) >> (64 - MMIO_DCACHE_BITS));
}

static inline uint64_t mmio_load_le64(const uint8_t *p)
{
	uint64_t v;

	__builtin_memcpy(&v, p, sizeof(v));     /* one unaligned load */
	return v;
}

/* Do bytes[0..avail) start with the entry's instruction? Eight bytes at a
 * time where avail allows (the head, then the last eight), else byte by
 * byte. */
static inline bool mmio_dcache_match(const struct mmio_dcache_entry *e, const uint8_t *bytes,
				      size_t avail)
{
	size_t len = e->op.len;

	if (avail < len)
		return false;
	if (avail < sizeof(uint64_t)) {
		for (size_t i = 0; i < len; i++)
			if (bytes[i] != e->bytes[i])
				return false;
		return true;
	}
	if ((mmio_load_le64(bytes) & e->head_mask) != e->head)
		return false;
	return len <= sizeof(uint64_t) ||
	       mmio_load_le64(bytes + len - sizeof(uint64_t)) == e->tail;
}

/* The kept operation for k whose bytes begin bytes[0..avail), or NULL.
 * Inline: it is the whole of a warm MMIO exit's decoding. */
static inline const struct mmio_op *mmio_dcache_find(const struct mmio_dcache *c,
						     const struct mmio_dcache_key *k,
						     const uint8_t *bytes, size_t avail)
{
	const struct mmio_dcache_entry *e = &c->e[mmio_dcache_slot(k->lin)];

	if (e->op.len && e->lin == k->lin && e->cr3 == k->cr3 && e->mode == k->mode &&
	    mmio_dcache_match(e, bytes, avail))
		return &e->op;
	return NULL;
}

/* Keep op, decoded from bytes[0..op->len), under k (evicting the slot's
 * entry). NULL for an op without a valid length. */
const struct mmio_op *mmio_dcache_fill(struct mmio_dcache *c, const struct mmio_dcache_key *k,
				       const uint8_t *bytes, const struct mmio_op *op);

/* A miss: mmio_decode_op, and the result kept (mmio_dcache_fill). */
int mmio_dcache_miss(struct mmio_dcache *c, const struct mmio_dcache_key *k,
		     const uint8_t *bytes, size_t avail, const struct mmio_op **op);

/* The operation at k: from the cache, else decoded (64-bit mode only,
 * -EOPNOTSUPP in any other) and kept. Returns the length or
 * mmio_decode_op's error; *op points into the cache. */
static inline int mmio_decode_cached(struct mmio_dcache *c, const struct mmio_dcache_key *k,
				     const uint8_t *bytes, size_t avail,
				     const struct mmio_op **op)
{
	if (k->mode != INSN_MODE_64)
		return -EOPNOTSUPP;
	c->lookups++;
	*op = mmio_dcache_find(c, k, bytes, avail);
	if (*op)
		return (*op)->len;
	return mmio_dcache_miss(c, k, bytes, avail, op);
}

#endif
