/*
 * Requester-id aliases and IRTE source-id validation from PCI topology.
 * Pure logic: see drivers/vtd_sid.h.
 */
#include <errno.h>
#include <stdbool.h>

#include "drivers/vtd_irte.h"
#include "drivers/vtd_sid.h"

struct alias {
	uint16_t rid;		/* requester id seen upstream of everything */
	unsigned by;		/* device whose id or bus gave it */
};

/*
 * Walk from devs[idx] to its root bus. Each hop may replace the requester
 * id (what Linux's pci_for_each_dma_alias reports last, and QEMU's
 * pci_req_id_cache_get computes):
 * - PCIe root/switch ports forward TLPs with the requester id untouched;
 * - a PCIe-to-PCI/PCI-X bridge takes ownership of requests from behind it
 *   with its secondary bus and devfn 0 (PCIe-to-PCI/PCI-X Bridge spec 2.3;
 *   PCI-X requesters may keep their own ids);
 * - a conventional PCI bridge or a PCI-to-PCIe bridge presents its own id.
 */
static int alias_walk(const struct pci_dev *devs, unsigned n, unsigned idx,
		      struct alias *a)
{
	unsigned cur = idx, hops;

	if (!devs || idx >= n)
		return -EINVAL;
	a->rid = pci_rid(&devs[idx]);
	a->by = idx;
	for (hops = 0; devs[cur].parent >= 0; hops++) {
		unsigned up = (unsigned)devs[cur].parent;
		const struct pci_dev *b;

		if (up >= n || hops >= n)
			return -EINVAL;
		b = &devs[up];
		if (b->header_type != PCI_HEADER_TYPE_BRIDGE || devs[cur].bus != b->secondary)
			return -EINVAL;
		switch (b->pcie_type) {
		case PCI_EXP_TYPE_ROOT_PORT:
		case PCI_EXP_TYPE_UPSTREAM:
		case PCI_EXP_TYPE_DOWNSTREAM:
			break;
		case PCI_EXP_TYPE_PCI_BRIDGE:
			a->rid = (uint16_t)(b->secondary << 8);
			a->by = up;
			break;
		default:	/* conventional bridge, PCI-to-PCIe bridge */
			a->rid = pci_rid(b);
			a->by = up;
			break;
		}
		cur = up;
	}
	return 0;
}

int vtd_alias_rid(const struct pci_dev *devs, unsigned n, unsigned idx, uint16_t *rid)
{
	struct alias a;
	int err = alias_walk(devs, n, idx, &a);

	if (err)
		return err;
	*rid = a.rid;
	return 0;
}

int vtd_sid_for_device(const struct pci_dev *devs, unsigned n, unsigned idx,
		       struct vtd_sid *out)
{
	const struct pci_dev *d;
	struct alias a;
	int err = alias_walk(devs, n, idx, &a);

	if (err)
		return err;
	d = &devs[idx];
	out->sq = VTD_SQ_ALL;
	if ((a.rid >> 8) != devs[a.by].bus) {
		/* An alias on a bus other than its bridge's: a PCIe-to-PCI(-X)
		 * bridge. Requests may carry its (secondary, 0), the id of a
		 * PCI-X bridge in between, or the device's own id, so only the
		 * bus range can be checked (VT-d 9.10 SVT 10b). */
		out->svt = VTD_SVT_BUS;
		out->sid = (uint16_t)((a.rid & 0xff00) | d->bus);
	} else {
		/* The device's own id, or a bridge's that replaced it. */
		out->svt = VTD_SVT_SID;
		out->sid = a.rid;
	}
	return 0;
}

int vtd_alias_shared(const struct pci_dev *devs, unsigned n, unsigned a, unsigned b)
{
	struct alias x, y;
	int err;

	if (a == b)
		return -EINVAL;
	err = alias_walk(devs, n, a, &x);
	if (!err)
		err = alias_walk(devs, n, b, &y);
	if (err)
		return err;
	return x.rid == y.rid && devs[a].seg == devs[b].seg;
}

int vtd_alias_find_sharer(const struct pci_dev *devs, unsigned n, unsigned idx)
{
	struct alias a;
	unsigned i;
	int err = alias_walk(devs, n, idx, &a);

	if (err)
		return err;
	for (i = 0; i < n; i++)
		if (i != idx && vtd_alias_shared(devs, n, idx, i) == 1)
			return (int)i;
	return -ENOENT;
}
