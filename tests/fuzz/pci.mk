# PCI enumeration, capability walks and MSI-X set-up on fuzzed config spaces (tests/fuzz/fuzz_pci.c).
FUZZERS += pci
pci_FUZZ_SRCS := tests/fuzz/fuzz_pci.c drivers/pci.c drivers/text.c drivers/msix.c
