/* Values a guest WRMSR may put in the MSRs hv/msr.c emulates: pure logic,
 * unit-tested on the host (tests/unit/test_msr_check.c). */
#ifndef HV_MSR_CHECK_H
#define HV_MSR_CHECK_H

#include <stdbool.h>
#include <stdint.h>

/* False where the CPU would raise #GP for WRMSR of val (SDM vol 4, table
 * 2-2): a non-canonical address in an address MSR, reserved bits in
 * IA32_FMASK, a reserved memory type in IA32_PAT. The backends load these
 * values into the CPU (VMX keeps the SYSCALL MSRs and KernelGSbase in the
 * MSRs themselves, where a #GP would be the hv's), so they are checked
 * before any backend sees them. Canonical means 48-bit: the guest runs
 * 4-level paging. */
bool msr_value_ok(uint32_t msr, uint64_t val);

#endif
