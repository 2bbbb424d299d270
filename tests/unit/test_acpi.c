/*
 * ACPI parser tests on real tables captured from QEMU 7.2 q35 + OVMF
 * (tests/data/acpi/, see the README there), placed at their original
 * physical addresses in a fake physical memory, plus corrupt variants made
 * from them. Run from the repository root, or build with
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

#include "drivers/acpi.h"

#ifndef TEST_DATA_DIR
#define TEST_DATA_DIR "tests/data"
#endif

/* Where OVMF placed the tables in the capture (addresses.txt, README.md). */
#define Q35_RSDP	0x1f77d014ull
#define Q35_RSDT	0x1f77c074ull
#define Q35_XSDT	0x1f77c0e8ull
#define Q35_FACP	0x1f778000ull
#define Q35_DSDT	0x1f779000ull
#define Q35_APIC	0x1f777000ull
#define Q35_HPET	0x1f776000ull
#define Q35_MCFG	0x1f775000ull
#define Q35_DMAR	0x1f774000ull
#define Q35_WAET	0x1f773000ull
#define FREE_PA		0x1f700000ull	/* nothing there in the capture */

#define MAX_REGIONS	16
#define MAX_REPORTS	32

struct region {
	char name[16];
	uint64_t pa;
	uint8_t *buf;
	size_t len;
};

struct fake {
	struct region r[MAX_REGIONS];
	unsigned n;
	char reports[MAX_REPORTS][160];
	unsigned nreports;
	struct acpi_mem mem;
	struct acpi_info ai;
};

static const void *fake_map(void *ctx, uint64_t pa, uint64_t len)
{
	struct fake *f = ctx;
	unsigned i;

	for (i = 0; i < f->n; i++)
		if (pa >= f->r[i].pa && len <= f->r[i].len &&
		    pa - f->r[i].pa <= f->r[i].len - len)
			return f->r[i].buf + (pa - f->r[i].pa);
	return NULL;
}

static void fake_report(void *ctx, const char *msg)
{
	struct fake *f = ctx;

	assert_true(f->nreports < MAX_REPORTS);
	snprintf(f->reports[f->nreports++], sizeof(f->reports[0]), "%s", msg);
}

/* How many reports contain s. */
static unsigned reported(const struct fake *f, const char *s)
{
	unsigned i, n = 0;

	for (i = 0; i < f->nreports; i++)
		n += strstr(f->reports[i], s) != NULL;
	return n;
}

static void add_region(struct fake *f, const char *name, uint64_t pa,
		       const void *data, size_t len)
{
	struct region *r = &f->r[f->n++];

	assert_true(f->n <= MAX_REGIONS);
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->pa = pa;
	r->len = len;
	r->buf = malloc(len);
	assert_non_null(r->buf);
	memcpy(r->buf, data, len);
}

static void load_file(struct fake *f, const char *dir, const char *file, uint64_t pa)
{
	char path[256], name[16];
	uint8_t data[65536];
	size_t len;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fp = fopen(path, "rb");
	if (!fp)
		fail_msg("cannot open %s (run from the repository root)", path);
	len = fread(data, 1, sizeof(data), fp);
	fclose(fp);
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(file, "."), file);
	add_region(f, name, pa, data, len);
}

/* Load every table listed in DIR/addresses.txt ("file pa len"). */
static struct fake *fake_load(const char *capture)
{
	char dir[200], path[256], file[32];
	unsigned long long pa;
	struct fake *f;
	unsigned len;
	FILE *fp;

	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->mem.map = fake_map;
	f->mem.ctx = f;
	snprintf(dir, sizeof(dir), "%s/acpi/%s", TEST_DATA_DIR, capture);
	snprintf(path, sizeof(path), "%s/addresses.txt", dir);
	fp = fopen(path, "r");
	if (!fp)
		fail_msg("cannot open %s (run from the repository root)", path);
	while (fscanf(fp, "%31s %llx %u", file, &pa, &len) == 3)
		load_file(f, dir, file, pa);
	fclose(fp);
	return f;
}

static struct region *table(struct fake *f, const char *name)
{
	unsigned i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->r[i].name, name) == 0)
			return &f->r[i];
	fail_msg("no table %s", name);
	return NULL;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

/* Make an SDT's checksum right again after an edit. */
static void fix_checksum(struct region *r)
{
	struct acpi_sdt_header *h = (void *)r->buf;

	h->checksum = 0;
	h->checksum = (uint8_t)-acpi_checksum(r->buf, h->length);
}

/* Grow a table by len bytes of data, fixing its length and checksum. */
static void append(struct region *r, const void *data, size_t len)
{
	struct acpi_sdt_header *h;

	r->buf = realloc(r->buf, r->len + len);
	assert_non_null(r->buf);
	memcpy(r->buf + r->len, data, len);
	r->len += len;
	h = (void *)r->buf;
	h->length = (uint32_t)r->len;
	fix_checksum(r);
}

static void xsdt_append(struct fake *f, uint64_t pa)
{
	uint8_t e[8];

	put64(e, pa);
	append(table(f, "xsdt"), e, sizeof(e));
}

static int parse(struct fake *f)
{
	return acpi_parse(&f->ai, Q35_RSDP, &f->mem, fake_report, f);
}

static int setup_q35(void **state)
{
	*state = fake_load("qemu-q35");
	return 0;
}

static int setup_q35_rootport(void **state)
{
	*state = fake_load("qemu-q35-rootport");
	return 0;
}

static int teardown(void **state)
{
	struct fake *f = *state;
	unsigned i;

	for (i = 0; i < f->n; i++)
		free(f->r[i].buf);
	free(f);
	return 0;
}

/* ---- The captured tables as they are ---- */

static void test_checksum(void **state)
{
	struct fake *f = *state;
	static const uint8_t b[] = { 0x10, 0xf0, 0x01, 0xff };

	assert_int_equal(acpi_checksum(b, sizeof(b)), 0x00);
	assert_int_equal(acpi_checksum(b, 3), 0x01);
	assert_int_equal(acpi_checksum(table(f, "apic")->buf, 120), 0);
}

static void test_q35_tables(void **state)
{
	struct fake *f = *state;
	struct acpi_info *ai = &f->ai;
	static const char *const sigs[] = {
		"FACP", "DSDT", "APIC", "HPET", "MCFG", "DMAR", "WAET"
	};
	unsigned i;

	assert_int_equal(parse(f), 0);
	assert_int_equal(f->nreports, 0);
	assert_int_equal(ai->rsdp_pa, Q35_RSDP);
	assert_int_equal(ai->revision, 2);
	assert_string_equal(ai->oem_id, "BOCHS ");
	/* XSDT order, with the DSDT right after the FADT that points at it */
	assert_int_equal(ai->ntables, ARRAY_SIZE(sigs));
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		assert_string_equal(ai->tables[i].sig, sigs[i]);
	assert_string_equal(ai->tables[2].oem_table_id, "BXPC    ");
	assert_int_equal(ai->tables[2].len, 120);
	assert_int_equal(acpi_find(ai, "APIC", 0), Q35_APIC);
	assert_int_equal(acpi_find(ai, "DSDT", 0), Q35_DSDT);
	assert_int_equal(acpi_find(ai, "WAET", 0), Q35_WAET);
	assert_int_equal(acpi_find(ai, "APIC", 1), 0);
	assert_int_equal(acpi_find(ai, "SSDT", 0), 0);
}

static void test_q35_madt(void **state)
{
	struct fake *f = *state;
	struct acpi_info *ai = &f->ai;
	static const struct { uint8_t irq; uint32_t gsi; uint16_t flags; } isos[] = {
		{ 0, 2, 0 }, { 5, 5, 0xd }, { 9, 9, 0xd }, { 10, 10, 0xd }, { 11, 11, 0xd },
	};
	unsigned i;

	assert_int_equal(parse(f), 0);
	assert_int_equal(ai->lapic_pa, 0xfee00000);
	assert_int_equal(ai->ncpus, 1);
	assert_int_equal(ai->apic_ids[0], 0);
	assert_int_equal(ai->nioapics, 1);
	assert_int_equal(ai->ioapics[0].id, 0);
	assert_int_equal(ai->ioapics[0].pa, 0xfec00000);
	assert_int_equal(ai->ioapics[0].gsi_base, 0);
	assert_true(ai->has_8259);
	/* IRQ0 -> GSI2; PCI link IRQs 5, 9, 10, 11 level, active high */
	assert_int_equal(ai->nisos, ARRAY_SIZE(isos));
	for (i = 0; i < ARRAY_SIZE(isos); i++) {
		assert_int_equal(ai->isos[i].bus_irq, isos[i].irq);
		assert_int_equal(ai->isos[i].gsi, isos[i].gsi);
		assert_int_equal(ai->isos[i].flags, isos[i].flags);
	}
}

