/* NVMe commands, completions, queue rings and the allow-list (see
 * nvme_cmd.h): pure, unit-tested on the host (tests/unit/test_nvme*.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "drivers/nvme.h"

#define NVME_CC_IOSQES_VALUE	NVME_SQE_SIZE_LOG2
#define NVME_CC_IOCQES_VALUE	NVME_CQE_SIZE_LOG2
#define NVME_DB_BASE		0x1000	/* first doorbell (NVMe 3.1.10) */

uint32_t nvme_cc_enable_value(void)
{
	return (uint32_t)(NVME_CC_EN | FIELD_PREP(NVME_CC_CSS, NVME_CC_CSS_NVM) |
			  FIELD_PREP(NVME_CC_MPS, 0) | FIELD_PREP(NVME_CC_AMS, NVME_CC_AMS_RR) |
			  FIELD_PREP(NVME_CC_IOSQES, NVME_CC_IOSQES_VALUE) |
			  FIELD_PREP(NVME_CC_IOCQES, NVME_CC_IOCQES_VALUE));
}

uint32_t nvme_aqa_value(unsigned sq_entries, unsigned cq_entries)
{
	return (uint32_t)(FIELD_PREP(NVME_AQA_ASQS, sq_entries - 1) |
			  FIELD_PREP(NVME_AQA_ACQS, cq_entries - 1));
}

/* SQyTDBL at 0x1000 + (2y) * (4 << DSTRD), CQyHDBL one stride above. */
uint32_t nvme_sq_tail_db(unsigned qid, unsigned dstrd)
{
	return NVME_DB_BASE + (2 * qid) * (4u << dstrd);
}

uint32_t nvme_cq_head_db(unsigned qid, unsigned dstrd)
{
	return NVME_DB_BASE + (2 * qid + 1) * (4u << dstrd);
}

static void nvme_cmd_clear(union nvme_sqe *c, uint8_t opc)
{
	memset(c, 0, sizeof(*c));
	c->opc = opc;
}

void nvme_cmd_identify(union nvme_sqe *c, uint8_t cns, uint32_t nsid, uint64_t prp1)
{
	nvme_cmd_clear(c, NVME_ADMIN_IDENTIFY);
	c->nsid = nsid;
	c->prp1 = prp1;
	c->cdw10 = (uint32_t)FIELD_PREP(NVME_IDENTIFY_CNS, cns);
}

void nvme_cmd_get_features(union nvme_sqe *c, uint8_t fid)
{
	nvme_cmd_clear(c, NVME_ADMIN_GET_FEATURES);
	c->cdw10 = (uint32_t)FIELD_PREP(NVME_FEAT_FID, fid);	/* SEL 0: current */
}

void nvme_cmd_set_num_queues(union nvme_sqe *c, unsigned nsq, unsigned ncq)
{
	nvme_cmd_clear(c, NVME_ADMIN_SET_FEATURES);
	c->cdw10 = (uint32_t)FIELD_PREP(NVME_FEAT_FID, NVME_FID_NUM_QUEUES);
	c->cdw11 = (uint32_t)(FIELD_PREP(NVME_NUMQ_NSQ, nsq - 1) |
			      FIELD_PREP(NVME_NUMQ_NCQ, ncq - 1));
}

void nvme_cmd_create_cq(union nvme_sqe *c, uint16_t qid, uint16_t depth, uint64_t prp,
			uint16_t iv)
{
	nvme_cmd_clear(c, NVME_ADMIN_CREATE_CQ);
	c->prp1 = prp;
	c->cdw10 = (uint32_t)(FIELD_PREP(NVME_QUEUE_QID, qid) |
			      FIELD_PREP(NVME_QUEUE_QSIZE, depth - 1));
	c->cdw11 = (uint32_t)(NVME_CREATE_PC | NVME_CREATE_CQ_IEN |
			      FIELD_PREP(NVME_CREATE_CQ_IV, iv));
}

void nvme_cmd_create_sq(union nvme_sqe *c, uint16_t qid, uint16_t depth, uint64_t prp,
			uint16_t cqid)
{
	nvme_cmd_clear(c, NVME_ADMIN_CREATE_SQ);
	c->prp1 = prp;
	c->cdw10 = (uint32_t)(FIELD_PREP(NVME_QUEUE_QID, qid) |
			      FIELD_PREP(NVME_QUEUE_QSIZE, depth - 1));
	c->cdw11 = (uint32_t)(NVME_CREATE_PC | FIELD_PREP(NVME_CREATE_SQ_CQID, cqid));
}

