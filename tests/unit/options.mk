UNIT_TESTS += options
options_SRCS := tests/unit/test_options.c hv/options.c
