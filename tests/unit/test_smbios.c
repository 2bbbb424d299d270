/* Unit tests of drivers/smbios.c: both entry point kinds, the fields the
 * PLATFORM line takes, and malformed tables (bad checksums, lengths,
 * unterminated strings, string numbers past the set, truncation at every
 * byte). Entry point and table each sit in a buffer of their exact size,
 * so AddressSanitizer sees any read past them. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/bits.h"
#include "drivers/smbios.h"
#include "tests/unit/smbios_mem.h"


/* A table being built: structures appended one after another. */
struct tbl {
	uint8_t b[2048];
	size_t len;
	unsigned n;
};

/* One structure: type, formatted area after the header (flen bytes in
 * total, header included), then the strings (NULL-terminated list). */
static void tbl_add(struct tbl *t, uint8_t type, const uint8_t *fields, uint8_t flen,
		    const char *const *strings)
{
	uint8_t *p = t->b + t->len;
	size_t off = flen;

	p[0] = type;
	p[1] = flen;
	p[2] = (uint8_t)t->n;
	p[3] = 0;
	if (flen > SMBIOS_HDR_LEN)
		memcpy(p + SMBIOS_HDR_LEN, fields, flen - SMBIOS_HDR_LEN);
	for (; strings && *strings; strings++) {
		memcpy(p + off, *strings, strlen(*strings) + 1);
		off += strlen(*strings) + 1;
	}
	if (off == flen)
		p[off++] = 0;
	p[off++] = 0;
	t->len += off;
	t->n++;
}

/* QEMU q35 with OVMF: type 0, type 1, a type 4 in between, the end. */
static void tbl_qemu(struct tbl *t)
{
	/* type 0: vendor 1, version 2, segment, date 3, ... */
	static const uint8_t bios[] = { 1, 2, 0x00, 0xe8, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					0, 0, 0, 0, 0, 0 };
	static const uint8_t sys[] = { 1, 2, 3, 0 };
	static const uint8_t cpu[] = { 1, 3 };
	static const char *const bios_s[] = { "EFI Development Kit II / OVMF",
					      "0.0.0", "02/06/2015", NULL };
	static const char *const sys_s[] = { "QEMU", "Standard PC (Q35 + ICH9, 2009)",
					     "pc-q35-7.2", NULL };
	static const char *const cpu_s[] = { "CPU 0", NULL };

	memset(t, 0, sizeof(*t));
	tbl_add(t, SMBIOS_TYPE_BIOS, bios, 4 + sizeof(bios), bios_s);
	tbl_add(t, 4, cpu, 4 + sizeof(cpu), cpu_s);
	tbl_add(t, SMBIOS_TYPE_SYSTEM, sys, 4 + sizeof(sys), sys_s);
	tbl_add(t, SMBIOS_TYPE_END, NULL, 4, NULL);
}

static uint8_t sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void ep3_make(uint8_t *ep, uint32_t table_max)
{
	memset(ep, 0, SMBIOS3_EP_MIN);
	memcpy(ep, SMBIOS3_ANCHOR, 5);
	ep[SMBIOS3_EP_LENGTH] = SMBIOS3_EP_MIN;
	ep[SMBIOS3_EP_MAJOR] = 3;
	ep[SMBIOS3_EP_MINOR] = 0;
	ep[0x0a] = 1;
	put32(ep + SMBIOS3_EP_TABLE_MAX, table_max);
	put32(ep + SMBIOS3_EP_TABLE_ADDR, (uint32_t)SMBIOS_TEST_TABLE_PA);
	ep[SMBIOS3_EP_CHECKSUM] = (uint8_t)-sum8(ep, SMBIOS3_EP_MIN);
}

