/*
 * NVMe controller bring-up and the polled admin queue (NVMe 1.4, 7.6.1):
 * disable, admin queue registers, enable, Identify, Number of Queues,
 * namespace, I/O queue pairs. Every command goes through nvme_sq_put
 * (nvme_cmd.c), the one place with the allow-list.
 *
 * Interrupts: I/O CQ i+1 completes on MSI-X vector i; the admin CQ is
 * always on vector 0 (NVMe 3.1.8, AQA) with no way to turn it off under
 * MSI-X (INTMS/INTMC are for pin and MSI only, NVMe 3.1.3). A completion
 * while an entry (or the function) is masked sets the entry's pending
 * bit, which its unmask would later deliver as a stale interrupt. So
 * admin commands run with MSI-X disabled and INTx disabled in the command
 * register, where the controller signals nothing (PCI 3.0 6.8.3.3) and,
 * once the CQE is taken and the head doorbell rung, no interrupt condition
 * remains. Two steps cannot: Create I/O CQ with a non-zero vector needs
 * MSI-X enabled (NVMe 5.3), so vector 0 is flushed afterwards
 * (nvme_msix_flush).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "drivers/cpu.h"
#include "drivers/nvme.h"

#define NVME_DEFAULT_HZ		1000000000ull	/* when the TSC rate is unknown */
#define NVME_CMD_WAIT_PER_SEC	1		/* each command: at most 1 s */
#define NVME_TO_UNITS_PER_SEC	2		/* CAP.TO counts 500 ms */
#define NVME_ADMIN_DEPTH	4
#define NVME_VS_1_1		0x00010100u	/* Identify CNS 2 from here on */
#define NVME_FLUSH_VECTOR	0xff	/* a valid vector; the message is dropped */

uint32_t nvme_read32(const struct nvme *n, uint32_t reg)
{
	return *(volatile uint32_t *)(n->regs + reg);
}

void nvme_write32(struct nvme *n, uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(n->regs + reg) = v;
}

/* 64-bit registers as two dword accesses, low half first (NVMe 3.1:
 * dword access to them is allowed; Linux does the same). */
static uint64_t nvme_read64(const struct nvme *n, uint32_t reg)
{
	uint64_t lo = nvme_read32(n, reg);

	return lo | (uint64_t)nvme_read32(n, reg + 4) << 32;
}

static void nvme_write64(struct nvme *n, uint32_t reg, uint64_t v)
{
	nvme_write32(n, reg, (uint32_t)v);
	nvme_write32(n, reg + 4, (uint32_t)(v >> 32));
}

bool nvme_probe(const struct pci_dev *d)
{
	return d->class_code == NVME_CLASS && d->header_type == PCI_HEADER_TYPE_NORMAL &&
	       d->msix_cap && d->msix_table_size >= 1;
}

/* Poll CSTS until (CSTS & mask) == want, at most ready_tsc (CAP.TO).
 * With cfs_fatal, a controller fatal status ends the wait. */
static int nvme_wait_csts(struct nvme *n, uint32_t mask, uint32_t want, bool cfs_fatal,
			  const char *what)
{
	uint64_t start = cpu_rdtsc();
	uint32_t v;

	do {
		v = nvme_read32(n, NVME_REG_CSTS);
		if (v == NVME_CSTS_GONE) {
			printf("nvme: %s: CSTS reads all ones: the device does not answer\n", what);
			return -ENODEV;
		}
		if ((v & mask) == want)
			return 0;
		if (cfs_fatal && (v & NVME_CSTS_CFS)) {
			printf("nvme: %s: CSTS 0x%08x: controller fatal status\n", what, v);
			return -EIO;
		}
		cpu_pause();
	} while (cpu_rdtsc() - start < n->ready_tsc);
	printf("nvme: %s: timeout: CSTS 0x%08x, waited %lu ms (CAP.TO) for RDY=%u\n", what, v,
	       n->ready_tsc * 1000 / n->tsc_hz, want ? 1 : 0);
	return -ETIMEDOUT;
}

/* Controller reset (NVMe 7.3.2): CC.EN 0, then RDY follows to 0. Clearing
 * EN while an enable is still under way (EN 1, RDY 0) has undefined
 * results (NVMe 3.1.5, CC.EN): firmware's enable is let finish first. */
static int nvme_disable(struct nvme *n)
{
	uint32_t cc = nvme_read32(n, NVME_REG_CC);
	uint32_t csts = nvme_read32(n, NVME_REG_CSTS);

	if ((cc & NVME_CC_EN) && !(csts & (NVME_CSTS_RDY | NVME_CSTS_CFS)))
		(void)nvme_wait_csts(n, NVME_CSTS_RDY, NVME_CSTS_RDY, true,
				     "letting the firmware's enable finish");
	nvme_write32(n, NVME_REG_CC, cc & ~(uint32_t)NVME_CC_EN);
	return nvme_wait_csts(n, NVME_CSTS_RDY, 0, false, "disable (CC.EN=0)");
}

/* Admin queue registers, then CC.EN (NVMe 7.6.1 steps 3-6). */
static int nvme_enable(struct nvme *n, uint64_t asq_dev, uint64_t acq_dev)
{
	nvme_write32(n, NVME_REG_AQA, nvme_aqa_value(NVME_ADMIN_DEPTH, NVME_ADMIN_DEPTH));
	nvme_write64(n, NVME_REG_ASQ, asq_dev);
	nvme_write64(n, NVME_REG_ACQ, acq_dev);
	nvme_write32(n, NVME_REG_CC, nvme_cc_enable_value());
	return nvme_wait_csts(n, NVME_CSTS_RDY, NVME_CSTS_RDY, true, "enable (CC.EN=1)");
}

int nvme_wait_cqe(struct nvme *n, struct nvme_queue *q, uint16_t cid,
			 union nvme_cqe *e, const char *what)
{
	uint64_t start = cpu_rdtsc();
	unsigned status;

	do {
		if (!nvme_cq_take(q, e)) {
			cpu_pause();
			continue;
		}
		nvme_write32(n, nvme_cq_head_db(q->qid, n->dstrd), q->cq_head);
		if (e->cid != cid) {
			printf("nvme: queue %u: late completion of command %u dropped\n",
			       q->qid, e->cid);
			continue;
		}
		status = nvme_cqe_status(e);
		if (status) {
			printf("nvme: %s failed: status type %u code 0x%02x (queue %u)\n", what,
			       status >> 8, status & 0xff, q->qid);
			return -EIO;
		}
		return 0;
	} while (cpu_rdtsc() - start < n->timeout_tsc);
	printf("nvme: %s: no completion on queue %u within %lu ms (CSTS 0x%08x)\n", what,
	       q->qid, n->timeout_tsc * 1000 / n->tsc_hz, nvme_read32(n, NVME_REG_CSTS));
	return -ETIMEDOUT;
}

int nvme_admin(struct nvme *n, const union nvme_sqe *c, union nvme_cqe *e,
		      const char *what)
{
	uint16_t cid;
	int err = nvme_sq_put(&n->admin, c, &cid);

	if (err == -EBUSY)
		printf("nvme: %s: admin queue full\n", what);
	if (err)
		return err;
	cpu_mfence();	/* the entry in memory before the doorbell */
	nvme_write32(n, nvme_sq_tail_db(NVME_ADMIN_QID, n->dstrd), n->admin.sq_tail);
	return nvme_wait_cqe(n, &n->admin, cid, e, what);
}

static uint16_t nvme_id16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t nvme_id32(const uint8_t *p)
{
	return (uint32_t)nvme_id16(p) | (uint32_t)nvme_id16(p + 2) << 16;
}

/* Identify Controller: VID must be the PCI vendor (the data is this
 * device's), the queue entry sizes this driver uses must be allowed. */
