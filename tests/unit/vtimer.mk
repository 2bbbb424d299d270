UNIT_TESTS += vtimer
vtimer_SRCS := tests/unit/test_vtimer.c hv/vtimer.c hv/vlapic.c
