/*
 * PCI enumeration and capability walking (drivers/pci.c) and MSI-X set-up
 * (drivers/msix.c) on fuzzed configuration spaces. Input: a function count,
 * then per function its bus and devfn, six BAR size codes and 256 bytes of
 * configuration header and capabilities (the extended space reads as 0).
 * Every other address reads as all ones, like a missing function.
 *
 * Invariants: every access is dword aligned inside the function's 4 KiB
 * configuration space and the number of reads is bounded (loops end); a
 * capability found has the ID asked for, is the first of that ID in list
 * order (a reference walk with a visited set), and lies wholly inside the
 * 256-byte space that holds the list; enumeration returns each present
 * function at most once, with a parent bridge that leads to its bus;
 * descriptions cut short say so; msix_init either fails or finds a table
 * and PBA inside their BARs and apart, and leaves configuration space as it
 * was but for memory decode; no BAR holds all ones while decode is on.
 */
#include <errno.h>

#include "drivers/msix.h"
#include "drivers/pci.h"
#include "tests/fuzz/fuzz.h"

#define MAX_FNS		4
#define CFG_SIZE	4096
#define HDR_BYTES	256
#define MAX_READS	100000

struct fn {
	uint8_t bus, dev, fn;
	uint8_t cfg[CFG_SIZE];
	uint32_t bar_mask[PCI_NUM_BARS];	/* writable bits of each BAR */
};

struct fake {
	struct fn f[MAX_FNS];
	unsigned n;
	unsigned reads;
};

static struct fn *lookup(struct fake *k, uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn)
{
	unsigned i;

	for (i = 0; seg == 0 && i < k->n; i++)
		if (k->f[i].bus == bus && k->f[i].dev == dev && k->f[i].fn == fn)
			return &k->f[i];
	return NULL;
}

static uint32_t get32(const struct fn *f, uint16_t off)
{
	uint32_t v;

	memcpy(&v, f->cfg + off, sizeof(v));
	return v;
}

static uint32_t cfg_read(void *ctx, uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn,
			 uint16_t off)
{
	struct fake *k = ctx;
	struct fn *f = lookup(k, seg, bus, dev, fn);

	FUZZ_CHECK(off < CFG_SIZE && !(off & 3), "read at 0x%x", off);
	FUZZ_CHECK(++k->reads < MAX_READS, "%u reads: a walk does not end", k->reads);
	return f ? get32(f, off) : 0xffffffff;
}

/* Command is writable (its status half is RW1C: zeros change nothing), BARs
 * take their writable bits, everything else is read-only here. */
static void cfg_write(void *ctx, uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn,
		      uint16_t off, uint32_t v)
{
	struct fake *k = ctx;
	struct fn *f = lookup(k, seg, bus, dev, fn);
	uint32_t old;
	unsigned b;

	FUZZ_CHECK(off < CFG_SIZE && !(off & 3), "write at 0x%x", off);
	FUZZ_CHECK(f, "write to the missing function %02x:%02x.%x", bus, dev, fn);
	old = get32(f, off);
	if (off == PCI_COMMAND) {
		memcpy(f->cfg + off, &v, 2);
		return;
	}
	if (off < PCI_BAR0 || off >= PCI_BAR0 + 4 * PCI_NUM_BARS)
		return;
	b = (off - PCI_BAR0) / 4;
	FUZZ_CHECK(v != 0xffffffff || !(get32(f, PCI_COMMAND) &
					 (PCI_COMMAND_MEMORY | PCI_COMMAND_IO)),
		   "BAR %u sized with decode on", b);
	v = (v & f->bar_mask[b]) | (old & ~f->bar_mask[b]);
	memcpy(f->cfg + off, &v, sizeof(v));
}

/* Bytes a capability of this ID needs, from its ID (PCI 3.0 6.7, 6.8.1,
 * 6.8.2; PCIe 7.5.3): what the tree reads of it at least. */
static unsigned cap_len(uint8_t id)
{
	switch (id) {
	case PCI_CAP_ID_PM:	return 8;
	case PCI_CAP_ID_MSI:	return 10;
	case PCI_CAP_ID_MSIX:	return 12;
	case PCI_CAP_ID_PCIE:	return 4;
	default:		return 2;
	}
}

/* The first capability with this ID in list order, following each pointer
 * once; 0 if none. */
