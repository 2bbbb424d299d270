/*
 * NVM Express commands and queues as pure logic (no register access):
 * submission and completion queue entries, the command encoders this
 * driver uses, completion decoding, queue ring arithmetic, and THE
 * allow-list. NVM Express Base Specification 1.4 (NVMe): 4.2 SQE,
 * 4.6 CQE, 5 admin commands, NVM Command Set 6 (1.4 numbering).
 *
 * Lab SSDs hold data: every command goes through nvme_sq_put, which
 * refuses (-EPERM) any command that could change stored data or the
 * controller's configuration beyond what this driver needs. Allowed:
 * admin Identify, Get Features, Set Features of Number of Queues (not
 * saved), Create/Delete I/O SQ/CQ; NVM Read. Nothing else, ever.
 */
#ifndef DRIVERS_NVME_CMD_H
#define DRIVERS_NVME_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/bits.h"

#define NVME_PAGE		4096	/* CC.MPS 0: memory page size 4 KiB */
#define NVME_ADMIN_QID		0

/* ---- Submission queue entry (NVMe 4.2), 64 bytes ---- */
union nvme_sqe {
	struct {
		uint8_t opc;		/* CDW0 [7:0]    opcode */
		uint8_t flags;		/* CDW0 [15:8]   NVME_SQE_FUSE, NVME_SQE_PSDT */
		uint16_t cid;		/* CDW0 [31:16]  command identifier */
		uint32_t nsid;		/* CDW1 */
		uint32_t cdw2, cdw3;
		uint64_t mptr;		/* CDW5:4   metadata pointer */
		uint64_t prp1;		/* CDW7:6   data pointer: PRP entry 1 */
		uint64_t prp2;		/* CDW9:8   PRP entry 2 */
		uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
	} __attribute__((packed));
	uint32_t dw[16];
};
_Static_assert(sizeof(union nvme_sqe) == 64, "NVMe SQE is 64 bytes");
_Static_assert(offsetof(union nvme_sqe, prp1) == 24, "PRP1 at CDW6");
_Static_assert(offsetof(union nvme_sqe, cdw10) == 40, "CDW10 at byte 40");
#define NVME_SQE_SIZE_LOG2	6	/* CC.IOSQES */
#define  NVME_SQE_FUSE		GENMASK(1, 0)	/* in flags: fused operation */
#define  NVME_SQE_PSDT		GENMASK(7, 6)	/* in flags: 0 = PRPs */

/* ---- Completion queue entry (NVMe 4.6), 16 bytes ---- */
union nvme_cqe {
	struct {
		uint32_t dw0;		/* DW0      command specific */
		uint32_t dw1;		/* DW1      reserved */
		uint16_t sqhd;		/* DW2 [15:0]   SQ head pointer */
		uint16_t sqid;		/* DW2 [31:16]  SQ identifier */
		uint16_t cid;		/* DW3 [15:0]   command identifier */
		uint16_t status;	/* DW3 [31:16]  phase tag and status field */
	} __attribute__((packed));
	uint32_t dw[4];
};
_Static_assert(sizeof(union nvme_cqe) == 16, "NVMe CQE is 16 bytes");
_Static_assert(offsetof(union nvme_cqe, status) == 14, "status in DW3 [31:16]");
#define NVME_CQE_SIZE_LOG2	4	/* CC.IOCQES */
#define  NVME_CQE_P		BIT(0)		/* in status: phase tag */
#define  NVME_CQE_SC		GENMASK(8, 1)	/* status code */
#define  NVME_CQE_SCT		GENMASK(11, 9)	/* status code type */
#define  NVME_CQE_DNR		BIT(15)		/* do not retry */

/* ---- Opcodes. Admin (NVMe 5, figure 139) and NVM I/O (NVMe 6, figure
 * 346) share numbers: 0x01 is Create I/O SQ on the admin queue and Write
 * on an I/O queue, so a check is always per queue kind. ---- */
