/* GDT, TSS, IDT and trap dispatch of the hv (see trap.h). */
#include <stdio.h>
#include <string.h>
#include "hv/trap.h"
#include "drivers/cpu.h"
#include "drivers/power.h"

#define IST_STACK_SIZE	8192
#define IST_NMI		1
#define IST_DF		2
#define IST_MC		3
#define NUM_EXCEPTIONS	32

/* SDM vol 3, 8.7: 64-bit TSS. */
struct __attribute__((packed)) tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
};
_Static_assert(sizeof(struct tss64) == 104, "TSS size");

/* SDM vol 3, 6.14.1: 64-bit interrupt gate. */
struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
};
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate size");
#define GATE_INTERRUPT_P	0x8e

extern const uint64_t isr_table[256];

static uint64_t gdt[5] __attribute__((aligned(16)));
static struct tss64 tss __attribute__((aligned(16)));
static struct idt_gate idt[256] __attribute__((aligned(16)));
static uint8_t ist_stacks[3][IST_STACK_SIZE] __attribute__((aligned(16)));
static struct {
	irq_handler_fn fn;
	void *ctx;
} irq_handlers[256];
static uint64_t spurious, host_nmis;

static const char *const exception_names[NUM_EXCEPTIONS] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
	"#OF overflow", "#BR bound", "#UD invalid opcode", "#NM no FPU",
	"#DF double fault", "coprocessor overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved 15", "#MF x87 error", "#AC alignment check",
	"#MC machine check", "#XM SIMD error", "#VE virtualization",
	"#CP control protection", "reserved 22", "reserved 23", "reserved 24",
	"reserved 25", "reserved 26", "reserved 27", "#HV hypervisor injection",
	"#VC VMM communication", "#SX security", "reserved 31",
};

static void gdt_set_tss(void)
{
	uint64_t base = (uint64_t)(uintptr_t)&tss;
	uint64_t limit = sizeof(tss) - 1;

	/* SDM vol 3, 8.2.3: 16-byte system descriptor, type 9 (available). */
	gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		 (0x89ULL << 40) | (((limit >> 16) & 0xf) << 48) |
		 (((base >> 24) & 0xff) << 56);
	gdt[4] = base >> 32;
}

static void idt_set(unsigned vec, uint64_t handler, uint8_t ist)
{
	idt[vec] = (struct idt_gate){
		.offset_lo = handler & 0xffff,
		.selector = GDT_CODE,
		.ist = ist,
		.type_attr = GATE_INTERRUPT_P,
		.offset_mid = (handler >> 16) & 0xffff,
		.offset_hi = handler >> 32,
	};
}

void trap_init(void)
{
	struct desc_ptr gp = { sizeof(gdt) - 1, (uint64_t)(uintptr_t)gdt };
	struct desc_ptr ip = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
	unsigned v;

	gdt[0] = 0;
	gdt[1] = 0x00af9b000000ffffULL;	/* 64-bit code, DPL 0 */
	gdt[2] = 0x00cf93000000ffffULL;	/* data, DPL 0 */
	gdt_set_tss();
	tss.ist[IST_NMI - 1] = (uint64_t)(uintptr_t)(ist_stacks[0] + IST_STACK_SIZE);
	tss.ist[IST_DF - 1] = (uint64_t)(uintptr_t)(ist_stacks[1] + IST_STACK_SIZE);
	tss.ist[IST_MC - 1] = (uint64_t)(uintptr_t)(ist_stacks[2] + IST_STACK_SIZE);
	tss.iomap_base = sizeof(tss);
	for (v = 0; v < 256; v++)
		idt_set(v, isr_table[v], 0);
	idt_set(EXC_NMI, isr_table[EXC_NMI], IST_NMI);
	idt_set(EXC_DF, isr_table[EXC_DF], IST_DF);
	idt_set(EXC_MC, isr_table[EXC_MC], IST_MC);
	cpu_lgdt(&gp, GDT_CODE, GDT_DATA);
	cpu_ltr(GDT_TSS);
	cpu_lidt(&ip);
}

void trap_set_irq_handler(uint8_t vector, irq_handler_fn fn, void *ctx)
{
	irq_handlers[vector].fn = fn;
	irq_handlers[vector].ctx = ctx;
}

uint64_t trap_nmi_count(void)
{
	return host_nmis;
}

uint64_t trap_spurious_count(void)
{
	return spurious;
}

static void __attribute__((noreturn)) trap_fatal(const struct trap_frame *f)
{
	printf("\nhv: FATAL exception %lu (%s) error 0x%lx\n", f->vector,
	       exception_names[f->vector], f->error);
	printf("  rip %016lx cs %04lx rflags %016lx rsp %016lx ss %04lx\n",
	       f->rip, f->cs, f->rflags, f->rsp, f->ss);
	printf("  cr0 %016lx cr2 %016lx cr3 %016lx cr4 %016lx\n",
	       cpu_read_cr0(), cpu_read_cr2(), cpu_read_cr3(), cpu_read_cr4());
	printf("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n",
	       f->rax, f->rbx, f->rcx, f->rdx);
	printf("  rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n",
	       f->rsi, f->rdi, f->rbp, f->r8);
	printf("  r9  %016lx r10 %016lx r11 %016lx r12 %016lx\n",
	       f->r9, f->r10, f->r11, f->r12);
	printf("  r13 %016lx r14 %016lx r15 %016lx\n", f->r13, f->r14, f->r15);
	printf("FAIL: hv: exception in the hypervisor\n");
	power_off(false);
}

void trap_external(uint8_t vector)
{
	if (irq_handlers[vector].fn)
		irq_handlers[vector].fn(vector, irq_handlers[vector].ctx);
	else
		spurious++;
}

void hv_trap(struct trap_frame *f)
{
	uint8_t vec = (uint8_t)f->vector;

	/* A host NMI (a BMC's NMI button, a watchdog) is not the hv's
	 * fault: it is counted and the hv goes on. */
	if (vec == EXC_NMI) {
		host_nmis++;
		return;
	}
	trap_fatal(f);
}