static int nvme_identify_ctrl(struct nvme *n, uint32_t *nn)
{
	const uint8_t *id = n->admin_buf;
	char mn[41], fr[9];
	union nvme_sqe c;
	union nvme_cqe e;
	int err;

	memset(n->admin_buf, NVME_POISON, NVME_PAGE);
	nvme_cmd_identify(&c, NVME_CNS_CONTROLLER, 0, n->admin_buf_dev);
	err = nvme_admin(n, &c, &e, "Identify Controller");
	if (err)
		return err;
	if (nvme_id16(id + NVME_ID_CTRL_VID) != n->vendor) {
		printf("nvme: Identify Controller: VID 0x%04x, PCI vendor 0x%04x: not this "
		       "device's data\n", nvme_id16(id + NVME_ID_CTRL_VID), n->vendor);
		return -EIO;
	}
	if (FIELD_GET(NVME_ID_QES_MIN, id[NVME_ID_CTRL_SQES]) > NVME_SQE_SIZE_LOG2 ||
	    FIELD_GET(NVME_ID_QES_MIN, id[NVME_ID_CTRL_CQES]) > NVME_CQE_SIZE_LOG2) {
		printf("nvme: Identify Controller: SQES 0x%02x CQES 0x%02x require entries "
		       "larger than 64/16 bytes\n", id[NVME_ID_CTRL_SQES], id[NVME_ID_CTRL_CQES]);
		return -EOPNOTSUPP;
	}
	*nn = nvme_id32(id + NVME_ID_CTRL_NN);
	nvme_id_string(mn, sizeof(mn), id + NVME_ID_CTRL_MN, 40);
	nvme_id_string(fr, sizeof(fr), id + NVME_ID_CTRL_FR, 8);
	printf("nvme: \"%s\" firmware \"%s\", vendor 0x%04x, %u namespace(s)\n", mn, fr,
	       n->vendor, *nn);
	return 0;
}

/* Set Features Number of Queues: ask for want pairs, keep what is granted. */
static int nvme_set_queues(struct nvme *n, unsigned want, unsigned *granted)
{
	union nvme_sqe c;
	union nvme_cqe e;
	unsigned nsq, ncq;
	int err;

	nvme_cmd_set_num_queues(&c, want, want);
	err = nvme_admin(n, &c, &e, "Set Features (Number of Queues)");
	if (err)
		return err;
	nvme_num_queues_granted(e.dw0, &nsq, &ncq);
	*granted = nsq < ncq ? nsq : ncq;
	return 0;
}

/* The first active namespace (Identify CNS 2, NVMe 1.1 on; namespace 1
 * before) and its block size. */
static int nvme_find_ns(struct nvme *n, uint32_t vs, uint32_t nn)
{
	union nvme_sqe c;
	union nvme_cqe e;
	const char *why;
	int err;

	n->nsid = nn ? 1 : 0;
	if (vs >= NVME_VS_1_1) {
		memset(n->admin_buf, 0, NVME_PAGE);
		nvme_cmd_identify(&c, NVME_CNS_ACTIVE_NSIDS, 0, n->admin_buf_dev);
		err = nvme_admin(n, &c, &e, "Identify (active namespace list)");
		if (err)
			return err;
		n->nsid = nvme_id32(n->admin_buf);
	}
	if (!n->nsid) {
		printf("nvme: no active namespace (NN %u): nothing to read from\n", nn);
		return -ENODEV;
	}
	memset(n->admin_buf, 0, NVME_PAGE);
	nvme_cmd_identify(&c, NVME_CNS_NAMESPACE, n->nsid, n->admin_buf_dev);
	err = nvme_admin(n, &c, &e, "Identify Namespace");
	if (err)
		return err;
	err = nvme_ns_block_size(n->admin_buf, &n->lba_bytes, &why);
	if (err)
		printf("nvme: namespace %u unusable: %s\n", n->nsid, why);
	return err;
}

