/* MSR accesses of the guest (every MSR is intercepted). */
#ifndef HV_MSR_H
#define HV_MSR_H

#include <stdbool.h>

struct vcpu;
struct vlapic;

/* Emulate RDMSR/WRMSR with ECX, EDX:EAX in v->regs (apic: the guest's
 * local APIC, for IA32_TSC_DEADLINE). Returns 0 when done (the caller
 * advances RIP) or 1 when a #GP was injected instead. */
int msr_emulate(struct vcpu *v, struct vlapic *apic, bool write);

#endif
