/* TSC frequency from CPUID leaves 0x15 and 0x16 (see tsc_cpuid.h). */
#include <errno.h>
#include <stdio.h>
#include "drivers/tsc_cpuid.h"

#define L16_BASE_MHZ	GENMASK(15, 0)

/* SDM vol 3B, "Determining the Processor Base Frequency" (19.7.3), table
 * "Nominal Core Crystal Clock Frequency": the crystal of the parts whose
 * leaf 0x15 reports ECX = 0. */
static const struct {
	uint8_t model;
	uint32_t hz;
} nominal_crystal[] = {
	{ 0x4e, 24000000 }, { 0x5e, 24000000 },	/* 6th generation Core */
	{ 0x8e, 24000000 }, { 0x9e, 24000000 },	/* 7th generation Core, Xeon W */
	{ 0x55, 25000000 },			/* Xeon Scalable */
	{ 0x5c, 19200000 },			/* Goldmont Atom */
};

static uint32_t crystal_from_table(const struct tsc_cpuid *in)
{
	size_t i;

	if (in->vendor != CPU_VENDOR_INTEL || in->sig.family != 6)
		return 0;
	for (i = 0; i < ARRAY_SIZE(nominal_crystal); i++)
		if (nominal_crystal[i].model == in->sig.model)
			return nominal_crystal[i].hz;
	return 0;
}

static int in_range(uint64_t hz)
{
	return hz >= TSC_HZ_MIN && hz <= TSC_HZ_MAX ? 0 : -ERANGE;
}

/* SDM vol 3B, 19.7.3 and vol 2A CPUID leaf 0x15: TSC = crystal * EBX /
 * EAX, both terms 32-bit so the product fits in 64 bits. EBX = 0 means
 * the ratio is not enumerated; EAX = 0 would divide by zero. */
int tsc_cpuid_hz(const struct tsc_cpuid *in, uint64_t *hz, char *how, size_t len)
{
	uint32_t crystal;
	uint64_t base_mhz;

	if (in->max_leaf < 0x15) {
		snprintf(how, len, "no CPUID leaf 0x15 (highest 0x%x)", in->max_leaf);
		return -ENODEV;
	}
	if (!in->l15_eax || !in->l15_ebx) {
		snprintf(how, len, "CPUID 0x15 enumerates no TSC/crystal ratio (%u/%u)",
			 in->l15_ebx, in->l15_eax);
		return -ENODEV;
	}
	if (in->l15_ecx) {
		*hz = (uint64_t)in->l15_ecx * in->l15_ebx / in->l15_eax;
		snprintf(how, len, "CPUID 0x15: crystal %u Hz x %u/%u", in->l15_ecx,
			 in->l15_ebx, in->l15_eax);
		return in_range(*hz);
	}
	crystal = crystal_from_table(in);
	if (crystal) {
		*hz = (uint64_t)crystal * in->l15_ebx / in->l15_eax;
		snprintf(how, len, "CPUID 0x15: ratio %u/%u, crystal %u Hz (SDM nominal for 06_%02XH)",
			 in->l15_ebx, in->l15_eax, crystal, in->sig.model);
		return in_range(*hz);
	}
	base_mhz = in->max_leaf >= 0x16 ? FIELD_GET(L16_BASE_MHZ, in->l16_eax) : 0;
	if (!base_mhz) {
		snprintf(how, len, "CPUID 0x15 enumerates no crystal and 0x16 no base frequency");
		return -ENODEV;
	}
	/* The crystal is base * EAX / EBX (what Linux derives), so the TSC
	 * runs at the base frequency. */
	*hz = base_mhz * 1000000ULL;
	snprintf(how, len, "CPUID 0x16: base frequency %lu MHz (0x15 ratio %u/%u, no crystal)",
		 (unsigned long)base_mhz, in->l15_ebx, in->l15_eax);
	return in_range(*hz);
}
