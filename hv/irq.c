/*
 * Native interrupt plumbing. The hv runs with interrupts off and opens a
 * window only while it waits, so a handler never races the code that reads
 * its counters. The local APIC needs an EOI for every fixed interrupt it
 * delivered (SDM vol 3, 11.8.5), sent last so a nested arrival of the same
 * vector cannot run the handler re-entrantly.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>

#include "hv/irq.h"
#include "hv/trap.h"
#include "drivers/cpu.h"
#include "drivers/lapic.h"

struct irq_vec {
	bool used;		/* allocated or claimed */
	bool allocated;		/* by irq_vector_alloc */
	bool claimed;		/* by irq_vector_claim*: stays used when freed */
	volatile uint64_t count;
	volatile uint64_t last_tsc;
	irq_hook_fn hook;
	void *ctx;
	irq_hook_fn claim_fn;	/* the claim's hook */
	void *claim_ctx;
};

static struct irq_vec irq_vecs[256];

static bool irq_in_range(unsigned v)
{
	return v >= IRQ_VECTOR_FIRST && v <= IRQ_VECTOR_LAST;
}

/* A vector without a hook: the hv waits for it itself and may ask when it
 * came (irq_last_tsc: native-irq's end stamp). */
static void irq_handle(uint8_t vector, void *ctx)
{
	struct irq_vec *iv = ctx;

	(void)vector;
	iv->last_tsc = cpu_rdtsc();
	iv->count++;
	lapic_eoi();
}

/* A vector with a hook (a guest's device, the exit timer, a claim): the
 * hook is its consumer, no time stamp is taken. */
static void irq_handle_hooked(uint8_t vector, void *ctx)
{
	struct irq_vec *iv = ctx;

	iv->count++;
	iv->hook(vector, iv->ctx);
	lapic_eoi();
}

/* The IDT's handler for a used vector, after its hook changed. */
static void irq_install(uint8_t vector)
{
	struct irq_vec *iv = &irq_vecs[vector];

	trap_set_irq_handler(vector, iv->hook ? irq_handle_hooked : irq_handle, iv);
}

static bool irq_range_free(unsigned first, unsigned count)
{
	unsigned v;

	for (v = first; v < first + count; v++)
		if (!irq_in_range(v) || irq_vecs[v].used)
			return false;
	return true;
}

int irq_vector_alloc(unsigned count, uint8_t *first)
{
	unsigned v, i;

	if (!count || count > IRQ_VECTOR_LAST - IRQ_VECTOR_FIRST + 1)
		return -EINVAL;
	for (v = IRQ_VECTOR_FIRST; v + count - 1 <= IRQ_VECTOR_LAST; v++) {
		if (!irq_range_free(v, count))
			continue;
		for (i = v; i < v + count; i++) {
			irq_vecs[i] = (struct irq_vec){ .used = true, .allocated = true };
			irq_install((uint8_t)i);
		}
		*first = (uint8_t)v;
		return 0;
	}
	return -ENOSPC;
}

void irq_vector_free(uint8_t first, unsigned count)
{
	unsigned v;

	for (v = first; v < (unsigned)first + count && irq_in_range(v); v++) {
		struct irq_vec *iv = &irq_vecs[v];

		if (!iv->allocated)
			continue;
		iv->allocated = false;
		if (iv->claimed) {
			iv->hook = iv->claim_fn;
			iv->ctx = iv->claim_ctx;
			irq_install((uint8_t)v);
			continue;
		}
		trap_set_irq_handler((uint8_t)v, NULL, NULL);
		iv->used = false;
	}
}

int irq_vector_claim(uint8_t vector, irq_hook_fn fn, void *ctx)
{
	if (!irq_in_range(vector) || !fn)
		return -EINVAL;
	if (irq_vecs[vector].used)
		return -EBUSY;
	irq_vecs[vector] = (struct irq_vec){ .used = true, .claimed = true, .hook = fn,
					     .ctx = ctx, .claim_fn = fn, .claim_ctx = ctx };
	irq_install(vector);
	return 0;
}

int irq_vector_claim_allocated(uint8_t vector, irq_hook_fn fn, void *ctx)
{
	struct irq_vec *iv = &irq_vecs[vector];

	if (!irq_in_range(vector) || !fn || !iv->allocated)
		return -EINVAL;
	if (iv->claimed)
		return -EBUSY;
	iv->claimed = true;
	iv->claim_fn = fn;
	iv->claim_ctx = ctx;
	return 0;
}

/* A claim over a live allocation leaves the allocation as it was. */
void irq_vector_unclaim(uint8_t vector)
{
	struct irq_vec *iv = &irq_vecs[vector];

	if (!iv->claimed)
		return;
	if (iv->allocated) {
		iv->claimed = false;
		iv->claim_fn = NULL;
		iv->claim_ctx = NULL;
		return;
	}
	trap_set_irq_handler(vector, NULL, NULL);
	*iv = (struct irq_vec){ 0 };
}

bool irq_vector_claimed(uint8_t vector)
{
	return irq_vecs[vector].claimed;
}

int irq_set_hook(uint8_t vector, irq_hook_fn fn, void *ctx)
{
	if (!irq_vecs[vector].allocated)
		return -EINVAL;
	irq_vecs[vector].hook = fn;
	irq_vecs[vector].ctx = ctx;
	irq_install(vector);
	return 0;
}

uint64_t irq_count(uint8_t vector)
{
	return irq_vecs[vector].count;
}

uint64_t irq_last_tsc(uint8_t vector)
{
	return irq_vecs[vector].last_tsc;
}

void irq_reset(uint8_t vector)
{
	irq_vecs[vector].count = 0;
	irq_vecs[vector].last_tsc = 0;
}

int irq_wait(uint8_t vector, uint64_t expected, uint64_t timeout_tsc)
{
	uint64_t start = cpu_rdtsc();

	while (irq_vecs[vector].count < expected) {
		if (cpu_rdtsc() - start >= timeout_tsc) {
			printf("irq: timeout on vector 0x%02x: %lu interrupts, expected %lu "
			       "(%lu spurious so far)\n", vector, irq_vecs[vector].count,
			       expected, trap_spurious_count());
			return -ETIMEDOUT;
		}
		cpu_irq_window();
	}
	return 0;
}

void irq_settle(uint64_t ticks)
{
	uint64_t start = cpu_rdtsc();

	while (cpu_rdtsc() - start < ticks)
		cpu_irq_window();
}
