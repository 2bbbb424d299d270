/* The hv-driven interrupt source (see native_dev.h). */
#include <errno.h>
#include <stdio.h>
#include "hv/native_dev.h"
#include "hv/hv.h"
#include "hv/hypercall_abi.h"
#include "hv/iommu.h"
#include "hv/irte_route.h"
#include "hv/irq.h"
#include "hv/pci_cfg.h"
#include "hv/passthru.h"
#include "drivers/lapic.h"

#define TIMEOUT_US	10000

static struct native_dev native;
static int last_err;

uint64_t native_timeout(void)
{
	return hv.tsc.hz ? hv.tsc.hz / 1000000 * TIMEOUT_US : 10000000;
}

const struct irq_source_ops *native_source_pick(const struct pci_dev *d, char *why, size_t len)
{
	const struct irq_source_ops *ops = d ? irq_source_find(d) : NULL;
	char desc[96] = "none";

	if (hv.opts.source == OPT_SOURCE_TIMER || (!ops && hv.opts.source == OPT_SOURCE_AUTO))
		return &irq_source_timer;
	if (ops)
		return ops;
	if (d)
		pci_dev_describe(d, desc, sizeof(desc));
	snprintf(why, len, "source=device: no driver for the assigned device (%s); drivers: "
		 "82574, nvme", desc);
	return NULL;
}

const struct irq_source_ops *guest_source_pick(void)
{
	char why[160];
	const struct irq_source_ops *ops = native_source_pick(hv.assigned, why, sizeof(why));

	if (ops && ops != &irq_source_timer && !passthru_guest_drives(&hv.guest.pt))
		return &irq_source_timer;
	return ops;
}

void native_source_describe(char *buf, size_t len)
{
	const struct pci_dev *d = hv.assigned;
	const struct irq_source_ops *ops = native_source_pick(d, buf, len);
	static const char *const why_timer[] = {
		[OPT_SOURCE_AUTO] = "source=auto and no assigned device with a driver",
		[OPT_SOURCE_DEVICE] = "",
		[OPT_SOURCE_TIMER] = "source=timer",
	};

	if (!ops)
		return;
	if (ops == &irq_source_timer)
		snprintf(buf, len, "%s (%s, not remapped: %s)", ops->name, ops->desc,
			 why_timer[hv.opts.source]);
	else
		snprintf(buf, len, "%s (%s at %02x:%02x.%u, remapped through VT-d)%s", ops->name,
			 ops->desc, d->bus, d->dev, d->fn, guest_source_pick() == ops ? "" :
			 "; the guest's tests use lapic-timer (guestnvme=no: the guest does not "
			 "get the controller's registers)");
}

int native_route(struct native_dev *n, unsigned k, uint8_t vector,
		 const struct vtd_sid *sid)
{
	if (!n->unit)
		return -ENODEV;
	return irte_route_local(n->unit, NATIVE_IRT_OWNER, n->irte + k, vector,
				sid ? sid : &n->sid);
}

int native_entry_handle(struct native_dev *n, unsigned k, uint16_t handle)
{
	if (!n->src.msix)
		return -ENODEV;
	return irte_route_entry(n->src.msix, k, handle) ?: msix_entry_mask(n->src.msix, k, false);
}

/* Once: host vectors for every source, and for the device its unit,
 * source-id and IRTEs. */
static int native_alloc(struct native_dev *n, char *why, size_t len)
{
	const struct pci_dev *d = hv.assigned;
	int err = n->host_vec ? 0 : irq_vector_alloc(NATIVE_VECTORS, &n->host_vec);

	if (err) {
		snprintf(why, len, "no host vectors for the source (error %d)", err);
		return err;
	}
	if (n->unit || !d)
		return 0;
	n->unit = iommu_unit_for(d);
	if (!n->unit || !n->unit->ir_on) {
		n->unit = NULL;
		snprintf(why, len, "no VT-d unit with interrupt remapping covers the device");
		return -ENODEV;
	}
	err = vtd_sid_for_device(hv.pci, hv.npci, (unsigned)(d - hv.pci), &n->sid) ?:
	      vtd_irt_alloc(&n->unit->irt, NATIVE_IRT_OWNER, NATIVE_VECTORS, &n->irte);
	if (err) {
		n->unit = NULL;
		snprintf(why, len, "no IRTEs for the device (error %d)", err);
	}
	return err;
}

/* The queue memory a device source may DMA: guest RAM the guest keeps
 * out of (GUEST_HV_DMA_GPA), as the device sees it through the guest's
 * DMA domain and as the hv reaches it. */
