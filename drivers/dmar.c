/*
 * DMAR table parser (VT-d 8) and VT-d capability decoding (VT-d 11.4).
 * Fields are copied out with memcpy into packed locals, so the table may sit
 * at any alignment and no lvalue aliases the caller's bytes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/dmar.h"
#include "drivers/vtd_dma.h"
#include "drivers/vtd_regs.h"

struct dmar_ctx {
	const uint8_t *t;
	uint32_t len;			/* from the header, <= bytes mapped */
	struct dmar_info *di;
	dmar_report_fn report;
	void *rctx;
};

/* Bounded string builder: pos keeps counting past the end so the caller
 * can tell truncation (pos >= len). */
struct sbuf {
	char *buf;
	size_t len, pos;
};

static void __attribute__((format(printf, 2, 3)))
sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->pos < b->len ? b->buf + b->pos : NULL,
		      b->pos < b->len ? b->len - b->pos : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->pos += (size_t)n;
}

static int sb_result(const struct sbuf *b)
{
	return b->pos < b->len ? (int)b->pos : -ENOSPC;
}

static void __attribute__((format(printf, 2, 3)))
dmar_report(const struct dmar_ctx *c, const char *fmt, ...)
{
	char msg[192];
	va_list ap;

	if (!c->report)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->report(c->rctx, msg);
}

static const char *const dmar_type_names[] = {
	[DMAR_TYPE_DRHD] = "DRHD", [DMAR_TYPE_RMRR] = "RMRR",
	[DMAR_TYPE_ATSR] = "ATSR", [DMAR_TYPE_RHSA] = "RHSA",
	[DMAR_TYPE_ANDD] = "ANDD", [DMAR_TYPE_SATC] = "SATC",
	[DMAR_TYPE_SIDP] = "SIDP",
};

/* Fixed part of each structure: anything shorter is malformed (VT-d 8.3-8.8). */
static const uint16_t dmar_min_len[] = {
	[DMAR_TYPE_DRHD] = sizeof(struct acpi_dmar_drhd),
	[DMAR_TYPE_RMRR] = sizeof(struct acpi_dmar_rmrr),
	[DMAR_TYPE_ATSR] = sizeof(struct acpi_dmar_atsr),
	[DMAR_TYPE_RHSA] = sizeof(struct acpi_dmar_rhsa),
	[DMAR_TYPE_ANDD] = sizeof(struct acpi_dmar_andd),
	[DMAR_TYPE_SATC] = sizeof(struct acpi_dmar_satc),
	[DMAR_TYPE_SIDP] = sizeof(struct acpi_dmar_sidp),
};

static const char *dmar_type_name(uint16_t type)
{
	return type < ARRAY_SIZE(dmar_type_names) ? dmar_type_names[type] : "structure";
}

/* ---- Header (VT-d 8.1) ---- */

static int dmar_check_header(struct dmar_ctx *c, size_t mapped)
{
	struct acpi_dmar h;
	uint8_t sum = 0;
	uint32_t i;

	if (mapped < sizeof(h)) {
		dmar_report(c, "DMAR: %zu bytes mapped, the header alone is %zu", mapped, sizeof(h));
		return -EINVAL;
	}
	memcpy(&h, c->t, sizeof(h));
	if (memcmp(h.hdr.sig, "DMAR", 4)) {
		dmar_report(c, "DMAR: signature %02x %02x %02x %02x at 0x0, expected \"DMAR\"",
			    (uint8_t)h.hdr.sig[0], (uint8_t)h.hdr.sig[1],
			    (uint8_t)h.hdr.sig[2], (uint8_t)h.hdr.sig[3]);
		return -EINVAL;
	}
	if (h.hdr.length < sizeof(h) || h.hdr.length > mapped) {
		dmar_report(c, "DMAR: length %u at 0x4 outside %zu..%zu (header..bytes mapped)",
			    h.hdr.length, sizeof(h), mapped);
		return -EINVAL;
	}
	for (i = 0; i < h.hdr.length; i++)
		sum += c->t[i];
	if (sum) {
		dmar_report(c, "DMAR: checksum 0x%02x at 0x9 leaves sum 0x%02x over %u bytes, expected 0",
			    h.hdr.checksum, sum, h.hdr.length);
		return -EINVAL;
	}
	if (h.flags & ~(DMAR_INTR_REMAP | DMAR_X2APIC_OPT_OUT | DMAR_DMA_CTRL_PLATFORM_OPT_IN))
		dmar_report(c, "DMAR: reserved flag bits in 0x%02x at 0x25 ignored", h.flags);
	c->len = h.hdr.length;
	c->di->haw = (uint8_t)(h.haw + 1);
	c->di->flags = h.flags;
	c->di->revision = h.hdr.revision;
	return 0;
}

