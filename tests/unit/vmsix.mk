# Virtual MSI-X state machine (hv/vmsix.c) against fake device ops, with a
# seeded stress run checked against an ideal MSI-X function.
UNIT_TESTS += vmsix
vmsix_SRCS := tests/unit/test_vmsix.c hv/vmsix.c
