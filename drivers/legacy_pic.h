/* The 8259A pair: the hv never uses legacy interrupts, so both are masked. */
#ifndef DRIVERS_LEGACY_PIC_H
#define DRIVERS_LEGACY_PIC_H

/* Remap to vectors 0x20-0x2f (away from exceptions) and mask every line. */
void legacy_pic_disable(void);

#endif
