/* Unit tests of hv/guest_ram.c: guest RAM laid out around the hole below
 * 4 GiB for every allowed guestmem (16M..64G), with the assigned device's
 * BARs below and above 4 GiB; overlaps refused with the reason. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hv/guest_ram.h"

#define MiB(x)	((uint64_t)(x) << 20)
#define GiB(x)	((uint64_t)(x) << 30)

static struct guest_ram l;
static char why[200];

/* Nothing of RAM may touch a hole, the platform's or the caller's. */
static void assert_clear_of(const struct guest_ram_hole *h, unsigned n)
{
	static const struct guest_ram_hole platform = {
		GUEST_IOAPIC_AREA_BASE, GiB(4) - GUEST_IOAPIC_AREA_BASE, "platform" };
	unsigned i, k;

	for (i = 0; i < l.n; i++) {
		const struct guest_ram_range *r = &l.r[i];

		assert_false(r->gpa < platform.base + platform.size &&
			     platform.base < r->gpa + r->size);
		for (k = 0; k < n; k++)
			assert_false(r->gpa < h[k].base + h[k].size &&
				     h[k].base < r->gpa + r->size);
		assert_false(l.unmapped_gpa < r->gpa + r->size &&
			     r->gpa < l.unmapped_gpa + GUEST_RAM_ALIGN);
	}
	for (k = 0; k < n; k++)
		assert_false(l.unmapped_gpa < h[k].base + h[k].size &&
			     h[k].base < l.unmapped_gpa + GUEST_RAM_ALIGN);
}

/* Ranges are contiguous in the host block, in GPA order. */
static void assert_offsets(uint64_t size)
{
	uint64_t off = 0;
	unsigned i;

	for (i = 0; i < l.n; i++) {
		assert_int_equal(l.r[i].offset, off);
		off += l.r[i].size;
	}
	assert_int_equal(off, size);
	assert_int_equal(l.size, size);
	assert_int_equal(l.end, l.r[l.n - 1].gpa + l.r[l.n - 1].size);
}

static void test_small_stays_low(void **state)
{
	(void)state;
	assert_int_equal(guest_ram_layout(&l, MiB(16), NULL, 0, why, sizeof(why)), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.r[0].gpa, 0);
	assert_int_equal(l.r[0].size, MiB(16));
	assert_int_equal(l.unmapped_gpa, MiB(18));
	assert_offsets(MiB(16));
	assert_clear_of(NULL, 0);
	assert_int_equal(guest_ram_layout(&l, GiB(2), NULL, 0, why, sizeof(why)), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.r[0].size, GiB(2));
	assert_offsets(GiB(2));
}

/* The case: 4 GiB used to run into the interrupt window. */
static void test_4g_splits_at_the_platform_hole(void **state)
{
	(void)state;
	assert_int_equal(guest_ram_layout(&l, GiB(4), NULL, 0, why, sizeof(why)), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.r[0].gpa, 0);
	assert_int_equal(l.r[0].size, GUEST_IOAPIC_AREA_BASE);
	assert_string_equal(l.low_hole.what, "the I/O APIC/HPET area");
	assert_int_equal(l.r[1].gpa, GiB(4));
	assert_int_equal(l.r[1].size, GiB(4) - GUEST_IOAPIC_AREA_BASE);
	assert_offsets(GiB(4));
	assert_clear_of(NULL, 0);
	assert_true(l.unmapped_gpa >= l.end);
}

/* QEMU q35 with more than 2.75 GiB puts 32-bit BARs from 2 GiB up. */
static void test_bar_below_4g_lowers_the_hole(void **state)
{
	struct guest_ram_hole bars[] = {
		{ 0x80000000, 0x20000, "BAR0 of 00:01.0" },
		{ 0x80080000, 0x4000, "BAR3 of 00:01.0" },
	};

	(void)state;
	assert_int_equal(guest_ram_layout(&l, GiB(4), bars, 2, why, sizeof(why)), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.r[0].size, GiB(2));
	assert_string_equal(l.low_hole.what, "BAR0 of 00:01.0");
	assert_int_equal(l.r[1].gpa, GiB(4));
	assert_int_equal(l.r[1].size, GiB(2));
	assert_offsets(GiB(4));
	assert_clear_of(bars, 2);
	/* a BAR not 2 MiB aligned: low RAM ends at the 2 MiB page below it */
	bars[0].base = 0x7ff01000;
	assert_int_equal(guest_ram_layout(&l, GiB(4), bars, 2, why, sizeof(why)), 0);
	assert_int_equal(l.r[0].size, 0x7fe00000);
	assert_offsets(GiB(4));
	assert_clear_of(bars, 2);
}

static void test_64g(void **state)
{
	(void)state;
	assert_int_equal(guest_ram_layout(&l, GiB(64), NULL, 0, why, sizeof(why)), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.r[1].gpa, GiB(4));
	assert_int_equal(l.end, GiB(4) + GiB(64) - GUEST_IOAPIC_AREA_BASE);
	assert_offsets(GiB(64));
	assert_clear_of(NULL, 0);
}