static void ep2_make(uint8_t *ep, uint16_t table_len, uint16_t nstructs)
{
	memset(ep, 0, 0x1f);
	memcpy(ep, SMBIOS2_ANCHOR, 4);
	ep[SMBIOS2_EP_LENGTH] = 0x1f;
	ep[SMBIOS2_EP_MAJOR] = 2;
	ep[SMBIOS2_EP_MINOR] = 8;
	memcpy(ep + SMBIOS2_EP_DMI, "_DMI_", 5);
	ep[SMBIOS2_EP_TABLE_LEN] = (uint8_t)table_len;
	ep[SMBIOS2_EP_TABLE_LEN + 1] = (uint8_t)(table_len >> 8);
	put32(ep + SMBIOS2_EP_TABLE_ADDR, (uint32_t)SMBIOS_TEST_TABLE_PA);
	ep[SMBIOS2_EP_NSTRUCTS] = (uint8_t)nstructs;
	ep[0x1e] = 0x28;
	ep[0x15] = (uint8_t)-sum8(ep + SMBIOS2_EP_DMI, SMBIOS2_EP_DMI_LEN);
	ep[SMBIOS2_EP_CHECKSUM] = (uint8_t)-sum8(ep, 0x1f);
}

/* Parse with the entry point and table copied into exact-size buffers. */
static int parse(struct smbios_info *out, const uint8_t *ep, size_t ep_len,
		 const uint8_t *table, size_t table_len)
{
	uint8_t *ep_copy = malloc(ep_len ? ep_len : 1);
	uint8_t *table_copy = malloc(table_len ? table_len : 1);
	struct smbios_test_mem m = { ep_copy, table_copy, ep_len, table_len };
	struct smbios_mem sm = { .map = smbios_test_map, .ctx = &m };
	int err;

	assert_non_null(ep_copy);
	assert_non_null(table_copy);
	memcpy(ep_copy, ep, ep_len);
	memcpy(table_copy, table, table_len);
	err = smbios_parse(out, SMBIOS_TEST_EP_PA, &sm);
	free(ep_copy);
	free(table_copy);
	return err;
}

static void assert_no_fields(const struct smbios_info *i)
{
	assert_string_equal(i->bios_vendor, "");
	assert_string_equal(i->bios_version, "");
	assert_string_equal(i->bios_date, "");
	assert_string_equal(i->sys_vendor, "");
	assert_string_equal(i->sys_product, "");
}

static void test_smbios3(void **state)
{
	struct smbios_info i;
	struct tbl t;
	uint8_t ep[SMBIOS3_EP_MIN];

	(void)state;
	tbl_qemu(&t);
	ep3_make(ep, (uint32_t)t.len);
	assert_int_equal(parse(&i, ep, sizeof(ep), t.b, t.len), 0);
	assert_true(i.found);
	assert_int_equal(i.major, 3);
	assert_int_equal(i.minor, 0);
	assert_string_equal(i.bios_vendor, "EFI Development Kit II / OVMF");
	assert_string_equal(i.bios_version, "0.0.0");
	assert_string_equal(i.bios_date, "02/06/2015");
	assert_string_equal(i.sys_vendor, "QEMU");
	assert_string_equal(i.sys_product, "Standard PC (Q35 + ICH9, 2009)");
	assert_string_equal(i.why, "");
}

static void test_smbios2(void **state)
{
	struct smbios_info i;
	struct tbl t;
	uint8_t ep[0x1f];

	(void)state;
	tbl_qemu(&t);
	ep2_make(ep, (uint16_t)t.len, (uint16_t)t.n);
	assert_int_equal(parse(&i, ep, sizeof(ep), t.b, t.len), 0);
	assert_true(i.found);
	assert_int_equal(i.major, 2);
	assert_int_equal(i.minor, 8);
	assert_string_equal(i.sys_vendor, "QEMU");
	assert_string_equal(i.bios_date, "02/06/2015");
	/* 2.x counts structures: a count that stops before type 1 reads no type 1. */
	ep2_make(ep, (uint16_t)t.len, 2);
	assert_int_equal(parse(&i, ep, sizeof(ep), t.b, t.len), 0);
	assert_string_equal(i.bios_version, "0.0.0");
	assert_string_equal(i.sys_vendor, "");
}

