/*
 * ACPI parser (drivers/acpi.c), the AML \_S5 walk included, on arbitrary
 * tables in a fake physical memory. Input: one flag byte, then tables back
 * to back, each as long as its header says (cut at the end of the input).
 * Table k lands at TABLE_PA(k) in a buffer of exactly its size, so any
 * read past a table is an ASan error; the harness builds a valid RSDP and
 * an XSDT (or RSDT) listing every table but DSDT and FACS, which the FADT
 * names by address.
 *
 * Invariants beyond memory safety: the parse succeeds (the root is valid);
 * every count is within its array and every recorded table is one the
 * harness placed, with its length; a recorded DSDT or DMAR really is there;
 * \_S5 is found, with its sleep types, exactly when a reference AML decoder
 * written here from ACPI 6.5 20.2 finds it; CPUs are unique; strings are
 * printable and terminated; every report is one printable line; a second
 * parse gives the same answer.
 */
#include <errno.h>

#include "drivers/acpi.h"
#include "tests/fuzz/fuzz.h"

#define FIX_TABLES	0x01	/* fix each table's checksum */
#define USE_RSDT	0x02	/* revision 0 RSDP, 32-bit RSDT */

#define RSDP_PA		0x000e0000ull
#define ROOT_PA		0x000f0000ull
#define TABLE_PA(k)	(0x01000000ull + (uint64_t)(k) * 0x00100000ull)
#define MAX_TABLES	24

struct region {
	uint64_t pa;
	uint8_t *buf;
	size_t len;
};

struct mem {
	struct region r[MAX_TABLES + 2];
	unsigned n;
};

static const void *fake_map(void *ctx, uint64_t pa, uint64_t len)
{
	const struct mem *m = ctx;
	unsigned i;

	for (i = 0; i < m->n; i++)
		if (pa >= m->r[i].pa && len <= m->r[i].len && pa - m->r[i].pa <= m->r[i].len - len)
			return m->r[i].buf + (pa - m->r[i].pa);
	return NULL;
}

static void report(void *ctx, const char *msg)
{
	(void)ctx;
	FUZZ_CHECK(fuzz_printable_line(msg, 159), "report \"%s\"", msg);
}

static struct region *add(struct mem *m, uint64_t pa, const void *data, size_t len)
{
	struct region *r = &m->r[m->n++];

	r->pa = pa;
	r->len = len;
	r->buf = malloc(len);
	memcpy(r->buf, data, len);
	return r;
}

static void fix_checksum(uint8_t *t, size_t len, size_t at)
{
	t[at] = 0;
	t[at] = (uint8_t)-acpi_checksum(t, len);
}

/* Cut the input into tables; returns how many. */
static unsigned place_tables(struct mem *m, const uint8_t *p, size_t left, bool fix)
{
	struct acpi_sdt_header h;
	unsigned k = 0;
	size_t len;

	while (left >= sizeof(h) && k < MAX_TABLES) {
		memcpy(&h, p, sizeof(h));
		len = h.length < sizeof(h) ? sizeof(h) : h.length > left ? left : h.length;
		add(m, TABLE_PA(k), p, len);
		if (fix)
			fix_checksum(m->r[m->n - 1].buf, len, offsetof(struct acpi_sdt_header, checksum));
		p += len;
		left -= len;
		k++;
	}
	return k;
}

static void build_root(struct mem *m, unsigned ntables, bool rsdt)
{
	size_t esize = rsdt ? 4 : 8, n = 0, k;
	uint8_t root[sizeof(struct acpi_sdt_header) + MAX_TABLES * 8];
	struct acpi_sdt_header *h = (void *)root;
	struct acpi_rsdp r = { .sig = "RSD PTR ", .oem_id = "FUZZ  " };
	uint64_t pa;

	memset(root, 0, sizeof(root));
	memcpy(h->sig, rsdt ? "RSDT" : "XSDT", 4);
	for (k = 0; k < ntables; k++) {
		if (!memcmp(m->r[k].buf, "DSDT", 4) || !memcmp(m->r[k].buf, "FACS", 4))
			continue;
		pa = TABLE_PA(k);
		memcpy(root + sizeof(*h) + n++ * esize, &pa, esize);
	}
	h->length = (uint32_t)(sizeof(*h) + n * esize);
	h->revision = 1;
	fix_checksum(root, h->length, offsetof(struct acpi_sdt_header, checksum));
	add(m, ROOT_PA, root, h->length);
	r.revision = rsdt ? 0 : 2;
	r.rsdt_pa = rsdt ? (uint32_t)ROOT_PA : 0;
	r.xsdt_pa = rsdt ? 0 : ROOT_PA;
	r.length = sizeof(r);
	fix_checksum((uint8_t *)&r, ACPI_RSDP_V1_LEN, offsetof(struct acpi_rsdp, checksum));
	fix_checksum((uint8_t *)&r, sizeof(r), offsetof(struct acpi_rsdp, ext_checksum));
	add(m, RSDP_PA, &r, rsdt ? ACPI_RSDP_V1_LEN : sizeof(r));
}

