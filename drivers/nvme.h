/*
 * NVM Express controller (class 01:08:02, any vendor) as an interrupt
 * source: reset and enable, the admin queue polled, then one I/O queue
 * pair per MSI-X vector whose completions (one-block reads of LBA 0)
 * raise that vector. Not a storage driver: the only commands it can
 * issue are on the allow-list in nvme_cmd.c, none of which can change
 * stored data. NVM Express Base Specification 1.4 (NVMe), section 3.1
 * (controller registers) and 7.6.1 (initialization).
 */
#ifndef DRIVERS_NVME_H
#define DRIVERS_NVME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/bits.h"
#include "drivers/msix.h"
#include "drivers/nvme_cmd.h"
#include "drivers/pci.h"

#define NVME_CLASS		0x010802	/* mass storage, NVM, NVMe I/O controller */
#define NVME_REGS_BAR		0
#define NVME_MAX_IO_QUEUES	8		/* I/O queue pairs, one per vector */
#define NVME_QUEUE_DEPTH	4		/* entries per queue (CAP.MQES may cut it) */

/* ---- Controller registers in BAR0 (NVMe 3.1) ---- */
#define NVME_REG_CAP		0x00	/* 64 bits */
#define  NVME_CAP_MQES		GENMASK(15, 0)	/* max queue entries, 0's based */
#define  NVME_CAP_CQR		BIT(16)		/* contiguous queues required */
#define  NVME_CAP_TO		GENMASK(31, 24)	/* ready timeout, 500 ms units */
#define  NVME_CAP_DSTRD		GENMASK(35, 32)	/* doorbell stride 4 << DSTRD */
#define  NVME_CAP_CSS_NVM	BIT(37)		/* NVM command set supported */
#define  NVME_CAP_MPSMIN	GENMASK(51, 48)	/* min page 2^(12 + MPSMIN) */
#define NVME_REG_VS		0x08
#define  NVME_VS_MJR		GENMASK(31, 16)
#define  NVME_VS_MNR		GENMASK(15, 8)
#define NVME_REG_CC		0x14
#define  NVME_CC_EN		BIT(0)
#define  NVME_CC_CSS		GENMASK(6, 4)
#define   NVME_CC_CSS_NVM	0
#define  NVME_CC_MPS		GENMASK(10, 7)	/* page 2^(12 + MPS) */
#define  NVME_CC_AMS		GENMASK(13, 11)
#define   NVME_CC_AMS_RR	0		/* round robin */
#define  NVME_CC_SHN		GENMASK(15, 14)
#define  NVME_CC_IOSQES		GENMASK(19, 16)	/* log2 SQE size */
#define  NVME_CC_IOCQES		GENMASK(23, 20)	/* log2 CQE size */
#define NVME_REG_CSTS		0x1c
#define  NVME_CSTS_RDY		BIT(0)
#define  NVME_CSTS_CFS		BIT(1)		/* controller fatal status */
#define  NVME_CSTS_GONE		0xffffffffu	/* all ones: no device answers */
#define NVME_REG_AQA		0x24
#define  NVME_AQA_ASQS		GENMASK(11, 0)	/* admin SQ entries, 0's based */
#define  NVME_AQA_ACQS		GENMASK(27, 16)	/* admin CQ entries, 0's based */
#define NVME_REG_ASQ		0x28	/* 64 bits, page aligned */
#define NVME_REG_ACQ		0x30	/* 64 bits, page aligned */
/* Doorbells from 0x1000: nvme_sq_tail_db, nvme_cq_head_db (nvme_cmd.h). */

/* DMA memory, one 4 KiB page each: the admin SQ, CQ and data page, then
 * per I/O queue pair its SQ, CQ and read buffer. */
#define NVME_DMA_ADMIN_PAGES	3
#define NVME_DMA_IO_PAGES	3
#define NVME_DMA_SIZE		((NVME_DMA_ADMIN_PAGES + \
				  NVME_DMA_IO_PAGES * NVME_MAX_IO_QUEUES) * NVME_PAGE)
#define NVME_DMA_PROBE_SIZE	NVME_PAGE	/* Identify Controller data */
#define NVME_POISON		0xa5		/* fill before the device writes */

