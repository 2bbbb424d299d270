/*
 * IRTE encoding, remappable MSI address/data, the IRT allocator, the IRTE
 * write order and the one-flush-per-change rule, against hand-computed
 * values from VT-d 9.10, 5.1.2.2 and 11.4.10.1.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/vtd_irte.h"

#define TSIZE	64

struct fake {
	struct vtd_irt t;
	union vtd_irte table[TSIZE] __attribute__((aligned(4096)));
	uint16_t owner[TSIZE];
	/* flush log */
	unsigned nflush;
	uint16_t flush_index;
	uint8_t flush_mask;
	int flush_err;
	union vtd_irte at_flush;	/* the entry watched, when flushed */
	/* barrier log */
	unsigned nbarrier;
	unsigned watch;			/* index snapshotted */
	union vtd_irte at_barrier;
};

static int fake_flush(void *ctx, uint16_t index, uint8_t mask)
{
	struct fake *f = ctx;

	f->nflush++;
	f->flush_index = index;
	f->flush_mask = mask;
	f->at_flush = f->table[f->watch];
	return f->flush_err;
}

static void fake_barrier(void *ctx)
{
	struct fake *f = ctx;

	f->nbarrier++;
	f->at_barrier = f->table[f->watch];
}

static const struct vtd_irt_ops fake_ops = {
	.flush_iec_index = fake_flush,
	.barrier = fake_barrier,
};

static struct fake *fake_new(void)
{
	static struct fake f;

	memset(&f, 0, sizeof(f));
	assert_int_equal(vtd_irt_init(&f.t, f.table, f.owner, TSIZE, &fake_ops, &f), 0);
	f.t.max_mask = 6;
	return &f;
}

static union vtd_irte irte(uint8_t vector, uint8_t dest, uint16_t sid)
{
	struct vtd_irte_params p = { .vector = vector, .dest_apic_id = dest,
				     .sid = sid, .svt = VTD_SVT_SID };
	union vtd_irte e;

	assert_int_equal(vtd_irte_encode(&e, &p), 0);
	return e;
}

static void test_irte_layout(void **state)
{
	struct vtd_irte_params p = { .vector = 0x41, .dest_apic_id = 0, .sid = 0x0008,
				     .svt = VTD_SVT_SID };
	union vtd_irte e;

	(void)state;
	/* P (0), vector 0x41 in 23:16; SID 8 in 79:64, SVT 1 in 83:82. */
	assert_int_equal(vtd_irte_encode(&e, &p), 0);
	assert_true(e.lo == 0x0000000000410001ULL);
	assert_true(e.hi == 0x0000000000040008ULL);
	assert_int_equal(e.p, 1);
	assert_int_equal(e.vector, 0x41);
	assert_int_equal(e.sid, 8);
	assert_int_equal(e.svt, 1);
	assert_int_equal(e.im, 0);

	/* xAPIC id 0x12 lands in 47:40. */
	p.dest_apic_id = 0x12;
	assert_int_equal(vtd_irte_encode(&e, &p), 0);
	assert_true(e.lo == 0x0000120000410001ULL);
	assert_int_equal(e.dst, 0x1200);

	/* x2APIC: all 32 bits; FPD, DM, RH, TM, DLM 1 in 7:5; SVT 2 range. */
	p = (struct vtd_irte_params){ .vector = 0xfe, .dest_apic_id = 0x12345678,
		.x2apic = true, .dest_logical = true, .level = true,
		.lowest_prio = true, .fpd = true, .sid = 0x0305, .svt = VTD_SVT_BUS };
	assert_int_equal(vtd_irte_encode(&e, &p), 0);
	assert_true(e.lo == 0x1234567800fe003fULL);
	assert_true(e.hi == 0x0000000000080305ULL);
	assert_int_equal(e.dlm, VTD_IRTE_DLM_LOWPRI);

	/* SQ in 81:80. */
	p = (struct vtd_irte_params){ .vector = 0x20, .sid = 0xabcd, .sq = 3,
				      .svt = VTD_SVT_SID };
	assert_int_equal(vtd_irte_encode(&e, &p), 0);
	assert_true(e.hi == 0x000000000007abcdULL);
}

/* The same APIC id lands in different bits by mode (VT-d 9.10): xAPIC
 * (IRTA.EIME clear) in DST[15:8] = bits 47:40, x2APIC (EIME set) in all of
 * DST = bits 63:32; the rest of DST stays zero. */
