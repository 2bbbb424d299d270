# DMAR parser and unit lookup on arbitrary tables (tests/fuzz/fuzz_dmar.c).
FUZZERS += dmar
dmar_FUZZ_SRCS := tests/fuzz/fuzz_dmar.c drivers/dmar.c drivers/dmar_match.c