static void test_q35_mcfg_hpet_dmar(void **state)
{
	struct fake *f = *state;
	struct acpi_info *ai = &f->ai;

	assert_int_equal(parse(f), 0);
	assert_int_equal(ai->necam, 1);
	assert_int_equal(ai->ecam[0].base, 0xb0000000);
	assert_int_equal(ai->ecam[0].segment, 0);
	assert_int_equal(ai->ecam[0].bus_start, 0);
	assert_int_equal(ai->ecam[0].bus_end, 255);
	assert_true(ai->has_hpet);
	assert_int_equal(ai->hpet_pa, 0xfed00000);
	assert_int_equal(ai->dmar_pa, Q35_DMAR);
	assert_int_equal(ai->dmar_len, 112);
	assert_false(ai->has_spcr);	/* QEMU x86 has no SPCR */
}

static void test_q35_fadt(void **state)
{
	struct fake *f = *state;
	struct acpi_info *ai = &f->ai;

	assert_int_equal(parse(f), 0);
	assert_true(ai->has_fadt);
	assert_int_equal(ai->pm_tmr_port, 0x608);	/* ICH9 PMBASE 0x600 + 8 */
	assert_false(ai->pm_tmr_32bit);			/* 24-bit timer */
	assert_int_equal(ai->pm1a_cnt_port, 0x604);
	assert_int_equal(ai->pm1b_cnt_port, 0);
	assert_int_equal(ai->dsdt_pa, Q35_DSDT);
	assert_true(ai->has_s5);			/* Package(4){0, 0, 0, 0} */
	assert_int_equal(ai->s5_slp_typa, 0);
	assert_int_equal(ai->s5_slp_typb, 0);
	assert_true(ai->has_reset);			/* port 0xcf9, value 0x0f */
	assert_int_equal(ai->reset_space, ACPI_GAS_IO);
	assert_int_equal(ai->reset_addr, 0xcf9);
	assert_int_equal(ai->reset_value, 0x0f);
	assert_int_equal(ai->iapc_boot_arch, 0x2);	/* 8042 */
	assert_int_equal(ai->fadt_flags, 0x84a5);
}

/* Same machine plus a PCIe root port: the DMAR gains a device scope. */
static void test_q35_rootport(void **state)
{
	struct fake *f = *state;

	assert_int_equal(parse(f), 0);
	assert_int_equal(f->nreports, 0);
	assert_int_equal(f->ai.dmar_pa, Q35_DMAR);
	assert_int_equal(f->ai.dmar_len, 120);
	assert_int_equal(f->ai.ecam[0].base, 0xb0000000);
	assert_int_equal(f->ai.ioapics[0].pa, 0xfec00000);
	assert_true(f->ai.has_s5);
}

/* ---- RSDP and root tables ---- */

static void test_rsdp_bad_checksum(void **state)
{
	struct fake *f = *state;

	table(f, "rsdp")->buf[8] ^= 1;
	assert_int_equal(parse(f), -EINVAL);
	assert_int_equal(reported(f, "RSDP at 0x1f77d014: bad checksum"), 1);
	assert_int_equal(f->ai.ntables, 0);
}

static void test_rsdp_bad_ext_checksum(void **state)
{
	struct fake *f = *state;

	table(f, "rsdp")->buf[32] ^= 1;	/* ext_checksum: v1 part still fine */
	assert_int_equal(parse(f), -EINVAL);
	assert_int_equal(reported(f, "bad extended checksum"), 1);
}

static void test_rsdp_bad_signature_or_address(void **state)
{
	struct fake *f = *state;

	assert_int_equal(acpi_parse(&f->ai, FREE_PA, &f->mem, fake_report, f), -EINVAL);
	assert_int_equal(reported(f, "RSDP at 0x1f700000: not accessible"), 1);
	table(f, "rsdp")->buf[0] = 'X';
	assert_int_equal(parse(f), -EINVAL);
	assert_int_equal(reported(f, "bad signature"), 1);
}

