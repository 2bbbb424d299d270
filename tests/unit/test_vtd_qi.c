/*
 * Invalidation queue: descriptor words from VT-d 6.5.2, and the ring
 * against a fake IOMMU that consumes descriptors from IQH to IQT, checks
 * that nothing it has not consumed yet was overwritten, and can stall or
 * raise IQE/ITE/ICE.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/vtd_qi.h"
#include "drivers/vtd_regs.h"

#define N		256
#define STATUS_PA	0x7000ULL

enum mode {
	RUN,		/* consume everything when the tail moves */
	STALL,		/* consume nothing */
	SLOW,		/* one descriptor per relax() */
};

struct fake {
	struct vtd_qi q;
	struct vtd_qi_desc ring[N] __attribute__((aligned(4096)));
	struct vtd_qi_desc shadow[N];	/* what was queued, per slot */
	volatile uint32_t status;
	enum mode mode;
	unsigned head, tail;		/* IQH, IQT as indexes */
	uint32_t fsts, fsts_on_tail;
	unsigned tail_writes, relaxes, consumed, waits_done;
	uint64_t last_iqt;
	char report[160];
	unsigned nreports;
};

static void consume_one(struct fake *f)
{
	struct vtd_qi_desc d = f->ring[f->head];

	/* Overrun check: the slot still holds what was queued in it. */
	assert_memory_equal(&d, &f->shadow[f->head], sizeof(d));
	if (FIELD_GET(VTD_QI_TYPE, d.lo) == VTD_QI_TYPE_WAIT) {
		assert_true(d.hi == STATUS_PA);
		if (d.lo & VTD_QI_WAIT_SW)
			f->status = (uint32_t)FIELD_GET(VTD_QI_WAIT_DATA, d.lo);
		f->waits_done++;
	}
	f->head = (f->head + 1) % N;
	f->consumed++;
}

static void fake_write_tail(void *ctx, uint64_t iqt)
{
	struct fake *f = ctx;
	unsigned t = (unsigned)FIELD_GET(VTD_IQ_INDEX, iqt);

	assert_true((iqt & ~VTD_IQ_INDEX) == 0);
	assert_true(t < N);
	f->last_iqt = iqt;
	f->tail_writes++;
	/* Snapshot the newly queued slots. */
	for (unsigned i = f->tail; i != t; i = (i + 1) % N)
		f->shadow[i] = f->ring[i];
	f->tail = t;
	f->fsts |= f->fsts_on_tail;
	if (f->mode == RUN)
		while (f->head != f->tail)
			consume_one(f);
}

static uint64_t fake_read_head(void *ctx)
{
	struct fake *f = ctx;

	return FIELD_PREP(VTD_IQ_INDEX, f->head);
}

static uint32_t fake_read_fsts(void *ctx)
{
	return ((struct fake *)ctx)->fsts;
}

static void fake_relax(void *ctx)
{
	struct fake *f = ctx;

	f->relaxes++;
	if (f->mode == SLOW && f->head != f->tail)
		consume_one(f);
}

static void fake_report(void *ctx, const char *msg)
{
	struct fake *f = ctx;

	strncpy(f->report, msg, sizeof(f->report) - 1);
	f->nreports++;
}

static const struct vtd_qi_ops fake_ops = {
	.write_tail = fake_write_tail,
	.read_head = fake_read_head,
	.read_fault_status = fake_read_fsts,
	.relax = fake_relax,
	.report = fake_report,
};

static struct fake *fake_new(enum mode mode)
{
	static struct fake f;

	memset(&f, 0, sizeof(f));
	f.mode = mode;
	assert_int_equal(vtd_qi_init(&f.q, f.ring, N, &f.status, STATUS_PA, &fake_ops, &f), 0);
	return &f;
}

