/* Unit tests of hv/vmx/vmx_decode.c: VMX exit qualifications and interruption
 * information decoded into struct vcpu_exit (SDM vol 3, 24.9 and 27.2),
 * with values as the CPU reports them, and the names of VMX numbers. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/vmx/vmx_decode.h"
#include "hv/vmx/vmcs.h"

#define INFO(type, vector)	(INTR_INFO_VALID | ((type) << 8) | (vector))

/* OUT DX, AL to COM1: size 0 (1 byte), direction out, DX operand. */
static void test_io_out_byte(void **state)
{
	struct vcpu_exit e;

	(void)state;
	memset(&e, 0xa5, sizeof(e));
	assert_int_equal(vmx_decode_io(0x3f80000, &e), 0);
	assert_int_equal(e.reason, EXIT_IO);
	assert_int_equal(e.io.port, 0x3f8);
	assert_int_equal(e.io.size, 1);
	assert_false(e.io.in);
	assert_false(e.io.string);
	assert_false(e.io.rep);
}

/* IN EAX, DX from 0xcfc: size 3 (4 bytes), IN. */
static void test_io_in_dword(void **state)
{
	struct vcpu_exit e;

	(void)state;
	assert_int_equal(vmx_decode_io(0xcfc0000 | IO_QUAL_IN | 3, &e), 0);
	assert_int_equal(e.io.port, 0xcfc);
	assert_int_equal(e.io.size, 4);
	assert_true(e.io.in);
}

/* IN AX, imm8 (port 0x71) and REP OUTSW on port 0xffff. */
static void test_io_word_imm_and_string(void **state)
{
	struct vcpu_exit e;

	(void)state;
	assert_int_equal(vmx_decode_io(0x710000 | IO_QUAL_IMM | IO_QUAL_IN | 1, &e), 0);
	assert_int_equal(e.io.port, 0x71);
	assert_int_equal(e.io.size, 2);
	assert_true(e.io.in);
	assert_false(e.io.string);
	assert_int_equal(vmx_decode_io(0xffff0000ULL | IO_QUAL_STRING | IO_QUAL_REP | 1, &e), 0);
	assert_int_equal(e.io.port, 0xffff);
	assert_true(e.io.string);
	assert_true(e.io.rep);
	assert_false(e.io.in);
}

/* Size encoding 2 is not defined (table 27-5): refused, not guessed. */
static void test_io_bad_size(void **state)
{
	struct vcpu_exit e = { .reason = EXIT_UNKNOWN };

	(void)state;
	assert_int_equal(vmx_decode_io(0x3f80002, &e), -EINVAL);
	assert_int_equal(vmx_decode_io(0x3f80004, &e), -EINVAL);
	assert_int_equal(e.reason, EXIT_UNKNOWN);
}

/* A read of a GPA no EPT entry maps (what the npf self-test does under
 * Bochs: qualification 0x181). */
static void test_ept_read_not_present(void **state)
{
	struct vcpu_exit e;

	(void)state;
	vmx_decode_ept(0x181, 0x4200000, &e);
	assert_int_equal(e.reason, EXIT_NPF);
	assert_int_equal(e.npf.gpa, 0x4200000);
	assert_false(e.npf.write);
	assert_false(e.npf.fetch);
	assert_false(e.npf.present);
}

static void test_ept_write_to_read_only(void **state)
{
	struct vcpu_exit e;

	(void)state;
	vmx_decode_ept(EPT_QUAL_WRITE | EPT_QUAL_READABLE | EPT_QUAL_EXECUTABLE |
		       EPT_QUAL_LINEAR_VALID, 0xfebf0000, &e);
	assert_true(e.npf.write);
	assert_false(e.npf.fetch);
	assert_true(e.npf.present);
	assert_int_equal(e.npf.gpa, 0xfebf0000);
}

static void test_ept_fetch_no_execute(void **state)
{
	struct vcpu_exit e;

	(void)state;
	vmx_decode_ept(EPT_QUAL_FETCH | EPT_QUAL_READABLE | EPT_QUAL_WRITABLE, 0x1000, &e);
	assert_true(e.npf.fetch);
	assert_false(e.npf.write);
	assert_true(e.npf.present);
}

/* A write to an execute-only page: present, though neither readable nor
 * writable. */
static void test_ept_write_to_execute_only(void **state)
{
	struct vcpu_exit e;

	(void)state;
	vmx_decode_ept(EPT_QUAL_WRITE | EPT_QUAL_EXECUTABLE, 0x200000, &e);
	assert_true(e.npf.write);
	assert_true(e.npf.present);
}

static void test_exception_db_and_ac(void **state)
{
	struct vcpu_exit e;

	(void)state;
	vmx_decode_exception(INFO(INTR_TYPE_HW_EXC, 1), 0xdead, &e);
	assert_int_equal(e.reason, EXIT_DB);
	assert_int_equal(e.exc.vector, 1);
	assert_false(e.exc.has_error);
	assert_int_equal(e.exc.error, 0);	/* no error code: none reported */
	vmx_decode_exception(INFO(INTR_TYPE_HW_EXC, 17) | INTR_INFO_HAS_ERROR, 0, &e);
	assert_int_equal(e.reason, EXIT_AC);
	assert_true(e.exc.has_error);
	assert_int_equal(e.exc.error, 0);
	/* INT1 (ICEBP) is a privileged software exception, still a #DB. */
	vmx_decode_exception(INFO(INTR_TYPE_PRIV_SW_EXC, 1), 0, &e);
	assert_int_equal(e.reason, EXIT_DB);
}