static void test_xsdt_bad_checksum_falls_back_to_rsdt(void **state)
{
	struct fake *f = *state;

	table(f, "xsdt")->buf[40] ^= 0x80;
	assert_int_equal(parse(f), 0);
	assert_int_equal(reported(f, "XSDT at 0x1f77c0e8: bad checksum (sum 0x80)"), 1);
	assert_int_equal(reported(f, "falling back to the RSDT at 0x1f77c074"), 1);
	assert_int_equal(f->ai.ntables, 7);
	assert_int_equal(f->ai.ecam[0].base, 0xb0000000);
	assert_int_equal(f->ai.dmar_pa, Q35_DMAR);
}

static void test_no_usable_root(void **state)
{
	struct fake *f = *state;

	table(f, "xsdt")->buf[40] ^= 1;
	table(f, "rsdt")->buf[40] ^= 1;
	assert_int_equal(parse(f), -EINVAL);
	assert_int_equal(reported(f, "no usable XSDT or RSDT"), 1);
}

static void test_xsdt_null_and_duplicate_entries(void **state)
{
	struct fake *f = *state;

	xsdt_append(f, 0);
	xsdt_append(f, Q35_APIC);
	assert_int_equal(parse(f), 0);
	assert_int_equal(reported(f, "XSDT entry 6 is null"), 1);
	assert_int_equal(reported(f, "APIC at 0x1f777000: second instance, ignored"), 1);
	assert_int_equal(acpi_find(&f->ai, "APIC", 1), Q35_APIC);
	assert_int_equal(f->ai.ncpus, 1);	/* not counted twice */
}

/* ---- Bad tables are reported and skipped ---- */

static void test_table_bad_checksum_skipped(void **state)
{
	struct fake *f = *state;

	table(f, "hpet")->buf[44] ^= 0x3c;	/* inside the HPET base address */
	assert_int_equal(parse(f), 0);
	assert_int_equal(reported(f, "HPET at 0x1f776000: bad checksum (sum 0x3c), skipped"), 1);
	assert_int_equal(f->nreports, 1);
	assert_false(f->ai.has_hpet);
	assert_int_equal(acpi_find(&f->ai, "HPET", 0), 0);
	assert_int_equal(f->ai.ntables, 6);
	assert_int_equal(f->ai.nioapics, 1);	/* the others still parsed */
}

static void test_table_length_below_header(void **state)
{
	struct fake *f = *state;

	put32(table(f, "hpet")->buf + 4, 20);
	assert_int_equal(parse(f), 0);
	assert_int_equal(reported(f, "HPET at 0x1f776000: length 20 outside 36.."), 1);
	assert_false(f->ai.has_hpet);
}

static void test_table_length_huge(void **state)
{
	struct fake *f = *state;

	put32(table(f, "mcfg")->buf + 4, 0xfffffff0);
	put32(table(f, "hpet")->buf + 4, 0x100000);	/* 1 MiB: runs off memory */
	assert_int_equal(parse(f), 0);
	assert_int_equal(reported(f, "MCFG at 0x1f775000: length 4294967280 outside"), 1);
	assert_int_equal(reported(f, "HPET at 0x1f776000: length 1048576 not accessible"), 1);
	assert_int_equal(f->ai.necam, 0);
	assert_false(f->ai.has_hpet);
	assert_int_equal(f->ai.ncpus, 1);
}

static void test_table_header_not_mapped(void **state)
{
	struct fake *f = *state;

	xsdt_append(f, FREE_PA);
	assert_int_equal(parse(f), 0);
	assert_int_equal(reported(f, "XSDT entry 6 at 0x1f700000: header not accessible"), 1);
}

/* ---- MADT ---- */

#define MADT_LAST_ENTRY	114	/* the 6-byte LAPIC NMI entry, last one */
#define MADT_IOAPIC	52

static void test_madt_entry_beyond_end(void **state)
{
	struct fake *f = *state;
	struct region *apic = table(f, "apic");

	apic->buf[MADT_LAST_ENTRY + 1] = 20;
	fix_checksum(apic);
	assert_int_equal(parse(f), 0);
	assert_int_equal(reported(f, "APIC at 0x1f777000: entry at offset 114 has length 20 "
				  "(table length 120)"), 1);
	assert_int_equal(f->ai.ncpus, 1);
	assert_int_equal(f->ai.nisos, 5);
}

