/*
 * Posted-format IRTE (VT-d 9.11) and posted-interrupt descriptor (VT-d
 * 9.12, SDM vol 3 29.6) against hand-computed bit positions, and the
 * IRTE write order when an entry changes to, from or between posted
 * entries (vtd_irt_store).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/vtd_posted.h"

#define TSIZE	16
#define OWNER	2
#define PID_PA	0x0000001234567880ULL	/* 64-byte aligned, above 4 GiB */

/* ---- IRTE encoding ---- */

static union vtd_irte posted(uint8_t vector, uint64_t pid_pa)
{
	struct vtd_irte_posted_params p = { .vector = vector, .pid_pa = pid_pa,
					    .sid = 0x0008, .svt = VTD_SVT_SID };
	union vtd_irte e;

	assert_int_equal(vtd_irte_encode_posted(&e, &p), 0);
	return e;
}

static void test_irte_posted_layout(void **state)
{
	struct vtd_irte_posted_params p;
	union vtd_irte e;

	(void)state;
	/* P (0), IM (15), vector 0x41 in 23:16, address bits 31:6 in 63:38
	 * (so lo[63:32] reads as the address's low dword); SID 8 in 79:64,
	 * SVT 1 in 83:82, address bits 63:32 in 127:96. */
	e = posted(0x41, PID_PA);
	assert_true(e.lo == 0x3456788000418001ULL);
	assert_true(e.hi == 0x0000001200040008ULL);
	assert_int_equal(e.p, 1);
	assert_int_equal(e.im, 1);
	assert_int_equal(e.vector, 0x41);
	assert_int_equal(e.sid, 8);
	assert_int_equal(e.svt, 1);
	assert_true(vtd_irte_posted_pid(&e) == PID_PA);

	/* FPD (1), URG (14), SQ 3 in 81:80, SVT 2 with a bus range, the
	 * highest address below 2^52. */
	p = (struct vtd_irte_posted_params){ .vector = 0xff, .pid_pa = 0x000fffffffffffc0ULL,
		.urgent = true, .fpd = true, .sid = 0x0305, .sq = 3, .svt = VTD_SVT_BUS };
	assert_int_equal(vtd_irte_encode_posted(&e, &p), 0);
	assert_true(e.lo == 0xffffffc000ffc003ULL);
	assert_true(e.hi == 0x000fffff000b0305ULL);
	assert_true(vtd_irte_posted_pid(&e) == 0x000fffffffffffc0ULL);

	/* Only the named bits: no reserved bit of either half is set. */
	assert_true((e.lo & VTD_PIRTE_LO_RSVD) == 0);
	assert_true((e.hi & VTD_PIRTE_HI_RSVD) == 0);
	assert_true(vtd_irte_posted_valid(&e));
}

/* The masks themselves, bit by bit against VT-d 9.11's table. */
static void test_irte_posted_masks(void **state)
{
	uint64_t lo_named = VTD_IRTE_P | VTD_IRTE_FPD | VTD_IRTE_AVAIL | VTD_PIRTE_URG |
			    VTD_IRTE_IM | VTD_IRTE_V | VTD_PIRTE_PDA_LO;
	uint64_t hi_named = VTD_IRTE_SID | VTD_IRTE_SQ | VTD_IRTE_SVT | VTD_PIRTE_PDA_HI;

	(void)state;
	assert_true(VTD_PIRTE_URG == 1ULL << 14);
	assert_true(VTD_IRTE_IM == 1ULL << 15);
	assert_true(VTD_PIRTE_PDA_LO == 0xffffffc000000000ULL);
	assert_true(VTD_PIRTE_PDA_HI == 0xffffffff00000000ULL);
	assert_true(VTD_PIRTE_LO_RSVD == 0x0000003fff0030fcULL);
	assert_true(VTD_PIRTE_HI_RSVD == 0x00000000fff00000ULL);
	/* Every bit is named or reserved, never both. */
	assert_true((lo_named & VTD_PIRTE_LO_RSVD) == 0);
	assert_true((lo_named | VTD_PIRTE_LO_RSVD) == ~0ULL);
	assert_true((hi_named & VTD_PIRTE_HI_RSVD) == 0);
	assert_true((hi_named | VTD_PIRTE_HI_RSVD) == ~0ULL);
}

static void test_irte_posted_refused(void **state)
{
	struct vtd_irte_posted_params ok = { .vector = 0x30, .pid_pa = PID_PA,
					     .svt = VTD_SVT_SID }, p;
	union vtd_irte e = { .lo = 0x1111, .hi = 0x2222 };

	(void)state;
	p = ok; p.vector = 15;
	assert_int_equal(vtd_irte_encode_posted(&e, &p), -EINVAL);
	p = ok; p.pid_pa = PID_PA + 8;		/* misaligned */
	assert_int_equal(vtd_irte_encode_posted(&e, &p), -EINVAL);
	p = ok; p.pid_pa = PID_PA + 32;
	assert_int_equal(vtd_irte_encode_posted(&e, &p), -EINVAL);
	p = ok; p.pid_pa = 0;
	assert_int_equal(vtd_irte_encode_posted(&e, &p), -EINVAL);
	p = ok; p.pid_pa = 1ULL << 52;		/* beyond any MAXPHYADDR */
	assert_int_equal(vtd_irte_encode_posted(&e, &p), -EINVAL);
	p = ok; p.svt = 3;
	assert_int_equal(vtd_irte_encode_posted(&e, &p), -EINVAL);
	p = ok; p.sq = 4;
	assert_int_equal(vtd_irte_encode_posted(&e, &p), -EINVAL);
	p = ok; p.svt = VTD_SVT_BUS; p.sid = 0x0503;	/* start bus > end bus */
	assert_int_equal(vtd_irte_encode_posted(&e, &p), -EINVAL);
	/* A refusal leaves the entry as it was. */
	assert_true(e.lo == 0x1111 && e.hi == 0x2222);
	p = ok; p.vector = 16;
	assert_int_equal(vtd_irte_encode_posted(&e, &p), 0);
}

static void test_irte_posted_valid(void **state)
{
	union vtd_irte good = posted(0x30, PID_PA), e;

	(void)state;
	assert_true(vtd_irte_posted_valid(&good));
	e = good; e.lo &= ~VTD_IRTE_P;
	assert_false(vtd_irte_posted_valid(&e));
	e = good; e.lo &= ~VTD_IRTE_IM;		/* remapped format */
	assert_false(vtd_irte_posted_valid(&e));
	e = good; e.lo |= 1ULL << 2;		/* reserved 7:2 */
	assert_false(vtd_irte_posted_valid(&e));
	e = good; e.lo |= 1ULL << 12;		/* reserved 13:12 */
	assert_false(vtd_irte_posted_valid(&e));
	e = good; e.lo |= 1ULL << 37;		/* reserved 37:24 */
	assert_false(vtd_irte_posted_valid(&e));
	e = good; e.hi |= 1ULL << 20;		/* reserved 95:84 */
	assert_false(vtd_irte_posted_valid(&e));
	e = good; e.hi |= 3ULL << 18;		/* SVT 3 */
	assert_false(vtd_irte_posted_valid(&e));
	e = good; e.lo &= ~VTD_IRTE_V;		/* vector 0 */
	assert_false(vtd_irte_posted_valid(&e));
	e = good; e.hi |= 1ULL << 52;		/* address bit 52 */
	assert_false(vtd_irte_posted_valid(&e));
	e = good; e.lo |= 1ULL << 8;		/* available: ignored by hardware */
	assert_true(vtd_irte_posted_valid(&e));
}

/* ---- descriptor ---- */

static struct vtd_pid pid_buf[2];

