# Firmware-bug checks and the quiesce sequence of a unit the firmware left
# on, against a simulated register file (tests/unit/test_vtd_takeover.c).
UNIT_TESTS += vtd_takeover
vtd_takeover_SRCS := tests/unit/test_vtd_takeover.c drivers/vtd_takeover.c
