/*
 * PCI enumeration tests on a synthetic config space in host memory (a fake
 * ECAM, 4 KiB per function), shaped like a QEMU q35 machine with root ports,
 * a switch, a PCIe-to-PCI bridge and some deliberately broken bridges.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/pci.h"

#define MAX_FNS		32
#define MAX_REPORTS	16
#define MAX_DEVS	64

struct fake_fn {
	uint16_t seg;
	uint8_t bus, dev, fn;
	uint8_t cfg[4096];
};

struct fake {
	struct fake_fn fns[MAX_FNS];
	unsigned nfns;
	unsigned reads;
	char reports[MAX_REPORTS][160];
	unsigned nreports;
	struct pci_cfg_ops ops;
	struct pci_dev devs[MAX_DEVS];
};

static uint32_t fake_read32(void *ctx, uint16_t seg, uint8_t bus, uint8_t dev,
			    uint8_t fn, uint16_t off)
{
	struct fake *f = ctx;
	uint32_t v;
	unsigned i;

	assert_true(off % 4 == 0 && off < 4096);
	assert_true(dev < 32 && fn < 8);
	f->reads++;
	for (i = 0; i < f->nfns; i++) {
		if (f->fns[i].seg == seg && f->fns[i].bus == bus &&
		    f->fns[i].dev == dev && f->fns[i].fn == fn) {
			memcpy(&v, f->fns[i].cfg + off, sizeof(v));
			return v;
		}
	}
	return 0xffffffff;	/* master abort */
}

static void fake_report(void *ctx, const char *msg)
{
	struct fake *f = ctx;

	assert_true(f->nreports < MAX_REPORTS);
	snprintf(f->reports[f->nreports++], sizeof(f->reports[0]), "%s", msg);
}

static unsigned reported(const struct fake *f, const char *s)
{
	unsigned i, n = 0;

	for (i = 0; i < f->nreports; i++)
		n += strstr(f->reports[i], s) != NULL;
	return n;
}

static void put8(uint8_t *cfg, unsigned off, uint8_t v)
{
	cfg[off] = v;
}

static void put16(uint8_t *cfg, unsigned off, uint16_t v)
{
	memcpy(cfg + off, &v, sizeof(v));
}

static void put32(uint8_t *cfg, unsigned off, uint32_t v)
{
	memcpy(cfg + off, &v, sizeof(v));
}

static uint8_t *add_fn(struct fake *f, uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn,
		       uint16_t vendor, uint16_t device, uint32_t class_code, uint8_t hdr)
{
	struct fake_fn *x = &f->fns[f->nfns++];

	assert_true(f->nfns <= MAX_FNS);
	memset(x, 0, sizeof(*x));
	x->seg = seg;
	x->bus = bus;
	x->dev = dev;
	x->fn = fn;
	put16(x->cfg, PCI_VENDOR_ID, vendor);
	put16(x->cfg, PCI_VENDOR_ID + 2, device);
	put32(x->cfg, PCI_CLASS_REVISION, class_code << 8 | 0x01);
	put8(x->cfg, PCI_HEADER_TYPE, hdr);
	return x->cfg;
}

static uint8_t *add_bridge(struct fake *f, uint8_t bus, uint8_t dev, uint16_t device,
			   uint8_t sec, uint8_t sub)
{
	uint8_t *cfg = add_fn(f, 0, bus, dev, 0, 0x1b36, device, 0x060400,
			      PCI_HEADER_TYPE_BRIDGE);

	put32(cfg, PCI_BRIDGE_BUSES, (uint32_t)sub << 16 | (uint32_t)sec << 8 | bus);
	return cfg;
}

/* Link a capability at off into the list (after the previously added one). */
static void add_cap(uint8_t *cfg, uint8_t off, uint8_t id, uint8_t next)
{
	put16(cfg, PCI_STATUS, PCI_STATUS_CAP_LIST);
	if (!cfg[PCI_CAP_PTR])
		put8(cfg, PCI_CAP_PTR, off);
	put8(cfg, off, id);
	put8(cfg, off + 1, next);
}

static void add_pcie_cap(uint8_t *cfg, uint8_t off, uint8_t type, uint8_t next)
{
	add_cap(cfg, off, PCI_CAP_ID_PCIE, next);
	put16(cfg, off + PCI_EXP_FLAGS, (uint16_t)(type << 4 | 2));
}

static void add_msix_cap(uint8_t *cfg, uint8_t off, uint16_t vectors,
			 uint32_t table, uint32_t pba, uint8_t next)
{
	add_cap(cfg, off, PCI_CAP_ID_MSIX, next);
	put16(cfg, off + PCI_MSIX_CTRL, vectors - 1);
	put32(cfg, off + PCI_MSIX_TABLE, table);
	put32(cfg, off + PCI_MSIX_PBA, pba);
}

