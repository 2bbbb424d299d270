UNIT_TESTS += msr_check
msr_check_SRCS := tests/unit/test_msr_check.c hv/msr_check.c