static uint8_t reference_find(const struct fn *f, uint8_t id, bool cardbus)
{
	bool seen[HDR_BYTES] = { false };
	uint8_t ptr;

	if (!(get32(f, PCI_COMMAND) >> 16 & PCI_STATUS_CAP_LIST))
		return 0;
	ptr = f->cfg[cardbus ? PCI_CB_CAP_PTR : PCI_CAP_PTR] & PCI_CAP_PTR_MASK;
	while (ptr >= PCI_CAP_FIRST && !seen[ptr]) {
		seen[ptr] = true;
		if (f->cfg[ptr] == id)
			return ptr;
		ptr = f->cfg[ptr + 1] & PCI_CAP_PTR_MASK;
	}
	return 0;
}

static void check_caps(struct fake *k, struct fn *f, const struct pci_dev *d)
{
	static const uint8_t ids[] = { PCI_CAP_ID_PM, PCI_CAP_ID_MSI, PCI_CAP_ID_VNDR,
				       PCI_CAP_ID_PCIE, PCI_CAP_ID_MSIX, 0x00, 0xff };
	const struct pci_cfg_ops ops = { .read32 = cfg_read, .ctx = k };
	uint8_t got, want;
	size_t i;

	for (i = 0; i < sizeof(ids); i++) {
		k->reads = 0;
		got = pci_cap_find(&ops, d, ids[i]);
		FUZZ_CHECK(k->reads <= 2 + PCI_CAP_MAX_HOPS, "%u reads for one capability",
			   k->reads);
		if (!got)
			continue;
		want = reference_find(f, ids[i], d->header_type == PCI_HEADER_TYPE_CARDBUS);
		FUZZ_CHECK(got == want, "capability 0x%02x at 0x%02x, first in the list at 0x%02x",
			   ids[i], got, want);
		FUZZ_CHECK(got >= PCI_CAP_FIRST && !(got & 3) && got + cap_len(ids[i]) <= HDR_BYTES,
			   "capability 0x%02x at 0x%02x (%u bytes) outside 0x40..0xff", ids[i],
			   got, cap_len(ids[i]));
	}
}

static void check_describe(const struct pci_dev *d)
{
	char full[256], cut[256];
	int n = pci_dev_describe(d, full, sizeof(full)), m;
	size_t len;

	FUZZ_CHECK(n > 0 && (size_t)n == strlen(full) && fuzz_printable_line(full, 255),
		   "describe %d \"%s\"", n, full);
	for (len = 1; len <= (size_t)n; len += 7) {
		m = pci_dev_describe(d, cut, len);
		FUZZ_CHECK(m == -ENOSPC && strlen(cut) == len - 1 && !memcmp(cut, full, len - 1),
			   "describe into %zu bytes: %d \"%s\"", len, m, cut);
	}
}

static bool bar_is64(const struct fn *f, unsigned b)
{
	return (get32(f, PCI_BAR0 + 4 * b) & 7) == 4 && b + 1 < PCI_NUM_BARS;
}

static uint64_t bar_base(const struct fn *f, unsigned b)
{
	uint64_t base = get32(f, PCI_BAR0 + 4 * b) & ~0xfull;

	return bar_is64(f, b) ? base | (uint64_t)get32(f, PCI_BAR0 + 4 * b + 4) << 32 : base;
}

/* What sizing finds: the writable bits, the upper half's too if 64-bit. */
static uint64_t bar_size(const struct fn *f, unsigned b)
{
	uint64_t mask = f->bar_mask[b] & ~0xfull;

	mask |= bar_is64(f, b) ? (uint64_t)f->bar_mask[b + 1] << 32 : ~0ull << 32;
	return ~mask + 1;
}

