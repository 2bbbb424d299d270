/* Native interrupts taken by the hv itself: host vectors for devices, a
 * per-vector count and arrival time, and bounded waits for them. */
#ifndef HV_IRQ_H
#define HV_IRQ_H

#include <stdint.h>

#define IRQ_VECTOR_FIRST	0x30	/* above exceptions and the legacy PIC range */
#define IRQ_VECTOR_LAST		0xef	/* 0xf0..0xff: spurious and system vectors */

/* Optional work in the handler, after counting and before EOI. */
typedef void (*irq_hook_fn)(uint8_t vector, void *ctx);

/* Allocate count contiguous vectors in [IRQ_VECTOR_FIRST, IRQ_VECTOR_LAST],
 * counts zeroed, each handled by the counting handler. 0 or -ENOSPC/-EINVAL. */
int irq_vector_alloc(unsigned count, uint8_t *first);
/* Give vectors back; later interrupts on them count as spurious. */
void irq_vector_free(uint8_t first, unsigned count);
/* Run fn (may be NULL) in the handler of an allocated vector. */
int irq_set_hook(uint8_t vector, irq_hook_fn fn, void *ctx);

/* Interrupts taken on vector since allocation or the last reset. */
uint64_t irq_count(uint8_t vector);
/* TSC read at the handler's entry for the last arrival (0: none yet). */
uint64_t irq_last_tsc(uint8_t vector);
void irq_reset(uint8_t vector);

/* Open interrupt windows (STI; NOP; CLI) until irq_count(vector) reaches
 * expected or timeout_tsc ticks pass. 0, or -ETIMEDOUT with the vector, the
 * count and the expected count printed. Interrupts are off on return. */
int irq_wait(uint8_t vector, uint64_t expected, uint64_t timeout_tsc);
/* Open windows for ticks TSC ticks (to see that nothing else arrives). */
void irq_settle(uint64_t ticks);

#endif
