; Single-instruction helpers for C code (all assembly lives in nasm files).
; System V AMD64 ABI: args in rdi, rsi, rdx, rcx; return in rax.
; Position-independent: linked into the UEFI PE, the hv and the guest.
bits 64
default rel
section .text

%macro FUNC 1
global %1
%1:
%endmacro

FUNC cpu_inb
        mov     edx, edi
        in      al, dx
        movzx   eax, al
        ret
FUNC cpu_inw
        mov     edx, edi
        in      ax, dx
        movzx   eax, ax
        ret
FUNC cpu_inl
        mov     edx, edi
        in      eax, dx
        ret
FUNC cpu_outb
        mov     edx, edi
        mov     eax, esi
        out     dx, al
        ret
FUNC cpu_outw
        mov     edx, edi
        mov     eax, esi
        out     dx, ax
        ret
FUNC cpu_outl
        mov     edx, edi
        mov     eax, esi
        out     dx, eax
        ret

; uint64_t cpu_rdmsr(uint32_t msr)
FUNC cpu_rdmsr
        mov     ecx, edi
        rdmsr
        shl     rdx, 32
        or      rax, rdx
        ret
; void cpu_wrmsr(uint32_t msr, uint64_t value)
FUNC cpu_wrmsr
        mov     ecx, edi
        mov     eax, esi
        mov     rdx, rsi
        shr     rdx, 32
        wrmsr
        ret

; void cpu_cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out)
FUNC cpu_cpuid
        push    rbx
        mov     r8, rdx
        mov     eax, edi
        mov     ecx, esi
        cpuid
        mov     [r8], eax
        mov     [r8 + 4], ebx
        mov     [r8 + 8], ecx
        mov     [r8 + 12], edx
        pop     rbx
        ret

; uint64_t cpu_rdtsc(void): serialised against earlier loads (lfence first)
FUNC cpu_rdtsc
        lfence
        rdtsc
        shl     rdx, 32
        or      rax, rdx
        ret

FUNC cpu_read_cr0
        mov     rax, cr0
        ret
FUNC cpu_read_cr2
        mov     rax, cr2
        ret
FUNC cpu_read_cr3
        mov     rax, cr3
        ret
FUNC cpu_read_cr4
        mov     rax, cr4
        ret
FUNC cpu_write_cr0
        mov     cr0, rdi
        ret
FUNC cpu_write_cr3
        mov     cr3, rdi
        ret
FUNC cpu_write_cr4
        mov     cr4, rdi
        ret
FUNC cpu_read_rflags
        pushfq
        pop     rax
        ret

FUNC cpu_cli
        cli
        ret
FUNC cpu_sti
        sti
        ret
; Open a one-instruction interrupt window: pending interrupts are taken here.
FUNC cpu_irq_window
        sti
        nop
        cli
        ret
FUNC cpu_hlt
        hlt
        ret
FUNC cpu_pause
        pause
        ret
FUNC cpu_mfence
        mfence
        ret
; void cpu_clflush(const void *line)
FUNC cpu_clflush
        clflush [rdi]
        ret
FUNC cpu_wbinvd
        wbinvd
        ret

; void cpu_lgdt(const struct desc_ptr *p, uint16_t cs, uint16_t ds)
; Loads the GDT, reloads the data segments and far-returns into the new CS.
FUNC cpu_lgdt
        lgdt    [rdi]
        mov     ds, dx
        mov     es, dx
        mov     ss, dx
        xor     eax, eax
        mov     fs, ax
        mov     gs, ax
        pop     rax
        movzx   rsi, si
        push    rsi
        push    rax
        retfq
FUNC cpu_lidt
        lidt    [rdi]
        ret
FUNC cpu_ltr
        ltr     di
        ret
