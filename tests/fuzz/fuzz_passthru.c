/*
 * libFuzzer harness of the pass-through decisions (hv/ptemu*.c over
 * hv/vmsix.c): arbitrary guest configuration-space I/O, trapped-page
 * accesses and device interrupts against a fake physical function whose
 * MSI-X BAR is real memory, mmap'd between two PROT_NONE guard pages.
 *
 * Beyond "no crash", after every step:
 * - every forwarded access lies wholly inside the BAR, outside the table
 *   and PBA, inside one page, naturally aligned (checked in fake_mmio,
 *   which then performs it on the mapped BAR, so a stray one hits a guard
 *   page);
 * - the physical table and PBA bytes change only through the hv's own
 *   masking and routing (a shadow copy kept by those ops must match);
 * - the guest never moves a BAR, never sets I/O decode, never clears
 *   INTx Disable in the physical command register;
 * - an entry reaches the routing op only with a message the MSI decoder
 *   accepts, and only routed entries deliver.
 *
 * Input: 3 layout bytes (BAR pages, table offset, PBA offset and vector
 * count), then records of one kind byte and its operands.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "drivers/msix.h"
#include "drivers/pci.h"
#include "hv/hypercall_abi.h"
#include "hv/ptemu.h"

#define MAXV		16
#define BAR_GPA		0xfe000000ULL
#define BAR_MAX		(4 * PTEMU_PAGE)
#define CAP		0x70
#define PAGE		PTEMU_PAGE

#define CHECK(c)	do { if (!(c)) { fprintf(stderr, "invariant: %s (line %d)\n", \
					 #c, __LINE__); abort(); } } while (0)

struct fake {
	uint8_t *bar;			/* BAR_MAX bytes between guard pages */
	uint64_t bar_size;
	uint8_t shadow[BAR_MAX];	/* table/PBA bytes as the hv wrote them */
	uint16_t cmd;
	bool routed[MAXV];
	struct ptemu p;
	struct ptemu_bar bars0[PCI_NUM_BARS];
	struct vmsix vm;
	struct vmsix_entry e[MAXV];
};

static struct fake F;

static bool overlaps(uint64_t a, uint64_t n, uint64_t b, uint64_t m)
{
	return a < b + m && b < a + n;
}

static uint32_t fake_cfg_read(void *ctx, uint16_t off)
{
	(void)ctx;
	CHECK(off < 256 && off % 4 == 0);
	switch (off) {
	case PCI_VENDOR_ID:
		return 0x10001af4;
	case PCI_COMMAND:
		return F.cmd;
	case PCI_INTERRUPT_LINE:
		return 0x010b;
	case CAP + PCI_MSIX_TABLE:
		return (uint32_t)(F.p.table_gpa - BAR_GPA) | 1;
	case CAP + PCI_MSIX_PBA:
		return (uint32_t)(F.p.pba_gpa - BAR_GPA) | 1;
	}
	return off * 0x01010101u;
}

static void fake_cmd_update(void *ctx, uint16_t clear, uint16_t set)
{
	(void)ctx;
	F.cmd = (uint16_t)((F.cmd & ~clear) | set);
}

/* The only path by which the guest's accesses reach the device. */
static void fake_mmio(void *ctx, uint64_t pa, uint8_t size, bool write, uint64_t *val)
{
	volatile uint8_t *a;

	(void)ctx;
	CHECK(size == 1 || size == 2 || size == 4 || size == 8);
	CHECK(pa >= BAR_GPA && pa + size <= BAR_GPA + F.bar_size);
	CHECK(!overlaps(pa, size, F.p.table_gpa, F.p.table_len));
	CHECK(!overlaps(pa, size, F.p.pba_gpa, F.p.pba_len));
	CHECK(pa / PAGE == (pa + size - 1) / PAGE);
	CHECK(pa % size == 0);
	a = F.bar + (pa - BAR_GPA);
	if (write)
		memcpy((uint8_t *)a, val, size);
	else
		memcpy(val, (const uint8_t *)a, size);
}

static const struct ptemu_ops fake_ops = {
	.cfg_read = fake_cfg_read, .cmd_update = fake_cmd_update, .mmio = fake_mmio,
};

