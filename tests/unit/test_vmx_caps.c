/* Unit tests of hv/vmx/vmx_caps.c: control fields from capability-MSR values
 * (SDM vol 3, appendix A), including CPUs that forbid a control the hv
 * would like (required: refused with its name; optional: left out) or
 * force one it needs clear. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/vmx/vmx_caps.h"
#include "hv/vmx/vmcs.h"

/* A capability MSR: must1 in the low dword, may1 in the high one. */
#define CAP(must1, may1)	(((uint64_t)(may1) << 32) | (uint32_t)(must1))

static const struct vmx_ctl proc_ctls[] = {
	{ PROC_HLT_EXITING, "HLT exiting", VMX_CTL_REQUIRED },
	{ PROC_USE_IO_BITMAPS, "use I/O bitmaps", VMX_CTL_REQUIRED },
	{ PROC_NMI_WINDOW, "NMI-window exiting", VMX_CTL_OPTIONAL },
	{ PROC_CR3_LOAD_EXITING, "CR3-load exiting", VMX_CTL_FORBIDDEN },
};

static void test_all_allowed(void **state)
{
	uint32_t out = 0;
	char why[128] = "";

	(void)state;
	assert_int_equal(vmx_ctl_compute("processor-based", CAP(0, 0xffffffff), proc_ctls,
					 4, &out, why, sizeof(why)), 0);
	assert_int_equal(out, PROC_HLT_EXITING | PROC_USE_IO_BITMAPS | PROC_NMI_WINDOW);
	assert_string_equal(why, "");
}

/* Bits the CPU forces on (default1 class, A.2) are in the value even when
 * the hv did not ask for them. */
static void test_must_be_one_kept(void **state)
{
	uint32_t must1 = BIT(1) | BIT(4) | BIT(5) | BIT(6) | BIT(8), out = 0;
	char why[128];

	(void)state;
	assert_int_equal(vmx_ctl_compute("processor-based", CAP(must1, 0xffffffff), proc_ctls,
					 4, &out, why, sizeof(why)), 0);
	assert_int_equal(out, must1 | PROC_HLT_EXITING | PROC_USE_IO_BITMAPS | PROC_NMI_WINDOW);
}

static void test_optional_missing_left_out(void **state)
{
	uint32_t out = 0;
	char why[128];

	(void)state;
	assert_int_equal(vmx_ctl_compute("processor-based",
					 CAP(0, 0xffffffff & ~(uint32_t)PROC_NMI_WINDOW),
					 proc_ctls, 4, &out, why, sizeof(why)), 0);
	assert_int_equal(out, PROC_HLT_EXITING | PROC_USE_IO_BITMAPS);
}

static void test_required_missing_named(void **state)
{
	uint32_t out = 0x1234;
	char why[128] = "";

	(void)state;
	assert_int_equal(vmx_ctl_compute("processor-based",
					 CAP(0, 0xffffffff & ~(uint32_t)PROC_USE_IO_BITMAPS),
					 proc_ctls, 4, &out, why, sizeof(why)), -ENODEV);
	assert_string_equal(why, "the CPU lacks the processor-based control 'use I/O bitmaps' "
			    "(bit 25)");
	assert_int_equal(out, 0x1234);	/* untouched on failure */
}

/* Without the TRUE_* MSRs, CR3-load exiting is a default1 control the
 * CPU forces on (A.3.2): every guest MOV to CR3 would exit. */
static void test_forbidden_forced_refused(void **state)
{
	uint32_t out = 0;
	char why[128] = "";

	(void)state;
	assert_int_equal(vmx_ctl_compute("processor-based",
					 CAP(PROC_CR3_LOAD_EXITING, 0xffffffff), proc_ctls, 4,
					 &out, why, sizeof(why)), -ENODEV);
	assert_string_equal(why, "the CPU forces the processor-based control "
			    "'CR3-load exiting' (bit 15) on");
}

/* A forbidden control the CPU merely allows stays clear. */
static void test_forbidden_allowed_stays_clear(void **state)
{
	uint32_t out = 0;
	char why[128];

	(void)state;
	assert_int_equal(vmx_ctl_compute("processor-based", CAP(0, 0xffffffff), proc_ctls, 4,
					 &out, why, sizeof(why)), 0);
	assert_false(out & PROC_CR3_LOAD_EXITING);
}

/* The first missing required control is the one named. */
static void test_first_required_named(void **state)
{
	uint32_t out = 0;
	char why[128];

	(void)state;
	assert_int_equal(vmx_ctl_compute("VM-exit", CAP(0, 0), proc_ctls, 4, &out, why,
					 sizeof(why)), -ENODEV);
	assert_string_equal(why, "the CPU lacks the VM-exit control 'HLT exiting' (bit 7)");
}

static void test_true_msr_by_basic_bit55(void **state)
{
	(void)state;
	assert_int_equal(vmx_cap_msr(VMX_BASIC_TRUE_CTLS | 0x12, MSR_VMX_PINBASED_CTLS,
				     MSR_VMX_TRUE_PINBASED_CTLS), MSR_VMX_TRUE_PINBASED_CTLS);
	assert_int_equal(vmx_cap_msr(0x12, MSR_VMX_PINBASED_CTLS, MSR_VMX_TRUE_PINBASED_CTLS),
			 MSR_VMX_PINBASED_CTLS);
	assert_int_equal(VMX_BASIC_TRUE_CTLS, 1ULL << 55);
}

/* Typical values: CR0 FIXED0 0x80000021 (PE, NE, PG), FIXED1 0xffffffff;
 * CR4 FIXED0 0x2000 (VMXE), FIXED1 0x3767ff. */
