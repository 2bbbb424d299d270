/* Unit tests of hv/ratelimit_check.c: a burst per window, then a count of
 * what was dropped, reported with the next line allowed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hv/ratelimit.h"

#define WINDOW	1000

static void test_burst_then_suppressed(void **state)
{
	struct ratelimit rl = RATELIMIT_INIT("test");
	uint32_t dropped;
	unsigned i;

	(void)state;
	for (i = 0; i < RATELIMIT_BURST; i++) {
		assert_true(ratelimit_check(&rl, 10 + i, WINDOW, &dropped));
		assert_int_equal(dropped, 0);
	}
	for (i = 0; i < 1000; i++)
		assert_false(ratelimit_check(&rl, 20, WINDOW, &dropped));
	assert_true(ratelimit_check(&rl, 10 + WINDOW, WINDOW, &dropped));
	assert_int_equal(dropped, 1000);
	assert_true(ratelimit_check(&rl, 11 + WINDOW, WINDOW, &dropped));
	assert_int_equal(dropped, 0);
}

static void test_flood_stays_bounded(void **state)
{
	struct ratelimit rl = RATELIMIT_INIT("test");
	uint32_t dropped, total = 0;
	uint64_t t, shown = 0;

	(void)state;
	/* A million lines over ten windows: at most a burst per window. */
	for (t = 0; t < 1000000; t++)
		if (ratelimit_check(&rl, t / 100000 * WINDOW + t % 100000 / 1000, WINDOW, &dropped)) {
			shown++;
			total += dropped;
		}
	assert_int_equal(shown, 10 * RATELIMIT_BURST);
	assert_int_equal(total + rl.suppressed + shown, 1000000);
}

static void test_clock_going_back_restarts_window(void **state)
{
	struct ratelimit rl = RATELIMIT_INIT("test");
	uint32_t dropped;
	unsigned i;

	(void)state;
	for (i = 0; i < RATELIMIT_BURST + 3; i++)
		ratelimit_check(&rl, 5000, WINDOW, &dropped);
	assert_true(ratelimit_check(&rl, 100, WINDOW, &dropped));
	assert_int_equal(dropped, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_suppressed),
		cmocka_unit_test(test_flood_stays_bounded),
		cmocka_unit_test(test_clock_going_back_restarts_window),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