/* 64-bit BARs above 4 GiB: RAM must end below them, or be refused. */
static void test_bar_above_4g(void **state)
{
	struct guest_ram_hole bar = { GiB(32), MiB(16), "BAR2 of 00:02.0" };

	(void)state;
	assert_int_equal(guest_ram_layout(&l, GiB(16), &bar, 1, why, sizeof(why)), 0);
	assert_clear_of(&bar, 1);
	assert_int_equal(guest_ram_layout(&l, GiB(64), &bar, 1, why, sizeof(why)), -EBUSY);
	assert_non_null(strstr(why, "would overlap BAR2 of 00:02.0 (0x800000000..0x801000000)"));
	/* RAM ending right below the BAR: the NPF page must skip the BAR */
	bar.base = GiB(4) + GiB(28) - GUEST_IOAPIC_AREA_BASE + GUEST_RAM_ALIGN;
	assert_int_equal(guest_ram_layout(&l, GiB(28), &bar, 1, why, sizeof(why)), 0);
	assert_int_equal(l.end, bar.base - GUEST_RAM_ALIGN);
	assert_int_equal(l.unmapped_gpa, bar.base + bar.size + GUEST_RAM_ALIGN);
	assert_clear_of(&bar, 1);
}

static void test_bar_too_low(void **state)
{
	struct guest_ram_hole bar = { MiB(8), 0x1000, "BAR0 of 00:03.0" };

	(void)state;
	assert_int_equal(guest_ram_layout(&l, MiB(64), &bar, 1, why, sizeof(why)), -ERANGE);
	assert_non_null(strstr(why, "BAR0 of 00:03.0 at 0x800000 leaves 8 MiB"));
}

static void test_bad_sizes(void **state)
{
	(void)state;
	assert_int_equal(guest_ram_layout(&l, 0, NULL, 0, why, sizeof(why)), -EINVAL);
	assert_int_equal(guest_ram_layout(&l, MiB(3), NULL, 0, why, sizeof(why)), -EINVAL);
	assert_int_equal(guest_ram_layout(&l, UINT64_MAX - MiB(2) + 1, NULL, 0, why,
					  sizeof(why)), -EINVAL);
}

/* Every allowed guestmem, in 2 MiB steps around the hole and 1 GiB steps
 * beyond: each lays out, stays clear of the platform holes and a QEMU-like
 * BAR, and every byte of RAM is found in exactly one range. */
static void test_every_allowed_size(void **state)
{
	const struct guest_ram_hole bar = { 0xc0000000, 0x20000, "BAR0" };
	uint64_t size;

	(void)state;
	for (size = MiB(16); size <= GiB(64);
	     size += size < GiB(5) && size > GiB(3) ? MiB(2) : GiB(1) / 4) {
		assert_int_equal(guest_ram_layout(&l, size, &bar, 1, why, sizeof(why)), 0);
		assert_offsets(size);
		assert_clear_of(&bar, 1);
		assert_non_null(guest_ram_find(&l, 0, l.r[0].size));
		assert_non_null(guest_ram_find(&l, l.end - 8, 8));
	}
}

static void test_find(void **state)
{
	const struct guest_ram_range *r;

	(void)state;
	assert_int_equal(guest_ram_layout(&l, GiB(4), NULL, 0, why, sizeof(why)), 0);
	assert_ptr_equal(guest_ram_find(&l, 0, 8), &l.r[0]);
	assert_ptr_equal(guest_ram_find(&l, GUEST_IOAPIC_AREA_BASE - 8, 8), &l.r[0]);
	/* across the hole, in the hole, past the end, a wrapping length */
	assert_null(guest_ram_find(&l, GUEST_IOAPIC_AREA_BASE - 8, 16));
	assert_null(guest_ram_find(&l, GUEST_IRQ_WINDOW_BASE, 4));
	assert_null(guest_ram_find(&l, l.end, 1));
	assert_null(guest_ram_find(&l, l.end - 8, 9));
	assert_null(guest_ram_find(&l, 8, UINT64_MAX));
	r = guest_ram_find(&l, GiB(4), 4096);
	assert_ptr_equal(r, &l.r[1]);
	assert_int_equal(r->offset, GUEST_IOAPIC_AREA_BASE);
}

static void test_describe(void **state)
{
	char buf[80];

	(void)state;
	assert_int_equal(guest_ram_layout(&l, MiB(64), NULL, 0, why, sizeof(why)), 0);
	assert_int_equal(guest_ram_describe(&l, buf, sizeof(buf)), (int)strlen("0..0x4000000"));
	assert_string_equal(buf, "0..0x4000000");
	assert_int_equal(guest_ram_layout(&l, GiB(4), NULL, 0, why, sizeof(why)), 0);
	guest_ram_describe(&l, buf, sizeof(buf));
	assert_string_equal(buf, "0..0xfec00000, 0x100000000..0x101400000");
	assert_int_equal(guest_ram_describe(&l, buf, 12), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_stays_low),
		cmocka_unit_test(test_4g_splits_at_the_platform_hole),
		cmocka_unit_test(test_bar_below_4g_lowers_the_hole),
		cmocka_unit_test(test_64g),
		cmocka_unit_test(test_bar_above_4g),
		cmocka_unit_test(test_bar_too_low),
		cmocka_unit_test(test_bad_sizes),
		cmocka_unit_test(test_every_allowed_size),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_describe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
