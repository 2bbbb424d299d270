; VMX world switch: run the guest once (SDM vol 3, chapters 26 and 27).
; enum vmx_status vmx_enter(struct vcpu_regs *regs, void *guest_fx,
;                           bool launched)
; The host's RSP and RIP go into the VMCS at every entry, so a VM exit
; resumes at .exit on this very stack frame; everything else the exit
; loads was set up once (hv/vmx/vmx_vmcs.c). VMLAUNCH the first time after
; VMCLEAR, VMRESUME after. The hv's own C code uses no SSE/x87
; (-mgeneral-regs-only) but newlib may: the guest's FPU state is restored
; before and saved after every run, as hv/svm/svm_run.asm does.
; Interrupts: IF has been clear since the caller drained them (hv/guest.c
; guest_loop) and stays clear: with external-interrupt exiting, one that
; arrives now exits the guest at once (SDM 25.2), and a VM exit clears
; RFLAGS.IF in the host (27.5.3).
; Returns 0 (VMX_OK) after a VM exit, 1 (VMX_FAIL_INVALID, CF=1) or 2
; (VMX_FAIL_VALID, ZF=1) when the VMWRITE or the VM entry failed (30.2).
bits 64
default rel
section .text

%include "hv/vcpu_gprs.mac"

%define VMCS_HOST_RSP   0x6c14
%define VMCS_HOST_RIP   0x6c16

global vmx_enter
vmx_enter:
        push    rbx
        push    rbp
        push    r12
        push    r13
        push    r14
        push    r15
        push    rsi                     ; [rsp+8] guest fx area
        push    rdi                     ; [rsp]   regs
        fxrstor64 [rsi]
        mov     eax, VMCS_HOST_RSP
        vmwrite rax, rsp
        jbe     .fail
        lea     rbx, [rel .exit]
        mov     eax, VMCS_HOST_RIP
        vmwrite rax, rbx
        jbe     .fail
        test    dl, dl                  ; launched? (MOVs keep the flags)
        mov     rax, [rdi + VCPU_REGS_RAX]
        mov     rsi, [rdi + VCPU_REGS_RSI]
        GPRS_LOAD rdi
        mov     rdi, [rdi + VCPU_REGS_RDI]
        jnz     .resume
        vmlaunch
        jmp     .fail                   ; only reached when it failed
.resume:
        vmresume
.fail:
        mov     eax, 1                  ; VMfailInvalid: CF=1
        jc      .out
        mov     eax, 2                  ; VMfailValid: ZF=1
        jmp     .out
.exit:
        push    rdi
        mov     rdi, [rsp + 8]          ; regs
        mov     [rdi + VCPU_REGS_RAX], rax
        mov     [rdi + VCPU_REGS_RSI], rsi
        GPRS_STORE rdi
        pop     rax
        mov     [rdi + VCPU_REGS_RDI], rax
        xor     eax, eax
.out:
        mov     rsi, [rsp + 8]
        fxsave64 [rsi]
        add     rsp, 16
        pop     r15
        pop     r14
        pop     r13
        pop     r12
        pop     rbp
        pop     rbx
        ret
