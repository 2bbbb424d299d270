# Requester-id aliases and IRTE source-id validation on synthetic topologies.
UNIT_TESTS += vtd_sid
vtd_sid_SRCS := tests/unit/test_vtd_sid.c drivers/vtd_sid.c drivers/vtd_irte.c drivers/pci.c drivers/text.c
