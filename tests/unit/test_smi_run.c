/* Unit tests of hv/smi_run.c: the SMI count over a run, across the 32-bit
 * counter's wrap, and when a run counts as disturbed. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hv/smi_run.h"

static void test_delta(void **state)
{
	struct smi_run r;
	uint32_t d = 77;

	(void)state;
	smi_run_begin(&r, 0, 40);
	assert_int_equal(smi_run_delta(&r, 0, 40, &d), 0);
	assert_int_equal(d, 0);
	assert_false(smi_run_disturbed(true, d));
	assert_int_equal(smi_run_delta(&r, 0, 43, &d), 0);
	assert_int_equal(d, 3);
	assert_true(smi_run_disturbed(true, d));
}

/* MSR_SMI_COUNT counts in bits 31:0; bits 63:32 are reserved. */
static void test_wrap_and_reserved_bits(void **state)
{
	struct smi_run r;
	uint32_t d;

	(void)state;
	smi_run_begin(&r, 0, 0xfffffffeULL);
	assert_int_equal(smi_run_delta(&r, 0, 1, &d), 0);
	assert_int_equal(d, 3);
	smi_run_begin(&r, 0, 0x100000005ULL);
	assert_int_equal(smi_run_delta(&r, 0, 0x200000007ULL, &d), 0);
	assert_int_equal(d, 2);
}

static void test_unknown(void **state)
{
	struct smi_run r;
	uint32_t d = 77;

	(void)state;
	smi_run_begin(&r, -ENODEV, 5);
	assert_int_equal(smi_run_delta(&r, 0, 9, &d), -ENODEV);
	assert_int_equal(d, 77);
	smi_run_begin(&r, 0, 5);
	assert_int_equal(smi_run_delta(&r, -ENODEV, 9, &d), -ENODEV);
	assert_int_equal(d, 77);
	/* An unknown count never claims a disturbed run. */
	assert_false(smi_run_disturbed(false, 4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delta),
		cmocka_unit_test(test_wrap_and_reserved_bits),
		cmocka_unit_test(test_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
