/* Choosing the device to assign (see assign.h). */
#include <stdio.h>
#include <string.h>
#include "hv/assign.h"
#include "hv/hv.h"
#include "hv/iommu.h"
#include "hv/passthru.h"
#include "drivers/irq_source.h"
#include "drivers/vtd_sid.h"

/* Why d cannot be given to the guest, or NULL when it can. */
static const char *refusal(const struct pci_dev *d, char *buf, size_t len)
{
	unsigned idx = (unsigned)(d - hv.pci);
	int sharer;

	if ((d->header_type & PCI_HEADER_TYPE_MASK) != PCI_HEADER_TYPE_NORMAL)
		return "it is a bridge, not an endpoint";
	if (!d->msix_cap)
		return "it has no MSI-X capability";
	if (!iommu_unit_for(d))
		return "no working VT-d unit covers it";
	sharer = vtd_alias_find_sharer(hv.pci, hv.npci, idx);
	if (sharer >= 0) {
		snprintf(buf, len, "it shares its requester ID with %02x:%02x.%u, so the IOMMU "
			 "cannot tell them apart", hv.pci[sharer].bus, hv.pci[sharer].dev,
			 hv.pci[sharer].fn);
		return buf;
	}
	return passthru_bar_refusal(d, buf, len);
}

static const struct pci_dev *pick_named(const struct opt_bdf *b)
{
	char buf[160];
	const char *why;
	unsigned i;

	for (i = 0; i < hv.npci; i++) {
		const struct pci_dev *d = &hv.pci[i];

		if (d->seg != b->seg || d->bus != b->bus || d->dev != b->dev || d->fn != b->fn)
			continue;
		why = refusal(d, buf, sizeof(buf));
		if (!why)
			return d;
		printf("assign: dev=%s refused: %s\n", hv.opts.dev, why);
		return NULL;
	}
	printf("assign: dev=%s refused: no such PCI function (see `info`)\n", hv.opts.dev);
	return NULL;
}

/* The first assignable function that a driver of kind ops takes, or NULL. */
static const struct pci_dev *first_driven(const struct irq_source_ops *ops)
{
	char buf[160];
	unsigned i;

	for (i = 0; i < hv.npci; i++)
		if (ops->probe(&hv.pci[i]) && !refusal(&hv.pci[i], buf, sizeof(buf)))
			return &hv.pci[i];
	return NULL;
}

/* dev=auto: a device the suite can drive (the drivers in their table's
 * order: 82574, then NVMe), and only then any MSI-X endpoint (the table
 * tests run on it, the interrupt tests use the timer or SKIP). */
const struct pci_dev *assign_pick(void)
{
	const struct pci_dev *d;
	struct opt_bdf b;
	char buf[160];
	unsigned i;

	if (strcmp(hv.opts.dev, "auto") && !options_parse_bdf(hv.opts.dev, &b))
		return pick_named(&b);
	for (i = 0; irq_sources[i]; i++) {
		d = first_driven(irq_sources[i]);
		if (d) {
			printf("assign: dev=auto took %02x:%02x.%u: the first assignable %s "
			       "(drivers tried in order:", d->bus, d->dev, d->fn, irq_sources[i]->desc);
			for (i = 0; irq_sources[i]; i++)
				printf(" %s", irq_sources[i]->name);
			printf(")\n");
			return d;
		}
	}
	for (i = 0; i < hv.npci; i++) {
		d = &hv.pci[i];
		if (d->msix_cap && !refusal(d, buf, sizeof(buf))) {
			printf("assign: dev=auto took %02x:%02x.%u (%04x:%04x): no device with an "
			       "interrupt-source driver (82574, NVMe), so the first assignable MSI-X "
			       "endpoint: MSI-X table tests only\n", d->bus, d->dev, d->fn,
			       d->vendor, d->device);
			return d;
		}
	}
	printf("assign: dev=auto found no MSI-X capable endpoint behind a working VT-d unit\n");
	return NULL;
}