static void test_desc_words(void **state)
{
	struct vtd_qi_desc d;

	(void)state;
	/* IEC, type 4; G bit 4 = index-selective; IM 31:27; IIDX 47:32. */
	d = vtd_qi_iec_index(17, 0);
	assert_true(d.lo == 0x0000001100000014ULL && d.hi == 0);
	d = vtd_qi_iec_index(0x1234, 3);
	assert_true(d.lo == 0x0000123418000014ULL && d.hi == 0);
	d = vtd_qi_iec_global();
	assert_true(d.lo == 0x4 && d.hi == 0);
	/* Wait, type 5; SW bit 5; FN bit 6; IF bit 4 clear; data 63:32;
	 * status address in hi 63:2. */
	d = vtd_qi_wait(0x12345678, 0xabcd, false);
	assert_true(d.lo == 0x0000abcd00000025ULL && d.hi == 0x12345678);
	d = vtd_qi_wait(0xfedcba9876543213ULL, 0xffffffff, true);
	assert_true(d.lo == 0xffffffff00000065ULL && d.hi == 0xfedcba9876543210ULL);
	/* Context cache global: type 1, G 5:4 = 1. */
	d = vtd_qi_context_global();
	assert_true(d.lo == 0x11 && d.hi == 0);
	/* IOTLB: type 2, G 5:4, DW bit 6, DR bit 7, DID 31:16. */
	d = vtd_qi_iotlb_global(true, true);
	assert_true(d.lo == 0xd2 && d.hi == 0);
	d = vtd_qi_iotlb_global(false, false);
	assert_true(d.lo == 0x12);
	d = vtd_qi_iotlb_domain(7, false, true);
	assert_true(d.lo == 0x70062 && d.hi == 0);
	d = vtd_qi_iotlb_domain(0xffff, true, false);
	assert_true(d.lo == 0xffff00a2ULL);
}

static void test_iqa_and_init(void **state)
{
	static struct vtd_qi_desc ring[N];
	volatile uint32_t st;
	struct vtd_qi q;

	(void)state;
	assert_true(vtd_iqa_value(0x200000, 256) == 0x200000);
	assert_true(vtd_iqa_value(0x200000, 512) == 0x200001);
	assert_true(vtd_iqa_value(0x200000, 32768) == 0x200007);
	assert_true(vtd_iqa_value(0x200000, 300) == 0);
	assert_true(vtd_iqa_value(0x200000, 65536) == 0);
	assert_true(vtd_iqa_value(0x200800, 256) == 0);
	assert_int_equal(vtd_qi_init(&q, ring, 128, &st, STATUS_PA, &fake_ops, NULL), -EINVAL);
	assert_int_equal(vtd_qi_init(&q, ring, 300, &st, STATUS_PA, &fake_ops, NULL), -EINVAL);
	assert_int_equal(vtd_qi_init(&q, ring, N, &st, STATUS_PA + 2, &fake_ops, NULL), -EINVAL);
	assert_int_equal(vtd_qi_init(&q, ring, N, &st, STATUS_PA, &fake_ops, NULL), 0);
	assert_int_equal(q.tail, 0);
}

static void test_submit(void **state)
{
	struct fake *f = fake_new(RUN);
	struct vtd_qi_desc d = vtd_qi_iec_index(17, 0), w;

	(void)state;
	assert_int_equal(vtd_qi_submit_sync(&f->q, &d, 1, 10), 0);
	/* IEC at 0, the wait at 1, IQT = 2 << 4. */
	assert_memory_equal(&f->ring[0], &d, sizeof(d));
	w = vtd_qi_wait(STATUS_PA, f->q.seq, true);
	assert_memory_equal(&f->ring[1], &w, sizeof(w));
	assert_true(f->last_iqt == 0x20);
	assert_int_equal(f->tail_writes, 1);
	assert_int_equal(f->status, f->q.seq);
	assert_int_equal(f->consumed, 2);
	assert_int_equal(f->nreports, 0);
	/* A bare wait (n = 0) works too, with a fresh status value. */
	assert_int_equal(vtd_qi_submit_sync(&f->q, NULL, 0, 10), 0);
	assert_int_equal(f->q.seq, 2);
	assert_true(f->last_iqt == 0x30);
}

static void test_wraparound(void **state)
{
	struct fake *f = fake_new(RUN);
	struct vtd_qi_desc d[3] = { vtd_qi_iec_index(1, 0), vtd_qi_iec_index(2, 0),
				    vtd_qi_iec_index(3, 0) };
	unsigned i, expect = 0;

	(void)state;
	/* 200 submits of 2 slots go round the 256-slot ring more than once. */
	for (i = 0; i < 200; i++) {
		assert_int_equal(vtd_qi_submit_sync(&f->q, d, 1, 10), 0);
		expect = (expect + 2) % N;
		assert_true(f->last_iqt == (uint64_t)expect << 4);
	}
	assert_int_equal(f->waits_done, 200);
	/* Straddle the end: tail at 254, 3 descriptors + wait -> 254, 255,
	 * 0, 1 and the new tail is 2. */
	while (f->q.tail != 254)
		assert_int_equal(vtd_qi_submit_sync(&f->q, NULL, 0, 10), 0);
	assert_int_equal(vtd_qi_submit_sync(&f->q, d, 3, 10), 0);
	assert_memory_equal(&f->ring[254], &d[0], sizeof(d[0]));
	assert_memory_equal(&f->ring[255], &d[1], sizeof(d[1]));
	assert_memory_equal(&f->ring[0], &d[2], sizeof(d[2]));
	assert_int_equal(FIELD_GET(VTD_QI_TYPE, f->ring[1].lo), VTD_QI_TYPE_WAIT);
	assert_true(f->last_iqt == 0x20);
	assert_int_equal(f->status, f->q.seq);
}

