; Guest interrupt entry: 256 stubs with a uniform frame, then guest_trap().
bits 64
default rel
section .text

extern guest_trap

%define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

%macro STUB 1
align 16
gisr_%1:
%if HAS_ERR(%1) == 0
        push    0
%endif
        push    %1
        jmp     gtrap_common
%endmacro

%assign v 0
%rep 256
        STUB v
%assign v v + 1
%endrep

gtrap_common:
        push    rax
        push    rcx
        push    rdx
        push    rsi
        push    rdi
        push    r8
        push    r9
        push    r10
        push    r11
        mov     rdi, rsp
        push    rbx
        mov     rbx, rsp
        and     rsp, -16
        call    guest_trap
        mov     rsp, rbx
        pop     rbx
        pop     r11
        pop     r10
        pop     r9
        pop     r8
        pop     rdi
        pop     rsi
        pop     rdx
        pop     rcx
        pop     rax
        add     rsp, 16
        iretq

section .data
align 8
global guest_isr_table
guest_isr_table:
%assign v 0
%rep 256
        dq      gisr_ %+ v
%assign v v + 1
%endrep
