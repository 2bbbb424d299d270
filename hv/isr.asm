; Interrupt and exception entry of the hv: 256 stubs. Exceptions (0..31,
; NMI among them) push a uniform frame (struct trap_frame in hv/trap.h) and
; call hv_trap(), which prints it on a fatal one. External interrupts
; (32..255) save only what a C call may clobber and call trap_external():
; no handler sees their frame, and the callee-saved registers are the
; callee's to keep (System V AMD64 ABI, 3.2.1).
bits 64
default rel
section .text

extern hv_trap
extern trap_external

; Vectors whose exceptions push an error code (SDM vol 3, 6.15).
%define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

%macro STUB 1
align 16
isr_%1:
%if %1 >= 32
        push    rdi
        mov     edi, %1
        jmp     irq_common
%else
%if HAS_ERR(%1) == 0
        push    0
%endif
        push    %1
        jmp     trap_common
%endif
%endmacro

%assign v 0
%rep 256
        STUB v
%assign v v + 1
%endrep

trap_common:
        push    rax
        push    rbx
        push    rcx
        push    rdx
        push    rsi
        push    rdi
        push    rbp
        push    r8
        push    r9
        push    r10
        push    r11
        push    r12
        push    r13
        push    r14
        push    r15
        mov     rdi, rsp
        mov     rbx, rsp
        and     rsp, -16
        call    hv_trap
        mov     rsp, rbx
        pop     r15
        pop     r14
        pop     r13
        pop     r12
        pop     r11
        pop     r10
        pop     r9
        pop     r8
        pop     rbp
        pop     rdi
        pop     rsi
        pop     rdx
        pop     rcx
        pop     rbx
        pop     rax
        add     rsp, 16
        iretq

; The CPU aligned RSP to 16 bytes before pushing its 40-byte frame (SDM vol
; 3, 6.14.2); with RDI from the stub and these eight the stack is aligned
; again at the call, as the ABI wants.
irq_common:
        push    rax
        push    rcx
        push    rdx
        push    rsi
        push    r8
        push    r9
        push    r10
        push    r11
        call    trap_external
        pop     r11
        pop     r10
        pop     r9
        pop     r8
        pop     rsi
        pop     rdx
        pop     rcx
        pop     rax
        pop     rdi
        iretq

section .data.rel.ro
align 8
global isr_table
isr_table:
%assign v 0
%rep 256
        dq      isr_ %+ v
%assign v v + 1
%endrep
