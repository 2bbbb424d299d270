/* Power off and reset: isa-debug-exit under QEMU (so the exit status says
 * pass or fail), the Bochs shutdown port, ACPI S5 and the reset register. */
#ifndef DRIVERS_POWER_H
#define DRIVERS_POWER_H

#include <stdbool.h>

struct acpi_info;

/* Learn the platform's ways out from the parsed ACPI tables. */
void power_init(const struct acpi_info *ai);
/* Name of the method power_off() will try first. */
const char *power_method(void);
/* True when power_init found Bochs (its shutdown port is the power off). */
bool power_on_bochs(void);
/* Leave the machine; ok selects the exit status under QEMU. Never returns. */
void __attribute__((noreturn)) power_off(bool ok);
void __attribute__((noreturn)) power_reboot(void);

#endif