/* ---- Device scopes (VT-d 8.3.1) ---- */

/* The parse runs twice over the same bytes: first with no arrays, only
 * counting (and reporting), then into arrays of exactly those counts. So
 * every store below writes only when its array exists. */

/* Store one validated scope; false if skipped (reported). */
static bool dmar_store_scope(struct dmar_ctx *c, uint16_t stype, uint32_t soff,
			     uint32_t off, uint8_t len)
{
	struct dmar_info *di = c->di;
	struct acpi_dmar_scope s;
	struct dmar_scope *d;
	unsigned k, npath = (len - sizeof(s)) / 2;

	_Static_assert((255 - sizeof(s)) / 2 <= DMAR_MAX_PATH, "scope path bound");
	memcpy(&s, c->t + off, sizeof(s));
	if (s.type < DMAR_SCOPE_ENDPOINT || s.type > DMAR_SCOPE_NAMESPACE) {
		dmar_report(c, "DMAR: %s at 0x%x: scope at 0x%x has reserved type %u, skipped",
			    dmar_type_name(stype), soff, off, s.type);
		di->nskipped++;
		return false;
	}
	if (di->scopes) {
		d = &di->scopes[di->nscopes];
		d->type = s.type;
		d->flags = s.flags;
		d->enum_id = s.enum_id;
		d->start_bus = s.start_bus;
		d->path_len = (uint8_t)npath;
		for (k = 0; k < npath; k++) {
			d->path[k].dev = c->t[off + sizeof(s) + 2 * k];
			d->path[k].fn = c->t[off + sizeof(s) + 2 * k + 1];
		}
	}
	di->nscopes++;
	return true;
}

/* Parse the scopes in [off, end) of the structure at soff. */
static int dmar_parse_scopes(struct dmar_ctx *c, uint16_t stype, uint32_t soff,
			     uint32_t off, uint32_t end, unsigned *first, unsigned *n)
{
	uint8_t len;

	*first = c->di->nscopes;
	*n = 0;
	for (; off < end; off += len) {
		if (end - off < 2) {
			dmar_report(c, "DMAR: %s at 0x%x: 1 byte left at 0x%x, too short for a scope",
				    dmar_type_name(stype), soff, off);
			return -EINVAL;
		}
		len = c->t[off + 1];
		if (len < sizeof(struct acpi_dmar_scope) + 2 || (len & 1)) {
			dmar_report(c, "DMAR: %s at 0x%x: scope at 0x%x has length %u, expected 6 + 2 * hops (>= 8, even)",
				    dmar_type_name(stype), soff, off, len);
			return -EINVAL;
		}
		if (len > end - off) {
			dmar_report(c, "DMAR: %s at 0x%x: scope at 0x%x (length %u) runs past the structure end 0x%x",
				    dmar_type_name(stype), soff, off, len, end);
			return -EINVAL;
		}
		if (dmar_store_scope(c, stype, soff, off, len))
			(*n)++;
	}
	return 0;
}

/* ---- Remapping structures (VT-d 8.3-8.9) ---- */

static uint64_t dmar_drhd_end(const struct acpi_dmar_drhd *d)
{
	return d->reg_base + (VTD_PAGE_SIZE << FIELD_GET(DMAR_DRHD_SIZE, d->size)) - 1;
}

/* Compare the DRHD at off with every DRHD before it in the table:
 * overlapping registers, and VT-d 8.3's rule that a segment's
 * INCLUDE_PCI_ALL unit comes after all its other units. */
