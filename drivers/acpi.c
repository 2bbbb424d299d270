/*
 * ACPI parser. Everything read from firmware is untrusted: each table is
 * length- and checksum-checked before any field is used, each sub-structure
 * is checked to lie inside its table, and every problem is reported once
 * and skipped rather than trusted.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "drivers/acpi.h"

/* Tables parsed at most once; a second instance is reported and ignored. */
enum acpi_parsed {
	PARSED_MADT = BIT(0),
	PARSED_MCFG = BIT(1),
	PARSED_FADT = BIT(2),
	PARSED_SPCR = BIT(3),
	PARSED_HPET = BIT(4),
	PARSED_DMAR = BIT(5),
};

/* Bounded arrays: each overflow is reported once. */
enum acpi_overflow {
	OVF_TABLES = BIT(0),
	OVF_CPUS = BIT(1),
	OVF_IOAPICS = BIT(2),
	OVF_ISOS = BIT(3),
	OVF_ECAM = BIT(4),
};

struct acpi_ctx {
	struct acpi_info *ai;
	const struct acpi_mem *mem;
	acpi_report_fn report;
	void *rctx;
	unsigned parsed;
	unsigned overflow;
};

/* Does a table of length len hold all of field f of struct s? */
#define HAS_FIELD(len, s, f) \
	((len) >= offsetof(s, f) + sizeof(((s *)0)->f))

__attribute__((format(printf, 2, 3)))
static void acpi_warn(struct acpi_ctx *c, const char *fmt, ...)
{
	char msg[160];
	va_list ap;
	int n;

	if (!c->report)
		return;
	n = snprintf(msg, sizeof(msg), "ACPI: ");
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	c->report(c->rctx, msg);
}

/* Report an array overflow the first time it happens; true if full. */
static bool acpi_full(struct acpi_ctx *c, unsigned n, unsigned max,
		      unsigned which, const char *what)
{
	if (n < max)
		return false;
	if (!(c->overflow & which))
		acpi_warn(c, "more than %u %s, keeping the first %u", max, what, max);
	c->overflow |= which;
	return true;
}

uint8_t acpi_checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return sum;
}

/* Copy n characters, NUL-terminated, replacing unprintable ones by '?'. */
static void acpi_str(char *dst, const char *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? src[i] : '?';
	dst[n] = '\0';
}

static const void *acpi_map(struct acpi_ctx *c, uint64_t pa, uint64_t len)
{
	return c->mem->map(c->mem->ctx, pa, len);
}

/*
 * Map a whole SDT at pa after checking its header: signature (if sig is not
 * NULL), 36 <= length <= ACPI_TABLE_MAX_LEN, all of it mappable, checksum.
 * "what" names where the pointer came from, for the report.
 */
static const struct acpi_sdt_header *acpi_table_map(struct acpi_ctx *c, uint64_t pa,
						    const char *sig, const char *what)
{
	const struct acpi_sdt_header *h;
	uint32_t len;
	char name[5];
	uint8_t sum;

	h = acpi_map(c, pa, sizeof(*h));
	if (!h) {
		acpi_warn(c, "%s at 0x%llx: header not accessible, skipped",
			  what, (unsigned long long)pa);
		return NULL;
	}
	acpi_str(name, h->sig, 4);
	if (sig && memcmp(h->sig, sig, 4) != 0) {
		acpi_warn(c, "%s at 0x%llx: signature '%s', expected '%.4s', skipped",
			  what, (unsigned long long)pa, name, sig);
		return NULL;
	}
	len = h->length;
	if (len < sizeof(*h) || len > ACPI_TABLE_MAX_LEN) {
		acpi_warn(c, "%s at 0x%llx: length %u outside %zu..%u, skipped",
			  name, (unsigned long long)pa, len, sizeof(*h),
			  ACPI_TABLE_MAX_LEN);
		return NULL;
	}
	h = acpi_map(c, pa, len);
	if (!h) {
		acpi_warn(c, "%s at 0x%llx: length %u not accessible, skipped",
			  name, (unsigned long long)pa, len);
		return NULL;
	}
	sum = acpi_checksum(h, len);
	if (sum) {
		acpi_warn(c, "%s at 0x%llx: bad checksum (sum 0x%02x), skipped",
			  name, (unsigned long long)pa, sum);
		return NULL;
	}
	return h;
}

static void acpi_table_record(struct acpi_ctx *c, const struct acpi_sdt_header *h,
			      uint64_t pa)
{
	struct acpi_info *ai = c->ai;
	struct acpi_table_info *t;

	if (acpi_full(c, ai->ntables, ACPI_MAX_TABLES, OVF_TABLES, "tables"))
		return;
	t = &ai->tables[ai->ntables++];
	acpi_str(t->sig, h->sig, 4);
	t->pa = pa;
	t->len = h->length;
	t->rev = h->revision;
	acpi_str(t->oem_id, h->oem_id, 6);
	acpi_str(t->oem_table_id, h->oem_table_id, 8);
}

uint64_t acpi_find(const struct acpi_info *ai, const char sig[4], unsigned instance)
{
	unsigned i;

	for (i = 0; i < ai->ntables; i++)
		if (memcmp(ai->tables[i].sig, sig, 4) == 0 && instance-- == 0)
			return ai->tables[i].pa;
	return 0;
}

/* ---- MADT (5.2.12) ---- */

static void madt_add_cpu(struct acpi_ctx *c, uint32_t apic_id, uint32_t flags)
{
	struct acpi_info *ai = c->ai;
	unsigned i;

	if (!(flags & ACPI_MADT_CPU_ENABLED))
		return;
	for (i = 0; i < ai->ncpus; i++) {
		if (ai->apic_ids[i] == apic_id) {
			acpi_warn(c, "APIC: APIC id %u listed twice, ignored", apic_id);
			return;
		}
	}
	if (!acpi_full(c, ai->ncpus, ACPI_MAX_CPUS, OVF_CPUS, "CPUs"))
		ai->apic_ids[ai->ncpus++] = apic_id;
}

static void madt_add_ioapic(struct acpi_ctx *c, const struct acpi_madt_ioapic *e)
{
	struct acpi_info *ai = c->ai;

	if (acpi_full(c, ai->nioapics, ACPI_MAX_IOAPICS, OVF_IOAPICS, "IOAPICs"))
		return;
	ai->ioapics[ai->nioapics].id = e->id;
	ai->ioapics[ai->nioapics].pa = e->pa;
	ai->ioapics[ai->nioapics].gsi_base = e->gsi_base;
	ai->nioapics++;
}

static void madt_add_iso(struct acpi_ctx *c, const struct acpi_madt_iso *e)
{
	struct acpi_info *ai = c->ai;

	if (e->bus != 0) {
		acpi_warn(c, "APIC: override of IRQ %u on bus %u (not ISA), ignored",
			  e->source, e->bus);
		return;
	}
	if (acpi_full(c, ai->nisos, ACPI_MAX_ISOS, OVF_ISOS, "interrupt overrides"))
		return;
	ai->isos[ai->nisos].bus_irq = e->source;
	ai->isos[ai->nisos].gsi = e->gsi;
	ai->isos[ai->nisos].flags = e->flags;
	ai->nisos++;
}

/* Smallest valid length of the MADT entry types we read, 0 for others. */
static size_t madt_entry_min_len(uint8_t type)
{
	switch (type) {
	case ACPI_MADT_LAPIC:		return sizeof(struct acpi_madt_lapic);
	case ACPI_MADT_IOAPIC:		return sizeof(struct acpi_madt_ioapic);
	case ACPI_MADT_ISO:		return sizeof(struct acpi_madt_iso);
	case ACPI_MADT_LAPIC_ADDR:	return sizeof(struct acpi_madt_lapic_addr);
	case ACPI_MADT_X2APIC:		return sizeof(struct acpi_madt_x2apic);
	default:			return 0;
	}
}

static void madt_entry(struct acpi_ctx *c, const struct acpi_madt_entry *e)
{
	const struct acpi_madt_lapic *lapic = (const void *)e;
	const struct acpi_madt_x2apic *x2apic = (const void *)e;
	const struct acpi_madt_lapic_addr *addr = (const void *)e;

	if (e->length < madt_entry_min_len(e->type)) {
		acpi_warn(c, "APIC: entry type %u has length %u, needs %zu, skipped",
			  e->type, e->length, madt_entry_min_len(e->type));
		return;
	}
	switch (e->type) {
	case ACPI_MADT_LAPIC:
		madt_add_cpu(c, lapic->apic_id, lapic->flags);
		break;
	case ACPI_MADT_X2APIC:
		madt_add_cpu(c, x2apic->x2apic_id, x2apic->flags);
		break;
	case ACPI_MADT_IOAPIC:
		madt_add_ioapic(c, (const void *)e);
		break;
	case ACPI_MADT_ISO:
		madt_add_iso(c, (const void *)e);
		break;
	case ACPI_MADT_LAPIC_ADDR:
		c->ai->lapic_pa = addr->pa;
		break;
	}
}

static void madt_parse(struct acpi_ctx *c, const struct acpi_sdt_header *h, uint64_t pa)
{
	const struct acpi_madt *madt = (const void *)h;
	const uint8_t *base = (const uint8_t *)h;
	const struct acpi_madt_entry *e;
	uint32_t off;

	if (h->length < sizeof(*madt)) {
		acpi_warn(c, "APIC at 0x%llx: length %u below %zu, skipped",
			  (unsigned long long)pa, h->length, sizeof(*madt));
		return;
	}
	if (!c->ai->lapic_pa)	/* an address override entry wins (5.2.12.8) */
		c->ai->lapic_pa = madt->lapic_pa;
	c->ai->has_8259 = madt->flags & ACPI_MADT_PCAT_COMPAT;
	for (off = sizeof(*madt); off + sizeof(*e) <= h->length; off += e->length) {
		e = (const void *)(base + off);
		if (e->length < sizeof(*e) || e->length > h->length - off) {
			acpi_warn(c, "APIC at 0x%llx: entry at offset %u has length %u "
				  "(table length %u), rest ignored",
				  (unsigned long long)pa, off, e->length, h->length);
			return;
		}
		madt_entry(c, e);
	}
}

/* ---- MCFG (PCI Firmware 3.3, 4.1.2) ---- */

static void mcfg_parse(struct acpi_ctx *c, const struct acpi_sdt_header *h, uint64_t pa)
{
	struct acpi_info *ai = c->ai;
	const struct acpi_mcfg_alloc *a;
	uint32_t off;

	if (h->length < sizeof(struct acpi_mcfg) ||
	    (h->length - sizeof(struct acpi_mcfg)) % sizeof(*a) != 0)
		acpi_warn(c, "MCFG at 0x%llx: length %u is not 44 + 16 * n, "
			  "partial entry ignored", (unsigned long long)pa, h->length);
	for (off = sizeof(struct acpi_mcfg); off + sizeof(*a) <= h->length;
	     off += sizeof(*a)) {
		a = (const void *)((const uint8_t *)h + off);
		if (!a->base || a->bus_start > a->bus_end) {
			acpi_warn(c, "MCFG: segment %u base 0x%llx buses %u-%u invalid, skipped",
				  a->segment, (unsigned long long)a->base,
				  a->bus_start, a->bus_end);
			continue;
		}
		if (acpi_full(c, ai->necam, ACPI_MAX_ECAM, OVF_ECAM, "ECAM ranges"))
			return;
		ai->ecam[ai->necam].base = a->base;
		ai->ecam[ai->necam].segment = a->segment;
		ai->ecam[ai->necam].bus_start = a->bus_start;
		ai->ecam[ai->necam].bus_end = a->bus_end;
		ai->necam++;
	}
}

/* ---- DSDT: \_S5 sleep type (ACPI 6.5 7.4.2, AML encoding 20.2) ---- */

#define AML_ZERO_OP	0x00
#define AML_ONE_OP	0x01
#define AML_NAME_OP	0x08
#define AML_BYTE_PREFIX	0x0a
#define AML_WORD_PREFIX	0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_QWORD_PREFIX 0x0e
#define AML_PACKAGE_OP	0x12
#define AML_ONES_OP	0xff
#define AML_ROOT_CHAR	'\\'

/* PkgLength (20.2.4): 1 to 4 bytes; returns bytes used, 0 if truncated
 * (including avail == 0: the lead byte itself may lie past the table). */
static size_t aml_pkg_length(const uint8_t *p, size_t avail, uint32_t *len)
{
	size_t n, i;

	if (!avail)
		return 0;
	n = (size_t)(p[0] >> 6) + 1;
	if (n > avail)
		return 0;
	if (n == 1) {
		*len = p[0] & 0x3f;
		return 1;
	}
	*len = p[0] & 0x0f;
	for (i = 1; i < n; i++)
		*len |= (uint32_t)p[i] << (4 + 8 * (i - 1));
	return n;
}

/* An integer data object; returns bytes used, 0 if not one or truncated. */
static size_t aml_integer(const uint8_t *p, size_t avail, uint64_t *v)
{
	size_t n;

	switch (p[0]) {
	case AML_ZERO_OP:	*v = 0; return 1;
	case AML_ONE_OP:	*v = 1; return 1;
	case AML_ONES_OP:	*v = ~0ULL; return 1;
	case AML_BYTE_PREFIX:	n = 1; break;
	case AML_WORD_PREFIX:	n = 2; break;
	case AML_DWORD_PREFIX:	n = 4; break;
	case AML_QWORD_PREFIX:	n = 8; break;
	default:		return 0;
	}
	if (1 + n > avail)
		return 0;
	*v = 0;
	memcpy(v, p + 1, n);	/* AML is little-endian, like x86 */
	return 1 + n;
}

/* Decode Package(n){SLP_TYPa, SLP_TYPb, ...} at p; false if malformed. */
static bool aml_s5_package(struct acpi_ctx *c, const uint8_t *p, size_t avail)
{
	uint64_t typ[2] = { 0, 0 };
	uint32_t pkg_len;
	size_t used, off, i;
	uint8_t nelem;

	if (avail < 1 || p[0] != AML_PACKAGE_OP)
		return false;
	used = aml_pkg_length(p + 1, avail - 1, &pkg_len);
	if (!used || pkg_len > avail - 1 || pkg_len < used + 1)
		return false;
	avail = 1 + pkg_len;	/* the package's own bytes bound the rest */
	off = 1 + used;
	nelem = p[off++];
	for (i = 0; i < nelem && i < 2; i++) {
		used = off < avail ? aml_integer(p + off, avail - off, &typ[i]) : 0;
		if (!used)
			return false;
		off += used;
	}
	if (nelem == 0)
		return false;
	if (nelem == 1)		/* old style: both types packed in one value */
		typ[1] = typ[0] >> 8;
	c->ai->s5_slp_typa = typ[0] & 0x7;
	c->ai->s5_slp_typb = typ[1] & 0x7;
	return true;
}

/* Find "Name(_S5_, Package...)" (optionally "\_S5_") in the AML. */
static void dsdt_find_s5(struct acpi_ctx *c, const struct acpi_sdt_header *h, uint64_t pa)
{
	const uint8_t *aml = (const uint8_t *)h;
	size_t i;

	for (i = sizeof(*h) + 1; i + 4 <= h->length; i++) {
		if (memcmp(aml + i, "_S5_", 4) != 0)
			continue;
		if (aml[i - 1] != AML_NAME_OP &&
		    !(aml[i - 1] == AML_ROOT_CHAR && aml[i - 2] == AML_NAME_OP))
			continue;
		if (aml_s5_package(c, aml + i + 4, h->length - i - 4)) {
			c->ai->has_s5 = true;
			return;
		}
		acpi_warn(c, "DSDT at 0x%llx: _S5_ at offset %zu is not a package "
			  "of integers, ignored", (unsigned long long)pa, i);
	}
}

/* ---- FADT (5.2.9) ---- */

/* Load the DSDT: X_DSDT when set, else (or if that is bad) DSDT. */
static void fadt_dsdt(struct acpi_ctx *c, const struct acpi_fadt *f)
{
	uint64_t pa = 0;
	const struct acpi_sdt_header *h = NULL;

	if (HAS_FIELD(f->hdr.length, struct acpi_fadt, x_dsdt) && f->x_dsdt) {
		pa = f->x_dsdt;
		h = acpi_table_map(c, pa, "DSDT", "X_DSDT");
	}
	if (!h && f->dsdt && f->dsdt != pa) {
		pa = f->dsdt;
		h = acpi_table_map(c, pa, "DSDT", "DSDT");
	}
	if (!h)
		return;
	c->ai->dsdt_pa = pa;
	acpi_table_record(c, h, pa);
	dsdt_find_s5(c, h, pa);
}

/*
 * An I/O port block: the X_ GAS at gas_off when present, nonzero and in I/O
 * space (5.2.9: X_ fields take precedence), else the legacy 32-bit field.
 */
static uint32_t fadt_port(struct acpi_ctx *c, const struct acpi_fadt *f,
			  size_t gas_off, uint32_t legacy, const char *name)
{
	const struct acpi_gas *g = (const void *)((const uint8_t *)f + gas_off);

	if (f->hdr.length < gas_off + sizeof(*g) || !g->address)
		return legacy;
	if (g->space_id == ACPI_GAS_IO && g->address <= 0xffff)
		return (uint32_t)g->address;
	acpi_warn(c, "FACP: X_%s space %u address 0x%llx is not an I/O port, "
		  "using %s 0x%x", name, g->space_id,
		  (unsigned long long)g->address, name, legacy);
	return legacy;
}

static void fadt_reset(struct acpi_ctx *c, const struct acpi_fadt *f)
{
	struct acpi_info *ai = c->ai;

	if (!(f->flags & ACPI_FADT_RESET_REG_SUP))
		return;
	if (!HAS_FIELD(f->hdr.length, struct acpi_fadt, reset_value)) {
		acpi_warn(c, "FACP: RESET_REG_SUP set but length %u ends before "
			  "RESET_REG", f->hdr.length);
		return;
	}
	if (!f->reset_reg.address || f->reset_reg.space_id > ACPI_GAS_PCI_CFG) {
		acpi_warn(c, "FACP: RESET_REG_SUP set but reset register "
			  "(space %u address 0x%llx) unusable",
			  f->reset_reg.space_id,
			  (unsigned long long)f->reset_reg.address);
		return;
	}
	ai->has_reset = true;
	ai->reset_space = f->reset_reg.space_id;
	ai->reset_addr = f->reset_reg.address;
	ai->reset_value = f->reset_value;
}

static void fadt_parse(struct acpi_ctx *c, const struct acpi_sdt_header *h, uint64_t pa)
{
	const struct acpi_fadt *f = (const void *)h;
	struct acpi_info *ai = c->ai;

	if (h->length < ACPI_FADT_MIN_LEN) {
		acpi_warn(c, "FACP at 0x%llx: length %u below %u, skipped",
			  (unsigned long long)pa, h->length, ACPI_FADT_MIN_LEN);
		return;
	}
	ai->has_fadt = true;
	ai->fadt_flags = f->flags;
	ai->iapc_boot_arch = f->iapc_boot_arch;
	ai->pm1a_cnt_port = fadt_port(c, f, offsetof(struct acpi_fadt, x_pm1a_cnt_blk),
				      f->pm1a_cnt_blk, "PM1a_CNT_BLK");
	ai->pm1b_cnt_port = fadt_port(c, f, offsetof(struct acpi_fadt, x_pm1b_cnt_blk),
				      f->pm1b_cnt_blk, "PM1b_CNT_BLK");
	/* Hardware-reduced ACPI has no PM timer (5.2.9, HW_REDUCED_ACPI). */
	if (!(f->flags & ACPI_FADT_HW_REDUCED) && f->pm_tmr_len >= 4) {
		ai->pm_tmr_port = fadt_port(c, f, offsetof(struct acpi_fadt, x_pm_tmr_blk),
					    f->pm_tmr_blk, "PM_TMR_BLK");
		ai->pm_tmr_32bit = f->flags & ACPI_FADT_TMR_VAL_EXT;
	}
	fadt_reset(c, f);
	fadt_dsdt(c, f);
}

/* ---- SPCR, HPET, DMAR ---- */

static uint32_t spcr_baud(const struct acpi_spcr *s)
{
	static const uint32_t rates[] = { [3] = 9600, [4] = 19200,
					  [6] = 57600, [7] = 115200 };

	if (HAS_FIELD(s->hdr.length, struct acpi_spcr, precise_baud) &&
	    s->hdr.revision >= 4 && s->precise_baud)
		return s->precise_baud;
	return s->baud < ARRAY_SIZE(rates) ? rates[s->baud] : 0;
}

static void spcr_parse(struct acpi_ctx *c, const struct acpi_sdt_header *h, uint64_t pa)
{
	const struct acpi_spcr *s = (const void *)h;
	struct acpi_info *ai = c->ai;

	if (h->length < ACPI_SPCR_MIN_LEN) {
		acpi_warn(c, "SPCR at 0x%llx: length %u below %u, skipped",
			  (unsigned long long)pa, h->length, ACPI_SPCR_MIN_LEN);
		return;
	}
	if (s->base.space_id > ACPI_GAS_IO || !s->base.address) {
		acpi_warn(c, "SPCR at 0x%llx: base space %u address 0x%llx unusable, skipped",
			  (unsigned long long)pa, s->base.space_id,
			  (unsigned long long)s->base.address);
		return;
	}
	ai->has_spcr = true;
	ai->spcr_space = s->base.space_id;
	ai->spcr_addr = s->base.address;
	ai->spcr_iftype = s->interface_type;
	ai->spcr_baud = spcr_baud(s);
}

static void hpet_parse(struct acpi_ctx *c, const struct acpi_sdt_header *h, uint64_t pa)
{
	const struct acpi_hpet *t = (const void *)h;

	if (h->length < sizeof(*t)) {
		acpi_warn(c, "HPET at 0x%llx: length %u below %zu, skipped",
			  (unsigned long long)pa, h->length, sizeof(*t));
		return;
	}
	if (t->base.space_id != ACPI_GAS_MEMORY || !t->base.address) {
		acpi_warn(c, "HPET at 0x%llx: base space %u address 0x%llx unusable, skipped",
			  (unsigned long long)pa, t->base.space_id,
			  (unsigned long long)t->base.address);
		return;
	}
	c->ai->has_hpet = true;
	c->ai->hpet_pa = t->base.address;
}

static void dmar_record(struct acpi_ctx *c, const struct acpi_sdt_header *h, uint64_t pa)
{
	c->ai->dmar_pa = pa;
	c->ai->dmar_len = h->length;
}

/* ---- Root tables ---- */

static const struct {
	char sig[4];
	unsigned flag;
	void (*parse)(struct acpi_ctx *c, const struct acpi_sdt_header *h, uint64_t pa);
} acpi_parsers[] = {
	{ "APIC", PARSED_MADT, madt_parse },
	{ "MCFG", PARSED_MCFG, mcfg_parse },
	{ "FACP", PARSED_FADT, fadt_parse },
	{ "SPCR", PARSED_SPCR, spcr_parse },
	{ "HPET", PARSED_HPET, hpet_parse },
	{ "DMAR", PARSED_DMAR, dmar_record },
};

static void acpi_table_dispatch(struct acpi_ctx *c, const struct acpi_sdt_header *h,
				uint64_t pa)
{
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(acpi_parsers); i++) {
		if (memcmp(h->sig, acpi_parsers[i].sig, 4) != 0)
			continue;
		if (c->parsed & acpi_parsers[i].flag) {
			acpi_warn(c, "%.4s at 0x%llx: second instance, ignored",
				  acpi_parsers[i].sig, (unsigned long long)pa);
			return;
		}
		c->parsed |= acpi_parsers[i].flag;
		acpi_parsers[i].parse(c, h, pa);
		return;
	}
}

/* Walk the entries of the XSDT (entry_size 8) or RSDT (4). */
static void acpi_root_walk(struct acpi_ctx *c, const struct acpi_sdt_header *root,
			   size_t entry_size)
{
	const uint8_t *entries = (const uint8_t *)(root + 1);
	size_t i, n = (root->length - sizeof(*root)) / entry_size;
	const struct acpi_sdt_header *h;
	char what[32];
	uint64_t pa;

	if ((root->length - sizeof(*root)) % entry_size)
		acpi_warn(c, "%.4s: length %u leaves a partial entry, ignored",
			  root->sig, root->length);
	for (i = 0; i < n; i++) {
		pa = 0;
		memcpy(&pa, entries + i * entry_size, entry_size);
		snprintf(what, sizeof(what), "%.4s entry %zu", root->sig, i);
		if (!pa) {
			acpi_warn(c, "%s is null, skipped", what);
			continue;
		}
		h = acpi_table_map(c, pa, NULL, what);
		if (!h)
			continue;
		acpi_table_record(c, h, pa);
		acpi_table_dispatch(c, h, pa);
	}
}

/* Check the RSDP (5.2.5.3): signature, v1 checksum, v2+ length/checksum. */
static const struct acpi_rsdp *acpi_rsdp_map(struct acpi_ctx *c, uint64_t pa)
{
	const struct acpi_rsdp *r = acpi_map(c, pa, ACPI_RSDP_V1_LEN);
	const void *whole;
	uint8_t sum;

	if (!r || memcmp(r->sig, "RSD PTR ", 8) != 0) {
		acpi_warn(c, "RSDP at 0x%llx: %s, unusable", (unsigned long long)pa,
			  r ? "bad signature" : "not accessible");
		return NULL;
	}
	sum = acpi_checksum(r, ACPI_RSDP_V1_LEN);
	if (sum) {
		acpi_warn(c, "RSDP at 0x%llx: bad checksum (sum 0x%02x), unusable",
			  (unsigned long long)pa, sum);
		return NULL;
	}
	if (r->revision < 2)
		return r;
	r = acpi_map(c, pa, sizeof(*r));
	whole = r && r->length >= sizeof(*r) && r->length <= 4096 ?
		acpi_map(c, pa, r->length) : NULL;
	if (!whole) {
		acpi_warn(c, "RSDP at 0x%llx: revision %u length %u unusable",
			  (unsigned long long)pa, r ? r->revision : 0u, r ? r->length : 0u);
		return NULL;
	}
	sum = acpi_checksum(whole, r->length);
	if (sum) {
		acpi_warn(c, "RSDP at 0x%llx: bad extended checksum (sum 0x%02x), unusable",
			  (unsigned long long)pa, sum);
		return NULL;
	}
	return r;
}

int acpi_parse(struct acpi_info *ai, uint64_t rsdp_pa, const struct acpi_mem *mem,
	       acpi_report_fn report, void *rctx)
{
	struct acpi_ctx c = { .ai = ai, .mem = mem, .report = report, .rctx = rctx };
	const struct acpi_sdt_header *root = NULL;
	const struct acpi_rsdp *r;

	memset(ai, 0, sizeof(*ai));
	ai->rsdp_pa = rsdp_pa;
	/* The loader hands over 0 when the firmware installed no RSDP. */
	if (!rsdp_pa)
		return -ENOENT;
	r = acpi_rsdp_map(&c, rsdp_pa);
	if (!r)
		return -EINVAL;
	ai->revision = r->revision;
	acpi_str(ai->oem_id, r->oem_id, 6);
	if (r->revision >= 2 && r->xsdt_pa) {
		root = acpi_table_map(&c, r->xsdt_pa, "XSDT", "XSDT");
		if (root) {
			acpi_root_walk(&c, root, sizeof(uint64_t));
			return 0;
		}
		if (r->rsdt_pa)
			acpi_warn(&c, "falling back to the RSDT at 0x%x", r->rsdt_pa);
	}
	if (r->rsdt_pa)
		root = acpi_table_map(&c, r->rsdt_pa, "RSDT", "RSDT");
	if (!root) {
		acpi_warn(&c, "RSDP at 0x%llx: no usable XSDT or RSDT",
			  (unsigned long long)rsdp_pa);
		return -EINVAL;
	}
	acpi_root_walk(&c, root, sizeof(uint32_t));
	return 0;
}
