/* Unit tests of hv/provenance.c: the run id from the firmware's time, the
 * build's dirty flag, the emulator verdict and the PLATFORM line's JSON
 * with hostile firmware strings. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/provenance.h"

static const struct bootinfo_time noon = {
	.year = 2026, .month = 12, .day = 3, .hour = 10, .minute = 15, .second = 0, .valid = 1,
};

static void test_run_id(void **state)
{
	struct bootinfo_time t = noon;
	char id[PROV_RUN_MAX + 1];

	(void)state;
	prov_run_id(id, sizeof(id), &t, 0x123456783f2aULL);
	assert_string_equal(id, "20261203T101500-3f2a");
	prov_run_id(id, sizeof(id), &t, 0);
	assert_string_equal(id, "20261203T101500-0000");
	t.year = 9999;
	t.month = 1;
	t.day = 31;
	t.hour = 23;
	t.minute = 59;
	t.second = 59;
	prov_run_id(id, sizeof(id), &t, UINT64_MAX);
	assert_string_equal(id, "99990131T235959-ffff");
}

/* The firmware's time is input: a field out of range is no time at all. */
static void test_run_id_bad_time(void **state)
{
	static const struct bootinfo_time bad[] = {
		{ .year = 2026, .month = 12, .day = 3, .valid = 0 },
		{ .year = 1997, .month = 12, .day = 3, .valid = 1 },
		{ .year = 10000, .month = 12, .day = 3, .valid = 1 },
		{ .year = 2026, .month = 0, .day = 3, .valid = 1 },
		{ .year = 2026, .month = 13, .day = 3, .valid = 1 },
		{ .year = 2026, .month = 12, .day = 0, .valid = 1 },
		{ .year = 2026, .month = 12, .day = 32, .valid = 1 },
		{ .year = 2026, .month = 12, .day = 3, .hour = 24, .valid = 1 },
		{ .year = 2026, .month = 12, .day = 3, .minute = 60, .valid = 1 },
		{ .year = 2026, .month = 12, .day = 3, .second = 60, .valid = 1 },
	};
	char id[PROV_RUN_MAX + 1];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		prov_run_id(id, sizeof(id), &bad[i], 0xbeef);
		assert_string_equal(id, "notime-beef");
	}
}

static void test_build_dirty(void **state)
{
	(void)state;
	assert_true(prov_build_dirty("0c449de-dirty"));
	assert_true(prov_build_dirty("v1.0-3-g0c449de-dirty"));
	assert_false(prov_build_dirty("0c449de"));
	assert_false(prov_build_dirty("dirty"));
	assert_false(prov_build_dirty("-dirtyx"));
	assert_false(prov_build_dirty(""));
}

static void test_emulator(void **state)
{
	struct smbios_info fw = { .found = true };

	(void)state;
	assert_null(prov_emulator(NULL, NULL, false, false));
	assert_null(prov_emulator(&fw, "KVMKVMKVM\0\0\0", false, false));
	strcpy(fw.sys_vendor, "QEMU");
	assert_string_equal(prov_emulator(&fw, NULL, false, false), "qemu");
	strcpy(fw.sys_vendor, "QEMU Inc");
	assert_null(prov_emulator(&fw, NULL, false, false));
	strcpy(fw.bios_vendor, "The Bochs Project");
	assert_string_equal(prov_emulator(&fw, NULL, false, false), "bochs");
	assert_string_equal(prov_emulator(NULL, "TCGTCGTCGTCG", false, false), "qemu");
	assert_string_equal(prov_emulator(NULL, NULL, true, false), "qemu");
	assert_string_equal(prov_emulator(NULL, NULL, false, true), "bochs");
}

static struct prov_platform qemu_platform(const struct smbios_info *fw)
{
	return (struct prov_platform){
		.run = "20261203T101500-3f2a", .build = "v1-2-g0c449de-dirty",
		.cpu = { .vendor = "AuthenticAMD", .brand = "AMD EPYC", .family = 15,
			 .model = 107, .stepping = 1 },
		.fw = fw, .vtd = true, .vtd_ver_known = true, .vtd_major = 1, .vtd_units = 1,
		.emulator = "qemu", .backend = "svm",
	};
}

