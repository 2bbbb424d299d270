/* The CPU the hv runs on, probed once through CPUID and the MSRs that
 * drivers/cpu_id.c says exist: signature, microcode revision, invariant
 * TSC, and the SMI counter the benchmarks read around every run. */
#ifndef DRIVERS_CPU_INFO_H
#define DRIVERS_CPU_INFO_H

#include <stdbool.h>
#include <stdint.h>
#include "drivers/cpu_id.h"

struct cpu_info {
	enum cpu_vendor vendor;
	char vendor_id[13];
	char brand[49];			/* CPUID 0x80000002..4, leading blanks dropped; "" if none */
	char hv_sig[13];		/* CPUID 0x40000000 when hypervisor, else "" */
	uint32_t signature;		/* CPUID leaf 1 EAX */
	struct cpu_sig sig;
	uint32_t max_leaf, max_ext_leaf;
	bool hypervisor;		/* CPUID leaf 1 ECX bit 31 */
	bool invariant_tsc;
	uint32_t ucode;			/* valid when !ucode_why */
	const char *ucode_why;
	const char *smi_why;		/* NULL: MSR_SMI_COUNT is read */
};

/* The probed CPU (probed on the first call, which reads MSR 0x8b). */
const struct cpu_info *cpu_info(void);
/* The CPU is an emulator's that answers MSRs 0x34 and 0x8b with 0 (Bochs:
 * its model passes the checks): neither is read from now on, and why
 * says so. */
void cpu_info_emulated(const char *why);
/* MSR_SMI_COUNT now: 0, or -ENODEV where cpu_info()->smi_why says why not. */
int cpu_smi_count(uint64_t *count);

#endif
