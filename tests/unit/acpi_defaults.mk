# PC defaults where firmware gives no ACPI tables, no MADT or no MCFG.
UNIT_TESTS += acpi_defaults
acpi_defaults_SRCS := tests/unit/test_acpi_defaults.c drivers/acpi_defaults.c drivers/text.c drivers/acpi.c
