/* Posted-interrupt processing on the VMX backend (SDM vol 3, 29.6): the
 * CPU side of delivery=posted (hv/delivery/posted.c). Not run on any
 * machine this project is tested on: QEMU 7.2's TCG has no VMX, Bochs
 * 2.7's VMX has no posted interrupts. */
#ifndef HV_VMX_POSTED_H
#define HV_VMX_POSTED_H

#include <stdint.h>
#include "hv/vcpu.h"

struct vmx_vcpu;

/* Whether this CPU can process posted interrupts: 0, or -ENODEV with
 * every missing control named (vmx_posted_caps_check). Reads the
 * capability MSRs: only with the VMX backend probed. */
int vmx_posted_cpu_check(char *why, unsigned len);
/* vmx_ops.posted (vcpu.h): notification vector nv and descriptor desc_pa
 * for the vCPU, or off with nv 0. */
int vmx_posted(struct vcpu *v, uint8_t nv, uint64_t desc_pa, char *why, unsigned len);
/* After the VMCS set-up of a reset: the posted-interrupt fields, when on. */
void vmx_posted_load(struct vmx_vcpu *s);

#endif
