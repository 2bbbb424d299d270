/* Unit tests of hv/watchdog.c: WATCHDOG_TICKS quiet ticks in a row stop
 * the guest; any exit in between starts the count again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hv/watchdog.h"

static void test_spinning_guest_stopped_after_period(void **state)
{
	struct watchdog w;
	unsigned i;

	(void)state;
	watchdog_arm(&w, 42);
	for (i = 1; i < WATCHDOG_TICKS; i++)
		assert_false(watchdog_tick(&w, 42));
	assert_true(watchdog_tick(&w, 42));
	assert_int_equal(w.ticks, WATCHDOG_TICKS);
}

static void test_one_exit_restarts_count(void **state)
{
	struct watchdog w;
	uint64_t exits = 0;
	unsigned i;

	(void)state;
	watchdog_arm(&w, exits);
	for (i = 1; i < WATCHDOG_TICKS; i++)
		assert_false(watchdog_tick(&w, exits));
	assert_false(watchdog_tick(&w, ++exits));
	for (i = 1; i < WATCHDOG_TICKS; i++)
		assert_false(watchdog_tick(&w, exits));
	assert_true(watchdog_tick(&w, exits));
}

/* A guest that exits at least once per tick is never stopped, however
 * long it runs. */
static void test_busy_guest_never_stopped(void **state)
{
	struct watchdog w;
	uint64_t exits = 7;
	unsigned i;

	(void)state;
	watchdog_arm(&w, exits);
	for (i = 0; i < 100000; i++)
		assert_false(watchdog_tick(&w, exits += 1 + i % 3));
}

/* The exit that came just after the last tick before arming counts as
 * the arming point, not as progress. */
static void test_arm_takes_current_count(void **state)
{
	struct watchdog w;
	unsigned i;

	(void)state;
	watchdog_arm(&w, 1000);
	for (i = 1; i < WATCHDOG_TICKS; i++)
		assert_false(watchdog_tick(&w, 1000));
	assert_true(watchdog_tick(&w, 1000));
}

static void test_period(void **state)
{
	(void)state;
	assert_int_equal(watchdog_period_tsc(0, 3000000000ULL), 0);
	assert_int_equal(watchdog_period_tsc(1000, 0), 0);
	assert_int_equal(watchdog_period_tsc(1000, 2000000000ULL), 2000000000ULL / WATCHDOG_TICKS);
	assert_int_equal(watchdog_period_tsc(60000, 5000000000ULL),
			 300000000000ULL / WATCHDOG_TICKS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spinning_guest_stopped_after_period),
		cmocka_unit_test(test_one_exit_restarts_count),
		cmocka_unit_test(test_busy_guest_never_stopped),
		cmocka_unit_test(test_arm_takes_current_count),
		cmocka_unit_test(test_period),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
