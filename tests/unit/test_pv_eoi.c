/* Unit tests of hv/delivery/pv_eoi_state.c with the real vLAPIC
 * (hv/vlapic.c). The helpers below play the hv's entry path as
 * hv/guest.c runs it (the EOI mode's sync, then inject delivery's ack and
 * injected hook) and the guest's EOI as guest/lapic.c does it (BTR of the
 * flag, the trapped APIC write only when it was clear). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hv/delivery/pv_eoi_state.h"
#include "hv/hypercall_abi.h"

#define VA	0x41
#define VB	0x61		/* a higher priority class than VA */

static struct vlapic v;
static struct pv_eoi_state s;
static uint64_t word, word2;
static unsigned apic_writes;	/* the guest's trapped EOI writes (exits) */

static uint64_t clock_zero(void)
{
	return 0;
}

static int setup(void **state)
{
	(void)state;
	vlapic_reset(&v, 0, clock_zero);
	assert_int_equal(vlapic_mmio_write(&v, VLAPIC_SVR, 0x1ff), 0);
	pv_eoi_reset(&s);
	word = word2 = 0;
	apic_writes = 0;
	pv_eoi_register(&s, &v, 0x2000, &word);
	return 0;
}

/* One VM entry: the EOI mode looks at the flag, then the highest
 * deliverable vector (if any) is acked and handed to the EOI mode; -1
 * when none is. */
static int entry(void)
{
	int vec;

	pv_eoi_sync(&s, &v);
	vec = vlapic_ack(&v);
	if (vec < 0)
		return -1;
	pv_eoi_injected(&s, &v, (uint8_t)vec);
	return vec;
}

/* guest/lapic.c's guest_lapic_eoi. */
static void guest_eoi(void)
{
	bool was_set = word & HC_PV_EOI_PENDING;

	word &= ~HC_PV_EOI_PENDING;
	if (!was_set) {
		apic_writes++;
		pv_eoi_apic_eoi(&s, &v);
	}
}

static void assert_idle(void)
{
	assert_int_equal(vlapic_highest_isr(&v), -1);
	assert_int_equal(v.stats.spurious_eoi, 0);
}

/* The common case: one edge vector, the EOI without an exit, retired at
 * the next entry. */
static void test_one_exit(void **state)
{
	(void)state;
	assert_int_equal(vlapic_accept(&v, VA, false), 1);
	assert_int_equal(entry(), VA);
	assert_true(word & HC_PV_EOI_PENDING);
	guest_eoi();
	assert_int_equal(apic_writes, 0);
	assert_int_equal(vlapic_highest_isr(&v), VA);	/* until the hv looks */
	assert_int_equal(entry(), -1);
	assert_idle();
	assert_int_equal(v.stats.eoi, 1);
	assert_int_equal(s.stats.pv_eoi, 1);
	assert_int_equal(s.vector, -1);
}

/* The guest writes the APIC EOI although the hv set the flag: the hv
 * clears its flag and retires once, never twice. */
static void test_apic_write_while_flagged(void **state)
{
	(void)state;
	vlapic_accept(&v, VA, false);
	assert_int_equal(entry(), VA);
	pv_eoi_apic_eoi(&s, &v);
	assert_false(word & HC_PV_EOI_PENDING);
	assert_int_equal(s.stats.trapped, 1);
	assert_int_equal(entry(), -1);
	assert_int_equal(entry(), -1);
	assert_idle();
	assert_int_equal(v.stats.eoi, 1);
	assert_int_equal(s.stats.pv_eoi, 0);
	/* a stale BTR of the now clear flag goes to the APIC: spurious there */
	guest_eoi();
	assert_int_equal(apic_writes, 1);
	assert_int_equal(v.stats.spurious_eoi, 1);
}

/* One injection handled twice with no exit between (QEMU 7.2's TCG SVM
 * delivers an EVENTINJ vector again when its vCPU loop is kicked before the
 * next #VMEXIT): the first EOI clears the flag, the second finds it clear
 * and writes the register. Two EOIs: the flagged vector is retired by the
 * flag and the write is spurious; nothing else is retired or left behind. */
static void test_delivered_twice(void **state)
{
	(void)state;
	vlapic_accept(&v, VA, false);
	assert_int_equal(entry(), VA);
	guest_eoi();			/* the delivery the hv made */
	guest_eoi();			/* the CPU's second one */
	assert_int_equal(apic_writes, 1);
	assert_int_equal(s.stats.pv_eoi, 1);
	assert_int_equal(s.stats.doubled, 1);
	assert_int_equal(s.stats.trapped, 0);
	assert_int_equal(s.vector, -1);
	assert_int_equal(vlapic_highest_isr(&v), -1);
	assert_int_equal(v.stats.eoi, 1);
	assert_int_equal(v.stats.spurious_eoi, 1);
	/* the next interrupt is flagged and retired as usual */
	vlapic_accept(&v, VA, false);
	assert_int_equal(entry(), VA);
	assert_true(word & HC_PV_EOI_PENDING);
	guest_eoi();
	assert_int_equal(entry(), -1);
	assert_int_equal(vlapic_highest_isr(&v), -1);
	assert_int_equal(s.stats.pv_eoi, 2);
	assert_int_equal(apic_writes, 1);
}

