UNIT_TESTS += cpu_id
cpu_id_SRCS := tests/unit/test_cpu_id.c drivers/cpu_id.c drivers/tsc_cpuid.c
