/* The 8254 PIT's channel 2, gated through port 0x61: a time reference
 * every PC keeps, for machines with neither an ACPI PM timer nor an HPET
 * (OVMF under Bochs installs no ACPI tables at all). */
#ifndef DRIVERS_PIT_H
#define DRIVERS_PIT_H

#include <stdint.h>

#define PIT_HZ		1193182ULL

/* TSC ticks across `counts` PIT ticks (1..65535) in *tsc: 0; -ETIMEDOUT
 * when channel 2's output never rises (8254 clock-gated), -ENODEV when it
 * never fell (no 8254 behind the ports); -EINVAL for a count out of range. */
int pit_tsc_across(uint16_t counts, uint64_t *tsc);

#endif
