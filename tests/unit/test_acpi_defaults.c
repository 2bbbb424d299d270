/*
 * PC defaults (drivers/acpi_defaults.c): which are taken for no tables at
 * all (OVMF under Bochs), tables without a MADT or without an MCFG, and
 * complete tables; the I/O APIC probe's plausibility check; the console
 * line. The hardware is a fake probe that counts its reads.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/acpi.h"

#define APIC_BASE_BSP_EN	0xfee00900ull	/* 0xfee00000, BSP, enabled */
#define APIC_BASE_X2APIC	0xfee00d00ull	/* ... and x2APIC mode */
#define BOCHS_IOAPIC_VER	0x00170011u	/* 24 pins, version 0x11 */
#define BOCHS_IOAPIC_ID		0x01000000u	/* id 1 */

struct fake_ioapic {
	uint32_t ver, id;
	unsigned reads;
};

static uint32_t fake_ioapic_read(void *ctx, uint64_t pa, uint32_t reg)
{
	struct fake_ioapic *f = ctx;

	f->reads++;
	assert_true(pa == ACPI_PC_IOAPIC_PA);
	if (reg == ACPI_PC_IOAPIC_VER)
		return f->ver;
	assert_int_equal(reg, ACPI_PC_IOAPIC_ID);
	return f->id;
}

static struct acpi_pc_probe probe_of(struct fake_ioapic *f, uint64_t msr)
{
	return (struct acpi_pc_probe){ .apic_base_msr = msr,
				       .ioapic_read = fake_ioapic_read, .ctx = f };
}

static void add_table(struct acpi_info *ai, const char *sig, uint64_t pa)
{
	memcpy(ai->tables[ai->ntables].sig, sig, 5);
	ai->tables[ai->ntables++].pa = pa;
}

static void no_report(void *ctx, const char *msg)
{
	(void)ctx;
	fail_msg("unexpected report: %s", msg);
}

static void test_no_tables(void **state)
{
	struct fake_ioapic io = { .ver = BOCHS_IOAPIC_VER, .id = BOCHS_IOAPIC_ID };
	struct acpi_pc_probe probe = probe_of(&io, APIC_BASE_BSP_EN);
	struct acpi_mem mem = { 0 };
	struct acpi_info ai;
	char line[256];
	int len;

	(void)state;
	/* The loader's rsdp_pa 0: no table, no complaint. */
	assert_int_equal(acpi_parse(&ai, 0, &mem, no_report, NULL), -ENOENT);
	assert_int_equal(acpi_pc_defaults(&ai, &probe),
			 ACPI_PC_LAPIC | ACPI_PC_IOAPIC | ACPI_PC_CF8 | ACPI_PC_COM1);
	assert_int_equal(ai.pc_defaults,
			 ACPI_PC_LAPIC | ACPI_PC_IOAPIC | ACPI_PC_CF8 | ACPI_PC_COM1);
	assert_true(ai.lapic_pa == 0xfee00000);
	assert_int_equal(ai.nioapics, 1);
	assert_int_equal(ai.ioapics[0].id, 1);
	assert_int_equal(ai.ioapics[0].pa, 0xfec00000);
	assert_int_equal(ai.ioapics[0].gsi_base, 0);
	assert_true(ai.has_8259);
	assert_int_equal(io.reads, 2);
	len = acpi_pc_defaults_describe(&ai, line, sizeof(line));
	assert_int_equal(len, strlen(line));
	assert_string_equal(line, "acpi: no tables from firmware: using PC defaults "
			    "(LAPIC at 0xfee00000 from IA32_APIC_BASE, I/O APIC id 1 at "
			    "0xfec00000 (version 0x11, 24 pins), COM1, PCI configuration "
			    "mechanism #1, first 256 bytes only)");
	assert_int_equal(acpi_pc_defaults_describe(&ai, line, 30), -ENOSPC);
	assert_int_equal(strlen(line), 29);
}

/* Mode bits (BSP 8, x2APIC 10, enable 11) are not address bits, and a
 * relocated LAPIC is taken where the MSR says. */
static void test_lapic_from_msr(void **state)
{
	struct fake_ioapic io = { .ver = BOCHS_IOAPIC_VER };
	struct acpi_pc_probe probe = probe_of(&io, APIC_BASE_X2APIC);
	struct acpi_info ai = { 0 };

	(void)state;
	acpi_pc_defaults(&ai, &probe);
	assert_true(ai.lapic_pa == 0xfee00000);
	memset(&ai, 0, sizeof(ai));
	probe.apic_base_msr = 0x12345fed00900ull;
	acpi_pc_defaults(&ai, &probe);
	assert_true(ai.lapic_pa == 0x12345fed00000ull);
}