static int dmar_drhd_check_prior(const struct dmar_ctx *c, uint32_t off,
				 const struct acpi_dmar_drhd *d)
{
	struct acpi_dmar_drhd p;
	uint32_t o;

	for (o = sizeof(struct acpi_dmar); o < off; o += p.h.length) {
		memcpy(&p, c->t + o, sizeof(p.h));	/* validated already */
		if (p.h.type != DMAR_TYPE_DRHD)
			continue;
		memcpy(&p, c->t + o, sizeof(p));
		if (d->reg_base <= dmar_drhd_end(&p) && p.reg_base <= dmar_drhd_end(d)) {
			dmar_report(c, "DMAR: DRHD at 0x%x: registers 0x%llx-0x%llx overlap DRHD at 0x%x (0x%llx-0x%llx)",
				    off, (unsigned long long)d->reg_base,
				    (unsigned long long)dmar_drhd_end(d), o,
				    (unsigned long long)p.reg_base,
				    (unsigned long long)dmar_drhd_end(&p));
			return -EINVAL;
		}
		if (p.segment != d->segment || !(p.flags & DMAR_DRHD_INCLUDE_PCI_ALL))
			continue;
		if (d->flags & DMAR_DRHD_INCLUDE_PCI_ALL)
			dmar_report(c, "DMAR: DRHD at 0x%x: second INCLUDE_PCI_ALL unit of segment %u (first at 0x%x)",
				    off, d->segment, o);
		else
			dmar_report(c, "DMAR: DRHD at 0x%x: follows segment %u's INCLUDE_PCI_ALL unit at 0x%x, which must be last (VT-d 8.3)",
				    off, d->segment, o);
		return -EINVAL;
	}
	return 0;
}

static int dmar_drhd(struct dmar_ctx *c, uint32_t off, uint16_t len)
{
	struct dmar_info *di = c->di;
	struct acpi_dmar_drhd d;
	struct dmar_unit u;
	int ret;

	memcpy(&d, c->t + off, sizeof(d));
	/* A base of 0 is kept: the unit is the firmware's bug, refused when
	 * it is brought up (vtd_check_location), the rest of the table not. */
	if (!IS_ALIGNED(d.reg_base, VTD_PAGE_SIZE)) {
		dmar_report(c, "DMAR: DRHD at 0x%x: register base 0x%llx is not 4 KiB aligned",
			    off, (unsigned long long)d.reg_base);
		return -EINVAL;
	}
	if (!d.reg_base)
		dmar_report(c, "DMAR: DRHD at 0x%x: register base 0x0: a firmware bug", off);
	if (dmar_drhd_end(&d) < d.reg_base) {
		dmar_report(c, "DMAR: DRHD at 0x%x: registers at 0x%llx (%llu KiB) run past the top of the address space",
			    off, (unsigned long long)d.reg_base,
			    (unsigned long long)(VTD_PAGE_SIZE << FIELD_GET(DMAR_DRHD_SIZE, d.size)) / 1024);
		return -EINVAL;
	}
	ret = dmar_drhd_check_prior(c, off, &d);
	if (ret)
		return ret;
	u = (struct dmar_unit){
		.reg_base = d.reg_base,
		.segment = d.segment,
		.include_all = d.flags & DMAR_DRHD_INCLUDE_PCI_ALL,
		.size_pages_log2 = (uint8_t)FIELD_GET(DMAR_DRHD_SIZE, d.size),
	};
	ret = dmar_parse_scopes(c, DMAR_TYPE_DRHD, off, off + sizeof(d), off + len,
				&u.first_scope, &u.nscopes);
	if (ret)
		return ret;
	if (di->units)
		di->units[di->nunits] = u;
	di->nunits++;
	return 0;
}

