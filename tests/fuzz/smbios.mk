# SMBIOS entry points and structure walk in a fake physical memory (tests/fuzz/fuzz_smbios.c).
FUZZERS += smbios
smbios_FUZZ_SRCS := tests/fuzz/fuzz_smbios.c drivers/smbios.c
