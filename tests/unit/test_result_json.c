/* Unit tests of hv/result_json.c: RESULT JSON only from validated names and
 * hv-formatted numbers; never a byte past the buffer, whatever the input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/bits.h"
#include "hv/provenance.h"
#include "hv/result_json.h"

/* Every RESULT names its build and run. */
#define PROV	.build = "v1.2-3-g0c449de-dirty", .run = "20261203T101500-3f2a"

static const struct stats st = {
	.count = 500, .min = 1, .p50 = 2, .p90 = 3, .p99 = 4, .max = 18446744073709551615ULL,
	.mean_milli = 2500,
};
static const struct result_str mode[] = {
	{ "cpu", "svm" }, { "msix", "trap" }, { "delivery", "inject" }, { "eoi", "trap" },
};
static const struct result_rate exits[] = { { "npf", 1000 }, { "intr", 1500 } };

static void test_well_formed(void **state)
{
	struct result_opts o = { .iters = 10000, .warmup = 100 };
	struct result_desc d = { .bench = "irq-latency", .mode = mode, .nmode = ARRAY_SIZE(mode),
				 .source = "nvme", .st = &st, PROV, .exits = exits,
				 .nexits = ARRAY_SIZE(exits), .opts = &o };
	char buf[768];

	(void)state;
	assert_int_equal(result_json(buf, sizeof(buf), &d), 0);
	assert_string_equal(buf,
		"{\"bench\":\"irq-latency\",\"mode\":{\"cpu\":\"svm\",\"msix\":\"trap\","
		"\"delivery\":\"inject\",\"eoi\":\"trap\"},\"source\":\"nvme\",\"unit\":\"tsc_ticks\",\"count\":500,"
		"\"min\":1,\"p50\":2,\"p90\":3,\"p99\":4,\"max\":18446744073709551615,"
		"\"mean\":2.500,\"smi\":null,\"exits_per_iter\":{\"npf\":1.000,\"intr\":1.500},"
		"\"build\":\"v1.2-3-g0c449de-dirty\",\"run\":\"20261203T101500-3f2a\","
		"\"opts\":{\"iters\":10000,\"warmup\":100}}");
}

/* source and dev appear only when set; dev is formatted from its numbers. */
static void test_opts(void **state)
{
	struct opt_bdf dev = { .seg = 1, .bus = 0xab, .dev = 0x1f, .fn = 7 };
	struct result_opts o = { .iters = 1, .warmup = 0, .source = "timer", .dev = &dev };
	struct result_desc d = { .bench = "irq-rate", .st = &st, PROV, .opts = &o };
	char buf[768];

	(void)state;
	assert_int_equal(result_json(buf, sizeof(buf), &d), 0);
	assert_non_null(strstr(buf, ",\"opts\":{\"iters\":1,\"warmup\":0,\"source\":\"timer\","
				    "\"dev\":\"0001:ab:1f.7\"}}"));
	o.source = "a b";
	assert_int_equal(result_json(buf, sizeof(buf), &d), -EINVAL);
	d.opts = NULL;
	assert_int_equal(result_json(buf, sizeof(buf), &d), 0);
	assert_non_null(strstr(buf, ",\"opts\":{}}"));
}

/* build and run are names too, each with its own length limit. */
static void test_provenance_checked(void **state)
{
	char build[PROV_BUILD_MAX + 2], run[PROV_RUN_MAX + 2], buf[768];
	struct result_desc d = { .bench = "vmexit.io", .st = &st, PROV };

	(void)state;
	memset(build, 'b', sizeof(build));
	build[PROV_BUILD_MAX] = 0;
	d.build = build;
	assert_int_equal(result_json(buf, sizeof(buf), &d), 0);
	build[PROV_BUILD_MAX] = 'b';
	build[PROV_BUILD_MAX + 1] = 0;
	assert_int_equal(result_json(buf, sizeof(buf), &d), -EINVAL);
	memset(run, 'r', sizeof(run));
	run[PROV_RUN_MAX + 1] = 0;
	d.build = "g0c449de";
	d.run = run;
	assert_int_equal(result_json(buf, sizeof(buf), &d), -EINVAL);
	d.run = "x\"}\nRESULT";
	assert_int_equal(result_json(buf, sizeof(buf), &d), -EINVAL);
	d.run = NULL;
	assert_int_equal(result_json(buf, sizeof(buf), &d), -EINVAL);
	d.run = "unknown";
	d.build = "";
	assert_int_equal(result_json(buf, sizeof(buf), &d), -EINVAL);
}

/* A known SMI count is a number, 0 included; an unknown one is null. */
static void test_smi(void **state)
{
	struct result_desc d = { .bench = "vmexit.io", .st = &st, PROV, .smi_known = true };
	char buf[512];

	(void)state;
	assert_int_equal(result_json(buf, sizeof(buf), &d), 0);
	assert_non_null(strstr(buf, ",\"mean\":2.500,\"smi\":0,\"exits_per_iter\":{},"));
	d.smi = 4294967295u;
	assert_int_equal(result_json(buf, sizeof(buf), &d), 0);
	assert_non_null(strstr(buf, ",\"smi\":4294967295,"));
	d.smi_known = false;
	assert_int_equal(result_json(buf, sizeof(buf), &d), 0);
	assert_non_null(strstr(buf, ",\"smi\":null,"));
}