static void test_irte_dest_modes(void **state)
{
	struct vtd_irte_params p = { .vector = 0x30, .svt = VTD_SVT_SID };
	union vtd_irte e;

	(void)state;
	p.dest_apic_id = 0x12;
	assert_int_equal(vtd_irte_encode(&e, &p), 0);
	assert_true((e.lo >> 32) == 0x1200);
	p.x2apic = true;
	assert_int_equal(vtd_irte_encode(&e, &p), 0);
	assert_true((e.lo >> 32) == 0x12);
	p = (struct vtd_irte_params){ .vector = 0x30, .svt = VTD_SVT_SID, .dest_apic_id = 0xff };
	assert_int_equal(vtd_irte_encode(&e, &p), 0);
	assert_true((e.lo >> 32) == 0xff00);
	p.x2apic = true;
	p.dest_apic_id = 0x100;
	assert_int_equal(vtd_irte_encode(&e, &p), 0);
	assert_true((e.lo >> 32) == 0x100);
	p.dest_apic_id = 0xffffffff;
	assert_int_equal(vtd_irte_encode(&e, &p), 0);
	assert_true((e.lo >> 32) == 0xffffffff);
	assert_true((e.lo & 0xffffffff) == 0x00300001);
}

static void test_irte_encode_errors(void **state)
{
	struct vtd_irte_params ok = { .vector = 0x30, .svt = VTD_SVT_SID }, p;
	union vtd_irte e;

	(void)state;
	p = ok; p.vector = 15;
	assert_int_equal(vtd_irte_encode(&e, &p), -EINVAL);
	p = ok; p.vector = 16;
	assert_int_equal(vtd_irte_encode(&e, &p), 0);
	p = ok; p.dest_apic_id = 0x100;
	assert_int_equal(vtd_irte_encode(&e, &p), -EINVAL);
	p.x2apic = true;
	assert_int_equal(vtd_irte_encode(&e, &p), 0);
	p = ok; p.svt = 3;
	assert_int_equal(vtd_irte_encode(&e, &p), -EINVAL);
	p = ok; p.sq = 4;
	assert_int_equal(vtd_irte_encode(&e, &p), -EINVAL);
	p = ok; p.svt = VTD_SVT_BUS; p.sid = 0x0502;	/* start 5 > end 2 */
	assert_int_equal(vtd_irte_encode(&e, &p), -EINVAL);
}

static void test_msi_remappable(void **state)
{
	uint32_t lo, hi, data;
	uint16_t h;
	unsigned i;

	(void)state;
	/* 0xFEE, handle 5 in 19:5, IF bit 4. */
	vtd_msi_remappable(5, false, 0, &lo, &hi, &data);
	assert_int_equal(lo, 0xfee000b0);
	assert_int_equal(hi, 0);
	assert_int_equal(data, 0);
	/* handle[15] is address bit 2. */
	vtd_msi_remappable(0x8000, false, 0, &lo, &hi, &data);
	assert_int_equal(lo, 0xfee00014);
	vtd_msi_remappable(0xffff, false, 0, &lo, &hi, &data);
	assert_int_equal(lo, 0xfeeffff4);
	/* SHV bit 3, subhandle in data; the index is handle + subhandle. */
	vtd_msi_remappable(0x10, true, 3, &lo, &hi, &data);
	assert_int_equal(lo, 0xfee00218);
	assert_int_equal(data, 3);
	assert_int_equal(vtd_msi_decode_handle(lo, data, &h), 0);
	assert_int_equal(h, 0x13);

	for (i = 0; i <= 0xffff; i++) {
		vtd_msi_remappable((uint16_t)i, false, 0, &lo, &hi, &data);
		assert_int_equal(vtd_msi_decode_handle(lo, 0xdead, &h), 0);
		assert_int_equal(h, i);
	}
	vtd_msi_remappable(0xfff0, true, 0x20, &lo, &hi, &data);
	assert_int_equal(vtd_msi_decode_handle(lo, data, &h), -EINVAL);
	assert_int_equal(vtd_msi_decode_handle(0xfed000b0, 0, &h), -EINVAL);
}

static void test_msi_compat(void **state)
{
	uint32_t lo, data;
	uint16_t h;

	(void)state;
	msi_compat_encode(3, 0x41, &lo, &data);
	assert_int_equal(lo, 0xfee03000);
	assert_int_equal(data, 0x41);
	/* Compatibility format (bit 4 clear) carries no handle. */
	assert_int_equal(vtd_msi_decode_handle(lo, data, &h), -EINVAL);
}

