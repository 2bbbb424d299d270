/* PC defaults where the ACPI tables are missing (see acpi_fallback.h). */
#include <errno.h>
#include <stdio.h>
#include "hv/acpi_fallback.h"
#include "hv/hv.h"
#include "drivers/cpu.h"
#include "drivers/ioapic.h"

static uint32_t ioapic_probe_read(void *ctx, uint64_t pa, uint32_t reg)
{
	(void)ctx;
	return ioapic_read(pa, reg);
}

void acpi_fallback(int parse_err)
{
	struct acpi_pc_probe probe = { .apic_base_msr = cpu_rdmsr(MSR_APIC_BASE),
				       .ioapic_read = ioapic_probe_read };
	char line[256];

	if (parse_err == -EINVAL)
		printf("hv: ACPI tables unusable\n");
	if (!acpi_pc_defaults(&hv.acpi, &probe))
		return;
	/* A line cut short (-ENOSPC) is still terminated and worth showing. */
	acpi_pc_defaults_describe(&hv.acpi, line, sizeof(line));
	printf("%s\n", line);
}