/* Only the hv's record counts: a flag the guest sets or clears itself
 * retires nothing, with or without a vector in service. */
static void test_hostile_flag(void **state)
{
	unsigned i;

	(void)state;
	word = HC_PV_EOI_PENDING;		/* nothing in service */
	assert_int_equal(entry(), -1);
	word = 0;
	assert_int_equal(entry(), -1);
	assert_int_equal(v.stats.spurious_eoi, 0);
	assert_int_equal(v.stats.eoi, 0);

	vlapic_accept(&v, VA, true);		/* level: never flagged */
	assert_int_equal(entry(), VA);
	assert_false(word & HC_PV_EOI_PENDING);
	for (i = 0; i < 4; i++) {
		word ^= HC_PV_EOI_PENDING;
		assert_int_equal(entry(), -1);
	}
	assert_int_equal(vlapic_highest_isr(&v), VA);
	assert_int_equal(v.stats.eoi, 0);
	assert_int_equal(s.stats.pv_eoi, 0);
}

/* A vector acked while a flagged one is in service takes the flag back:
 * both EOIs trap, each retires its own vector. */
static void test_nested(void **state)
{
	(void)state;
	vlapic_accept(&v, VA, false);
	assert_int_equal(entry(), VA);
	assert_true(word & HC_PV_EOI_PENDING);
	/* the injection path alone, without a sync that saw IRR first */
	vlapic_accept(&v, VB, false);
	assert_int_equal(vlapic_ack(&v), VB);
	pv_eoi_injected(&s, &v, VB);
	assert_false(word & HC_PV_EOI_PENDING);
	assert_int_equal(s.vector, -1);
	guest_eoi();
	assert_int_equal(vlapic_highest_isr(&v), VA);
	guest_eoi();
	assert_int_equal(apic_writes, 2);
	assert_int_equal(entry(), -1);
	assert_idle();
	assert_int_equal(v.stats.eoi, 2);
	assert_int_equal(s.stats.pv_eoi, 0);
}

/* The same through the entry path: the sync sees VB waiting and withdraws,
 * the injection of VB flags nothing (VA still in service). */
static void test_nested_entry(void **state)
{
	(void)state;
	vlapic_accept(&v, VA, false);
	assert_int_equal(entry(), VA);
	vlapic_accept(&v, VB, false);
	assert_int_equal(entry(), VB);
	assert_false(word & HC_PV_EOI_PENDING);
	guest_eoi();
	guest_eoi();
	assert_int_equal(apic_writes, 2);
	assert_idle();
}

/* A vector waiting in IRR behind the flagged one (the same vector again,
 * blocked by PPR): the flag is withdrawn so the EOI exits and the waiting
 * one is injected at once, not at some later exit. */
static void test_waiting_withdraws(void **state)
{
	(void)state;
	vlapic_accept(&v, VA, false);
	assert_int_equal(entry(), VA);
	vlapic_accept(&v, VA, false);
	assert_int_equal(entry(), -1);
	assert_false(word & HC_PV_EOI_PENDING);
	guest_eoi();
	assert_int_equal(apic_writes, 1);
	assert_int_equal(entry(), VA);
	assert_true(word & HC_PV_EOI_PENDING);
	guest_eoi();
	assert_int_equal(entry(), -1);
	assert_idle();
}

/* Two vectors requested at once: the first is injected with another
 * waiting, so its EOI must exit; the second is flagged. */
static void test_irr_busy_not_flagged(void **state)
{
	(void)state;
	vlapic_accept(&v, VA, false);
	vlapic_accept(&v, VB, false);
	assert_int_equal(entry(), VB);
	assert_false(word & HC_PV_EOI_PENDING);
	guest_eoi();
	assert_int_equal(apic_writes, 1);
	assert_int_equal(entry(), VA);
	assert_true(word & HC_PV_EOI_PENDING);
	guest_eoi();
	assert_int_equal(entry(), -1);
	assert_int_equal(apic_writes, 1);
	assert_idle();
}

/* HLT: an EOI in the flag must be retired before the hv asks what can
 * wake the guest, or a vector of the same class stays blocked. */
