# Posted-interrupt processing from the VMX capability MSRs, the VMCS values.
UNIT_TESTS += vmx_posted_caps
vmx_posted_caps_SRCS := tests/unit/test_vmx_posted_caps.c hv/vmx/vmx_posted_caps.c
