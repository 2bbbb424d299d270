UNIT_TESTS += insn
insn_SRCS := tests/unit/test_insn.c hv/insn.c
