/* The Intel 82574L as an interrupt source: one vector per MSI-X cause,
 * raised by an ICS write (drivers/e1000e.c has the interrupt model). */
#include "drivers/cpu.h"
#include "drivers/irq_source.h"

static int src_e1000e_init(struct irq_source *s, const struct irq_source_env *env)
{
	int err = e1000e_init(&s->u.e1000e, env->cfg, env->devs, env->idx, env->tsc_hz);

	s->msix = &s->u.e1000e.msix;
	s->nvec = E1000E_NUM_VECTORS;
	return err;
}

static int src_e1000e_arm(struct irq_source *s, unsigned i)
{
	return e1000e_arm(&s->u.e1000e, i);
}

static int src_e1000e_fire(struct irq_source *s, unsigned i, uint64_t *t0)
{
	*t0 = cpu_rdtsc();
	return e1000e_fire(&s->u.e1000e, i);
}

/* No cause enabled: nothing new is raised (a message QEMU holds behind
 * its throttle may still come out of an unmasked entry). */
static void src_e1000e_stop(struct irq_source *s)
{
	e1000e_write(&s->u.e1000e, E1000_IMC, 0xffffffff);
}

static int src_e1000e_dma_prepare(struct irq_source *s, uint64_t dev_addr, void *cpu)
{
	return e1000e_dma_probe_prepare(&s->u.e1000e, dev_addr, cpu);
}

static int src_e1000e_dma_run(struct irq_source *s, uint64_t dev_addr, void *cpu)
{
	return e1000e_dma_probe_run(&s->u.e1000e, dev_addr, cpu);
}

const struct irq_source_ops irq_source_e1000e = {
	.name = "82574",
	.desc = "Intel 82574L NIC",
	.flags = IRQ_SOURCE_PCI | IRQ_SOURCE_REMAPPED | IRQ_SOURCE_DMA_PROBE |
		 IRQ_SOURCE_LOOPBACK_DMA | IRQ_SOURCE_SELF_TIMED,
	.emu_throttle_ns = E1000E_QEMU_EITR_NS,
	.probe = e1000e_probe,
	.init = src_e1000e_init,
	.arm = src_e1000e_arm,
	.fire = src_e1000e_fire,
	.stop = src_e1000e_stop,
	.dma_prepare = src_e1000e_dma_prepare,
	.dma_run = src_e1000e_dma_run,
	.dma_probe_size = E1000_DMA_PROBE_SIZE,
};
