/*
 * DMAR parser (drivers/dmar.c, drivers/dmar_match.c) on arbitrary tables.
 * Byte 0 chooses whether the harness fixes the header's length and checksum
 * (so the fuzzer gets past them) and how many bytes beyond the table are
 * mapped; the rest is the table, in a buffer of exactly its size.
 *
 * Invariants: an accepted table's parsed view is self-consistent (counts in
 * bounds, scopes inside the scope array, units 4 KiB aligned and not
 * overlapping, INCLUDE_PCI_ALL last in its segment, RMRRs whole pages,
 * every structure describable); a refused one leaves nothing allocated;
 * bytes mapped past the header's length change nothing; lookups return a
 * unit of the right segment or -ENOENT, even on a topology with loops;
 * descriptions cut short say so and are a prefix of the full text; every
 * report is one printable line.
 */
#include <errno.h>

#include "drivers/dmar.h"
#include "tests/fuzz/fuzz.h"

#define FIX_HEADER	0x01
#define EXTRA_BYTES	0x02	/* map 16 bytes of junk after the table */

static void report(void *ctx, const char *msg)
{
	(void)ctx;
	FUZZ_CHECK(fuzz_printable_line(msg, 191), "report \"%s\"", msg);
}

/* A topology where every bridge's buses come from the table's own bytes:
 * arbitrary, often self-referencing, so path walks meet loops. */
struct topo {
	const uint8_t *t;
	size_t len;
	unsigned calls;
};

static int bridge_buses(void *ctx, uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn,
			uint8_t *secondary, uint8_t *subordinate)
{
	struct topo *tp = ctx;
	size_t k = ((size_t)seg * 31 + bus * 7u + dev * 3u + fn) % tp->len;

	tp->calls++;
	if (tp->t[k] == 0xff)
		return -ENODEV;
	*secondary = tp->t[k];
	*subordinate = tp->t[(k + 1) % tp->len];
	return 0;
}

static uint64_t unit_end(const struct dmar_unit *u)
{
	return u->reg_base + (4096ull << u->size_pages_log2) - 1;
}

static void check_scopes(const struct dmar_info *di, unsigned first, unsigned n)
{
	unsigned k;

	FUZZ_CHECK(first <= di->nscopes && n <= di->nscopes - first,
		   "scopes %u+%u of %u", first, n, di->nscopes);
	for (k = first; k < first + n; k++) {
		FUZZ_CHECK(di->scopes[k].type >= DMAR_SCOPE_ENDPOINT &&
			   di->scopes[k].type <= DMAR_SCOPE_NAMESPACE,
			   "scope %u type %u", k, di->scopes[k].type);
		FUZZ_CHECK(di->scopes[k].path_len <= DMAR_MAX_PATH, "path %u",
			   di->scopes[k].path_len);
	}
}

static void check_units(const struct dmar_info *di)
{
	const struct dmar_unit *u, *v;
	unsigned i, j;

	FUZZ_CHECK(di->nunits <= DMAR_MAX_UNITS && (di->units || !di->nunits), "%u units",
		   di->nunits);
	for (i = 0; i < di->nunits; i++) {
		u = &di->units[i];
		FUZZ_CHECK(!(u->reg_base & 0xfff) && unit_end(u) > u->reg_base,
			   "unit %u registers 0x%llx-0x%llx", i,
			   (unsigned long long)u->reg_base, (unsigned long long)unit_end(u));
		check_scopes(di, u->first_scope, u->nscopes);
		for (j = i + 1; j < di->nunits; j++) {
			v = &di->units[j];
			FUZZ_CHECK(unit_end(u) < v->reg_base || unit_end(v) < u->reg_base,
				   "units %u and %u overlap", i, j);
			FUZZ_CHECK(!(u->include_all && u->segment == v->segment),
				   "unit %u after segment %u's INCLUDE_PCI_ALL unit %u",
				   j, u->segment, i);
		}
	}
}

