; VMX world switch: run the guest once (SDM vol 3, chapters 26 and 27).
; enum vmx_status vmx_enter(struct vcpu_regs *regs, void *guest_fx,
;                           bool launched, uint64_t *host_rsp)
; A VM exit resumes at vmx_exit_rip (HOST_RIP, written once with the rest
; of the host state, hv/vmx/vmx_vmcs.c) on this very stack frame: HOST_RSP
; is written when RSP here differs from *host_rsp, the value last written
; (0 after a VMCLEAR: none yet), which then follows. Entries from the same
; caller find it equal and write nothing (KVM keeps HOST_RSP likewise).
; VMLAUNCH the first time after VMCLEAR, VMRESUME after. The hv's own C
; code uses no SSE/x87 (-mgeneral-regs-only) but newlib may: the guest's
; FPU state is restored before and saved after every run, as
; hv/svm/svm_run.asm does.
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

global vmx_enter
global vmx_exit_rip
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
        cmp     rsp, [rcx]
        je      .rsp_written
        mov     eax, VMCS_HOST_RSP
        vmwrite rax, rsp
        jbe     .fail
        mov     [rcx], rsp
.rsp_written:
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
        jc      vmx_enter_out
        mov     eax, 2                  ; VMfailValid: ZF=1
        jmp     vmx_enter_out
vmx_exit_rip:
        push    rdi
        mov     rdi, [rsp + 8]          ; regs
        mov     [rdi + VCPU_REGS_RAX], rax
        mov     [rdi + VCPU_REGS_RSI], rsi
        GPRS_STORE rdi
        pop     rax
        mov     [rdi + VCPU_REGS_RDI], rax
        xor     eax, eax
vmx_enter_out:
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