static void test_platform_json(void **state)
{
	struct smbios_info fw = { .found = true, .major = 3, .minor = 0,
				  .bios_vendor = "EFI Development Kit II / OVMF",
				  .bios_version = "0.0.0", .bios_date = "02/06/2015" };
	struct prov_platform p = qemu_platform(&fw);
	char buf[PROV_PLATFORM_MAX];

	(void)state;
	assert_int_equal(prov_platform_json(buf, sizeof(buf), &p), 0);
	assert_string_equal(buf,
		"{\"run\":\"20261203T101500-3f2a\",\"build\":\"v1-2-g0c449de-dirty\",\"dirty\":true,"
		"\"cpu\":{\"vendor\":\"AuthenticAMD\",\"brand\":\"AMD EPYC\",\"family\":15,"
		"\"model\":107,\"stepping\":1,\"microcode\":null},"
		"\"firmware\":{\"vendor\":\"EFI Development Kit II / OVMF\",\"version\":\"0.0.0\","
		"\"date\":\"02/06/2015\",\"smbios\":\"3.0\"},"
		"\"vtd\":{\"version\":\"1.0\",\"units\":1},\"emulator\":\"qemu\",\"backend\":\"svm\"}");
}

/* What cannot be read is null, never invented. */
static void test_platform_nulls(void **state)
{
	struct smbios_info fw = { .found = true, .major = 2, .minor = 8 };
	struct prov_platform p = qemu_platform(&fw);
	char buf[PROV_PLATFORM_MAX];

	(void)state;
	p.build = PROV_BUILD_UNKNOWN;
	p.cpu.brand = "";
	p.cpu.ucode_known = true;
	p.cpu.ucode = 0x8701021;
	p.vtd_ver_known = false;
	p.vtd_units = 0;
	p.emulator = NULL;
	p.backend = NULL;
	assert_int_equal(prov_platform_json(buf, sizeof(buf), &p), 0);
	assert_non_null(strstr(buf, "\"build\":\"unknown\",\"dirty\":null,"));
	assert_non_null(strstr(buf, "\"brand\":null,"));
	assert_non_null(strstr(buf, "\"microcode\":\"0x8701021\"}"));
	assert_non_null(strstr(buf, "\"firmware\":{\"vendor\":null,\"version\":null,\"date\":null,"
				    "\"smbios\":\"2.8\"}"));
	assert_non_null(strstr(buf, "\"vtd\":{\"version\":null,\"units\":0},\"emulator\":null,"
				    "\"backend\":null}"));
	fw.found = false;
	p.vtd = false;
	assert_int_equal(prov_platform_json(buf, sizeof(buf), &p), 0);
	assert_non_null(strstr(buf, "\"firmware\":null,\"vtd\":null,"));
	p.fw = NULL;
	assert_int_equal(prov_platform_json(buf, sizeof(buf), &p), 0);
	assert_non_null(strstr(buf, "\"firmware\":null,"));
}

/* Firmware strings are escaped: they cannot close the string or start a
 * line; the worst case (every character escaped) still fits. */
static void test_platform_hostile(void **state)
{
	struct smbios_info fw = { .found = true, .major = 255, .minor = 255 };
	struct prov_platform p = qemu_platform(&fw);
	char buf[PROV_PLATFORM_MAX], brand[49], build[PROV_BUILD_MAX + 1];

	(void)state;
	strcpy(fw.bios_vendor, "a\"},\"x\":1\nRESULT {\\");
	assert_int_equal(prov_platform_json(buf, sizeof(buf), &p), 0);
	assert_non_null(strstr(buf, "\"vendor\":\"a\\\"},\\\"x\\\":1?RESULT {\\\\\","));
	assert_null(strchr(buf, '\n'));
	memset(fw.bios_vendor, '"', SMBIOS_STR_MAX - 1);
	memset(fw.bios_version, '\\', SMBIOS_STR_MAX - 1);
	memset(fw.bios_date, '"', SMBIOS_STR_MAX - 1);
	memset(brand, '"', sizeof(brand) - 1);
	brand[sizeof(brand) - 1] = 0;
	memset(build, 'b', sizeof(build) - 1);
	build[sizeof(build) - 1] = 0;
	p.cpu.brand = brand;
	p.cpu.vendor = "\"\"\"\"\"\"\"\"\"\"\"\"";
	p.build = build;
	assert_int_equal(prov_platform_json(buf, sizeof(buf), &p), 0);
	p.build = "a b";
	assert_int_equal(prov_platform_json(buf, sizeof(buf), &p), -EINVAL);
	assert_string_equal(buf, "");
	p.build = build;
	p.emulator = "qemu\n";
	assert_int_equal(prov_platform_json(buf, sizeof(buf), &p), -EINVAL);
	p.emulator = "qemu";
	assert_int_equal(prov_platform_json(buf, 100, &p), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_id),
		cmocka_unit_test(test_run_id_bad_time),
		cmocka_unit_test(test_build_dirty),
		cmocka_unit_test(test_emulator),
		cmocka_unit_test(test_platform_json),
		cmocka_unit_test(test_platform_nulls),
		cmocka_unit_test(test_platform_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
