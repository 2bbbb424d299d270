/* Unit tests of hv/msr_check.c: guest WRMSR values the CPU would refuse
 * with #GP are refused before a backend loads them into the CPU. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hv/msr_check.h"
#include "drivers/cpu.h"

#define MSR_LSTAR	0xc0000082
#define MSR_FMASK	0xc0000084
#define MSR_STAR	0xc0000081

static void test_canonical_addresses(void **state)
{
	(void)state;
	assert_true(msr_value_ok(MSR_LSTAR, 0x00007fffffffffffULL));
	assert_true(msr_value_ok(MSR_LSTAR, 0xffff800000000000ULL));
	assert_true(msr_value_ok(MSR_KERNEL_GS_BASE, 0));
	assert_false(msr_value_ok(MSR_LSTAR, 0x0000800000000000ULL));
	assert_false(msr_value_ok(MSR_KERNEL_GS_BASE, 0x8000000000000000ULL));
	assert_false(msr_value_ok(MSR_FS_BASE, 0xffff7fffffffffffULL));
	assert_false(msr_value_ok(MSR_GS_BASE, 0x0001000000000000ULL));
	assert_false(msr_value_ok(0xc0000083, 0x0000800000000000ULL));	/* CSTAR */
	assert_false(msr_value_ok(0x176, 0x1234567812345678ULL));	/* SYSENTER_EIP */
}

static void test_fmask_reserved_bits(void **state)
{
	(void)state;
	assert_true(msr_value_ok(MSR_FMASK, 0x47700));
	assert_true(msr_value_ok(MSR_FMASK, 0xffffffff));
	assert_false(msr_value_ok(MSR_FMASK, 0x100000000ULL));
}

static void test_pat_memory_types(void **state)
{
	(void)state;
	assert_true(msr_value_ok(MSR_PAT, 0x0007040600070406ULL));	/* reset value */
	assert_true(msr_value_ok(MSR_PAT, 0x0001050400010504ULL));	/* WC, WP, WT */
	assert_false(msr_value_ok(MSR_PAT, 0x0007040600070402ULL));	/* type 2 */
	assert_false(msr_value_ok(MSR_PAT, 0x0307040600070406ULL));	/* type 3 */
	assert_false(msr_value_ok(MSR_PAT, 0x0807040600070406ULL));	/* type 8 */
}

/* STAR takes any value; MSRs the check does not know are left to msr.c. */
static void test_others_unchecked(void **state)
{
	(void)state;
	assert_true(msr_value_ok(MSR_STAR, ~0ULL));
	assert_true(msr_value_ok(0x174, ~0ULL));	/* SYSENTER_CS */
	assert_true(msr_value_ok(0x12345678, ~0ULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical_addresses),
		cmocka_unit_test(test_fmask_reserved_bits),
		cmocka_unit_test(test_pat_memory_types),
		cmocka_unit_test(test_others_unchecked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