#define NVME_ADMIN_DELETE_SQ	0x00
#define NVME_ADMIN_CREATE_SQ	0x01
#define NVME_ADMIN_GET_LOG_PAGE	0x02
#define NVME_ADMIN_DELETE_CQ	0x04
#define NVME_ADMIN_CREATE_CQ	0x05
#define NVME_ADMIN_IDENTIFY	0x06
#define NVME_ADMIN_ABORT	0x08
#define NVME_ADMIN_SET_FEATURES	0x09
#define NVME_ADMIN_GET_FEATURES	0x0a
#define NVME_ADMIN_ASYNC_EVENT	0x0c
#define NVME_ADMIN_NS_MGMT	0x0d
#define NVME_ADMIN_FW_COMMIT	0x10
#define NVME_ADMIN_FW_DOWNLOAD	0x11
#define NVME_ADMIN_SELF_TEST	0x14
#define NVME_ADMIN_NS_ATTACH	0x15
#define NVME_ADMIN_FORMAT_NVM	0x80
#define NVME_ADMIN_SECURITY_SEND 0x81
#define NVME_ADMIN_SANITIZE	0x84
#define NVME_IO_FLUSH		0x00
#define NVME_IO_WRITE		0x01
#define NVME_IO_READ		0x02
#define NVME_IO_WRITE_UNCOR	0x04
#define NVME_IO_COMPARE		0x05
#define NVME_IO_WRITE_ZEROES	0x08
#define NVME_IO_DSM		0x09	/* dataset management (deallocate) */
#define NVME_IO_VERIFY		0x0c
#define NVME_IO_RESV_REGISTER	0x0d
#define NVME_IO_COPY		0x19

/* Command dwords (NVMe 5.3, 5.4, 5.15, 5.21, 6.9). */
#define NVME_QUEUE_QID		GENMASK(15, 0)	/* CDW10 of create/delete */
#define NVME_QUEUE_QSIZE	GENMASK(31, 16)	/* CDW10 of create, 0's based */
#define NVME_CREATE_PC		BIT(0)		/* CDW11: physically contiguous */
#define NVME_CREATE_CQ_IEN	BIT(1)		/* CDW11: interrupts enabled */
#define NVME_CREATE_CQ_IV	GENMASK(31, 16)	/* CDW11: MSI-X vector */
#define NVME_CREATE_SQ_CQID	GENMASK(31, 16)	/* CDW11: its CQ */
#define NVME_IDENTIFY_CNS	GENMASK(7, 0)	/* CDW10 */
#define  NVME_CNS_NAMESPACE	0x00
#define  NVME_CNS_CONTROLLER	0x01
#define  NVME_CNS_ACTIVE_NSIDS	0x02	/* NVMe 1.1 and later */
#define NVME_FEAT_FID		GENMASK(7, 0)	/* CDW10 of Get/Set Features */
#define NVME_FEAT_SV		BIT(31)		/* CDW10 of Set Features: save */
#define  NVME_FID_NUM_QUEUES	0x07
#define NVME_NUMQ_NSQ		GENMASK(15, 0)	/* CDW11 and DW0, 0's based */
#define NVME_NUMQ_NCQ		GENMASK(31, 16)
#define NVME_READ_NLB		GENMASK(15, 0)	/* CDW12, 0's based */

/* Identify data offsets (NVMe 5.15.2, figures 247 and 249). */
#define NVME_ID_CTRL_VID	0	/* 16 bits: PCI vendor ID */
#define NVME_ID_CTRL_SN		4	/* 20 ASCII bytes */
#define NVME_ID_CTRL_MN		24	/* 40 ASCII bytes */
#define NVME_ID_CTRL_FR		64	/* 8 ASCII bytes */
#define NVME_ID_CTRL_SQES	512	/* [3:0] required (log2) */
#define NVME_ID_CTRL_CQES	513
#define  NVME_ID_QES_MIN	GENMASK(3, 0)
#define NVME_ID_CTRL_NN		516	/* 32 bits: number of namespaces */
#define NVME_ID_NS_NSZE		0	/* 64 bits: size in logical blocks */
#define NVME_ID_NS_NLBAF	25	/* number of LBA formats, 0's based */
#define NVME_ID_NS_FLBAS	26	/* formatted LBA size */
#define  NVME_FLBAS_LO		GENMASK(3, 0)	/* format index [3:0] */
#define  NVME_FLBAS_EXT		BIT(4)		/* metadata at the end of each block */
#define  NVME_FLBAS_HI		GENMASK(6, 5)	/* format index [5:4] (NVMe 2.0) */
#define NVME_ID_NS_LBAF		128	/* 4 bytes per LBA format */
#define  NVME_LBAF_MS		GENMASK(15, 0)	/* metadata bytes per block */
#define  NVME_LBAF_LBADS	GENMASK(23, 16)	/* log2 of the block size */

/* One submission/completion queue pair, depth entries each. */
struct nvme_queue {
	volatile union nvme_sqe *sq;
	volatile union nvme_cqe *cq;
	uint16_t qid;			/* 0: admin */
	uint16_t depth;
	uint16_t sq_tail;		/* next slot nvme_sq_put fills */
	uint16_t sq_head;		/* the controller's, from the last CQE */
	uint16_t cq_head;		/* next entry to look at */
	uint8_t phase;			/* phase tag a new entry there carries */
	uint16_t next_cid;
	uint16_t outstanding;		/* put and not yet completed */
};