static void check_others(const struct dmar_info *di)
{
	unsigned i;

	FUZZ_CHECK(di->nrmrr <= DMAR_MAX_STRUCTS && di->natsr <= DMAR_MAX_STRUCTS &&
		   di->nsatc <= DMAR_MAX_STRUCTS && di->nrhsa <= DMAR_MAX_STRUCTS &&
		   di->nandd <= DMAR_MAX_STRUCTS && di->nsidp <= DMAR_MAX_STRUCTS &&
		   di->nscopes <= DMAR_MAX_SCOPES,
		   "counts %u %u %u %u %u %u %u", di->nrmrr, di->natsr, di->nsatc,
		   di->nrhsa, di->nandd, di->nsidp, di->nscopes);
	for (i = 0; i < di->nrmrr; i++) {
		FUZZ_CHECK(di->rmrr[i].base <= di->rmrr[i].limit &&
			   !(di->rmrr[i].base & 0xfff) && (di->rmrr[i].limit & 0xfff) == 0xfff,
			   "RMRR %u 0x%llx-0x%llx", i, (unsigned long long)di->rmrr[i].base,
			   (unsigned long long)di->rmrr[i].limit);
		check_scopes(di, di->rmrr[i].first_scope, di->rmrr[i].nscopes);
	}
	for (i = 0; i < di->natsr; i++)
		check_scopes(di, di->atsr[i].first_scope, di->atsr[i].nscopes);
	for (i = 0; i < di->nsatc; i++)
		check_scopes(di, di->satc[i].first_scope, di->satc[i].nscopes);
	for (i = 0; i < di->nsidp; i++)
		check_scopes(di, di->sidp[i].first_scope, di->sidp[i].nscopes);
	for (i = 0; i < di->nandd; i++)
		FUZZ_CHECK(di->andd[i].name >= di->names &&
			   di->andd[i].name + strlen(di->andd[i].name) < di->names + di->names_len,
			   "ANDD %u name outside the names", i);
}

/* Every structure of every type describes as one printable line, and
 * one past each list is refused. */
static void check_structs(const struct dmar_info *di)
{
	const unsigned counts[] = { di->nunits, di->nrmrr, di->natsr, di->nrhsa, di->nandd,
				    di->nsatc, di->nsidp };
	char line[4096];
	uint16_t t;
	unsigned i;
	int n;

	for (t = 0; t < 7; t++) {
		for (i = 0; i < counts[t]; i++) {
			n = dmar_struct_describe(di, t, i, line, sizeof(line));
			FUZZ_CHECK(n == -ENOSPC || (n > 0 && fuzz_printable_line(line, sizeof(line))),
				   "structure %u/%u: %d \"%s\"", t, i, n, line);
		}
		FUZZ_CHECK(dmar_struct_describe(di, t, counts[t], line, sizeof(line)) == -EINVAL,
			   "structure %u beyond its list", t);
	}
}

/* The full text, then every shorter buffer: -ENOSPC and a prefix. */
static void check_describe(const struct dmar_info *di, unsigned i)
{
	char full[2048], cut[2048];
	int n = dmar_unit_describe(di, i, full, sizeof(full)), m;
	size_t len;

	FUZZ_CHECK(n > 0 && (size_t)n == strlen(full), "describe %d", n);
	FUZZ_CHECK(fuzz_printable_line(full, sizeof(full)), "describe \"%s\"", full);
	for (len = 1; len <= (size_t)n; len += 1 + len / 4) {
		memset(cut, 'x', sizeof(cut));
		m = dmar_unit_describe(di, i, cut, len);
		FUZZ_CHECK(m == -ENOSPC, "describe into %zu bytes: %d (full %d)", len, m, n);
		FUZZ_CHECK(strlen(cut) == len - 1 && !memcmp(cut, full, len - 1),
			   "describe into %zu bytes: \"%s\"", len, cut);
	}
	FUZZ_CHECK(dmar_unit_describe(di, di->nunits, full, sizeof(full)) == -EINVAL,
		   "describe beyond the units");
}

static void check_lookups(const struct dmar_info *di, const uint8_t *t, size_t len)
{
	struct topo tp = { .t = t, .len = len };
	struct dmar_topo_ops ops = { .bridge_buses = bridge_buses, .ctx = &tp };
	unsigned k;
	int u;

	static const struct dmar_scope none;

	for (k = 0; k < di->nscopes + 4; k++) {
		const struct dmar_scope *s = di->nscopes ? &di->scopes[k % di->nscopes] : &none;
		uint16_t seg = k < di->nunits ? di->units[k].segment : 0;
		uint8_t bus = (uint8_t)(s->start_bus + k);

		u = dmar_unit_for_device(di, &ops, seg, bus, s->path[0].dev & 0x1f,
					 s->path[0].fn & 7);
		FUZZ_CHECK(u == -ENOENT || (u >= 0 && (unsigned)u < di->nunits &&
					    di->units[u].segment == seg),
			   "device lookup: %d", u);
		u = dmar_unit_for_ioapic(di, s->enum_id);
		FUZZ_CHECK(u == -ENOENT || (u >= 0 && (unsigned)u < di->nunits), "ioapic %d", u);
		u = dmar_unit_for_hpet(di, s->enum_id);
		FUZZ_CHECK(u == -ENOENT || (u >= 0 && (unsigned)u < di->nunits), "hpet %d", u);
	}
	FUZZ_CHECK(tp.calls <= (di->nscopes + 4) * (di->nscopes * (DMAR_MAX_PATH + 1)),
		   "%u topology calls", tp.calls);
}

