/*
 * The pass-through decisions (hv/ptemu*.c) against a fake physical device
 * that records every physical effect: configuration space (no BAR moves,
 * no I/O decode, INTx kept off), the trapped MSI-X pages (only accesses
 * wholly inside one BAR, outside table and PBA, inside a page and aligned
 * reach the device), sub-page BARs, and the guest's MSI messages.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/msix.h"
#include "drivers/pci.h"
#include "hv/hypercall_abi.h"
#include "hv/ptemu.h"

#define NV		4
#define BAR_BASE	0xfe000000ULL
#define CAP		0x70
#define CF8_DEV0(off)	(0x80000000u | (off))

struct fake {
	uint32_t cfg[64];		/* physical config space, dwords */
	uint16_t cmd;			/* physical command register */
	unsigned cmd_writes, mmio_calls;
	uint64_t last_pa;
	uint8_t last_size;
	bool last_write;
	struct ptemu p;
	struct vmsix vm;
	struct vmsix_entry e[NV];
};

static uint32_t fake_cfg_read(void *ctx, uint16_t off)
{
	struct fake *f = ctx;

	assert_true(off < 256 && off % 4 == 0);
	if (off == PCI_COMMAND)
		return (f->cfg[1] & 0xffff0000) | f->cmd;
	return f->cfg[off / 4];
}

static void fake_cmd_update(void *ctx, uint16_t clear, uint16_t set)
{
	struct fake *f = ctx;

	f->cmd = (uint16_t)((f->cmd & ~clear) | set);
	f->cmd_writes++;
}

static void fake_mmio(void *ctx, uint64_t pa, uint8_t size, bool write, uint64_t *val)
{
	struct fake *f = ctx;

	f->mmio_calls++;
	f->last_pa = pa;
	f->last_size = size;
	f->last_write = write;
	if (!write)
		*val = 0x1234;
}

static const struct ptemu_ops fake_ops = {
	.cfg_read = fake_cfg_read, .cmd_update = fake_cmd_update, .mmio = fake_mmio,
};

static int v_alloc(void *c, unsigned n) { (void)c; (void)n; return 0; }
static void v_free(void *c, unsigned n) { (void)c; (void)n; }
static int v_route(void *c, unsigned i, uint64_t a, uint32_t d)
{
	(void)c; (void)i; (void)a; (void)d;
	return 0;
}
static void v_mask(void *c, unsigned i, bool m) { (void)c; (void)i; (void)m; }
static bool v_pending(void *c, unsigned i) { (void)c; (void)i; return false; }
static void v_deliver(void *c, unsigned i) { (void)c; (void)i; }

static const struct vmsix_ops vops = {
	.alloc_all = v_alloc, .free_all = v_free, .route = v_route,
	.mask = v_mask, .phys_pending = v_pending, .deliver = v_deliver,
};

/* A virtio-net-like BAR1 (one 4 KiB page: table at 0, PBA at 0x800) and
 * a 64-bit 16 KiB BAR4. table_off moves the table inside its page. */
static void fake_init(struct fake *f, uint64_t table_off)
{
	memset(f, 0, sizeof(*f));
	f->cfg[0] = 0x10001af4;
	f->cfg[PCI_CAP_PTR / 4] = CAP;
	f->cfg[PCI_INTERRUPT_LINE / 4] = 0x010b;	/* pin A, line 11 */
	f->cfg[CAP / 4] = PCI_CAP_ID_MSIX | 0x84 << 8 | (NV - 1) << 16;
	f->cfg[CAP / 4 + 1] = 1;			/* table in BAR1 */
	f->cfg[CAP / 4 + 2] = 0x801;
	f->cmd = PCI_COMMAND_INTX_DISABLE;
	f->p.bar[1] = (struct ptemu_bar){ .base = BAR_BASE, .size = 0x1000, .mem = true };
	f->p.bar[4] = (struct ptemu_bar){ .base = BAR_BASE + 0x4000, .size = 0x4000,
					  .mem = true, .mmio64 = true, .flags = 0xc };
	f->p.bar[5] = (struct ptemu_bar){ .size = 0x4000, .upper = true };
	f->p.msix_cap = CAP;
	f->p.table_gpa = BAR_BASE + table_off;
	f->p.table_len = NV * PCI_MSIX_ENTRY_SIZE;
	f->p.pba_gpa = BAR_BASE + 0x800;
	f->p.pba_len = 8;
	f->p.vm = &f->vm;
	f->p.ops = &fake_ops;
	f->p.ctx = f;
	assert_int_equal(vmsix_init(&f->vm, NV, f->e, &vops, f), 0);
}

