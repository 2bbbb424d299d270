/* CPUID as the guest sees it. */
#ifndef HV_CPUID_H
#define HV_CPUID_H

struct vcpu;

/* Fill EAX..EDX for the leaf in EAX/ECX: the host's values with the
 * virtualization features hidden, the hypervisor bit set and the
 * irqvisor leaves at 0x40000000. */
void cpuid_emulate(struct vcpu *v);

#endif