static void test_timeout(void **state)
{
	struct fake *f = fake_new(STALL);
	struct vtd_qi_desc d = vtd_qi_iec_index(17, 0);

	(void)state;
	assert_int_equal(vtd_qi_submit_sync(&f->q, &d, 1, 50), -ETIMEDOUT);
	assert_int_equal(f->relaxes, 50);
	assert_int_equal(f->q.head, 0);
	assert_int_equal(f->nreports, 1);
	assert_non_null(strstr(f->report, "timed out"));
	assert_non_null(strstr(f->report, "head 0 tail 2"));
}

/* After a timeout the hardware is 201 slots behind; the next submit must
 * wait for space rather than overwrite what is still queued (the fake's
 * shadow check fails on an overwrite), and the late completion of the old
 * wait must not complete the new one. */
static void test_no_overrun(void **state)
{
	struct fake *f = fake_new(STALL);
	static struct vtd_qi_desc d[200];
	unsigned i;

	(void)state;
	for (i = 0; i < 200; i++)
		d[i] = vtd_qi_iec_index((uint16_t)i, 0);
	assert_int_equal(vtd_qi_submit_sync(&f->q, d, 200, 5), -ETIMEDOUT);
	assert_int_equal(f->q.tail, 201);

	/* Not enough patience for space: refused before touching the ring. */
	f->mode = SLOW;
	f->nreports = 0;
	assert_int_equal(vtd_qi_submit_sync(&f->q, d, 100, 10), -ETIMEDOUT);
	assert_non_null(strstr(f->report, "no ring space"));
	assert_int_equal(f->q.tail, 201);
	assert_int_equal(f->tail_writes, 1);

	/* 101 slots free once the head reaches 47. */
	assert_int_equal(vtd_qi_submit_sync(&f->q, d, 100, 1000), 0);
	assert_int_equal(f->q.tail, (201 + 101) % N);
	assert_int_equal(f->waits_done, 2);
	assert_int_equal(f->head, f->q.tail);
	assert_int_equal(f->status, f->q.seq);

	/* More than the ring holds. */
	assert_int_equal(vtd_qi_submit_sync(&f->q, d, N - 1, 10), -EINVAL);
}

static void check_fault(uint32_t bit, const char *name)
{
	struct fake *f = fake_new(STALL);
	struct vtd_qi_desc d = vtd_qi_iec_index(17, 0);

	f->fsts_on_tail = bit;
	assert_int_equal(vtd_qi_submit_sync(&f->q, &d, 1, 1000), -EIO);
	assert_true(f->q.fsts & bit);
	assert_true(f->relaxes < 1000);
	assert_int_equal(f->nreports, 1);
	assert_non_null(strstr(f->report, name));
	/* An IQE's bad descriptor (at the stalled head) becomes a no-op wait:
	 * type 5, no status write, no interrupt. */
	if (bit == VTD_FSTS_IQE)
		assert_true(f->ring[0].lo == VTD_QI_TYPE_WAIT && f->ring[0].hi == 0);
	else
		assert_memory_equal(&f->ring[0], &d, sizeof(d));
}

static void test_faults(void **state)
{
	(void)state;
	check_fault(VTD_FSTS_IQE, "IQE");
	check_fault(VTD_FSTS_ITE, "ITE");
	check_fault(VTD_FSTS_ICE, "ICE");
}

/* Other FSTS bits (a pending DMA fault) do not fail a submit. */
static void test_unrelated_fault(void **state)
{
	struct fake *f = fake_new(RUN);
	struct vtd_qi_desc d = vtd_qi_iec_index(17, 0);

	(void)state;
	f->fsts = VTD_FSTS_PPF | VTD_FSTS_PFO;
	assert_int_equal(vtd_qi_submit_sync(&f->q, &d, 1, 10), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_desc_words),
		cmocka_unit_test(test_iqa_and_init),
		cmocka_unit_test(test_submit),
		cmocka_unit_test(test_wraparound),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_no_overrun),
		cmocka_unit_test(test_faults),
		cmocka_unit_test(test_unrelated_fault),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
