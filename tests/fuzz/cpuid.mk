# CPUID decoding and the TSC frequency from leaves 0x15/0x16 on arbitrary
# leaf values, as a hypervisor may report them (tests/fuzz/fuzz_cpuid.c).
FUZZERS += cpuid
cpuid_FUZZ_SRCS := tests/fuzz/fuzz_cpuid.c drivers/cpu_id.c drivers/tsc_cpuid.c