static void test_madt_truncated_table(void **state)
{
	struct fake *f = *state;
	struct region *apic = table(f, "apic");

	put32(apic->buf + 4, 70);	/* cuts the first ISO (64..73) */
	fix_checksum(apic);
	assert_int_equal(parse(f), 0);
	assert_int_equal(reported(f, "entry at offset 64 has length 10 (table length 70)"), 1);
	assert_int_equal(f->ai.nioapics, 1);
	assert_int_equal(f->ai.nisos, 0);
}

static void test_madt_zero_length_entry(void **state)
{
	struct fake *f = *state;
	struct region *apic = table(f, "apic");

	apic->buf[MADT_IOAPIC + 1] = 0;
	fix_checksum(apic);
	assert_int_equal(parse(f), 0);	/* and returns at all */
	assert_int_equal(reported(f, "entry at offset 52 has length 0"), 1);
	assert_int_equal(f->ai.ncpus, 1);
	assert_int_equal(f->ai.nioapics, 0);
}

static void test_madt_short_entry(void **state)
{
	struct fake *f = *state;
	struct region *apic = table(f, "apic");
	/* an IOAPIC entry of length 8 (needs 12), then a valid one */
	static const uint8_t e[] = { 1, 8, 7, 0, 0, 0, 0xc0, 0xfe,
				     1, 12, 9, 0, 0, 0x10, 0xc0, 0xfe, 24, 0, 0, 0 };

	append(apic, e, sizeof(e));
	assert_int_equal(parse(f), 0);
	assert_int_equal(reported(f, "APIC: entry type 1 has length 8, needs 12"), 1);
	assert_int_equal(f->ai.nioapics, 2);
	assert_int_equal(f->ai.ioapics[1].id, 9);
	assert_int_equal(f->ai.ioapics[1].pa, 0xfec01000);
	assert_int_equal(f->ai.ioapics[1].gsi_base, 24);
}

static void test_madt_too_many_ioapics(void **state)
{
	struct fake *f = *state;
	struct region *apic = table(f, "apic");
	uint8_t e[12] = { 1, 12 };
	unsigned i;

	for (i = 1; i <= 10; i++) {
		e[2] = (uint8_t)i;
		put32(e + 4, 0xfec00000 + i * 0x1000);
		put32(e + 8, 24 * i);
		append(apic, e, sizeof(e));
	}
	assert_int_equal(parse(f), 0);
	assert_int_equal(f->ai.nioapics, ACPI_MAX_IOAPICS);
	assert_int_equal(f->ai.ioapics[7].id, 7);
	assert_int_equal(f->ai.ioapics[7].gsi_base, 168);
	assert_int_equal(reported(f, "more than 8 IOAPICs, keeping the first 8"), 1);
	assert_int_equal(f->nreports, 1);
}

static void test_madt_x2apic_and_lapic_override(void **state)
{
	struct fake *f = *state;
	struct region *apic = table(f, "apic");
	static const uint8_t e[] = {
		9, 16, 0, 0, 0x00, 0x01, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0,	/* x2APIC 256 */
		9, 16, 0, 0, 0x01, 0x01, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0,	/* disabled */
		0, 8, 3, 0, 1, 0, 0, 0,					/* dup id 0 */
		5, 12, 0, 0, 0, 0, 0xe0, 0xfe, 1, 0, 0, 0,		/* override */
	};

	append(apic, e, sizeof(e));
	assert_int_equal(parse(f), 0);
	assert_int_equal(f->ai.ncpus, 2);
	assert_int_equal(f->ai.apic_ids[1], 256);
	assert_int_equal(reported(f, "APIC id 0 listed twice"), 1);
	assert_int_equal(f->ai.lapic_pa, 0x1fee00000ull);
}

/* ---- FADT and DSDT ---- */

#define FADT_X_DSDT		140
#define FADT_X_PM_TMR_BLK	208

static void test_fadt_x_pm_timer_preferred(void **state)
{
	struct fake *f = *state;
	struct region *facp = table(f, "facp");

	put64(facp->buf + FADT_X_PM_TMR_BLK + 4, 0x708);
	fix_checksum(facp);
	assert_int_equal(parse(f), 0);
	assert_int_equal(f->ai.pm_tmr_port, 0x708);
}

