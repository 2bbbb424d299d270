; SVM world switch: run the guest once (APM vol 2, 15.5).
; void svm_vmrun(uint64_t vmcb_pa, struct vcpu_regs *regs,
;                uint64_t host_vmcb_pa, void *guest_fx)
; RAX of the guest lives in the VMCB; the others in struct vcpu_regs.
; VMRUN swaps only part of the state: VMLOAD/VMSAVE move FS, GS, TR, LDTR,
; KernelGsBase and the SYSCALL/SYSENTER MSRs (15.5.2), so the guest's are
; loaded before VMRUN and the host's put back after. The hv's own C code
; uses no SSE/x87 (-mgeneral-regs-only) but newlib may: the guest's FPU
; state is restored before and saved after every run.
; With V_INTR_MASKING the host's RFLAGS.IF at VMRUN decides whether
; physical interrupts exit the guest (15.21.1): IF is set after CLGI (GIF=0
; keeps them out of the hv until VMRUN) and cleared again before STGI, so
; the hv itself only takes them where it opens a window. Interrupts must
; be drained before the caller decides what to inject, with IF clear from
; there to VMRUN: one taken here would leave its work for the next exit.
bits 64
default rel
section .text

%include "hv/vcpu_gprs.mac"

global svm_vmrun
svm_vmrun:
        push    rbx
        push    rbp
        push    r12
        push    r13
        push    r14
        push    r15
        push    rcx                     ; [rsp+24] guest fx area
        push    rdx                     ; [rsp+16] host vmcb
        push    rsi                     ; [rsp+8]  regs
        push    rdi                     ; [rsp]    guest vmcb
        fxrstor64 [rcx]
        ; Interrupts were drained by the caller before it decided what to
        ; inject (hv/guest.c guest_loop); IF has been clear since, so what
        ; arrives now stays pending and exits the guest at once.
        clgi
        sti
        mov     rax, rdi
        mov     rdi, [rsi + VCPU_REGS_RDI]
        GPRS_LOAD rsi
        mov     rsi, [rsi + VCPU_REGS_RSI]
        vmload
        vmrun
        vmsave
        push    rsi
        mov     rsi, [rsp + 16]         ; regs
        mov     [rsi + VCPU_REGS_RDI], rdi
        GPRS_STORE rsi
        pop     rax
        mov     [rsi + VCPU_REGS_RSI], rax
        mov     rax, [rsp + 16]         ; host vmcb
        vmload
        cli
        stgi
        mov     rax, [rsp + 24]
        fxsave64 [rax]
        add     rsp, 32
        pop     r15
        pop     r14
        pop     r13
        pop     r12
        pop     rbp
        pop     rbx
        ret

; void svm_vmsave(uint64_t vmcb_pa): capture the host's VMLOAD-state once.
global svm_vmsave
svm_vmsave:
        mov     rax, rdi
        vmsave
        ret
