/*
 * MSI-X and BAR logic on the host: entry encoding, table/PBA layout checks,
 * pci_bar_decode against a fake config space whose BARs answer all-ones
 * writes with their size masks (PCI 3.0 6.2.5.1) and which fails the test if
 * a BAR holds all ones while decode is on, MSI-X control updates, upstream
 * bus-master enable, and e1000e's cause/IVAR helpers.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/cpu.h"
#include "drivers/e1000e.h"
#include "drivers/msix.h"
#include "drivers/pci.h"

/* drivers/e1000e.c's hardware helpers; never reached by these tests. */
uint64_t cpu_rdtsc(void) { return 0; }
void cpu_pause(void) {}
void cpu_mfence(void) {}

#define FAKE_FNS	4
#define MSIX_CAP	0x70

struct fake_fn {
	uint8_t bus, dev;
	uint32_t cfg[1024];
	uint32_t bar_mask[PCI_NUM_BARS];	/* writable bits; 0: unimplemented */
	unsigned ones_while_decoding;
};

struct fake {
	struct fake_fn fns[FAKE_FNS];
	unsigned n;
	struct pci_cfg_ops ops;
};

static struct fake_fn *fake_find(struct fake *f, uint8_t bus, uint8_t dev, uint8_t fn)
{
	unsigned i;

	for (i = 0; i < f->n; i++)
		if (f->fns[i].bus == bus && f->fns[i].dev == dev && fn == 0)
			return &f->fns[i];
	return NULL;
}

static uint32_t fake_read32(void *ctx, uint16_t seg, uint8_t bus, uint8_t dev,
			    uint8_t fn, uint16_t off)
{
	struct fake_fn *x = fake_find(ctx, bus, dev, fn);

	(void)seg;
	assert_true(off % 4 == 0 && off < 4096);
	return x ? x->cfg[off / 4] : 0xffffffff;
}

static void fake_bar_write(struct fake_fn *x, unsigned bar, uint32_t v)
{
	uint32_t type = x->cfg[PCI_BAR0 / 4 + bar] & ~x->bar_mask[bar] & GENMASK(3, 0);

	if (v == 0xffffffff && (x->cfg[PCI_COMMAND / 4] &
				(PCI_COMMAND_MEMORY | PCI_COMMAND_IO)))
		x->ones_while_decoding++;
	x->cfg[PCI_BAR0 / 4 + bar] = (v & x->bar_mask[bar]) | type;
}

static void fake_write32(void *ctx, uint16_t seg, uint8_t bus, uint8_t dev,
			 uint8_t fn, uint16_t off, uint32_t v)
{
	struct fake_fn *x = fake_find(ctx, bus, dev, fn);
	uint32_t *r;

	(void)seg;
	assert_non_null(x);
	assert_true(off % 4 == 0 && off < 4096);
	r = &x->cfg[off / 4];
	if (off >= PCI_BAR0 && off < PCI_BAR0 + 4 * PCI_NUM_BARS) {
		fake_bar_write(x, (off - PCI_BAR0) / 4, v);
	} else if (off == PCI_COMMAND) {
		/* status [31:16] is RW1C */
		*r = (*r & 0xffff0000 & ~(v & 0xffff0000)) | (v & 0xffff);
	} else if (off == MSIX_CAP) {
		/* only enable and function mask are writable */
		*r = (*r & ~((uint32_t)0xc000 << 16)) | (v & ((uint32_t)0xc000 << 16));
	} else {
		*r = v;
	}
}

static struct pci_dev fake_dev(uint8_t bus, uint8_t dev, uint8_t hdr)
{
	return (struct pci_dev){ .bus = bus, .dev = dev, .header_type = hdr, .parent = -1 };
}

/* An e1000e-like function: BAR0 mem32 128K, BAR1 mem32 128K (unassigned),
 * BAR2 I/O 32, BAR3 mem32 16K (MSI-X), BAR4 mem64 pref 1M, BAR5 its upper. */
static struct fake_fn *add_nic(struct fake *f, uint8_t bus, uint8_t dev)
{
	struct fake_fn *x = &f->fns[f->n++];