static void test_fadt_x_pm_timer_not_io(void **state)
{
	struct fake *f = *state;
	struct region *facp = table(f, "facp");

	facp->buf[FADT_X_PM_TMR_BLK] = ACPI_GAS_MEMORY;
	fix_checksum(facp);
	assert_int_equal(parse(f), 0);
	assert_int_equal(f->ai.pm_tmr_port, 0x608);
	assert_int_equal(reported(f, "X_PM_TMR_BLK space 0 address 0x608 is not an I/O port"), 1);
}

static void test_fadt_bad_x_dsdt_uses_dsdt(void **state)
{
	struct fake *f = *state;
	struct region *facp = table(f, "facp");

	put64(facp->buf + FADT_X_DSDT, FREE_PA);
	fix_checksum(facp);
	assert_int_equal(parse(f), 0);
	assert_int_equal(reported(f, "X_DSDT at 0x1f700000: header not accessible"), 1);
	assert_int_equal(f->ai.dsdt_pa, Q35_DSDT);
	assert_true(f->ai.has_s5);
}

static void test_fadt_acpi1_length(void **state)
{
	struct fake *f = *state;
	struct region *facp = table(f, "facp");

	put32(facp->buf + 4, ACPI_FADT_MIN_LEN);	/* no X_ fields, no RESET_REG */
	fix_checksum(facp);
	assert_int_equal(parse(f), 0);
	assert_int_equal(f->ai.pm_tmr_port, 0x608);
	assert_int_equal(f->ai.dsdt_pa, Q35_DSDT);
	assert_false(f->ai.has_reset);
	assert_int_equal(reported(f, "RESET_REG_SUP set but length 116 ends before RESET_REG"), 1);
}

static void test_fadt_too_short(void **state)
{
	struct fake *f = *state;
	struct region *facp = table(f, "facp");

	put32(facp->buf + 4, 100);
	fix_checksum(facp);
	assert_int_equal(parse(f), 0);
	assert_int_equal(reported(f, "FACP at 0x1f778000: length 100 below 116"), 1);
	assert_false(f->ai.has_fadt);
	assert_int_equal(f->ai.dsdt_pa, 0);
}

/* Replace the DSDT by a header plus aml. */
static void dsdt_replace(struct fake *f, const uint8_t *aml, size_t len)
{
	struct region *dsdt = table(f, "dsdt");

	dsdt->len = sizeof(struct acpi_sdt_header);
	append(dsdt, aml, len);
}

static void test_dsdt_s5_byte_values(void **state)
{
	struct fake *f = *state;
	/* Name(\_S5, Package(4){5, 5, 0, 0}) as PIIX firmware writes it */
	static const uint8_t aml[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x08, 0x04,
				       0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00 };

	dsdt_replace(f, aml, sizeof(aml));
	assert_int_equal(parse(f), 0);
	assert_true(f->ai.has_s5);
	assert_int_equal(f->ai.s5_slp_typa, 5);
	assert_int_equal(f->ai.s5_slp_typb, 5);
}

static void test_dsdt_s5_truncated(void **state)
{
	struct fake *f = *state;
	/* package length 0x0a runs past the end of the table */
	static const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x0a, 0x04, 0x0a };

	dsdt_replace(f, aml, sizeof(aml));
	assert_int_equal(parse(f), 0);
	assert_false(f->ai.has_s5);
	assert_int_equal(reported(f, "_S5_ at offset 37 is not a package"), 1);
}

/* Found by fuzzing: the table ends right after the PackageOp, so there is
 * no PkgLength byte to read (the decoder read one byte past the table). */
static void test_dsdt_s5_package_op_at_end(void **state)
{
	struct fake *f = *state;
	static const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12 };

	dsdt_replace(f, aml, sizeof(aml));
	assert_int_equal(parse(f), 0);
	assert_false(f->ai.has_s5);
	assert_int_equal(reported(f, "_S5_ at offset 37 is not a package"), 1);
}

static void test_dsdt_s5_not_a_name(void **state)
{
	struct fake *f = *state;
	/* a reference to _S5_ (in a method, say) is not its definition */
	static const uint8_t aml[] = { 0x70, '_', 'S', '5', '_', 0x60 };

	dsdt_replace(f, aml, sizeof(aml));
	assert_int_equal(parse(f), 0);
	assert_false(f->ai.has_s5);
	assert_int_equal(f->nreports, 0);
}

