# Virtual MSI-X state machine against an ideal function (tests/fuzz/fuzz_vmsix.c).
FUZZERS += vmsix
vmsix_FUZZ_SRCS := tests/fuzz/fuzz_vmsix.c hv/vmsix.c