	memset(x, 0, sizeof(*x));
	x->bus = bus;
	x->dev = dev;
	x->cfg[0] = 0x10d38086;
	x->cfg[PCI_COMMAND / 4] = PCI_COMMAND_MEMORY | PCI_COMMAND_IO |
				  (uint32_t)PCI_STATUS_CAP_LIST << 16;
	x->bar_mask[0] = ~(uint32_t)(KiB(128) - 1);
	x->bar_mask[1] = ~(uint32_t)(KiB(128) - 1);
	x->bar_mask[2] = ~(uint32_t)(32 - 1);
	x->bar_mask[3] = ~(uint32_t)(KiB(16) - 1);
	x->bar_mask[4] = ~(uint32_t)(MiB(1) - 1);
	x->bar_mask[5] = 0xffffffff;
	x->cfg[PCI_BAR0 / 4 + 0] = 0xc0020000;
	x->cfg[PCI_BAR0 / 4 + 1] = 0;
	x->cfg[PCI_BAR0 / 4 + 2] = 0x6060 | PCI_BAR_IO;
	x->cfg[PCI_BAR0 / 4 + 3] = 0xc0040000;
	x->cfg[PCI_BAR0 / 4 + 4] = 0x00100000 | PCI_BAR_MEM_PREFETCH | PCI_BAR_MEM_TYPE_64 << 1;
	x->cfg[PCI_BAR0 / 4 + 5] = 0x8;
	x->cfg[MSIX_CAP / 4] = (uint32_t)(E1000E_NUM_VECTORS - 1) << 16 | PCI_CAP_ID_MSIX;
	return x;
}

static void fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	f->ops = (struct pci_cfg_ops){ .read32 = fake_read32, .write32 = fake_write32, .ctx = f };
}

static void test_bar_decode_kinds(void **state)
{
	static struct fake f;
	struct fake_fn *x;
	struct pci_dev d = fake_dev(0, 1, PCI_HEADER_TYPE_NORMAL);
	uint64_t base = 0, size = 0;
	bool m64 = true;
	uint32_t saved[PCI_NUM_BARS + 1];

	(void)state;
	fake_init(&f);
	x = add_nic(&f, 0, 1);
	memcpy(saved, &x->cfg[PCI_COMMAND / 4], sizeof(uint32_t));
	memcpy(saved + 1, &x->cfg[PCI_BAR0 / 4], sizeof(uint32_t) * PCI_NUM_BARS);

	assert_int_equal(pci_bar_decode(&f.ops, &d, 0, &base, &size, &m64), 0);
	assert_int_equal(base, 0xc0020000);
	assert_int_equal(size, KiB(128));
	assert_false(m64);
	assert_int_equal(pci_bar_decode(&f.ops, &d, 3, &base, &size, &m64), 0);
	assert_int_equal(base, 0xc0040000);
	assert_int_equal(size, KiB(16));
	assert_int_equal(pci_bar_decode(&f.ops, &d, 4, &base, &size, &m64), 0);
	assert_int_equal(base, 0x800100000ull);
	assert_int_equal(size, MiB(1));
	assert_true(m64);
	/* unassigned but implemented: base 0, size known */
	assert_int_equal(pci_bar_decode(&f.ops, &d, 1, &base, &size, &m64), 0);
	assert_int_equal(base, 0);
	assert_int_equal(size, KiB(128));
	assert_int_equal(pci_bar_decode(&f.ops, &d, 2, &base, &size, &m64), -EOPNOTSUPP);
	assert_int_equal(pci_bar_decode(&f.ops, &d, 5, &base, &size, &m64), -EINVAL);
	assert_int_equal(pci_bar_decode(&f.ops, &d, 6, &base, &size, &m64), -EINVAL);

	/* nothing disturbed: BARs, command and status as before */
	assert_int_equal(x->ones_while_decoding, 0);
	assert_memory_equal(&x->cfg[PCI_COMMAND / 4], saved, sizeof(uint32_t));
	assert_memory_equal(&x->cfg[PCI_BAR0 / 4], saved + 1, sizeof(uint32_t) * PCI_NUM_BARS);
}

