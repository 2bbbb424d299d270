UNIT_TESTS += mmio
mmio_SRCS := tests/unit/test_mmio.c hv/mmio.c hv/insn.c
