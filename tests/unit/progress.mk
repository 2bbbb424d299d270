# When long benchmarks report progress (hv/progress.c).
UNIT_TESTS += progress
progress_SRCS := tests/unit/test_progress.c hv/progress.c