/* ---- SPCR (not in QEMU x86: made up) and MCFG ---- */

static void test_spcr(void **state)
{
	struct fake *f = *state;
	struct acpi_spcr s;

	memset(&s, 0, sizeof(s));
	memcpy(&s.hdr, table(f, "waet")->buf, sizeof(s.hdr));
	memcpy(s.hdr.sig, "SPCR", 4);
	s.hdr.length = ACPI_SPCR_MIN_LEN;
	s.hdr.revision = 2;
	s.base.space_id = ACPI_GAS_IO;
	s.base.bit_width = 8;
	s.base.address = 0x3f8;
	s.baud = 7;
	add_region(f, "spcr", FREE_PA, &s, ACPI_SPCR_MIN_LEN);
	fix_checksum(table(f, "spcr"));
	xsdt_append(f, FREE_PA);
	assert_int_equal(parse(f), 0);
	assert_true(f->ai.has_spcr);
	assert_int_equal(f->ai.spcr_space, ACPI_GAS_IO);
	assert_int_equal(f->ai.spcr_addr, 0x3f8);
	assert_int_equal(f->ai.spcr_iftype, 0);
	assert_int_equal(f->ai.spcr_baud, 115200);
	assert_int_equal(acpi_find(&f->ai, "SPCR", 0), FREE_PA);
}

static void test_mcfg_bad_entries(void **state)
{
	struct fake *f = *state;
	struct region *mcfg = table(f, "mcfg");
	struct acpi_mcfg_alloc a = { .base = 0xc0000000, .segment = 1,
				     .bus_start = 9, .bus_end = 8 };
	uint8_t junk[4] = { 0 };

	append(mcfg, &a, sizeof(a));
	append(mcfg, junk, sizeof(junk));
	assert_int_equal(parse(f), 0);
	assert_int_equal(reported(f, "MCFG: segment 1 base 0xc0000000 buses 9-8 invalid"), 1);
	assert_int_equal(reported(f, "length 80 is not 44 + 16 * n"), 1);
	assert_int_equal(f->ai.necam, 1);
}

#define Q35_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup_q35, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		Q35_TEST(test_checksum),
		Q35_TEST(test_q35_tables),
		Q35_TEST(test_q35_madt),
		Q35_TEST(test_q35_mcfg_hpet_dmar),
		Q35_TEST(test_q35_fadt),
		cmocka_unit_test_setup_teardown(test_q35_rootport, setup_q35_rootport, teardown),
		Q35_TEST(test_rsdp_bad_checksum),
		Q35_TEST(test_rsdp_bad_ext_checksum),
		Q35_TEST(test_rsdp_bad_signature_or_address),
		Q35_TEST(test_xsdt_bad_checksum_falls_back_to_rsdt),
		Q35_TEST(test_no_usable_root),
		Q35_TEST(test_xsdt_null_and_duplicate_entries),
		Q35_TEST(test_table_bad_checksum_skipped),
		Q35_TEST(test_table_length_below_header),
		Q35_TEST(test_table_length_huge),
		Q35_TEST(test_table_header_not_mapped),
		Q35_TEST(test_madt_entry_beyond_end),
		Q35_TEST(test_madt_truncated_table),
		Q35_TEST(test_madt_zero_length_entry),
		Q35_TEST(test_madt_short_entry),
		Q35_TEST(test_madt_too_many_ioapics),
		Q35_TEST(test_madt_x2apic_and_lapic_override),
		Q35_TEST(test_fadt_x_pm_timer_preferred),
		Q35_TEST(test_fadt_x_pm_timer_not_io),
		Q35_TEST(test_fadt_bad_x_dsdt_uses_dsdt),
		Q35_TEST(test_fadt_acpi1_length),
		Q35_TEST(test_fadt_too_short),
		Q35_TEST(test_dsdt_s5_byte_values),
		Q35_TEST(test_dsdt_s5_truncated),
		Q35_TEST(test_dsdt_s5_package_op_at_end),
		Q35_TEST(test_dsdt_s5_not_a_name),
		Q35_TEST(test_spcr),
		Q35_TEST(test_mcfg_bad_entries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