static uint32_t cfg_rd(struct fake *f, uint16_t off)
{
	uint32_t v = CF8_DEV0(off);

	assert_true(ptemu_cfg_io(&f->p, GUEST_PCI_ADDR_PORT, false, 4, &v, NULL));
	assert_true(ptemu_cfg_io(&f->p, GUEST_PCI_DATA_PORT, true, 4, &v, NULL));
	return v;
}

static int cfg_wr(struct fake *f, uint16_t off, uint32_t v)
{
	uint32_t a = CF8_DEV0(off);
	int moved;

	assert_true(ptemu_cfg_io(&f->p, GUEST_PCI_ADDR_PORT, false, 4, &a, NULL));
	assert_true(ptemu_cfg_io(&f->p, GUEST_PCI_DATA_PORT, false, 4, &v, &moved));
	return moved;
}

static void test_bar_never_moves(void **state)
{
	struct fake f;

	(void)state;
	fake_init(&f, 0);
	assert_int_equal(cfg_rd(&f, PCI_BAR0 + 4), (uint32_t)BAR_BASE);
	assert_int_equal(cfg_wr(&f, PCI_BAR0 + 4, 0x12345000), 1);
	assert_int_equal(cfg_rd(&f, PCI_BAR0 + 4), (uint32_t)BAR_BASE);
	assert_int_equal(cfg_wr(&f, PCI_BAR0 + 20, 1), 5);	/* upper half */
	assert_int_equal(cfg_rd(&f, PCI_BAR0 + 20), 0);
	assert_int_equal(f.p.stats.bar_moves, 2);
	/* Sizing answers with the size, and writing the base back is no move. */
	assert_int_equal(cfg_wr(&f, PCI_BAR0 + 4, 0xffffffff), -1);
	assert_int_equal(cfg_rd(&f, PCI_BAR0 + 4), 0xfffff000);
	assert_int_equal(cfg_wr(&f, PCI_BAR0 + 4, (uint32_t)BAR_BASE), -1);
	assert_int_equal(cfg_rd(&f, PCI_BAR0 + 16), (uint32_t)(BAR_BASE + 0x4000) | 0xc);
	assert_int_equal(cfg_rd(&f, PCI_BAR0), 0);		/* no BAR0 */
	assert_int_equal(f.cmd_writes, 0);
}

/* A guest that turns memory decode off would make the device drop the
 * hv's own writes to the physical table (its masks): the bit is virtual. */
static void test_memory_decode_virtual(void **state)
{
	struct fake f;

	(void)state;
	fake_init(&f, 0);
	f.cmd |= PCI_COMMAND_MEMORY;
	cfg_wr(&f, PCI_COMMAND, PCI_COMMAND_MASTER);
	assert_true(f.cmd & PCI_COMMAND_MEMORY);
	assert_true(f.cmd & PCI_COMMAND_MASTER);
	assert_int_equal(cfg_rd(&f, PCI_COMMAND) & (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER),
			 PCI_COMMAND_MASTER);
	cfg_wr(&f, PCI_COMMAND, PCI_COMMAND_MEMORY);
	assert_int_equal(cfg_rd(&f, PCI_COMMAND) & (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER),
			 PCI_COMMAND_MEMORY);
	assert_false(f.cmd & PCI_COMMAND_MASTER);
	assert_true(f.cmd & PCI_COMMAND_MEMORY);
}

