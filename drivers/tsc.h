/* TSC frequency: from CPUID where the CPU reports it, else calibrated
 * against the ACPI PM timer or the HPET. */
#ifndef DRIVERS_TSC_H
#define DRIVERS_TSC_H

#include <stdint.h>

struct acpi_info;

struct tsc_freq {
	uint64_t hz;
	const char *source;	/* "CPUID 0x15", "ACPI PM timer", "HPET", ... */
};

/* Find the TSC frequency; 0 or -ENODEV when no method works. */
int tsc_calibrate(const struct acpi_info *ai, struct tsc_freq *out);
/* Convert TSC ticks to microseconds at the given frequency. */
uint64_t tsc_to_us(uint64_t ticks, uint64_t hz);

#endif