static void test_no_entry_point(void **state)
{
	struct smbios_info i;
	struct smbios_mem sm = { .map = smbios_test_map, .ctx = &(struct smbios_test_mem){ 0 } };
	uint8_t ep[SMBIOS3_EP_MIN];

	(void)state;
	assert_int_equal(smbios_parse(&i, 0, &sm), -ENOENT);
	assert_false(i.found);
	assert_int_equal(smbios_parse(&i, 0x1000, &sm), -EINVAL);
	assert_non_null(strstr(i.why, "not in memory"));
	memset(ep, 'x', sizeof(ep));
	assert_int_equal(parse(&i, ep, sizeof(ep), ep, 0), -EINVAL);
	assert_non_null(strstr(i.why, "no _SM_ or _SM3_ anchor"));
	assert_no_fields(&i);
}

/* A wrong checksum in either entry point kind: nothing is believed. */
static void test_bad_checksums(void **state)
{
	struct smbios_info i;
	struct tbl t;
	uint8_t ep3[SMBIOS3_EP_MIN], ep2[0x1f];

	(void)state;
	tbl_qemu(&t);
	ep3_make(ep3, (uint32_t)t.len);
	ep3[SMBIOS3_EP_CHECKSUM]++;
	assert_int_equal(parse(&i, ep3, sizeof(ep3), t.b, t.len), -EINVAL);
	assert_false(i.found);
	assert_non_null(strstr(i.why, "SMBIOS 3 entry point at 0xf0000: bad checksum"));
	assert_no_fields(&i);
	ep2_make(ep2, (uint16_t)t.len, (uint16_t)t.n);
	ep2[SMBIOS2_EP_CHECKSUM]++;
	assert_int_equal(parse(&i, ep2, sizeof(ep2), t.b, t.len), -EINVAL);
	assert_non_null(strstr(i.why, "bad checksum"));
	/* The intermediate checksum is its own: both sums must hold. */
	ep2_make(ep2, (uint16_t)t.len, (uint16_t)t.n);
	ep2[0x15]++;
	ep2[SMBIOS2_EP_CHECKSUM]--;
	assert_int_equal(parse(&i, ep2, sizeof(ep2), t.b, t.len), -EINVAL);
	assert_non_null(strstr(i.why, "intermediate"));
	assert_false(i.found);
}

/* Entry point lengths below the minimum, or past what is mapped. */
static void test_bad_ep_lengths(void **state)
{
	struct smbios_info i;
	struct tbl t;
	uint8_t ep[SMBIOS3_EP_MIN];

	(void)state;
	tbl_qemu(&t);
	ep3_make(ep, (uint32_t)t.len);
	ep[SMBIOS3_EP_LENGTH] = 4;
	assert_int_equal(parse(&i, ep, sizeof(ep), t.b, t.len), -EINVAL);
	assert_non_null(strstr(i.why, "length 0x4 is below 0x18"));
	ep[SMBIOS3_EP_LENGTH] = 0xff;
	assert_int_equal(parse(&i, ep, sizeof(ep), t.b, t.len), -EINVAL);
	assert_non_null(strstr(i.why, "not in memory for its length"));
	ep3_make(ep, (uint32_t)t.len);
	assert_int_equal(parse(&i, ep, 10, t.b, t.len), -EINVAL);
	assert_non_null(strstr(i.why, "not in memory"));
}

/* The table's address or size leaves memory: said, no fields. */
static void test_table_not_in_memory(void **state)
{
	struct smbios_info i;
	struct tbl t;
	uint8_t ep[SMBIOS3_EP_MIN];

	(void)state;
	tbl_qemu(&t);
	ep3_make(ep, (uint32_t)t.len + 1);
	assert_int_equal(parse(&i, ep, sizeof(ep), t.b, t.len), -EINVAL);
	assert_true(i.found);
	assert_non_null(strstr(i.why, "SMBIOS 3.0: table at 0x7f000000"));
	assert_no_fields(&i);
}

