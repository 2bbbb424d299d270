/*
 * Choosing the hv's local APIC mode (xAPIC or x2APIC) from what firmware
 * left in IA32_APIC_BASE, what the CPU offers and what apic= asks. Pure
 * logic (SDM vol 3, 11.12.5), unit-tested on the host.
 */
#ifndef DRIVERS_LAPIC_MODE_H
#define DRIVERS_LAPIC_MODE_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/bits.h"

/* IA32_APIC_BASE (SDM vol 3, 11.4.4 and 11.12.1). */
#define APIC_BASE_BSP		BIT(8)
#define APIC_BASE_X2APIC	BIT(10)		/* EXTD */
#define APIC_BASE_ENABLE	BIT(11)		/* EN */
#define APIC_BASE_ADDR		GENMASK(51, 12)

/* What apic= asks for: the firmware's mode, or one of the two. */
enum lapic_want { LAPIC_WANT_KEEP, LAPIC_WANT_XAPIC, LAPIC_WANT_X2APIC };

struct lapic_mode {
	bool fw_x2apic;		/* firmware left EN and EXTD set */
	bool x2apic;		/* the mode to run in */
	bool switched;		/* x2apic differs from what firmware left */
	const char *why;	/* why the wish was not granted, or NULL */
};

/* The mode to run in. 0, or -ENODEV when x2APIC is asked for and
 * CPUID.1:ECX.x2APIC is clear, -EPERM when xAPIC is asked for in x2APIC
 * mode (leaving x2APIC needs the APIC disabled first, SDM 11.12.5); the
 * mode stays as firmware left it then and why says so. */
int lapic_mode_choose(enum lapic_want want, uint64_t apic_base, bool cpuid_x2apic,
		      struct lapic_mode *m);

/* The IA32_APIC_BASE values to write, in order, to enter x2APIC mode from
 * apic_base: xAPIC first if the APIC is disabled (EN=0, EXTD=1 is an
 * invalid state, SDM figure 11-27), then EN and EXTD. Returns how many
 * (0 when already in x2APIC mode). */
unsigned lapic_x2apic_sequence(uint64_t apic_base, uint64_t seq[2]);

#endif