static void test_halt_sees_pv_eoi(void **state)
{
	(void)state;
	vlapic_accept(&v, VA, false);
	assert_int_equal(entry(), VA);
	guest_eoi();
	vlapic_accept(&v, VA, false);		/* arrives while halted */
	assert_int_equal(vlapic_pending(&v), -1);
	pv_eoi_sync(&s, &v);
	assert_int_equal(vlapic_pending(&v), VA);
	assert_int_equal(s.stats.pv_eoi, 1);
}

/* Re-registration and off settle a flagged vector: retired when the guest
 * had cleared the old word, else withdrawn (its EOI then traps). The new
 * word's bit starts clear. */
static void test_register_settles(void **state)
{
	(void)state;
	vlapic_accept(&v, VA, false);
	assert_int_equal(entry(), VA);
	word2 = ~0ULL;
	pv_eoi_register(&s, &v, 0x3000, &word2);
	assert_false(word & HC_PV_EOI_PENDING);
	assert_false(word2 & HC_PV_EOI_PENDING);
	assert_int_equal(s.stats.withdrawn, 1);
	assert_int_equal(vlapic_highest_isr(&v), VA);
	pv_eoi_apic_eoi(&s, &v);
	assert_idle();

	vlapic_accept(&v, VA, false);
	assert_int_equal(entry(), VA);
	assert_true(word2 & HC_PV_EOI_PENDING);
	word2 &= ~HC_PV_EOI_PENDING;		/* the guest's BTR */
	pv_eoi_register(&s, &v, 0, NULL);
	assert_idle();
	assert_int_equal(s.stats.pv_eoi, 1);
	assert_null(s.flag);

	vlapic_accept(&v, VA, false);		/* off: nothing flagged */
	assert_int_equal(entry(), VA);
	assert_int_equal(s.vector, -1);
	assert_int_equal(word2, ~0ULL & ~HC_PV_EOI_PENDING);
}

/* A guest restart or a mode change forgets the flag without writing it. */
static void test_reset_forgets(void **state)
{
	(void)state;
	vlapic_accept(&v, VA, false);
	assert_int_equal(entry(), VA);
	pv_eoi_reset(&s);
	assert_null(s.flag);
	assert_int_equal(s.vector, -1);
	assert_true(word & HC_PV_EOI_PENDING);
	word = 0;
	assert_int_equal(entry(), -1);
	assert_int_equal(vlapic_highest_isr(&v), VA);
	assert_int_equal(v.stats.eoi, 0);
}

static void test_check_gpa(void **state)
{
	struct guest_ram ram = {
		.r = { { 0, 0x80000000ULL, 0 }, { 0x100000000ULL, 0x40000000ULL, 0x80000000ULL } },
		.n = 2,
	};
	static const struct { uint64_t gpa; int err; } cases[] = {
		{ 0x100000, 0 },
		{ 0x100004, -HC_EINVAL },		/* unaligned */
		{ 0x100ffc, -HC_EINVAL },		/* across a page */
		{ 0x101001, -HC_EINVAL },
		{ GUEST_HV_DMA_GPA - 8, 0 },
		{ GUEST_HV_DMA_GPA, -HC_EINVAL },
		{ GUEST_HV_DMA_GPA + GUEST_HV_DMA_SIZE - 8, -HC_EINVAL },
		{ GUEST_HV_DMA_GPA + GUEST_HV_DMA_SIZE, 0 },
		{ 0x7ffffff8, 0 },
		{ 0x80000000, -HC_EFAULT },		/* the hole below 4 GiB */
		{ GUEST_APIC_BASE + VLAPIC_EOI - 0x10, -HC_EFAULT },
		{ 0x100000000ULL, 0 },
		{ 0x13ffffff8ULL, 0 },
		{ 0x140000000ULL, -HC_EFAULT },		/* past RAM */
		{ ~7ULL, -HC_EFAULT },
	};
	const char *why;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		why = NULL;
		assert_int_equal(pv_eoi_check_gpa(&ram, cases[i].gpa, &why), cases[i].err);
		if (cases[i].err)
			assert_non_null(why);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_one_exit, setup),
		cmocka_unit_test_setup(test_apic_write_while_flagged, setup),
		cmocka_unit_test_setup(test_delivered_twice, setup),
		cmocka_unit_test_setup(test_hostile_flag, setup),
		cmocka_unit_test_setup(test_nested, setup),
		cmocka_unit_test_setup(test_nested_entry, setup),
		cmocka_unit_test_setup(test_waiting_withdraws, setup),
		cmocka_unit_test_setup(test_irr_busy_not_flagged, setup),
		cmocka_unit_test_setup(test_halt_sees_pv_eoi, setup),
		cmocka_unit_test_setup(test_register_settles, setup),
		cmocka_unit_test_setup(test_reset_forgets, setup),
		cmocka_unit_test(test_check_gpa),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
