/* An NVMe controller as an interrupt source: vector i is I/O completion
 * queue i+1, raised by completing a one-block Read of LBA 0 (drivers/nvme.c
 * has the bring-up, nvme_cmd.c the allow-list every command passes). */
#include "drivers/cpu.h"
#include "drivers/irq_source.h"

_Static_assert(IRQ_SOURCE_MAX_VECTORS <= NVME_MAX_IO_QUEUES,
	       "one NVMe I/O queue pair per source vector");

static int src_nvme_init(struct irq_source *s, const struct irq_source_env *env)
{
	int err = nvme_init(&s->u.nvme, env->cfg, env->devs, env->idx, env->tsc_hz,
			    env->dma_cpu, env->dma_dev, env->dma_size, IRQ_SOURCE_MAX_VECTORS);

	s->msix = &s->u.nvme.msix;
	s->nvec = s->u.nvme.nio;
	return err;
}

/* Take the last completion, ring the CQ head, put the next Read. */
static int src_nvme_arm(struct irq_source *s, unsigned i)
{
	return nvme_arm(&s->u.nvme, i);
}

/* The SQ tail doorbell: the controller fetches the Read, completes it on
 * CQ i+1 and sends MSI-X vector i; nvme_fire returns once it did. */
static int src_nvme_fire(struct irq_source *s, unsigned i, uint64_t *t0)
{
	*t0 = cpu_rdtsc();
	return nvme_fire(&s->u.nvme, i);
}

static void src_nvme_stop(struct irq_source *s)
{
	nvme_stop(&s->u.nvme);
}

static int src_nvme_dma_prepare(struct irq_source *s, uint64_t dev_addr, void *cpu)
{
	return nvme_dma_prepare(&s->u.nvme, dev_addr, cpu);
}

static int src_nvme_dma_run(struct irq_source *s, uint64_t dev_addr, void *cpu)
{
	return nvme_dma_run(&s->u.nvme, dev_addr, cpu);
}

const struct irq_source_ops irq_source_nvme = {
	.name = "nvme",
	.desc = "NVM Express controller",
	.flags = IRQ_SOURCE_PCI | IRQ_SOURCE_REMAPPED | IRQ_SOURCE_DMA_PROBE,
	.emu_throttle_ns = 0,
	.dma_size = NVME_DMA_SIZE,
	.probe = nvme_probe,
	.init = src_nvme_init,
	.arm = src_nvme_arm,
	.fire = src_nvme_fire,
	.stop = src_nvme_stop,
	.dma_prepare = src_nvme_dma_prepare,
	.dma_run = src_nvme_dma_run,
	.dma_probe_size = NVME_DMA_PROBE_SIZE,
};
