/* Unit tests of hv/safe_text.c: guest text can never start a console line
 * or carry control characters; names keep only A-Z a-z 0-9 . _ - */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/safe_text.h"

static void test_every_byte(void **state)
{
	unsigned c;

	(void)state;
	for (c = 0; c < 256; c++) {
		char out = safe_text_char((char)c);

		if ((c >= 0x20 && c < 0x7f) || c == '\t')
			assert_int_equal(out, (char)c);
		else
			assert_int_equal(out, '?');
		assert_int_equal(safe_name_char((char)c),
				 (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				 (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-');
	}
}

static void test_forged_lines_flattened(void **state)
{
	const char *forged = "x\nPASS: forged\r\nSUMMARY: 99 passed\x1b[2J\nRESULT {\"a\":1}";
	char out[128];

	(void)state;
	safe_text_copy(out, sizeof(out), forged);
	assert_string_equal(out, "x?PASS: forged??SUMMARY: 99 passed?[2J?RESULT {\"a\":1}");
	assert_null(strchr(out, '\n'));
	safe_name_copy(out, sizeof(out), forged);
	assert_string_equal(out, "x?PASS??forged??SUMMARY??99?passed??2J?RESULT???a??1?");
}

static void test_copy_truncates_and_terminates(void **state)
{
	char out[8];

	(void)state;
	memset(out, 'Z', sizeof(out));
	safe_text_copy(out, sizeof(out), "0123456789");
	assert_string_equal(out, "0123456");
	memset(out, 'Z', sizeof(out));
	safe_name_copy(out, 1, "abc");
	assert_string_equal(out, "");
	assert_int_equal(out[1], 'Z');
	safe_text_copy(out, sizeof(out), "");
	assert_string_equal(out, "");
}

static void test_name_valid(void **state)
{
	(void)state;
	assert_true(safe_name_valid("vmexit.hypercall", 48));
	assert_true(safe_name_valid("msix-update.mask_unmask", 48));
	assert_true(safe_name_valid("abcd", 4));
	assert_false(safe_name_valid("abcde", 4));
	assert_false(safe_name_valid("", 48));
	assert_false(safe_name_valid("a b", 48));
	assert_false(safe_name_valid("a\"b", 48));
	assert_false(safe_name_valid("a\nRESULT", 48));
	assert_false(safe_name_valid("a:b", 48));
	assert_false(safe_name_valid("\xe9t\xe9", 48));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_byte),
		cmocka_unit_test(test_forged_lines_flattened),
		cmocka_unit_test(test_copy_truncates_and_terminates),
		cmocka_unit_test(test_name_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
