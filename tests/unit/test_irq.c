/* Unit tests of hv/irq.c's vector table: allocations and the claims of
 * delivery=direct (a guest's vector), which no allocation may take, which
 * outlive the allocation they were made over, and whose interrupts are
 * counted, hooked and EOIed like any other. The CPU, the local APIC and
 * the IDT are stubs that record what the code asked of them. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hv/irq.h"
#include "hv/trap.h"
#include "drivers/cpu.h"
#include "drivers/lapic.h"

static irq_handler_fn handlers[256];
static void *handler_ctx[256];
static unsigned eois, hook_calls;
static uint8_t hook_vector;
static void *hook_ctx;

void trap_set_irq_handler(uint8_t vector, irq_handler_fn fn, void *ctx)
{
	handlers[vector] = fn;
	handler_ctx[vector] = ctx;
}

uint64_t trap_spurious_count(void) { return 0; }
void lapic_eoi(void) { eois++; }
uint64_t cpu_rdtsc(void) { return 1; }
void cpu_irq_window(void) { }

/* What the CPU does when vector arrives: the IDT's handler, if any. */
static void arrive(uint8_t vector)
{
	assert_non_null(handlers[vector]);
	handlers[vector](vector, handler_ctx[vector]);
}

static void hook(uint8_t vector, void *ctx)
{
	hook_calls++;
	hook_vector = vector;
	hook_ctx = ctx;
}

static int setup(void **state)
{
	(void)state;
	for (unsigned v = 0; v < 256; v++) {
		irq_vector_unclaim((uint8_t)v);
		irq_vector_free((uint8_t)v, 1);
	}
	eois = hook_calls = 0;
	return 0;
}

static void test_claim_range_and_busy(void **state)
{
	uint8_t first;
	int ctx;

	(void)state;
	assert_int_equal(irq_vector_claim(IRQ_VECTOR_FIRST - 1, hook, &ctx), -EINVAL);
	assert_int_equal(irq_vector_claim(IRQ_VECTOR_LAST + 1, hook, &ctx), -EINVAL);
	assert_int_equal(irq_vector_claim(0xff, hook, &ctx), -EINVAL);
	assert_int_equal(irq_vector_claim(0x50, NULL, &ctx), -EINVAL);
	assert_int_equal(irq_vector_alloc(1, &first), 0);
	assert_int_equal(irq_vector_claim(first, hook, &ctx), -EBUSY);
	assert_int_equal(irq_vector_claim(0x50, hook, &ctx), 0);
	assert_int_equal(irq_vector_claim(0x50, hook, &ctx), -EBUSY);
	assert_true(irq_vector_claimed(0x50));
	assert_false(irq_vector_claimed(first));
}

/* No allocation takes a claimed vector, nor frees it. */
static void test_alloc_skips_claim(void **state)
{
	uint8_t first;
	int ctx;

	(void)state;
	assert_int_equal(irq_vector_claim(IRQ_VECTOR_FIRST + 2, hook, &ctx), 0);
	assert_int_equal(irq_vector_alloc(4, &first), 0);
	assert_int_equal(first, IRQ_VECTOR_FIRST + 3);
	irq_vector_free(IRQ_VECTOR_FIRST, 8);
	assert_true(irq_vector_claimed(IRQ_VECTOR_FIRST + 2));
	assert_int_equal(irq_set_hook(IRQ_VECTOR_FIRST + 2, NULL, NULL), -EINVAL);
	arrive(IRQ_VECTOR_FIRST + 2);
	assert_int_equal(hook_calls, 1);
	assert_int_equal(eois, 1);
	assert_int_equal(irq_count(IRQ_VECTOR_FIRST + 2), 1);
	irq_vector_unclaim(IRQ_VECTOR_FIRST + 2);
	assert_null(handlers[IRQ_VECTOR_FIRST + 2]);
	assert_int_equal(irq_vector_alloc(8, &first), 0);
	assert_int_equal(first, IRQ_VECTOR_FIRST);
}

