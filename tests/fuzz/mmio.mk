# MMIO MOV decoder and x86 length decoder, against Capstone (tests/fuzz/fuzz_mmio.c).
FUZZERS += mmio
mmio_FUZZ_SRCS := tests/fuzz/fuzz_mmio.c hv/mmio.c hv/insn.c
mmio_FUZZ_LIBS := -lcapstone