void nvme_cmd_delete_sq(union nvme_sqe *c, uint16_t qid)
{
	nvme_cmd_clear(c, NVME_ADMIN_DELETE_SQ);
	c->cdw10 = (uint32_t)FIELD_PREP(NVME_QUEUE_QID, qid);
}

void nvme_cmd_delete_cq(union nvme_sqe *c, uint16_t qid)
{
	nvme_cmd_clear(c, NVME_ADMIN_DELETE_CQ);
	c->cdw10 = (uint32_t)FIELD_PREP(NVME_QUEUE_QID, qid);
}

void nvme_cmd_read(union nvme_sqe *c, uint32_t nsid, uint64_t slba, unsigned nblocks,
		   uint64_t prp1, uint64_t prp2)
{
	nvme_cmd_clear(c, NVME_IO_READ);
	c->nsid = nsid;
	c->prp1 = prp1;
	c->prp2 = prp2;
	c->cdw10 = (uint32_t)slba;
	c->cdw11 = (uint32_t)(slba >> 32);
	c->cdw12 = (uint32_t)FIELD_PREP(NVME_READ_NLB, nblocks - 1);
}

unsigned nvme_cqe_status(const union nvme_cqe *e)
{
	return (unsigned)(FIELD_GET(NVME_CQE_SCT, e->status) << 8 |
			  FIELD_GET(NVME_CQE_SC, e->status));
}

void nvme_num_queues_granted(uint32_t dw0, unsigned *nsq, unsigned *ncq)
{
	*nsq = (unsigned)FIELD_GET(NVME_NUMQ_NSQ, dw0) + 1;
	*ncq = (unsigned)FIELD_GET(NVME_NUMQ_NCQ, dw0) + 1;
}

/*
 * THE allow-list: the only opcodes that may reach a queue. None of them
 * can change stored data; Set Features is further limited in
 * nvme_cmd_check. Everything else (Write, Write Zeroes, Dataset
 * Management, Format NVM, Sanitize, firmware and namespace management,
 * vendor commands ...) is refused.
 */
static const struct {
	bool admin;
	uint8_t opc;
} nvme_allowed[] = {
	{ true, NVME_ADMIN_DELETE_SQ },
	{ true, NVME_ADMIN_CREATE_SQ },
	{ true, NVME_ADMIN_DELETE_CQ },
	{ true, NVME_ADMIN_CREATE_CQ },
	{ true, NVME_ADMIN_IDENTIFY },
	{ true, NVME_ADMIN_SET_FEATURES },	/* Number of Queues, SV=0 only */
	{ true, NVME_ADMIN_GET_FEATURES },
	{ false, NVME_IO_READ },
};

int nvme_cmd_check(const union nvme_sqe *c, uint16_t qid, const char **why)
{
	bool admin = qid == NVME_ADMIN_QID;
	unsigned i;

	if (c->flags & (NVME_SQE_FUSE | NVME_SQE_PSDT)) {
		*why = "fused operations and SGLs are not used";
		return -EPERM;
	}
	for (i = 0; i < ARRAY_SIZE(nvme_allowed); i++)
		if (nvme_allowed[i].admin == admin && nvme_allowed[i].opc == c->opc)
			break;
	if (i == ARRAY_SIZE(nvme_allowed)) {
		*why = "not on the allow-list (commands that cannot change stored data)";
		return -EPERM;
	}
	if (admin && c->opc == NVME_ADMIN_SET_FEATURES &&
	    (FIELD_GET(NVME_FEAT_FID, c->cdw10) != NVME_FID_NUM_QUEUES ||
	     (c->cdw10 & NVME_FEAT_SV))) {
		*why = "Set Features only for Number of Queues, not saved (SV=0)";
		return -EPERM;
	}
	*why = NULL;
	return 0;
}

int nvme_queue_setup(struct nvme_queue *q, uint16_t qid, uint16_t depth,
		     volatile union nvme_sqe *sq, volatile union nvme_cqe *cq)
{
	unsigned i, k;

	if (depth < 2 || depth > 4096 || !sq || !cq)
		return -EINVAL;
	memset(q, 0, sizeof(*q));
	q->sq = sq;
	q->cq = cq;
	q->qid = qid;
	q->depth = depth;
	q->phase = 1;	/* the controller's first pass writes P = 1 (NVMe 4.6) */
	for (i = 0; i < depth; i++) {
		for (k = 0; k < ARRAY_SIZE(sq[i].dw); k++)
			sq[i].dw[k] = 0;
		for (k = 0; k < ARRAY_SIZE(cq[i].dw); k++)
			cq[i].dw[k] = 0;
	}
	return 0;
}