/* I/O pair i's memory: SQ, CQ and read buffer pages after the admin ones. */
static int nvme_io_setup(struct nvme *n, unsigned i, uint8_t *cpu, uint64_t dev)
{
	struct nvme_io *io = &n->io[i];
	uint16_t qid = (uint16_t)(i + 1);
	size_t base = (NVME_DMA_ADMIN_PAGES + NVME_DMA_IO_PAGES * i) * NVME_PAGE;

	io->sq_dev = dev + base;
	io->cq_dev = dev + base + NVME_PAGE;
	io->buf = cpu + base + 2 * NVME_PAGE;
	io->buf_dev = dev + base + 2 * NVME_PAGE;
	io->sq_db = (volatile uint32_t *)(n->regs + nvme_sq_tail_db(qid, n->dstrd));
	return nvme_queue_setup(&io->q, qid, n->depth, (volatile union nvme_sqe *)(cpu + base),
				(volatile union nvme_cqe *)(cpu + base + NVME_PAGE));
}

/* I/O CQ i+1 on MSI-X vector i, interrupts on (NVMe 5.3). */
static int nvme_create_cq(struct nvme *n, unsigned i)
{
	union nvme_sqe c;
	union nvme_cqe e;

	nvme_cmd_create_cq(&c, n->io[i].q.qid, n->depth, n->io[i].cq_dev, (uint16_t)i);
	return nvme_admin(n, &c, &e, "Create I/O CQ");
}

/* I/O SQ i+1 completing on CQ i+1 (NVMe 5.4). */
static int nvme_create_sq(struct nvme *n, unsigned i)
{
	union nvme_sqe c;
	union nvme_cqe e;

	nvme_cmd_create_sq(&c, n->io[i].q.qid, n->depth, n->io[i].sq_dev, n->io[i].q.qid);
	return nvme_admin(n, &c, &e, "Create I/O SQ");
}

static int nvme_map_regs(struct nvme *n, const struct pci_cfg_ops *ops,
			 const struct pci_dev *d)
{
	bool mmio64;
	int err = pci_bar_decode(ops, d, NVME_REGS_BAR, &n->regs_pa, &n->regs_size, &mmio64);

	if (err) {
		printf("nvme: BAR%u unusable (error %d)\n", NVME_REGS_BAR, err);
		return err;
	}
	/* The doorbells of the admin queue and NVME_MAX_IO_QUEUES pairs at
	 * the largest stride must fit; nvme_init checks the actual one. */
	if (!n->regs_pa || n->regs_size < nvme_cq_head_db(0, 0) + 4) {
		printf("nvme: BAR%u at 0x%lx size 0x%lx: unassigned or too small\n",
		       NVME_REGS_BAR, n->regs_pa, n->regs_size);
		return -ENXIO;
	}
	n->regs = (volatile uint8_t *)(uintptr_t)n->regs_pa;
	return 0;
}

/* MSI-X enabled with the function and every entry masked (PCI 3.0
 * 6.8.3.5): nothing is sent, completions only set pending bits. */
static int nvme_msix_masked_on(struct nvme *n)
{
	unsigned i;
	int err = msix_ctrl_update(&n->msix, 0, PCI_MSIX_CTRL_MASKALL);

	for (i = 0; !err && i < n->msix.nvec; i++)
		err = msix_entry_mask(&n->msix, i, true);
	if (!err)
		err = msix_ctrl_update(&n->msix, 0, PCI_MSIX_CTRL_ENABLE);
	if (!err && !(msix_ctrl_read(&n->msix) & PCI_MSIX_CTRL_ENABLE)) {
		printf("nvme: MSI-X control = 0x%04x: enable did not stick\n",
		       msix_ctrl_read(&n->msix));
		err = -EIO;
	}
	return err;
}

static int nvme_msix_off(struct nvme *n)
{
	return msix_ctrl_update(&n->msix, PCI_MSIX_CTRL_ENABLE, 0);
}

/*
 * Create I/O CQ needs MSI-X on (below), and the admin completions from the
 * one that makes vector 0 used on leave vector 0 pending; unmasking it
 * would send a stale message. A function should clear a pending bit whose
 * cause software satisfied (PCI 3.0 6.8.2.10); QEMU 7.2 clears one only
 * when the message goes out. So the message is let out with bus mastering
 * off, which drops it (an MSI-X message is a memory write: PCIe 5.0
 * 7.5.1.1.3), through a valid message (an hv emulating the table routes
 * only those; it never arrives), and the entry is then cleared. The bit
 * must then read 0.
 */
static int nvme_msix_flush(struct nvme *n, unsigned i)
{
	const struct pci_dev *d = &n->msix.dev;
	uint64_t addr;
	uint32_t data;
	int err, pending;

	if (msix_pending(&n->msix, i) != 1)
		return 0;
	msix_compat_msg(0, NVME_FLUSH_VECTOR, &addr, &data);
	err = msix_entry_write(&n->msix, i, addr, data) ?:
	      pci_command_update(n->msix.ops, d, PCI_COMMAND_MASTER, 0) ?:
	      msix_ctrl_update(&n->msix, PCI_MSIX_CTRL_MASKALL, 0) ?:
	      msix_entry_mask(&n->msix, i, false) ?: msix_entry_mask(&n->msix, i, true);
	err = msix_ctrl_update(&n->msix, 0, PCI_MSIX_CTRL_MASKALL) ?: err;
	err = pci_command_update(n->msix.ops, d, 0, PCI_COMMAND_MASTER) ?: err;
	err = err ?: msix_entry_write(&n->msix, i, 0, 0);
	pending = msix_pending(&n->msix, i);
	if (!err && pending) {
		printf("nvme: MSI-X vector %u still pending (%d) after its stale message was "
		       "dropped: its unmask would send a spurious interrupt\n", i, pending);
		err = -EIO;
	}
	return err;
}

/* PCI side: BAR0, bridges, command register (INTx off), MSI-X located
 * and enabled with everything masked. */
static int nvme_pci_setup(struct nvme *n, const struct pci_cfg_ops *ops,
			  const struct pci_dev *devs, unsigned idx)
{
	const struct pci_dev *d = &devs[idx];
	int err = nvme_map_regs(n, ops, d);

	if (!err)
		err = pci_upstream_enable(ops, devs, idx);
	if (!err)
		err = pci_command_update(ops, d, 0, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
					 PCI_COMMAND_INTX_DISABLE);
	if (!err) {
		err = msix_init(&n->msix, ops, d);
		if (err)
			printf("nvme: MSI-X table/PBA unusable (error %d)\n", err);
	}
	return err ?: nvme_msix_masked_on(n);
}

/* What CAP allows this driver: NVM command set, 4 KiB pages. */
static int nvme_cap_check(struct nvme *n, uint64_t cap)
{
	unsigned to = (unsigned)FIELD_GET(NVME_CAP_TO, cap);

	if (!(cap & NVME_CAP_CSS_NVM) || FIELD_GET(NVME_CAP_MPSMIN, cap)) {
		printf("nvme: CAP 0x%016lx: %s\n", cap, !(cap & NVME_CAP_CSS_NVM) ?
		       "no NVM command set" : "memory pages over 4 KiB required");
		return -EOPNOTSUPP;
	}
	n->dstrd = (unsigned)FIELD_GET(NVME_CAP_DSTRD, cap);
	n->ready_tsc = n->tsc_hz / NVME_TO_UNITS_PER_SEC * (to ? to : 1);
	n->depth = (uint16_t)(FIELD_GET(NVME_CAP_MQES, cap) + 1);
	if (n->depth > NVME_QUEUE_DEPTH)
		n->depth = NVME_QUEUE_DEPTH;
	return 0;
}

static void nvme_describe(const struct nvme *n, uint32_t vs, unsigned want, unsigned granted)
{
	printf("nvme: NVMe %u.%u, namespace %u with %u-byte blocks; %u I/O queue pair(s) "
	       "on MSI-X vectors 0..%u (table %u, asked %u, granted %u), depth %u\n",
	       (unsigned)FIELD_GET(NVME_VS_MJR, vs), (unsigned)FIELD_GET(NVME_VS_MNR, vs),
	       n->nsid, n->lba_bytes, n->nio, n->nio - 1, n->msix.nvec, want, granted, n->depth);
}

