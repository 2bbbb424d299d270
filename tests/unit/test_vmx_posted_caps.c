/* Unit tests of hv/vmx/vmx_posted_caps.c: whether the capability MSRs
 * allow posted-interrupt processing (SDM vol 3, 24.6.1, 24.6.2, 24.7.1,
 * 26.2.1.1, appendix A), and the VMCS values it takes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/vmx/vmx_posted_caps.h"

/* A capability MSR: must1 in the low dword, may1 in the high one. */
#define CAP(must1, may1)	(((uint64_t)(may1) << 32) | (uint32_t)(must1))

/* A CPU that allows everything needed, bit by bit from the SDM: pin 0
 * and 7, primary 21 and 31, secondary 9, exit 15. */
static struct vmx_posted_msrs full(void)
{
	return (struct vmx_posted_msrs){
		.pin = CAP(0x16, (1u << 0) | (1u << 7)),
		.proc = CAP(0, (1u << 21) | (1u << 31)),
		.proc2 = CAP(0, 1u << 9),
		.exit = CAP(0, 1u << 15),
	};
}

static void test_allowed(void **state)
{
	struct vmx_posted_msrs m = full();
	char why[256] = "x";

	(void)state;
	assert_int_equal(vmx_posted_caps_check(&m, why, sizeof(why)), 0);
	assert_string_equal(why, "");
}

/* Each needed control, taken away alone, is named with its field and
 * bit; allowed in the must-be-1 half only (low dword) counts for nothing. */
static void test_each_missing(void **state)
{
	static const struct {
		int field;		/* 0 pin, 1 proc, 2 proc2, 3 exit */
		uint32_t bit;
		const char *text;
	} cases[] = {
		{ 0, 1u << 7, "'process posted interrupts' (pin bit 7)" },
		{ 0, 1u << 0, "'external-interrupt exiting' (pin bit 0)" },
		{ 1, 1u << 21, "'use TPR shadow' (proc bit 21)" },
		{ 2, 1u << 9, "'virtual-interrupt delivery' (proc2 bit 9)" },
		{ 3, 1u << 15, "'acknowledge interrupt on exit' (exit bit 15)" },
	};
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vmx_posted_msrs m = full();
		uint64_t *f = cases[i].field == 0 ? &m.pin : cases[i].field == 1 ? &m.proc :
			      cases[i].field == 2 ? &m.proc2 : &m.exit;
		char why[256];

		*f &= ~((uint64_t)cases[i].bit << 32);
		*f |= cases[i].bit;	/* in the low dword: not "may be 1" */
		assert_int_equal(vmx_posted_caps_check(&m, why, sizeof(why)), -ENODEV);
		assert_non_null(strstr(why, cases[i].text));
		assert_non_null(strstr(why, "the CPU lacks "));
	}
}

/* Without the secondary controls, the secondary MSR is not read (it does
 * not exist): whatever it holds, virtual-interrupt delivery is missing. */
static void test_no_secondary(void **state)
{
	struct vmx_posted_msrs m = full();
	char why[256];

	(void)state;
	m.proc = CAP(0, 1u << 21);
	m.proc2 = ~0ULL;
	assert_int_equal(vmx_posted_caps_check(&m, why, sizeof(why)), -ENODEV);
	assert_non_null(strstr(why, "'secondary controls' (proc bit 31)"));
	assert_non_null(strstr(why, "'virtual-interrupt delivery' (proc2 bit 9)"));
}

/* Bochs 2.7 (scenario bochs-vmx-timer): no posted interrupts, no
 * virtual-interrupt delivery; every one named, in order, and a short
 * buffer is cut, never overrun. */
static void test_all_missing_and_short(void **state)
{
	struct vmx_posted_msrs m = { 0 };
	char why[256], small[24];

	(void)state;
	memset(small, 'z', sizeof(small));
	assert_int_equal(vmx_posted_caps_check(&m, why, sizeof(why)), -ENODEV);
	assert_string_equal(why, "the CPU lacks 'process posted interrupts' (pin bit 7), "
			    "'external-interrupt exiting' (pin bit 0), 'use TPR shadow' "
			    "(proc bit 21), 'secondary controls' (proc bit 31), "
			    "'virtual-interrupt delivery' (proc2 bit 9), 'acknowledge "
			    "interrupt on exit' (exit bit 15)");
	assert_int_equal(vmx_posted_caps_check(&m, small, 16), -ENODEV);
	assert_int_equal(strlen(small), 15);
	assert_int_equal(small[16], 'z');
	assert_int_equal(vmx_posted_caps_check(&m, NULL, 0), -ENODEV);
}

static void test_args(void **state)
{
	char why[128];

	(void)state;
	assert_int_equal(vmx_posted_args_check(0xf2, 0x12345640, 39, why, sizeof(why)), 0);
	assert_int_equal(vmx_posted_args_check(16, 0x40, 36, why, sizeof(why)), 0);
	assert_int_equal(vmx_posted_args_check(15, 0x40, 36, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "vector 15"));
	assert_int_equal(vmx_posted_args_check(0xf2, 0x12345620, 39, why, sizeof(why)),
			 -EINVAL);
	assert_int_equal(vmx_posted_args_check(0xf2, 0x12345601, 39, why, sizeof(why)),
			 -EINVAL);
	assert_int_equal(vmx_posted_args_check(0xf2, 0, 39, why, sizeof(why)), -EINVAL);
	/* Within MAXPHYADDR: bit 39 is beyond a 39-bit width. */
	assert_int_equal(vmx_posted_args_check(0xf2, 1ULL << 39, 39, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "2^39"));
	assert_int_equal(vmx_posted_args_check(0xf2, (1ULL << 39) - 64, 39, why, sizeof(why)),
			 0);
	/* A width reported above 52 is held to 52. */
	assert_int_equal(vmx_posted_args_check(0xf2, 1ULL << 52, 60, why, sizeof(why)),
			 -EINVAL);
}

/* The field encodings (SDM 24.11.2, appendix B): 16-bit control index 1,
 * 64-bit control index 11. */
static void test_fields(void **state)
{
	(void)state;
	assert_int_equal(VMCS_PI_NV, 0x0002);
	assert_int_equal(VMCS_PI_DESC, 0x2016);
	assert_int_equal(VMX_PI_PROC2_VID, 1u << 9);
	assert_int_equal(PIN_POSTED_INTR, 1u << 7);
	assert_int_equal(EXIT_ACK_INTR, 1u << 15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allowed),
		cmocka_unit_test(test_each_missing),
		cmocka_unit_test(test_no_secondary),
		cmocka_unit_test(test_all_missing_and_short),
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