static void test_irta_value(void **state)
{
	(void)state;
	assert_true(vtd_irta_value(0x1000000, 2, false) == 0x1000000);
	assert_true(vtd_irta_value(0x1000000, 256, false) == 0x1000007);
	assert_true(vtd_irta_value(0x1000000, 65536, true) == 0x100080f);
	assert_true(vtd_irta_value(0x1000000, 3, false) == 0);
	assert_true(vtd_irta_value(0x1000000, 1, false) == 0);
	assert_true(vtd_irta_value(0x1000000, 131072, false) == 0);
	assert_true(vtd_irta_value(0x1000800, 256, false) == 0);
	assert_true(vtd_irta_value(0, 256, false) == 0);
}

static void test_irt_init_errors(void **state)
{
	static union vtd_irte tbl[8] __attribute__((aligned(4096)));
	static uint16_t own[8];
	const struct vtd_irt_ops no_flush = { .barrier = fake_barrier };
	struct vtd_irt t;

	(void)state;
	assert_int_equal(vtd_irt_init(&t, tbl, own, 3, &fake_ops, NULL), -EINVAL);
	assert_int_equal(vtd_irt_init(&t, tbl, own, 1, &fake_ops, NULL), -EINVAL);
	assert_int_equal(vtd_irt_init(&t, tbl, own, 131072, &fake_ops, NULL), -EINVAL);
	assert_int_equal(vtd_irt_init(&t, (char *)tbl + 8, own, 4, &fake_ops, NULL), -EINVAL);
	assert_int_equal(vtd_irt_init(&t, tbl, own, 8, &no_flush, NULL), -EINVAL);
	tbl[3].lo = 1;
	own[3] = 7;
	assert_int_equal(vtd_irt_init(&t, tbl, own, 8, &fake_ops, NULL), 0);
	assert_true(tbl[3].lo == 0 && own[3] == 0);
	assert_int_equal(vtd_irt_owner(&t, 8), -EINVAL);
}

static void test_irt_alloc(void **state)
{
	struct fake *f = fake_new();
	unsigned first, i;

	(void)state;
	/* Five MSI-X vectors: a block of 8 at 0. */
	assert_int_equal(vtd_irt_alloc(&f->t, 1, 5, &first), 0);
	assert_int_equal(first, 0);
	for (i = 0; i < 5; i++)
		assert_int_equal(vtd_irt_owner(&f->t, i), 1);
	assert_int_equal(vtd_irt_owner(&f->t, 5), 0);
	/* One entry fits in the gap; the next block of 5 starts at 8. */
	assert_int_equal(vtd_irt_alloc(&f->t, 2, 1, &first), 0);
	assert_int_equal(first, 5);
	assert_int_equal(vtd_irt_alloc(&f->t, 3, 5, &first), 0);
	assert_int_equal(first, 8);
	assert_int_equal(vtd_irt_alloc(&f->t, 3, 32, &first), 0);
	assert_int_equal(first, 32);
	assert_int_equal(vtd_irt_alloc(&f->t, 4, 32, &first), -ENOSPC);
	assert_int_equal(vtd_irt_alloc(&f->t, 4, 16, &first), 0);
	assert_int_equal(first, 16);
	assert_int_equal(vtd_irt_alloc(&f->t, 4, 8, &first), -ENOSPC);
	assert_int_equal(vtd_irt_alloc(&f->t, 4, 2, &first), 0);
	assert_int_equal(first, 6);
	assert_int_equal(vtd_irt_alloc(&f->t, 0, 1, &first), -EINVAL);
	assert_int_equal(vtd_irt_alloc(&f->t, 4, 0, &first), -EINVAL);
	assert_int_equal(vtd_irt_alloc(&f->t, 4, 65, &first), -EINVAL);
	/* A block the IEC mask (ECAP.MHMV) cannot cover in one flush. */
	f->t.max_mask = 2;
	assert_int_equal(vtd_irt_alloc(&f->t, 4, 5, &first), -EINVAL);
	/* Allocation writes nothing and flushes nothing. */
	assert_int_equal(f->nflush, 0);
	for (i = 0; i < TSIZE; i++)
		assert_true(f->table[i].lo == 0 && f->table[i].hi == 0);
}

static void test_irt_free(void **state)
{
	struct fake *f = fake_new();
	union vtd_irte e = irte(0x41, 0, 8);
	unsigned a, b, i;

	(void)state;
	assert_int_equal(vtd_irt_alloc(&f->t, 1, 5, &a), 0);
	assert_int_equal(vtd_irt_alloc(&f->t, 2, 5, &b), 0);
	assert_int_equal(b, 8);
	for (i = 0; i < 5; i++)
		assert_int_equal(vtd_irt_update(&f->t, 1, a + i, &e), 0);
	f->nflush = 0;

	/* Not the owner's, or partly not: nothing changes, no flush. */
	assert_int_equal(vtd_irt_free(&f->t, 2, a, 5), -EPERM);
	assert_int_equal(vtd_irt_free(&f->t, 1, a, 6), -EPERM);
	assert_int_equal(vtd_irt_free(&f->t, 0, 5, 1), -EPERM);
	assert_int_equal(vtd_irt_free(&f->t, 1, 60, 8), -EINVAL);
	assert_int_equal(vtd_irt_free(&f->t, 1, a, 0), -EINVAL);
	assert_int_equal(f->nflush, 0);
	assert_true(f->table[a].lo == e.lo);

	/* One flush covering 0..4: index 0, mask 3 (8 entries). */
	assert_int_equal(vtd_irt_free(&f->t, 1, a, 5), 0);
	assert_int_equal(f->nflush, 1);
	assert_int_equal(f->flush_index, 0);
	assert_int_equal(f->flush_mask, 3);
	for (i = 0; i < 5; i++) {
		assert_int_equal(vtd_irt_owner(&f->t, a + i), 0);
		assert_true(f->table[a + i].lo == 0 && f->table[a + i].hi == 0);
	}
	/* Part of a block: 9..10 is the aligned 4 at 8. */
	assert_int_equal(vtd_irt_free(&f->t, 2, 9, 2), 0);
	assert_int_equal(f->nflush, 2);
	assert_int_equal(f->flush_index, 8);
	assert_int_equal(f->flush_mask, 2);
	assert_int_equal(vtd_irt_owner(&f->t, 8), 2);
	assert_int_equal(vtd_irt_owner(&f->t, 9), 0);
	assert_int_equal(f->t.flushes, 2 + 5);
}

/* Present -> present: at the barrier the high half is new, the low half
 * (P, vector, destination) still entirely old. */
static void test_update_order_present(void **state)
{
	struct fake *f = fake_new();
	union vtd_irte old = irte(0x41, 1, 8), neu = irte(0x52, 2, 0x10);
	unsigned idx;

	(void)state;
	assert_int_equal(vtd_irt_alloc(&f->t, 1, 1, &idx), 0);
	f->watch = idx;
	assert_int_equal(vtd_irt_update(&f->t, 1, idx, &old), 0);
	f->nbarrier = f->nflush = 0;

	assert_int_equal(vtd_irt_update(&f->t, 1, idx, &neu), 0);
	assert_int_equal(f->nbarrier, 1);
	assert_true(f->at_barrier.hi == neu.hi);
	assert_true(f->at_barrier.lo == old.lo);
	/* Flushed once, for this index alone, after both halves landed. */
	assert_int_equal(f->nflush, 1);
	assert_int_equal(f->flush_index, idx);
	assert_int_equal(f->flush_mask, 0);
	assert_true(f->at_flush.lo == neu.lo && f->at_flush.hi == neu.hi);
}

/* Not present -> present: P is written last. */
static void test_update_order_fresh(void **state)
{
	struct fake *f = fake_new();
	union vtd_irte neu = irte(0x41, 0, 8);
	unsigned idx;

	(void)state;
	assert_int_equal(vtd_irt_alloc(&f->t, 1, 3, &idx), 0);
	f->watch = idx + 2;
	assert_int_equal(vtd_irt_update(&f->t, 1, idx + 2, &neu), 0);
	assert_int_equal(f->nbarrier, 1);
	assert_true(f->at_barrier.hi == neu.hi);
	assert_true(f->at_barrier.lo == 0);
	assert_int_equal(f->nflush, 1);
	assert_int_equal(f->flush_index, idx + 2);
	assert_true(f->at_flush.lo == neu.lo && f->at_flush.hi == neu.hi);
}

/* Present -> not present: P goes first, the old source stays till then. */
static void test_update_order_disable(void **state)
{
	struct fake *f = fake_new();
	union vtd_irte old = irte(0x41, 0, 8), off = irte(0x41, 0, 0x20);
	unsigned idx;

	(void)state;
	off.p = 0;
	assert_int_equal(vtd_irt_alloc(&f->t, 1, 1, &idx), 0);
	f->watch = idx;
	assert_int_equal(vtd_irt_update(&f->t, 1, idx, &old), 0);
	f->nbarrier = f->nflush = 0;
	assert_int_equal(vtd_irt_update(&f->t, 1, idx, &off), 0);
	assert_int_equal(f->nbarrier, 1);
	assert_true(f->at_barrier.lo == off.lo);
	assert_true(f->at_barrier.hi == old.hi);
	assert_int_equal(f->nflush, 1);
}

