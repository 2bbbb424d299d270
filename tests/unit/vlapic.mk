UNIT_TESTS += vlapic
vlapic_SRCS := tests/unit/test_vlapic.c hv/vlapic.c hv/vtimer.c