static void test_cr_fixed(void **state)
{
	(void)state;
	assert_int_equal(vmx_cr_fixed(0x80000011, 0x80000021, 0xffffffff), 0x80000031);
	assert_int_equal(vmx_cr_fixed(0x620, 0x2000, 0x3767ff), 0x2620);
	/* A bit FIXED1 says must be 0 is dropped. */
	assert_int_equal(vmx_cr_fixed(0x800620, 0x2000, 0x3767ff), 0x2620);
	assert_int_equal(vmx_cr_fixed_mask(0x2000, 0x3767ff), 0x2000 | ~0x3767ffULL);
}

/* eoi=hw's controls over the hv's own pin and primary values. */
#define APICV_PIN	(PIN_EXTINT_EXITING | PIN_NMI_EXITING)
#define APICV_PROC	(PROC_HLT_EXITING | PROC_USE_TPR_SHADOW | PROC_SECONDARY)
#define APICV_BITS	(PROC2_VIRT_APIC_ACCESS | PROC2_APIC_REG_VIRT | PROC2_VIRT_INTR_DELIVERY)

static void test_apicv_all_allowed(void **state)
{
	uint32_t bits = 0;
	char why[160] = "";

	(void)state;
	assert_int_equal(vmx_apicv_compute(APICV_PIN, APICV_PROC, CAP(0, 0xffffffff), &bits, why,
					   sizeof(why)), 0);
	assert_int_equal(bits, APICV_BITS);
	assert_string_equal(why, "");
}

/* Only the three controls come back, not the bits the CPU forces (the
 * hv's own secondary value already has those). */
static void test_apicv_only_its_bits(void **state)
{
	uint32_t bits = 0;
	char why[160];

	(void)state;
	assert_int_equal(vmx_apicv_compute(APICV_PIN, APICV_PROC,
					   CAP(PROC2_EPT, PROC2_EPT | APICV_BITS), &bits, why,
					   sizeof(why)), 0);
	assert_int_equal(bits, APICV_BITS);
}

/* A CPU without one of the three (each allowed-1 bit clear) is refused
 * with that control's name. */
static void test_apicv_each_missing_named(void **state)
{
	static const struct { uint32_t bit; const char *why; } cases[] = {
		{ PROC2_VIRT_APIC_ACCESS, "the CPU lacks the secondary processor-based control "
					  "'virtualize APIC accesses' (bit 0)" },
		{ PROC2_APIC_REG_VIRT, "the CPU lacks the secondary processor-based control "
				       "'APIC-register virtualization' (bit 8)" },
		{ PROC2_VIRT_INTR_DELIVERY, "the CPU lacks the secondary processor-based control "
					    "'virtual-interrupt delivery' (bit 9)" },
	};
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t bits = 0x5a5a;
		char why[160] = "";

		assert_int_equal(vmx_apicv_compute(APICV_PIN, APICV_PROC,
						   CAP(0, 0xffffffff & ~cases[i].bit), &bits, why,
						   sizeof(why)), -ENODEV);
		assert_string_equal(why, cases[i].why);
		assert_int_equal(bits, 0x5a5a);
	}
}

/* Virtualize x2APIC mode forced on would exclude APIC-access
 * virtualization (26.2.1.1): refused, not silently combined. */
static void test_apicv_x2apic_forced_refused(void **state)
{
	uint32_t bits = 0;
	char why[160] = "";

	(void)state;
	assert_int_equal(vmx_apicv_compute(APICV_PIN, APICV_PROC,
					   CAP(PROC2_VIRT_X2APIC, 0xffffffff), &bits, why,
					   sizeof(why)), -ENODEV);
	assert_string_equal(why, "the CPU forces the secondary processor-based control "
			    "'virtualize x2APIC mode' (bit 4) on");
}

/* The primary and pin-based prerequisites of 26.2.1.1. */
static void test_apicv_needs_tpr_shadow_and_extint(void **state)
{
	uint32_t bits = 0;
	char why[160] = "";

	(void)state;
	assert_int_equal(vmx_apicv_compute(APICV_PIN, APICV_PROC & ~(uint32_t)PROC_USE_TPR_SHADOW,
					   CAP(0, 0xffffffff), &bits, why, sizeof(why)), -ENODEV);
	assert_string_equal(why, "APIC virtualization needs the processor-based control "
			    "'use TPR shadow' (bit 21), which the hv runs without");
	assert_int_equal(vmx_apicv_compute(APICV_PIN & ~(uint32_t)PIN_EXTINT_EXITING, APICV_PROC,
					   CAP(0, 0xffffffff), &bits, why, sizeof(why)), -ENODEV);
	assert_string_equal(why, "virtual-interrupt delivery needs the pin-based control "
			    "'external-interrupt exiting' (bit 0), which the hv runs without");
	assert_int_equal(bits, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_allowed),
		cmocka_unit_test(test_must_be_one_kept),
		cmocka_unit_test(test_optional_missing_left_out),
		cmocka_unit_test(test_required_missing_named),
		cmocka_unit_test(test_forbidden_forced_refused),
		cmocka_unit_test(test_forbidden_allowed_stays_clear),
		cmocka_unit_test(test_first_required_named),
		cmocka_unit_test(test_true_msr_by_basic_bit55),
		cmocka_unit_test(test_cr_fixed),
		cmocka_unit_test(test_apicv_all_allowed),
		cmocka_unit_test(test_apicv_only_its_bits),
		cmocka_unit_test(test_apicv_each_missing_named),
		cmocka_unit_test(test_apicv_x2apic_forced_refused),
		cmocka_unit_test(test_apicv_needs_tpr_shadow_and_extint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
