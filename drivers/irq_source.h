/*
 * Interrupt sources: things the hv (native tests and benchmarks) and the
 * guest (its assigned device) can make interrupt on demand. Each family is
 * one ops table in one file; drivers/irq_source.c lists the PCI ones in
 * dev=auto's order of preference. The local APIC timer is a source with no
 * device: each image (hv, guest) supplies its own, since one programs the
 * physical APIC and the other its virtual one.
 *
 * The life of a source: init (reset, every vector masked or quiet, entries
 * for the caller to program), then per raise arm (untimed preparation:
 * consume the last completion, re-enable a cause) and fire (one register
 * write that makes vector i interrupt; *t0 is the TSC the latency counts
 * from), and stop on every path (nothing raised afterwards).
 */
#ifndef DRIVERS_IRQ_SOURCE_H
#define DRIVERS_IRQ_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/bits.h"
#include "drivers/e1000e.h"
#include "drivers/msix.h"
#include "drivers/nvme.h"
#include "drivers/pci.h"

#define IRQ_SOURCE_MAX_VECTORS	8	/* at most this many vectors are used */

/* What a source can do (irq_source_ops.flags). */
#define IRQ_SOURCE_PCI		BIT(0)	/* a PCI function: vectors are MSI-X entries */
#define IRQ_SOURCE_REMAPPED	BIT(1)	/* its messages go through VT-d IR */
#define IRQ_SOURCE_DMA_PROBE	BIT(2)	/* dma_prepare/dma_run work */
#define IRQ_SOURCE_LOOPBACK_DMA	BIT(3)	/* can DMA-write chosen data (82574 PHY loopback) */
#define IRQ_SOURCE_SELF_TIMED	BIT(4)	/* can send a message timed by itself (link change) */

struct irq_source;

/* What init needs: the function (PCI sources), the TSC rate for its wait
 * bounds, and memory the device may DMA to (queues), as the CPU and as
 * the device see it. */
struct irq_source_env {
	const struct pci_cfg_ops *cfg;
	const struct pci_dev *devs;	/* the enumerated functions ... */
	unsigned idx;			/* ... and the one to drive */
	uint64_t tsc_hz;		/* 0: assume 1 GHz */
	void *dma_cpu;			/* dma_size bytes, page-aligned */
	uint64_t dma_dev;		/* the same memory as the device sees it */
	size_t dma_size;
};

struct irq_source_ops {
	const char *name;		/* RESULT "source": "82574", "nvme", "lapic-timer" */
	const char *desc;		/* for people: "Intel 82574L NIC" */
	unsigned flags;			/* IRQ_SOURCE_* */
	/* Under QEMU the model holds a vector's raise that comes sooner than
	 * this after its last message (0: no throttle). */
	uint32_t emu_throttle_ns;
	size_t dma_size;		/* DMA memory init needs (0: none) */
	/* Whether this driver takes d (NULL for sources with no device). */
	bool (*probe)(const struct pci_dev *d);
	/* Bring it up: 0 with s->nvec vectors usable (MSI-X enabled, every
	 * entry masked), or a negative errno with the failing step printed. */
	int (*init)(struct irq_source *s, const struct irq_source_env *env);
	/* Sources with no MSI-X table (the timer): deliver vector i on CPU
	 * vector vec from now on (PCI sources: NULL, the caller programs the
	 * MSI-X entry). */
	int (*set_vector)(struct irq_source *s, unsigned i, uint8_t vec);
	/* Untimed: make vector i's next fire deliver exactly one interrupt. */
	int (*arm)(struct irq_source *s, unsigned i);
	/* Raise vector i with one write; *t0 is the TSC from which its
	 * latency counts (just before the write, or a timer's deadline). */
	int (*fire)(struct irq_source *s, unsigned i, uint64_t *t0);
	/* On every path: quiet (nothing in flight, nothing raised by itself).
	 * A later arm and fire still work: vtd.native-cleanup fires after it
	 * to prove the cleared IRTEs deliver nothing. */
	void (*stop)(struct irq_source *s);
	/* DMA probe at dev_addr, in two steps so a test can snapshot the
	 * memory in between: prepare writes what the device will access at
	 * cpu (the same bytes as dev_addr); run makes the device access it
	 * and waits (bounded): 0 when the DMA landed, -ETIMEDOUT or -EIO when
	 * it did not. Both NULL when the source cannot. */
	int (*dma_prepare)(struct irq_source *s, uint64_t dev_addr, void *cpu);
	int (*dma_run)(struct irq_source *s, uint64_t dev_addr, void *cpu);
	size_t dma_probe_size;		/* bytes the probe uses at dev_addr */
};

struct irq_source {
	const struct irq_source_ops *ops;
	unsigned nvec;			/* vectors usable, <= IRQ_SOURCE_MAX_VECTORS */
	struct msix *msix;		/* its MSI-X table (NULL: no device) */
	union {
		struct e1000e e1000e;
		struct nvme nvme;
		struct {
			uint8_t vector;		/* LVT timer vector */
			bool deadline;		/* TSC-deadline mode (else one-shot) */
			bool masked;		/* LVT masked by stop */
			uint64_t rate;		/* one-shot: timer ticks per
						   LAPIC_TIMER_RATE_WINDOW TSC ticks */
			uint64_t margin;	/* TSC ticks from fire to expiry */
		} timer;
	} u;
};

/* The PCI sources, in dev=auto's order of preference, NULL-terminated. */
extern const struct irq_source_ops *const irq_sources[];
/* Per family (drivers/irq_source_*.c). */
extern const struct irq_source_ops irq_source_e1000e;
extern const struct irq_source_ops irq_source_nvme;
/* The local APIC timer of the image that links it (hv or guest). */
extern const struct irq_source_ops irq_source_timer;

/* The driver in irq_sources[] that takes d, or NULL. */
const struct irq_source_ops *irq_source_find(const struct pci_dev *d);
/* ops->init with s->ops set; on failure s->ops is NULL again. */
int irq_source_init(struct irq_source *s, const struct irq_source_ops *ops,
		    const struct irq_source_env *env);
/* ops->arm then ops->fire. */
int irq_source_trigger(struct irq_source *s, unsigned i, uint64_t *t0);

#endif