/*
 * Bus 0: host bridge, root port (-> bus 1: e1000e), PCIe-to-PCI bridge
 * (-> bus 2: a conventional device), an LPC-like multi-function device
 * (fns 0, 1, 4), a device with a capability loop, a bridge looping back to
 * bus 0, one to the already scanned bus 1, one outside the range, a single-
 * function device that also answers at fn 1, an unprogrammed bridge, and a
 * root port with a switch below it (bus 3 upstream, bus 4 downstream, bus 5
 * NVMe).
 */
static void build_q35(struct fake *f)
{
	uint8_t *c;

	add_fn(f, 0, 0, 0, 0, 0x8086, 0x29c0, 0x060000, 0);
	c = add_bridge(f, 0, 1, 0x000c, 1, 1);
	add_pcie_cap(c, 0x40, PCI_EXP_TYPE_ROOT_PORT, 0x60);
	add_cap(c, 0x60, PCI_CAP_ID_MSI, 0);
	c = add_fn(f, 0, 1, 0, 0, 0x8086, 0x10d3, 0x020000, 0);
	add_cap(c, 0xc8, PCI_CAP_ID_PM, 0xd0);
	add_cap(c, 0xd0, PCI_CAP_ID_MSI, 0xe0);
	add_pcie_cap(c, 0xe0, PCI_EXP_TYPE_ENDPOINT, 0xa0);
	add_msix_cap(c, 0xa0, 5, 0x00000003, 0x00002003, 0);
	c = add_bridge(f, 0, 2, 0x000e, 2, 2);
	add_pcie_cap(c, 0x40, PCI_EXP_TYPE_PCI_BRIDGE, 0);
	c = add_fn(f, 0, 2, 1, 0, 0x1234, 0x1111, 0x010000, 0);
	put8(c, PCI_CAP_PTR, 0x40);	/* status says no list: ignored */
	add_fn(f, 0, 0, 3, 0, 0x8086, 0x2918, 0x060100, PCI_HEADER_MULTI_FN);
	add_fn(f, 0, 0, 3, 1, 0x8086, 0x2922, 0x010601, 0);
	add_fn(f, 0, 0, 3, 4, 0x8086, 0x2930, 0x0c0500, 0);
	c = add_fn(f, 0, 0, 4, 0, 0x1af4, 0x1000, 0x020000, 0);
	add_cap(c, 0x40, PCI_CAP_ID_VNDR, 0x50);
	add_cap(c, 0x50, PCI_CAP_ID_PM, 0x41);	/* back to 0x40, low bits set */
	put8(c, PCI_CAP_PTR, 0x43);
	add_bridge(f, 0, 5, 0x0001, 0, 4);
	add_bridge(f, 0, 6, 0x0001, 1, 1);
	add_bridge(f, 0, 7, 0x0001, 9, 9);
	add_fn(f, 0, 0, 8, 0, 0x1234, 0x2222, 0x030000, 0);
	add_fn(f, 0, 0, 8, 1, 0x1234, 0x2222, 0x030000, 0);
	add_bridge(f, 0, 9, 0x0001, 0, 0);
	c = add_bridge(f, 0, 10, 0x000c, 3, 5);
	add_pcie_cap(c, 0x40, PCI_EXP_TYPE_ROOT_PORT, 0);
	c = add_bridge(f, 3, 0, 0x000d, 4, 5);
	add_pcie_cap(c, 0x40, PCI_EXP_TYPE_UPSTREAM, 0);
	c = add_bridge(f, 4, 0, 0x000d, 5, 5);
	add_pcie_cap(c, 0x40, PCI_EXP_TYPE_DOWNSTREAM, 0);
	c = add_fn(f, 0, 5, 0, 0, 0x1b36, 0x0010, 0x010802, 0);
	add_pcie_cap(c, 0x40, PCI_EXP_TYPE_ENDPOINT, 0x80);
	add_msix_cap(c, 0x80, 65, 0x00002000, 0x00003000, 0);
}

