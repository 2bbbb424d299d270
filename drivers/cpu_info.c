/* CPU identification and SMI count (see cpu_info.h). */
#include <errno.h>
#include <string.h>
#include "drivers/cpu_info.h"
#include "drivers/cpu.h"

static struct cpu_info ci;
static bool probed;

/* Intel: write 0 to IA32_BIOS_SIGN_ID, CPUID leaf 1, then read it: the
 * CPUID loads the revision (SDM vol 3A, "Determining the Signature").
 * AMD's PATCH_LEVEL reads as is. */
static void probe_ucode(void)
{
	struct cpuid_regs r;

	ci.ucode_why = cpu_ucode_unavailable(ci.vendor, ci.sig);
	if (ci.ucode_why)
		return;
	if (ci.vendor == CPU_VENDOR_INTEL) {
		cpu_wrmsr(MSR_BIOS_SIGN_ID, 0);
		cpu_cpuid(1, 0, &r);
	}
	ci.ucode = cpu_ucode_from_msr(ci.vendor, cpu_rdmsr(MSR_BIOS_SIGN_ID));
}

/* The brand string (SDM vol 2A, CPUID 80000002H-80000004H); Intel pads it
 * with leading blanks. */
static void probe_brand(void)
{
	char raw[49];
	unsigned i;

	memset(raw, 0, sizeof(raw));
	if (ci.max_ext_leaf >= 0x80000004)
		for (i = 0; i < 3; i++)
			cpu_cpuid(0x80000002 + i, 0, (struct cpuid_regs *)(raw + 16 * i));
	memcpy(ci.brand, raw + strspn(raw, " "), sizeof(raw) - strspn(raw, " "));
}

/* The hypervisor leaf's vendor signature (EBX, ECX, EDX), present when
 * leaf 1 ECX bit 31 says a hypervisor runs us. */
static void probe_hv_sig(void)
{
	struct cpuid_regs r;

	if (!ci.hypervisor)
		return;
	cpu_cpuid(0x40000000, 0, &r);
	memcpy(ci.hv_sig, &r.ebx, 4);
	memcpy(ci.hv_sig + 4, &r.ecx, 4);
	memcpy(ci.hv_sig + 8, &r.edx, 4);
	ci.hv_sig[12] = 0;
}

static void probe(void)
{
	struct cpuid_regs r;

	cpu_cpuid(0, 0, &r);
	ci.max_leaf = r.eax;
	ci.vendor = cpu_vendor_decode(r.ebx, r.ecx, r.edx);
	memcpy(ci.vendor_id, &r.ebx, 4);
	memcpy(ci.vendor_id + 4, &r.edx, 4);
	memcpy(ci.vendor_id + 8, &r.ecx, 4);
	ci.vendor_id[12] = 0;
	cpu_cpuid(1, 0, &r);
	ci.signature = r.eax;
	ci.sig = cpu_sig_decode(r.eax);
	ci.hypervisor = r.ecx & CPUID1_ECX_HYPERVISOR;
	cpu_cpuid(0x80000000, 0, &r);
	ci.max_ext_leaf = r.eax;
	if (ci.max_ext_leaf >= 0x80000007) {
		cpu_cpuid(0x80000007, 0, &r);
		ci.invariant_tsc = r.edx & CPUIDX7_EDX_INVARIANT_TSC;
	}
	probe_brand();
	probe_hv_sig();
	probe_ucode();
	ci.smi_why = cpu_smi_count_unavailable(ci.vendor, ci.sig, ci.hypervisor);
}

const struct cpu_info *cpu_info(void)
{
	if (!probed) {
		probe();
		probed = true;
	}
	return &ci;
}

void cpu_info_emulated(const char *why)
{
	cpu_info();
	ci.smi_why = why;
	ci.ucode_why = why;
}

int cpu_smi_count(uint64_t *count)
{
	if (cpu_info()->smi_why)
		return -ENODEV;
	*count = cpu_rdmsr(MSR_SMI_COUNT);
	return 0;
}