static void test_bar_decode_unimplemented_and_ro(void **state)
{
	static struct fake f;
	struct fake_fn *x;
	struct pci_dev d = fake_dev(0, 1, PCI_HEADER_TYPE_NORMAL);
	struct pci_cfg_ops ro;
	uint64_t base, size;
	bool m64;

	(void)state;
	fake_init(&f);
	x = add_nic(&f, 0, 1);
	x->bar_mask[3] = 0;
	x->cfg[PCI_BAR0 / 4 + 3] = 0;
	assert_int_equal(pci_bar_decode(&f.ops, &d, 3, &base, &size, &m64), -ENOENT);
	ro = f.ops;
	ro.write32 = NULL;
	assert_int_equal(pci_bar_decode(&ro, &d, 0, &base, &size, &m64), -EROFS);
	assert_int_equal(pci_command_update(&ro, &d, 0, PCI_COMMAND_MASTER), -EROFS);
}

static void test_bar_decode_bridge_has_two(void **state)
{
	static struct fake f;
	struct fake_fn *x;
	struct pci_dev d = fake_dev(0, 2, PCI_HEADER_TYPE_BRIDGE);
	uint64_t base, size;
	bool m64;

	(void)state;
	fake_init(&f);
	x = add_nic(&f, 0, 2);
	(void)x;
	assert_int_equal(pci_bar_decode(&f.ops, &d, 0, &base, &size, &m64), 0);
	assert_int_equal(pci_bar_decode(&f.ops, &d, 2, &base, &size, &m64), -EINVAL);
}