/* The hv's own writes to the physical table: both copies. */
static void hv_table_write(unsigned i, unsigned reg, uint32_t v)
{
	uint64_t off = F.p.table_gpa - BAR_GPA + i * PCI_MSIX_ENTRY_SIZE + reg;

	memcpy(F.bar + off, &v, 4);
	memcpy(F.shadow + off, &v, 4);
}

static int v_alloc(void *c, unsigned n)
{
	(void)c;
	for (unsigned i = 0; i < n; i++)
		hv_table_write(i, MSIX_ENTRY_CTRL, MSIX_ENTRY_CTRL_MASKBIT);
	return 0;
}

static void v_free(void *c, unsigned n)
{
	(void)c;
	memset(F.routed, 0, sizeof(F.routed));
	(void)n;
}

static int v_route(void *c, unsigned i, uint64_t addr, uint32_t data)
{
	struct ptemu_msi m;
	const char *why;

	(void)c;
	CHECK(i < F.vm.nvec);
	if (ptemu_msi_decode(addr, data, &m, &why)) {
		CHECK(why != NULL);
		F.routed[i] = false;
		return -22;
	}
	CHECK(m.kind == PTEMU_MSI_NMI || m.vector >= 16);
	hv_table_write(i, MSIX_ENTRY_ADDR_LO, 0xfee00010u | i << 5);
	hv_table_write(i, MSIX_ENTRY_DATA, 0);
	F.routed[i] = true;
	return 0;
}

static void v_mask(void *c, unsigned i, bool masked)
{
	(void)c;
	CHECK(i < F.vm.nvec);
	CHECK(masked || F.routed[i]);
	hv_table_write(i, MSIX_ENTRY_CTRL, masked ? MSIX_ENTRY_CTRL_MASKBIT : 0);
}

static bool v_pending(void *c, unsigned i)
{
	(void)c;
	return i % 3 == 0;
}

static void v_deliver(void *c, unsigned i)
{
	(void)c;
	CHECK(i < F.vm.nvec && F.routed[i]);
}

static const struct vmsix_ops vops = {
	.alloc_all = v_alloc, .free_all = v_free, .route = v_route,
	.mask = v_mask, .phys_pending = v_pending, .deliver = v_deliver,
};

static uint8_t *map_bar(void)
{
	uint8_t *m = mmap(NULL, BAR_MAX + 2 * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED || mprotect(m, PAGE, PROT_NONE) ||
	    mprotect(m + PAGE + BAR_MAX, PAGE, PROT_NONE))
		abort();
	return m + PAGE;
}

/* Table and PBA 8-byte aligned (PCI 3.0 6.8.2.4), inside the BAR and
 * apart; the BAR is followed by the guard page at its own end. */
static void setup(const uint8_t *in)
{
	static uint8_t *region;
	uint64_t tlen, plen, toff, poff, aoff, boff, first, gapmax;
	unsigned nvec;

	if (!region)
		region = map_bar();
	memset(&F, 0, sizeof(F));
	F.bar_size = PAGE << (in[0] % 3);		/* 4, 8 or 16 KiB */
	F.bar = region + BAR_MAX - F.bar_size;		/* ends at the guard */
	memset(region, 0, BAR_MAX);
	nvec = 1 + in[2] % MAXV;
	tlen = (uint64_t)nvec * PCI_MSIX_ENTRY_SIZE;
	plen = 8 * ((nvec + 63) / 64);
	first = in[0] & 0x80 ? plen : tlen;	/* bit 7: the PBA comes first */
	aoff = (in[1] * 8ULL) % (F.bar_size - tlen - plen + 8);
	gapmax = F.bar_size - aoff - tlen - plen;
	boff = aoff + first + (in[2] / MAXV) * 0x88ULL % (gapmax + 8);
	toff = in[0] & 0x80 ? boff : aoff;
	poff = in[0] & 0x80 ? aoff : boff;
	F.cmd = PCI_COMMAND_INTX_DISABLE | PCI_COMMAND_MEMORY;
	F.p.bar[2] = (struct ptemu_bar){ .base = BAR_GPA, .size = F.bar_size, .mem = true,
					 .mmio64 = true, .flags = 0xc };
	F.p.bar[3] = (struct ptemu_bar){ .size = F.bar_size, .upper = true };
	memcpy(F.bars0, F.p.bar, sizeof(F.bars0));
	F.p.msix_cap = CAP;
	F.p.table_gpa = BAR_GPA + toff;
	F.p.table_len = tlen;
	F.p.pba_gpa = BAR_GPA + poff;
	F.p.pba_len = plen;
	F.p.vm = &F.vm;
	F.p.ops = &fake_ops;
	F.p.ctx = &F;
	CHECK(!overlaps(toff, tlen, poff, plen));
	CHECK(toff + tlen <= F.bar_size && poff + plen <= F.bar_size);
	if (vmsix_init(&F.vm, nvec, F.e, &vops, &F))
		abort();
}

