/*
 * msix=map's pure logic: every refusal of HC_MSI_MAP's guest-controlled
 * arguments (mode, device state, entry, vector, destination, out
 * pointer), each at its edge, and what else shares a page with the MSI-X
 * table in the layouts QEMU's devices use (82574, NVMe, virtio-net).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hv/delivery/msi_map_check.h"
#include "hv/hypercall_abi.h"

#define NV	5
#define OUT	0x10000ULL

static const struct msi_map_state ready = {
	.map_mode = true, .assigned = true, .enabled = true, .nvec = NV, .dest_apic_id = 0,
};

static int check(const struct msi_map_state *s, uint64_t entry, uint64_t vector,
		 uint64_t dest, uint64_t out, const char **why)
{
	struct msi_map_args a = { .entry = entry, .vector = vector, .dest = dest, .out = out };

	return msi_map_check(s, &a, why);
}

static void test_accepts(void **state)
{
	const char *why = "x";

	(void)state;
	assert_int_equal(check(&ready, 0, 16, 0, OUT, &why), 0);
	assert_null(why);
	assert_int_equal(check(&ready, NV - 1, 255, 0, OUT + 8, &why), 0);
	assert_int_equal(check(&ready, 2, 0x50, 0, UINT64_MAX - 23, &why), 0);
}

static void test_state_refusals(void **state)
{
	struct msi_map_state s = ready;
	const char *why;

	(void)state;
	s.map_mode = false;
	assert_int_equal(check(&s, 0, 0x50, 0, OUT, &why), -HC_EPERM);
	assert_string_equal(why, "the guest does not run msix=map");
	s = ready;
	s.assigned = false;
	assert_int_equal(check(&s, 0, 0x50, 0, OUT, &why), -HC_EINVAL);
	assert_non_null(why);
	s = ready;
	s.enabled = false;
	assert_int_equal(check(&s, 0, 0x50, 0, OUT, &why), -HC_EINVAL);
	assert_non_null(why);
	/* the mode is checked before anything else the guest passed */
	s.map_mode = false;
	assert_int_equal(check(&s, ~0ULL, 0, 7, 0, &why), -HC_EPERM);
}

static void test_argument_refusals(void **state)
{
	const char *why;

	(void)state;
	assert_int_equal(check(&ready, NV, 0x50, 0, OUT, &why), -HC_EINVAL);
	assert_string_equal(why, "the entry is beyond the device's MSI-X table");
	assert_int_equal(check(&ready, 1ULL << 32, 0x50, 0, OUT, &why), -HC_EINVAL);
	assert_int_equal(check(&ready, 0, 15, 0, OUT, &why), -HC_EINVAL);
	assert_string_equal(why, "the vector is outside 16..255");
	assert_int_equal(check(&ready, 0, 256, 0, OUT, &why), -HC_EINVAL);
	assert_int_equal(check(&ready, 0, 0x150, 0, OUT, &why), -HC_EINVAL);
	assert_int_equal(check(&ready, 0, 0x50, 1, OUT, &why), -HC_EINVAL);
	assert_string_equal(why, "the destination is not the APIC id of the guest's only vCPU");
	assert_int_equal(check(&ready, 0, 0x50, 1ULL << 32, OUT, &why), -HC_EINVAL);
}

static void test_out_refusals(void **state)
{
	const char *why;

	(void)state;
	assert_int_equal(check(&ready, 0, 0x50, 0, 0, &why), -HC_EFAULT);
	assert_string_equal(why, "the out pointer is NULL");
	assert_int_equal(check(&ready, 0, 0x50, 0, OUT + 4, &why), -HC_EFAULT);
	assert_string_equal(why, "the out pointer is not 8-byte aligned");
	assert_int_equal(check(&ready, 0, 0x50, 0, UINT64_MAX - 15, &why), -HC_EFAULT);
	assert_int_equal(check(&ready, 0, 0x50, 0, UINT64_MAX & ~7ULL, &why), -HC_EFAULT);
	assert_string_equal(why, "the out pointer wraps around the address space");
}

/* The 82574: 16 KiB BAR3, table (5 entries) at 0, PBA at 0x2000. */
static void test_page_82574(void **state)
{
	uint64_t bar = 0xfebf0000, start = 0, last = 0;

	(void)state;
	assert_true(msi_map_page_other(bar, bar, 0x4000, bar, 5 * 16, bar + 0x2000, 8, &start,
				       &last));
	assert_int_equal(start, bar + 0x50);
	assert_int_equal(last, bar + 0xfff);
	assert_true(msi_map_page_other(bar + 0x2000, bar, 0x4000, bar, 5 * 16, bar + 0x2000, 8,
				       &start, &last));
	assert_int_equal(start, bar + 0x2008);
	assert_int_equal(last, bar + 0x2fff);
}

/* NVMe: registers below, a 65-entry table alone in its page. */
static void test_page_nvme(void **state)
{
	uint64_t bar = 0xfe000000, start, last;

	(void)state;
	assert_true(msi_map_page_other(bar + 0x2000, bar, 0x4000, bar + 0x2000, 65 * 16,
				       bar + 0x3000, 16, &start, &last));
	assert_int_equal(start, bar + 0x2000 + 65 * 16);
	assert_int_equal(last, bar + 0x2fff);
}

/* virtio-net: table and PBA share the page, something between them. */
static void test_page_virtio_net(void **state)
{
	uint64_t bar = 0xfe400000, start, last;

	(void)state;
	assert_true(msi_map_page_other(bar, bar, 0x1000, bar + 0x100, 4 * 16, bar + 0x800, 8,
				       &start, &last));
	assert_int_equal(start, bar);
	assert_int_equal(last, bar + 0xff);
	assert_true(msi_map_page_other(bar, bar, 0x1000, bar, 4 * 16, bar + 0x800, 8, &start,
				       &last));
	assert_int_equal(start, bar + 0x40);
	assert_int_equal(last, bar + 0x7ff);
}

/* Nothing else: a table filling its page, or table and PBA filling it. */
static void test_page_only_table(void **state)
{
	uint64_t bar = 0xfe800000, start = 1, last = 1;

	(void)state;
	assert_false(msi_map_page_other(bar, bar, 0x2000, bar, 256 * 16, bar + 0x1000, 32,
					&start, &last));
	assert_false(msi_map_page_other(bar, bar, 0x1000, bar, 0xff0, bar + 0xff0, 16, &start,
					&last));
	assert_int_equal(start, 1);
	/* the second page of a two-page table: past its end, only the PBA */
	assert_true(msi_map_page_other(bar + 0x1000, bar, 0x4000, bar, 0x1010, bar + 0x3000, 8,
				       &start, &last));
	assert_int_equal(start, bar + 0x1010);
	assert_int_equal(last, bar + 0x1fff);
	/* the page's part outside the BAR is not looked at */
	assert_false(msi_map_page_other(bar, bar, 0x800, bar, 0x800, 0, 0, &start, &last));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts),
		cmocka_unit_test(test_state_refusals),
		cmocka_unit_test(test_argument_refusals),
		cmocka_unit_test(test_out_refusals),
		cmocka_unit_test(test_page_82574),
		cmocka_unit_test(test_page_nvme),
		cmocka_unit_test(test_page_virtio_net),
		cmocka_unit_test(test_page_only_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