static void test_pid_layout(void **state)
{
	struct vtd_pid *d = &pid_buf[0];
	const uint8_t *b = (const uint8_t *)d;
	unsigned i;

	(void)state;
	memset(d, 0xa5, sizeof(*d));
	/* xAPIC: NV 0xf2 in 279:272 (byte 34), id 0x12 in NDST[15:8] = bits
	 * 303:296 (byte 37); PIR, ON, SN and the rest zero. */
	assert_int_equal(vtd_pid_init(d, 0xf2, 0x12, false), 0);
	assert_true(d->ctl == 0x0000120000f20000ULL);
	for (i = 0; i < 64; i++)
		assert_int_equal(b[i], i == 34 ? 0xf2 : i == 37 ? 0x12 : 0);
	assert_false(vtd_pid_on(d));

	/* x2APIC: the 32-bit id in 319:288, bytes 36..39 little-endian. */
	assert_int_equal(vtd_pid_init(d, 0x20, 0x12345678, true), 0);
	assert_true(d->ctl == 0x1234567800200000ULL);
	assert_int_equal(b[36], 0x78);
	assert_int_equal(b[37], 0x56);
	assert_int_equal(b[38], 0x34);
	assert_int_equal(b[39], 0x12);
	assert_int_equal(b[34], 0x20);

	/* The masks against VT-d 9.12: ON 256, SN 257, NV 279:272, NDST
	 * 319:288 (positions within bits 319:256). */
	assert_true(VTD_PID_ON == 1ULL << 0);
	assert_true(VTD_PID_SN == 1ULL << 1);
	assert_true(VTD_PID_NV == 0x0000000000ff0000ULL);
	assert_true(VTD_PID_NDST == 0xffffffff00000000ULL);
	assert_true(VTD_PID_NDST_XAPIC == 0x0000ff0000000000ULL);
	assert_true((VTD_PID_ON | VTD_PID_SN | VTD_PID_NV | VTD_PID_NDST) ==
		    ~VTD_PID_CTL_RSVD);
	assert_int_equal(offsetof(struct vtd_pid, ctl), 32);
	assert_int_equal(sizeof(struct vtd_pid), 64);
	assert_int_equal(_Alignof(struct vtd_pid), 64);
}

/* ON is bit 256 (byte 32, bit 0) as the unit writes it; SN beside it is
 * not ON; a PIR bit alone is not ON either. */
static void test_pid_on(void **state)
{
	struct vtd_pid *d = &pid_buf[0];
	uint8_t *b = (uint8_t *)d;

	(void)state;
	assert_int_equal(vtd_pid_init(d, 0xf2, 0, false), 0);
	b[0x41 / 8] |= 1u << (0x41 % 8);		/* PIR bit for vector 0x41 */
	assert_true(d->pir[1] == 1ULL << 1);
	assert_false(vtd_pid_on(d));
	b[32] |= 2;					/* SN */
	assert_false(vtd_pid_on(d));
	b[32] |= 1;					/* ON */
	assert_true(vtd_pid_on(d));
}

/* Taking clears ON and every PIR bit and hands them back where they
 * were; NV, NDST and SN stay. */
static void test_pid_take(void **state)
{
	struct vtd_pid *d = &pid_buf[0];
	uint8_t *b = (uint8_t *)d;
	uint64_t pir[4] = { 1, 1, 1, 1 };

	(void)state;
	assert_int_equal(vtd_pid_init(d, 0xf2, 0x12, false), 0);
	assert_false(vtd_pid_take(d, pir));
	assert_true(pir[0] == 0 && pir[1] == 0 && pir[2] == 0 && pir[3] == 0);
	b[0x41 / 8] |= 1u << (0x41 % 8);
	b[0xff / 8] |= 1u << (0xff % 8);
	b[0x10 / 8] |= 1u << (0x10 % 8);
	b[32] |= 3;					/* ON and SN */
	assert_true(vtd_pid_take(d, pir));
	assert_true(pir[0] == 1ULL << 0x10);
	assert_true(pir[1] == 1ULL << 1);
	assert_true(pir[2] == 0);
	assert_true(pir[3] == 1ULL << 63);
	assert_false(vtd_pid_on(d));
	assert_true(d->pir[0] == 0 && d->pir[1] == 0 && d->pir[3] == 0);
	assert_true(d->ctl == (0x0000120000f20000ULL | VTD_PID_SN));
}

static void test_pid_refused(void **state)
{
	struct vtd_pid *d = &pid_buf[0];
	char *raw = (char *)pid_buf;

	(void)state;
	memset(pid_buf, 0x5a, sizeof(pid_buf));
	assert_int_equal(vtd_pid_init((struct vtd_pid *)(raw + 32), 0x30, 0, false), -EINVAL);
	assert_int_equal(vtd_pid_init((struct vtd_pid *)(raw + 8), 0x30, 0, false), -EINVAL);
	assert_int_equal(vtd_pid_init(d, 15, 0, false), -EINVAL);
	assert_int_equal(vtd_pid_init(d, 0x30, 0x100, false), -EINVAL);
	/* Nothing written by a refusal. */
	assert_int_equal((uint8_t)raw[0], 0x5a);
	assert_int_equal((uint8_t)raw[40], 0x5a);
	assert_int_equal(vtd_pid_init(d, 0x30, 0x100, true), 0);
	assert_int_equal(vtd_pid_init(d, 16, 0xff, false), 0);
}

/* ---- table updates ---- */

struct fake {
	struct vtd_irt t;
	union vtd_irte table[TSIZE] __attribute__((aligned(4096)));
	uint16_t owner[TSIZE];
	unsigned nflush, nbarrier, watch;
	union vtd_irte at_barrier[4];
};

static int fake_flush(void *ctx, uint16_t index, uint8_t mask)
{
	struct fake *f = ctx;

	(void)index; (void)mask;
	f->nflush++;
	return 0;
}

static void fake_barrier(void *ctx)
{
	struct fake *f = ctx;

	if (f->nbarrier < 4)
		f->at_barrier[f->nbarrier] = f->table[f->watch];
	f->nbarrier++;
}

static const struct vtd_irt_ops fake_ops = {
	.flush_iec_index = fake_flush,
	.barrier = fake_barrier,
};

static struct fake *fake_new(unsigned watch)
{
	static struct fake f;
	unsigned first;

	memset(&f, 0, sizeof(f));
	assert_int_equal(vtd_irt_init(&f.t, f.table, f.owner, TSIZE, &fake_ops, &f), 0);
	assert_int_equal(vtd_irt_alloc(&f.t, OWNER, 1, &first), 0);
	assert_int_equal(first, 0);
	f.watch = watch;
	return &f;
}

static void fake_reset_log(struct fake *f)
{
	f->nflush = f->nbarrier = 0;
}

/* Not present -> posted: high half first, P last, one flush. */
static void test_update_posted_fresh(void **state)
{
	struct fake *f = fake_new(0);
	union vtd_irte e = posted(0x41, PID_PA);

	(void)state;
	assert_int_equal(vtd_irt_update_posted(&f->t, OWNER, 0, &e), 0);
	assert_int_equal(f->nbarrier, 1);
	assert_true(f->at_barrier[0].lo == 0);
	assert_true(f->at_barrier[0].hi == e.hi);
	assert_true(f->table[0].lo == e.lo && f->table[0].hi == e.hi);
	assert_int_equal(f->nflush, 1);
}

/* Remapped -> posted: the high half changes (descriptor address), so P
 * goes first and the hardware sees not-present, never a mixed entry. */
static void test_update_remapped_to_posted(void **state)
{
	struct fake *f = fake_new(0);
	struct vtd_irte_params rp = { .vector = 0x50, .sid = 0x0008, .svt = VTD_SVT_SID };
	union vtd_irte r, e = posted(0x41, PID_PA);

	(void)state;
	assert_int_equal(vtd_irte_encode(&r, &rp), 0);
	assert_int_equal(vtd_irt_update(&f->t, OWNER, 0, &r), 0);
	fake_reset_log(f);
	assert_int_equal(vtd_irt_update_posted(&f->t, OWNER, 0, &e), 0);
	assert_int_equal(f->nbarrier, 2);
	assert_true(f->at_barrier[0].lo == 0);		/* P cleared first */
	assert_true(f->at_barrier[0].hi == r.hi);
	assert_true(f->at_barrier[1].lo == 0);
	assert_true(f->at_barrier[1].hi == e.hi);
	assert_true(f->table[0].lo == e.lo && f->table[0].hi == e.hi);
	assert_int_equal(f->nflush, 1);
}

