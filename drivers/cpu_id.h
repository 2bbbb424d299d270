/* What CPUID says about the CPU, decoded: vendor, display family/model/
 * stepping, and which model-specific MSRs that makes safe to read. The
 * hv has no #GP recovery for RDMSR, so an MSR is read only where the
 * vendor's documentation lists it for this exact signature.
 * Pure: no hardware access. */
#ifndef DRIVERS_CPU_ID_H
#define DRIVERS_CPU_ID_H

#include <stdbool.h>
#include <stdint.h>
#include "drivers/bits.h"

#define MSR_SMI_COUNT		0x00000034	/* SDM vol 4: bits 31:0 SMIs since reset */
#define MSR_BIOS_SIGN_ID	0x0000008b	/* Intel IA32_BIOS_SIGN_ID; AMD PATCH_LEVEL */

/* CPUID leaf 1 EAX (SDM vol 2A, CPUID "Version Information") */
#define CPUID1_EAX_STEPPING	GENMASK(3, 0)
#define CPUID1_EAX_MODEL	GENMASK(7, 4)
#define CPUID1_EAX_FAMILY	GENMASK(11, 8)
#define CPUID1_EAX_EXT_MODEL	GENMASK(19, 16)
#define CPUID1_EAX_EXT_FAMILY	GENMASK(27, 20)
/* CPUID leaf 0x80000007 EDX bit 8: the TSC runs at a constant rate in
 * every P-, C- and T-state (SDM vol 3B, "Invariant TSC"; APM vol 3,
 * CPUID Fn8000_0007 EDX "TscInvariant"). */
#define CPUIDX7_EDX_INVARIANT_TSC	BIT(8)

enum cpu_vendor { CPU_VENDOR_OTHER, CPU_VENDOR_INTEL, CPU_VENDOR_AMD };

struct cpu_sig {
	unsigned family, model, stepping;	/* display values */
};

/* The vendor from CPUID leaf 0 EBX, EDX, ECX ("GenuineIntel", ...). */
enum cpu_vendor cpu_vendor_decode(uint32_t ebx, uint32_t ecx, uint32_t edx);
/* Display family, model and stepping from CPUID leaf 1 EAX. */
struct cpu_sig cpu_sig_decode(uint32_t eax);
/* NULL when MSR_SMI_COUNT can be read on this CPU; else why not. */
const char *cpu_smi_count_unavailable(enum cpu_vendor v, struct cpu_sig s, bool hypervisor);
/* NULL when the microcode revision can be read (MSR 0x8b); else why not. */
const char *cpu_ucode_unavailable(enum cpu_vendor v, struct cpu_sig s);
/* The revision from a raw MSR 0x8b value: Intel keeps it in bits 63:32
 * (SDM vol 3A, "Determining the
 * Signature" under "Microcode Update Facilities"), AMD's PATCH_LEVEL in bits 31:0. */
uint32_t cpu_ucode_from_msr(enum cpu_vendor v, uint64_t msr);

#endif
