# Local APIC mode choice (apic=) and the IA32_APIC_BASE sequence into x2APIC.
UNIT_TESTS += lapic_mode
lapic_mode_SRCS := tests/unit/test_lapic_mode.c drivers/lapic_mode.c
