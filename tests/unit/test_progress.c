/* Unit tests of hv/progress.c: nothing before a whole period, then at most
 * one report per period however often it is asked; period 0 never. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hv/progress.h"

static void test_period(void **state)
{
	struct progress p;

	(void)state;
	progress_begin(&p, 1000, 500);
	assert_false(progress_due(&p, 1000));
	assert_false(progress_due(&p, 1499));
	assert_true(progress_due(&p, 1500));
	assert_false(progress_due(&p, 1500));
	assert_false(progress_due(&p, 1999));
	assert_true(progress_due(&p, 2600));
	assert_false(progress_due(&p, 3099));
	assert_true(progress_due(&p, 3100));
	assert_int_equal(p.start, 1000);
}

/* A TSC that wraps still counts forward. */
static void test_wrap(void **state)
{
	struct progress p;

	(void)state;
	progress_begin(&p, UINT64_MAX - 100, 500);
	assert_false(progress_due(&p, 300));
	assert_true(progress_due(&p, 400));
}

static void test_never(void **state)
{
	struct progress p;

	(void)state;
	progress_begin(&p, 0, 0);
	assert_false(progress_due(&p, UINT64_MAX));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_period),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_never),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
