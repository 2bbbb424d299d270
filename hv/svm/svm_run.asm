; SVM world switch: run the guest once (APM vol 2, 15.5).
; void svm_vmrun(const struct svm_world *w)
; struct svm_world (hv/svm/svm.c, whose static asserts pin these offsets)
; names the guest's registers and both VMCBs and holds the guest's FXSAVE
; area, so the caller passes one pointer and this file keeps one on the
; stack.
; RAX of the guest lives in the VMCB; the others in struct vcpu_regs.
; VMRUN swaps only part of the state: VMLOAD/VMSAVE move FS, GS, TR, LDTR,
; KernelGsBase and the SYSCALL/SYSENTER MSRs (15.5.2), so the guest's are
; loaded before VMRUN and the host's put back after, before STGI: the
; hv's NMI, #DF and #MC gates use IST stacks of its own TSS, which must be
; the loaded TR whenever GIF is set. The hv's own C code uses no SSE/x87
; (-mgeneral-regs-only) but newlib may: the guest's FPU state is restored
; before and saved after every run.
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

%define SVM_WORLD_REGS          0
%define SVM_WORLD_VMCB          8
%define SVM_WORLD_HOST_VMCB     16
%define SVM_WORLD_FX            32

global svm_vmrun
svm_vmrun:
        push    rbx
        push    rbp
        push    r12
        push    r13
        push    r14
        push    r15
        push    rdi                     ; [rsp] struct svm_world
        fxrstor64 [rdi + SVM_WORLD_FX]
        ; Interrupts were drained by the caller before it decided what to
        ; inject (hv/guest.c guest_loop); IF has been clear since, so what
        ; arrives now stays pending and exits the guest at once.
        clgi
        sti
        mov     rsi, [rdi + SVM_WORLD_REGS]
        mov     rax, [rdi + SVM_WORLD_VMCB]
        mov     rdi, [rsi + VCPU_REGS_RDI]
        GPRS_LOAD rsi
        mov     rsi, [rsi + VCPU_REGS_RSI]
        vmload
        vmrun
        vmsave                          ; RAX is the guest VMCB's again
        mov     rax, [rsp]
        mov     rax, [rax + SVM_WORLD_REGS]
        mov     [rax + VCPU_REGS_RDI], rdi
        mov     [rax + VCPU_REGS_RSI], rsi
        GPRS_STORE rax
        pop     rdi
        mov     rax, [rdi + SVM_WORLD_HOST_VMCB]
        vmload
        cli
        stgi
        fxsave64 [rdi + SVM_WORLD_FX]
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
