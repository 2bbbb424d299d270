# VMX exit decoders on arbitrary qualifications and interruption info (tests/fuzz/fuzz_vmx_decode.c).
FUZZERS += vmx_decode
vmx_decode_FUZZ_SRCS := tests/fuzz/fuzz_vmx_decode.c hv/vmx/vmx_decode.c
