/* Guest IDT: handlers for the vectors the tests use; any exception or
 * unexpected interrupt is reported as a failure and stops the guest. */
#include <stdio.h>
#include "guest/guest.h"
#include "drivers/cpu.h"

struct idt_gate {
	uint16_t offset_lo, selector;
	uint8_t ist, type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi, reserved;
};
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate size");

#define NMI_VECTOR	2	/* the one exception a test may handle */

extern const uint64_t guest_isr_table[256];
static struct idt_gate idt[256] __attribute__((aligned(16)));
static guest_irq_fn handlers[256];

void idt_init(void)
{
	struct desc_ptr p = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
	unsigned v;

	for (v = 0; v < 256; v++) {
		uint64_t h = guest_isr_table[v];

		idt[v] = (struct idt_gate){
			.offset_lo = h & 0xffff, .selector = 0x08, .type_attr = 0x8e,
			.offset_mid = (h >> 16) & 0xffff, .offset_hi = h >> 32,
		};
	}
	cpu_lidt(&p);
}

void idt_set_handler(uint8_t vector, guest_irq_fn fn)
{
	handlers[vector] = fn;
}

void guest_trap(struct guest_frame *f)
{
	uint8_t v = (uint8_t)f->vector;

	if ((v >= 32 || v == NMI_VECTOR) && handlers[v]) {
		handlers[v](v);
		return;
	}
	printf("unexpected %s %lu, error 0x%lx at RIP 0x%lx\n",
	       v < 32 ? "exception" : "interrupt", f->vector, f->error, f->rip);
	report(HC_FAIL, "guest-trap", "vector %lu at RIP 0x%lx", f->vector, f->rip);
	for (;;) {
		cpu_cli();
		cpu_hlt();	/* the hv stops a guest halted with IF=0 */
	}
}
