# ACPI tables and the AML \_S5 walk in a fake physical memory (tests/fuzz/fuzz_acpi.c).
FUZZERS += acpi
acpi_FUZZ_SRCS := tests/fuzz/fuzz_acpi.c drivers/acpi.c
