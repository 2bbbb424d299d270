; The hypervisor core and guest images, embedded in the UEFI application.
; Paths are passed by the Makefile (-DHV_BIN=... -DGUEST_BIN=...).
bits 64
section .rodata
align 4096
global hv_image, hv_image_end, guest_image, guest_image_end
hv_image:
        incbin  HV_BIN
hv_image_end:
align 4096
guest_image:
        incbin  GUEST_BIN
guest_image_end:
