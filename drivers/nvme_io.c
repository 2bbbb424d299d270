/*
 * The NVMe controller raising its vectors (see nvme.h): per I/O queue
 * pair one Read of LBA 0 at a time, armed (in the SQ), fired (doorbell)
 * and reaped (CQE taken, CQ head doorbell) before the next; and the DMA
 * probe on the admin queue.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "drivers/cpu.h"
#include "drivers/nvme.h"

/* Wait for queue i's fired Read and take its completion. */
static int nvme_reap(struct nvme *n, struct nvme_io *io)
{
	union nvme_cqe e;
	int err;

	if (!io->fired)
		return 0;
	err = nvme_wait_cqe(n, &io->q, io->cid, &e, "Read");
	io->fired = false;
	return err;
}

int nvme_arm(struct nvme *n, unsigned i)
{
	struct nvme_io *io;
	union nvme_sqe c;
	int err;

	if (i >= n->nio)
		return -EINVAL;
	io = &n->io[i];
	if (io->armed)
		return 0;
	err = nvme_reap(n, io);
	if (err)
		return err;
	nvme_cmd_read(&c, n->nsid, 0, 1, io->buf_dev, 0);
	err = nvme_sq_put(&io->q, &c, &io->cid);
	if (err)
		return err;
	cpu_mfence();	/* the entry in memory before fire's doorbell */
	io->armed = true;
	return 0;
}

/*
 * The controller sends a completion's message after writing its CQE
 * (NVMe 7.5.1: interrupts follow posting); in QEMU both happen in one
 * main-loop step, asynchronously to the CPU, and any later access of the
 * CPU to the device is ordered after that step. Waiting here for the CQE
 * makes the raise as synchronous as an 82574's ICS write: once fire
 * returns the message has been sent (or is pending on a masked entry).
 */
static int nvme_wait_posted(struct nvme *n, struct nvme_io *io)
{
	uint64_t start = cpu_rdtsc();

	do {
		if (nvme_cq_ready(&io->q))
			return 0;
		cpu_pause();
	} while (cpu_rdtsc() - start < n->timeout_tsc);
	printf("nvme: Read on queue %u: no completion within %lu ms (CSTS 0x%08x)\n",
	       io->q.qid, n->timeout_tsc * 1000 / n->tsc_hz, nvme_read32(n, NVME_REG_CSTS));
	return -ETIMEDOUT;
}

int nvme_fire(struct nvme *n, unsigned i)
{
	struct nvme_io *io;

	if (i >= n->nio || !n->io[i].armed)
		return -EINVAL;
	io = &n->io[i];
	io->armed = false;
	io->fired = true;
	*io->sq_db = io->q.sq_tail;
	return nvme_wait_posted(n, io);
}

void nvme_stop(struct nvme *n)
{
	struct nvme_io *io;
	unsigned i;

	for (i = 0; i < n->nio; i++) {
		io = &n->io[i];
		if (io->armed) {	/* never rung: the controller never saw it */
			io->q.sq_tail = (uint16_t)((io->q.sq_tail + io->q.depth - 1) % io->q.depth);
			io->q.outstanding--;
			io->armed = false;
		}
		(void)nvme_reap(n, io);
	}
}

int nvme_dma_prepare(struct nvme *n, uint64_t dev_addr, void *cpu)
{
	unsigned i;
	int err;

	if (!cpu || !IS_ALIGNED(dev_addr, NVME_PAGE) || !IS_ALIGNED((uintptr_t)cpu, NVME_PAGE))
		return -EINVAL;
	for (i = 0; i < n->nio; i++) {	/* nothing in flight while MSI-X is off */
		err = nvme_reap(n, &n->io[i]);
		if (err)
			return err;
	}
	memset(cpu, NVME_POISON, NVME_DMA_PROBE_SIZE);
	cpu_mfence();
	return 0;
}

int nvme_dma_run(struct nvme *n, uint64_t dev_addr, void *cpu)
{
	uint16_t ctrl, vid;
	union nvme_sqe c;
	union nvme_cqe e;
	int err;

	if (!cpu || !IS_ALIGNED(dev_addr, NVME_PAGE))
		return -EINVAL;
	ctrl = msix_ctrl_read(&n->msix);
	err = msix_ctrl_update(&n->msix, PCI_MSIX_CTRL_ENABLE, 0);
	if (err)
		return err;
	nvme_cmd_identify(&c, NVME_CNS_CONTROLLER, 0, dev_addr);
	err = nvme_admin(n, &c, &e, "DMA probe (Identify Controller)");
	if (msix_ctrl_update(&n->msix, 0, ctrl & PCI_MSIX_CTRL_ENABLE) && !err)
		err = -EIO;
	if (err)
		return err == -ETIMEDOUT ? err : -EIO;
	memcpy(&vid, cpu, sizeof(vid));
	if (vid != n->vendor) {
		printf("nvme: DMA probe at 0x%lx: completed, but VID reads 0x%04x, not 0x%04x: "
		       "the data did not land\n", dev_addr, vid, n->vendor);
		return -EIO;
	}
	return 0;
}
