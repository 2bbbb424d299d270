/* Unit tests of eoi=hw's APIC-access exit decoding (hv/vmx/vmx_decode.c,
 * SDM vol 3, 27.2.1, table 27-6): a linear read or write the CPU does not
 * virtualize becomes the trapped-page access hv/mmio_exit.c emulates; any
 * other access type is not emulated. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/vmx/vmx_decode.h"
#include "hv/vmx/vmcs.h"

#define APIC_GPA	0xfee00000ULL
#define QUAL(type, off)	(((uint64_t)(type) << 12) | (off))

/* A read of the current count (TMCCT, 0x390): not a virtualized read. */
static void test_linear_read(void **state)
{
	struct vcpu_exit e;

	(void)state;
	memset(&e, 0xa5, sizeof(e));
	vmx_decode_apic_access(QUAL(APIC_ACCESS_LINEAR_READ, 0x390), APIC_GPA, &e);
	assert_int_equal(e.reason, EXIT_NPF);
	assert_int_equal(e.npf.gpa, APIC_GPA + 0x390);
	assert_false(e.npf.write);
	assert_false(e.npf.fetch);
	assert_true(e.npf.present);
}

/* A write to a read-only register (PPR, 0xa0) faults as an access. */
static void test_linear_write(void **state)
{
	struct vcpu_exit e;

	(void)state;
	memset(&e, 0, sizeof(e));
	vmx_decode_apic_access(QUAL(APIC_ACCESS_LINEAR_WRITE, 0x0a0), APIC_GPA, &e);
	assert_int_equal(e.reason, EXIT_NPF);
	assert_int_equal(e.npf.gpa, APIC_GPA + 0xa0);
	assert_true(e.npf.write);
}

/* The offset is bits 11:0 only: bits above the type do not leak in. */
static void test_offset_bits(void **state)
{
	struct vcpu_exit e;

	(void)state;
	vmx_decode_apic_access(QUAL(APIC_ACCESS_LINEAR_READ, 0xffc) | (1ULL << 16), APIC_GPA, &e);
	assert_int_equal(e.reason, EXIT_NPF);
	assert_int_equal(e.npf.gpa, APIC_GPA + 0xffc);
}

/* Fetches, accesses during event delivery and guest-physical accesses
 * have no instruction to emulate: the guest is stopped as unexpected. */
static void test_other_types_unknown(void **state)
{
	static const unsigned types[] = { 2, 3, 10, 15 };
	struct vcpu_exit e;
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		e.reason = EXIT_NPF;
		vmx_decode_apic_access(QUAL(types[i], 0xb0), APIC_GPA, &e);
		assert_int_equal(e.reason, EXIT_UNKNOWN);
	}
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(vmx_exit_reason_name(VMX_EXIT_APIC_ACCESS), "APIC access");
	assert_string_equal(vmx_exit_reason_name(VMX_EXIT_VIRTUALIZED_EOI), "virtualized EOI");
	assert_string_equal(vmx_exit_reason_name(VMX_EXIT_APIC_WRITE), "APIC write");
	/* Trap-like exits reach the generic code only if the backend did not
	 * take them: they have no neutral reason of their own. */
	assert_int_equal(vmx_exit_reason(VMX_EXIT_APIC_WRITE), EXIT_UNKNOWN);
	assert_int_equal(vmx_exit_reason(VMX_EXIT_VIRTUALIZED_EOI), EXIT_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linear_read),
		cmocka_unit_test(test_linear_write),
		cmocka_unit_test(test_offset_bits),
		cmocka_unit_test(test_other_types_unknown),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
