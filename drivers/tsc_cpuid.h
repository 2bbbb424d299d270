/* The TSC frequency CPUID enumerates: leaf 0x15's TSC/crystal ratio times
 * the crystal frequency, from ECX, else from the SDM's table of nominal
 * crystals, else leaf 0x16's base frequency. Pure: the caller reads the
 * leaves. */
#ifndef DRIVERS_TSC_CPUID_H
#define DRIVERS_TSC_CPUID_H

#include <stddef.h>
#include <stdint.h>
#include "drivers/cpu_id.h"

#define TSC_HZ_MIN	1000000ULL		/* below: not a TSC, a bad leaf */
#define TSC_HZ_MAX	100000000000ULL		/* above: likewise */

struct tsc_cpuid {
	uint32_t max_leaf;			/* CPUID leaf 0 EAX */
	uint32_t l15_eax, l15_ebx, l15_ecx;	/* denominator, numerator, crystal Hz */
	uint32_t l16_eax;			/* bits 15:0: base frequency in MHz */
	enum cpu_vendor vendor;
	struct cpu_sig sig;
};

/* 0 with *hz and how it was found in how ("CPUID 0x15: ..."); -ENODEV
 * when CPUID does not enumerate the frequency; -ERANGE when what it
 * enumerates is outside TSC_HZ_MIN..TSC_HZ_MAX (how says which value). */
int tsc_cpuid_hz(const struct tsc_cpuid *in, uint64_t *hz, char *how, size_t len);

#endif
