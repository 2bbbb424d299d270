/* CPU instruction helpers (implemented in drivers/cpu.asm) and CPUID/MSR/CR
 * definitions shared by the hv, the guest and the UEFI stage. */
#ifndef DRIVERS_CPU_H
#define DRIVERS_CPU_H

#include <stdint.h>
#include "drivers/bits.h"

struct cpuid_regs { uint32_t eax, ebx, ecx, edx; };

struct __attribute__((packed)) desc_ptr {
	uint16_t limit;
	uint64_t base;
};

uint8_t cpu_inb(uint16_t port);
uint16_t cpu_inw(uint16_t port);
uint32_t cpu_inl(uint16_t port);
void cpu_outb(uint16_t port, uint8_t v);
void cpu_outw(uint16_t port, uint16_t v);
void cpu_outl(uint16_t port, uint32_t v);
uint64_t cpu_rdmsr(uint32_t msr);
void cpu_wrmsr(uint32_t msr, uint64_t v);
void cpu_cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out);
/* TSC read ordered after earlier loads (LFENCE; RDTSC). */
uint64_t cpu_rdtsc(void);
uint64_t cpu_read_cr0(void);
uint64_t cpu_read_cr2(void);
uint64_t cpu_read_cr3(void);
uint64_t cpu_read_cr4(void);
void cpu_write_cr0(uint64_t v);
void cpu_write_cr3(uint64_t v);
void cpu_write_cr4(uint64_t v);
uint64_t cpu_read_rflags(void);
void cpu_cli(void);
void cpu_sti(void);
/* STI; NOP; CLI: lets pending interrupts in for one instruction. */
void cpu_irq_window(void);
void cpu_hlt(void);
void cpu_pause(void);
void cpu_mfence(void);
/* Write back and invalidate one cache line / all caches. */
void cpu_clflush(const void *line);
void cpu_wbinvd(void);
/* Load a GDT and reload CS (far return) and the data segments. */
void cpu_lgdt(const struct desc_ptr *p, uint16_t cs, uint16_t ds);
void cpu_lidt(const struct desc_ptr *p);
void cpu_ltr(uint16_t sel);

#define MSR_EFER		0xc0000080
#define  EFER_SCE		BIT(0)
#define  EFER_LME		BIT(8)
#define  EFER_LMA		BIT(10)
#define  EFER_NXE		BIT(11)
#define  EFER_SVME		BIT(12)
#define MSR_APIC_BASE		0x0000001b
#define MSR_PAT			0x00000277
#define MSR_TSC			0x00000010
#define MSR_TSC_DEADLINE	0x000006e0	/* IA32_TSC_DEADLINE (SDM vol 3, 11.5.4.1) */
#define MSR_VM_CR		0xc0010114
#define  VM_CR_SVMDIS		BIT(4)
#define MSR_VM_HSAVE_PA		0xc0010117
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SFMASK		0xc0000084
#define MSR_SYSENTER_CS		0x00000174
#define MSR_SYSENTER_ESP	0x00000175
#define MSR_SYSENTER_EIP	0x00000176

/* Exception vectors (SDM vol 3, table 6-1) and those that push an error
 * code (6.13). */
#define EXC_DB			1
#define EXC_NMI			2
#define EXC_DF			8
#define EXC_GP			13
#define EXC_PF			14
#define EXC_AC			17
#define EXC_MC			18
#define EXC_HAS_ERROR		(BIT(8) | GENMASK(14, 10) | BIT(17) | BIT(21) | BIT(29) | BIT(30))

#define CR0_PE			BIT(0)
#define CR0_MP			BIT(1)
#define CR0_ET			BIT(4)
#define CR0_NE			BIT(5)
#define CR0_WP			BIT(16)
#define CR0_PG			BIT(31)
#define CR4_PAE			BIT(5)
#define CR4_PGE			BIT(7)
#define CR4_OSFXSR		BIT(9)
#define CR4_OSXMMEXCPT		BIT(10)

#define RFLAGS_IF		BIT(9)
#define RFLAGS_RESERVED1	BIT(1)

/* CPUID leaf 1 ECX, leaf 0x80000001 ECX/EDX, leaf 0x8000000A EDX */
#define CPUID1_ECX_X2APIC	BIT(21)
#define CPUID1_ECX_TSC_DEADLINE	BIT(24)
#define CPUID1_ECX_HYPERVISOR	BIT(31)
#define CPUID1_EDX_APIC		BIT(9)
#define CPUIDX1_ECX_SVM		BIT(2)
#define CPUIDX1_EDX_NX		BIT(20)
#define CPUIDX1_EDX_PAGE1G	BIT(26)
#define CPUIDXA_EDX_NP		BIT(0)
#define CPUIDXA_EDX_NRIPS	BIT(3)
#define CPUIDXA_EDX_DECODE	BIT(7)
#define CPUIDXA_EDX_VGIF	BIT(16)

#endif