static void check_msix(struct fake *k, struct fn *f, const struct pci_dev *d)
{
	const struct pci_cfg_ops ops = { .read32 = cfg_read, .write32 = cfg_write, .ctx = k };
	uint8_t before[HDR_BYTES];
	uint64_t tlen, plen;
	struct msix m;
	int ret;

	memcpy(before, f->cfg, sizeof(before));
	k->reads = 0;
	ret = msix_init(&m, &ops, d);
	FUZZ_CHECK(ret == 0 || ret == -ENODEV || ret == -ENXIO || ret == -ERANGE ||
		   ret == -EINVAL || ret == -ENOENT || ret == -EOPNOTSUPP,
		   "msix_init returned %d", ret);
	if (ret == 0) {
		FUZZ_CHECK(get32(f, PCI_COMMAND) & PCI_COMMAND_MEMORY, "memory decode off");
		f->cfg[PCI_COMMAND] = before[PCI_COMMAND];
	}
	FUZZ_CHECK(!memcmp(before, f->cfg, sizeof(before)),
		   "msix_init (%d) left configuration space changed", ret);
	if (ret)
		return;
	tlen = (uint64_t)m.nvec * PCI_MSIX_ENTRY_SIZE;
	plen = (m.nvec + 63) / 64 * 8;
	FUZZ_CHECK(m.nvec == d->msix_table_size && m.nvec >= 1, "%u vectors", m.nvec);
	FUZZ_CHECK(m.table_pa >= bar_base(f, d->msix_table_bir) &&
		   m.table_pa - bar_base(f, d->msix_table_bir) + tlen <=
		   bar_size(f, d->msix_table_bir),
		   "table 0x%llx+%llu outside BAR %u", (unsigned long long)m.table_pa,
		   (unsigned long long)tlen, d->msix_table_bir);
	FUZZ_CHECK(m.pba_pa >= bar_base(f, d->msix_pba_bir) &&
		   m.pba_pa - bar_base(f, d->msix_pba_bir) + plen <= bar_size(f, d->msix_pba_bir),
		   "PBA 0x%llx+%llu outside BAR %u", (unsigned long long)m.pba_pa,
		   (unsigned long long)plen, d->msix_pba_bir);
	FUZZ_CHECK(d->msix_table_bir != d->msix_pba_bir ||
		   m.table_pa + tlen <= m.pba_pa || m.pba_pa + plen <= m.table_pa,
		   "table 0x%llx+%llu and PBA 0x%llx+%llu overlap",
		   (unsigned long long)m.table_pa, (unsigned long long)tlen,
		   (unsigned long long)m.pba_pa, (unsigned long long)plen);
}

static void check_enum(struct fake *k, const struct pci_dev *devs, int n)
{
	int i, j, p;

	for (i = 0; i < n; i++) {
		FUZZ_CHECK(lookup(k, devs[i].seg, devs[i].bus, devs[i].dev, devs[i].fn),
			   "found a function that is not there");
		for (j = 0; j < i; j++)
			FUZZ_CHECK(devs[i].bus != devs[j].bus || devs[i].dev != devs[j].dev ||
				   devs[i].fn != devs[j].fn, "%02x:%02x.%x found twice",
				   devs[i].bus, devs[i].dev, devs[i].fn);
		p = devs[i].parent;
		FUZZ_CHECK(p == -1 || (p >= 0 && p < i &&
				       devs[p].header_type == PCI_HEADER_TYPE_BRIDGE &&
				       devs[p].secondary == devs[i].bus),
			   "device %d has parent %d", i, p);
		check_describe(&devs[i]);
	}
}

static void report(void *ctx, const char *msg)
{
	(void)ctx;
	FUZZ_CHECK(fuzz_printable_line(msg, 159), "report \"%s\"", msg);
}

static void load(struct fake *k, struct fuzz_in *in)
{
	struct fn *f;
	unsigned i, b;
	uint8_t code;
	uint32_t v;

	k->n = 1 + fuzz_u8(in) % MAX_FNS;
	for (i = 0; i < k->n; i++) {
		f = &k->f[i];
		memset(f, 0, sizeof(*f));
		f->bus = fuzz_u8(in) % 4;
		code = fuzz_u8(in);
		f->dev = code >> 3;
		f->fn = code & 7;
		for (b = 0; b < PCI_NUM_BARS; b++) {
			code = fuzz_u8(in);
			f->bar_mask[b] = code ? ~((1u << (4 + code % 28)) - 1) : 0;
		}
		for (b = 0; b < HDR_BYTES; b++)
			f->cfg[b] = fuzz_u8(in);
		for (b = 0; b < PCI_NUM_BARS; b++) {	/* what sizing would read back */
			v = get32(f, PCI_BAR0 + 4 * b);
			v = (v & f->bar_mask[b]) | (f->bar_mask[b] ? v & 0xf : 0);
			memcpy(f->cfg + PCI_BAR0 + 4 * b, &v, sizeof(v));
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fake k;
	static struct pci_dev devs[16];
	const struct pci_cfg_ops ops = { .read32 = cfg_read, .ctx = &k };
	const struct pci_bus_range range = { .seg = 0, .start = 0, .end = 255 };
	struct fuzz_in in = { data, size };
	struct fn *f;
	int n, i;

	load(&k, &in);
	k.reads = 0;
	n = pci_enumerate(&ops, &range, 1, devs, 16, report, NULL);
	FUZZ_CHECK(n >= 0 && n <= (int)k.n, "%d functions found of %u", n, k.n);
	check_enum(&k, devs, n);
	for (i = 0; i < n; i++) {
		f = lookup(&k, 0, devs[i].bus, devs[i].dev, devs[i].fn);
		check_caps(&k, f, &devs[i]);
		check_msix(&k, f, &devs[i]);
	}
	return 0;
}
