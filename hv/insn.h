/* x86 instruction length decoder (pure logic, host-testable).
 *
 * SVM without NRIP save (QEMU TCG) gives no next-RIP on #VMEXIT, so the hv
 * decodes the guest instruction at RIP to find its length (APM vol 2,
 * 15.7.1). The decoder is table-driven and covers legacy, REX, the one-byte
 * map and the 0F, 0F 38 and 0F 3A maps. VEX, EVEX and XOP encodings are
 * reported as -EINVAL.
 */
#ifndef HV_INSN_H
#define HV_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/bits.h"

#define INSN_MAX_LEN    15      /* SDM vol 2, 2.3.11; APM vol 3, 1.1 */

enum insn_mode { INSN_MODE_16, INSN_MODE_32, INSN_MODE_64 };

enum insn_seg { INSN_SEG_ES, INSN_SEG_CS, INSN_SEG_SS, INSN_SEG_DS,
                INSN_SEG_FS, INSN_SEG_GS };

/* Opcode maps as stored in insn.opcode_map. */
#define INSN_MAP_1B     1       /* one-byte map */
#define INSN_MAP_0F     2
#define INSN_MAP_0F38   3
#define INSN_MAP_0F3A   4

/* ModRM and REX fields. */
#define INSN_MODRM_MOD  GENMASK(7, 6)
#define INSN_MODRM_REG  GENMASK(5, 3)
#define INSN_MODRM_RM   GENMASK(2, 0)
#define INSN_SIB_SCALE  GENMASK(7, 6)
#define INSN_SIB_INDEX  GENMASK(5, 3)
#define INSN_SIB_BASE   GENMASK(2, 0)
#define INSN_REX_W      BIT(3)
#define INSN_REX_R      BIT(2)
#define INSN_REX_X      BIT(1)
#define INSN_REX_B      BIT(0)

struct insn {
	uint8_t len;            /* total length in bytes */
	uint8_t nprefix;        /* legacy prefix bytes (REX not counted) */
	uint8_t rex;            /* effective REX byte or 0 */
	uint8_t opcode_map;     /* INSN_MAP_* */
	uint8_t opcode;         /* last opcode byte */
	bool has_modrm;
	uint8_t modrm;
	bool has_sib;
	uint8_t sib;
	bool rip_relative;      /* 64-bit mode, mod=0 rm=5: disp32 off RIP */
	uint8_t opsize;         /* effective operand size: 2, 4 or 8 */
	uint8_t addrsize;       /* effective address size: 2, 4 or 8 */
	bool rep, repne, lock;
	int8_t seg_override;    /* -1 or enum insn_seg (last one wins) */
	uint8_t disp_len;       /* displacement or moffs bytes */
	uint8_t imm_len;        /* immediate bytes (all of them, e.g. 3 for ENTER) */
	int64_t disp;           /* sign-extended disp; moffs zero-extended */
	uint64_t imm;           /* immediate bytes little-endian, zero-extended */
};

/* Decode the instruction at bytes[0..avail) in the given mode. Returns its
 * length (1..15), -EINVAL for an invalid or unsupported opcode, -E2BIG when
 * it would exceed 15 bytes, -ENODATA when avail is too short. */
int insn_decode(const uint8_t *bytes, size_t avail, enum insn_mode mode,
		struct insn *out);

#endif