/* Posted -> posted, same descriptor: one store of the low half. */
static void test_update_posted_retarget(void **state)
{
	struct fake *f = fake_new(0);
	union vtd_irte a = posted(0x41, PID_PA), b = posted(0x42, PID_PA);

	(void)state;
	assert_int_equal(vtd_irt_update_posted(&f->t, OWNER, 0, &a), 0);
	fake_reset_log(f);
	assert_int_equal(vtd_irt_update_posted(&f->t, OWNER, 0, &b), 0);
	assert_int_equal(f->nbarrier, 1);
	assert_true(f->at_barrier[0].lo == a.lo);	/* still whole, still P */
	assert_true(f->table[0].lo == b.lo && f->table[0].hi == b.hi);
}

/* Posted -> another descriptor above 4 GiB, and posted -> remapped:
 * through not-present. */
static void test_update_posted_away(void **state)
{
	struct fake *f = fake_new(0);
	struct vtd_irte_params rp = { .vector = 0x50, .sid = 0x0008, .svt = VTD_SVT_SID };
	union vtd_irte a = posted(0x41, PID_PA), b = posted(0x41, PID_PA + (1ULL << 32)), r;

	(void)state;
	assert_int_equal(vtd_irt_update_posted(&f->t, OWNER, 0, &a), 0);
	fake_reset_log(f);
	assert_int_equal(vtd_irt_update_posted(&f->t, OWNER, 0, &b), 0);
	assert_int_equal(f->nbarrier, 2);
	assert_true(f->at_barrier[0].lo == 0);
	assert_true(f->table[0].hi == b.hi);

	assert_int_equal(vtd_irte_encode(&r, &rp), 0);
	fake_reset_log(f);
	assert_int_equal(vtd_irt_update(&f->t, OWNER, 0, &r), 0);
	assert_int_equal(f->nbarrier, 2);
	assert_true(f->at_barrier[0].lo == 0);
	assert_true(f->at_barrier[0].hi == b.hi);
	assert_true(f->table[0].lo == r.lo && f->table[0].hi == r.hi);
}

static void test_update_posted_refused(void **state)
{
	struct fake *f = fake_new(0);
	struct vtd_irte_params rp = { .vector = 0x50, .sid = 0x0008, .svt = VTD_SVT_SID };
	union vtd_irte e = posted(0x41, PID_PA), bad, r;

	(void)state;
	assert_int_equal(vtd_irt_update_posted(&f->t, OWNER + 1, 0, &e), -EPERM);
	assert_int_equal(vtd_irt_update_posted(&f->t, OWNER, 1, &e), -EPERM);
	assert_int_equal(vtd_irt_update_posted(&f->t, OWNER, TSIZE, &e), -EINVAL);
	bad = e; bad.lo |= 1ULL << 24;
	assert_int_equal(vtd_irt_update_posted(&f->t, OWNER, 0, &bad), -EINVAL);
	assert_int_equal(vtd_irte_encode(&r, &rp), 0);
	assert_int_equal(vtd_irt_update_posted(&f->t, OWNER, 0, &r), -EINVAL);
	/* The remapped path still refuses the posted format. */
	assert_int_equal(vtd_irt_update(&f->t, OWNER, 0, &e), -EINVAL);
	assert_int_equal(f->nflush, 0);
	assert_true(f->table[0].lo == 0 && f->table[0].hi == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_irte_posted_layout),
		cmocka_unit_test(test_irte_posted_masks),
		cmocka_unit_test(test_irte_posted_refused),
		cmocka_unit_test(test_irte_posted_valid),
		cmocka_unit_test(test_pid_layout),
		cmocka_unit_test(test_pid_on),
		cmocka_unit_test(test_pid_take),
		cmocka_unit_test(test_pid_refused),
		cmocka_unit_test(test_update_posted_fresh),
		cmocka_unit_test(test_update_remapped_to_posted),
		cmocka_unit_test(test_update_posted_retarget),
		cmocka_unit_test(test_update_posted_away),
		cmocka_unit_test(test_update_posted_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
