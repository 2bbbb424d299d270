/*
 * DMAR parser tests: QEMU 7.2's tables (tests/data/acpi/qemu-q35*), two real
 * machines' tables (tests/data/dmar/, see the README there), synthetic and
 * malformed tables assembled here, device-to-unit matching through a fake
 * PCI topology, and VT-d CAP/ECAP decoding checked bit by bit against the
 * spec (VT-d 11.4.2, 11.4.3). Run from the repository root, or build with
 * -DTEST_DATA_DIR='"/path/to/tests/data"'.
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

#include "drivers/dmar.h"
#include "drivers/vtd_regs.h"

#ifndef TEST_DATA_DIR
#define TEST_DATA_DIR "tests/data"
#endif

#define MAX_REPORTS	32

/* ---- Report capture ---- */

struct reports {
	char msg[MAX_REPORTS][192];
	unsigned n;
};

static void report_cb(void *ctx, const char *msg)
{
	struct reports *r = ctx;

	if (r->n < MAX_REPORTS)
		snprintf(r->msg[r->n++], sizeof(r->msg[0]), "%s", msg);
}

/* Fail unless some report contains every one of the NULL-terminated words. */
static void assert_reported(const struct reports *r, ...)
{
	unsigned i;

	for (i = 0; i < r->n; i++) {
		va_list ap;
		const char *w;
		int all = 1;

		va_start(ap, r);
		while ((w = va_arg(ap, const char *)))
			all &= strstr(r->msg[i], w) != NULL;
		va_end(ap);
		if (all)
			return;
	}
	for (i = 0; i < r->n; i++)
		print_error("report: %s\n", r->msg[i]);
	fail_msg("expected report not found");
}

/* dmar_parse into a struct that may hold an earlier parse's arrays. */
static int parse(const void *t, size_t n, struct dmar_info *di, dmar_report_fn r, void *ctx)
{
	dmar_free(di);
	return dmar_parse(t, n, di, r, ctx);
}

/* ---- Files ---- */

static size_t load(const char *rel, uint8_t *buf, size_t max)
{
	char path[256];
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", TEST_DATA_DIR, rel);
	fp = fopen(path, "rb");
	if (!fp)
		fail_msg("cannot open %s (run from the repository root)", path);
	n = fread(buf, 1, max, fp);
	fclose(fp);
	return n;
}

static void fix_checksum(uint8_t *t)
{
	uint32_t len, i;
	uint8_t sum = 0;

	memcpy(&len, t + 4, 4);
	t[9] = 0;
	for (i = 0; i < len; i++)
		sum += t[i];
	t[9] = (uint8_t)-sum;
}

/* ---- Table builder ---- */

struct tb {
	uint8_t b[8192];
	uint32_t len;
};

static void put(struct tb *t, const void *p, size_t n)
{
	assert_true(t->len + n <= sizeof(t->b));
	memcpy(t->b + t->len, p, n);
	t->len += (uint32_t)n;
}

static void tb_init(struct tb *t, uint8_t haw_bits, uint8_t flags)
{
	struct acpi_dmar h = { .haw = (uint8_t)(haw_bits - 1), .flags = flags };

	memset(t, 0, sizeof(*t));
	memcpy(h.hdr.sig, "DMAR", 4);
	h.hdr.revision = 1;
	memcpy(h.hdr.oem_id, "IRQVSR", 6);
	put(t, &h, sizeof(h));
}

/* Start a structure of this type with its fixed part; returns its offset. */
static uint32_t tb_struct(struct tb *t, uint16_t type, const void *fixed, uint16_t len)
{
	uint32_t off = t->len;

	put(t, fixed, len);
	memcpy(t->b + off, &type, 2);
	memcpy(t->b + off + 2, &len, 2);
	return off;
}

static uint32_t tb_drhd(struct tb *t, uint8_t flags, uint16_t seg, uint64_t base)
{
	struct acpi_dmar_drhd d = { .flags = flags, .segment = seg, .reg_base = base };

	return tb_struct(t, DMAR_TYPE_DRHD, &d, sizeof(d));
}

static uint32_t tb_rmrr(struct tb *t, uint16_t seg, uint64_t base, uint64_t limit)
{
	struct acpi_dmar_rmrr r = { .segment = seg, .base = base, .limit = limit };

	return tb_struct(t, DMAR_TYPE_RMRR, &r, sizeof(r));
}

/* Append a scope with n (dev, fn) hops to the structure at soff. */
static void tb_scope(struct tb *t, uint32_t soff, uint8_t type, uint8_t id, uint8_t bus,
		     unsigned n, ...)
{
	struct acpi_dmar_scope s = { .type = type, .length = (uint8_t)(6 + 2 * n),
				     .enum_id = id, .start_bus = bus };
	uint16_t slen;
	va_list ap;
	unsigned k;

	put(t, &s, sizeof(s));
	va_start(ap, n);
	for (k = 0; k < 2 * n; k++) {
		uint8_t v = (uint8_t)va_arg(ap, int);

		put(t, &v, 1);
	}
	va_end(ap);
	memcpy(&slen, t->b + soff + 2, 2);
	slen = (uint16_t)(slen + s.length);
	memcpy(t->b + soff + 2, &slen, 2);
}

static void tb_finish(struct tb *t)
{
	memcpy(t->b + 4, &t->len, 4);
	fix_checksum(t->b);
}

static int tb_parse(struct tb *t, struct dmar_info *di, struct reports *r)
{
	tb_finish(t);
	memset(r, 0, sizeof(*r));
	return parse(t->b, t->len, di, report_cb, r);
}

/* ---- Fake topology: a table of configured bridges ---- */

struct bridge {
	uint16_t seg;
	uint8_t bus, dev, fn, secondary, subordinate;
};

struct topo {
	const struct bridge *br;
	unsigned n;
	unsigned calls;
};

static int topo_bridge_buses(void *ctx, uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn,
			     uint8_t *secondary, uint8_t *subordinate)
{
	struct topo *tp = ctx;
	unsigned i;

	tp->calls++;
	for (i = 0; i < tp->n; i++) {
		const struct bridge *b = &tp->br[i];

		if (b->seg == seg && b->bus == bus && b->dev == dev && b->fn == fn) {
			*secondary = b->secondary;
			*subordinate = b->subordinate;
			return 0;
		}
	}
	return -ENODEV;
}

/* ---- Helpers on parsed info ---- */

static const struct dmar_scope *unit_scope(const struct dmar_info *di, unsigned u, unsigned k)
{
	assert_true(u < di->nunits);
	assert_true(k < di->units[u].nscopes);
	return &di->scopes[di->units[u].first_scope + k];
}

static void assert_scope(const struct dmar_scope *s, uint8_t type, uint8_t id, uint8_t bus,
			 uint8_t dev, uint8_t fn)
{
	assert_int_equal(s->type, type);
	assert_int_equal(s->enum_id, id);
	assert_int_equal(s->start_bus, bus);
	assert_int_equal(s->path_len, 1);
	assert_int_equal(s->path[0].dev, dev);
	assert_int_equal(s->path[0].fn, fn);
}

/* want NULL: there is no such structure. */
static void assert_struct(const struct dmar_info *di, uint16_t type, unsigned i,
			  const char *want)
{
	char buf[512];

	if (!want) {
		assert_int_equal(dmar_struct_describe(di, type, i, buf, sizeof(buf)), -EINVAL);
		return;
	}
	assert_int_equal(dmar_struct_describe(di, type, i, buf, sizeof(buf)), (int)strlen(want));
	assert_string_equal(buf, want);
}

static void assert_describe(const struct dmar_info *di, unsigned i, const char *want)
{
	char buf[256];

	assert_int_equal(dmar_unit_describe(di, i, buf, sizeof(buf)), (int)strlen(want));
	assert_string_equal(buf, want);
}

/* ---- QEMU 7.2 q35 intel-iommu,intremap=on (tests/data/acpi) ---- */