struct nvme_io {
	struct nvme_queue q;
	uint64_t sq_dev, cq_dev;	/* its rings as the device sees them */
	uint8_t *buf;			/* read buffer ... */
	uint64_t buf_dev;		/* ... as the device sees it */
	volatile uint32_t *sq_db;	/* its SQ tail doorbell */
	uint16_t cid;			/* of the Read last put */
	bool armed;			/* a Read is in the SQ, doorbell not rung */
	bool fired;			/* doorbell rung, completion not taken */
};

struct nvme {
	struct msix msix;
	volatile uint8_t *regs;		/* BAR0, identity-mapped */
	uint64_t regs_pa, regs_size;
	uint64_t tsc_hz;
	uint64_t timeout_tsc;		/* bound of each command's wait (1 s) */
	uint64_t ready_tsc;		/* bound of CSTS.RDY changes (CAP.TO) */
	uint16_t vendor;		/* PCI vendor: Identify's VID must match */
	unsigned dstrd;
	uint16_t depth;			/* I/O queue entries */
	uint32_t nsid, lba_bytes;
	unsigned nio;			/* I/O queue pairs = vectors */
	struct nvme_queue admin;
	uint8_t *admin_buf;		/* admin data page ... */
	uint64_t admin_buf_dev;		/* ... as the device sees it */
	struct nvme_io io[NVME_MAX_IO_QUEUES];
};

/* Whether d is an NVMe I/O controller (class 01:08:02) with MSI-X. */
bool nvme_probe(const struct pci_dev *d);
/*
 * Bring up devs[idx] with at most max_vec vectors: memory decode and bus
 * mastering on it and every bridge above it, INTx off, controller reset
 * and enable, Identify, Number of Queues, the first active namespace,
 * I/O queue pair i+1 completing on MSI-X vector i, all admin commands
 * polled; then MSI-X enabled with every entry masked and none pending.
 * dma (cpu and device views, NVME_DMA_SIZE bytes, page-aligned) holds
 * the queues. 0 with n->nio vectors, or a negative errno (printed).
 */
int nvme_init(struct nvme *n, const struct pci_cfg_ops *ops, const struct pci_dev *devs,
	      unsigned idx, uint64_t tsc_hz, void *dma_cpu, uint64_t dma_dev,
	      size_t dma_size, unsigned max_vec);
/* Take queue i's completions (checking their status), ring its CQ head
 * doorbell, put the next Read in its SQ (doorbell not rung). A previous
 * Read still outstanding is waited for (timeout_tsc). */
int nvme_arm(struct nvme *n, unsigned i);
/* Ring queue i's SQ tail doorbell (the one write that raises vector i),
 * then wait (timeout_tsc) until the controller posted the completion, so
 * its message has been sent when this returns. -EINVAL if not armed,
 * -ETIMEDOUT. */
int nvme_fire(struct nvme *n, unsigned i);
/* Quiet: armed Reads withdrawn (never rung), fired ones waited for
 * (timeout_tsc) and their completions taken. A later arm works. */
void nvme_stop(struct nvme *n);
/*
 * DMA probe: Identify Controller on the admin queue into dev_addr (cpu:
 * the same NVME_DMA_PROBE_SIZE bytes, page-aligned). prepare takes the
 * completions of fired Reads (waiting for them) and poisons the bytes
 * (-EINVAL for bad addresses); run issues the
 * command and waits: 0 when it succeeded and VID landed at offset 0;
 * -EIO when it failed or the data did not land; -ETIMEDOUT with no
 * completion. MSI-X is off during run so the admin completion (vector 0)
 * raises nothing and leaves no pending bit.
 */
int nvme_dma_prepare(struct nvme *n, uint64_t dev_addr, void *cpu);
int nvme_dma_run(struct nvme *n, uint64_t dev_addr, void *cpu);
/* Within the driver (nvme.c, nvme_io.c): wait (timeout_tsc) for command
 * cid's completion on q, taking it and ringing the CQ head doorbell
 * (completions of earlier, timed-out commands are dropped): 0, -EIO
 * (error status, printed), -ETIMEDOUT; and one polled admin command
 * through nvme_sq_put. */
int nvme_wait_cqe(struct nvme *n, struct nvme_queue *q, uint16_t cid, union nvme_cqe *e,
		  const char *what);
int nvme_admin(struct nvme *n, const union nvme_sqe *c, union nvme_cqe *e, const char *what);
/* Raw register access. */
uint32_t nvme_read32(const struct nvme *n, uint32_t reg);
void nvme_write32(struct nvme *n, uint32_t reg, uint32_t v);

#endif