static const struct region *placed(const struct mem *m, uint64_t pa)
{
	unsigned i;

	for (i = 0; i < m->n; i++)
		if (m->r[i].pa == pa)
			return &m->r[i];
	return NULL;
}

static void check_str(const char *s, size_t n)
{
	FUZZ_CHECK(memchr(s, '\0', n + 1) && fuzz_printable_line(s, n), "string \"%s\"", s);
}

/* An AML integer (ACPI 6.5 20.2.3: ZeroOp, OneOp, OnesOp, Byte/Word/DWord/
 * QWordPrefix + data) at p, of at most n bytes; its length, 0 if none. */
static size_t ref_integer(const uint8_t *p, size_t n, uint64_t *v)
{
	static const uint8_t prefix_len[16] = { [0x0a] = 1, [0x0b] = 2, [0x0c] = 4, [0x0e] = 8 };
	size_t k, len;

	if (n < 1)
		return 0;
	if (p[0] == 0x00 || p[0] == 0x01 || p[0] == 0xff) {
		*v = p[0] == 0xff ? ~0ull : p[0];
		return 1;
	}
	len = p[0] < 16 ? prefix_len[p[0]] : 0;
	if (!len || 1 + len > n)
		return 0;
	for (*v = 0, k = 0; k < len; k++)
		*v |= (uint64_t)p[1 + k] << (8 * k);
	return 1 + len;
}

/* Package(n){a, b, ...} (20.2.5.4 DefPackage, 20.2.4 PkgLength) at p, with
 * n bytes left in the table; the sleep types, or false if malformed. */
static bool ref_package(const uint8_t *p, size_t n, uint8_t *a, uint8_t *b)
{
	size_t lead, pkglen, end, pos, used, k;
	uint64_t typ[2] = { 0, 0 };
	unsigned nelem;

	if (n < 2 || p[0] != 0x12)
		return false;
	lead = 1 + (p[1] >> 6);
	if (1 + lead > n)
		return false;
	pkglen = lead == 1 ? p[1] & 0x3f : p[1] & 0x0f;
	for (k = 1; k < lead; k++)
		pkglen |= (size_t)p[1 + k] << (4 + 8 * (k - 1));
	end = 1 + pkglen;		/* PkgLength counts itself */
	if (end > n || pkglen < lead + 1)
		return false;
	pos = 1 + lead;
	nelem = p[pos++];
	for (k = 0; k < nelem && k < 2; k++) {
		used = pos < end ? ref_integer(p + pos, end - pos, &typ[k]) : 0;
		if (!used)
			return false;
		pos += used;
	}
	if (!nelem)
		return false;
	if (nelem == 1)		/* both types in one value, as acpi.c documents */
		typ[1] = typ[0] >> 8;
	*a = typ[0] & 7;
	*b = typ[1] & 7;
	return true;
}

/* The first Name(_S5_, Package) or Name(\_S5_, Package) that decodes. */
static bool ref_s5(const uint8_t *t, size_t len, uint8_t *a, uint8_t *b)
{
	size_t i;

	for (i = sizeof(struct acpi_sdt_header) + 1; i + 4 <= len; i++)
		if (!memcmp(t + i, "_S5_", 4) &&
		    (t[i - 1] == 0x08 || (t[i - 1] == '\\' && t[i - 2] == 0x08)) &&
		    ref_package(t + i + 4, len - i - 4, a, b))
			return true;
	return false;
}

