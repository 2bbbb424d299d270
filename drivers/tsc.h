/* TSC frequency: from CPUID where the CPU reports it, else calibrated
 * against the ACPI PM timer or the HPET, else the 8254 PIT. */
#ifndef DRIVERS_TSC_H
#define DRIVERS_TSC_H

#include <stdint.h>

struct acpi_info;

#define TSC_SOURCE_MAX	112

struct tsc_freq {
	uint64_t hz;
	char source[TSC_SOURCE_MAX];	/* "CPUID 0x15: ...", "HPET calibration", ... */
};

/* Find the TSC frequency and report one "tsc: ..." line naming the source
 * (or why none worked); 0, or -ENODEV with hz 0 when no method works. */
int tsc_calibrate(const struct acpi_info *ai, struct tsc_freq *out,
		  void (*report)(void *ctx, const char *msg), void *ctx);
/* Convert TSC ticks to microseconds at the given frequency. */
uint64_t tsc_to_us(uint64_t ticks, uint64_t hz);

#endif
