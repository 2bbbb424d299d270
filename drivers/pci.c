/*
 * PCI enumeration. Only reads configuration space: bus numbers are taken as
 * the firmware programmed them, and anything inconsistent (a bridge pointing
 * back at a scanned bus, outside the ECAM range, a capability loop) is
 * reported and not followed, so a broken topology cannot hang the scan.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "drivers/pci.h"
#include "drivers/text.h"

#define PCI_DEVS_PER_BUS	32
#define PCI_FNS_PER_DEV		8
#define PCI_BDF_STR_LEN		16	/* "ssss:bb:dd.f" */

struct pci_scan {
	const struct pci_cfg_ops *ops;
	struct pci_dev *devs;
	unsigned max, n;
	bool full_reported;
	pci_report_fn report;
	void *rctx;
	struct pci_bus_range range;
	uint32_t visited[256 / 32];	/* buses of range.seg already scanned */
};

__attribute__((format(printf, 2, 3)))
static void pci_warn(struct pci_scan *s, const char *fmt, ...)
{
	char msg[160];
	va_list ap;
	int n;

	if (!s->report)
		return;
	n = snprintf(msg, sizeof(msg), "PCI: ");
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	s->report(s->rctx, msg);
}

static uint32_t pci_read32(const struct pci_cfg_ops *ops, const struct pci_dev *d,
			   uint16_t off)
{
	return ops->read32(ops->ctx, d->seg, d->bus, d->dev, d->fn, off & ~3u);
}

static uint16_t pci_read16(const struct pci_cfg_ops *ops, const struct pci_dev *d,
			   uint16_t off)
{
	return (uint16_t)(pci_read32(ops, d, off) >> (8 * (off & 2)));
}

static uint8_t pci_read8(const struct pci_cfg_ops *ops, const struct pci_dev *d,
			 uint16_t off)
{
	return (uint8_t)(pci_read32(ops, d, off) >> (8 * (off & 3)));
}

static void pci_bdf_str(const struct pci_dev *d, char buf[PCI_BDF_STR_LEN])
{
	snprintf(buf, PCI_BDF_STR_LEN, "%04x:%02x:%02x.%x", d->seg, d->bus, d->dev, d->fn);
}

uint16_t pci_rid(const struct pci_dev *d)
{
	return (uint16_t)(d->bus << 8 | (d->dev & 0x1f) << 3 | (d->fn & 0x7));
}

