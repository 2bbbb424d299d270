/* Unit tests of drivers/cpu_id.c and drivers/tsc_cpuid.c: CPUID signature
 * decoding, which MSRs a CPU is trusted to have, and the TSC frequency
 * from leaves 0x15/0x16 with every way they can be incomplete. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/cpu_id.h"
#include "drivers/tsc_cpuid.h"

static uint32_t word(const char *s)
{
	uint32_t w;

	memcpy(&w, s, 4);
	return w;
}

static void test_vendor(void **state)
{
	(void)state;
	assert_int_equal(cpu_vendor_decode(word("Genu"), word("ntel"), word("ineI")),
			 CPU_VENDOR_INTEL);
	assert_int_equal(cpu_vendor_decode(word("Auth"), word("cAMD"), word("enti")),
			 CPU_VENDOR_AMD);
	/* EBX, EDX, ECX order: swapping the last two is not Intel. */
	assert_int_equal(cpu_vendor_decode(word("Genu"), word("ineI"), word("ntel")),
			 CPU_VENDOR_OTHER);
	assert_int_equal(cpu_vendor_decode(word("Hygo"), word("uine"), word("nGen")),
			 CPU_VENDOR_OTHER);
}

static void expect_sig(uint32_t eax, unsigned family, unsigned model, unsigned stepping)
{
	struct cpu_sig s = cpu_sig_decode(eax);

	assert_int_equal(s.family, family);
	assert_int_equal(s.model, model);
	assert_int_equal(s.stepping, stepping);
}

static void test_signature(void **state)
{
	(void)state;
	expect_sig(0x00050654, 6, 0x55, 4);	/* Skylake-X (Bochs corei7_skylake_x) */
	expect_sig(0x000906a4, 6, 0x9a, 4);	/* Alder Lake */
	expect_sig(0x00000f29, 0xf, 2, 9);	/* Pentium 4: no extension */
	expect_sig(0x00830f10, 0x17, 0x31, 0);	/* Zen 2: family 0xf + 8 */
	expect_sig(0x00a10f11, 0x19, 0x11, 1);	/* Zen 4 */
	expect_sig(0x00060fb1, 0xf, 0x6b, 1);	/* QEMU's qemu64 */
	/* The extended family adds to family 0xf only, the extended model
	 * prefixes families 6 and 0xf only. */
	expect_sig(0x0ff50654, 6, 0x55, 4);
	expect_sig(0x0ff50554, 5, 5, 4);
	expect_sig(0x00050754, 7, 5, 4);
	expect_sig(0x0ff00f00, 0xf + 0xff, 0, 0);
}

static void test_smi_count_models(void **state)
{
	struct cpu_sig skx = { 6, 0x55, 4 }, adl = { 6, 0x9a, 4 }, nhm = { 6, 0x1a, 5 };
	struct cpu_sig penryn = { 6, 0x17, 10 }, bonnell = { 6, 0x1c, 2 }, p4 = { 0xf, 4, 1 };
	struct cpu_sig unheard = { 6, 0xfe, 0 }, zen2 = { 0x17, 0x31, 0 };

	(void)state;
	assert_null(cpu_smi_count_unavailable(CPU_VENDOR_INTEL, skx, false));
	assert_null(cpu_smi_count_unavailable(CPU_VENDOR_INTEL, adl, false));
	assert_null(cpu_smi_count_unavailable(CPU_VENDOR_INTEL, nhm, false));
	assert_non_null(cpu_smi_count_unavailable(CPU_VENDOR_INTEL, skx, true));
	assert_non_null(cpu_smi_count_unavailable(CPU_VENDOR_INTEL, penryn, false));
	assert_non_null(cpu_smi_count_unavailable(CPU_VENDOR_INTEL, bonnell, false));
	assert_non_null(cpu_smi_count_unavailable(CPU_VENDOR_INTEL, p4, false));
	assert_non_null(cpu_smi_count_unavailable(CPU_VENDOR_INTEL, unheard, false));
	assert_non_null(strstr(cpu_smi_count_unavailable(CPU_VENDOR_AMD, zen2, false), "AMD"));
	assert_non_null(cpu_smi_count_unavailable(CPU_VENDOR_OTHER, skx, false));
}

static void test_ucode(void **state)
{
	struct cpu_sig skx = { 6, 0x55, 4 }, p5 = { 5, 2, 0 }, zen2 = { 0x17, 0x31, 0 };
	struct cpu_sig k8 = { 0xf, 0x6b, 1 };

	(void)state;
	assert_null(cpu_ucode_unavailable(CPU_VENDOR_INTEL, skx));
	assert_non_null(cpu_ucode_unavailable(CPU_VENDOR_INTEL, p5));
	assert_null(cpu_ucode_unavailable(CPU_VENDOR_AMD, zen2));
	assert_non_null(cpu_ucode_unavailable(CPU_VENDOR_AMD, k8));
	assert_non_null(cpu_ucode_unavailable(CPU_VENDOR_OTHER, skx));
	assert_int_equal(cpu_ucode_from_msr(CPU_VENDOR_INTEL, 0x0200006500000000ULL), 0x02000065);
	assert_int_equal(cpu_ucode_from_msr(CPU_VENDOR_AMD, 0x000000000830107aULL), 0x0830107a);
}