/* Nothing plausible at 0xfec00000: no I/O APIC invented, said so. */
static void test_no_ioapic(void **state)
{
	static const uint32_t bad[] = { 0xffffffff, 0, 0x00170005, 0x00170021,
					0x00f00020 /* 241 pins */ };
	struct fake_ioapic io = { 0 };
	struct acpi_pc_probe probe = probe_of(&io, APIC_BASE_BSP_EN);
	struct acpi_info ai;
	char line[256];
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&ai, 0, sizeof(ai));
		io.ver = bad[i];
		io.reads = 0;
		assert_int_equal(acpi_pc_defaults(&ai, &probe),
				 ACPI_PC_LAPIC | ACPI_PC_NO_IOAPIC | ACPI_PC_CF8 | ACPI_PC_COM1);
		assert_int_equal(ai.nioapics, 0);
		assert_false(ai.has_8259);
		assert_int_equal(io.reads, 1);	/* the ID register is not read */
	}
	io.ver = 0xffffffff;
	memset(&ai, 0, sizeof(ai));
	acpi_pc_defaults(&ai, &probe);
	acpi_pc_defaults_describe(&ai, line, sizeof(line));
	assert_non_null(strstr(line, "no I/O APIC: version register at 0xfec00000 reads "
				     "0xffffffff"));
}

static void test_ioapic_plausible(void **state)
{
	(void)state;
	assert_true(acpi_ioapic_ver_plausible(0x00170011));	/* 82093AA, Bochs */
	assert_true(acpi_ioapic_ver_plausible(0x00170020));	/* ICH, QEMU */
	assert_true(acpi_ioapic_ver_plausible(0x00770020));	/* 120 pins */
	assert_true(acpi_ioapic_ver_plausible(0x00ef0010));	/* 240 pins */
	assert_false(acpi_ioapic_ver_plausible(0x00f00010));	/* 241 */
	assert_false(acpi_ioapic_ver_plausible(0x0017000f));
	assert_false(acpi_ioapic_ver_plausible(0xffffffff));
	assert_false(acpi_ioapic_ver_plausible(0));
}

/* A MADT and an MCFG: nothing to fill in, no probe, no line. */
static void test_complete_tables(void **state)
{
	struct fake_ioapic io = { .ver = BOCHS_IOAPIC_VER };
	struct acpi_pc_probe probe = probe_of(&io, APIC_BASE_BSP_EN);
	struct acpi_info ai = { 0 };
	char line[256];

	(void)state;
	add_table(&ai, "APIC", 0x1000);
	add_table(&ai, "MCFG", 0x2000);
	ai.lapic_pa = 0xfee00000;
	ai.nioapics = 1;
	ai.ioapics[0].pa = 0xfec00000;
	ai.necam = 1;
	assert_int_equal(acpi_pc_defaults(&ai, &probe), 0);
	assert_int_equal(io.reads, 0);
	assert_int_equal(acpi_pc_defaults_describe(&ai, line, sizeof(line)), -ENOENT);
}

/* A real board without an MCFG keeps its MADT and gets mechanism #1. */
static void test_no_mcfg(void **state)
{
	struct fake_ioapic io = { .ver = BOCHS_IOAPIC_VER };
	struct acpi_pc_probe probe = probe_of(&io, APIC_BASE_BSP_EN);
	struct acpi_info ai = { 0 };
	char line[256];

	(void)state;
	add_table(&ai, "FACP", 0x1000);
	add_table(&ai, "APIC", 0x2000);
	ai.lapic_pa = 0xfee00000;
	ai.nioapics = 2;
	assert_int_equal(acpi_pc_defaults(&ai, &probe), ACPI_PC_CF8);
	assert_int_equal(io.reads, 0);
	assert_int_equal(ai.nioapics, 2);
	acpi_pc_defaults_describe(&ai, line, sizeof(line));
	assert_string_equal(line, "acpi: no MCFG: using PC defaults (PCI configuration "
			    "mechanism #1, first 256 bytes only)");
}

/* Tables but no MADT: the APICs from the PC defaults, ECAM from the MCFG,
 * the console as the tables say (no COM1 claim). */
static void test_no_madt(void **state)
{
	struct fake_ioapic io = { .ver = 0x00170020 };
	struct acpi_pc_probe probe = probe_of(&io, APIC_BASE_BSP_EN);
	struct acpi_info ai = { 0 };
	char line[256];

	(void)state;
	add_table(&ai, "FACP", 0x1000);
	add_table(&ai, "MCFG", 0x2000);
	ai.necam = 1;
	assert_int_equal(acpi_pc_defaults(&ai, &probe), ACPI_PC_LAPIC | ACPI_PC_IOAPIC);
	acpi_pc_defaults_describe(&ai, line, sizeof(line));
	assert_string_equal(line, "acpi: no MADT: using PC defaults (LAPIC at 0xfee00000 "
			    "from IA32_APIC_BASE, I/O APIC id 0 at 0xfec00000 (version "
			    "0x20, 24 pins))");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_tables),
		cmocka_unit_test(test_lapic_from_msr),
		cmocka_unit_test(test_no_ioapic),
		cmocka_unit_test(test_ioapic_plausible),
		cmocka_unit_test(test_complete_tables),
		cmocka_unit_test(test_no_mcfg),
		cmocka_unit_test(test_no_madt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
