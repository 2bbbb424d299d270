; guard.flood's #GP handler: the refused RDMSR (0F 32, 2 bytes) is skipped
; and counted, so the guest can take thousands of #GPs and go on.
bits 64
default rel

global flood_gp_entry
global flood_gp_count

section .bss
align 8
flood_gp_count: resq 1

section .text
flood_gp_entry:
        add     rsp, 8                  ; the error code
        add     qword [rsp], 2          ; RIP past the RDMSR
        lock inc qword [flood_gp_count]
        iretq