static int setup(void **state)
{
	struct fake *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->ops.read32 = fake_read32;
	f->ops.ctx = f;
	build_q35(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static const struct pci_bus_range q35_range = { .seg = 0, .start = 0, .end = 7 };

static int enumerate(struct fake *f, unsigned max)
{
	return pci_enumerate(&f->ops, &q35_range, 1, f->devs, max, fake_report, f);
}

static const struct pci_dev *find(const struct fake *f, int n, uint8_t bus,
				  uint8_t dev, uint8_t fn)
{
	int i;

	for (i = 0; i < n; i++)
		if (f->devs[i].bus == bus && f->devs[i].dev == dev && f->devs[i].fn == fn)
			return &f->devs[i];
	return NULL;
}

static int index_of(const struct fake *f, int n, uint8_t bus, uint8_t dev, uint8_t fn)
{
	const struct pci_dev *d = find(f, n, bus, dev, fn);

	assert_non_null(d);
	return (int)(d - f->devs);
}

static void test_enumerate_topology(void **state)
{
	struct fake *f = *state;
	/* breadth first: bus 0 in device order, then each bridge's bus */
	static const uint8_t bdf[][3] = {
		{ 0, 0, 0 }, { 0, 1, 0 }, { 0, 2, 0 }, { 0, 3, 0 }, { 0, 3, 1 },
		{ 0, 3, 4 }, { 0, 4, 0 }, { 0, 5, 0 }, { 0, 6, 0 }, { 0, 7, 0 },
		{ 0, 8, 0 }, { 0, 9, 0 }, { 0, 10, 0 }, { 1, 0, 0 }, { 2, 1, 0 },
		{ 3, 0, 0 }, { 4, 0, 0 }, { 5, 0, 0 },
	};
	int n = enumerate(f, MAX_DEVS), i;

	assert_int_equal(n, ARRAY_SIZE(bdf));
	for (i = 0; i < n; i++) {
		assert_int_equal(f->devs[i].seg, 0);
		assert_int_equal(f->devs[i].bus, bdf[i][0]);
		assert_int_equal(f->devs[i].dev, bdf[i][1]);
		assert_int_equal(f->devs[i].fn, bdf[i][2]);
	}
	assert_int_equal(f->devs[0].vendor, 0x8086);
	assert_int_equal(f->devs[0].device, 0x29c0);
	assert_int_equal(f->devs[0].class_code, 0x060000);
	assert_int_equal(f->devs[0].parent, -1);
	assert_int_equal(f->devs[12].parent, -1);
	assert_int_equal(f->devs[13].parent, index_of(f, n, 0, 1, 0));
	assert_int_equal(f->devs[14].parent, index_of(f, n, 0, 2, 0));
	assert_int_equal(f->devs[15].parent, index_of(f, n, 0, 10, 0));
	assert_int_equal(f->devs[16].parent, index_of(f, n, 3, 0, 0));
	assert_int_equal(f->devs[17].parent, index_of(f, n, 4, 0, 0));
	assert_int_equal(f->devs[1].header_type, PCI_HEADER_TYPE_BRIDGE);
	assert_int_equal(f->devs[1].secondary, 1);
	assert_int_equal(f->devs[1].subordinate, 1);
	assert_int_equal(f->devs[12].secondary, 3);
	assert_int_equal(f->devs[12].subordinate, 5);
}

static void test_multifunction(void **state)
{
	struct fake *f = *state;
	int n = enumerate(f, MAX_DEVS);

	assert_true(find(f, n, 0, 3, 0)->multifunction);
	assert_true(find(f, n, 0, 3, 4)->multifunction);
	assert_int_equal(find(f, n, 0, 3, 4)->class_code, 0x0c0500);
	assert_int_equal(find(f, n, 0, 3, 0)->header_type, PCI_HEADER_TYPE_NORMAL);
	assert_null(find(f, n, 0, 3, 2));
	/* no MF bit on fn 0: fn 1 is not a separate function, not listed */
	assert_false(find(f, n, 0, 8, 0)->multifunction);
	assert_null(find(f, n, 0, 8, 1));
}

static void test_bridge_loops_reported(void **state)
{
	struct fake *f = *state;

	enumerate(f, MAX_DEVS);
	assert_int_equal(reported(f, "PCI: 0000:00:05.0: bridge secondary bus 0 already "
				  "scanned, not followed"), 1);
	assert_int_equal(reported(f, "PCI: 0000:00:06.0: bridge secondary bus 1 already "
				  "scanned, not followed"), 1);
	assert_int_equal(reported(f, "PCI: 0000:00:07.0: bridge secondary bus 9 outside "
				  "0000:[00-07], not followed"), 1);
	assert_int_equal(reported(f, "PCI: 0000:00:09.0: bridge bus numbers not "
				  "programmed"), 1);
	assert_int_equal(f->nreports, 4);
}

static void test_pcie_types(void **state)
{
	struct fake *f = *state;
	int n = enumerate(f, MAX_DEVS);

	assert_int_equal(find(f, n, 0, 0, 0)->pcie_type, PCI_EXP_TYPE_NONE);
	assert_int_equal(find(f, n, 0, 1, 0)->pcie_type, PCI_EXP_TYPE_ROOT_PORT);
	assert_int_equal(find(f, n, 1, 0, 0)->pcie_type, PCI_EXP_TYPE_ENDPOINT);
	assert_int_equal(find(f, n, 0, 2, 0)->pcie_type, PCI_EXP_TYPE_PCI_BRIDGE);
	assert_int_equal(find(f, n, 2, 1, 0)->pcie_type, PCI_EXP_TYPE_NONE);
	assert_int_equal(find(f, n, 3, 0, 0)->pcie_type, PCI_EXP_TYPE_UPSTREAM);
	assert_int_equal(find(f, n, 4, 0, 0)->pcie_type, PCI_EXP_TYPE_DOWNSTREAM);
	assert_int_equal(find(f, n, 5, 0, 0)->pcie_type, PCI_EXP_TYPE_ENDPOINT);
}

static void test_msix_decoded(void **state)
{
	struct fake *f = *state;
	int n = enumerate(f, MAX_DEVS);
	const struct pci_dev *e1000e = find(f, n, 1, 0, 0), *nvme = find(f, n, 5, 0, 0);

	assert_int_equal(e1000e->pcie_cap, 0xe0);
	assert_int_equal(e1000e->msi_cap, 0xd0);
	assert_int_equal(e1000e->msix_cap, 0xa0);
	assert_int_equal(e1000e->msix_table_size, 5);
	assert_int_equal(e1000e->msix_table_bir, 3);
	assert_int_equal(e1000e->msix_table_off, 0);
	assert_int_equal(e1000e->msix_pba_bir, 3);
	assert_int_equal(e1000e->msix_pba_off, 0x2000);
	assert_int_equal(nvme->msi_cap, 0);
	assert_int_equal(nvme->msix_table_size, 65);
	assert_int_equal(nvme->msix_table_bir, 0);
	assert_int_equal(nvme->msix_table_off, 0x2000);
	assert_int_equal(nvme->msix_pba_off, 0x3000);
	assert_int_equal(find(f, n, 0, 1, 0)->msix_cap, 0);
}

static void test_cap_find(void **state)
{
	struct fake *f = *state;
	int n = enumerate(f, MAX_DEVS);
	const struct pci_dev *e1000e = find(f, n, 1, 0, 0);

	assert_int_equal(pci_cap_find(&f->ops, e1000e, PCI_CAP_ID_PM), 0xc8);
	assert_int_equal(pci_cap_find(&f->ops, e1000e, PCI_CAP_ID_MSIX), 0xa0);
	assert_int_equal(pci_cap_find(&f->ops, e1000e, PCI_CAP_ID_VNDR), 0);
	/* pointer set but status bit 4 clear: no list */
	assert_int_equal(pci_cap_find(&f->ops, find(f, n, 2, 1, 0), PCI_CAP_ID_PM), 0);
}

static void test_cap_loop_bounded(void **state)
{
	struct fake *f = *state;
	int n = enumerate(f, MAX_DEVS);
	const struct pci_dev *d = find(f, n, 0, 4, 0);

	/* pointers 0x43 and 0x41 are masked to dword alignment */
	assert_int_equal(pci_cap_find(&f->ops, d, PCI_CAP_ID_VNDR), 0x40);
	assert_int_equal(pci_cap_find(&f->ops, d, PCI_CAP_ID_PM), 0x50);
	f->reads = 0;
	assert_int_equal(pci_cap_find(&f->ops, d, PCI_CAP_ID_MSIX), 0);
	assert_int_equal(f->reads, 2 + PCI_CAP_MAX_HOPS);	/* status, pointer */
	assert_int_equal(d->msix_cap, 0);
}

static void test_max_devices(void **state)
{
	struct fake *f = *state;

	assert_int_equal(enumerate(f, 5), 5);
	assert_int_equal(reported(f, "more than 5 functions, keeping the first 5"), 1);
	assert_int_equal(f->devs[4].fn, 1);
	assert_int_equal(enumerate(f, 0), 0);
}

static void test_ranges(void **state)
{
	struct fake *f = *state;
	const struct pci_bus_range ranges[] = {
		{ .seg = 1, .start = 0x10, .end = 0x1f },
		{ .seg = 0, .start = 5, .end = 5 },	/* scans from bus 5 only */
		{ .seg = 0, .start = 9, .end = 8 },
	};
	uint8_t *c;
	int n;

	c = add_fn(f, 1, 0x10, 2, 0, 0x8086, 0x10d3, 0x020000, 0);
	add_msix_cap(c, 0x40, 5, 3, 0x2003, 0);
	n = pci_enumerate(&f->ops, ranges, ARRAY_SIZE(ranges), f->devs, MAX_DEVS,
			  fake_report, f);
	assert_int_equal(n, 2);
	assert_int_equal(f->devs[0].seg, 1);
	assert_int_equal(f->devs[0].bus, 0x10);
	assert_int_equal(f->devs[0].msix_cap, 0x40);
	assert_int_equal(f->devs[1].bus, 5);
	assert_int_equal(f->devs[1].parent, -1);
	assert_int_equal(reported(f, "range 0000:[09-08] is empty"), 1);
}

static void test_bad_msix_bir(void **state)
{
	struct fake *f = *state;
	uint8_t *c = add_fn(f, 0, 0, 0x1f, 0, 0x1af4, 0x1041, 0x020000, 0);

	add_msix_cap(c, 0x40, 2, 0x1007, 0x2001, 0);
	enumerate(f, MAX_DEVS);
	assert_int_equal(reported(f, "0000:00:1f.0: MSI-X table BIR 7 or PBA BIR 1 is "
				  "not a BAR"), 1);
}

/* Found by fuzzing: a capability list entry at 0xfc whose registers run
 * past 0xff, into extended config space (here an AER header), where the
 * MSI-X table and PBA registers would have been read from. */
static void test_cap_past_end_ignored(void **state)
{
	struct fake *f = *state;
	uint8_t *c = add_fn(f, 0, 0, 0x1e, 0, 0x1af4, 0x1041, 0x020000, 0);
	const struct pci_dev *d;
	int n;

	add_cap(c, 0xf0, PCI_CAP_ID_PM, 0xfc);
	add_msix_cap(c, 0xfc, 4, 3, 0x1003, 0);
	put32(c, 0x100, 0x14010001);	/* AER, version 1, next 0x140 */
	n = enumerate(f, MAX_DEVS);
	d = find(f, n, 0, 0x1e, 0);
	assert_non_null(d);
	assert_int_equal(d->msix_cap, 0);
	assert_int_equal(d->msix_table_size, 0);
	assert_int_equal(pci_cap_find(&f->ops, d, PCI_CAP_ID_MSIX), 0);
	assert_int_equal(pci_cap_find(&f->ops, d, PCI_CAP_ID_PM), 0xf0);
	assert_int_equal(reported(f, "0000:00:1e.0: capability 0x11 at 0xfc needs 12 bytes, "
				  "runs past 0xff, ignored"), 1);
}

static void test_rid_and_describe(void **state)
{
	struct fake *f = *state;
	int n = enumerate(f, MAX_DEVS), len;
	char buf[128];

	assert_int_equal(pci_rid(find(f, n, 1, 0, 0)), 0x0100);
	assert_int_equal(pci_rid(find(f, n, 0, 3, 4)), 0x001c);
	assert_int_equal(pci_rid(find(f, n, 5, 0, 0)), 0x0500);
	len = pci_dev_describe(find(f, n, 1, 0, 0), buf, sizeof(buf));
	assert_int_equal(len, (int)strlen(buf));
	assert_string_equal(buf, "0000:01:00.0 8086:10d3 class 020000 [pcie endpoint] "
			    "msi msix 5@bar3+0x0");
	pci_dev_describe(find(f, n, 0, 1, 0), buf, sizeof(buf));
	assert_string_equal(buf, "0000:00:01.0 1b36:000c class 060400 [pcie root port] "
			    "bus 01-01 msi");
	pci_dev_describe(find(f, n, 2, 1, 0), buf, sizeof(buf));
	assert_string_equal(buf, "0000:02:01.0 1234:1111 class 010000 [pci]");
	assert_int_equal(pci_dev_describe(find(f, n, 1, 0, 0), buf, 20), -ENOSPC);
	assert_string_equal(buf, "0000:01:00.0 8086:1");
	assert_int_equal(pci_dev_describe(find(f, n, 1, 0, 0), buf, 0), -EINVAL);
}

#define PCI_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		PCI_TEST(test_enumerate_topology),
		PCI_TEST(test_multifunction),
		PCI_TEST(test_bridge_loops_reported),
		PCI_TEST(test_pcie_types),
		PCI_TEST(test_msix_decoded),
		PCI_TEST(test_cap_find),
		PCI_TEST(test_cap_loop_bounded),
		PCI_TEST(test_max_devices),
		PCI_TEST(test_ranges),
		PCI_TEST(test_bad_msix_bir),
		PCI_TEST(test_cap_past_end_ignored),
		PCI_TEST(test_rid_and_describe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
