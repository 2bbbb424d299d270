# PCI enumeration tests on a synthetic ECAM config space.
UNIT_TESTS += pci
pci_SRCS := tests/unit/test_pci.c drivers/pci.c drivers/text.c
