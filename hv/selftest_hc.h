/* Hypercalls that only the self-tests use (ABI in hypercall_abi.h). */
#ifndef HV_SELFTEST_HC_H
#define HV_SELFTEST_HC_H

#include "hv/guest.h"

/* HC_RAISE_HOST_IRQ: a self-IPI on the host vector of the guest's MSI-X
 * entry rdi, left pending (the hv runs with IF clear) until the hv next
 * opens a window, which is on the way back into the guest. */
long hc_raise_host_irq(struct guest *g, struct vcpu_regs *r);
/* HC_EXIT_COUNT: how many #DB (rdi 0) or #AC (rdi 1) exits so far. */
long hc_exit_count(struct guest *g, struct vcpu_regs *r);
/* HC_HV_IRQ: rdi 0 makes a self-IPI on a vector of the hv's own pending,
 * rdi 1 returns how many the hv has taken on it. The guest only ever
 * costs itself an exit: the hv's handler counts and does nothing else. */
long hc_hv_irq(struct guest *g, struct vcpu_regs *r);

#endif
