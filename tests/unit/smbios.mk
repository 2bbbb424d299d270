# SMBIOS entry points and structure walk (drivers/smbios.c).
UNIT_TESTS += smbios
smbios_SRCS := tests/unit/test_smbios.c drivers/smbios.c