static int dmar_rmrr(struct dmar_ctx *c, uint32_t off, uint16_t len)
{
	struct dmar_info *di = c->di;
	struct acpi_dmar_rmrr r;
	struct dmar_rmrr m;
	int ret;

	memcpy(&r, c->t + off, sizeof(r));
	if (r.limit < r.base) {
		dmar_report(c, "DMAR: RMRR at 0x%x: limit 0x%llx below base 0x%llx",
			    off, (unsigned long long)r.limit, (unsigned long long)r.base);
		return -EINVAL;
	}
	/* limit + 1 would wrap to 0 and pass every check below. */
	if (r.limit == UINT64_MAX) {
		dmar_report(c, "DMAR: RMRR at 0x%x: region 0x%llx-0x%llx ends at 2^64-1, beyond any address width",
			    off, (unsigned long long)r.base, (unsigned long long)r.limit);
		return -EINVAL;
	}
	/* VT-d 3.14: requests to the interrupt window are interrupts, never
	 * DMA, so no domain can map it and a device that needs it there is
	 * misdescribed. */
	if (r.base < VTD_MSI_WINDOW_BASE + VTD_MSI_WINDOW_SIZE && r.limit >= VTD_MSI_WINDOW_BASE) {
		dmar_report(c, "DMAR: RMRR at 0x%x: region 0x%llx-0x%llx covers the interrupt window 0x%llx-0x%llx",
			    off, (unsigned long long)r.base, (unsigned long long)r.limit,
			    VTD_MSI_WINDOW_BASE, VTD_MSI_WINDOW_BASE + VTD_MSI_WINDOW_SIZE - 1);
		return -EINVAL;
	}
	if (!IS_ALIGNED(r.base, VTD_PAGE_SIZE) || !IS_ALIGNED(r.limit + 1, VTD_PAGE_SIZE)) {
		dmar_report(c, "DMAR: RMRR at 0x%x: region 0x%llx-0x%llx is not whole 4 KiB pages (VT-d 8.4)",
			    off, (unsigned long long)r.base, (unsigned long long)r.limit);
		return -EINVAL;
	}
	m = (struct dmar_rmrr){ .segment = r.segment, .base = r.base, .limit = r.limit };
	ret = dmar_parse_scopes(c, DMAR_TYPE_RMRR, off, off + sizeof(r), off + len,
				&m.first_scope, &m.nscopes);
	if (!ret && di->rmrr)
		di->rmrr[di->nrmrr] = m;
	di->nrmrr += !ret;
	return ret;
}

static int dmar_atsr(struct dmar_ctx *c, uint32_t off, uint16_t len)
{
	struct dmar_info *di = c->di;
	struct acpi_dmar_atsr a;
	struct dmar_atsr m;
	int ret;

	memcpy(&a, c->t + off, sizeof(a));
	m = (struct dmar_atsr){ .segment = a.segment, .all_ports = a.flags & DMAR_ATSR_ALL_PORTS };
	ret = dmar_parse_scopes(c, DMAR_TYPE_ATSR, off, off + sizeof(a), off + len,
				&m.first_scope, &m.nscopes);
	if (!ret && di->atsr)
		di->atsr[di->natsr] = m;
	di->natsr += !ret;
	return ret;
}

static int dmar_satc(struct dmar_ctx *c, uint32_t off, uint16_t len)
{
	struct dmar_info *di = c->di;
	struct acpi_dmar_satc s;
	struct dmar_satc m;
	int ret;

	memcpy(&s, c->t + off, sizeof(s));
	m = (struct dmar_satc){ .segment = s.segment,
				.atc_required = s.flags & DMAR_SATC_ATC_REQUIRED };
	ret = dmar_parse_scopes(c, DMAR_TYPE_SATC, off, off + sizeof(s), off + len,
				&m.first_scope, &m.nscopes);
	if (!ret && di->satc)
		di->satc[di->nsatc] = m;
	di->nsatc += !ret;
	return ret;
}

static int dmar_sidp(struct dmar_ctx *c, uint32_t off, uint16_t len)
{
	struct dmar_info *di = c->di;
	struct acpi_dmar_sidp s;
	struct dmar_sidp m;
	int ret;

	memcpy(&s, c->t + off, sizeof(s));
	m = (struct dmar_sidp){ .segment = s.segment };
	ret = dmar_parse_scopes(c, DMAR_TYPE_SIDP, off, off + sizeof(s), off + len,
				&m.first_scope, &m.nscopes);
	if (!ret && di->sidp)
		di->sidp[di->nsidp] = m;
	di->nsidp += !ret;
	return ret;
}

/* Does a DRHD before off in the table have its registers at base? */
static bool dmar_drhd_before(const struct dmar_ctx *c, uint32_t off, uint64_t base)
{
	struct acpi_dmar_drhd p;
	uint32_t o;

	for (o = sizeof(struct acpi_dmar); o < off; o += p.h.length) {
		memcpy(&p, c->t + o, sizeof(p.h));
		if (p.h.type != DMAR_TYPE_DRHD)
			continue;
		memcpy(&p, c->t + o, sizeof(p));
		if (p.reg_base == base)
			return true;
	}
	return false;
}

static int dmar_rhsa(struct dmar_ctx *c, uint32_t off, uint16_t len)
{
	struct dmar_info *di = c->di;
	struct acpi_dmar_rhsa r;

	(void)len;
	memcpy(&r, c->t + off, sizeof(r));
	if (!dmar_drhd_before(c, off, r.reg_base))
		dmar_report(c, "DMAR: RHSA at 0x%x: register base 0x%llx names no DRHD before it",
			    off, (unsigned long long)r.reg_base);
	if (di->rhsa)
		di->rhsa[di->nrhsa] = (struct dmar_rhsa){ r.reg_base, r.proximity_domain };
	di->nrhsa++;
	return 0;
}

/* The name runs to the first NUL or the structure's end (VT-d 8.7). */
static int dmar_andd(struct dmar_ctx *c, uint32_t off, uint16_t len)
{
	struct dmar_info *di = c->di;
	struct acpi_dmar_andd a;
	const uint8_t *name = c->t + off + sizeof(a);
	size_t n = strnlen((const char *)name, len - sizeof(a));

	memcpy(&a, c->t + off, sizeof(a));
	if (!n)
		dmar_report(c, "DMAR: ANDD at 0x%x (device %u) has an empty name", off,
			    a.device_number);
	if (di->andd) {
		memcpy(di->names + di->names_len, name, n);
		di->names[di->names_len + n] = '\0';
		di->andd[di->nandd] = (struct dmar_andd){ a.device_number,
							  di->names + di->names_len };
	}
	di->names_len += n + 1;
	di->nandd++;
	return 0;
}

static int (*const dmar_handlers[])(struct dmar_ctx *, uint32_t, uint16_t) = {
	[DMAR_TYPE_DRHD] = dmar_drhd, [DMAR_TYPE_RMRR] = dmar_rmrr,
	[DMAR_TYPE_ATSR] = dmar_atsr, [DMAR_TYPE_RHSA] = dmar_rhsa,
	[DMAR_TYPE_ANDD] = dmar_andd, [DMAR_TYPE_SATC] = dmar_satc,
	[DMAR_TYPE_SIDP] = dmar_sidp,
};

static int dmar_check_struct(const struct dmar_ctx *c, uint32_t off, const struct acpi_dmar_hdr *h)
{
	unsigned min = h->type < ARRAY_SIZE(dmar_min_len) ? dmar_min_len[h->type]
							   : sizeof(*h);

	if (h->length < min || h->length > c->len - off) {
		dmar_report(c, "DMAR: %s (type %u) at 0x%x: length %u outside %u..%u (minimum..table end)",
			    dmar_type_name(h->type), h->type, off, h->length, min, c->len - off);
		return -EINVAL;
	}
	return 0;
}

static int dmar_walk(struct dmar_ctx *c)
{
	struct acpi_dmar_hdr h;
	uint32_t off;
	int ret;

	for (off = sizeof(struct acpi_dmar); off < c->len; off += h.length) {
		if (c->len - off < sizeof(h)) {
			dmar_report(c, "DMAR: %u trailing bytes at 0x%x, too short for a structure header",
				    c->len - off, off);
			return -EINVAL;
		}
		memcpy(&h, c->t + off, sizeof(h));
		ret = dmar_check_struct(c, off, &h);
		if (ret)
			return ret;
		if (h.type >= ARRAY_SIZE(dmar_handlers)) {
			dmar_report(c, "DMAR: structure type %u at 0x%x (length %u) not known, skipped",
				    h.type, off, h.length);
			c->di->nskipped++;
			continue;
		}
		ret = dmar_handlers[h.type](c, off, h.length);
		if (ret)
			return ret;
	}
	return 0;
}

/* The counts of the first pass against the DMAR_MAX_* bounds. */
static int dmar_check_counts(const struct dmar_ctx *c)
{
	const struct dmar_info *di = c->di;
	const struct { const char *what; unsigned n, max; } lists[] = {
		{ "DRHD structures", di->nunits, DMAR_MAX_UNITS },
		{ "RMRR structures", di->nrmrr, DMAR_MAX_STRUCTS },
		{ "ATSR structures", di->natsr, DMAR_MAX_STRUCTS },
		{ "RHSA structures", di->nrhsa, DMAR_MAX_STRUCTS },
		{ "ANDD structures", di->nandd, DMAR_MAX_STRUCTS },
		{ "SATC structures", di->nsatc, DMAR_MAX_STRUCTS },
		{ "SIDP structures", di->nsidp, DMAR_MAX_STRUCTS },
		{ "device scopes", di->nscopes, DMAR_MAX_SCOPES },
	};
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(lists); i++)
		if (lists[i].n > lists[i].max) {
			dmar_report(c, "DMAR: %u %s, more than the %u irqvisor accepts: table refused",
				    lists[i].n, lists[i].what, lists[i].max);
			return -EINVAL;
		}
	return 0;
}

/* calloc that is NULL for none; *err set on failure. */
static void *dmar_alloc(size_t n, size_t size, int *err)
{
	void *p = n ? calloc(n, size) : NULL;

	if (n && !p)
		*err = -ENOMEM;
	return p;
}

/* Arrays of exactly the first pass's counts, then counters back to 0. */
static int dmar_alloc_lists(struct dmar_info *di)
{
	int err = 0;

	di->units = dmar_alloc(di->nunits, sizeof(*di->units), &err);
	di->rmrr = dmar_alloc(di->nrmrr, sizeof(*di->rmrr), &err);
	di->atsr = dmar_alloc(di->natsr, sizeof(*di->atsr), &err);
	di->satc = dmar_alloc(di->nsatc, sizeof(*di->satc), &err);
	di->sidp = dmar_alloc(di->nsidp, sizeof(*di->sidp), &err);
	di->rhsa = dmar_alloc(di->nrhsa, sizeof(*di->rhsa), &err);
	di->andd = dmar_alloc(di->nandd, sizeof(*di->andd), &err);
	di->scopes = dmar_alloc(di->nscopes, sizeof(*di->scopes), &err);
	di->names = dmar_alloc(di->names_len, 1, &err);
	di->nunits = di->nrmrr = di->natsr = di->nsatc = di->nsidp = 0;
	di->nrhsa = di->nandd = di->nscopes = di->nskipped = 0;
	di->names_len = 0;
	return err;
}

void dmar_free(struct dmar_info *di)
{
	free(di->units);
	free(di->rmrr);
	free(di->atsr);
	free(di->satc);
	free(di->sidp);
	free(di->rhsa);
	free(di->andd);
	free(di->scopes);
	free(di->names);
	memset(di, 0, sizeof(*di));
}

int dmar_parse(const void *table, size_t len, struct dmar_info *out,
	       dmar_report_fn report, void *ctx)
{
	struct dmar_ctx c = { .t = table, .di = out, .report = report, .rctx = ctx };
	int ret;

	memset(out, 0, sizeof(*out));
	ret = dmar_check_header(&c, len);
	if (!ret)
		ret = dmar_walk(&c);
	if (!ret)
		ret = dmar_check_counts(&c);
	if (!ret && !out->nunits)
		dmar_report(&c, "DMAR: no DRHD structure, nothing can be remapped");
	if (!ret)
		ret = dmar_alloc_lists(out);
	/* Same bytes, same walk: it cannot fail now, and reported already. */
	c.report = NULL;
	if (!ret)
		ret = dmar_walk(&c);
	if (ret)
		dmar_free(out);
	return ret;
}

/* ---- Descriptions ---- */

static void dmar_scope_text(struct sbuf *b, const struct dmar_scope *s)
{
	static const char *const names[] = {
		[DMAR_SCOPE_IOAPIC] = "IOAPIC", [DMAR_SCOPE_HPET] = "HPET",
		[DMAR_SCOPE_NAMESPACE] = "ACPI",
	};
	bool dev = s->type == DMAR_SCOPE_ENDPOINT || s->type == DMAR_SCOPE_BRIDGE;
	unsigned k;

	if (!dev)
		sb_printf(b, "%s %u (", names[s->type], s->enum_id);
	sb_printf(b, "%02x:", s->start_bus);
	for (k = 0; k < s->path_len; k++)
		sb_printf(b, "%s%02x.%x", k ? "/" : "", s->path[k].dev, s->path[k].fn);
	sb_printf(b, dev ? (s->type == DMAR_SCOPE_BRIDGE ? " bridge" : " endpoint") : ")");
}

static void dmar_scope_flags(struct sbuf *b, uint8_t flags)
{
	static const char *const names[] = {
		"NESTED_NOTALLOWED", "PWSNP_NOTALLOWED", "PGSNP_NOTALLOWED",
		"ATC_HARDENED", "ATC_REQUIRED",
	};
	const char *sep = " [";
	unsigned k;

	for (k = 0; k < 8; k++) {
		if (!(flags & BIT(k)))
			continue;
		if (k < ARRAY_SIZE(names))
			sb_printf(b, "%s%s", sep, names[k]);
		else
			sb_printf(b, "%sbit%u", sep, k);
		sep = " ";
	}
	if (flags)
		sb_printf(b, "]");
}

static void dmar_scopes_text(struct sbuf *b, const struct dmar_info *di, unsigned first,
			     unsigned n)
{
	unsigned k;

	for (k = 0; k < n; k++) {
		sb_printf(b, k ? ", " : " scope: ");
		dmar_scope_text(b, &di->scopes[first + k]);
		dmar_scope_flags(b, di->scopes[first + k].flags);
	}
}

/* A firmware string, printable: anything else as \xNN. */
static void dmar_name_text(struct sbuf *b, const char *name)
{
	const unsigned char *p;

	for (p = (const unsigned char *)name; *p; p++)
		if (*p >= 0x20 && *p < 0x7f)
			sb_printf(b, "%c", *p);
		else
			sb_printf(b, "\\x%02x", *p);
}

int dmar_unit_describe(const struct dmar_info *di, unsigned i, char *buf, size_t len)
{
	struct sbuf b = { .buf = buf, .len = len };
	const struct dmar_unit *u;

	if (i >= di->nunits || !buf || !len)
		return -EINVAL;
	u = &di->units[i];
	sb_printf(&b, "DRHD %u at 0x%llx seg %u%s", i, (unsigned long long)u->reg_base,
		  u->segment, u->include_all ? " INCLUDE_PCI_ALL" : "");
	dmar_scopes_text(&b, di, u->first_scope, u->nscopes);
	return sb_result(&b);
}

void dmar_flags_describe(uint8_t flags, char *buf, size_t len)
{
	struct sbuf b = { .buf = buf, .len = len };
	uint8_t rest = flags & ~(DMAR_INTR_REMAP | DMAR_X2APIC_OPT_OUT |
				 DMAR_DMA_CTRL_PLATFORM_OPT_IN);

	if (!len)
		return;
	buf[0] = '\0';
	if (flags & DMAR_INTR_REMAP)
		sb_printf(&b, " INTR_REMAP");
	if (flags & DMAR_X2APIC_OPT_OUT)
		sb_printf(&b, " X2APIC_OPT_OUT");
	if (flags & DMAR_DMA_CTRL_PLATFORM_OPT_IN)
		sb_printf(&b, " DMA_CTRL_PLATFORM_OPT_IN");
	if (rest)
		sb_printf(&b, " reserved 0x%02x", rest);
	if (!flags)
		sb_printf(&b, " none");
	memmove(buf, buf + 1, strlen(buf));
}

int dmar_struct_describe(const struct dmar_info *di, uint16_t type, unsigned i,
			 char *buf, size_t len)
{
	struct sbuf b = { .buf = buf, .len = len };

	if (!buf || !len)
		return -EINVAL;
	if (type == DMAR_TYPE_DRHD)
		return dmar_unit_describe(di, i, buf, len);
	if (type == DMAR_TYPE_RMRR && i < di->nrmrr) {
		sb_printf(&b, "RMRR %u 0x%llx-0x%llx seg %u", i,
			  (unsigned long long)di->rmrr[i].base,
			  (unsigned long long)di->rmrr[i].limit, di->rmrr[i].segment);
		dmar_scopes_text(&b, di, di->rmrr[i].first_scope, di->rmrr[i].nscopes);
	} else if (type == DMAR_TYPE_ATSR && i < di->natsr) {
		sb_printf(&b, "ATSR %u seg %u%s", i, di->atsr[i].segment,
			  di->atsr[i].all_ports ? " ALL_PORTS" : "");
		dmar_scopes_text(&b, di, di->atsr[i].first_scope, di->atsr[i].nscopes);
	} else if (type == DMAR_TYPE_RHSA && i < di->nrhsa) {
		sb_printf(&b, "RHSA %u unit 0x%llx proximity domain %u", i,
			  (unsigned long long)di->rhsa[i].base, di->rhsa[i].domain);
	} else if (type == DMAR_TYPE_ANDD && i < di->nandd) {
		sb_printf(&b, "ANDD %u device %u ", i, di->andd[i].devnum);
		dmar_name_text(&b, di->andd[i].name);
	} else if (type == DMAR_TYPE_SATC && i < di->nsatc) {
		sb_printf(&b, "SATC %u seg %u%s", i, di->satc[i].segment,
			  di->satc[i].atc_required ? " ATC_REQUIRED" : "");
		dmar_scopes_text(&b, di, di->satc[i].first_scope, di->satc[i].nscopes);
	} else if (type == DMAR_TYPE_SIDP && i < di->nsidp) {
		sb_printf(&b, "SIDP %u seg %u", i, di->sidp[i].segment);
		dmar_scopes_text(&b, di, di->sidp[i].first_scope, di->sidp[i].nscopes);
	} else {
		return -EINVAL;
	}
	return sb_result(&b);
}

