# MSI-X entry encoding and layout checks, BAR decoding and command/MSI-X
# control writes against a fake config space, e1000e's pure helpers.
UNIT_TESTS += msix
msix_SRCS := tests/unit/test_msix.c drivers/msix.c drivers/pci.c drivers/text.c drivers/e1000e.c
