UNIT_TESTS += vmx_caps
vmx_caps_SRCS := tests/unit/test_vmx_caps.c hv/vmx_caps.c