int nvme_sq_put(struct nvme_queue *q, const union nvme_sqe *c, uint16_t *cid)
{
	uint16_t next = (uint16_t)((q->sq_tail + 1) % q->depth);
	const char *why;
	unsigned k;

	if (nvme_cmd_check(c, q->qid, &why)) {
		printf("nvme: refused %s opcode 0x%02x on queue %u: %s\n",
		       q->qid == NVME_ADMIN_QID ? "admin" : "I/O", c->opc, q->qid, why);
		return -EPERM;
	}
	if (next == q->sq_head)		/* full: one slot always stays empty */
		return -EBUSY;
	*cid = q->next_cid++;
	for (k = 1; k < ARRAY_SIZE(c->dw); k++)
		q->sq[q->sq_tail].dw[k] = c->dw[k];
	q->sq[q->sq_tail].dw[0] = (c->dw[0] & 0xffff) | (uint32_t)*cid << 16;
	q->sq_tail = next;
	q->outstanding++;
	return 0;
}

bool nvme_cq_ready(const struct nvme_queue *q)
{
	return (FIELD_GET(GENMASK(31, 16), q->cq[q->cq_head].dw[3]) & NVME_CQE_P) == q->phase;
}

int nvme_cq_take(struct nvme_queue *q, union nvme_cqe *e)
{
	volatile union nvme_cqe *slot = &q->cq[q->cq_head];
	unsigned k;

	/* The status dword first: once its phase tag matches, the rest of
	 * the entry is there (the controller writes the entry whole). */
	e->dw[3] = slot->dw[3];
	if ((e->status & NVME_CQE_P) != q->phase)
		return 0;
	for (k = 0; k < 3; k++)
		e->dw[k] = slot->dw[k];
	if (++q->cq_head == q->depth) {
		q->cq_head = 0;
		q->phase ^= 1;
	}
	q->sq_head = (uint16_t)(e->sqhd % q->depth);
	if (q->outstanding)
		q->outstanding--;
	return 1;
}

int nvme_ns_block_size(const uint8_t *id_ns, uint32_t *lba_bytes, const char **why)
{
	uint64_t nsze;
	uint32_t lbaf;
	unsigned nlbaf = id_ns[NVME_ID_NS_NLBAF] + 1u;
	unsigned flbas = id_ns[NVME_ID_NS_FLBAS];
	unsigned idx = (unsigned)(FIELD_GET(NVME_FLBAS_LO, flbas) |
				  FIELD_GET(NVME_FLBAS_HI, flbas) << 4);
	unsigned lbads;

	memcpy(&nsze, id_ns + NVME_ID_NS_NSZE, sizeof(nsze));
	if (!nsze) {
		*why = "namespace size 0 (inactive namespace)";
		return -EOPNOTSUPP;
	}
	if (idx >= nlbaf || idx >= 64) {
		*why = "formatted LBA format index beyond the formats listed";
		return -EOPNOTSUPP;
	}
	memcpy(&lbaf, id_ns + NVME_ID_NS_LBAF + 4 * idx, sizeof(lbaf));
	lbads = (unsigned)FIELD_GET(NVME_LBAF_LBADS, lbaf);
	if (lbads < 9 || lbads > 12) {
		*why = lbads > 12 ? "block size over 4096 bytes (one read must fit one page)" :
				    "block size under 512 bytes (invalid LBA format)";
		return -EOPNOTSUPP;
	}
	if (FIELD_GET(NVME_LBAF_MS, lbaf)) {
		*why = "blocks carry metadata (not supported: reads would need a metadata buffer)";
		return -EOPNOTSUPP;
	}
	*lba_bytes = 1u << lbads;
	*why = NULL;
	return 0;
}

void nvme_id_string(char *dst, size_t dsize, const uint8_t *field, size_t len)
{
	size_t i;

	while (len && (field[len - 1] == ' ' || !field[len - 1]))
		len--;
	for (i = 0; i < len && i + 1 < dsize; i++)
		dst[i] = field[i] >= 0x20 && field[i] < 0x7f ? (char)field[i] : '?';
	dst[i] = '\0';
}