static struct tsc_cpuid leaves(uint32_t max, uint32_t eax, uint32_t ebx, uint32_t ecx,
			       uint32_t l16, unsigned model)
{
	return (struct tsc_cpuid){ .max_leaf = max, .l15_eax = eax, .l15_ebx = ebx,
				   .l15_ecx = ecx, .l16_eax = l16, .vendor = CPU_VENDOR_INTEL,
				   .sig = { 6, model, 0 } };
}

static int hz_of(const struct tsc_cpuid *in, uint64_t *hz, char *how)
{
	*hz = 0xdeadbeef;
	return tsc_cpuid_hz(in, hz, how, 128);
}

static void test_tsc_crystal_in_ecx(void **state)
{
	struct tsc_cpuid in = leaves(0x1b, 2, 176, 38400000, 0, 0x8c);
	uint64_t hz;
	char how[128];

	(void)state;
	assert_int_equal(hz_of(&in, &hz, how), 0);
	assert_int_equal(hz, 3379200000ULL);
	assert_string_equal(how, "CPUID 0x15: crystal 38400000 Hz x 176/2");
}

static void test_tsc_nominal_crystal(void **state)
{
	struct tsc_cpuid skx = leaves(0x16, 2, 292, 0, 3500, 0x55);
	struct tsc_cpuid skl = leaves(0x16, 2, 200, 0, 2600, 0x5e);
	struct tsc_cpuid glm = leaves(0x16, 1, 100, 0, 0, 0x5c);
	uint64_t hz;
	char how[128];

	(void)state;
	assert_int_equal(hz_of(&skx, &hz, how), 0);
	assert_int_equal(hz, 3650000000ULL);
	assert_non_null(strstr(how, "crystal 25000000 Hz (SDM nominal for 06_55H)"));
	assert_int_equal(hz_of(&skl, &hz, how), 0);
	assert_int_equal(hz, 2400000000ULL);
	assert_int_equal(hz_of(&glm, &hz, how), 0);
	assert_int_equal(hz, 1920000000ULL);
	/* The table is Intel's: the same model number elsewhere is not in it. */
	skx.vendor = CPU_VENDOR_AMD;
	assert_int_equal(hz_of(&skx, &hz, how), 0);
	assert_int_equal(hz, 3500000000ULL);
	assert_non_null(strstr(how, "CPUID 0x16: base frequency 3500 MHz"));
}

static void test_tsc_base_frequency(void **state)
{
	struct tsc_cpuid in = leaves(0x16, 2, 188, 0, 0xffff0000u | 2100, 0x9a);
	uint64_t hz;
	char how[128];

	(void)state;
	/* Bits 31:16 of leaf 0x16 EAX are reserved. */
	assert_int_equal(hz_of(&in, &hz, how), 0);
	assert_int_equal(hz, 2100000000ULL);
	in.l16_eax = 0;
	assert_int_equal(hz_of(&in, &hz, how), -ENODEV);
	assert_non_null(strstr(how, "no crystal and 0x16 no base frequency"));
	/* Leaf 0x16 beyond the highest leaf is not read, whatever it holds. */
	in = leaves(0x15, 2, 188, 0, 2100, 0x9a);
	assert_int_equal(hz_of(&in, &hz, how), -ENODEV);
}

static void test_tsc_not_enumerated(void **state)
{
	struct tsc_cpuid in = leaves(0x14, 2, 200, 24000000, 2400, 0x5e);
	uint64_t hz;
	char how[128];

	(void)state;
	assert_int_equal(hz_of(&in, &hz, how), -ENODEV);
	assert_string_equal(how, "no CPUID leaf 0x15 (highest 0x14)");
	in = leaves(0x16, 0, 200, 24000000, 2400, 0x5e);
	assert_int_equal(hz_of(&in, &hz, how), -ENODEV);
	in = leaves(0x16, 2, 0, 24000000, 2400, 0x5e);
	assert_int_equal(hz_of(&in, &hz, how), -ENODEV);
	assert_string_equal(how, "CPUID 0x15 enumerates no TSC/crystal ratio (0/2)");
	assert_int_equal(hz, 0xdeadbeef);
}

/* 32-bit crystal times 32-bit numerator fits in 64 bits; what it gives is
 * still refused when no TSC could run at it. */
static void test_tsc_extremes(void **state)
{
	struct tsc_cpuid in = leaves(0x15, 1, 0xffffffffu, 0xffffffffu, 0, 0x8c);
	uint64_t hz;
	char how[128];

	(void)state;
	assert_int_equal(hz_of(&in, &hz, how), -ERANGE);
	assert_int_equal(hz, 0xfffffffe00000001ULL);
	in = leaves(0x15, 0xffffffffu, 1, 1, 0, 0x8c);
	assert_int_equal(hz_of(&in, &hz, how), -ERANGE);
	assert_int_equal(hz, 0);
	in = leaves(0x15, 1, 1, TSC_HZ_MIN, 0, 0x8c);
	assert_int_equal(hz_of(&in, &hz, how), 0);
	in = leaves(0x15, 1, 100, TSC_HZ_MAX / 100 + 1, 0, 0x8c);
	assert_int_equal(hz_of(&in, &hz, how), -ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vendor),
		cmocka_unit_test(test_signature),
		cmocka_unit_test(test_smi_count_models),
		cmocka_unit_test(test_ucode),
		cmocka_unit_test(test_tsc_crystal_in_ecx),
		cmocka_unit_test(test_tsc_nominal_crystal),
		cmocka_unit_test(test_tsc_base_frequency),
		cmocka_unit_test(test_tsc_not_enumerated),
		cmocka_unit_test(test_tsc_extremes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
