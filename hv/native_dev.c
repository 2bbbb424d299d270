/* The hv-driven assigned device (see native_dev.h). */
#include <errno.h>
#include <stdio.h>
#include "hv/native_dev.h"
#include "hv/hv.h"
#include "hv/iommu.h"
#include "hv/irq.h"
#include "hv/pci_cfg.h"
#include "hv/passthru.h"
#include "drivers/lapic.h"

#define TIMEOUT_US	10000

static struct native_dev native;

uint64_t native_timeout(void)
{
	return hv.tsc.hz ? hv.tsc.hz / 1000000 * TIMEOUT_US : 10000000;
}

int native_route(struct native_dev *n, unsigned k, uint8_t vector,
		 const struct vtd_sid *sid)
{
	const struct vtd_sid *s = sid ? sid : &n->sid;
	struct vtd_irte_params p = {
		.vector = vector,
		.dest_apic_id = lapic_id(),
		.x2apic = lapic_x2apic(),
		.sid = s->sid, .sq = s->sq, .svt = s->svt,
	};
	union vtd_irte e;
	int err = vtd_irte_encode(&e, &p);

	return err ?: vtd_irt_update(&n->unit->irt, NATIVE_IRT_OWNER, n->irte + k, &e);
}

int native_entry_handle(struct native_dev *n, unsigned k, uint16_t handle)
{
	uint32_t lo, hi, data;
	int err;

	vtd_msi_remappable(handle, false, 0, &lo, &hi, &data);
	err = msix_entry_write(&n->nic.msix, k, (uint64_t)hi << 32 | lo, data);
	return err ?: msix_entry_mask(&n->nic.msix, k, false);
}

/* Once: the unit, the source-id, host vectors and IRTEs. */
static int native_alloc(struct native_dev *n, char *why, size_t len)
{
	const struct pci_dev *d = hv.assigned;
	int err;

	if (!e1000e_probe(d)) {
		snprintf(why, len, "the assigned device %02x:%02x.%u (%04x:%04x) is not an 82574 "
			 "(e1000e): no driver to make it interrupt", d->bus, d->dev, d->fn,
			 d->vendor, d->device);
		return -ENODEV;
	}
	n->unit = iommu_unit_for(d);
	if (!n->unit || !n->unit->ir_on) {
		snprintf(why, len, "no VT-d unit with interrupt remapping covers the device");
		return -ENODEV;
	}
	err = vtd_sid_for_device(hv.pci, hv.npci, (unsigned)(d - hv.pci), &n->sid) ?:
	      irq_vector_alloc(NATIVE_VECTORS, &n->host_vec) ?:
	      vtd_irt_alloc(&n->unit->irt, NATIVE_IRT_OWNER, NATIVE_VECTORS, &n->irte);
	if (err)
		snprintf(why, len, "no host vectors or IRTEs for the device (error %d)", err);
	return err;
}

/* Every use: the device is shared with the guest, so it is taken back
 * (the guest's MSI-X disabled) and brought up again. */
static int native_claim(struct native_dev *n, char *why, size_t len)
{
	unsigned idx = (unsigned)(hv.assigned - hv.pci), k;
	int err;

	passthru_release(&hv.guest.pt);
	err = e1000e_init(&n->nic, &hv_pci_cfg, hv.pci, idx, hv.tsc.hz);
	for (k = 0; !err && k < NATIVE_VECTORS; k++)
		err = native_route(n, k, (uint8_t)(n->host_vec + k), NULL) ?:
		      native_entry_handle(n, k, (uint16_t)(n->irte + k));
	if (err)
		snprintf(why, len, "bringing up the device's remapped MSI-X failed (error %d)", err);
	return err;
}

int native_dev_put(struct native_dev *n)
{
	union vtd_irte none = { .lo = 0, .hi = 0 };
	int err, first = 0;
	unsigned k;

	for (k = 0; k < NATIVE_VECTORS && k < n->nic.msix.nvec; k++) {
		err = msix_entry_mask(&n->nic.msix, k, true);
		if (err)
			printf("native: masking MSI-X entry %u failed (error %d)\n", k, err);
		first = first ?: err;
	}
	for (k = 0; k < NATIVE_VECTORS; k++) {
		err = vtd_irt_update(&n->unit->irt, NATIVE_IRT_OWNER, n->irte + k, &none);
		if (err)
			printf("native: clearing IRTE %u failed (error %d): it may stay live\n",
			       n->irte + k, err);
		first = first ?: err;
	}
	n->ready = false;
	return first;
}

struct native_dev *native_dev_get(char *why, size_t len)
{
	static int alloc_err = 1;

	if (!hv.assigned) {
		snprintf(why, len, "no device to drive (see `info`)");
		return NULL;
	}
	if (alloc_err > 0)
		alloc_err = native_alloc(&native, native.why, sizeof(native.why));
	if (!alloc_err && native_claim(&native, native.why, sizeof(native.why))) {
		native_dev_put(&native);
		alloc_err = -EIO;
	}
	native.ready = !alloc_err;
	if (!native.ready)
		snprintf(why, len, "%s", native.why);
	return native.ready ? &native : NULL;
}
