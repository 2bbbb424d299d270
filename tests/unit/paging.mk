UNIT_TESTS += paging
paging_SRCS := tests/unit/test_paging.c hv/paging.c
