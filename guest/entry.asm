; Guest entry: the hv starts us in 64-bit mode with paging on (its tables
; identity-map guest RAM) and no GDT/IDT of our own yet.
bits 64
default rel

GUEST_STACK_SIZE equ 64 * 1024

section .text.entry
global guest_entry
extern guest_main
guest_entry:
        lea     rsp, [guest_stack_top]
        lgdt    [gdt_ptr]
        mov     ax, 0x10
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     fs, ax
        mov     gs, ax
        lea     rax, [.reload_cs]
        push    0x08
        push    rax
        retfq
.reload_cs:
        xor     ebp, ebp
        call    guest_main
.halt:  cli
        hlt
        jmp     .halt

section .rodata
align 16
gdt:
        dq      0
        dq      0x00af9b000000ffff      ; 0x08: 64-bit code
        dq      0x00cf93000000ffff      ; 0x10: data
gdt_end:
gdt_ptr:
        dw      gdt_end - gdt - 1
        dq      gdt

section .bss
align 16
guest_stack:
        resb    GUEST_STACK_SIZE
guest_stack_top:
