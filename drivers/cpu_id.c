/* CPUID decoding (see cpu_id.h). */
#include <string.h>
#include "drivers/cpu_id.h"

/* Family 6 models whose MSR table in SDM vol 4 ("Model-Specific
 * Registers") lists MSR_SMI_COUNT (34H): Nehalem and every Core and Xeon
 * after it, Silvermont and every Atom after it, Xeon Phi. Pre-Nehalem
 * Core 2 and Bonnell/Saltwell Atoms lack it, and so would a model this
 * list has not heard of: it is left out rather than guessed. */
static const uint8_t smi_count_models[] = {
	0x1a, 0x1e, 0x1f, 0x2e,			/* Nehalem */
	0x25, 0x2c, 0x2f,			/* Westmere */
	0x2a, 0x2d, 0x3a, 0x3e,			/* Sandy Bridge, Ivy Bridge */
	0x3c, 0x3f, 0x45, 0x46,			/* Haswell */
	0x3d, 0x47, 0x4f, 0x56,			/* Broadwell */
	0x4e, 0x5e, 0x55, 0x8e, 0x9e, 0xa5, 0xa6,	/* Skylake .. Comet Lake */
	0x66, 0x6a, 0x6c, 0x7d, 0x7e,		/* Cannon Lake, Ice Lake */
	0x8c, 0x8d, 0xa7, 0x8a,			/* Tiger, Rocket, Lakefield */
	0x97, 0x9a, 0xb7, 0xba, 0xbf,		/* Alder Lake, Raptor Lake */
	0x8f, 0xcf, 0xaa, 0xac,			/* Sapphire/Emerald Rapids, Meteor Lake */
	0x37, 0x4a, 0x4d, 0x5a, 0x5d, 0x4c, 0x75,	/* Silvermont, Airmont */
	0x5c, 0x5f, 0x7a,			/* Goldmont, Goldmont Plus */
	0x86, 0x96, 0x9c,			/* Tremont */
	0x57, 0x85,				/* Xeon Phi (Knights Landing/Mill) */
};

enum cpu_vendor cpu_vendor_decode(uint32_t ebx, uint32_t ecx, uint32_t edx)
{
	char v[12];

	memcpy(v, &ebx, 4);
	memcpy(v + 4, &edx, 4);
	memcpy(v + 8, &ecx, 4);
	if (!memcmp(v, "GenuineIntel", 12))
		return CPU_VENDOR_INTEL;
	if (!memcmp(v, "AuthenticAMD", 12))
		return CPU_VENDOR_AMD;
	return CPU_VENDOR_OTHER;
}

/* SDM vol 2A, CPUID, "Version Information": the extended family adds to
 * family 0xF only; the extended model prefixes families 6 and 0xF. AMD
 * (APM vol 3, CPUID Fn0000_0001 EAX) extends family 0xF the same way, and
 * its family 6 parts have extended model 0, so one rule serves both. */
struct cpu_sig cpu_sig_decode(uint32_t eax)
{
	struct cpu_sig s = {
		.family = FIELD_GET(CPUID1_EAX_FAMILY, eax),
		.model = FIELD_GET(CPUID1_EAX_MODEL, eax),
		.stepping = FIELD_GET(CPUID1_EAX_STEPPING, eax),
	};

	if (s.family == 0xf)
		s.family += FIELD_GET(CPUID1_EAX_EXT_FAMILY, eax);
	if (s.family == 6 || s.family >= 0xf)
		s.model |= FIELD_GET(CPUID1_EAX_EXT_MODEL, eax) << 4;
	return s;
}

const char *cpu_smi_count_unavailable(enum cpu_vendor v, struct cpu_sig s, bool hypervisor)
{
	size_t i;

	if (v == CPU_VENDOR_AMD)
		return "AMD CPUs have no MSR_SMI_COUNT";
	if (v != CPU_VENDOR_INTEL)
		return "not an Intel CPU: MSR_SMI_COUNT is Intel's";
	if (hypervisor)
		return "running under a hypervisor: its SMI count is not the host's";
	if (s.family != 6)
		return "Intel family other than 6: SDM vol 4 lists MSR_SMI_COUNT for family 6 only";
	for (i = 0; i < ARRAY_SIZE(smi_count_models); i++)
		if (smi_count_models[i] == s.model)
			return NULL;
	return "this family 6 model is not listed with MSR_SMI_COUNT in SDM vol 4";
}

/* Intel: IA32_BIOS_SIGN_ID from the P6 family on (SDM vol 4, table 2-2).
 * AMD: PATCH_LEVEL from family 10h on (BKDG for family 10h, MSR0000_008B).
 * Hypervisors emulate it (KVM, QEMU's TCG), so it is read under them too:
 * the value is then the one the hypervisor chose to report. */
const char *cpu_ucode_unavailable(enum cpu_vendor v, struct cpu_sig s)
{
	if (v == CPU_VENDOR_INTEL)
		return s.family >= 6 ? NULL : "Intel family before P6: no IA32_BIOS_SIGN_ID";
	if (v == CPU_VENDOR_AMD)
		return s.family >= 0x10 ? NULL : "AMD family before 10h: no PATCH_LEVEL MSR";
	return "neither Intel nor AMD: no known microcode revision MSR";
}

uint32_t cpu_ucode_from_msr(enum cpu_vendor v, uint64_t msr)
{
	return v == CPU_VENDOR_INTEL ? (uint32_t)(msr >> 32) : (uint32_t)msr;
}
