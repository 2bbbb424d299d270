/*
 * VMX exit decoders (hv/vmx/vmx_decode.c) on arbitrary values. Input: an exit
 * qualification (8 bytes), a guest-physical address (8), an interruption
 * information word (4), an error code (4) and a basic exit reason (2).
 * A guest chooses much of what these fields say (its port, its access, its
 * exception), so no value may reach the generic exit code undecoded.
 *
 * Invariants: an I/O qualification is accepted exactly when its size field
 * is 0, 1 or 3, and then gives a size of 1, 2 or 4 and the port in bits
 * 31:16; an EPT violation keeps the address and is "present" exactly when
 * the entry allowed some access; an exception decodes to EXIT_NMI,
 * EXIT_DB, EXIT_AC, EXIT_EXCEPTION or EXIT_UNKNOWN consistently with its
 * vector, type and valid bit, with an error code only when the valid bit
 * for it is set; every number has a printable name.
 */
#include "hv/vmx/vmx_decode.h"
#include "hv/vmx/vmcs.h"
#include "tests/fuzz/fuzz.h"

static void check_io(uint64_t qual)
{
	uint64_t size = qual & IO_QUAL_SIZE;
	struct vcpu_exit e = { .reason = EXIT_UNKNOWN };
	int rc = vmx_decode_io(qual, &e);

	FUZZ_CHECK((rc == 0) == (size == 0 || size == 1 || size == 3),
		   "qual 0x%lx: rc %d", (unsigned long)qual, rc);
	if (rc) {
		FUZZ_CHECK(e.reason == EXIT_UNKNOWN, "refused qual 0x%lx changed the exit",
			   (unsigned long)qual);
		return;
	}
	FUZZ_CHECK(e.reason == EXIT_IO, "reason %d", e.reason);
	FUZZ_CHECK(e.io.size == size + 1, "size %u from field %lu", e.io.size,
		   (unsigned long)size);
	FUZZ_CHECK(e.io.port == ((qual >> 16) & 0xffff), "port 0x%x", e.io.port);
	FUZZ_CHECK(e.io.in == !!(qual & IO_QUAL_IN), "direction");
}

static void check_ept(uint64_t qual, uint64_t gpa)
{
	struct vcpu_exit e;

	vmx_decode_ept(qual, gpa, &e);
	FUZZ_CHECK(e.reason == EXIT_NPF && e.npf.gpa == gpa, "gpa 0x%lx", (unsigned long)gpa);
	FUZZ_CHECK(e.npf.present == !!(qual & GENMASK(5, 3)), "present from qual 0x%lx",
		   (unsigned long)qual);
	FUZZ_CHECK(e.npf.write == !!(qual & EPT_QUAL_WRITE), "write");
	FUZZ_CHECK(e.npf.fetch == !!(qual & EPT_QUAL_FETCH), "fetch");
}

static void check_exception(uint32_t info, uint32_t error)
{
	struct vcpu_exit e;
	uint8_t vector = info & 0xff;

	vmx_decode_exception(info, error, &e);
	if (!(info & INTR_INFO_VALID)) {
		FUZZ_CHECK(e.reason == EXIT_UNKNOWN, "invalid info 0x%x gave %d", info, e.reason);
		return;
	}
	if (((info >> 8) & 7) == INTR_TYPE_NMI) {
		FUZZ_CHECK(e.reason == EXIT_NMI, "NMI info 0x%x gave %d", info, e.reason);
		return;
	}
	FUZZ_CHECK(e.exc.vector == vector, "vector %u of 0x%x", e.exc.vector, info);
	FUZZ_CHECK(e.reason == (vector == 1 ? EXIT_DB : vector == 17 ? EXIT_AC : EXIT_EXCEPTION),
		   "reason %d for vector %u", e.reason, vector);
	FUZZ_CHECK(e.exc.has_error == !!(info & INTR_INFO_HAS_ERROR), "has_error");
	FUZZ_CHECK(e.exc.error == (e.exc.has_error ? error : 0), "error 0x%x", e.exc.error);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint64_t qual = fuzz_u64(&in), gpa = fuzz_u64(&in);
	uint32_t info = fuzz_u32(&in), error = fuzz_u32(&in);
	uint16_t basic = fuzz_u16(&in);
	enum exit_reason r = vmx_exit_reason(basic);

	check_io(qual);
	check_ept(qual, gpa);
	check_exception(info, error);
	FUZZ_CHECK(r < EXIT_REASONS, "reason %d for basic %u", r, basic);
	FUZZ_CHECK(fuzz_printable_line(vmx_exit_reason_name(basic), 80), "exit name %u", basic);
	FUZZ_CHECK(fuzz_printable_line(vmx_insn_error_name(info), 80), "error name %u", info);
	return 0;
}
