UNIT_TESTS += watchdog
watchdog_SRCS := tests/unit/test_watchdog.c hv/watchdog.c
