# PCI configuration mechanism #1: address encoding, the 256-byte limit, and
# enumeration through a fake 0xcf8/0xcfc port pair.
UNIT_TESTS += pci_cf8
pci_cf8_SRCS := tests/unit/test_pci_cf8.c drivers/pci_cf8.c drivers/pci.c drivers/text.c
