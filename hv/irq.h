/* Native interrupts taken by the hv itself: host vectors for devices, a
 * per-vector count and arrival time, and bounded waits for them. */
#ifndef HV_IRQ_H
#define HV_IRQ_H

#include <stdbool.h>
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
/* Claim one given vector in [IRQ_VECTOR_FIRST, IRQ_VECTOR_LAST] for
 * something other than the hv's own counting handler (delivery=direct: a
 * guest's vector, which the hv takes only when it arrives in one of its
 * interrupt windows): counted and EOIed like an allocated one, with fn
 * (IF=0) as its hook. No allocation can take a claimed vector, nor free
 * it. 0, -EINVAL (outside the range or fn NULL) or
 * -EBUSY (the hv uses it, or it is claimed already). */
int irq_vector_claim(uint8_t vector, irq_hook_fn fn, void *ctx);
/* Claim an allocated vector whose allocation the claimant knows can
 * share it (delivery=direct: a guest vector inside its own device's
 * host-vector block, which after routing only that device's IRTEs, all
 * on guest vectors, reach): the allocation's hook keeps running; when the
 * allocation is freed the vector stays claimed, with fn as its hook.
 * 0, -EINVAL (not allocated, out of range, fn NULL), -EBUSY (claimed). */
int irq_vector_claim_allocated(uint8_t vector, irq_hook_fn fn, void *ctx);
/* Give a claimed vector back (a no-op on one that is not claimed); one
 * still allocated stays so. */
void irq_vector_unclaim(uint8_t vector);
/* Whether vector is claimed (not allocated: claimed). */
bool irq_vector_claimed(uint8_t vector);
/* Run fn (may be NULL) in the handler of an allocated vector. */
int irq_set_hook(uint8_t vector, irq_hook_fn fn, void *ctx);

/* Interrupts taken on vector since allocation or the last reset. */
uint64_t irq_count(uint8_t vector);
/* TSC read at the handler's entry for the last arrival (0: none yet), on
 * a vector without a hook; a hooked one is not stamped (its hook is the
 * consumer: a guest's device interrupt, the exit timer, a claim). */
uint64_t irq_last_tsc(uint8_t vector);
void irq_reset(uint8_t vector);

/* Open interrupt windows (STI; NOP; CLI) until irq_count(vector) reaches
 * expected or timeout_tsc ticks pass. 0, or -ETIMEDOUT with the vector, the
 * count and the expected count printed. Interrupts are off on return. */
int irq_wait(uint8_t vector, uint64_t expected, uint64_t timeout_tsc);
/* Open windows for ticks TSC ticks (to see that nothing else arrives). */
void irq_settle(uint64_t ticks);

#endif
