UNIT_TESTS += smi_run
smi_run_SRCS := tests/unit/test_smi_run.c hv/smi_run.c