static void test_empty_objects(void **state)
{
	struct result_desc d = { .bench = "vmexit.baseline", .st = &st, PROV };
	char buf[512];

	(void)state;
	assert_int_equal(result_json(buf, sizeof(buf), &d), 0);
	assert_non_null(strstr(buf, "\"mode\":{},\"source\":\"none\","));
	assert_non_null(strstr(buf, "\"exits_per_iter\":{},"));
}

/* Every name position refuses what could close a string or start a line. */
static void test_hostile_names_refused(void **state)
{
	static const char *const bad[] = {
		"x\",\"count\":1}\nRESULT {\"bench\":\"forged", "a\nb", "a\"b", "a b", "a\\b",
		"", "a{b}", "0123456789012345678901234567890123456789012345678",
	};
	struct result_str m[1];
	struct result_rate r[1];
	struct result_desc d;
	char buf[512];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		d = (struct result_desc){ .bench = bad[i], .st = &st, PROV };
		memset(buf, 'Z', sizeof(buf));
		assert_int_equal(result_json(buf, sizeof(buf), &d), -EINVAL);
		assert_string_equal(buf, "");
		m[0] = (struct result_str){ "cpu", bad[i] };
		d = (struct result_desc){ .bench = "b", .mode = m, .nmode = 1, .st = &st, PROV };
		assert_int_equal(result_json(buf, sizeof(buf), &d), -EINVAL);
		m[0] = (struct result_str){ bad[i], "svm" };
		assert_int_equal(result_json(buf, sizeof(buf), &d), -EINVAL);
		d = (struct result_desc){ .bench = "b", .source = bad[i], .st = &st, PROV };
		assert_int_equal(result_json(buf, sizeof(buf), &d), -EINVAL);
		r[0] = (struct result_rate){ bad[i], 1000 };
		d = (struct result_desc){ .bench = "b", .st = &st, PROV, .exits = r, .nexits = 1 };
		assert_int_equal(result_json(buf, sizeof(buf), &d), -EINVAL);
	}
	d = (struct result_desc){ .bench = NULL, .st = &st, PROV };
	assert_int_equal(result_json(buf, sizeof(buf), &d), -EINVAL);
}

/* The longest RESULT the hv forms: every mode key, the longest names in
 * use, five exit reasons, every figure at UINT64_MAX, a describe at its
 * limit, source and dev set. It fits RESULT_JSON_MAX. */
static void test_longest_line_fits(void **state)
{
	static const struct result_str m[] = {
		{ "cpu", "svm" }, { "msix", "trap" }, { "delivery", "inject" },
		{ "eoi", "trap" }, { "intremap", "none" }, { "isolated", "no" },
	};
	static const struct result_rate r[] = {
		{ "hypercall", UINT64_MAX }, { "cpuid", UINT64_MAX }, { "io", UINT64_MAX },
		{ "npf", UINT64_MAX }, { "intr", UINT64_MAX },
	};
	static const struct stats big = {
		.count = 1000000, .min = UINT64_MAX, .p50 = UINT64_MAX, .p90 = UINT64_MAX,
		.p99 = UINT64_MAX, .max = UINT64_MAX, .mean_milli = UINT64_MAX,
	};
	struct opt_bdf dev = { .seg = 0xffff, .bus = 0xff, .dev = 0x1f, .fn = 7 };
	struct result_opts o = { .iters = 1000000, .warmup = 100000, .source = "device",
				 .dev = &dev };
	char build[PROV_BUILD_MAX + 1], buf[RESULT_JSON_MAX];
	struct result_desc d = { .bench = "msix-update.mask-unmask", .mode = m,
				 .nmode = ARRAY_SIZE(m), .source = "lapic-timer", .st = &big,
				 .smi_known = true, .smi = UINT32_MAX, .exits = r,
				 .nexits = ARRAY_SIZE(r), .build = build,
				 .run = "20261203T101500-3f2a", .opts = &o };

	(void)state;
	memset(build, 'b', PROV_BUILD_MAX);
	build[PROV_BUILD_MAX] = 0;
	assert_int_equal(result_json(buf, sizeof(buf), &d), 0);
}

/* The old exits builder added snprintf's would-be length to its offset and
 * then passed len - off (wrapped) on: here every length from 0 to the whole
 * line is tried, with a canary after the buffer. */
static void test_never_past_the_buffer(void **state)
{
	struct result_rate many[64];
	struct result_desc d = { .bench = "irq-latency", .mode = mode, .nmode = ARRAY_SIZE(mode),
				 .st = &st, PROV, .exits = many, .nexits = ARRAY_SIZE(many) };
	char full[4096], buf[4096 + 16];
	size_t i, need, len;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(many); i++)
		many[i] = (struct result_rate){ "hypercall", UINT64_MAX };
	assert_int_equal(result_json(full, sizeof(full), &d), 0);
	need = strlen(full) + 1;
	assert_true(need > 1500);
	for (len = 0; len <= need; len++) {
		memset(buf, 'Z', sizeof(buf));
		if (len < need) {
			assert_int_equal(result_json(buf, len, &d), -ENOSPC);
			if (len)
				assert_string_equal(buf, "");
		} else {
			assert_int_equal(result_json(buf, len, &d), 0);
			assert_string_equal(buf, full);
		}
		for (i = len; i < len + 16; i++)
			assert_int_equal(buf[i], 'Z');
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_well_formed),
		cmocka_unit_test(test_empty_objects),
		cmocka_unit_test(test_smi),
		cmocka_unit_test(test_opts),
		cmocka_unit_test(test_provenance_checked),
		cmocka_unit_test(test_longest_line_fits),
		cmocka_unit_test(test_hostile_names_refused),
		cmocka_unit_test(test_never_past_the_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