static void test_struct_length_below_header(void **state)
{
	struct smbios_info i;
	struct tbl t;

	(void)state;
	tbl_qemu(&t);
	t.b[1] = 3;
	assert_int_equal(smbios_walk(memset(&i, 0, sizeof(i)), t.b, t.len, 0), -EINVAL);
	assert_string_equal(i.why, "SMBIOS: structure 0 (type 0) at offset 0x0: length 3 is below "
				   "the header's 4");
	assert_no_fields(&i);
}

/* A formatted area that runs past the table, and strings that do. */
static void test_struct_past_table(void **state)
{
	struct smbios_info i;
	struct tbl t;

	(void)state;
	memset(&t, 0, sizeof(t));
	tbl_add(&t, SMBIOS_TYPE_SYSTEM, (const uint8_t[]){ 1, 2 }, 6,
		(const char *const[]){ "Vendor", "Product", NULL });
	assert_int_equal(smbios_walk(memset(&i, 0, sizeof(i)), t.b, 5, 0), -EINVAL);
	assert_non_null(strstr(i.why, "length 6 runs past the table's 0x5 bytes"));
	assert_int_equal(smbios_walk(memset(&i, 0, sizeof(i)), t.b, t.len - 1, 0), -EINVAL);
	assert_non_null(strstr(i.why, "its strings are not terminated within the table"));
	assert_no_fields(&i);
}

/* Fields from whole structures before a broken one are kept. */
static void test_kept_before_fault(void **state)
{
	struct smbios_info i;
	struct tbl t;
	size_t type1;

	(void)state;
	tbl_qemu(&t);
	type1 = t.len;
	t.len -= 6;		/* drop the end structure ... */
	tbl_add(&t, SMBIOS_TYPE_SYSTEM, NULL, 4, NULL);
	t.b[type1 - 6 + 1] = 200;	/* ... and break what follows */
	memset(&i, 0, sizeof(i));
	assert_int_equal(smbios_walk(&i, t.b, t.len, 0), -EINVAL);
	assert_string_equal(i.bios_vendor, "EFI Development Kit II / OVMF");
	assert_string_equal(i.sys_vendor, "QEMU");
}

static void test_no_end_structure(void **state)
{
	struct smbios_info i;
	struct tbl t;

	(void)state;
	tbl_qemu(&t);
	assert_int_equal(smbios_walk(memset(&i, 0, sizeof(i)), t.b, t.len - 6, 0), -EINVAL);
	assert_non_null(strstr(i.why, "without an end-of-table structure"));
	assert_int_equal(smbios_walk(memset(&i, 0, sizeof(i)), t.b, 0, 0), -EINVAL);
	/* A 2.x count is the end there. */
	assert_int_equal(smbios_walk(memset(&i, 0, sizeof(i)), t.b, t.len - 6, 3), 0);
	assert_string_equal(i.sys_product, "Standard PC (Q35 + ICH9, 2009)");
}

/* String number 0, one past the set, far past it; a structure too short
 * for a field (an old version) has none. */
static void test_string_numbers(void **state)
{
	struct smbios_info i;
	struct tbl t;

	(void)state;
	memset(&t, 0, sizeof(t));
	tbl_add(&t, SMBIOS_TYPE_BIOS, (const uint8_t[]){ 0, 3, 0, 0, 255 }, 9,
		(const char *const[]){ "A", "B", NULL });
	tbl_add(&t, SMBIOS_TYPE_SYSTEM, (const uint8_t[]){ 3 }, 5,
		(const char *const[]){ "S1", "S2", NULL });
	tbl_add(&t, SMBIOS_TYPE_END, NULL, 4, NULL);
	assert_int_equal(smbios_walk(memset(&i, 0, sizeof(i)), t.b, t.len, 0), 0);
	assert_true(i.has_bios);
	assert_true(i.has_system);
	assert_no_fields(&i);
	memset(&t, 0, sizeof(t));
	tbl_add(&t, SMBIOS_TYPE_BIOS, (const uint8_t[]){ 2, 1 }, 6, NULL);
	tbl_add(&t, SMBIOS_TYPE_END, NULL, 4, NULL);
	assert_int_equal(smbios_walk(memset(&i, 0, sizeof(i)), t.b, t.len, 0), 0);
	assert_no_fields(&i);
}