static void test_command_update_spares_status(void **state)
{
	static struct fake f;
	struct fake_fn *x;
	struct pci_dev d = fake_dev(0, 1, PCI_HEADER_TYPE_NORMAL);
	uint32_t status_before;

	(void)state;
	fake_init(&f);
	x = add_nic(&f, 0, 1);
	x->cfg[PCI_COMMAND / 4] |= (uint32_t)BIT(13) << 16;	/* status: master abort, RW1C */
	status_before = x->cfg[PCI_COMMAND / 4] >> 16;
	assert_int_equal(pci_command_update(&f.ops, &d, PCI_COMMAND_IO, PCI_COMMAND_MASTER), 0);
	assert_int_equal(x->cfg[PCI_COMMAND / 4] & 0xffff, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	assert_int_equal(x->cfg[PCI_COMMAND / 4] >> 16, status_before);
}

static void test_upstream_enable(void **state)
{
	static struct fake f;
	struct pci_dev devs[3];

	(void)state;
	fake_init(&f);
	add_nic(&f, 0, 1);	/* stands in for a root port */
	add_nic(&f, 1, 0);	/* a switch port */
	add_nic(&f, 2, 0);	/* the endpoint */
	f.fns[0].cfg[PCI_COMMAND / 4] = 0;
	f.fns[1].cfg[PCI_COMMAND / 4] = 0;
	f.fns[2].cfg[PCI_COMMAND / 4] = 0;
	devs[0] = fake_dev(0, 1, PCI_HEADER_TYPE_BRIDGE);
	devs[1] = fake_dev(1, 0, PCI_HEADER_TYPE_BRIDGE);
	devs[1].parent = 0;
	devs[2] = fake_dev(2, 0, PCI_HEADER_TYPE_NORMAL);
	devs[2].parent = 1;
	assert_int_equal(pci_upstream_enable(&f.ops, devs, 2), 0);
	assert_int_equal(f.fns[0].cfg[PCI_COMMAND / 4], PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	assert_int_equal(f.fns[1].cfg[PCI_COMMAND / 4], PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	assert_int_equal(f.fns[2].cfg[PCI_COMMAND / 4], 0);
}

static void test_msix_ctrl_update(void **state)
{
	static struct fake f;
	struct fake_fn *x;
	struct msix m = { 0 };

	(void)state;
	fake_init(&f);
	x = add_nic(&f, 0, 1);
	m.ops = &f.ops;
	m.dev = fake_dev(0, 1, PCI_HEADER_TYPE_NORMAL);
	m.dev.msix_cap = MSIX_CAP;
	assert_int_equal(msix_ctrl_update(&m, 0, PCI_MSIX_CTRL_ENABLE | PCI_MSIX_CTRL_MASKALL), 0);
	assert_int_equal(msix_ctrl_read(&m), PCI_MSIX_CTRL_ENABLE | PCI_MSIX_CTRL_MASKALL |
			 (E1000E_NUM_VECTORS - 1));
	assert_int_equal(msix_ctrl_update(&m, PCI_MSIX_CTRL_MASKALL, 0), 0);
	assert_int_equal(msix_ctrl_read(&m), PCI_MSIX_CTRL_ENABLE | (E1000E_NUM_VECTORS - 1));
	assert_int_equal(x->cfg[MSIX_CAP / 4] & 0xffff, PCI_CAP_ID_MSIX);
}

static void test_entry_encode(void **state)
{
	union msix_entry e;
	uint64_t addr;
	uint32_t data;

	(void)state;
	msix_compat_msg(0, 0x30, &addr, &data);
	assert_int_equal(addr, 0xfee00000);
	assert_int_equal(data, 0x30);
	msix_compat_msg(0x12, 0xef, &addr, &data);
	assert_int_equal(addr, 0xfee12000);
	assert_int_equal(data, 0xef);	/* fixed, edge: nothing above the vector */
	msix_entry_encode(&e, 0x1fee12000ull, 0x4031, true);
	assert_int_equal(e.dw[0], 0xfee12000);
	assert_int_equal(e.dw[1], 0x1);
	assert_int_equal(e.dw[2], 0x4031);
	assert_int_equal(e.dw[3], MSIX_ENTRY_CTRL_MASKBIT);
	assert_int_equal(e.addr, 0x1fee12000ull);
	assert_int_equal(e.data, 0x4031);
	msix_entry_encode(&e, addr, data, false);
	assert_int_equal(e.ctrl, 0);
}

static void test_layout_check(void **state)
{
	struct pci_dev d = { .msix_cap = MSIX_CAP, .msix_table_size = 5, .msix_table_bir = 3,
			     .msix_table_off = 0, .msix_pba_bir = 3, .msix_pba_off = 0x2000 };

	(void)state;
	assert_int_equal(msix_layout_check(&d, KiB(16), KiB(16)), 0);	/* 82574 */
	assert_int_equal(msix_layout_check(&d, 0x2000, 0x2000), -ERANGE);	/* PBA past end */
	d.msix_pba_off = 0x40;	/* inside the 80-byte table */
	assert_int_equal(msix_layout_check(&d, KiB(16), KiB(16)), -ERANGE);
	d.msix_pba_off = 0x800;	/* virtio-style: same page, after the table */
	assert_int_equal(msix_layout_check(&d, KiB(4), KiB(4)), 0);
	d.msix_table_size = 65;	/* nvme: 1040-byte table, 16-byte PBA */
	d.msix_table_off = 0x2000;
	d.msix_pba_off = 0x3000;
	d.msix_table_bir = d.msix_pba_bir = 0;
	assert_int_equal(msix_layout_check(&d, KiB(16), KiB(16)), 0);
	assert_int_equal(msix_layout_check(&d, 0x3008, 0x3008), -ERANGE);
	d.msix_table_size = 0;
	assert_int_equal(msix_layout_check(&d, KiB(16), KiB(16)), -ERANGE);
}

static void test_e1000e_helpers(void **state)
{
	struct pci_dev d = { .vendor = 0x8086, .device = 0x10d3, .msix_cap = 0xa0,
			     .msix_table_size = 5, .header_type = PCI_HEADER_TYPE_NORMAL };

	(void)state;
	assert_int_equal(e1000e_vector_cause(0), E1000_ICR_RXQ0);
	assert_int_equal(e1000e_vector_cause(2), E1000_ICR_TXQ0);
	assert_int_equal(e1000e_vector_cause(4), E1000_ICR_OTHER);
	assert_int_equal(e1000e_vector_cause(5), 0);
	/* RxQ0->0, RxQ1->1, TxQ0->2, TxQ1->3, Other->4, each with valid bit 3 */
	assert_int_equal(e1000e_ivar_identity(), 0x000cba98);
	assert_true(e1000e_probe(&d));
	d.msix_cap = 0;
	assert_false(e1000e_probe(&d));
	d.msix_cap = 0xa0;
	d.device = 0x10d2;
	assert_false(e1000e_probe(&d));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bar_decode_kinds),
		cmocka_unit_test(test_bar_decode_unimplemented_and_ro),
		cmocka_unit_test(test_bar_decode_bridge_has_two),
		cmocka_unit_test(test_command_update_spares_status),
		cmocka_unit_test(test_upstream_enable),
		cmocka_unit_test(test_msix_ctrl_update),
		cmocka_unit_test(test_entry_encode),
		cmocka_unit_test(test_layout_check),
		cmocka_unit_test(test_e1000e_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