/* ---- Register values and doorbells ---- */

/* CC for enable: NVM command set, 4 KiB pages, round robin, the SQE and CQE
 * sizes above, EN set (NVMe 3.1.5). */
uint32_t nvme_cc_enable_value(void);
/* AQA for admin queues of sq_entries and cq_entries (2..4096). */
uint32_t nvme_aqa_value(unsigned sq_entries, unsigned cq_entries);
/* Offset in BAR0 of queue qid's SQ tail / CQ head doorbell, with the
 * stride CAP.DSTRD (NVMe 3.1.10, 3.1.11). */
uint32_t nvme_sq_tail_db(unsigned qid, unsigned dstrd);
uint32_t nvme_cq_head_db(unsigned qid, unsigned dstrd);

/* ---- Encoders: each clears the entry, then fills opcode and fields ---- */

void nvme_cmd_identify(union nvme_sqe *c, uint8_t cns, uint32_t nsid, uint64_t prp1);
void nvme_cmd_get_features(union nvme_sqe *c, uint8_t fid);
/* Set Features Number of Queues (not saved): nsq and ncq I/O queues (>= 1). */
void nvme_cmd_set_num_queues(union nvme_sqe *c, unsigned nsq, unsigned ncq);
/* Create I/O CQ qid of depth entries at prp (contiguous), interrupts on
 * MSI-X vector iv. */
void nvme_cmd_create_cq(union nvme_sqe *c, uint16_t qid, uint16_t depth, uint64_t prp,
			uint16_t iv);
/* Create I/O SQ qid of depth entries at prp (contiguous) completing on cqid. */
void nvme_cmd_create_sq(union nvme_sqe *c, uint16_t qid, uint16_t depth, uint64_t prp,
			uint16_t cqid);
void nvme_cmd_delete_sq(union nvme_sqe *c, uint16_t qid);
void nvme_cmd_delete_cq(union nvme_sqe *c, uint16_t qid);
/* Read nblocks (1..65536) from slba of nsid into prp1 (and prp2). */
void nvme_cmd_read(union nvme_sqe *c, uint32_t nsid, uint64_t slba, unsigned nblocks,
		   uint64_t prp1, uint64_t prp2);

/* ---- Completions ---- */

/* Status code type << 8 | status code (0: success). */
unsigned nvme_cqe_status(const union nvme_cqe *e);
/* Set Features Number of Queues result: queues granted (1's based). */
void nvme_num_queues_granted(uint32_t dw0, unsigned *nsq, unsigned *ncq);

/* ---- The allow-list ---- */

/* 0 when c may be submitted on queue qid (0: admin queue); -EPERM when
 * not, with *why naming the rule it broke. */
int nvme_cmd_check(const union nvme_sqe *c, uint16_t qid, const char **why);

/* ---- Queue rings ---- */

/* Empty pair over sq/cq of depth (2..4096) entries: tail, head 0, phase 1,
 * both rings cleared. */
int nvme_queue_setup(struct nvme_queue *q, uint16_t qid, uint16_t depth,
		     volatile union nvme_sqe *sq, volatile union nvme_cqe *cq);
/*
 * THE submission path. c is checked by nvme_cmd_check; a refused command
 * is printed (opcode, queue, rule) and never written: -EPERM. -EBUSY when
 * the ring is full. Otherwise c goes into the next slot with a fresh
 * command identifier (*cid), and the tail advances; the caller rings the
 * doorbell with q->sq_tail.
 */
int nvme_sq_put(struct nvme_queue *q, const union nvme_sqe *c, uint16_t *cid);
/* Take the next completion if the controller posted one (its phase tag
 * matches): 1 with *e filled, head and phase advanced, SQ head updated;
 * 0 when there is none. The caller rings the CQ head doorbell with
 * q->cq_head. */
int nvme_cq_take(struct nvme_queue *q, union nvme_cqe *e);
/* Whether the controller posted the entry nvme_cq_take would take next. */
bool nvme_cq_ready(const struct nvme_queue *q);

/* ---- Identify data ---- */

/* Block size of an Identify Namespace page's formatted LBA format into
 * *lba_bytes: 0, or -EOPNOTSUPP (no namespace, block over 4096 bytes,
 * metadata) with *why. */
int nvme_ns_block_size(const uint8_t *id_ns, uint32_t *lba_bytes, const char **why);
/* An Identify ASCII field (len bytes, space padded) as a C string in dst
 * (dsize >= 1): trailing spaces dropped, unprintable bytes as '?'. */
void nvme_id_string(char *dst, size_t dsize, const uint8_t *field, size_t len);

#endif
