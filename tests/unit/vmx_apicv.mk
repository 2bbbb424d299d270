UNIT_TESTS += vmx_apicv
vmx_apicv_SRCS := tests/unit/test_vmx_apicv.c hv/vmx/vmx_decode.c
