/*
 * Local APIC mode choice (drivers/lapic_mode.c): apic=auto keeps the
 * firmware's mode, apic=x2apic switches when CPUID has x2APIC and refuses
 * naming the feature otherwise, apic=xapic cannot leave x2APIC mode; and
 * the IA32_APIC_BASE writes that enter x2APIC mode (SDM 11.12.5).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/lapic_mode.h"

#define XAPIC_BSP	0xfee00900ull		/* EN, BSP */
#define X2APIC_BSP	0xfee00d00ull		/* EN, EXTD, BSP */
#define DISABLED	0xfee00100ull		/* BSP only */

static void test_auto_keeps(void **state)
{
	struct lapic_mode m;

	(void)state;
	assert_int_equal(lapic_mode_choose(LAPIC_WANT_KEEP, XAPIC_BSP, true, &m), 0);
	assert_false(m.x2apic);
	assert_false(m.switched);
	assert_null(m.why);
	assert_int_equal(lapic_mode_choose(LAPIC_WANT_KEEP, X2APIC_BSP, true, &m), 0);
	assert_true(m.x2apic);
	assert_true(m.fw_x2apic);
	assert_false(m.switched);
	/* EXTD without EN is not x2APIC mode (an invalid state, figure 11-27). */
	assert_int_equal(lapic_mode_choose(LAPIC_WANT_KEEP, DISABLED | BIT(10), true, &m), 0);
	assert_false(m.x2apic);
}

static void test_x2apic_wanted(void **state)
{
	struct lapic_mode m;

	(void)state;
	assert_int_equal(lapic_mode_choose(LAPIC_WANT_X2APIC, XAPIC_BSP, true, &m), 0);
	assert_true(m.x2apic);
	assert_true(m.switched);
	assert_false(m.fw_x2apic);
	/* Already there: nothing to switch. */
	assert_int_equal(lapic_mode_choose(LAPIC_WANT_X2APIC, X2APIC_BSP, true, &m), 0);
	assert_true(m.x2apic);
	assert_false(m.switched);
	/* No x2APIC in CPUID: refused, naming the feature, xAPIC kept. */
	assert_int_equal(lapic_mode_choose(LAPIC_WANT_X2APIC, XAPIC_BSP, false, &m), -ENODEV);
	assert_false(m.x2apic);
	assert_false(m.switched);
	assert_non_null(strstr(m.why, "CPUID.1:ECX.x2APIC (bit 21) is clear"));
}

static void test_xapic_wanted(void **state)
{
	struct lapic_mode m;

	(void)state;
	assert_int_equal(lapic_mode_choose(LAPIC_WANT_XAPIC, XAPIC_BSP, true, &m), 0);
	assert_false(m.x2apic);
	assert_int_equal(lapic_mode_choose(LAPIC_WANT_XAPIC, X2APIC_BSP, true, &m), -EPERM);
	assert_true(m.x2apic);
	assert_false(m.switched);
	assert_non_null(strstr(m.why, "SDM 11.12.5"));
}

static void test_x2apic_sequence(void **state)
{
	uint64_t seq[2] = { 0, 0 };

	(void)state;
	assert_int_equal(lapic_x2apic_sequence(XAPIC_BSP, seq), 1);
	assert_true(seq[0] == X2APIC_BSP);
	/* Disabled: through xAPIC (EN alone) first, then EN and EXTD. */
	assert_int_equal(lapic_x2apic_sequence(DISABLED, seq), 2);
	assert_true(seq[0] == XAPIC_BSP);
	assert_true(seq[1] == X2APIC_BSP);
	/* A relocated base and the reserved bits stay as they were. */
	assert_int_equal(lapic_x2apic_sequence(0x12345fed00800ull, seq), 1);
	assert_true(seq[0] == 0x12345fed00c00ull);
	assert_int_equal(lapic_x2apic_sequence(X2APIC_BSP, seq), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auto_keeps),
		cmocka_unit_test(test_x2apic_wanted),
		cmocka_unit_test(test_xapic_wanted),
		cmocka_unit_test(test_x2apic_sequence),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
