/*
 * SMBIOS parser (drivers/smbios.c) on arbitrary firmware data. Byte 0
 * picks the mode: a bare structure walk (with a 2.x structure count from
 * bytes 1..2, 0 for 3.x), or a whole parse where the first 32 bytes are
 * the entry point and the rest is the table, in a fake physical memory
 * of exactly those bytes. In the "fixed" parse modes the harness makes the
 * entry point's anchor, checksums and table address right, so the fuzzer
 * spends its time in the table rather than on checksums.
 *
 * Invariants: no read outside the buffers (AddressSanitizer); every string
 * kept is printable ASCII below SMBIOS_STR_MAX without trailing blanks;
 * the reason is one printable line, empty exactly on success; without a
 * valid entry point no field is set.
 */
#include <errno.h>

#include "drivers/smbios.h"
#include "tests/unit/smbios_mem.h"
#include "tests/fuzz/fuzz.h"

#define EP_LEN		32

enum { MODE_WALK, MODE_RAW, MODE_FIX3, MODE_FIX2, MODES };

static void check_string(const char *s, const char *what)
{
	size_t n = strnlen(s, SMBIOS_STR_MAX);

	FUZZ_CHECK(n < SMBIOS_STR_MAX, "%s not terminated", what);
	FUZZ_CHECK(fuzz_printable_line(s, SMBIOS_STR_MAX - 1), "%s \"%s\"", what, s);
	FUZZ_CHECK(!n || s[n - 1] != ' ', "%s \"%s\" ends in a blank", what, s);
}

static void check(const struct smbios_info *i, int err)
{
	FUZZ_CHECK(err == 0 || err == -EINVAL || err == -ENOENT, "error %d", err);
	FUZZ_CHECK(strnlen(i->why, SMBIOS_WHY_MAX) < SMBIOS_WHY_MAX &&
		   fuzz_printable_line(i->why, SMBIOS_WHY_MAX - 1), "why \"%.160s\"", i->why);
	FUZZ_CHECK(!err == !i->why[0] || err == -ENOENT, "error %d with why \"%s\"", err, i->why);
	check_string(i->bios_vendor, "bios_vendor");
	check_string(i->bios_version, "bios_version");
	check_string(i->bios_date, "bios_date");
	check_string(i->sys_vendor, "sys_vendor");
	check_string(i->sys_product, "sys_product");
	FUZZ_CHECK(i->found || (!i->has_bios && !i->has_system), "fields without an entry point");
}

static uint8_t sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* Make ep (EP_LEN bytes) a valid entry point of its kind for a table at
 * SMBIOS_TEST_TABLE_PA, keeping the fuzzer's length fields and version. */
static void ep_fix(uint8_t *ep, int mode)
{
	if (mode == MODE_FIX3) {
		memcpy(ep, SMBIOS3_ANCHOR, 5);
		ep[SMBIOS3_EP_LENGTH] = SMBIOS3_EP_MIN;
		memset(ep + SMBIOS3_EP_TABLE_ADDR, 0, 8);
		ep[SMBIOS3_EP_TABLE_ADDR + 3] = (uint8_t)(SMBIOS_TEST_TABLE_PA >> 24);
		ep[SMBIOS3_EP_CHECKSUM] = 0;
		ep[SMBIOS3_EP_CHECKSUM] = (uint8_t)-sum8(ep, SMBIOS3_EP_MIN);
		return;
	}
	memcpy(ep, SMBIOS2_ANCHOR, 4);
	ep[SMBIOS2_EP_LENGTH] = 0x1f;
	memcpy(ep + SMBIOS2_EP_DMI, "_DMI_", 5);
	memset(ep + SMBIOS2_EP_TABLE_ADDR, 0, 4);
	ep[SMBIOS2_EP_TABLE_ADDR + 3] = (uint8_t)(SMBIOS_TEST_TABLE_PA >> 24);
	ep[0x15] = 0;
	ep[0x15] = (uint8_t)-sum8(ep + SMBIOS2_EP_DMI, SMBIOS2_EP_DMI_LEN);
	ep[SMBIOS2_EP_CHECKSUM] = 0;
	ep[SMBIOS2_EP_CHECKSUM] = (uint8_t)-sum8(ep, 0x1f);
}

static void run_parse(const uint8_t *data, size_t size, int mode)
{
	struct smbios_info info;
	uint8_t ep[EP_LEN];
	struct smbios_test_mem m = { .ep = ep, .ep_len = size < EP_LEN ? size : EP_LEN };
	struct smbios_mem sm = { .map = smbios_test_map, .ctx = &m };
	uint8_t *table;

	memset(ep, 0, sizeof(ep));
	memcpy(ep, data, m.ep_len);
	if (mode != MODE_RAW) {
		m.ep_len = EP_LEN;
		ep_fix(ep, mode);
	}
	m.table_len = size - (size < EP_LEN ? size : EP_LEN);
	table = malloc(m.table_len ? m.table_len : 1);
	if (!table)
		return;
	memcpy(table, data + (size - m.table_len), m.table_len);
	m.table = table;
	check(&info, smbios_parse(&info, SMBIOS_TEST_EP_PA, &sm));
	free(table);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct smbios_info info;
	int mode = fuzz_u8(&in) % MODES;
	uint16_t count;

	if (mode != MODE_WALK) {
		run_parse(in.p, in.left, mode);
		return 0;
	}
	count = fuzz_u16(&in);
	memset(&info, 0, sizeof(info));
	info.found = true;
	check(&info, smbios_walk(&info, in.p, in.left, count));
	return 0;
}