/* A claim over an allocation: the allocation's hook runs while it
 * lives; freed, the vector stays reserved with the claim's hook. */
static void test_claim_over_allocation(void **state)
{
	uint8_t first, again;
	int alloc_ctx, claim_ctx;

	(void)state;
	assert_int_equal(irq_vector_claim_allocated(0x60, hook, &claim_ctx), -EINVAL);
	assert_int_equal(irq_vector_alloc(4, &first), 0);
	assert_int_equal(irq_set_hook((uint8_t)(first + 1), hook, &alloc_ctx), 0);
	assert_int_equal(irq_vector_claim_allocated((uint8_t)(first + 1), hook, &claim_ctx), 0);
	assert_int_equal(irq_vector_claim_allocated((uint8_t)(first + 1), hook, &claim_ctx),
			 -EBUSY);
	arrive((uint8_t)(first + 1));
	assert_ptr_equal(hook_ctx, &alloc_ctx);
	irq_vector_free(first, 4);
	assert_true(irq_vector_claimed((uint8_t)(first + 1)));
	arrive((uint8_t)(first + 1));
	assert_ptr_equal(hook_ctx, &claim_ctx);
	assert_int_equal(hook_vector, first + 1);
	assert_int_equal(eois, 2);
	/* The next block of 4 cannot include it. */
	assert_int_equal(irq_vector_alloc(4, &again), 0);
	assert_true(again > first + 1);
	irq_vector_free(again, 4);
	irq_vector_unclaim((uint8_t)(first + 1));
	assert_false(irq_vector_claimed((uint8_t)(first + 1)));
	assert_null(handlers[first + 1]);
}

/* Unclaiming a vector still allocated leaves the allocation alone. */
static void test_unclaim_keeps_allocation(void **state)
{
	uint8_t first;
	int alloc_ctx, claim_ctx;

	(void)state;
	assert_int_equal(irq_vector_alloc(1, &first), 0);
	assert_int_equal(irq_set_hook(first, hook, &alloc_ctx), 0);
	assert_int_equal(irq_vector_claim_allocated(first, hook, &claim_ctx), 0);
	irq_vector_unclaim(first);
	assert_false(irq_vector_claimed(first));
	arrive(first);
	assert_ptr_equal(hook_ctx, &alloc_ctx);
	irq_vector_free(first, 1);
	assert_null(handlers[first]);
}

/* Only a vector without a hook is time-stamped (irq_last_tsc, for the
 * hv's own waits); a hooked one is counted, hooked and EOIed. */
static void test_stamp_unhooked_only(void **state)
{
	uint8_t first;
	int ctx;

	(void)state;
	assert_int_equal(irq_vector_alloc(2, &first), 0);
	assert_int_equal(irq_set_hook((uint8_t)(first + 1), hook, &ctx), 0);
	arrive(first);
	arrive((uint8_t)(first + 1));
	assert_int_equal(irq_last_tsc(first), 1);
	assert_int_equal(irq_last_tsc((uint8_t)(first + 1)), 0);
	assert_int_equal(irq_count(first), 1);
	assert_int_equal(irq_count((uint8_t)(first + 1)), 1);
	assert_int_equal(hook_calls, 1);
	assert_int_equal(eois, 2);
	/* The hook taken away: stamped again. */
	assert_int_equal(irq_set_hook((uint8_t)(first + 1), NULL, NULL), 0);
	arrive((uint8_t)(first + 1));
	assert_int_equal(irq_last_tsc((uint8_t)(first + 1)), 1);
	assert_int_equal(hook_calls, 1);
	irq_vector_free(first, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_claim_range_and_busy, setup),
		cmocka_unit_test_setup(test_alloc_skips_claim, setup),
		cmocka_unit_test_setup(test_claim_over_allocation, setup),
		cmocka_unit_test_setup(test_unclaim_keeps_allocation, setup),
		cmocka_unit_test_setup(test_stamp_unhooked_only, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
