# The code TLB's hit test and the expected-bytes check of the exit path
# (hv/code_tlb.h, header only).
UNIT_TESTS += code_tlb
code_tlb_SRCS := tests/unit/test_code_tlb.c