static bool same_scopes(const struct dmar_info *a, const struct dmar_info *b)
{
	unsigned k, h;

	for (k = 0; k < a->nscopes; k++) {
		const struct dmar_scope *x = &a->scopes[k], *y = &b->scopes[k];

		if (x->type != y->type || x->enum_id != y->enum_id || x->flags != y->flags ||
		    x->start_bus != y->start_bus || x->path_len != y->path_len)
			return false;
		for (h = 0; h < x->path_len; h++)
			if (x->path[h].dev != y->path[h].dev || x->path[h].fn != y->path[h].fn)
				return false;
	}
	return true;
}

/* Field by field: struct copies leave padding undefined. */
static bool same_info(const struct dmar_info *a, const struct dmar_info *b)
{
	unsigned i;

	if (a->haw != b->haw || a->flags != b->flags || a->nunits != b->nunits ||
	    a->nrmrr != b->nrmrr || a->natsr != b->natsr || a->nsatc != b->nsatc ||
	    a->nrhsa != b->nrhsa || a->nandd != b->nandd || a->nscopes != b->nscopes ||
	    a->nsidp != b->nsidp || a->nskipped != b->nskipped || a->revision != b->revision ||
	    !same_scopes(a, b))
		return false;
	for (i = 0; i < a->nunits; i++)
		if (a->units[i].reg_base != b->units[i].reg_base ||
		    a->units[i].segment != b->units[i].segment ||
		    a->units[i].include_all != b->units[i].include_all ||
		    a->units[i].size_pages_log2 != b->units[i].size_pages_log2 ||
		    a->units[i].first_scope != b->units[i].first_scope ||
		    a->units[i].nscopes != b->units[i].nscopes)
			return false;
	for (i = 0; i < a->nrmrr; i++)
		if (a->rmrr[i].base != b->rmrr[i].base || a->rmrr[i].limit != b->rmrr[i].limit ||
		    a->rmrr[i].segment != b->rmrr[i].segment ||
		    a->rmrr[i].first_scope != b->rmrr[i].first_scope ||
		    a->rmrr[i].nscopes != b->rmrr[i].nscopes)
			return false;
	for (i = 0; i < a->nandd; i++)
		if (a->andd[i].devnum != b->andd[i].devnum ||
		    strcmp(a->andd[i].name, b->andd[i].name))
			return false;
	for (i = 0; i < a->nrhsa; i++)
		if (a->rhsa[i].base != b->rhsa[i].base || a->rhsa[i].domain != b->rhsa[i].domain)
			return false;
	return true;
}

static void fix_header(uint8_t *t, size_t len)
{
	uint32_t l = (uint32_t)len;
	uint8_t sum = 0;
	size_t i;

	if (len < sizeof(struct acpi_dmar))
		return;
	memcpy(t, "DMAR", 4);
	memcpy(t + 4, &l, sizeof(l));
	t[9] = 0;
	for (i = 0; i < len; i++)
		sum += t[i];
	t[9] = (uint8_t)-sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dmar_info di, again;
	uint32_t hdr_len = UINT32_MAX;
	size_t len, mapped;
	uint8_t *t;
	int ret, ret2;
	unsigned i;

	if (size < 1)
		return 0;
	len = size - 1;
	mapped = len + (data[0] & EXTRA_BYTES ? 16 : 0);
	t = malloc(mapped ? mapped : 1);
	memcpy(t, data + 1, len);
	memset(t + len, 0xa5, mapped - len);
	if (data[0] & FIX_HEADER)
		fix_header(t, len);
	dmar_free(&di);
	ret = dmar_parse(t, mapped, &di, report, NULL);
	FUZZ_CHECK(ret == 0 || ret == -EINVAL, "dmar_parse returned %d", ret);
	FUZZ_CHECK(ret == 0 || (!di.units && !di.scopes && !di.names && !di.nunits),
		   "refused table left a parse behind");
	/* Bytes past the header's length are not the table's. */
	memcpy(&hdr_len, t + 4, len >= 8 ? sizeof(hdr_len) : 0);
	if (mapped > len && hdr_len <= len) {
		dmar_free(&again);
		ret2 = dmar_parse(t, len, &again, report, NULL);
		FUZZ_CHECK(ret2 == ret && (ret || same_info(&di, &again)),
			   "junk after the table changed the result (%d, %d)", ret, ret2);
	}
	if (ret == 0) {
		check_units(&di);
		check_others(&di);
		check_structs(&di);
		for (i = 0; i < di.nunits; i++)
			check_describe(&di, i);
		if (len)
			check_lookups(&di, t, len);
	}
	free(t);
	return 0;
}
