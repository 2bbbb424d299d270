/* The hv's own descriptor tables (GDT, TSS, IDT) and its trap handling. */
#ifndef HV_TRAP_H
#define HV_TRAP_H

#include <stdint.h>

/* Pushed by hv/isr.asm; order matters. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

#define GDT_CODE	0x08
#define GDT_DATA	0x10
#define GDT_TSS		0x18

/* Load the hv's GDT (with a TSS and IST stacks) and IDT. */
void trap_init(void);
/* Called from isr.asm for exceptions (vectors 0..31). They are fatal: the
 * state is printed and the machine stops with a failure status; a host
 * NMI is counted and ignored. External interrupts enter trap_external(). */
void hv_trap(struct trap_frame *f);

typedef void (*irq_handler_fn)(uint8_t vector, void *ctx);
/* Route an external interrupt vector (32..255) to a handler. */
void trap_set_irq_handler(uint8_t vector, irq_handler_fn fn, void *ctx);
/* Run the hv's handler of an external interrupt: from isr.asm, and for
 * one the CPU has already acknowledged (VMX acknowledge-interrupt-on-exit
 * hands over the vector instead of leaving it pending). */
void trap_external(uint8_t vector);
/* Host NMIs taken (counted, otherwise ignored). */
uint64_t trap_nmi_count(void);
/* Interrupts taken on vectors nobody claimed. */
uint64_t trap_spurious_count(void);

#endif