static void vtd_flag(struct sbuf *b, const char *name, uint64_t set)
{
	sb_printf(b, " %s%s", name, set ? "" : "-");
}

/* Widths from a SAGAW or SLLPS mask, or "none". */
static void vtd_list(struct sbuf *b, const char *name, uint64_t mask,
		     const char *const *items, unsigned n)
{
	const char *sep = " ";
	unsigned k;

	sb_printf(b, " %s", name);
	for (k = 0; k < n; k++) {
		if (!(mask & BIT(k)) || !items[k])
			continue;
		sb_printf(b, "%s%s", sep, items[k]);
		sep = ",";
	}
	if (sep[0] == ' ')
		sb_printf(b, " none");
}

int vtd_caps_describe(uint32_t ver, uint64_t cap, uint64_t ecap, char *buf, size_t len)
{
	static const char *const sagaw[] = { NULL, "39", "48", "57" };
	static const char *const sllps[] = { "2M", "1G" };
	struct sbuf b = { .buf = buf, .len = len };

	sb_printf(&b, "VT-d %u.%u CAP 0x%016llx ECAP 0x%016llx:",
		  (unsigned)FIELD_GET(VTD_VER_MAX, ver), (unsigned)FIELD_GET(VTD_VER_MIN, ver),
		  (unsigned long long)cap, (unsigned long long)ecap);
	vtd_flag(&b, "QI", ecap & VTD_ECAP_QI);
	vtd_flag(&b, "IR", ecap & VTD_ECAP_IR);
	vtd_flag(&b, "EIM", ecap & VTD_ECAP_EIM);
	vtd_flag(&b, "PI", cap & VTD_CAP_PI);
	vtd_flag(&b, "PT", ecap & VTD_ECAP_PT);
	vtd_flag(&b, "C", ecap & VTD_ECAP_C);
	vtd_flag(&b, "SC", ecap & VTD_ECAP_SC);
	vtd_flag(&b, "CM", cap & VTD_CAP_CM);
	vtd_flag(&b, "RWBF", cap & VTD_CAP_RWBF);
	vtd_flag(&b, "PSI", cap & VTD_CAP_PSI);
	vtd_flag(&b, "ESIRTPS", cap & VTD_CAP_ESIRTPS);
	vtd_list(&b, "SAGAW", FIELD_GET(VTD_CAP_SAGAW, cap), sagaw, ARRAY_SIZE(sagaw));
	sb_printf(&b, " MGAW %u", (unsigned)FIELD_GET(VTD_CAP_MGAW, cap) + 1);
	vtd_list(&b, "SLLPS", FIELD_GET(VTD_CAP_SLLPS, cap), sllps, ARRAY_SIZE(sllps));
	sb_printf(&b, " domains %lu NFR %u FRCD@0x%x IOTLB@0x%x MHMV %u",
		  1ul << (4 + 2 * FIELD_GET(VTD_CAP_ND, cap)), vtd_cap_nfr(cap),
		  vtd_cap_fault_offset(cap), vtd_ecap_iotlb_offset(ecap),
		  (unsigned)FIELD_GET(VTD_ECAP_MHMV, ecap));
	return sb_result(&b);
}
