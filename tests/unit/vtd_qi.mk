# Invalidation queue descriptors, ring wrap-around, timeouts and errors.
UNIT_TESTS += vtd_qi
vtd_qi_SRCS := tests/unit/test_vtd_qi.c drivers/vtd_qi.c