/* Outside text: control and high bytes become '?', trailing blanks go,
 * long strings are cut; only the first of a type counts. */
static void test_string_contents(void **state)
{
	char longs[200];
	struct smbios_info i;
	struct tbl t;

	(void)state;
	memset(longs, 'L', sizeof(longs) - 1);
	longs[sizeof(longs) - 1] = 0;
	memset(&t, 0, sizeof(t));
	tbl_add(&t, SMBIOS_TYPE_SYSTEM, (const uint8_t[]){ 1, 2 }, 6,
		(const char *const[]){ "Evil\n\x1b[2JRESULT \xff\"  ", longs, NULL });
	tbl_add(&t, SMBIOS_TYPE_SYSTEM, (const uint8_t[]){ 1, 1 }, 6,
		(const char *const[]){ "Second", NULL });
	tbl_add(&t, SMBIOS_TYPE_END, NULL, 4, NULL);
	assert_int_equal(smbios_walk(memset(&i, 0, sizeof(i)), t.b, t.len, 0), 0);
	assert_string_equal(i.sys_vendor, "Evil??[2JRESULT ?\"");
	assert_int_equal(strlen(i.sys_product), SMBIOS_STR_MAX - 1);
	/* A blank where the cut falls goes too (found by the fuzzer). */
	longs[SMBIOS_STR_MAX - 2] = ' ';
	memset(&t, 0, sizeof(t));
	tbl_add(&t, SMBIOS_TYPE_SYSTEM, (const uint8_t[]){ 0, 1 }, 6,
		(const char *const[]){ longs, NULL });
	tbl_add(&t, SMBIOS_TYPE_END, NULL, 4, NULL);
	assert_int_equal(smbios_walk(memset(&i, 0, sizeof(i)), t.b, t.len, 0), 0);
	assert_int_equal(strlen(i.sys_product), SMBIOS_STR_MAX - 2);
}

/* Every prefix of a good table: an error or a clean walk, never a read
 * past it (each prefix in a buffer of its own size). */
static void test_every_truncation(void **state)
{
	struct smbios_info i;
	struct tbl t;
	uint8_t *copy;
	size_t len;
	int err;

	(void)state;
	tbl_qemu(&t);
	for (len = 0; len <= t.len; len++) {
		copy = malloc(len ? len : 1);
		assert_non_null(copy);
		memcpy(copy, t.b, len);
		err = smbios_walk(memset(&i, 0, sizeof(i)), copy, len, 0);
		free(copy);
		if (len == t.len) {
			assert_int_equal(err, 0);
		} else {
			assert_int_equal(err, -EINVAL);
			assert_true(i.why[0] != 0);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smbios3),
		cmocka_unit_test(test_smbios2),
		cmocka_unit_test(test_no_entry_point),
		cmocka_unit_test(test_bad_checksums),
		cmocka_unit_test(test_bad_ep_lengths),
		cmocka_unit_test(test_table_not_in_memory),
		cmocka_unit_test(test_struct_length_below_header),
		cmocka_unit_test(test_struct_past_table),
		cmocka_unit_test(test_kept_before_fault),
		cmocka_unit_test(test_no_end_structure),
		cmocka_unit_test(test_string_numbers),
		cmocka_unit_test(test_string_contents),
		cmocka_unit_test(test_every_truncation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