static void test_qemu_q35(void **state)
{
	static struct dmar_info di;
	struct reports r = { .n = 0 };
	uint8_t t[512];
	size_t n = load("acpi/qemu-q35/dmar.dat", t, sizeof(t));

	(void)state;
	assert_int_equal(n, 112);
	assert_int_equal(parse(t, n, &di, report_cb, &r), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(di.haw, 39);
	assert_int_equal(di.flags, DMAR_INTR_REMAP);
	assert_int_equal(di.nunits, 1);
	assert_int_equal(di.units[0].reg_base, 0xfed90000);
	assert_int_equal(di.units[0].segment, 0);
	assert_false(di.units[0].include_all);	/* explicit scopes, PLATFORM.md */
	assert_int_equal(di.units[0].nscopes, 6);
	/* IOAPIC 0 on QEMU's pseudo bus 0xff (Q35_PSEUDO_BUS_PLATFORM) */
	assert_scope(unit_scope(&di, 0, 0), DMAR_SCOPE_IOAPIC, 0, 0xff, 0, 0);
	assert_scope(unit_scope(&di, 0, 1), DMAR_SCOPE_ENDPOINT, 0, 0, 0x00, 0);
	assert_scope(unit_scope(&di, 0, 2), DMAR_SCOPE_ENDPOINT, 0, 0, 0x01, 0);
	assert_scope(unit_scope(&di, 0, 3), DMAR_SCOPE_ENDPOINT, 0, 0, 0x1f, 0);
	assert_scope(unit_scope(&di, 0, 4), DMAR_SCOPE_ENDPOINT, 0, 0, 0x1f, 2);
	assert_scope(unit_scope(&di, 0, 5), DMAR_SCOPE_ENDPOINT, 0, 0, 0x1f, 3);
	assert_int_equal(di.nrmrr + di.natsr + di.nrhsa + di.nandd + di.nsatc + di.nsidp + di.nskipped, 0);

	assert_int_equal(dmar_unit_for_ioapic(&di, 0), 0);
	assert_int_equal(dmar_unit_for_ioapic(&di, 1), -ENOENT);
	/* e1000e at 00:01.0 is covered; an unlisted slot is not (no INCLUDE_PCI_ALL) */
	assert_int_equal(dmar_unit_for_device(&di, NULL, 0, 0, 1, 0), 0);
	assert_int_equal(dmar_unit_for_device(&di, NULL, 0, 0, 0x1f, 2), 0);
	assert_int_equal(dmar_unit_for_device(&di, NULL, 0, 0, 2, 0), -ENOENT);
	assert_describe(&di, 0, "DRHD 0 at 0xfed90000 seg 0 scope: IOAPIC 0 (ff:00.0), "
			"00:00.0 endpoint, 00:01.0 endpoint, 00:1f.0 endpoint, "
			"00:1f.2 endpoint, 00:1f.3 endpoint");
}

static void test_qemu_q35_rootport(void **state)
{
	static const struct bridge br[] = { { 0, 0, 2, 0, 1, 1 } };	/* pcie-root-port */
	struct topo tp = { br, 1, 0 };
	struct dmar_topo_ops ops = { topo_bridge_buses, &tp };
	static struct dmar_info di;
	struct reports r = { .n = 0 };
	uint8_t t[512];
	size_t n = load("acpi/qemu-q35-rootport/dmar.dat", t, sizeof(t));

	(void)state;
	assert_int_equal(n, 120);
	assert_int_equal(parse(t, n, &di, report_cb, &r), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(di.nunits, 1);
	assert_int_equal(di.units[0].nscopes, 7);
	assert_scope(unit_scope(&di, 0, 3), DMAR_SCOPE_BRIDGE, 0, 0, 0x02, 0);
	/* e1000e behind the root port, and the port itself */
	assert_int_equal(dmar_unit_for_device(&di, &ops, 0, 1, 0, 0), 0);
	assert_int_equal(dmar_unit_for_device(&di, &ops, 0, 0, 2, 0), 0);
	assert_int_equal(dmar_unit_for_device(&di, &ops, 0, 2, 0, 0), -ENOENT);
	/* without topology the bridge's range is unknown */
	assert_int_equal(dmar_unit_for_device(&di, NULL, 0, 1, 0, 0), -ENOENT);
}

/* ---- Real machines (tests/data/dmar) ---- */

static void test_laptop_xps13(void **state)
{
	static const struct bridge br[] = {	/* Thunderbolt root ports */
		{ 0, 0, 7, 0, 0x01, 0x2b },
		{ 0, 0, 7, 2, 0x2c, 0x56 },
	};
	struct topo tp = { br, 2, 0 };
	struct dmar_topo_ops ops = { topo_bridge_buses, &tp };
	static struct dmar_info di;
	struct reports r = { .n = 0 };
	uint8_t t[512];
	size_t n = load("dmar/laptop-4drhd-rmrr.dat", t, sizeof(t));

	(void)state;
	assert_int_equal(n, 184);
	assert_int_equal(parse(t, n, &di, report_cb, &r), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(di.haw, 39);
	assert_int_equal(di.flags, DMAR_INTR_REMAP);
	assert_int_equal(di.nunits, 4);
	assert_int_equal(di.units[0].reg_base, 0xfed90000);
	assert_int_equal(di.units[1].reg_base, 0xfed84000);
	assert_int_equal(di.units[2].reg_base, 0xfed86000);
	assert_int_equal(di.units[3].reg_base, 0xfed91000);
	assert_false(di.units[0].include_all || di.units[1].include_all || di.units[2].include_all);
	assert_true(di.units[3].include_all);
	assert_scope(unit_scope(&di, 0, 0), DMAR_SCOPE_ENDPOINT, 0, 0, 0x02, 0);
	assert_scope(unit_scope(&di, 1, 0), DMAR_SCOPE_BRIDGE, 0, 0, 0x07, 0);
	assert_scope(unit_scope(&di, 2, 0), DMAR_SCOPE_BRIDGE, 0, 0, 0x07, 2);
	assert_int_equal(di.units[3].nscopes, 2);
	assert_scope(unit_scope(&di, 3, 0), DMAR_SCOPE_IOAPIC, 2, 0, 0x1e, 7);
	assert_scope(unit_scope(&di, 3, 1), DMAR_SCOPE_HPET, 0, 0, 0x1e, 6);
	/* RMRR for the graphics device */
	assert_int_equal(di.nrmrr, 1);
	assert_int_equal(di.rmrr[0].segment, 0);
	assert_int_equal(di.rmrr[0].base, 0x6c000000);
	assert_int_equal(di.rmrr[0].limit, 0x707fffff);
	assert_int_equal(di.rmrr[0].nscopes, 1);
	assert_scope(&di.scopes[di.rmrr[0].first_scope], DMAR_SCOPE_ENDPOINT, 0, 0, 0x02, 0);

	assert_int_equal(dmar_unit_for_device(&di, &ops, 0, 0, 2, 0), 0);
	assert_int_equal(dmar_unit_for_device(&di, &ops, 0, 0x05, 0, 0), 1);
	assert_int_equal(dmar_unit_for_device(&di, &ops, 0, 0x2b, 0, 0), 1);
	assert_int_equal(dmar_unit_for_device(&di, &ops, 0, 0x2c, 0, 0), 2);
	assert_int_equal(dmar_unit_for_device(&di, &ops, 0, 0, 7, 2), 2);
	assert_int_equal(dmar_unit_for_device(&di, &ops, 0, 0, 0x14, 0), 3);	/* USB */
	assert_int_equal(dmar_unit_for_device(&di, &ops, 0, 0x57, 0, 0), 3);
	assert_int_equal(dmar_unit_for_device(&di, &ops, 1, 0, 2, 0), -ENOENT);
	assert_int_equal(dmar_unit_for_ioapic(&di, 2), 3);
	assert_int_equal(dmar_unit_for_hpet(&di, 0), 3);
	assert_describe(&di, 1, "DRHD 1 at 0xfed84000 seg 0 scope: 00:07.0 bridge");
	assert_describe(&di, 3, "DRHD 3 at 0xfed91000 seg 0 INCLUDE_PCI_ALL scope: "
			"IOAPIC 2 (00:1e.7), HPET 0 (00:1e.6)");
}

static void test_desktop_x99(void **state)
{
	static struct dmar_info di;
	struct reports r = { .n = 0 };
	uint8_t t[512];
	size_t n = load("dmar/desktop-x99-atsr-rhsa.dat", t, sizeof(t));

	(void)state;
	assert_int_equal(n, 156);
	assert_int_equal(parse(t, n, &di, report_cb, &r), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(di.haw, 46);
	assert_int_equal(di.flags, DMAR_INTR_REMAP | DMAR_X2APIC_OPT_OUT);
	assert_int_equal(di.nunits, 2);
	assert_int_equal(di.units[0].reg_base, 0xfbffd000);
	assert_false(di.units[0].include_all);
	assert_scope(unit_scope(&di, 0, 0), DMAR_SCOPE_ENDPOINT, 0, 0, 0x1b, 0);
	assert_int_equal(di.units[1].reg_base, 0xfbffc000);
	assert_true(di.units[1].include_all);
	assert_int_equal(di.units[1].nscopes, 3);
	assert_scope(unit_scope(&di, 1, 0), DMAR_SCOPE_IOAPIC, 1, 0xf0, 0x1f, 7);
	assert_scope(unit_scope(&di, 1, 1), DMAR_SCOPE_IOAPIC, 2, 0x00, 0x05, 4);
	assert_scope(unit_scope(&di, 1, 2), DMAR_SCOPE_HPET, 0, 0xf0, 0x0f, 0);
	assert_int_equal(di.natsr, 1);
	assert_false(di.atsr[0].all_ports);
	assert_int_equal(di.atsr[0].segment, 0);
	assert_int_equal(di.atsr[0].nscopes, 2);
	assert_scope(&di.scopes[di.atsr[0].first_scope], DMAR_SCOPE_BRIDGE, 0, 0, 0x01, 0);
	assert_scope(&di.scopes[di.atsr[0].first_scope + 1], DMAR_SCOPE_BRIDGE, 0, 0, 0x03, 0);
	assert_int_equal(di.nrhsa, 1);
	assert_int_equal(di.rhsa[0].base, 0xfbffc000);
	assert_int_equal(di.rhsa[0].domain, 0);
	assert_int_equal(di.nrmrr, 0);

	assert_int_equal(dmar_unit_for_ioapic(&di, 1), 1);
	assert_int_equal(dmar_unit_for_ioapic(&di, 2), 1);
	assert_int_equal(dmar_unit_for_ioapic(&di, 0), -ENOENT);
	assert_int_equal(dmar_unit_for_device(&di, NULL, 0, 0, 0x1b, 0), 0);
	assert_int_equal(dmar_unit_for_device(&di, NULL, 0, 3, 0, 0), 1);
}

/* ---- Synthetic: two segments ---- */

/* seg 0: A 00:02.0 | B 01:00.0 via 00:1c.0 | C bridge 00:1d.0 | D ALL + IOAPIC 8
 * seg 1: E 00:03.0 | F ALL; RMRRs for the USB controllers of both. */
static void build_two_segments(struct tb *t)
{
	uint32_t s;

	tb_init(t, 48, DMAR_INTR_REMAP | DMAR_DMA_CTRL_PLATFORM_OPT_IN);
	s = tb_drhd(t, 0, 0, 0xfed90000);
	tb_scope(t, s, DMAR_SCOPE_ENDPOINT, 0, 0, 1, 0x02, 0);
	s = tb_drhd(t, 0, 0, 0xfed91000);
	tb_scope(t, s, DMAR_SCOPE_ENDPOINT, 0, 0, 2, 0x1c, 0, 0x00, 0);
	s = tb_drhd(t, 0, 0, 0xfed92000);
	tb_scope(t, s, DMAR_SCOPE_BRIDGE, 0, 0, 1, 0x1d, 0);
	s = tb_drhd(t, DMAR_DRHD_INCLUDE_PCI_ALL, 0, 0xfed93000);
	tb_scope(t, s, DMAR_SCOPE_IOAPIC, 8, 0xf0, 1, 0x1f, 0);
	s = tb_drhd(t, 0, 1, 0xfed94000);
	tb_scope(t, s, DMAR_SCOPE_ENDPOINT, 0, 0, 1, 0x03, 0);
	tb_drhd(t, DMAR_DRHD_INCLUDE_PCI_ALL, 1, 0xfed95000);
	s = tb_rmrr(t, 0, 0x7d000000, 0x7d0fffff);
	tb_scope(t, s, DMAR_SCOPE_ENDPOINT, 0, 0, 1, 0x14, 0);	/* xHCI */
	tb_scope(t, s, DMAR_SCOPE_ENDPOINT, 0, 0, 1, 0x1a, 0);	/* EHCI */
	s = tb_rmrr(t, 1, 0x7e000000, 0x7e00ffff);
	tb_scope(t, s, DMAR_SCOPE_ENDPOINT, 0, 0, 1, 0x1d, 7);
}

static const struct bridge two_seg_bridges[] = {
	{ 0, 0, 0x1c, 0, 1, 1 },	/* root port above B's endpoint */
	{ 0, 0, 0x1d, 0, 2, 5 },	/* C's bridge scope: buses 2..5 */
	{ 0, 3, 0x00, 0, 4, 4 },	/* a switch below it */
};

static void test_two_segments(void **state)
{
	struct topo tp = { two_seg_bridges, ARRAY_SIZE(two_seg_bridges), 0 };
	struct dmar_topo_ops ops = { topo_bridge_buses, &tp };
	static struct dmar_info di;
	static struct tb t;
	struct reports r;

	(void)state;
	build_two_segments(&t);
	assert_int_equal(tb_parse(&t, &di, &r), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(di.haw, 48);
	assert_int_equal(di.flags, DMAR_INTR_REMAP | DMAR_DMA_CTRL_PLATFORM_OPT_IN);
	assert_int_equal(di.nunits, 6);
	assert_int_equal(di.units[3].segment, 0);
	assert_true(di.units[3].include_all);
	assert_int_equal(di.units[5].segment, 1);
	assert_true(di.units[5].include_all);
	assert_int_equal(di.units[5].nscopes, 0);
	assert_int_equal(unit_scope(&di, 1, 0)->path_len, 2);
	assert_int_equal(di.nrmrr, 2);
	assert_int_equal(di.rmrr[0].nscopes, 2);
	assert_int_equal(di.scopes[di.rmrr[0].first_scope + 1].path[0].dev, 0x1a);
	assert_int_equal(di.rmrr[1].segment, 1);
	assert_int_equal(di.rmrr[1].limit, 0x7e00ffff);
	assert_int_equal(di.nscopes, 8);

	assert_int_equal(dmar_unit_for_device(&di, &ops, 0, 0, 0x02, 0), 0);
	assert_int_equal(dmar_unit_for_device(&di, &ops, 0, 0, 0x02, 1), 3);
	assert_int_equal(dmar_unit_for_device(&di, &ops, 0, 1, 0x00, 0), 1);	/* via 1c.0 */
	assert_int_equal(dmar_unit_for_device(&di, &ops, 0, 1, 0x00, 1), 3);	/* not named */
	assert_int_equal(dmar_unit_for_device(&di, &ops, 0, 0, 0x1c, 0), 3);	/* the port */
	assert_int_equal(dmar_unit_for_device(&di, &ops, 0, 0, 0x1d, 0), 2);	/* bridge itself */
	assert_int_equal(dmar_unit_for_device(&di, &ops, 0, 2, 0x00, 0), 2);
	assert_int_equal(dmar_unit_for_device(&di, &ops, 0, 4, 0x00, 0), 2);
	assert_int_equal(dmar_unit_for_device(&di, &ops, 0, 5, 0x1f, 7), 2);
	assert_int_equal(dmar_unit_for_device(&di, &ops, 0, 6, 0x00, 0), 3);
	assert_int_equal(dmar_unit_for_device(&di, &ops, 0, 0, 0x14, 0), 3);
	/* segment 1: same bus/dev/fn numbers, other units */
	assert_int_equal(dmar_unit_for_device(&di, &ops, 1, 0, 0x03, 0), 4);
	assert_int_equal(dmar_unit_for_device(&di, &ops, 1, 0, 0x02, 0), 5);
	assert_int_equal(dmar_unit_for_device(&di, &ops, 1, 2, 0x00, 0), 5);
	assert_int_equal(dmar_unit_for_device(&di, &ops, 2, 0, 0x02, 0), -ENOENT);
	assert_true(tp.calls > 0);
	assert_int_equal(dmar_unit_for_ioapic(&di, 8), 3);
	assert_int_equal(dmar_unit_for_ioapic(&di, 9), -ENOENT);
	assert_describe(&di, 1, "DRHD 1 at 0xfed91000 seg 0 scope: 00:1c.0/00.0 endpoint");
	assert_describe(&di, 5, "DRHD 5 at 0xfed95000 seg 1 INCLUDE_PCI_ALL");
}

/* A scope path through a missing or unconfigured bridge resolves to nothing:
 * the device falls back to its segment's INCLUDE_PCI_ALL unit. */
static void test_match_unresolved_path(void **state)
{
	static const struct bridge unconfigured[] = { { 0, 0, 0x1c, 0, 0, 0 } };
	struct topo none = { NULL, 0, 0 }, unconf = { unconfigured, 1, 0 };
	struct dmar_topo_ops ops_none = { topo_bridge_buses, &none };
	struct dmar_topo_ops ops_unconf = { topo_bridge_buses, &unconf };
	static struct dmar_info di;
	static struct tb t;
	struct reports r;

	(void)state;
	build_two_segments(&t);
	assert_int_equal(tb_parse(&t, &di, &r), 0);
	assert_int_equal(dmar_unit_for_device(&di, &ops_none, 0, 1, 0, 0), 3);
	assert_int_equal(dmar_unit_for_device(&di, &ops_none, 0, 3, 0, 0), 3);
	assert_int_equal(dmar_unit_for_device(&di, &ops_unconf, 0, 1, 0, 0), 3);
	assert_int_equal(dmar_unit_for_device(&di, NULL, 0, 0, 0x02, 0), 0);
}

/* ---- Malformed tables: refused as a whole, with the offset reported ---- */

static void test_bad_signature(void **state)
{
	static struct dmar_info di;
	static struct tb t;
	struct reports r;

	(void)state;
	build_two_segments(&t);
	memcpy(t.b, "DMAX", 4);
	assert_int_equal(tb_parse(&t, &di, &r), -EINVAL);
	assert_reported(&r, "signature", "44 4d 41 58", NULL);
}

static void test_bad_checksum(void **state)
{
	static struct dmar_info di;
	struct reports r = { .n = 0 };
	uint8_t t[512];
	size_t n = load("dmar/laptop-4drhd-rmrr.dat", t, sizeof(t));

	(void)state;
	t[0xa0] ^= 0x10;	/* RMRR base: a single flipped bit */
	assert_int_equal(parse(t, n, &di, report_cb, &r), -EINVAL);
	assert_reported(&r, "checksum", "sum 0x10", NULL);
}

static void test_truncated(void **state)
{
	static struct dmar_info di;
	struct reports r = { .n = 0 };
	uint8_t t[512];
	size_t n = load("acpi/qemu-q35/dmar.dat", t, sizeof(t));
	uint32_t len;

	(void)state;
	/* fewer bytes mapped than the header's length */
	assert_int_equal(parse(t, n - 8, &di, report_cb, &r), -EINVAL);
	assert_reported(&r, "length 112", "104", NULL);
	/* not even a header */
	assert_int_equal(parse(t, 40, &di, report_cb, &r), -EINVAL);
	assert_reported(&r, "40 bytes mapped", NULL);
	/* a header length below 48 */
	len = 44;
	memcpy(t + 4, &len, 4);
	fix_checksum(t);
	assert_int_equal(parse(t, n, &di, report_cb, &r), -EINVAL);
	assert_reported(&r, "length 44 at 0x4", NULL);
}

static void test_zero_length_structure(void **state)
{
	static struct dmar_info di;
	static struct tb t;
	struct reports r;
	uint32_t s;

	(void)state;
	build_two_segments(&t);
	s = tb_drhd(&t, 0, 2, 0xfed96000);
	memset(t.b + s + 2, 0, 2);
	assert_int_equal(tb_parse(&t, &di, &r), -EINVAL);
	assert_reported(&r, "DRHD (type 0) at 0x", "length 0 outside", NULL);
}

static void test_structure_below_minimum(void **state)
{
	static struct dmar_info di;
	static struct tb t;
	struct reports r;
	uint16_t len = 12;
	uint32_t s;

	(void)state;
	tb_init(&t, 39, 0);
	s = tb_drhd(&t, 0, 0, 0xfed90000);
	memcpy(t.b + s + 2, &len, 2);
	t.len -= 4;
	assert_int_equal(tb_parse(&t, &di, &r), -EINVAL);
	assert_reported(&r, "DRHD (type 0) at 0x30", "length 12 outside 16..", NULL);
}

static void test_structure_past_end(void **state)
{
	static struct dmar_info di;
	static struct tb t;
	struct reports r;
	uint16_t len = 0x40;
	uint32_t s;

	(void)state;
	tb_init(&t, 39, 0);
	s = tb_rmrr(&t, 0, 0x1000, 0x1fff);
	memcpy(t.b + s + 2, &len, 2);
	assert_int_equal(tb_parse(&t, &di, &r), -EINVAL);
	assert_reported(&r, "RMRR (type 1) at 0x30", "length 64", "..24", NULL);
	/* 3 stray bytes after the last structure */
	tb_init(&t, 39, 0);
	tb_rmrr(&t, 0, 0x1000, 0x1fff);
	put(&t, "\1\0\0", 3);
	assert_int_equal(tb_parse(&t, &di, &r), -EINVAL);
	assert_reported(&r, "3 trailing bytes at 0x48", NULL);
}

static void test_scope_past_structure(void **state)
{
	static struct dmar_info di;
	static struct tb t;
	struct reports r;
	uint32_t s;

	(void)state;
	tb_init(&t, 39, 0);
	s = tb_drhd(&t, 0, 0, 0xfed90000);
	tb_scope(&t, s, DMAR_SCOPE_ENDPOINT, 0, 0, 1, 2, 0);
	t.b[s + 16 + 1] = 10;		/* scope claims 10 bytes, 8 remain */
	tb_drhd(&t, DMAR_DRHD_INCLUDE_PCI_ALL, 0, 0xfed91000);
	assert_int_equal(tb_parse(&t, &di, &r), -EINVAL);
	assert_reported(&r, "DRHD at 0x30", "scope at 0x40", "length 10", "0x48", NULL);
}

static void test_scope_bad_length(void **state)
{
	static struct dmar_info di;
	static struct tb t;
	struct reports r;
	uint32_t s;

	(void)state;
	/* 6: a scope with no path */
	tb_init(&t, 39, 0);
	s = tb_rmrr(&t, 0, 0x1000, 0x1fff);
	tb_scope(&t, s, DMAR_SCOPE_ENDPOINT, 0, 0, 0);
	assert_int_equal(tb_parse(&t, &di, &r), -EINVAL);
	assert_reported(&r, "RMRR at 0x30", "scope at 0x48", "length 6", NULL);
	/* 9: odd */
	tb_init(&t, 39, 0);
	s = tb_rmrr(&t, 0, 0x1000, 0x1fff);
	tb_scope(&t, s, DMAR_SCOPE_ENDPOINT, 0, 0, 1, 0x14, 0);
	put(&t, "", 1);
	t.b[s + 24 + 1] = 9;
	t.b[s + 2] = 24 + 9;
	assert_int_equal(tb_parse(&t, &di, &r), -EINVAL);
	assert_reported(&r, "scope at 0x48", "length 9", NULL);
}

static void test_drhd_overlap(void **state)
{
	static struct dmar_info di;
	static struct tb t;
	struct reports r;
	uint32_t s;

	(void)state;
	/* the same base twice */
	tb_init(&t, 39, 0);
	tb_drhd(&t, 0, 0, 0xfed90000);
	tb_drhd(&t, 0, 1, 0xfed90000);
	assert_int_equal(tb_parse(&t, &di, &r), -EINVAL);
	assert_reported(&r, "DRHD at 0x40", "overlap DRHD at 0x30", NULL);
	/* an 8 KiB register set (size 1, VT-d 3.x) reaching into the next */
	tb_init(&t, 39, 0);
	s = tb_drhd(&t, 0, 0, 0xfed90000);
	t.b[s + 5] = 1;
	tb_drhd(&t, 0, 0, 0xfed91000);
	assert_int_equal(tb_parse(&t, &di, &r), -EINVAL);
	assert_reported(&r, "0xfed91000-0xfed91fff overlap", "(0xfed90000-0xfed91fff)", NULL);
	/* adjacent 4 KiB sets are fine, and size is kept */
	tb_init(&t, 39, 0);
	s = tb_drhd(&t, 0, 0, 0xfed90000);
	t.b[s + 5] = 1;
	tb_drhd(&t, 0, 0, 0xfed92000);
	assert_int_equal(tb_parse(&t, &di, &r), 0);
	assert_int_equal(di.units[0].size_pages_log2, 1);
	/* unaligned register base */
	tb_init(&t, 39, 0);
	tb_drhd(&t, 0, 0, 0xfed90800);
	assert_int_equal(tb_parse(&t, &di, &r), -EINVAL);
	assert_reported(&r, "DRHD at 0x30", "register base 0xfed90800", NULL);
}

/* Found by the fuzz harness's invariant: a register set running past 2^64
 * wrapped, so the overlap check let a second unit share its registers. */
static void test_drhd_wraps(void **state)
{
	static struct dmar_info di;
	static struct tb t;
	struct reports r;
	uint32_t s;

	(void)state;
	tb_init(&t, 39, 0);
	s = tb_drhd(&t, 0, 0, 0xfffffffffffff000ull);
	t.b[s + 5] = 1;
	tb_drhd(&t, 0, 1, 0xfffffffffffff000ull);
	assert_int_equal(tb_parse(&t, &di, &r), -EINVAL);
	assert_reported(&r, "DRHD at 0x30", "registers at 0xfffffffffffff000",
			"(8 KiB) run past the top of the address space", NULL);
	/* the last 4 KiB page itself is a valid place */
	tb_init(&t, 39, 0);
	tb_drhd(&t, 0, 0, 0xfffffffffffff000ull);
	assert_int_equal(tb_parse(&t, &di, &r), 0);
}

static void test_include_all_not_last(void **state)
{
	static struct dmar_info di;
	static struct tb t;
	struct reports r;

	(void)state;
	tb_init(&t, 39, 0);
	tb_drhd(&t, DMAR_DRHD_INCLUDE_PCI_ALL, 0, 0xfed90000);
	tb_drhd(&t, 0, 1, 0xfed91000);	/* other segment: allowed */
	tb_drhd(&t, 0, 0, 0xfed92000);
	assert_int_equal(tb_parse(&t, &di, &r), -EINVAL);
	assert_reported(&r, "DRHD at 0x50", "segment 0", "INCLUDE_PCI_ALL unit at 0x30",
			"VT-d 8.3", NULL);
}

static void test_two_include_all(void **state)
{
	static struct dmar_info di;
	static struct tb t;
	struct reports r;

	(void)state;
	tb_init(&t, 39, 0);
	tb_drhd(&t, DMAR_DRHD_INCLUDE_PCI_ALL, 3, 0xfed90000);
	tb_drhd(&t, DMAR_DRHD_INCLUDE_PCI_ALL, 3, 0xfed91000);
	assert_int_equal(tb_parse(&t, &di, &r), -EINVAL);
	assert_reported(&r, "DRHD at 0x40", "second INCLUDE_PCI_ALL unit of segment 3",
			"first at 0x30", NULL);
}

static void test_rmrr_bad_range(void **state)
{
	static struct dmar_info di;
	static struct tb t;
	struct reports r;

	(void)state;
	tb_init(&t, 39, 0);
	tb_drhd(&t, DMAR_DRHD_INCLUDE_PCI_ALL, 0, 0xfed90000);
	tb_rmrr(&t, 0, 0x7d000000, 0x7cffffff);
	assert_int_equal(tb_parse(&t, &di, &r), -EINVAL);
	assert_reported(&r, "RMRR at 0x40", "limit 0x7cffffff below base 0x7d000000", NULL);
	tb_init(&t, 39, 0);
	tb_rmrr(&t, 0, 0x7d000000, 0x7d000ffe);
	assert_int_equal(tb_parse(&t, &di, &r), -EINVAL);
	assert_reported(&r, "RMRR at 0x30", "not whole 4 KiB pages", NULL);
	tb_init(&t, 39, 0);
	tb_rmrr(&t, 0, 0x7d000800, 0x7d000fff);
	assert_int_equal(tb_parse(&t, &di, &r), -EINVAL);
	/* a single page is fine */
	tb_init(&t, 39, 0);
	tb_rmrr(&t, 0, 0x7d000000, 0x7d000fff);
	assert_int_equal(tb_parse(&t, &di, &r), 0);
	assert_int_equal(di.nrmrr, 1);
}

/* An RMRR over the interrupt window cannot be mapped (VT-d 3.14), and one
 * ending at 2^64-1 wraps every size computation: both refuse the table,
 * naming the RMRR's offset. Neighbours of the window are fine. */
static void test_rmrr_window_and_top_refused(void **state)
{
	static const struct { uint64_t base, limit; const char *what; } bad[] = {
		{ 0xfee00000, 0xfeefffff, "covers the interrupt window 0xfee00000-0xfeefffff" },
		{ 0xfed00000, 0xfee00fff, "covers the interrupt window" },
		{ 0xfeeff000, 0xfeffffff, "covers the interrupt window" },
		{ 0, 0xffffffff, "covers the interrupt window" },
		{ 0xfffffffffffff000ULL, UINT64_MAX, "ends at 2^64-1" },
		{ 0x100000000ULL, UINT64_MAX, "ends at 2^64-1" },
	};
	static struct dmar_info di;
	static struct tb t;
	struct reports r;
	unsigned i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		tb_init(&t, 39, 0);
		tb_drhd(&t, DMAR_DRHD_INCLUDE_PCI_ALL, 0, 0xfed90000);
		tb_scope(&t, tb_rmrr(&t, 0, bad[i].base, bad[i].limit),
			 DMAR_SCOPE_ENDPOINT, 0, 0, 1, 0x14, 0);
		assert_int_equal(tb_parse(&t, &di, &r), -EINVAL);
		assert_reported(&r, "RMRR at 0x40", bad[i].what, NULL);
	}
	tb_init(&t, 39, 0);
	tb_rmrr(&t, 0, 0xfed00000, 0xfedfffff);
	tb_rmrr(&t, 0, 0xfef00000, 0xfeffffff);
	tb_rmrr(&t, 0, 0x100000000ULL, 0xffffffffffffefffULL);
	assert_int_equal(tb_parse(&t, &di, &r), 0);
	assert_int_equal(di.nrmrr, 3);
}

/* Every real table in tests/data/dmar still parses, RMRRs and all. */
static void test_real_tables_parse(void **state)
{
	static const char *const files[] = {
		"desktop-intel-dx58so2-x58.dat", "desktop-x99-atsr-rhsa.dat",
		"handheld-gpd-win3-6drhd.dat", "handheld-msi-claw8-satc-sidp.dat",
		"laptop-4drhd-rmrr.dat", "laptop-surface-book-2-andd.dat",
		"laptop-surface-book-3-optin.dat", "server-supermicro-2s-xeon.dat",
		"tablet-chuwi-hi10x-glk.dat", "workstation-imacpro1-1-xeon-w.dat",
		"workstation-macpro3-1-2s-harpertown.dat", "workstation-macpro6-1-noir.dat",
	};
	static struct dmar_info di;
	char rel[96];
	uint8_t t[1024];
	unsigned i, k, rmrrs = 0;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		struct reports r = { .n = 0 };
		size_t n;

		snprintf(rel, sizeof(rel), "dmar/%s", files[i]);
		n = load(rel, t, sizeof(t));
		if (parse(t, n, &di, report_cb, &r))
			fail_msg("%s refused: %s", files[i], r.n ? r.msg[0] : "no report");
		for (k = 0; k < r.n; k++)
			assert_null(strstr(r.msg[k], "RMRR"));
		rmrrs += di.nrmrr;
	}
	assert_int_equal(rmrrs, 20);
}

/* What each real table holds, from its README row: every list at its
 * full size (the server's ten RHSAs), every flag, SATC, SIDP and ANDD. */
static void test_real_tables_expected(void **state)
{
	static const struct {
		const char *file;
		uint8_t rev, haw, flags;
		unsigned units, rmrr, atsr, rhsa, andd, satc, sidp, scopes;
	} want[] = {
		{ "desktop-intel-dx58so2-x58.dat", 1, 39, 0x01, 2, 9, 0, 0, 0, 0, 0, 11 },
		{ "desktop-x99-atsr-rhsa.dat", 1, 46, 0x03, 2, 0, 1, 1, 0, 0, 0, 6 },
		{ "handheld-gpd-win3-6drhd.dat", 2, 39, 0x05, 6, 1, 0, 0, 0, 0, 0, 8 },
		{ "handheld-msi-claw8-satc-sidp.dat", 1, 38, 0x05, 3, 0, 0, 0, 0, 1, 1, 10 },
		{ "laptop-4drhd-rmrr.dat", 2, 39, 0x01, 4, 1, 0, 0, 0, 0, 0, 6 },
		{ "laptop-surface-book-2-andd.dat", 1, 39, 0x01, 2, 2, 0, 0, 5, 0, 0, 10 },
		{ "laptop-surface-book-3-optin.dat", 2, 39, 0x07, 3, 1, 0, 0, 0, 0, 0, 5 },
		{ "server-supermicro-2s-xeon.dat", 1, 46, 0x01, 10, 2, 1, 10, 0, 0, 0, 22 },
		{ "tablet-chuwi-hi10x-glk.dat", 1, 39, 0x05, 2, 2, 0, 0, 0, 0, 0, 5 },
		{ "workstation-imacpro1-1-xeon-w.dat", 1, 46, 0x03, 4, 1, 1, 0, 0, 0, 0, 15 },
		{ "workstation-macpro3-1-2s-harpertown.dat", 1, 38, 0x00, 4, 0, 0, 0, 0, 0, 0, 3 },
		{ "workstation-macpro6-1-noir.dat", 1, 46, 0x00, 1, 1, 1, 0, 0, 0, 0, 5 },
	};
	static struct dmar_info di;
	char rel[96], flags[96], got[200], exp[200];
	uint8_t t[1024];
	unsigned i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		struct reports r = { .n = 0 };

		snprintf(rel, sizeof(rel), "dmar/%s", want[i].file);
		if (parse(t, load(rel, t, sizeof(t)), &di, report_cb, &r))
			fail_msg("%s refused: %s", want[i].file, r.n ? r.msg[0] : "no report");
		snprintf(got, sizeof(got), "rev %u haw %u flags 0x%02x units %u rmrr %u atsr %u "
			 "rhsa %u andd %u satc %u sidp %u scopes %u skipped %u reports %u",
			 di.revision, di.haw, di.flags, di.nunits, di.nrmrr, di.natsr, di.nrhsa,
			 di.nandd, di.nsatc, di.nsidp, di.nscopes, di.nskipped, r.n);
		snprintf(exp, sizeof(exp), "rev %u haw %u flags 0x%02x units %u rmrr %u atsr %u "
			 "rhsa %u andd %u satc %u sidp %u scopes %u skipped 0 reports 0",
			 want[i].rev, want[i].haw, want[i].flags, want[i].units, want[i].rmrr,
			 want[i].atsr, want[i].rhsa, want[i].andd, want[i].satc, want[i].sidp,
			 want[i].scopes);
		if (strcmp(got, exp))
			fail_msg("%s: %s, expected %s", want[i].file, got, exp);
	}
	/* the last one parsed was the Mac Pro 6,1: flags none */
	dmar_flags_describe(di.flags, flags, sizeof(flags));
	assert_string_equal(flags, "none");
	dmar_flags_describe(0x07 | 0x10, flags, sizeof(flags));
	assert_string_equal(flags, "INTR_REMAP X2APIC_OPT_OUT DMA_CTRL_PLATFORM_OPT_IN "
			    "reserved 0x10");
	/* the server's last RHSA, and the 64 KiB register sets of Lunar Lake */
	assert_int_equal(parse(t, load("dmar/server-supermicro-2s-xeon.dat", t, sizeof(t)), &di,
			       NULL, NULL), 0);
	assert_struct(&di, DMAR_TYPE_RHSA, 9, "RHSA 9 unit 0xfb7fc000 proximity domain 1");
	assert_int_equal(parse(t, load("dmar/handheld-msi-claw8-satc-sidp.dat", t, sizeof(t)),
			       &di, NULL, NULL), 0);
	assert_int_equal(di.units[1].reg_base, 0xfc810000);
	assert_int_equal(di.units[1].size_pages_log2, 4);
	assert_struct(&di, DMAR_TYPE_SATC, 0, "SATC 0 seg 0 ATC_REQUIRED scope: 00:02.0 endpoint, "
		      "00:0b.0 endpoint");
	assert_struct(&di, DMAR_TYPE_SIDP, 0, "SIDP 0 seg 0 scope: 00:02.0 endpoint "
		      "[NESTED_NOTALLOWED PWSNP_NOTALLOWED PGSNP_NOTALLOWED ATC_HARDENED "
		      "ATC_REQUIRED], 00:0b.0 endpoint [PGSNP_NOTALLOWED ATC_HARDENED ATC_REQUIRED]");
	assert_int_equal(parse(t, load("dmar/laptop-surface-book-2-andd.dat", t, sizeof(t)), &di,
			       NULL, NULL), 0);
	assert_struct(&di, DMAR_TYPE_ANDD, 4, "ANDD 4 device 9 \\_SB.PCI0.UA00");
	assert_struct(&di, DMAR_TYPE_ANDD, 5, NULL);
}

/* A unit at 0 is the firmware's bug, not the table's: kept, reported, and
 * refused when brought up (vtd_check_location). */
static void test_zero_base_kept(void **state)
{
	static struct dmar_info di;
	static struct tb t;
	struct reports r;

	(void)state;
	tb_init(&t, 39, 0);
	tb_drhd(&t, 0, 0, 0);
	tb_drhd(&t, DMAR_DRHD_INCLUDE_PCI_ALL, 0, 0xfed90000);
	assert_int_equal(tb_parse(&t, &di, &r), 0);
	assert_reported(&r, "DRHD at 0x30: register base 0x0: a firmware bug", NULL);
	assert_int_equal(di.nunits, 2);
	assert_int_equal(di.units[0].reg_base, 0);
}

/* The RMRRs that name a device (the hv refuses to assign those). */
static void test_rmrr_for_device(void **state)
{
	static const struct bridge br[] = { { 0, 0, 0x1c, 0, 0x03, 0x04 } };
	struct topo tp = { br, 1, 0 };
	struct dmar_topo_ops ops = { topo_bridge_buses, &tp };
	static struct dmar_info di;
	static struct tb t;
	struct reports r = { .n = 0 };
	uint8_t buf[512];
	size_t n = load("dmar/laptop-4drhd-rmrr.dat", buf, sizeof(buf));

	(void)state;
	assert_int_equal(parse(buf, n, &di, report_cb, &r), 0);
	assert_int_equal(dmar_rmrr_for_device(&di, NULL, 0, 0, 2, 0), 0);	/* graphics */
	assert_int_equal(dmar_rmrr_for_device(&di, NULL, 0, 0, 2, 1), -ENOENT);
	assert_int_equal(dmar_rmrr_for_device(&di, NULL, 0, 0, 0x14, 0), -ENOENT);
	assert_int_equal(dmar_rmrr_for_device(&di, NULL, 1, 0, 2, 0), -ENOENT);
	/* an endpoint behind a root port, and a bridge scope over a bus range */
	tb_init(&t, 39, 0);
	tb_drhd(&t, DMAR_DRHD_INCLUDE_PCI_ALL, 0, 0xfed90000);
	tb_scope(&t, tb_rmrr(&t, 0, 0x7d000000, 0x7d0fffff), DMAR_SCOPE_ENDPOINT, 0, 0, 2,
		 0x1c, 0, 0x00, 0);
	tb_scope(&t, tb_rmrr(&t, 0, 0x7e000000, 0x7e0fffff), DMAR_SCOPE_BRIDGE, 0, 0, 1,
		 0x1c, 0);
	assert_int_equal(tb_parse(&t, &di, &r), 0);
	assert_int_equal(dmar_rmrr_for_device(&di, &ops, 0, 3, 0, 0), 0);
	assert_int_equal(dmar_rmrr_for_device(&di, &ops, 0, 4, 0, 0), 1);
	assert_int_equal(dmar_rmrr_for_device(&di, &ops, 0, 5, 0, 0), -ENOENT);
	assert_int_equal(dmar_rmrr_for_device(&di, NULL, 0, 3, 0, 0), -ENOENT);
}

/* ---- Skipped and dropped: reported, table still accepted ---- */

static void test_unknown_type_skipped(void **state)
{
	static const uint8_t unknown[12] = { 0 };
	struct acpi_dmar_satc satc = { .flags = DMAR_SATC_ATC_REQUIRED, .segment = 0 };
	struct acpi_dmar_atsr atsr = { .flags = DMAR_ATSR_ALL_PORTS, .segment = 0 };
	struct acpi_dmar_andd andd = { .device_number = 1 };
	struct acpi_dmar_rhsa rhsa = { .reg_base = 0xfed99000, .proximity_domain = 1 };
	struct acpi_dmar_sidp sidp = { .segment = 0 };
	static struct dmar_info di;
	static struct tb t;
	struct reports r;
	uint32_t s;

	(void)state;
	tb_init(&t, 39, DMAR_INTR_REMAP | 0x80);
	s = tb_drhd(&t, DMAR_DRHD_INCLUDE_PCI_ALL, 0, 0xfed90000);
	tb_scope(&t, s, DMAR_SCOPE_NAMESPACE, 1, 0, 1, 0x15, 0);
	tb_scope(&t, s, 0x42, 0, 0, 1, 0x16, 0);		/* reserved scope type */
	tb_struct(&t, DMAR_TYPE_ATSR, &atsr, sizeof(atsr));
	tb_struct(&t, DMAR_TYPE_RHSA, &rhsa, sizeof(rhsa));
	s = t.len;
	put(&t, &andd, sizeof(andd));
	put(&t, "\\_SB.PCI0.I2C0", 15);
	t.b[s] = DMAR_TYPE_ANDD;
	t.b[s + 2] = (uint8_t)(t.len - s);
	s = tb_struct(&t, DMAR_TYPE_SATC, &satc, sizeof(satc));
	tb_scope(&t, s, DMAR_SCOPE_ENDPOINT, 0, 0, 1, 0x02, 0);
	s = tb_struct(&t, DMAR_TYPE_SIDP, &sidp, sizeof(sidp));	/* VT-d 4.1 */
	tb_scope(&t, s, DMAR_SCOPE_ENDPOINT, 0, 0, 1, 0x02, 0);
	t.b[s + sizeof(sidp) + 2] = DMAR_SCOPE_ATC_HARDENED | DMAR_SCOPE_ATC_REQUIRED;
	tb_struct(&t, 7, unknown, sizeof(unknown));		/* reserved */
	tb_struct(&t, 0x1234, unknown, sizeof(unknown));
	assert_int_equal(tb_parse(&t, &di, &r), 0);
	assert_reported(&r, "reserved flag bits in 0x81 at 0x25", NULL);
	assert_reported(&r, "DRHD at 0x30", "reserved type 66", NULL);
	assert_reported(&r, "RHSA at 0x", "0xfed99000 names no DRHD", NULL);
	assert_reported(&r, "structure type 7 at 0x", "(length 12) not known, skipped", NULL);
	assert_reported(&r, "structure type 4660", NULL);
	assert_int_equal(di.nskipped, 3);	/* the scope and two structures */
	assert_int_equal(di.nunits, 1);
	assert_int_equal(di.units[0].nscopes, 1);
	assert_int_equal(unit_scope(&di, 0, 0)->type, DMAR_SCOPE_NAMESPACE);
	assert_describe(&di, 0, "DRHD 0 at 0xfed90000 seg 0 INCLUDE_PCI_ALL scope: ACPI 1 (00:15.0)");
	assert_int_equal(di.natsr, 1);
	assert_true(di.atsr[0].all_ports);
	assert_int_equal(di.atsr[0].nscopes, 0);
	assert_int_equal(di.nrhsa, 1);
	assert_int_equal(di.rhsa[0].domain, 1);
	assert_int_equal(di.nandd, 1);
	assert_int_equal(di.andd[0].devnum, 1);
	assert_string_equal(di.andd[0].name, "\\_SB.PCI0.I2C0");
	assert_int_equal(di.nsatc, 1);
	assert_true(di.satc[0].atc_required);
	assert_int_equal(di.satc[0].nscopes, 1);
	assert_int_equal(di.nsidp, 1);
	assert_struct(&di, DMAR_TYPE_SIDP, 0, "SIDP 0 seg 0 scope: 00:02.0 endpoint "
		      "[ATC_HARDENED ATC_REQUIRED]");
	assert_struct(&di, DMAR_TYPE_ANDD, 0, "ANDD 0 device 1 \\_SB.PCI0.I2C0");
	assert_struct(&di, DMAR_TYPE_RHSA, 0, "RHSA 0 unit 0xfed99000 proximity domain 1");
	assert_struct(&di, DMAR_TYPE_ATSR, 0, "ATSR 0 seg 0 ALL_PORTS");
	assert_struct(&di, DMAR_TYPE_SATC, 0, "SATC 0 seg 0 ATC_REQUIRED scope: 00:02.0 endpoint");
	assert_struct(&di, DMAR_TYPE_SATC, 1, NULL);
}

/* Lists are sized from the table: 18 units (more than the 16 an older
 * parser kept) and all their scopes are there; the bound is an error. */
static void test_many_units(void **state)
{
	static struct dmar_info di;
	static struct tb t;
	struct reports r;
	unsigned i;
	uint32_t s;

	(void)state;
	tb_init(&t, 39, 0);
	for (i = 0; i < 18; i++) {
		s = tb_drhd(&t, 0, 0, 0xfed80000 + 0x1000 * i);
		tb_scope(&t, s, DMAR_SCOPE_ENDPOINT, 0, 0, 1, i, 0);
	}
	assert_int_equal(tb_parse(&t, &di, &r), 0);
	assert_int_equal(di.nunits, 18);
	assert_int_equal(di.nscopes, 18);
	assert_int_equal(r.n, 0);
	assert_int_equal(dmar_unit_for_device(&di, NULL, 0, 0, 17, 0), 17);
	tb_init(&t, 39, 0);
	for (i = 0; i < DMAR_MAX_UNITS + 1; i++)
		tb_drhd(&t, 0, 0, 0xf0000000 + 0x1000 * i);
	assert_int_equal(tb_parse(&t, &di, &r), -EINVAL);
	assert_reported(&r, "DMAR: 257 DRHD structures, more than the 256 irqvisor accepts: "
			"table refused", NULL);
	assert_null(di.units);
}

static void test_many_scopes(void **state)
{
	static struct dmar_info di;
	static struct tb t;
	struct reports r;
	unsigned i;
	uint32_t s;

	(void)state;
	tb_init(&t, 39, 0);
	s = tb_drhd(&t, 0, 0, 0xfed90000);
	for (i = 0; i < 100; i++)
		tb_scope(&t, s, DMAR_SCOPE_ENDPOINT, 0, (uint8_t)(i / 32), 1, i % 32, 0);
	tb_scope(&t, s, DMAR_SCOPE_ENDPOINT, 0, 9, 9, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0,
		 1, 0, 1, 0, 1, 0);	/* 9 hops */
	assert_int_equal(tb_parse(&t, &di, &r), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(di.units[0].nscopes, 101);
	assert_int_equal(unit_scope(&di, 0, 100)->path_len, 9);
	assert_int_equal(unit_scope(&di, 0, 99)->path[0].dev, 99 % 32);
}

/* Tables are parsed where the caller maps them, aligned or not. */
static void test_unaligned_buffer(void **state)
{
	static struct dmar_info di;
	static uint8_t buf[520];
	struct reports r = { .n = 0 };
	size_t n = load("dmar/desktop-x99-atsr-rhsa.dat", buf + 1, sizeof(buf) - 1);

	(void)state;
	assert_int_equal(parse(buf + 1, n, &di, report_cb, &r), 0);
	assert_int_equal(di.units[1].reg_base, 0xfbffc000);
	assert_int_equal(parse(buf + 1, n, &di, NULL, NULL), 0);
}

static void test_describe_limits(void **state)
{
	static struct dmar_info di;
	static struct tb t;
	struct reports r;
	char buf[16];

	(void)state;
	build_two_segments(&t);
	assert_int_equal(tb_parse(&t, &di, &r), 0);
	assert_int_equal(dmar_unit_describe(&di, 6, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(dmar_unit_describe(&di, 0, buf, sizeof(buf)), -ENOSPC);
	assert_int_equal(strlen(buf), sizeof(buf) - 1);	/* cut, still terminated */
	assert_int_equal(vtd_caps_describe(0x10, 0, 0, buf, sizeof(buf)), -ENOSPC);
}

/* ---- VT-d capabilities ---- */

/* The value the brief gives as QEMU 7.2's, decoded field by field by hand:
 * CAP 0x00d2008c22260206
 *   [2:0] 6 -> 2^16 domains; [7:3] 0 -> AFL RWBF PLMR PHMR CM clear
 *   [12:8] 0x02 -> SAGAW 39-bit only; [21:16] 0x26 -> MGAW 39; ZLR 0
 *   [33:24] 0x022 -> fault records at 0x220; [37:34] 0b0011 -> 2M, 1G
 *   [39] PSI; [47:40] 0 -> 1 record; [53:48] 18 MAMV; [54] DWD [55] DRD
 *   [63:56] 0 -> FL1GP PI FL5LP ESIRTPS ESRTPS clear
 * ECAP 0x0000000000f00f1a
 *   [0] C 0, [1] QI 1, [2] DT 0, [3] IR 1, [4] EIM 1, [6] PT 0, [7] SC 0
 *   [17:8] 0x00f -> IOTLB registers at 0xf0; [23:20] 15 MHMV
 * EIM set and PT clear are what eim=on,pt=off would give; see the next test
 * for what QEMU 7.2's own defaults under TCG produce. */
static void test_caps_brief_value(void **state)
{
	const uint64_t cap = 0x00d2008c22260206ull, ecap = 0x0000000000f00f1aull;
	char buf[256];
	const char *want = "VT-d 1.0 CAP 0x00d2008c22260206 ECAP 0x0000000000f00f1a: "
		"QI IR EIM PI- PT- C- SC- CM- RWBF- PSI ESIRTPS- SAGAW 39 MGAW 39 "
		"SLLPS 2M,1G domains 65536 NFR 1 FRCD@0x220 IOTLB@0xf0 MHMV 15";

	(void)state;
	assert_int_equal(FIELD_GET(VTD_CAP_ND, cap), 6);
	assert_int_equal(FIELD_GET(VTD_CAP_SAGAW, cap), VTD_SAGAW_39);
	assert_int_equal(FIELD_GET(VTD_CAP_MGAW, cap), 38);
	assert_false(cap & (VTD_CAP_ZLR | VTD_CAP_CM | VTD_CAP_RWBF | VTD_CAP_AFL));
	assert_int_equal(FIELD_GET(VTD_CAP_FRO, cap), 0x22);
	assert_int_equal(vtd_cap_fault_offset(cap), 0x220);
	assert_int_equal(FIELD_GET(VTD_CAP_SLLPS, cap), VTD_SLLPS_2M | VTD_SLLPS_1G);
	assert_true(cap & VTD_CAP_PSI);
	assert_int_equal(vtd_cap_nfr(cap), 1);
	assert_int_equal(FIELD_GET(VTD_CAP_MAMV, cap), 18);
	assert_true((cap & VTD_CAP_DWD) && (cap & VTD_CAP_DRD));
	assert_false(cap & (VTD_CAP_PI | VTD_CAP_FL1GP | VTD_CAP_ESIRTPS | VTD_CAP_ESRTPS));
	assert_true((ecap & VTD_ECAP_QI) && (ecap & VTD_ECAP_IR) && (ecap & VTD_ECAP_EIM));
	assert_false(ecap & (VTD_ECAP_C | VTD_ECAP_DT | VTD_ECAP_PT | VTD_ECAP_SC));
	assert_int_equal(vtd_ecap_iotlb_offset(ecap), 0xf0);
	assert_int_equal(FIELD_GET(VTD_ECAP_MHMV, ecap), 15);
	assert_int_equal(vtd_caps_describe(0x10, cap, ecap, buf, sizeof(buf)), (int)strlen(want));
	assert_string_equal(buf, want);
}

/* QEMU 7.2 hw/i386/intel_iommu.c vtd_cap_init() with intremap=on under TCG:
 * ECAP = QI | IRO(0xf0) | IR | MHMV | PT (pt defaults on); EIM stays off
 * because eim=auto needs an in-kernel irqchip (PLATFORM.md: EIM off). */
static void test_caps_qemu72_tcg(void **state)
{
	const uint64_t ecap = VTD_ECAP_QI | FIELD_PREP(VTD_ECAP_IRO, 0xf0 / 16) | VTD_ECAP_IR |
			      FIELD_PREP(VTD_ECAP_MHMV, 15) | VTD_ECAP_PT;
	char buf[256];

	(void)state;
	assert_int_equal(ecap, 0xf00f4a);
	assert_true(vtd_caps_describe(0x10, 0x00d2008c22260206ull, ecap, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, ": QI IR EIM- PI- PT C- "));
}

/* A made-up modern unit: every field away from QEMU's values. */
static void test_caps_synthetic(void **state)
{
	const uint64_t cap = FIELD_PREP(VTD_CAP_ND, 2) | VTD_CAP_CM | VTD_CAP_RWBF |
		FIELD_PREP(VTD_CAP_SAGAW, VTD_SAGAW_48 | VTD_SAGAW_57) |
		FIELD_PREP(VTD_CAP_MGAW, 56) | FIELD_PREP(VTD_CAP_FRO, 0x40) |
		FIELD_PREP(VTD_CAP_NFR, 7) | VTD_CAP_PI | VTD_CAP_ESIRTPS;
	const uint64_t ecap = VTD_ECAP_C | VTD_ECAP_SC | VTD_ECAP_PT |
		FIELD_PREP(VTD_ECAP_IRO, 0x50) | VTD_ECAP_SMTS;
	char buf[256];

	(void)state;
	assert_true(vtd_caps_describe(0x60, cap, ecap, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "VT-d 6.0 CAP 0x4800070040380c92 ECAP 0x00000800000050c1: "
			    "QI- IR- EIM- PI PT C SC CM RWBF PSI- ESIRTPS SAGAW 48,57 MGAW 57 "
			    "SLLPS none domains 256 NFR 8 FRCD@0x400 IOTLB@0x500 MHMV 0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_q35),
		cmocka_unit_test(test_qemu_q35_rootport),
		cmocka_unit_test(test_laptop_xps13),
		cmocka_unit_test(test_desktop_x99),
		cmocka_unit_test(test_two_segments),
		cmocka_unit_test(test_match_unresolved_path),
		cmocka_unit_test(test_bad_signature),
		cmocka_unit_test(test_bad_checksum),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_zero_length_structure),
		cmocka_unit_test(test_structure_below_minimum),
		cmocka_unit_test(test_structure_past_end),
		cmocka_unit_test(test_scope_past_structure),
		cmocka_unit_test(test_scope_bad_length),
		cmocka_unit_test(test_drhd_overlap),
		cmocka_unit_test(test_drhd_wraps),
		cmocka_unit_test(test_include_all_not_last),
		cmocka_unit_test(test_two_include_all),
		cmocka_unit_test(test_rmrr_bad_range),
		cmocka_unit_test(test_rmrr_window_and_top_refused),
		cmocka_unit_test(test_real_tables_parse),
		cmocka_unit_test(test_rmrr_for_device),
		cmocka_unit_test(test_unknown_type_skipped),
		cmocka_unit_test(test_many_units),
		cmocka_unit_test(test_many_scopes),
		cmocka_unit_test(test_real_tables_expected),
		cmocka_unit_test(test_zero_base_kept),
		cmocka_unit_test(test_unaligned_buffer),
		cmocka_unit_test(test_describe_limits),
		cmocka_unit_test(test_caps_brief_value),
		cmocka_unit_test(test_caps_qemu72_tcg),
		cmocka_unit_test(test_caps_synthetic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
