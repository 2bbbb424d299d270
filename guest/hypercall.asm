; Hypercalls of the guest (ABI in hv/hypercall_abi.h):
; long hc_vmmcall(nr, a0, a1, a2, a3) / hc_vmcall(...): the SVM and VMX
; instructions; the guest picks one by CPU vendor at start.
bits 64
default rel
section .text

global hc_vmmcall, hc_vmcall
hc_vmmcall:
        mov     rax, rdi
        mov     rdi, rsi
        mov     rsi, rdx
        mov     rdx, rcx
        mov     rcx, r8
        vmmcall
        ret
hc_vmcall:
        mov     rax, rdi
        mov     rdi, rsi
        mov     rsi, rdx
        mov     rdx, rcx
        mov     rcx, r8
        vmcall
        ret
