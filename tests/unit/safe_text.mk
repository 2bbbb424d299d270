UNIT_TESTS += safe_text
safe_text_SRCS := tests/unit/test_safe_text.c hv/safe_text.c