static void test_exception_gp_with_error(void **state)
{
	struct vcpu_exit e;

	(void)state;
	vmx_decode_exception(INFO(INTR_TYPE_HW_EXC, 13) | INTR_INFO_HAS_ERROR, 0x18, &e);
	assert_int_equal(e.reason, EXIT_EXCEPTION);
	assert_int_equal(e.exc.vector, 13);
	assert_int_equal(e.exc.error, 0x18);
}

static void test_exception_nmi_and_invalid(void **state)
{
	struct vcpu_exit e;

	(void)state;
	vmx_decode_exception(INFO(INTR_TYPE_NMI, 2), 0, &e);
	assert_int_equal(e.reason, EXIT_NMI);
	vmx_decode_exception(INFO(INTR_TYPE_HW_EXC, 1) & ~(uint32_t)INTR_INFO_VALID, 0, &e);
	assert_int_equal(e.reason, EXIT_UNKNOWN);
}

static void test_exit_reasons(void **state)
{
	(void)state;
	assert_int_equal(vmx_exit_reason(VMX_EXIT_VMCALL), EXIT_HYPERCALL);
	assert_int_equal(vmx_exit_reason(VMX_EXIT_CPUID), EXIT_CPUID);
	assert_int_equal(vmx_exit_reason(VMX_EXIT_HLT), EXIT_HLT);
	assert_int_equal(vmx_exit_reason(VMX_EXIT_RDMSR), EXIT_MSR);
	assert_int_equal(vmx_exit_reason(VMX_EXIT_WRMSR), EXIT_MSR);
	assert_int_equal(vmx_exit_reason(VMX_EXIT_INTR_WINDOW), EXIT_IRQ_WINDOW);
	assert_int_equal(vmx_exit_reason(VMX_EXIT_NMI_WINDOW), EXIT_IRQ_WINDOW);
	assert_int_equal(vmx_exit_reason(VMX_EXIT_TRIPLE_FAULT), EXIT_SHUTDOWN);
	assert_int_equal(vmx_exit_reason(VMX_EXIT_PREEMPTION_TIMER), EXIT_TIMER);
	assert_int_equal(vmx_exit_reason(VMX_EXIT_BAD_GUEST), EXIT_INVALID);
	assert_int_equal(vmx_exit_reason(VMX_EXIT_EPT_MISCONFIG), EXIT_INVALID);
	/* VMX instructions, XSETBV, INVD, INIT: the generic code stops the
	 * guest on an unknown exit, as it does for their SVM intercepts. */
	assert_int_equal(vmx_exit_reason(19), EXIT_UNKNOWN);	/* VMCLEAR */
	assert_int_equal(vmx_exit_reason(55), EXIT_UNKNOWN);	/* XSETBV */
	assert_int_equal(vmx_exit_reason(13), EXIT_UNKNOWN);	/* INVD */
	assert_int_equal(vmx_exit_reason(VMX_EXIT_INIT), EXIT_UNKNOWN);
	assert_int_equal(vmx_exit_reason(0xffff), EXIT_UNKNOWN);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(vmx_insn_error_name(7), "VM entry with invalid control field(s)");
	assert_string_equal(vmx_insn_error_name(8), "VM entry with invalid host-state field(s)");
	assert_string_equal(vmx_insn_error_name(12),
			    "VMREAD/VMWRITE from/to unsupported VMCS component");
	assert_string_equal(vmx_insn_error_name(28), "invalid operand to INVEPT/INVVPID");
	assert_string_equal(vmx_insn_error_name(0), "unknown VM-instruction error");
	assert_string_equal(vmx_insn_error_name(14), "unknown VM-instruction error");
	assert_string_equal(vmx_insn_error_name(29), "unknown VM-instruction error");
	assert_string_equal(vmx_insn_error_name(0xffffffff), "unknown VM-instruction error");
	assert_string_equal(vmx_exit_reason_name(48), "EPT violation");
	assert_string_equal(vmx_exit_reason_name(33), "VM-entry failure: invalid guest state");
	assert_string_equal(vmx_exit_reason_name(35), "unknown exit reason");
	assert_string_equal(vmx_exit_reason_name(VMX_EXIT_REASONS), "unknown exit reason");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_io_out_byte),
		cmocka_unit_test(test_io_in_dword),
		cmocka_unit_test(test_io_word_imm_and_string),
		cmocka_unit_test(test_io_bad_size),
		cmocka_unit_test(test_ept_read_not_present),
		cmocka_unit_test(test_ept_write_to_read_only),
		cmocka_unit_test(test_ept_fetch_no_execute),
		cmocka_unit_test(test_ept_write_to_execute_only),
		cmocka_unit_test(test_exception_db_and_ac),
		cmocka_unit_test(test_exception_gp_with_error),
		cmocka_unit_test(test_exception_nmi_and_invalid),
		cmocka_unit_test(test_exit_reasons),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
