; Entry of the hypervisor core, called by the UEFI stage after
; ExitBootServices as hv_entry(struct bootinfo *) with interrupts off.
; The image is already relocated; switch to the hv's own stack and go to C.
bits 64
default rel

HV_STACK_SIZE equ 64 * 1024

section .text.entry
global hv_entry
extern hv_main
hv_entry:
        lea     rsp, [hv_stack_top]
        xor     ebp, ebp
        call    hv_main
.stop:  cli
        hlt
        jmp     .stop

section .bss
align 4096
global hv_stack_bottom
hv_stack_bottom:
        resb    HV_STACK_SIZE
hv_stack_top:
