# Options: command line, irqvisor.cfg, set and dev= parsing (tests/fuzz/fuzz_options.c).
FUZZERS += options
options_FUZZ_SRCS := tests/fuzz/fuzz_options.c hv/options.c