static void test_update_refused(void **state)
{
	struct fake *f = fake_new();
	union vtd_irte e = irte(0x41, 0, 8), bad;
	unsigned idx;

	(void)state;
	assert_int_equal(vtd_irt_alloc(&f->t, 1, 1, &idx), 0);
	assert_int_equal(vtd_irt_update(&f->t, 2, idx, &e), -EPERM);
	assert_int_equal(vtd_irt_update(&f->t, 1, idx + 1, &e), -EPERM);
	assert_int_equal(vtd_irt_update(&f->t, 0, idx + 1, &e), -EPERM);
	assert_int_equal(vtd_irt_update(&f->t, 1, TSIZE, &e), -EINVAL);
	bad = e; bad.im = 1;		/* posted format */
	assert_int_equal(vtd_irt_update(&f->t, 1, idx, &bad), -EINVAL);
	bad = e; bad.rsvd1 = 1;
	assert_int_equal(vtd_irt_update(&f->t, 1, idx, &bad), -EINVAL);
	bad = e; bad.rsvd2 = 1;
	assert_int_equal(vtd_irt_update(&f->t, 1, idx, &bad), -EINVAL);
	bad = e; bad.svt = 3;
	assert_int_equal(vtd_irt_update(&f->t, 1, idx, &bad), -EINVAL);
	assert_int_equal(f->nflush, 0);
	assert_int_equal(f->nbarrier, 0);
	assert_true(f->table[idx].lo == 0 && f->table[idx].hi == 0);
}

/* A failing flush comes back from update and free; a free whose flush
 * failed keeps the entries reserved, and a retry releases them. */
static void test_flush_error(void **state)
{
	struct fake *f = fake_new();
	union vtd_irte e = irte(0x41, 0, 8);
	unsigned idx;

	(void)state;
	assert_int_equal(vtd_irt_alloc(&f->t, 1, 2, &idx), 0);
	f->flush_err = -ETIMEDOUT;
	assert_int_equal(vtd_irt_update(&f->t, 1, idx, &e), -ETIMEDOUT);
	assert_int_equal(f->nflush, 1);
	f->flush_err = -EIO;
	assert_int_equal(vtd_irt_free(&f->t, 1, idx, 2), -EIO);
	assert_int_equal(f->nflush, 2);
	assert_int_equal(vtd_irt_owner(&f->t, idx), 1);
	assert_true(f->table[idx].lo == 0);
	f->flush_err = 0;
	assert_int_equal(vtd_irt_free(&f->t, 1, idx, 2), 0);
	assert_int_equal(f->nflush, 3);
	assert_int_equal(f->flush_mask, 1);
	assert_int_equal(vtd_irt_owner(&f->t, idx), 0);
}

/* No barrier op: the default is a compiler barrier, same result. */
static void test_default_barrier(void **state)
{
	const struct vtd_irt_ops ops = { .flush_iec_index = fake_flush };
	struct fake *f = fake_new();
	union vtd_irte e = irte(0x41, 0, 8);
	unsigned idx;

	(void)state;
	assert_int_equal(vtd_irt_init(&f->t, f->table, f->owner, TSIZE, &ops, f), 0);
	assert_int_equal(vtd_irt_alloc(&f->t, 9, 1, &idx), 0);
	assert_int_equal(vtd_irt_update(&f->t, 9, idx, &e), 0);
	assert_true(f->table[idx].lo == e.lo && f->table[idx].hi == e.hi);
	assert_int_equal(f->nflush, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_irte_layout),
		cmocka_unit_test(test_irte_encode_errors),
		cmocka_unit_test(test_msi_remappable),
		cmocka_unit_test(test_msi_compat),
		cmocka_unit_test(test_irta_value),
		cmocka_unit_test(test_irte_dest_modes),
		cmocka_unit_test(test_irt_init_errors),
		cmocka_unit_test(test_irt_alloc),
		cmocka_unit_test(test_irt_free),
		cmocka_unit_test(test_update_order_present),
		cmocka_unit_test(test_update_order_fresh),
		cmocka_unit_test(test_update_order_disable),
		cmocka_unit_test(test_update_refused),
		cmocka_unit_test(test_flush_error),
		cmocka_unit_test(test_default_barrier),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
