/*
 * PCI configuration mechanism #1 (drivers/pci_cf8.c): CONFIG_ADDRESS
 * encoding (PCI 3.0 3.2.2.3.2), refusal of what it cannot reach (extended
 * space, other segments), and a whole enumeration through a fake port pair
 * that decodes CONFIG_ADDRESS the way a host bridge does.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/pci.h"

#define MAX_FNS		8
#define MAX_DEVS	16

struct fake_fn {
	uint8_t bus, dev, fn;
	uint8_t cfg[256];		/* all mechanism #1 can reach */
};

struct fake_ports {
	struct fake_fn fns[MAX_FNS];
	unsigned nfns;
	uint32_t addr;			/* last CONFIG_ADDRESS */
	unsigned port_accesses;
	unsigned data_writes;
};

/* A host bridge: CONFIG_DATA reads the function CONFIG_ADDRESS selects,
 * all ones without the enable bit or where nothing answers. */
static struct fake_fn *selected(struct fake_ports *p)
{
	unsigned i;

	if (!(p->addr & PCI_CF8_ENABLE))
		return NULL;
	for (i = 0; i < p->nfns; i++)
		if (p->fns[i].bus == FIELD_GET(PCI_CF8_BUS, p->addr) &&
		    p->fns[i].dev == FIELD_GET(PCI_CF8_DEV, p->addr) &&
		    p->fns[i].fn == FIELD_GET(PCI_CF8_FN, p->addr))
			return &p->fns[i];
	return NULL;
}

static uint32_t fake_inl(void *ctx, uint16_t port)
{
	struct fake_ports *p = ctx;
	struct fake_fn *f;
	uint32_t v;

	p->port_accesses++;
	assert_int_equal(port, PCI_CF8_DATA_PORT);
	f = selected(p);
	if (!f)
		return 0xffffffff;
	memcpy(&v, f->cfg + FIELD_GET(PCI_CF8_REG, p->addr) * 4, sizeof(v));
	return v;
}

static void fake_outl(void *ctx, uint16_t port, uint32_t v)
{
	struct fake_ports *p = ctx;
	struct fake_fn *f;

	p->port_accesses++;
	if (port == PCI_CF8_ADDR_PORT) {
		/* Bits 1:0 are reserved and written as 0. */
		assert_int_equal(v & 3, 0);
		p->addr = v;
		return;
	}
	assert_int_equal(port, PCI_CF8_DATA_PORT);
	p->data_writes++;
	f = selected(p);
	if (f)
		memcpy(f->cfg + FIELD_GET(PCI_CF8_REG, p->addr) * 4, &v, sizeof(v));
}

static uint8_t *add_fn(struct fake_ports *p, uint8_t bus, uint8_t dev, uint8_t fn,
		       uint16_t vendor, uint16_t device, uint8_t hdr)
{
	struct fake_fn *f = &p->fns[p->nfns++];

	assert_true(p->nfns <= MAX_FNS);
	memset(f, 0, sizeof(*f));
	f->bus = bus;
	f->dev = dev;
	f->fn = fn;
	f->cfg[0] = (uint8_t)vendor;
	f->cfg[1] = (uint8_t)(vendor >> 8);
	f->cfg[2] = (uint8_t)device;
	f->cfg[3] = (uint8_t)(device >> 8);
	f->cfg[PCI_HEADER_TYPE] = hdr;
	return f->cfg;
}

static void test_address_encoding(void **state)
{
	uint32_t a;

	(void)state;
	/* enable 31, bus 23:16, device 15:11, function 10:8, register 7:2 */
	assert_int_equal(pci_cf8_address(0, 0, 0, 0, 0, &a), 0);
	assert_true(a == 0x80000000u);
	assert_int_equal(pci_cf8_address(0, 0x12, 0x1f, 7, 0xfc, &a), 0);
	assert_true(a == 0x8012fffcu);
	assert_int_equal(pci_cf8_address(0, 0xff, 3, 2, 0x34, &a), 0);
	assert_true(a == 0x80ff1a34u);
	/* Unaligned offsets select their dword. */
	assert_int_equal(pci_cf8_address(0, 1, 2, 3, 0x0e, &a), 0);
	assert_true(a == 0x8001130cu);
}

static void test_address_refusals(void **state)
{
	uint32_t a = 0x1234;

	(void)state;
	assert_int_equal(pci_cf8_address(0, 0, 0, 0, 0x100, &a), -ERANGE);
	assert_int_equal(pci_cf8_address(0, 0, 0, 0, 0xffc, &a), -ERANGE);
	assert_int_equal(pci_cf8_address(1, 0, 0, 0, 0, &a), -EINVAL);
	assert_int_equal(pci_cf8_address(0, 0, 32, 0, 0, &a), -EINVAL);
	assert_int_equal(pci_cf8_address(0, 0, 0, 8, 0, &a), -EINVAL);
	assert_true(a == 0x1234);	/* untouched */
}

