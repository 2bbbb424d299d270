UNIT_TESTS += ratelimit
ratelimit_SRCS := tests/unit/test_ratelimit.c hv/ratelimit_check.c
