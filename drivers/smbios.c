/* SMBIOS entry points and structure walk (see smbios.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "drivers/smbios.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static uint8_t sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* Keep the first problem's description; -EINVAL. */
static int __attribute__((format(printf, 2, 3))) fail(struct smbios_info *out, const char *fmt, ...)
{
	va_list ap;

	if (!out->why[0]) {
		va_start(ap, fmt);
		vsnprintf(out->why, sizeof(out->why), fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* String number n (1-based) of the set at s..end, copied printable and
 * without trailing blanks; number 0 (none) or one past the set leaves "". */
static void string_take(char *dst, const uint8_t *s, const uint8_t *end, uint8_t n)
{
	size_t len, i;

	dst[0] = 0;
	if (!n)
		return;
	while (--n && s < end && *s)
		s += strnlen((const char *)s, (size_t)(end - s)) + 1;
	if (s >= end || !*s)
		return;
	len = strnlen((const char *)s, (size_t)(end - s));
	if (len > SMBIOS_STR_MAX - 1)
		len = SMBIOS_STR_MAX - 1;
	while (len && s[len - 1] == ' ')
		len--;
	for (i = 0; i < len; i++)
		dst[i] = s[i] >= 0x20 && s[i] <= 0x7e ? (char)s[i] : '?';
	dst[len] = 0;
}

/* The end of a structure's string set (past its double NUL), or NULL
 * when the set is not terminated before end. 6.1.3: a structure without
 * strings still ends in two NULs. */
static const uint8_t *strings_end(const uint8_t *s, const uint8_t *end)
{
	for (; end - s >= 2; s++)
		if (!s[0] && !s[1])
			return s + 2;
	return NULL;
}

/* A string number at offset off of the formatted area, 0 when the area is
 * too short to hold it (an older structure version). */
static uint8_t field(const uint8_t *st, uint8_t flen, unsigned off)
{
	return off < flen ? st[off] : 0;
}

static void take_strings(struct smbios_info *out, const uint8_t *st, const uint8_t *end)
{
	const uint8_t flen = st[1], *s = st + flen;

	if (st[0] == SMBIOS_TYPE_BIOS && !out->has_bios) {
		out->has_bios = true;
		string_take(out->bios_vendor, s, end, field(st, flen, SMBIOS_BIOS_VENDOR));
		string_take(out->bios_version, s, end, field(st, flen, SMBIOS_BIOS_VERSION));
		string_take(out->bios_date, s, end, field(st, flen, SMBIOS_BIOS_DATE));
	} else if (st[0] == SMBIOS_TYPE_SYSTEM && !out->has_system) {
		out->has_system = true;
		string_take(out->sys_vendor, s, end, field(st, flen, SMBIOS_SYS_VENDOR));
		string_take(out->sys_product, s, end, field(st, flen, SMBIOS_SYS_PRODUCT));
	}
}

int smbios_walk(struct smbios_info *out, const uint8_t *table, size_t len,
		unsigned max_structs)
{
	const uint8_t *p = table, *end = table + len, *next;
	unsigned n;

	for (n = 0; !max_structs || n < max_structs; n++) {
		size_t off = (size_t)(p - table);

		/* 2.x counts its structures, and the count may include the end
		 * structure: running out there is an end. 3.x must say it. */
		if (end - p < SMBIOS_HDR_LEN)
			return max_structs ? 0 : fail(out, "SMBIOS: table ends at offset 0x%zx "
						      "without an end-of-table structure", off);
		if (p[1] < SMBIOS_HDR_LEN)
			return fail(out, "SMBIOS: structure %u (type %u) at offset 0x%zx: length "
				    "%u is below the header's %u", n, p[0], off, p[1], SMBIOS_HDR_LEN);
		if (p[1] > end - p)
			return fail(out, "SMBIOS: structure %u (type %u) at offset 0x%zx: length "
				    "%u runs past the table's 0x%zx bytes", n, p[0], off, p[1], len);
		next = strings_end(p + p[1], end);
		if (!next)
			return fail(out, "SMBIOS: structure %u (type %u) at offset 0x%zx: its "
				    "strings are not terminated within the table", n, p[0], off);
		if (p[0] == SMBIOS_TYPE_END)
			return 0;
		take_strings(out, p, next);
		p = next;
	}
	return 0;
}

static const uint8_t *map(const struct smbios_mem *mem, uint64_t pa, uint64_t len)
{
	if (!len || pa + len < pa)
		return NULL;
	return mem->map(mem->ctx, pa, len);
}

/* The table of a valid entry point, mapped and walked. */
static int table_walk(struct smbios_info *out, const struct smbios_mem *mem, uint64_t pa,
		      uint64_t len, unsigned nstructs)
{
	const uint8_t *t;

	if (len > SMBIOS_TABLE_MAX)
		len = SMBIOS_TABLE_MAX;
	t = map(mem, pa, len);
	if (!t)
		return fail(out, "SMBIOS %u.%u: table at 0x%llx (0x%llx bytes) is not in memory",
			    out->major, out->minor, (unsigned long long)pa,
			    (unsigned long long)len);
	return smbios_walk(out, t, (size_t)len, nstructs);
}

/* The entry point of SMBIOS `version` at ep_pa, mapped for the length it
 * states (at least min, its length byte at len_at) with its checksum
 * checked; NULL after fail() said why. */
static const uint8_t *ep_map(struct smbios_info *out, const struct smbios_mem *mem,
			     uint64_t ep_pa, unsigned version, uint8_t min, unsigned len_at)
{
	const uint8_t *ep = map(mem, ep_pa, min);
	uint8_t len;

	if (!ep) {
		fail(out, "SMBIOS %u entry point at 0x%llx is not in memory", version,
		     (unsigned long long)ep_pa);
		return NULL;
	}
	len = ep[len_at];
	if (len < min) {
		fail(out, "SMBIOS %u entry point at 0x%llx: length 0x%x is below 0x%x", version,
		     (unsigned long long)ep_pa, len, min);
		return NULL;
	}
	ep = map(mem, ep_pa, len);
	if (!ep || sum8(ep, len)) {
		fail(out, "SMBIOS %u entry point at 0x%llx: %s", version, (unsigned long long)ep_pa,
		     ep ? "bad checksum" : "not in memory for its length");
		return NULL;
	}
	return ep;
}

static int ep3_parse(struct smbios_info *out, uint64_t ep_pa, const struct smbios_mem *mem)
{
	const uint8_t *ep = ep_map(out, mem, ep_pa, 3, SMBIOS3_EP_MIN, SMBIOS3_EP_LENGTH);

	if (!ep)
		return -EINVAL;
	out->found = true;
	out->major = ep[SMBIOS3_EP_MAJOR];
	out->minor = ep[SMBIOS3_EP_MINOR];
	return table_walk(out, mem, get64(ep + SMBIOS3_EP_TABLE_ADDR),
			  get32(ep + SMBIOS3_EP_TABLE_MAX), 0);
}

static int ep2_parse(struct smbios_info *out, uint64_t ep_pa, const struct smbios_mem *mem)
{
	const uint8_t *ep = ep_map(out, mem, ep_pa, 2, SMBIOS2_EP_MIN, SMBIOS2_EP_LENGTH);

	if (!ep)
		return -EINVAL;
	if (memcmp(ep + SMBIOS2_EP_DMI, "_DMI_", 5) || sum8(ep + SMBIOS2_EP_DMI, SMBIOS2_EP_DMI_LEN))
		return fail(out, "SMBIOS 2 entry point at 0x%llx: %s", (unsigned long long)ep_pa,
			    "bad intermediate (_DMI_) anchor or checksum");
	out->found = true;
	out->major = ep[SMBIOS2_EP_MAJOR];
	out->minor = ep[SMBIOS2_EP_MINOR];
	return table_walk(out, mem, get32(ep + SMBIOS2_EP_TABLE_ADDR),
			  get16(ep + SMBIOS2_EP_TABLE_LEN), get16(ep + SMBIOS2_EP_NSTRUCTS));
}

int smbios_parse(struct smbios_info *out, uint64_t ep_pa, const struct smbios_mem *mem)
{
	const uint8_t *anchor;

	memset(out, 0, sizeof(*out));
	if (!ep_pa)
		return -ENOENT;
	anchor = map(mem, ep_pa, 5);
	if (!anchor)
		return fail(out, "SMBIOS entry point at 0x%llx is not in memory",
			    (unsigned long long)ep_pa);
	if (!memcmp(anchor, SMBIOS3_ANCHOR, 5))
		return ep3_parse(out, ep_pa, mem);
	if (!memcmp(anchor, SMBIOS2_ANCHOR, 4))
		return ep2_parse(out, ep_pa, mem);
	return fail(out, "SMBIOS entry point at 0x%llx has no _SM_ or _SM3_ anchor",
		    (unsigned long long)ep_pa);
}