/* Extended space reads as all ones and writes are dropped, without a
 * port access: CONFIG_ADDRESS has no bits for it, so writing it anyway
 * would alias the first 256 bytes. */
static void test_extended_space_never_reached(void **state)
{
	struct fake_ports p = { 0 };
	struct pci_cf8 c = { .inl = fake_inl, .outl = fake_outl, .ctx = &p };
	uint8_t *cfg = add_fn(&p, 0, 0, 0, 0x8086, 0x1237, 0);

	(void)state;
	memset(cfg + 0x40, 0x5a, 4);
	assert_true(pci_cf8_read32(&c, 0, 0, 0, 0, 0x140) == 0xffffffff);
	pci_cf8_write32(&c, 0, 0, 0, 0, 0x140, 0);
	pci_cf8_write32(&c, 1, 0, 0, 0, 0x40, 0);
	assert_int_equal(p.port_accesses, 0);
	assert_int_equal(c.refused, 3);
	assert_true(pci_cf8_read32(&c, 0, 0, 0, 0, 0x40) == 0x5a5a5a5a);
	pci_cf8_write32(&c, 0, 0, 0, 0, 0x40, 0x01020304);
	assert_true(pci_cf8_read32(&c, 0, 0, 0, 0, 0x40) == 0x01020304);
	assert_int_equal(p.data_writes, 1);
	assert_int_equal(c.refused, 3);
}

/* An i440fx-like bus 0 (host bridge, multi-function ISA bridge) plus a
 * PCI-to-PCI bridge to bus 1 holding an MSI-X endpoint whose capability
 * sits at the top of the 256 bytes: all found, nothing refused. */
static void test_enumerate_through_ports(void **state)
{
	struct fake_ports p = { 0 };
	struct pci_cf8 c = { .inl = fake_inl, .outl = fake_outl, .ctx = &p };
	struct pci_cfg_ops ops = { .read32 = pci_cf8_read32, .write32 = pci_cf8_write32,
				   .ctx = &c };
	struct pci_bus_range all = { .seg = 0, .start = 0, .end = 255 };
	struct pci_dev devs[MAX_DEVS];
	uint8_t *cfg;
	uint32_t v;
	int n;

	(void)state;
	add_fn(&p, 0, 0, 0, 0x8086, 0x1237, 0);
	add_fn(&p, 0, 1, 0, 0x8086, 0x7000, PCI_HEADER_MULTI_FN);
	add_fn(&p, 0, 1, 1, 0x8086, 0x7010, 0);
	cfg = add_fn(&p, 0, 2, 0, 0x8086, 0x244e, PCI_HEADER_TYPE_BRIDGE);
	v = 1u << 16 | 1u << 8;		/* secondary 1, subordinate 1 */
	memcpy(cfg + PCI_BRIDGE_BUSES, &v, 4);
	cfg = add_fn(&p, 1, 0, 0, 0x8086, 0x10d3, 0);
	cfg[PCI_STATUS] = PCI_STATUS_CAP_LIST;
	cfg[PCI_CAP_PTR] = 0xf4;
	cfg[0xf4] = PCI_CAP_ID_MSIX;
	cfg[0xf6] = 4;			/* 5 vectors */
	v = 0x2000 | 3;			/* table in BAR 3 at 0x2000 */
	memcpy(cfg + 0xf4 + PCI_MSIX_TABLE, &v, 4);

	n = pci_enumerate(&ops, &all, 1, devs, MAX_DEVS, NULL, NULL);
	assert_int_equal(n, 5);
	assert_int_equal(devs[1].multifunction, true);
	assert_int_equal(devs[4].bus, 1);
	assert_int_equal(devs[4].parent, 3);
	assert_int_equal(devs[4].msix_cap, 0xf4);
	assert_int_equal(devs[4].msix_table_size, 5);
	assert_int_equal(devs[4].msix_table_bir, 3);
	assert_int_equal(devs[4].msix_table_off, 0x2000);
	assert_int_equal(c.refused, 0);
	/* A command register update goes through the ports too. */
	assert_int_equal(pci_command_update(&ops, &devs[4], 0, PCI_COMMAND_MEMORY), 0);
	assert_int_equal(cfg[PCI_COMMAND], PCI_COMMAND_MEMORY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_address_encoding),
		cmocka_unit_test(test_address_refusals),
		cmocka_unit_test(test_extended_space_never_reached),
		cmocka_unit_test(test_enumerate_through_ports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
