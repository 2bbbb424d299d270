# ACPI parser tests on tables captured from QEMU (tests/data/acpi/).
# The test opens its data relative to the repository root: run it from there
# (or add -DTEST_DATA_DIR='"/abs/path/tests/data"' to its CFLAGS).
UNIT_TESTS += acpi
acpi_SRCS := tests/unit/test_acpi.c drivers/acpi.c
