/* MSR accesses of the guest (every MSR is intercepted). */
#ifndef HV_MSR_H
#define HV_MSR_H

#include <stdbool.h>

struct vcpu;

/* Emulate RDMSR/WRMSR with ECX, EDX:EAX in v->regs. Returns 0 when done
 * (the caller advances RIP) or 1 when a #GP was injected instead. */
int msr_emulate(struct vcpu *v, bool write);

#endif