static void check_tables(const struct acpi_info *ai, const struct mem *m)
{
	const struct region *r;
	unsigned i, j;

	FUZZ_CHECK(ai->ntables <= ACPI_MAX_TABLES, "%u tables", ai->ntables);
	for (i = 0; i < ai->ntables; i++) {
		r = placed(m, ai->tables[i].pa);
		FUZZ_CHECK(r && r->pa >= TABLE_PA(0), "table %u at 0x%llx not placed", i,
			   (unsigned long long)ai->tables[i].pa);
		FUZZ_CHECK(ai->tables[i].len <= r->len, "table %u length %u in %zu bytes", i,
			   ai->tables[i].len, r->len);
		check_str(ai->tables[i].sig, 4);
		check_str(ai->tables[i].oem_id, 6);
		check_str(ai->tables[i].oem_table_id, 8);
	}
	check_str(ai->oem_id, 6);
	FUZZ_CHECK(ai->ncpus <= ACPI_MAX_CPUS && ai->nioapics <= ACPI_MAX_IOAPICS &&
		   ai->nisos <= ACPI_MAX_ISOS && ai->necam <= ACPI_MAX_ECAM,
		   "counts %u %u %u %u", ai->ncpus, ai->nioapics, ai->nisos, ai->necam);
	for (i = 0; i < ai->ncpus; i++)
		for (j = i + 1; j < ai->ncpus; j++)
			FUZZ_CHECK(ai->apic_ids[i] != ai->apic_ids[j], "APIC id %u twice",
				   ai->apic_ids[i]);
	for (i = 0; i < ai->necam; i++)
		FUZZ_CHECK(ai->ecam[i].base && ai->ecam[i].bus_start <= ai->ecam[i].bus_end,
			   "ECAM %u", i);
}

static void check_fadt(const struct acpi_info *ai, const struct mem *m)
{
	const struct region *r;
	uint8_t a = 0, b = 0;
	uint32_t hlen;
	bool want;

	if (ai->dsdt_pa) {
		r = placed(m, ai->dsdt_pa);
		FUZZ_CHECK(r && !memcmp(r->buf, "DSDT", 4) && ai->has_fadt,
			   "DSDT at 0x%llx", (unsigned long long)ai->dsdt_pa);
		memcpy(&hlen, r->buf + 4, sizeof(hlen));
		want = ref_s5(r->buf, hlen, &a, &b);
		FUZZ_CHECK(ai->has_s5 == want && (!want || (ai->s5_slp_typa == a &&
							    ai->s5_slp_typb == b)),
			   "\\_S5: parsed %d %u/%u, the reference decodes %d %u/%u", ai->has_s5,
			   ai->s5_slp_typa, ai->s5_slp_typb, want, a, b);
	}
	FUZZ_CHECK(!ai->has_s5 || (ai->dsdt_pa && ai->s5_slp_typa <= 7 && ai->s5_slp_typb <= 7),
		   "_S5 %u %u", ai->s5_slp_typa, ai->s5_slp_typb);
	FUZZ_CHECK(!ai->has_reset || ai->reset_space <= ACPI_GAS_PCI_CFG, "reset space %u",
		   ai->reset_space);
	FUZZ_CHECK(!ai->has_spcr || ai->spcr_space <= ACPI_GAS_IO, "SPCR space %u",
		   ai->spcr_space);
	if (ai->dmar_pa) {
		r = placed(m, ai->dmar_pa);
		FUZZ_CHECK(r && !memcmp(r->buf, "DMAR", 4) && ai->dmar_len <= r->len,
			   "DMAR at 0x%llx length %u", (unsigned long long)ai->dmar_pa, ai->dmar_len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct acpi_info ai, again;
	struct mem m = { .n = 0 };
	const struct acpi_mem mem = { .map = fake_map, .ctx = &m };
	unsigned ntables, i;
	bool rsdt;
	int ret;

	if (size < 1)
		return 0;
	rsdt = data[0] & USE_RSDT;
	ntables = place_tables(&m, data + 1, size - 1, data[0] & FIX_TABLES);
	build_root(&m, ntables, rsdt);
	ret = acpi_parse(&ai, RSDP_PA, &mem, report, NULL);
	FUZZ_CHECK(ret == 0, "acpi_parse returned %d on a valid root", ret);
	check_tables(&ai, &m);
	check_fadt(&ai, &m);
	FUZZ_CHECK(acpi_parse(&again, RSDP_PA, &mem, NULL, NULL) == 0 &&
		   again.ntables == ai.ntables && again.ncpus == ai.ncpus &&
		   again.has_s5 == ai.has_s5 && again.dsdt_pa == ai.dsdt_pa &&
		   again.s5_slp_typa == ai.s5_slp_typa && again.lapic_pa == ai.lapic_pa,
		   "a second parse differs");
	for (i = 0; i < m.n; i++)
		free(m.r[i].buf);
	return 0;
}
