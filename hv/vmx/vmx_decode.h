/* VMX exit decoding into the neutral struct vcpu_exit, and the names of
 * VMX numbers for messages: pure logic, unit-tested on the host
 * (tests/unit/test_vmx_decode.c). */
#ifndef HV_VMX_DECODE_H
#define HV_VMX_DECODE_H

#include <stdint.h>
#include "hv/vcpu.h"

/* The neutral reason of a basic exit reason that needs no qualification
 * (EXIT_UNKNOWN for the others). */
enum exit_reason vmx_exit_reason(uint32_t basic);
/* An I/O exit from its qualification (SDM 27.2.1, table 27-5): 0, or
 * -EINVAL for a size encoding the SDM does not define. */
int vmx_decode_io(uint64_t qual, struct vcpu_exit *e);
/* An EPT violation from its qualification (table 27-7) and the
 * guest-physical address. */
void vmx_decode_ept(uint64_t qual, uint64_t gpa, struct vcpu_exit *e);
/* An APIC-access exit (eoi=hw: an access the CPU does not virtualize,
 * fault-like) from its qualification (27.2.1, table 27-6) and the
 * guest-physical base of the APIC page: a linear read or write becomes
 * EXIT_NPF at base + offset, emulated like a trapped APIC page; any other
 * access type (fetch, during event delivery, guest-physical) EXIT_UNKNOWN. */
void vmx_decode_apic_access(uint64_t qual, uint64_t apic_gpa, struct vcpu_exit *e);
/* An exception-or-NMI exit from the VM-exit interruption information and
 * error code (24.9.2): EXIT_NMI, EXIT_DB, EXIT_AC or EXIT_EXCEPTION, or
 * EXIT_UNKNOWN when the information is not valid. */
void vmx_decode_exception(uint32_t intr_info, uint32_t error, struct vcpu_exit *e);
/* Meaning of a VM-instruction error number (SDM 30.4, table 30-1). */
const char *vmx_insn_error_name(uint32_t err);
/* Name of a basic exit reason (appendix C). */
const char *vmx_exit_reason_name(uint32_t basic);

#endif