/* Offset of the first capability with this ID in the list, 0 if none. */
static uint8_t pci_cap_walk(const struct pci_cfg_ops *ops, const struct pci_dev *d,
			    uint8_t cap_id)
{
	unsigned hops;
	uint8_t ptr;
	uint32_t v;

	if (!(pci_read16(ops, d, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	ptr = pci_read8(ops, d, d->header_type == PCI_HEADER_TYPE_CARDBUS ?
			PCI_CB_CAP_PTR : PCI_CAP_PTR) & PCI_CAP_PTR_MASK;
	for (hops = 0; hops < PCI_CAP_MAX_HOPS && ptr >= PCI_CAP_FIRST; hops++) {
		v = pci_read32(ops, d, ptr);
		if (FIELD_GET(PCI_CAP_ID, v) == cap_id)
			return ptr;
		ptr = FIELD_GET(PCI_CAP_NEXT, v) & PCI_CAP_PTR_MASK;
	}
	return 0;
}

/* Bytes of a capability the tree reads: PM 8 (PCI PM 1.2, 3.2), MSI at
 * least 10 (PCI 6.8.1), MSI-X 12 (PCI 6.8.2), PCIe its flags (PCIe 7.5.3);
 * the ID and next pointer of any other. */
static unsigned pci_cap_len(uint8_t cap_id)
{
	switch (cap_id) {
	case PCI_CAP_ID_PM:	return 8;
	case PCI_CAP_ID_MSI:	return 10;
	case PCI_CAP_ID_MSIX:	return 12;
	case PCI_CAP_ID_PCIE:	return 4;
	default:		return 2;
	}
}

/* The list lives in the first 256 bytes (PCI 6.7): a capability whose
 * registers run past them is malformed, and what lies beyond is extended
 * configuration space, not the rest of it. */
static bool pci_cap_fits(uint8_t ptr, uint8_t cap_id)
{
	return ptr + pci_cap_len(cap_id) <= PCI_CFG_LEGACY_SIZE;
}

uint8_t pci_cap_find(const struct pci_cfg_ops *ops, const struct pci_dev *d, uint8_t cap_id)
{
	uint8_t ptr = pci_cap_walk(ops, d, cap_id);

	return ptr && pci_cap_fits(ptr, cap_id) ? ptr : 0;
}

/* pci_cap_find, reporting a capability ignored for running past 0xff. */
static uint8_t pci_dev_cap(struct pci_scan *s, const struct pci_dev *d, uint8_t cap_id)
{
	uint8_t ptr = pci_cap_walk(s->ops, d, cap_id);
	char bdf[PCI_BDF_STR_LEN];

	if (!ptr || pci_cap_fits(ptr, cap_id))
		return ptr;
	pci_bdf_str(d, bdf);
	pci_warn(s, "%s: capability 0x%02x at 0x%02x needs %u bytes, runs past 0x%02x, ignored",
		 bdf, cap_id, ptr, pci_cap_len(cap_id), PCI_CFG_LEGACY_SIZE - 1);
	return 0;
}

/* MSI-X table and PBA location (PCI 6.8.2.4, 6.8.2.5). */
static void pci_msix_decode(struct pci_scan *s, struct pci_dev *d)
{
	uint32_t table = pci_read32(s->ops, d, d->msix_cap + PCI_MSIX_TABLE);
	uint32_t pba = pci_read32(s->ops, d, d->msix_cap + PCI_MSIX_PBA);
	uint16_t ctrl = pci_read16(s->ops, d, d->msix_cap + PCI_MSIX_CTRL);
	char bdf[PCI_BDF_STR_LEN];

	d->msix_table_size = FIELD_GET(PCI_MSIX_CTRL_SIZE, ctrl) + 1;
	d->msix_table_bir = FIELD_GET(PCI_MSIX_BIR, table);
	d->msix_table_off = table & PCI_MSIX_OFFSET;
	d->msix_pba_bir = FIELD_GET(PCI_MSIX_BIR, pba);
	d->msix_pba_off = pba & PCI_MSIX_OFFSET;
	if (d->msix_table_bir >= PCI_NUM_BARS || d->msix_pba_bir >= PCI_NUM_BARS) {
		pci_bdf_str(d, bdf);
		pci_warn(s, "%s: MSI-X table BIR %u or PBA BIR %u is not a BAR",
			 bdf, d->msix_table_bir, d->msix_pba_bir);
	}
}

/* Fill in everything about the function at d's address. */
static void pci_dev_read(struct pci_scan *s, struct pci_dev *d, bool multifunction)
{
	uint32_t id = pci_read32(s->ops, d, PCI_VENDOR_ID);
	uint32_t buses;

	d->vendor = (uint16_t)id;
	d->device = (uint16_t)(id >> 16);
	d->class_code = FIELD_GET(PCI_CLASS_CODE, pci_read32(s->ops, d, PCI_CLASS_REVISION));
	d->header_type = FIELD_GET(PCI_HEADER_TYPE_MASK, pci_read8(s->ops, d, PCI_HEADER_TYPE));
	d->multifunction = multifunction;
	if (d->header_type == PCI_HEADER_TYPE_BRIDGE) {
		buses = pci_read32(s->ops, d, PCI_BRIDGE_BUSES);
		d->secondary = FIELD_GET(PCI_BRIDGE_SECONDARY, buses);
		d->subordinate = FIELD_GET(PCI_BRIDGE_SUBORDINATE, buses);
	}
	d->pcie_cap = pci_dev_cap(s, d, PCI_CAP_ID_PCIE);
	d->msi_cap = pci_dev_cap(s, d, PCI_CAP_ID_MSI);
	d->msix_cap = pci_dev_cap(s, d, PCI_CAP_ID_MSIX);
	d->pcie_type = PCI_EXP_TYPE_NONE;
	if (d->pcie_cap)
		d->pcie_type = FIELD_GET(PCI_EXP_FLAGS_TYPE,
					 pci_read16(s->ops, d, d->pcie_cap + PCI_EXP_FLAGS));
	if (d->msix_cap)
		pci_msix_decode(s, d);
}

static bool pci_present(struct pci_scan *s, uint8_t bus, uint8_t dev, uint8_t fn)
{
	uint16_t vendor = (uint16_t)s->ops->read32(s->ops->ctx, s->range.seg, bus, dev,
						   fn, PCI_VENDOR_ID);

	return vendor != PCI_VENDOR_NONE && vendor != 0;
}

/* Append the function at bus/dev/fn; false once devs is full. */
static bool pci_add(struct pci_scan *s, uint8_t bus, uint8_t dev, uint8_t fn,
		    int parent, bool multifunction)
{
	struct pci_dev *d;

	if (s->n == s->max) {
		if (!s->full_reported)
			pci_warn(s, "more than %u functions, keeping the first %u",
				 s->max, s->max);
		s->full_reported = true;
		return false;
	}
	d = &s->devs[s->n++];
	memset(d, 0, sizeof(*d));
	d->seg = s->range.seg;
	d->bus = bus;
	d->dev = dev;
	d->fn = fn;
	d->parent = parent;
	pci_dev_read(s, d, multifunction);
	return true;
}

/* All 32 devices of a bus, and functions 1-7 of multi-function ones. */
static void pci_scan_bus(struct pci_scan *s, uint8_t bus, int parent)
{
	struct pci_dev probe = { .seg = s->range.seg, .bus = bus };
	uint8_t dev, fn, nfn;
	bool mf;

	s->visited[bus / 32] |= (uint32_t)BIT(bus % 32);
	for (dev = 0; dev < PCI_DEVS_PER_BUS; dev++) {
		if (!pci_present(s, bus, dev, 0))
			continue;
		probe.dev = dev;
		mf = pci_read8(s->ops, &probe, PCI_HEADER_TYPE) & PCI_HEADER_MULTI_FN;
		nfn = mf ? PCI_FNS_PER_DEV : 1;
		for (fn = 0; fn < nfn; fn++)
			if (pci_present(s, bus, dev, fn) &&
			    !pci_add(s, bus, dev, fn, parent, mf))
				return;
	}
}

/* Whether to descend below bridge b, reporting why not. */
static bool pci_bridge_follow(struct pci_scan *s, const struct pci_dev *b)
{
	char bdf[PCI_BDF_STR_LEN];
	uint8_t sec = b->secondary;

	pci_bdf_str(b, bdf);
	if (sec == 0 && b->subordinate == 0) {
		pci_warn(s, "%s: bridge bus numbers not programmed, not followed", bdf);
		return false;
	}
	if (sec < s->range.start || sec > s->range.end) {
		pci_warn(s, "%s: bridge secondary bus %u outside %04x:[%02x-%02x], not followed",
			 bdf, sec, s->range.seg, s->range.start, s->range.end);
		return false;
	}
	if (s->visited[sec / 32] & BIT(sec % 32)) {
		pci_warn(s, "%s: bridge secondary bus %u already scanned, not followed",
			 bdf, sec);
		return false;
	}
	if (sec <= b->bus) {
		pci_warn(s, "%s: bridge secondary bus %u not above its own bus %u, "
			 "not followed", bdf, sec, b->bus);
		return false;
	}
	return true;
}

/*
 * Breadth first: devs doubles as the queue. Each bus is scanned at most
 * once (visited), so a bridge loop ends.
 */
static void pci_scan_range(struct pci_scan *s)
{
	unsigned i = s->n;

	memset(s->visited, 0, sizeof(s->visited));
	pci_scan_bus(s, s->range.start, -1);
	for (; i < s->n; i++)
		if (s->devs[i].header_type == PCI_HEADER_TYPE_BRIDGE &&
		    pci_bridge_follow(s, &s->devs[i]))
			pci_scan_bus(s, s->devs[i].secondary, (int)i);
}

int pci_enumerate(const struct pci_cfg_ops *ops, const struct pci_bus_range *ranges,
		  unsigned nranges, struct pci_dev *devs, unsigned max,
		  pci_report_fn report, void *rctx)
{
	struct pci_scan s = { .ops = ops, .devs = devs, .max = max,
			      .report = report, .rctx = rctx };
	unsigned r;

	for (r = 0; r < nranges; r++) {
		s.range = ranges[r];
		if (s.range.start > s.range.end) {
			pci_warn(&s, "range %04x:[%02x-%02x] is empty, skipped",
				 s.range.seg, s.range.start, s.range.end);
			continue;
		}
		pci_scan_range(&s);
	}
	return (int)s.n;
}

static const char *const pci_exp_type_names[] = {
	[PCI_EXP_TYPE_ENDPOINT] = "endpoint",
	[PCI_EXP_TYPE_LEG_END] = "legacy endpoint",
	[PCI_EXP_TYPE_ROOT_PORT] = "root port",
	[PCI_EXP_TYPE_UPSTREAM] = "upstream port",
	[PCI_EXP_TYPE_DOWNSTREAM] = "downstream port",
	[PCI_EXP_TYPE_PCI_BRIDGE] = "pcie-to-pci bridge",
	[PCI_EXP_TYPE_PCIE_BRIDGE] = "pci-to-pcie bridge",
	[PCI_EXP_TYPE_RC_END] = "rc integrated endpoint",
	[PCI_EXP_TYPE_RC_EC] = "rc event collector",
};


int pci_dev_describe(const struct pci_dev *d, char *buf, size_t len)
{
	const char *type = NULL;
	size_t pos = 0;

	if (!buf || !len)
		return -EINVAL;
	text_append(buf, len, &pos, "%04x:%02x:%02x.%x %04x:%04x class %06x", d->seg,
		   d->bus, d->dev, d->fn, d->vendor, d->device, d->class_code);
	if (d->pcie_type < ARRAY_SIZE(pci_exp_type_names))
		type = pci_exp_type_names[d->pcie_type];
	if (d->pcie_type == PCI_EXP_TYPE_NONE)
		text_append(buf, len, &pos, " [pci]");
	else if (type)
		text_append(buf, len, &pos, " [pcie %s]", type);
	else
		text_append(buf, len, &pos, " [pcie type %u]", d->pcie_type);
	if (d->header_type == PCI_HEADER_TYPE_BRIDGE)
		text_append(buf, len, &pos, " bus %02x-%02x", d->secondary, d->subordinate);
	if (d->msi_cap)
		text_append(buf, len, &pos, " msi");
	if (d->msix_cap)
		text_append(buf, len, &pos, " msix %u@bar%u+0x%x", d->msix_table_size,
			   d->msix_table_bir, d->msix_table_off);
	return pos < len ? (int)pos : -ENOSPC;
}

/* ---- Configuration writes, BARs, command register ---- */

uint32_t pci_cfg_read32(const struct pci_cfg_ops *ops, const struct pci_dev *d,
			uint16_t off)
{
	return pci_read32(ops, d, off);
}

int pci_cfg_write32(const struct pci_cfg_ops *ops, const struct pci_dev *d,
		    uint16_t off, uint32_t v)
{
	if (!ops->write32)
		return -EROFS;
	ops->write32(ops->ctx, d->seg, d->bus, d->dev, d->fn, off & ~3u, v);
	return 0;
}

int pci_command_update(const struct pci_cfg_ops *ops, const struct pci_dev *d,
		       uint16_t clear, uint16_t set)
{
	uint16_t cmd = pci_read16(ops, d, PCI_COMMAND);

	/* The upper half is Status: zeros leave its RW1C bits alone. */
	return pci_cfg_write32(ops, d, PCI_COMMAND, (uint16_t)((cmd & ~clear) | set));
}

static unsigned pci_num_bars(const struct pci_dev *d)
{
	switch (d->header_type) {
	case PCI_HEADER_TYPE_NORMAL:
		return PCI_NUM_BARS;
	case PCI_HEADER_TYPE_BRIDGE:
		return 2;
	default:
		return 1;	/* CardBus: the socket registers only */
	}
}

static bool pci_bar_is_mem64(uint32_t v)
{
	return !(v & PCI_BAR_IO) && FIELD_GET(PCI_BAR_MEM_TYPE, v) == PCI_BAR_MEM_TYPE_64;
}

/* Whether BAR index bar starts a BAR (is not the upper half of a 64-bit one). */
static bool pci_bar_starts(const struct pci_cfg_ops *ops, const struct pci_dev *d,
			   unsigned bar)
{
	unsigned i = 0;

	while (i < bar)
		i += pci_bar_is_mem64(pci_read32(ops, d, PCI_BAR0 + 4 * i)) ? 2 : 1;
	return i == bar;
}

/* Write all ones, read the mask back, restore (PCI 3.0 6.2.5.1). */
static uint32_t pci_bar_probe_mask(const struct pci_cfg_ops *ops, const struct pci_dev *d,
				   uint16_t off, uint32_t orig)
{
	uint32_t mask;

	pci_cfg_write32(ops, d, off, 0xffffffff);
	mask = pci_read32(ops, d, off);
	pci_cfg_write32(ops, d, off, orig);
	return mask;
}

int pci_bar_decode(const struct pci_cfg_ops *ops, const struct pci_dev *d,
		   unsigned bar, uint64_t *base, uint64_t *size, bool *mmio64)
{
	uint16_t off = PCI_BAR0 + 4 * bar, cmd;
	uint32_t lo, hi = 0, lo_mask, hi_mask = 0;
	uint64_t mask;
	bool is64;

	if (!ops->write32)
		return -EROFS;
	if (bar >= pci_num_bars(d))
		return -EINVAL;
	if (!pci_bar_starts(ops, d, bar))
		return -EINVAL;
	lo = pci_read32(ops, d, off);
	if (lo & PCI_BAR_IO)
		return -EOPNOTSUPP;
	is64 = pci_bar_is_mem64(lo);
	if (is64 && bar + 1 >= pci_num_bars(d))
		return -EINVAL;
	if (is64)
		hi = pci_read32(ops, d, off + 4);
	/* A BAR holding all ones must not decode (PCI 3.0 6.2.5.1 note). */
	cmd = pci_read16(ops, d, PCI_COMMAND);
	pci_command_update(ops, d, PCI_COMMAND_MEMORY | PCI_COMMAND_IO, 0);
	lo_mask = pci_bar_probe_mask(ops, d, off, lo);
	if (is64)
		hi_mask = pci_bar_probe_mask(ops, d, off + 4, hi);
	pci_cfg_write32(ops, d, PCI_COMMAND, cmd);
	mask = (uint64_t)hi_mask << 32 | (lo_mask & PCI_BAR_MEM_ADDR);
	if (!is64)
		mask |= GENMASK(63, 32);
	if (!(mask & PCI_BAR_MEM_ADDR) && !hi_mask)
		return -ENOENT;
	*base = ((uint64_t)hi << 32 | lo) & ~(uint64_t)GENMASK(3, 0);
	*size = ~mask + 1;
	*mmio64 = is64;
	return 0;
}

int pci_upstream_enable(const struct pci_cfg_ops *ops, const struct pci_dev *devs,
			unsigned idx)
{
	int p = devs[idx].parent, err;

	for (; p >= 0; p = devs[p].parent) {
		err = pci_command_update(ops, &devs[p], 0,
					 PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
		if (err)
			return err;
	}
	return 0;
}
