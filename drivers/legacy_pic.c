/* 8259A programmable interrupt controller (Intel 8259A datasheet). */
#include "drivers/legacy_pic.h"
#include "drivers/cpu.h"

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1
#define ICW1_INIT_ICW4	0x11
#define ICW4_8086	0x01
#define PIC1_VECTOR	0x20
#define PIC2_VECTOR	0x28

void legacy_pic_disable(void)
{
	/* Re-initialise first: a spurious IRQ7/15 from a PIC left at the
	 * firmware's vectors would otherwise look like an exception. */
	cpu_outb(PIC1_CMD, ICW1_INIT_ICW4);
	cpu_outb(PIC2_CMD, ICW1_INIT_ICW4);
	cpu_outb(PIC1_DATA, PIC1_VECTOR);
	cpu_outb(PIC2_DATA, PIC2_VECTOR);
	cpu_outb(PIC1_DATA, 1 << 2);	/* slave on IRQ2 */
	cpu_outb(PIC2_DATA, 2);		/* cascade identity */
	cpu_outb(PIC1_DATA, ICW4_8086);
	cpu_outb(PIC2_DATA, ICW4_8086);
	cpu_outb(PIC1_DATA, 0xff);
	cpu_outb(PIC2_DATA, 0xff);
}