static int native_dma_env(struct irq_source_env *env, size_t need, char *why, size_t len)
{
	const struct guest_ram_range *r = guest_ram_find(&iommu.guest_ram, GUEST_HV_DMA_GPA,
							 GUEST_HV_DMA_SIZE);

	if (need > GUEST_HV_DMA_SIZE || !r) {
		snprintf(why, len, "the source needs %zu bytes of DMA memory, the hv has %lu at "
			 "guest-physical 0x%lx", need, r ? GUEST_HV_DMA_SIZE : 0, GUEST_HV_DMA_GPA);
		return -ENOMEM;
	}
	env->dma_dev = GUEST_HV_DMA_GPA;
	env->dma_cpu = (void *)(uintptr_t)(iommu.guest_hpa + r->offset +
					   (GUEST_HV_DMA_GPA - r->gpa));
	env->dma_size = GUEST_HV_DMA_SIZE;
	return 0;
}

/* The device is shared with the guest: it is taken back (the guest's
 * MSI-X disabled) and brought up again, its entries remapped. */
static int native_claim_device(struct native_dev *n, const struct irq_source_ops *ops,
			       char *why, size_t len)
{
	struct irq_source_env env = {
		.cfg = &hv_pci_cfg, .devs = hv.pci, .idx = (unsigned)(hv.assigned - hv.pci),
		.tsc_hz = hv.tsc.hz,
	};
	unsigned k;
	int err = native_dma_env(&env, ops->dma_size, why, len);

	if (err)
		return err;
	passthru_release(&hv.guest.pt);
	err = irq_source_init(&n->src, ops, &env);
	n->nvec = err ? 0 : n->src.nvec;
	for (k = 0; !err && k < n->nvec; k++)
		err = native_route(n, k, (uint8_t)(n->host_vec + k), NULL) ?:
		      native_entry_handle(n, k, (uint16_t)(n->irte + k));
	if (err)
		snprintf(why, len, "bringing up the %s's remapped MSI-X failed (error %d)",
			 ops->desc, err);
	return err;
}

static int native_claim_timer(struct native_dev *n, char *why, size_t len)
{
	struct irq_source_env env = { .tsc_hz = hv.tsc.hz };
	int err = irq_source_init(&n->src, &irq_source_timer, &env);

	n->nvec = err ? 0 : n->src.nvec;
	if (!err)
		err = n->src.ops->set_vector(&n->src, 0, n->host_vec);
	if (err)
		snprintf(why, len, "the local APIC timer could not be set up (error %d)", err);
	return err;
}

int native_dev_put(struct native_dev *n)
{
	union vtd_irte none = { .lo = 0, .hi = 0 };
	int err, first = 0;
	unsigned k;

	if (n->src.ops)
		n->src.ops->stop(&n->src);
	for (k = 0; n->src.msix && k < n->src.msix->nvec; k++) {
		err = msix_entry_mask(n->src.msix, k, true);
		if (err)
			printf("native: masking MSI-X entry %u failed (error %d)\n", k, err);
		first = first ?: err;
	}
	for (k = 0; n->unit && k < NATIVE_VECTORS; k++) {
		err = vtd_irt_update(&n->unit->irt, NATIVE_IRT_OWNER, n->irte + k, &none);
		if (err)
			printf("native: clearing IRTE %u failed (error %d): it may stay live\n",
			       n->irte + k, err);
		first = first ?: err;
	}
	n->ready = false;
	return first;
}

struct native_dev *native_dev_get(enum native_want want, char *why, size_t len)
{
	const struct irq_source_ops *ops = NULL;
	struct native_dev *n = &native;
	int err;

	n->ready = false;
	n->src.ops = NULL;
	n->src.msix = NULL;
	if (want == NATIVE_CHOSEN)
		ops = native_source_pick(hv.assigned, n->why, sizeof(n->why));
	else if (!hv.assigned)
		snprintf(n->why, sizeof(n->why), "no device to drive (see `info`)");
	else if (!(ops = irq_source_find(hv.assigned)))
		snprintf(n->why, sizeof(n->why), "the assigned device %02x:%02x.%u (%04x:%04x) has "
			 "no driver that can make it interrupt (drivers: 82574, nvme)",
			 hv.assigned->bus, hv.assigned->dev, hv.assigned->fn,
			 hv.assigned->vendor, hv.assigned->device);
	err = ops ? native_alloc(n, n->why, sizeof(n->why)) : -ENODEV;
	if (!err && ops == &irq_source_timer)
		err = native_claim_timer(n, n->why, sizeof(n->why));
	else if (!err)
		err = native_claim_device(n, ops, n->why, sizeof(n->why));
	if (err && ops)
		native_dev_put(n);
	n->ready = !err;
	last_err = err;
	if (err)
		snprintf(why, len, "%s", n->why);
	return err ? NULL : n;
}

int native_dev_error(void)
{
	return last_err;
}
