# DMAR parser, device-to-unit matching and VT-d capability decoding, on real
# tables (tests/data/dmar/, tests/data/acpi/qemu-q35*/dmar.dat) and synthetic
# ones. Run from the repository root (data paths are relative to it).
UNIT_TESTS += dmar
dmar_SRCS := tests/unit/test_dmar.c drivers/dmar.c drivers/dmar_match.c