static void test_command_keeps_io_and_intx(void **state)
{
	struct fake f;
	uint32_t v = 0xab;
	uint32_t a = CF8_DEV0(PCI_COMMAND);

	(void)state;
	fake_init(&f, 0);
	cfg_wr(&f, PCI_COMMAND, 0xffff);
	assert_int_equal(f.cmd, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
	cfg_wr(&f, PCI_COMMAND, PCI_COMMAND_IO);
	assert_int_equal(f.cmd, PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
	/* A byte write to the command register merges, and still no I/O. */
	assert_true(ptemu_cfg_io(&f.p, GUEST_PCI_ADDR_PORT, false, 4, &a, NULL));
	assert_true(ptemu_cfg_io(&f.p, GUEST_PCI_DATA_PORT, false, 1, &v, NULL));
	assert_false(f.cmd & PCI_COMMAND_IO);
	assert_true(f.cmd & PCI_COMMAND_INTX_DISABLE);
	/* No interrupt pin shown; only MSI-X in the list, which it ends. */
	assert_int_equal(cfg_rd(&f, PCI_INTERRUPT_LINE), 0x0b);
	assert_int_equal(cfg_rd(&f, CAP) & 0xffff, PCI_CAP_ID_MSIX);
	assert_int_equal(cfg_rd(&f, 0x84), 0);
}

static void test_other_functions_and_ports(void **state)
{
	struct fake f;
	uint32_t v = 0x80000800u, r;	/* 00:01.0 */

	(void)state;
	fake_init(&f, 0);
	assert_true(ptemu_cfg_io(&f.p, GUEST_PCI_ADDR_PORT, false, 4, &v, NULL));
	assert_true(ptemu_cfg_io(&f.p, GUEST_PCI_DATA_PORT + 2, true, 2, &r, NULL));
	assert_int_equal(r, 0xffff);
	assert_false(ptemu_cfg_io(&f.p, GUEST_PCI_DATA_PORT + 3, true, 2, &r, NULL));
	assert_false(ptemu_cfg_io(&f.p, GUEST_PCI_DATA_PORT, true, 3, &r, NULL));
	assert_false(ptemu_cfg_io(&f.p, GUEST_PCI_ADDR_PORT + 1, true, 1, &r, NULL));
	v = 0;
	assert_false(ptemu_cfg_io(&f.p, 0x80, false, 1, &v, NULL));
}

static void test_msix_ctrl_is_virtual(void **state)
{
	struct fake f;

	(void)state;
	fake_init(&f, 0);
	cfg_wr(&f, CAP, (uint32_t)(PCI_MSIX_CTRL_ENABLE | PCI_MSIX_CTRL_SIZE) << 16);
	assert_true(f.vm.enabled);
	assert_int_equal(cfg_rd(&f, CAP) >> 16, PCI_MSIX_CTRL_ENABLE | (NV - 1));
	assert_int_equal(cfg_rd(&f, CAP + PCI_MSIX_PBA), 0x801);
}

/* Issue 7 finding 2: an 8-byte write at 0xFFC of the last page of a BAR
 * reached the next physical page. */
static void test_page_end_refused(void **state)
{
	struct fake f;
	uint64_t v = 0x1111222233334444ULL;
	int err;

	(void)state;
	fake_init(&f, 0);
	assert_int_equal(ptemu_mmio(&f.p, BAR_BASE + 0xffc, 8, true, &v, &err),
			 PTEMU_REFUSE_PAGE);
	assert_int_equal(ptemu_mmio(&f.p, BAR_BASE + 0xfff, 2, false, &v, &err),
			 PTEMU_REFUSE_PAGE);
	assert_int_equal(v, ~0ULL);
	assert_int_equal(f.mmio_calls, 0);
	assert_int_equal(f.p.stats.refused[PTEMU_REFUSE_PAGE], 2);
	assert_int_equal(ptemu_mmio(&f.p, BAR_BASE + 0xff8, 8, true, &v, &err), PTEMU_FORWARD);
	assert_int_equal(f.mmio_calls, 1);
	assert_int_equal(f.last_pa, BAR_BASE + 0xff8);
}

/* Issue 7 finding 2: a write starting just before the table reached
 * physical entry 0's message address. */
static void test_table_straddle_refused(void **state)
{
	struct fake f;
	uint64_t v = 0xfee00000ULL << 32;
	int err;

	(void)state;
	fake_init(&f, 0x400);
	assert_int_equal(ptemu_mmio(&f.p, BAR_BASE + 0x3fc, 8, true, &v, &err),
			 PTEMU_REFUSE_STRADDLE);
	assert_int_equal(ptemu_mmio(&f.p, BAR_BASE + 0x43c, 8, true, &v, &err),
			 PTEMU_REFUSE_STRADDLE);	/* last entry into what follows */
	assert_int_equal(ptemu_mmio(&f.p, BAR_BASE + 0x7fc, 8, false, &v, &err),
			 PTEMU_REFUSE_STRADDLE);	/* into the PBA */
	assert_int_equal(f.mmio_calls, 0);
	assert_int_equal(f.e[0].addr, 0);
	assert_int_equal(ptemu_mmio(&f.p, BAR_BASE + 0x3fc, 4, true, &v, &err), PTEMU_FORWARD);
	v = MSI_ADDR_BASE;
	assert_int_equal(ptemu_mmio(&f.p, BAR_BASE + 0x400, 8, true, &v, &err), PTEMU_TABLE);
	assert_int_equal(err, 0);
	assert_int_equal(f.e[0].addr, v);
	assert_int_equal(ptemu_mmio(&f.p, BAR_BASE + 0x800, 8, false, &v, &err), PTEMU_PBA);
	assert_int_equal(v, 0);
	assert_int_equal(ptemu_mmio(&f.p, BAR_BASE + 0x800, 4, true, &v, &err), PTEMU_PBA);
	assert_int_equal(err, -EROFS);
	assert_int_equal(f.mmio_calls, 1);
}

static void test_misaligned_and_sizes(void **state)
{
	struct fake f;
	uint64_t v = 0;
	int err;

	(void)state;
	fake_init(&f, 0);
	assert_int_equal(ptemu_mmio(&f.p, BAR_BASE + 0x902, 4, true, &v, &err),
			 PTEMU_REFUSE_ALIGN);
	assert_int_equal(ptemu_mmio(&f.p, BAR_BASE + 0x900, 3, true, &v, &err),
			 PTEMU_REFUSE_SIZE);
	assert_int_equal(ptemu_mmio(&f.p, BAR_BASE + 0x900, 0, false, &v, &err),
			 PTEMU_REFUSE_SIZE);
	assert_int_equal(ptemu_mmio(&f.p, BAR_BASE + 0x901, 1, false, &v, &err), PTEMU_FORWARD);
	assert_int_equal(v, 0x1234);
	assert_int_equal(ptemu_mmio(&f.p, BAR_BASE + 0x1000, 4, false, &v, &err), PTEMU_OUTSIDE);
	assert_int_equal(ptemu_mmio(&f.p, ~0ULL - 2, 8, false, &v, &err), PTEMU_OUTSIDE);
	assert_int_equal(f.mmio_calls, 1);
}

/* A trapped page that is not wholly BAR (a sub-page BAR, refused at
 * assignment): what lies outside the BAR is never forwarded. */
static void test_outside_bar_refused(void **state)
{
	struct fake f;
	uint64_t v = 0;
	int err;

	(void)state;
	fake_init(&f, 0);
	f.p.bar[1].size = 0x900;
	assert_int_equal(ptemu_mmio(&f.p, BAR_BASE + 0x900, 4, true, &v, &err),
			 PTEMU_REFUSE_BAR);
	assert_int_equal(ptemu_mmio(&f.p, BAR_BASE + 0x8fc, 8, true, &v, &err),
			 PTEMU_REFUSE_BAR);
	assert_int_equal(f.mmio_calls, 0);
}

/* Issue 7 finding 3: a memory BAR smaller than a page is refused. */
static void test_subpage_bar_refused(void **state)
{
	struct ptemu_bar bars[PCI_NUM_BARS] = {
		[0] = { .base = 0xfebf1000, .size = 0x1000, .mem = true },
		[1] = { .base = 0xc000, .size = 0x20 },			/* I/O */
		[2] = { .base = 0xfebf2000, .size = 0x100, .mem = true },
		[3] = { .size = 0x100, .upper = true },
	};
	unsigned bad = 99;

	(void)state;
	assert_int_equal(ptemu_bars_check(bars, &bad), -EPERM);
	assert_int_equal(bad, 2);
	bars[2].size = 0x4000;
	assert_int_equal(ptemu_bars_check(bars, &bad), 0);
}

static void refused_msi(uint64_t addr, uint32_t data)
{
	struct ptemu_msi m;
	const char *why;

	assert_int_equal(ptemu_msi_decode(addr, data, &m, &why), -EINVAL);
	assert_non_null(why);
}

/* Issue 7 finding 9: only what the hv delivers faithfully is accepted. */
static void test_msi_modes(void **state)
{
	struct ptemu_msi m;
	const char *why;

	(void)state;
	assert_int_equal(ptemu_msi_decode(MSI_ADDR_BASE, 0x41, &m, &why), 0);
	assert_int_equal(m.kind, PTEMU_MSI_FIXED);
	assert_int_equal(m.vector, 0x41);
	assert_int_equal(ptemu_msi_decode(MSI_ADDR_BASE | MSI_ADDR_REDIR_HINT,
					  MSI_DELIVERY_LOWPRI << 8 | 0x42, &m, &why), 0);
	assert_int_equal(m.vector, 0x42);
	assert_int_equal(ptemu_msi_decode(MSI_ADDR_BASE, MSI_DELIVERY_NMI << 8, &m, &why), 0);
	assert_int_equal(m.kind, PTEMU_MSI_NMI);
	refused_msi(MSI_ADDR_BASE, MSI_DELIVERY_SMI << 8 | 0x41);
	refused_msi(MSI_ADDR_BASE, MSI_DELIVERY_INIT << 8);
	refused_msi(MSI_ADDR_BASE, MSI_DELIVERY_EXTINT << 8 | 0x41);
	refused_msi(MSI_ADDR_BASE, 3u << 8 | 0x41);
	refused_msi(MSI_ADDR_BASE, 6u << 8 | 0x41);
	refused_msi(MSI_ADDR_BASE, MSI_DATA_TRIGGER_LEVEL | MSI_DATA_LEVEL_ASSERT | 0x41);
	refused_msi(MSI_ADDR_BASE, MSI_DATA_TRIGGER_LEVEL | MSI_DELIVERY_NMI << 8);
	refused_msi(MSI_ADDR_BASE | MSI_ADDR_DEST_LOGICAL, 0x41);
	refused_msi(MSI_ADDR_BASE | 1u << 12, 0x41);
	refused_msi(MSI_ADDR_BASE, 0x0f);
	refused_msi(MSI_ADDR_BASE | 1ULL << 32, 0x41);
	refused_msi(0xfed00000, 0x41);
	refused_msi(MSI_ADDR_BASE | 0x10, 0x41);
	refused_msi(MSI_ADDR_BASE, 1u << 16 | 0x41);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bar_never_moves),
		cmocka_unit_test(test_command_keeps_io_and_intx),
		cmocka_unit_test(test_memory_decode_virtual),
		cmocka_unit_test(test_other_functions_and_ports),
		cmocka_unit_test(test_msix_ctrl_is_virtual),
		cmocka_unit_test(test_page_end_refused),
		cmocka_unit_test(test_table_straddle_refused),
		cmocka_unit_test(test_misaligned_and_sizes),
		cmocka_unit_test(test_outside_bar_refused),
		cmocka_unit_test(test_subpage_bar_refused),
		cmocka_unit_test(test_msi_modes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