int nvme_init(struct nvme *n, const struct pci_cfg_ops *ops, const struct pci_dev *devs,
	      unsigned idx, uint64_t tsc_hz, void *dma_cpu, uint64_t dma_dev,
	      size_t dma_size, unsigned max_vec)
{
	uint8_t *cpu = dma_cpu;
	uint32_t vs, nn = 0;
	unsigned i, want, granted = 0;
	bool enabled = false;
	int err;

	memset(n, 0, sizeof(*n));
	n->tsc_hz = tsc_hz ? tsc_hz : NVME_DEFAULT_HZ;
	n->timeout_tsc = n->tsc_hz / NVME_CMD_WAIT_PER_SEC;
	n->vendor = devs[idx].vendor;
	if (!nvme_probe(&devs[idx]))
		return -ENODEV;
	if (!cpu || dma_size < NVME_DMA_SIZE || !IS_ALIGNED((uintptr_t)cpu, NVME_PAGE) ||
	    !IS_ALIGNED(dma_dev, NVME_PAGE)) {
		printf("nvme: DMA memory at 0x%lx (device 0x%lx) size 0x%lx: need 0x%lx "
		       "page-aligned bytes\n", (uint64_t)(uintptr_t)cpu, dma_dev,
		       (uint64_t)dma_size, (uint64_t)NVME_DMA_SIZE);
		return -EINVAL;
	}
	/* The reset runs with MSI-X on: QEMU 7.2 then releases the vectors of
	 * the queues it deletes, clearing their pending bits. The admin work
	 * after it runs with MSI-X off: its completions raise nothing. */
	err = nvme_pci_setup(n, ops, devs, idx) ?:
	      nvme_cap_check(n, nvme_read64(n, NVME_REG_CAP)) ?: nvme_disable(n) ?:
	      nvme_msix_off(n);
	if (err)
		return err;
	vs = nvme_read32(n, NVME_REG_VS);
	n->admin_buf = cpu + 2 * NVME_PAGE;
	n->admin_buf_dev = dma_dev + 2 * NVME_PAGE;
	err = nvme_queue_setup(&n->admin, NVME_ADMIN_QID, NVME_ADMIN_DEPTH,
			       (volatile union nvme_sqe *)cpu,
			       (volatile union nvme_cqe *)(cpu + NVME_PAGE)) ?:
	      nvme_enable(n, dma_dev, dma_dev + NVME_PAGE);
	enabled = !err;
	want = n->msix.nvec < max_vec ? n->msix.nvec : max_vec;
	if (want > NVME_MAX_IO_QUEUES)
		want = NVME_MAX_IO_QUEUES;
	if (!err && !want)
		err = -EINVAL;
	if (!err)
		err = nvme_identify_ctrl(n, &nn) ?: nvme_set_queues(n, want, &granted) ?:
		      nvme_find_ns(n, vs, nn);
	n->nio = granted < want ? granted : want;
	if (!err && n->regs_size < nvme_cq_head_db(n->nio, n->dstrd) + 4) {
		printf("nvme: BAR%u size 0x%lx: no room for %u doorbell pairs at stride %u\n",
		       NVME_REGS_BAR, n->regs_size, n->nio + 1, 4u << n->dstrd);
		err = -ERANGE;
	}
	for (i = 0; !err && i < n->nio; i++)
		err = nvme_io_setup(n, i, cpu, dma_dev);
	/* A CQ's vector must name an enabled MSI-X entry (NVMe 5.3, IV: 0
	 * under pin-based interrupts; QEMU refuses others with MSI-X off). */
	if (!err)
		err = nvme_msix_masked_on(n);
	for (i = n->nio; !err && i-- > 0;)
		err = nvme_create_cq(n, i);
	for (i = 0; !err && i < n->nio; i++)
		err = nvme_create_sq(n, i);
	for (i = 0; !err && i < n->nio; i++)
		err = nvme_msix_flush(n, i);
	if (!err)
		err = msix_ctrl_update(&n->msix, PCI_MSIX_CTRL_MASKALL, 0);
	if (err) {
		if (enabled)
			(void)nvme_disable(n);	/* nothing left running */
		return err;
	}
	nvme_describe(n, vs, want, granted);
	return 0;
}
