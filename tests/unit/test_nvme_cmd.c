/*
 * NVMe commands and queues on the host: register values and doorbell
 * offsets, every command encoder against dwords computed by hand from
 * NVMe 1.4 (5.3, 5.4, 5.15, 5.21, 6.9), completion phase and status
 * decoding, the queue rings, Identify Namespace parsing, and the
 * allow-list: every opcode of both queue kinds is tried, and a refused
 * command must be printed and must never reach the ring.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "drivers/nvme.h"

#define DEPTH	4
#define SENTINEL 0x5a5a5a5au

static union nvme_sqe sq_ring[DEPTH];
static union nvme_cqe cq_ring[DEPTH];

static struct nvme_queue *ring(uint16_t qid)
{
	static struct nvme_queue q;

	assert_int_equal(nvme_queue_setup(&q, qid, DEPTH, sq_ring, cq_ring), 0);
	return &q;
}

/* nvme_sq_put with its console output captured into out. */
static int put_captured(struct nvme_queue *q, const union nvme_sqe *c, char *out, size_t len)
{
	FILE *tmp = tmpfile();
	int saved, err;
	uint16_t cid;
	size_t n;

	assert_non_null(tmp);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	dup2(fileno(tmp), STDOUT_FILENO);
	err = nvme_sq_put(q, c, &cid);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(out, 1, len - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
	return err;
}

static void test_registers(void **state)
{
	(void)state;
	/* EN, CSS 0, MPS 0, AMS 0, SHN 0, IOSQES 6 [19:16], IOCQES 4 [23:20] */
	assert_int_equal(nvme_cc_enable_value(), 0x00460001);
	assert_int_equal(nvme_aqa_value(4, 4), 0x00030003);
	assert_int_equal(nvme_aqa_value(2, 4096), 0x0fff0001);
}

static void test_doorbells(void **state)
{
	(void)state;
	assert_int_equal(nvme_sq_tail_db(0, 0), 0x1000);
	assert_int_equal(nvme_cq_head_db(0, 0), 0x1004);
	assert_int_equal(nvme_sq_tail_db(1, 0), 0x1008);
	assert_int_equal(nvme_cq_head_db(1, 0), 0x100c);
	/* DSTRD 1: 8-byte stride; qid 3: SQ at 0x1000 + 6 * 8 */
	assert_int_equal(nvme_sq_tail_db(3, 1), 0x1030);
	assert_int_equal(nvme_cq_head_db(3, 1), 0x1038);
	/* DSTRD 2: 16-byte stride */
	assert_int_equal(nvme_sq_tail_db(1, 2), 0x1020);
	assert_int_equal(nvme_cq_head_db(1, 2), 0x1030);
	assert_int_equal(nvme_cq_head_db(8, 0), 0x1044);
}

static void test_create_delete(void **state)
{
	union nvme_sqe c;

	(void)state;
	memset(&c, 0xff, sizeof(c));
	nvme_cmd_create_cq(&c, 3, 4, 0x123456789000ull, 2);
	assert_int_equal(c.dw[0], 0x05);
	assert_int_equal(c.dw[1], 0);
	assert_int_equal(c.dw[6], 0x56789000);
	assert_int_equal(c.dw[7], 0x1234);
	assert_int_equal(c.dw[8], 0);
	assert_int_equal(c.dw[10], 0x00030003);	/* QSIZE 3 (0's based), QID 3 */
	assert_int_equal(c.dw[11], 0x00020003);	/* IV 2, IEN, PC */
	assert_int_equal(c.dw[12], 0);

	memset(&c, 0xff, sizeof(c));
	nvme_cmd_create_sq(&c, 3, 4, 0x7000, 3);
	assert_int_equal(c.dw[0], 0x01);
	assert_int_equal(c.dw[6], 0x7000);
	assert_int_equal(c.dw[10], 0x00030003);
	assert_int_equal(c.dw[11], 0x00030001);	/* CQID 3, QPRIO 0, PC */

	nvme_cmd_delete_sq(&c, 7);
	assert_int_equal(c.dw[0], 0x00);
	assert_int_equal(c.dw[10], 7);
	nvme_cmd_delete_cq(&c, 7);
	assert_int_equal(c.dw[0], 0x04);
	assert_int_equal(c.dw[10], 7);
	assert_int_equal(c.dw[11], 0);
}

static void test_read(void **state)
{
	union nvme_sqe c;

	(void)state;
	memset(&c, 0xff, sizeof(c));
	nvme_cmd_read(&c, 1, 0x123456789ull, 1, 0xabc000, 0);
	assert_int_equal(c.dw[0], 0x02);
	assert_int_equal(c.dw[1], 1);
	assert_int_equal(c.dw[4], 0);		/* no metadata pointer */
	assert_int_equal(c.dw[6], 0xabc000);
	assert_int_equal(c.dw[8], 0);
	assert_int_equal(c.dw[10], 0x23456789);	/* SLBA low */
	assert_int_equal(c.dw[11], 0x1);	/* SLBA high */
	assert_int_equal(c.dw[12], 0);		/* NLB 0: one block */
	assert_int_equal(c.dw[13], 0);
	nvme_cmd_read(&c, 2, 0, 8, 0x1000, 0x2000);
	assert_int_equal(c.dw[12], 7);
	assert_int_equal(c.dw[8], 0x2000);
}

static void test_identify_features(void **state)
{
	union nvme_sqe c;
	unsigned nsq, ncq;

	(void)state;
	memset(&c, 0xff, sizeof(c));
	nvme_cmd_identify(&c, NVME_CNS_CONTROLLER, 0, 0x5000);
	assert_int_equal(c.dw[0], 0x06);
	assert_int_equal(c.dw[1], 0);
	assert_int_equal(c.dw[6], 0x5000);
	assert_int_equal(c.dw[10], 1);
	assert_int_equal(c.dw[11], 0);
	nvme_cmd_identify(&c, NVME_CNS_NAMESPACE, 5, 0x5000);
	assert_int_equal(c.dw[1], 5);
	assert_int_equal(c.dw[10], 0);
	nvme_cmd_identify(&c, NVME_CNS_ACTIVE_NSIDS, 0, 0x5000);
	assert_int_equal(c.dw[10], 2);

	memset(&c, 0xff, sizeof(c));
	nvme_cmd_set_num_queues(&c, 8, 8);
	assert_int_equal(c.dw[0], 0x09);
	assert_int_equal(c.dw[10], 0x07);	/* FID 7, SV 0 */
	assert_int_equal(c.dw[11], 0x00070007);
	nvme_cmd_set_num_queues(&c, 1, 3);
	assert_int_equal(c.dw[11], 0x00020000);
	nvme_num_queues_granted(0x00030001, &nsq, &ncq);
	assert_int_equal(nsq, 2);
	assert_int_equal(ncq, 4);

	nvme_cmd_get_features(&c, NVME_FID_NUM_QUEUES);
	assert_int_equal(c.dw[0], 0x0a);
	assert_int_equal(c.dw[10], 0x07);
}

static void test_cqe_status(void **state)
{
	union nvme_cqe e = { .dw = { 0, 0, 0, 0 } };

	(void)state;
	e.dw[3] = 0x0001u << 16 | 9;		/* phase 1, success, CID 9 */
	assert_int_equal(e.cid, 9);
	assert_int_equal(e.status & NVME_CQE_P, 1);
	assert_int_equal(nvme_cqe_status(&e), 0);
	/* SCT 1 (command specific) SC 0x02 (invalid queue size), DNR, phase 0 */
	e.dw[3] = (0x8000u | 1u << 9 | 0x02u << 1) << 16;
	assert_int_equal(e.status & NVME_CQE_P, 0);
	assert_int_equal(nvme_cqe_status(&e), 0x102);
	e.dw[3] = (0x04u << 1 | 1) << 16;	/* data transfer error */
	assert_int_equal(nvme_cqe_status(&e), 0x004);
	e.dw[2] = 0x00030002;			/* SQID 3, SQHD 2 */
	assert_int_equal(e.sqid, 3);
	assert_int_equal(e.sqhd, 2);
}

static void post(unsigned slot, uint16_t cid, uint16_t sqhd, unsigned phase)
{
	cq_ring[slot].dw[0] = 0x1234;
	cq_ring[slot].dw[2] = sqhd;
	cq_ring[slot].dw[3] = (uint32_t)phase << 16 | cid;
}

static void test_ring(void **state)
{
	struct nvme_queue *q = ring(1);
	union nvme_sqe c;
	union nvme_cqe e;
	uint16_t cid;
	unsigned i;

	(void)state;
	nvme_cmd_read(&c, 1, 0, 1, 0x1000, 0);
	for (i = 0; i < DEPTH - 1; i++) {
		assert_int_equal(nvme_sq_put(q, &c, &cid), 0);
		assert_int_equal(cid, i);
		assert_int_equal(sq_ring[i].dw[0], (uint32_t)i << 16 | NVME_IO_READ);
		assert_int_equal(sq_ring[i].dw[6], 0x1000);
	}
	assert_int_equal(q->sq_tail, 3);
	assert_int_equal(q->outstanding, 3);
	assert_int_equal(nvme_sq_put(q, &c, &cid), -EBUSY);	/* one slot stays empty */
	assert_int_equal(q->sq_tail, 3);

	assert_false(nvme_cq_ready(q));
	assert_int_equal(nvme_cq_take(q, &e), 0);		/* phase 0: nothing yet */
	post(0, 0, 1, 1);
	assert_true(nvme_cq_ready(q));
	assert_int_equal(nvme_cq_take(q, &e), 1);
	assert_false(nvme_cq_ready(q));
	assert_int_equal(e.cid, 0);
	assert_int_equal(e.dw0, 0x1234);
	assert_int_equal(q->cq_head, 1);
	assert_int_equal(q->sq_head, 1);
	assert_int_equal(q->outstanding, 2);
	assert_int_equal(nvme_cq_take(q, &e), 0);
	assert_int_equal(nvme_sq_put(q, &c, &cid), 0);		/* room again: wraps to 0 */
	assert_int_equal(q->sq_tail, 0);
	post(1, 1, 2, 1);
	post(2, 2, 3, 1);
	post(3, 3, 0, 1);
	for (i = 1; i < 4; i++) {
		assert_int_equal(nvme_cq_take(q, &e), 1);
		assert_int_equal(e.cid, i);
	}
	assert_int_equal(q->cq_head, 0);
	assert_int_equal(q->phase, 0);				/* wrapped: phase flips */
	assert_false(nvme_cq_ready(q));
	assert_int_equal(nvme_cq_take(q, &e), 0);		/* slot 0 still has P=1 */
	post(0, 4, 1, 0);
	assert_true(nvme_cq_ready(q));
	assert_int_equal(nvme_cq_take(q, &e), 1);
	assert_int_equal(e.cid, 4);
	assert_int_equal(q->outstanding, 0);
	assert_int_equal(nvme_queue_setup(q, 1, 1, sq_ring, cq_ring), -EINVAL);
}

static bool allowed_admin(uint8_t opc)
{
	return opc == NVME_ADMIN_DELETE_SQ || opc == NVME_ADMIN_CREATE_SQ ||
	       opc == NVME_ADMIN_DELETE_CQ || opc == NVME_ADMIN_CREATE_CQ ||
	       opc == NVME_ADMIN_IDENTIFY || opc == NVME_ADMIN_GET_FEATURES;
}

/* c on queue qid must be refused, printed with opcode and queue, and
 * leave the ring untouched. */
static void expect_refused(uint16_t qid, const union nvme_sqe *c)
{
	struct nvme_queue *q = ring(qid);
	char out[256], want[64];
	unsigned i, k;

	for (i = 0; i < DEPTH; i++)
		for (k = 0; k < 16; k++)
			sq_ring[i].dw[k] = SENTINEL;
	if (put_captured(q, c, out, sizeof(out)) != -EPERM)
		fail_msg("opcode 0x%02x on queue %u (cdw10 0x%x flags 0x%x) was not refused",
			 c->opc, qid, c->cdw10, c->flags);
	snprintf(want, sizeof(want), "opcode 0x%02x on queue %u", c->opc, qid);
	if (!strstr(out, "refused") || !strstr(out, want))
		fail_msg("refusal of 0x%02x on queue %u printed \"%s\"", c->opc, qid, out);
	assert_int_equal(q->sq_tail, 0);
	assert_int_equal(q->outstanding, 0);
	for (i = 0; i < DEPTH; i++)
		for (k = 0; k < 16; k++)
			assert_int_equal(sq_ring[i].dw[k], SENTINEL);
}

static void expect_allowed(uint16_t qid, const union nvme_sqe *c)
{
	struct nvme_queue *q = ring(qid);
	char out[256];

	if (put_captured(q, c, out, sizeof(out)) != 0)
		fail_msg("opcode 0x%02x on queue %u refused: %s", c->opc, qid, out);
	assert_int_equal(q->sq_tail, 1);
	assert_int_equal(sq_ring[0].dw[0] & 0xff, c->opc);
	assert_int_equal(sq_ring[0].dw[10], c->cdw10);
}

/* Every admin opcode but the six (and Set Features, below) is refused. */
static void test_refuse_admin(void **state)
{
	union nvme_sqe c;
	unsigned opc, refused = 0;

	(void)state;
	for (opc = 0; opc < 256; opc++) {
		memset(&c, 0, sizeof(c));
		c.opc = (uint8_t)opc;
		if (allowed_admin(c.opc)) {
			expect_allowed(0, &c);
		} else if (opc != NVME_ADMIN_SET_FEATURES) {
			expect_refused(0, &c);
			refused++;
		}
	}
	assert_int_equal(refused, 256 - 7);
	/* The named ones, in case the sweep above were ever narrowed. */
	memset(&c, 0, sizeof(c));
	c.opc = NVME_ADMIN_FORMAT_NVM;
	expect_refused(0, &c);
	c.opc = NVME_ADMIN_SANITIZE;
	expect_refused(0, &c);
	c.opc = NVME_ADMIN_FW_COMMIT;
	expect_refused(0, &c);
	c.opc = NVME_ADMIN_FW_DOWNLOAD;
	expect_refused(0, &c);
	c.opc = NVME_ADMIN_NS_MGMT;
	expect_refused(0, &c);
	c.opc = NVME_ADMIN_NS_ATTACH;
	expect_refused(0, &c);
	c.opc = NVME_ADMIN_SECURITY_SEND;
	expect_refused(0, &c);
}

/* Every I/O opcode but Read is refused, Write and its kin by name too;
 * admin numbers mean something else here (0x01 Create I/O SQ is Write). */
static void test_refuse_io(void **state)
{
	static const uint8_t named[] = {
		NVME_IO_WRITE, NVME_IO_WRITE_ZEROES, NVME_IO_DSM, NVME_IO_WRITE_UNCOR,
		NVME_IO_FLUSH, NVME_IO_COPY, NVME_IO_COMPARE, NVME_IO_VERIFY,
		NVME_IO_RESV_REGISTER, NVME_ADMIN_CREATE_SQ, NVME_ADMIN_IDENTIFY,
	};
	union nvme_sqe c;
	unsigned opc, i;

	(void)state;
	for (opc = 0; opc < 256; opc++) {
		memset(&c, 0, sizeof(c));
		c.opc = (uint8_t)opc;
		if (opc == NVME_IO_READ)
			expect_allowed(1, &c);
		else
			expect_refused(1, &c);
	}
	for (i = 0; i < ARRAY_SIZE(named); i++) {
		nvme_cmd_read(&c, 1, 0, 1, 0x1000, 0);
		c.opc = named[i];
		expect_refused(7, &c);
	}
	/* Read on the admin queue is Get Log Page's neighbour 0x02: refused. */
	nvme_cmd_read(&c, 1, 0, 1, 0x1000, 0);
	expect_refused(0, &c);
	/* A fused Read, or one with SGLs, is refused. */
	c.flags = 1;
	expect_refused(1, &c);
	c.flags = 2;
	expect_refused(1, &c);
	c.flags = 0x40;
	expect_refused(1, &c);
	c.flags = 0;
	expect_allowed(1, &c);
}

/* Set Features: Number of Queues with SV=0 only. */
static void test_refuse_set_features(void **state)
{
	union nvme_sqe c;
	unsigned fid;

	(void)state;
	for (fid = 0; fid < 256; fid++) {
		nvme_cmd_set_num_queues(&c, 4, 4);
		c.cdw10 = fid;
		if (fid == NVME_FID_NUM_QUEUES)
			expect_allowed(0, &c);
		else
			expect_refused(0, &c);
		c.cdw10 = fid | (uint32_t)NVME_FEAT_SV;
		expect_refused(0, &c);
	}
	nvme_cmd_set_num_queues(&c, 8, 8);
	expect_allowed(0, &c);
	c.cdw10 |= (uint32_t)NVME_FEAT_SV;
	expect_refused(0, &c);
	nvme_cmd_get_features(&c, 0x02);	/* Get Features: any FID */
	expect_allowed(0, &c);
}

/* Every encoder's output passes the check on its own queue kind. */
static void test_encoders_allowed(void **state)
{
	union nvme_sqe c;
	const char *why;

	(void)state;
	nvme_cmd_identify(&c, 1, 0, 0x1000);
	assert_int_equal(nvme_cmd_check(&c, 0, &why), 0);
	nvme_cmd_set_num_queues(&c, 8, 8);
	assert_int_equal(nvme_cmd_check(&c, 0, &why), 0);
	nvme_cmd_create_cq(&c, 1, 4, 0x1000, 0);
	assert_int_equal(nvme_cmd_check(&c, 0, &why), 0);
	nvme_cmd_create_sq(&c, 1, 4, 0x1000, 1);
	assert_int_equal(nvme_cmd_check(&c, 0, &why), 0);
	assert_int_equal(nvme_cmd_check(&c, 1, &why), -EPERM);
	assert_non_null(why);
	nvme_cmd_read(&c, 1, 0, 1, 0x1000, 0);
	assert_int_equal(nvme_cmd_check(&c, 1, &why), 0);
}

static void id_ns(uint8_t *p, uint64_t nsze, unsigned nlbaf, unsigned flbas, unsigned idx,
		  uint32_t lbaf)
{
	memset(p, 0, NVME_PAGE);
	memcpy(p, &nsze, sizeof(nsze));
	p[NVME_ID_NS_NLBAF] = (uint8_t)(nlbaf - 1);
	p[NVME_ID_NS_FLBAS] = (uint8_t)flbas;
	memcpy(p + NVME_ID_NS_LBAF + 4 * idx, &lbaf, sizeof(lbaf));
}

static void test_ns_block_size(void **state)
{
	static uint8_t p[NVME_PAGE];
	const char *why;
	uint32_t lba = 0;

	(void)state;
	id_ns(p, 2048, 1, 0, 0, 9u << 16);
	assert_int_equal(nvme_ns_block_size(p, &lba, &why), 0);
	assert_int_equal(lba, 512);
	id_ns(p, 2048, 2, 1, 1, 12u << 16);
	assert_int_equal(nvme_ns_block_size(p, &lba, &why), 0);
	assert_int_equal(lba, 4096);
	/* NVMe 2.0: index 17 = FLBAS [6:5] 1, [3:0] 1 */
	id_ns(p, 2048, 20, 0x21, 17, 9u << 16);
	assert_int_equal(nvme_ns_block_size(p, &lba, &why), 0);
	assert_int_equal(lba, 512);
	id_ns(p, 2048, 1, 0, 0, 13u << 16);
	assert_int_equal(nvme_ns_block_size(p, &lba, &why), -EOPNOTSUPP);
	assert_non_null(strstr(why, "4096"));
	id_ns(p, 2048, 1, 0, 0, 9u << 16 | 8);		/* 8 bytes of metadata */
	assert_int_equal(nvme_ns_block_size(p, &lba, &why), -EOPNOTSUPP);
	assert_non_null(strstr(why, "metadata"));
	id_ns(p, 0, 1, 0, 0, 9u << 16);
	assert_int_equal(nvme_ns_block_size(p, &lba, &why), -EOPNOTSUPP);
	id_ns(p, 2048, 1, 1, 1, 9u << 16);		/* index 1 of 1 format */
	assert_int_equal(nvme_ns_block_size(p, &lba, &why), -EOPNOTSUPP);
	id_ns(p, 2048, 1, 0, 0, 8u << 16);
	assert_int_equal(nvme_ns_block_size(p, &lba, &why), -EOPNOTSUPP);
}

static void test_id_string(void **state)
{
	char s[8];

	(void)state;
	nvme_id_string(s, sizeof(s), (const uint8_t *)"QEMU   ", 7);
	assert_string_equal(s, "QEMU");
	nvme_id_string(s, sizeof(s), (const uint8_t *)"A\x01" "B\x7f", 4);
	assert_string_equal(s, "A?B?");
	nvme_id_string(s, sizeof(s), (const uint8_t *)"123456789", 9);
	assert_string_equal(s, "1234567");
	nvme_id_string(s, sizeof(s), (const uint8_t *)"    ", 4);
	assert_string_equal(s, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registers),
		cmocka_unit_test(test_doorbells),
		cmocka_unit_test(test_create_delete),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_identify_features),
		cmocka_unit_test(test_cqe_status),
		cmocka_unit_test(test_ring),
		cmocka_unit_test(test_refuse_admin),
		cmocka_unit_test(test_refuse_io),
		cmocka_unit_test(test_refuse_set_features),
		cmocka_unit_test(test_encoders_allowed),
		cmocka_unit_test(test_ns_block_size),
		cmocka_unit_test(test_id_string),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
