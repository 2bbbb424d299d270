/* What the hv assumes where firmware's ACPI tables are missing. */
#ifndef HV_ACPI_FALLBACK_H
#define HV_ACPI_FALLBACK_H

/* After acpi_parse() returned parse_err into hv.acpi: fill in the PC
 * defaults (drivers/acpi.h, acpi_pc_defaults) from the hardware and say
 * once on the console which were taken. */
void acpi_fallback(int parse_err);

#endif