static void check_invariants(void)
{
	uint64_t t = F.p.table_gpa - BAR_GPA, b = F.p.pba_gpa - BAR_GPA;

	CHECK(!memcmp(F.bar + t, F.shadow + t, F.p.table_len));
	CHECK(!memcmp(F.bar + b, F.shadow + b, F.p.pba_len));
	CHECK(!(F.cmd & PCI_COMMAND_IO));
	CHECK(F.cmd & PCI_COMMAND_INTX_DISABLE);
	CHECK(F.cmd & PCI_COMMAND_MEMORY);	/* the hv's table writes need it */
	for (unsigned i = 0; i < PCI_NUM_BARS; i++) {
		CHECK(F.p.bar[i].base == F.bars0[i].base && F.p.bar[i].size == F.bars0[i].size);
		CHECK(F.p.bar[i].flags == F.bars0[i].flags && F.p.bar[i].mem == F.bars0[i].mem);
	}
}

static uint64_t take(const uint8_t **in, size_t *n, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned k = 0; k < bytes && *n; k++, (*in)++, (*n)--)
		v |= (uint64_t)**in << (8 * k);
	return v;
}

static void op_cfg(const uint8_t **in, size_t *n)
{
	unsigned sel = (unsigned)take(in, n, 1);
	uint32_t val = (uint32_t)take(in, n, 4);
	uint16_t port = (uint16_t)(sel & 4 ? GUEST_PCI_ADDR_PORT + (sel >> 5) :
					     GUEST_PCI_DATA_PORT + (sel >> 5) % 4);
	uint8_t size = (uint8_t)(1u << ((sel >> 1) & 3));
	int moved;

	if ((sel & 0x18) == 0x18)	/* mostly hit function 0's registers */
		val = 0x80000000u | (val & 0xfc);
	ptemu_cfg_io(&F.p, port, sel & 1, size, &val, &moved);
	CHECK(moved >= -1 && moved < PCI_NUM_BARS);
}

static void op_mmio(const uint8_t **in, size_t *n)
{
	int32_t off = (int16_t)take(in, n, 2);
	unsigned sel = (unsigned)take(in, n, 1);
	uint64_t val = take(in, n, 8);
	uint64_t gpa = BAR_GPA + (uint64_t)(int64_t)off;
	uint8_t size = (uint8_t)(sel & 0x80 ? sel % 10 : 1u << (sel & 3));
	enum ptemu_verdict v;
	int err;

	if (sel & 0x40)		/* near the table or PBA */
		gpa = (sel & 0x20 ? F.p.pba_gpa : F.p.table_gpa) + (int8_t)off;
	v = ptemu_mmio(&F.p, gpa, size, sel & 0x10, &val, &err);
	CHECK(v < PTEMU_VERDICTS);
	CHECK(v != PTEMU_OUTSIDE || !ptemu_page_trapped(&F.p, gpa));
	if (v >= PTEMU_REFUSE_SIZE && !(sel & 0x10))
		CHECK(val == ~0ULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *in = data + 3;
	size_t n;

	if (size < 3)
		return 0;
	setup(data);
	n = size - 3;
	while (n) {
		unsigned kind = (unsigned)take(&in, &n, 1);

		switch (kind % 3) {
		case 0:
			op_cfg(&in, &n);
			break;
		case 1:
			op_mmio(&in, &n);
			break;
		default:
			vmsix_fire(&F.vm, (unsigned)(kind >> 2) % (F.vm.nvec + 1));
		}
		check_invariants();
	}
	return 0;
}
