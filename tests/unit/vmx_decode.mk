UNIT_TESTS += vmx_decode
vmx_decode_SRCS := tests/unit/test_vmx_decode.c hv/vmx/vmx_decode.c
