/* Unit tests of hv/code_tlb.h: the code TLB's hit test on the exit path
 * (revalidated against the guest's entries, never across a page end) and
 * the byte check that lets an exit skip its instruction without decoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hv/code_tlb.h"

#define CR3	0x5000ULL
#define PAGE	0x7f0000ULL

static uint8_t host_page[PT_PAGE_SIZE];
static union pte entries[3];

/* A TLB holding PAGE under CR3, filled by a three-level walk. */
static struct guest_code_tlb tlb_filled(void)
{
	struct guest_code_tlb c = { .cr3 = CR3, .page = PAGE, .host = host_page };
	unsigned i;

	for (i = 0; i < 3; i++) {
		entries[i].raw = 0x1000ULL * (i + 1) | 1;
		c.trace.entry[i] = &entries[i];
		c.trace.value[i] = entries[i].raw;
	}
	c.trace.n = 3;
	return c;
}

static void test_hit(void **state)
{
	struct guest_code_tlb c = tlb_filled();

	(void)state;
	assert_ptr_equal(code_tlb_peek(&c, CR3, PAGE + 0x123, 3), host_page + 0x123);
	/* CR3's low bits (PCD, PWT, PCID) do not name another table. */
	assert_ptr_equal(code_tlb_peek(&c, CR3 | 0x18, PAGE, 2), host_page);
	/* The last bytes of the page are still in it. */
	assert_ptr_equal(code_tlb_peek(&c, CR3, PAGE + PT_PAGE_SIZE - 3, 3),
			 host_page + PT_PAGE_SIZE - 3);
}

static void test_miss(void **state)
{
	struct guest_code_tlb c = tlb_filled();

	(void)state;
	assert_null(code_tlb_peek(&c, CR3 + 0x1000, PAGE, 2));		/* other tables */
	assert_null(code_tlb_peek(&c, CR3, PAGE + PT_PAGE_SIZE, 2));	/* next page */
	assert_null(code_tlb_peek(&c, CR3, PAGE - 1, 2));		/* page before */
	/* Bytes that cross into the next page are never read from this one. */
	assert_null(code_tlb_peek(&c, CR3, PAGE + PT_PAGE_SIZE - 2, 3));
	assert_null(code_tlb_peek(&c, CR3, PAGE + PT_PAGE_SIZE - 1, 2));
	c.host = NULL;
	assert_null(code_tlb_peek(&c, CR3, PAGE, 2));			/* empty */
}

/* A guest that rewrites any entry of the walk (or leaves none) misses. */
static void test_stale_walk(void **state)
{
	struct guest_code_tlb c;
	unsigned i;

	(void)state;
	for (i = 0; i < 3; i++) {
		c = tlb_filled();
		entries[i].raw ^= 0x2000;
		assert_null(code_tlb_peek(&c, CR3, PAGE, 2));
	}
	c = tlb_filled();
	c.trace.n = 0;
	assert_null(code_tlb_peek(&c, CR3, PAGE, 2));
}

static void test_bytes_are(void **state)
{
	static const uint8_t cpuid[] = { 0x0f, 0xa2 };
	static const uint8_t plain[] = { 0x0f, 0xa2, 0x90 };
	static const uint8_t prefixed[] = { 0x66, 0x0f, 0xa2 };

	(void)state;
	assert_true(insn_bytes_are(plain, sizeof(plain), cpuid, 2));
	assert_true(insn_bytes_are(plain, 2, cpuid, 2));
	assert_false(insn_bytes_are(prefixed, sizeof(prefixed), cpuid, 2));
	assert_false(insn_bytes_are(plain, 1, cpuid, 2));	/* not all readable */
	assert_false(insn_bytes_are(plain, sizeof(plain), cpuid, 0));	/* nothing expected */
	assert_false(insn_bytes_are(plain + 1, 2, cpuid, 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hit),
		cmocka_unit_test(test_miss),
		cmocka_unit_test(test_stale_walk),
		cmocka_unit_test(test_bytes_are),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
