/*
 * Hypervisor options. Everything about an option lives in one descriptor in
 * opt_table[]; set, show (options_format) and help (options_describe) walk
 * that table and dispatch on the option's kind only, never on its key.
 *
 * Bad input never aborts: each bad token yields one message naming the key,
 * the value and what is allowed, and the option keeps its previous value.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/bits.h"
#include "drivers/lapic_mode.h"
#include "hv/options.h"

enum opt_kind { OPT_KIND_ENUM, OPT_KIND_SIZE, OPT_KIND_UINT, OPT_KIND_STRING };

struct opt_desc {
	const char *key;
	enum opt_kind kind;
	size_t offset;			/* of the field in struct hv_options */
	size_t size;			/* of that field */
	uint64_t def;			/* default: enum index, size or number */
	const char *def_str;		/* default of a string option */
	uint64_t min, max;		/* size, uint: inclusive range */
	uint64_t align;			/* size: must be a multiple of this */
	bool pow2;			/* uint: must be a power of two */
	bool zero_off;			/* uint: 0 is allowed too, meaning off */
	int (*check)(const char *val);	/* string: 0 when acceptable */
	const char *allowed;		/* string: what check accepts */
	const char *const *names;	/* enum: NULL-terminated, index == value */
	const char *help;
};

#define OPT_FIELD(m) \
	.offset = offsetof(struct hv_options, m), \
	.size = sizeof(((struct hv_options *)0)->m)

/* opt_store()/opt_load() move enums through a uint32_t. */
_Static_assert(sizeof(enum opt_cpu) == sizeof(uint32_t), "enum opt_cpu size");
_Static_assert(OPT_CPU_AUTO == 0 && OPT_CPU_SVM == 1 && OPT_CPU_VMX == 2,
	       "cpu_names[] is indexed by enum opt_cpu");

static const char *const cpu_names[] = { "auto", "svm", "vmx", NULL };

_Static_assert(sizeof(enum opt_apic) == sizeof(uint32_t), "enum opt_apic size");
_Static_assert(OPT_APIC_AUTO == 0 && OPT_APIC_XAPIC == 1 && OPT_APIC_X2APIC == 2 &&
	       OPT_APIC_PASSTHROUGH == 3, "apic_names[] is indexed by enum opt_apic");

_Static_assert(OPT_APIC_AUTO == (int)LAPIC_WANT_KEEP && OPT_APIC_XAPIC == (int)LAPIC_WANT_XAPIC &&
	       OPT_APIC_X2APIC == (int)LAPIC_WANT_X2APIC, "apic= maps onto enum lapic_want");

static const char *const apic_names[] = { "auto", "xapic", "x2apic", "passthrough", NULL };

_Static_assert(sizeof(enum opt_msix) == sizeof(uint32_t), "enum opt_msix size");
_Static_assert(OPT_MSIX_TRAP == 0 && OPT_MSIX_MAP == 1, "msix_names[] is indexed by enum opt_msix");

static const char *const msix_names[] = { "trap", "map", NULL };

_Static_assert(sizeof(enum opt_delivery) == sizeof(uint32_t), "enum opt_delivery size");
_Static_assert(OPT_DELIVERY_INJECT == 0 && OPT_DELIVERY_DIRECT == 1 && OPT_DELIVERY_POSTED == 2,
	       "delivery_names[] is indexed by enum opt_delivery");

static const char *const delivery_names[] = { "inject", "direct", "posted", NULL };

_Static_assert(sizeof(enum opt_eoi) == sizeof(uint32_t), "enum opt_eoi size");
_Static_assert(OPT_EOI_TRAP == 0 && OPT_EOI_PV == 1 && OPT_EOI_HW == 2,
	       "eoi_names[] is indexed by enum opt_eoi");

static const char *const eoi_names[] = { "trap", "pv", "hw", NULL };

_Static_assert(sizeof(enum opt_source) == sizeof(uint32_t), "enum opt_source size");
_Static_assert(OPT_SOURCE_AUTO == 0 && OPT_SOURCE_DEVICE == 1 && OPT_SOURCE_TIMER == 2,
	       "source_names[] is indexed by enum opt_source");

static const char *const source_names[] = { "auto", "device", "timer", NULL };

_Static_assert(sizeof(enum opt_yesno) == sizeof(uint32_t), "enum opt_yesno size");
_Static_assert(OPT_NO == 0 && OPT_YES == 1, "no_yes_names[] is indexed by enum opt_yesno");

static const char *const no_yes_names[] = { "no", "yes", NULL };

_Static_assert(sizeof(enum opt_onoff) == sizeof(uint32_t), "enum opt_onoff size");
_Static_assert(OPT_OFF == 0 && OPT_ON == 1, "off_on_names[] is indexed by enum opt_onoff");

static const char *const off_on_names[] = { "off", "on", NULL };

int options_parse_bdf(const char *s, struct opt_bdf *out)
{
	unsigned seg = 0, bus, dev, fn;
	int n = 0;

	/* sscanf alone would take blanks and signs: only the pattern's
	 * characters are allowed. */
	if (!*s || strspn(s, "0123456789abcdefABCDEF:.") != strlen(s))
		return -EINVAL;
	if (sscanf(s, "%4x:%2x:%2x.%1x%n", &seg, &bus, &dev, &fn, &n) == 4 && !s[n])
		goto check;
	seg = 0;
	n = 0;
	if (sscanf(s, "%2x:%2x.%1x%n", &bus, &dev, &fn, &n) != 3 || s[n])
		return -EINVAL;
check:
	if (dev > 0x1f || fn > 7 || !isxdigit((unsigned char)s[0]))
		return -EINVAL;
	*out = (struct opt_bdf){ (uint16_t)seg, (uint8_t)bus, (uint8_t)dev, (uint8_t)fn };
	return 0;
}

static int opt_check_dev(const char *val)
{
	struct opt_bdf b;

	return strcmp(val, "auto") ? options_parse_bdf(val, &b) : 0;
}

static const struct opt_desc opt_table[] = {
	{ .key = "cpu", .kind = OPT_KIND_ENUM, OPT_FIELD(cpu),
	  .def = OPT_CPU_AUTO, .names = cpu_names,
	  .help = "CPU backend; auto picks SVM or VMX by CPU vendor" },
	{ .key = "guestmem", .kind = OPT_KIND_SIZE, OPT_FIELD(guest_mem),
	  .def = MiB(64), .min = MiB(16), .max = GiB(64), .align = MiB(2),
	  .help = "guest RAM" },
	{ .key = "hvmem", .kind = OPT_KIND_SIZE, OPT_FIELD(hv_mem),
	  .def = MiB(16), .min = MiB(4), .max = GiB(1), .align = MiB(2),
	  .help = "hypervisor memory pool" },
	{ .key = "iters", .kind = OPT_KIND_UINT, OPT_FIELD(iters),
	  .def = 10000, .min = 1, .max = 1000000,
	  .help = "measured iterations per benchmark" },
	{ .key = "warmup", .kind = OPT_KIND_UINT, OPT_FIELD(warmup),
	  .def = 100, .min = 0, .max = 100000,
	  .help = "unmeasured warm-up iterations per benchmark" },
	{ .key = "irt", .kind = OPT_KIND_UINT, OPT_FIELD(irt_entries),
	  .def = 256, .min = 2, .max = 65536, .pow2 = true,
	  .help = "interrupt remapping table entries per VT-d unit" },
	{ .key = "watchdog", .kind = OPT_KIND_UINT, OPT_FIELD(watchdog_ms),
	  .def = 1000, .min = 20, .max = 60000, .zero_off = true,
	  .help = "ms a guest may run without an exit before it is stopped; "
		  "Ctrl-C is read every quarter of it" },
	{ .key = "apic", .kind = OPT_KIND_ENUM, OPT_FIELD(apic),
	  .def = OPT_APIC_AUTO, .names = apic_names,
	  .help = "the hv's local APIC mode; auto keeps what firmware left, x2apic "
		  "switches to it (needs CPUID x2APIC), xapic cannot leave x2APIC; "
		  "passthrough keeps what firmware left and lets delivery=direct map "
		  "the xAPIC page into the guest (not isolated: the guest then owns "
		  "the local APIC)" },
	{ .key = "msix", .kind = OPT_KIND_ENUM, OPT_FIELD(msix),
	  .def = OPT_MSIX_TRAP, .names = msix_names,
	  .help = "the assigned device's MSI-X table: trap (every access exits and is "
		  "emulated) or map (mapped into the guest, which asks the hv by "
		  "hypercall for remappable address/data pairs)" },
	{ .key = "delivery", .kind = OPT_KIND_ENUM, OPT_FIELD(delivery),
	  .def = OPT_DELIVERY_INJECT, .names = delivery_names,
	  .help = "how a device interrupt reaches the guest: inject (exit, then a "
		  "virtual interrupt), direct (the guest's own IDT, no exit), posted "
		  "(VT-d posted interrupts, where CPU and IOMMU have them)" },
	{ .key = "eoi", .kind = OPT_KIND_ENUM, OPT_FIELD(eoi),
	  .def = OPT_EOI_TRAP, .names = eoi_names,
	  .help = "how the guest's EOI reaches the hv: trap (an APIC page write that "
		  "exits), pv (a flag in memory shared with the hv), hw (APIC "
		  "virtualization: VMX virtual-interrupt delivery, SVM AVIC)" },
	{ .key = "dev", .kind = OPT_KIND_STRING, OPT_FIELD(dev),
	  .def_str = "auto", .check = opt_check_dev,
	  .allowed = "auto or [SSSS:]BB:DD.F in hex, e.g. 01:00.0",
	  .help = "the PCI function assigned to the guest" },
	{ .key = "source", .kind = OPT_KIND_ENUM, OPT_FIELD(source),
	  .def = OPT_SOURCE_AUTO, .names = source_names,
	  .help = "what interrupt tests and benchmarks raise: the assigned device "
		  "(82574, NVMe), the local APIC timer, or auto: the device when it "
		  "has a driver, else the timer" },
	{ .key = "guestnvme", .kind = OPT_KIND_ENUM, OPT_FIELD(guest_nvme),
	  .def = OPT_NO, .names = no_yes_names,
	  .help = "let the guest drive an assigned NVMe controller: its registers are "
		  "mapped into the guest, which could then send any command (write, "
		  "format) the hv cannot filter; only for a disk whose data may be lost, "
		  "such as the QEMU runner's scratch image. no: the hv drives it alone "
		  "(read-only commands) and the guest's interrupt tests use the timer" },
	{ .key = "hist", .kind = OPT_KIND_ENUM, OPT_FIELD(hist),
	  .def = OPT_OFF, .names = off_on_names,
	  .help = "after each RESULT with samples, a HIST line: their log-scale "
		  "histogram (README, Result format)" },
	{ .key = "autorun", .kind = OPT_KIND_STRING, OPT_FIELD(autorun),
	  .def_str = "",
	  .help = "console commands run at start, separated by ';'" },
};

/* Longest number text accepted by opt_parse_u64(), suffix included. */
#define OPT_NUM_MAX	32
/* Buffer for a value quoted into a message; longer values end in "...". */
#define OPT_QUOTE_MAX	72
/* Buffer for the "allowed: ..." text of one option. */
#define OPT_ALLOWED_MAX	160

/* ---- output helpers ------------------------------------------------------ */

/* snprintf-style accumulator: pos counts what would have been written. */
struct opt_buf {
	char *buf;
	size_t len;
	size_t pos;
};

static void ob_init(struct opt_buf *b, char *buf, size_t len)
{
	b->buf = len ? buf : NULL;
	b->len = len;
	b->pos = 0;
	if (b->buf)
		b->buf[0] = '\0';
}

static void __attribute__((format(printf, 2, 3)))
ob_printf(struct opt_buf *b, const char *fmt, ...)
{
	size_t room = b->pos < b->len ? b->len - b->pos : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? b->buf + b->pos : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->pos += (size_t)n;
}

/*
 * Copy @n bytes of untrusted text for a message: printable ASCII as is,
 * '"' and '\' escaped, anything else as \xHH; cut with "..." if too long.
 */
static void opt_escape(char *dst, size_t dstlen, const char *s, size_t n)
{
	size_t o = 0, i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char tmp[8];
		int w;

		if (c == '"' || c == '\\')
			w = snprintf(tmp, sizeof(tmp), "\\%c", c);
		else if (isprint(c))
			w = snprintf(tmp, sizeof(tmp), "%c", c);
		else
			w = snprintf(tmp, sizeof(tmp), "\\x%02x", c);
		if (o + (size_t)w + sizeof("...") > dstlen) {
			memcpy(dst + o, "...", sizeof("..."));
			return;
		}
		memcpy(dst + o, tmp, (size_t)w);
		o += (size_t)w;
	}
	dst[o] = '\0';
}

static void opt_report(opt_report_fn report, void *ctx, const char *msg)
{
	if (report)
		report(ctx, msg);
}

void options_format_size(uint64_t bytes, char *buf, size_t len)
{
	static const struct { uint64_t unit; char suffix; } units[] = {
		{ GiB(1), 'G' }, { MiB(1), 'M' }, { KiB(1), 'K' },
	};
	size_t i;

	for (i = 0; bytes && i < ARRAY_SIZE(units); i++) {
		if (bytes % units[i].unit == 0) {
			snprintf(buf, len, "%llu%c",
				 (unsigned long long)(bytes / units[i].unit),
				 units[i].suffix);
			return;
		}
	}
	snprintf(buf, len, "%llu", (unsigned long long)bytes);
}

/* ---- field access -------------------------------------------------------- */

static void opt_store(struct hv_options *o, const struct opt_desc *d, uint64_t v)
{
	unsigned char *p = (unsigned char *)o + d->offset;
	uint32_t v32 = (uint32_t)v;

	if (d->size == sizeof(v))
		memcpy(p, &v, sizeof(v));
	else
		memcpy(p, &v32, sizeof(v32));
}

static uint64_t opt_load(const struct hv_options *o, const struct opt_desc *d)
{
	const unsigned char *p = (const unsigned char *)o + d->offset;
	uint64_t v;
	uint32_t v32;

	if (d->size == sizeof(v)) {
		memcpy(&v, p, sizeof(v));
		return v;
	}
	memcpy(&v32, p, sizeof(v32));
	return v32;
}

static char *opt_str(struct hv_options *o, const struct opt_desc *d)
{
	return (char *)o + d->offset;
}

/* ---- value parsing ------------------------------------------------------- */

static unsigned opt_suffix_shift(char c)
{
	switch (toupper((unsigned char)c)) {
	case 'K':
		return 10;
	case 'M':
		return 20;
	case 'G':
		return 30;
	default:
		return 0;
	}
}

/*
 * Decimal or 0x hex, with a K/M/G suffix if @suffix. The digits are checked
 * with strspn first because strtoull alone would accept leading blanks, a
 * sign, a second "0x" and (base 0) octal.
 */
static int opt_parse_u64(const char *val, size_t vlen, bool suffix, uint64_t *out)
{
	static const char dec[] = "0123456789";
	static const char hex[] = "0123456789abcdefABCDEF";
	char buf[OPT_NUM_MAX];
	const char *digits = buf;
	const char *set = dec;
	unsigned shift = 0;
	unsigned long long v;
	size_t ndigits;
	char *end;
	int base = 10;

	if (vlen == 0 || vlen >= sizeof(buf) || memchr(val, '\0', vlen))
		return -EINVAL;
	memcpy(buf, val, vlen);
	buf[vlen] = '\0';
	if (buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X')) {
		digits += 2;
		set = hex;
		base = 16;
	}
	ndigits = strspn(digits, set);
	if (ndigits == 0)
		return -EINVAL;
	errno = 0;
	v = strtoull(digits, &end, base);
	if (errno == ERANGE)
		return -ERANGE;
	if (end != digits + ndigits)
		return -EINVAL;
	if (suffix && *end) {
		shift = opt_suffix_shift(*end);
		if (!shift)
			return -EINVAL;
		end++;
	}
	if (*end)
		return -EINVAL;
	if (v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = (uint64_t)v << shift;
	return 0;
}

static int opt_set_enum(struct hv_options *o, const struct opt_desc *d,
			const char *val, size_t vlen)
{
	size_t i;

	for (i = 0; d->names[i]; i++) {
		if (strlen(d->names[i]) == vlen && !memcmp(d->names[i], val, vlen)) {
			opt_store(o, d, i);
			return 0;
		}
	}
	return -EINVAL;
}

static int opt_set_number(struct hv_options *o, const struct opt_desc *d,
			  const char *val, size_t vlen)
{
	bool is_size = d->kind == OPT_KIND_SIZE;
	uint64_t v;
	int ret;

	ret = opt_parse_u64(val, vlen, is_size, &v);
	if (ret)
		return ret;
	if ((v < d->min || v > d->max) && !(d->zero_off && v == 0))
		return -ERANGE;
	if (is_size && v % d->align)
		return -EINVAL;
	if (d->pow2 && (v & (v - 1)))
		return -EINVAL;
	opt_store(o, d, v);
	return 0;
}

/* Printable ASCII without '"', so that `show` output parses back unchanged. */
static int opt_set_string(struct hv_options *o, const struct opt_desc *d,
			  const char *val, size_t vlen)
{
	size_t i;

	if (vlen >= d->size)
		return -E2BIG;
	for (i = 0; i < vlen; i++) {
		unsigned char c = (unsigned char)val[i];

		if (!isprint(c) || c == '"')
			return -EINVAL;
	}
	if (d->check) {
		char tmp[OPT_AUTORUN_MAX];

		memcpy(tmp, val, vlen);
		tmp[vlen] = '\0';
		if (d->check(tmp))
			return -EINVAL;
	}
	memcpy(opt_str(o, d), val, vlen);
	opt_str(o, d)[vlen] = '\0';
	return 0;
}

/* ---- value display ------------------------------------------------------- */

static void opt_show_enum(const struct hv_options *o, const struct opt_desc *d,
			  struct opt_buf *b)
{
	uint64_t v = opt_load(o, d);
	size_t n = 0;

	while (d->names[n])
		n++;
	ob_printf(b, "%s", v < n ? d->names[v] : "?");
}

static void opt_show_size(const struct hv_options *o, const struct opt_desc *d,
			  struct opt_buf *b)
{
	char tmp[OPT_NUM_MAX];

	options_format_size(opt_load(o, d), tmp, sizeof(tmp));
	ob_printf(b, "%s", tmp);
}

static void opt_show_uint(const struct hv_options *o, const struct opt_desc *d,
			  struct opt_buf *b)
{
	ob_printf(b, "%llu", (unsigned long long)opt_load(o, d));
}

static void opt_show_string(const struct hv_options *o, const struct opt_desc *d,
			    struct opt_buf *b)
{
	const char *s = (const char *)o + d->offset;
	const char *nul = memchr(s, '\0', d->size);
	int n = nul ? (int)(nul - s) : (int)d->size;

	ob_printf(b, "\"%.*s\"", n, s);
}

/* ---- allowed values ------------------------------------------------------ */

static void opt_allowed_enum(const struct opt_desc *d, struct opt_buf *b)
{
	size_t i;

	for (i = 0; d->names[i]; i++)
		ob_printf(b, "%s%s", i ? "|" : "", d->names[i]);
}

static void opt_allowed_size(const struct opt_desc *d, struct opt_buf *b)
{
	char lo[OPT_NUM_MAX], hi[OPT_NUM_MAX], al[OPT_NUM_MAX];

	options_format_size(d->min, lo, sizeof(lo));
	options_format_size(d->max, hi, sizeof(hi));
	options_format_size(d->align, al, sizeof(al));
	ob_printf(b, "size %s..%s, multiple of %s", lo, hi, al);
}

static void opt_allowed_uint(const struct opt_desc *d, struct opt_buf *b)
{
	ob_printf(b, "%sinteger %llu..%llu%s", d->zero_off ? "0 (off) or " : "",
		  (unsigned long long)d->min,
		  (unsigned long long)d->max, d->pow2 ? ", a power of two" : "");
}

static void opt_allowed_string(const struct opt_desc *d, struct opt_buf *b)
{
	if (d->allowed) {
		ob_printf(b, "%s", d->allowed);
		return;
	}
	ob_printf(b, "up to %zu printable ASCII characters, no '\"'", d->size - 1);
}

/* ---- kinds --------------------------------------------------------------- */

struct opt_kind_ops {
	int (*set)(struct hv_options *o, const struct opt_desc *d,
		   const char *val, size_t vlen);
	void (*show)(const struct hv_options *o, const struct opt_desc *d,
		     struct opt_buf *b);
	void (*allowed)(const struct opt_desc *d, struct opt_buf *b);
	bool example;		/* error messages add ", e.g. DEFAULT" */
};

static const struct opt_kind_ops opt_kinds[] = {
	[OPT_KIND_ENUM] = { opt_set_enum, opt_show_enum, opt_allowed_enum, false },
	[OPT_KIND_SIZE] = { opt_set_number, opt_show_size, opt_allowed_size, true },
	[OPT_KIND_UINT] = { opt_set_number, opt_show_uint, opt_allowed_uint, false },
	[OPT_KIND_STRING] = { opt_set_string, opt_show_string, opt_allowed_string, false },
};

static const struct opt_desc *opt_find(const char *key, size_t klen)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(opt_table); i++) {
		const struct opt_desc *d = &opt_table[i];

		if (strlen(d->key) == klen && !memcmp(d->key, key, klen))
			return d;
	}
	return NULL;
}

static void opt_keys(struct opt_buf *b)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(opt_table); i++)
		ob_printf(b, "%s%s", i ? ", " : "", opt_table[i].key);
}

void options_init(struct hv_options *o)
{
	size_t i;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < ARRAY_SIZE(opt_table); i++) {
		const struct opt_desc *d = &opt_table[i];

		if (d->kind == OPT_KIND_STRING)
			snprintf(opt_str(o, d), d->size, "%s", d->def_str);
		else
			opt_store(o, d, d->def);
	}
}

/* ---- setting ------------------------------------------------------------- */

static void opt_bad_value(const struct opt_desc *d, const char *val, size_t vlen,
			  char *err, size_t errlen)
{
	const struct opt_kind_ops *ops = &opt_kinds[d->kind];
	char quoted[OPT_QUOTE_MAX], allowed[OPT_ALLOWED_MAX];
	struct opt_buf b;

	opt_escape(quoted, sizeof(quoted), val, vlen);
	ob_init(&b, allowed, sizeof(allowed));
	ops->allowed(d, &b);
	if (ops->example) {
		struct hv_options defaults;

		options_init(&defaults);
		ob_printf(&b, ", e.g. ");
		ops->show(&defaults, d, &b);
	}
	snprintf(err, errlen, "option %s: bad value \"%s\" (allowed: %s)",
		 d->key, quoted, allowed);
}

static void opt_unknown_key(const char *key, size_t klen, char *err, size_t errlen)
{
	char quoted[OPT_QUOTE_MAX], keys[OPT_ALLOWED_MAX];
	struct opt_buf b;

	opt_escape(quoted, sizeof(quoted), key, klen);
	ob_init(&b, keys, sizeof(keys));
	opt_keys(&b);
	snprintf(err, errlen, "option %s: unknown key (allowed: %s)", quoted, keys);
}

/* options_set() on counted strings; the tokenizers point into their input. */
static int opt_set_n(struct hv_options *o, const char *key, size_t klen,
		     const char *val, size_t vlen, char *err, size_t errlen)
{
	const struct opt_desc *d = opt_find(key, klen);

	if (!err)
		errlen = 0;
	if (!d) {
		opt_unknown_key(key, klen, err, errlen);
		return -ENOENT;
	}
	if (opt_kinds[d->kind].set(o, d, val, vlen)) {
		opt_bad_value(d, val, vlen, err, errlen);
		return -EINVAL;
	}
	return 0;
}

int options_set(struct hv_options *o, const char *key, const char *value,
		char *err, size_t errlen)
{
	if (!value)
		value = "";
	if (!key)
		key = "";
	return opt_set_n(o, key, strlen(key), value, strlen(value), err, errlen);
}

/* ---- command line -------------------------------------------------------- */

static const char *opt_skip_space(const char *p)
{
	while (*p && isspace((unsigned char)*p))
		p++;
	return p;
}

static const char *opt_skip_token(const char *p)
{
	while (*p && !isspace((unsigned char)*p))
		p++;
	return p;
}

/* ISO C has no case-insensitive compare, hence the loop. */
static bool opt_is_program(const char *tok, size_t len)
{
	static const char ext[] = ".efi";
	size_t n = sizeof(ext) - 1, i;

	if (len < n || memchr(tok, '=', len))
		return false;
	for (i = 0; i < n; i++)
		if (tolower((unsigned char)tok[len - n + i]) != ext[i])
			return false;
	return true;
}

static void opt_bad_token(const char *tok, size_t len, const char *why,
			  char *err, size_t errlen)
{
	char quoted[OPT_QUOTE_MAX], keys[OPT_ALLOWED_MAX];
	struct opt_buf b;

	opt_escape(quoted, sizeof(quoted), tok, len);
	ob_init(&b, keys, sizeof(keys));
	opt_keys(&b);
	snprintf(err, errlen, "option token \"%s\": %s (expected key=value, keys: %s)",
		 quoted, why, keys);
}

/* A quoted value that is not closed, or has text right after its close. */
static void opt_bad_quote(const char *key, size_t klen, const char *val,
			  size_t vlen, bool closed, char *err, size_t errlen)
{
	char qkey[OPT_QUOTE_MAX], qval[OPT_QUOTE_MAX];

	opt_escape(qkey, sizeof(qkey), key, klen);
	opt_escape(qval, sizeof(qval), val, vlen);
	snprintf(err, errlen, "option %s: %s in value \"%s\" (allowed: %s)",
		 klen ? qkey : "(empty key)",
		 closed ? "text after closing quote" : "unterminated quote", qval,
		 closed ? "\"text\" followed by a blank" : "\"text\" with a closing '\"'");
}

/*
 * Parse one token starting at *pp (not blank) and advance *pp past it.
 * Returns 1 if it was bad (message in err), 0 otherwise.
 */
static int opt_cmdline_token(struct hv_options *o, const char **pp, bool first,
			     char *err, size_t errlen)
{
	const char *tok = *pp, *key = tok, *p = tok, *val, *q;
	size_t klen, vlen;

	p += strcspn(p, "= \t\r\n\v\f");
	klen = (size_t)(p - key);
	if (*p != '=') {
		*pp = p = opt_skip_token(p);
		if (first && opt_is_program(tok, (size_t)(p - tok)))
			return 0;
		opt_bad_token(tok, (size_t)(p - tok), "no '='", err, errlen);
		return 1;
	}
	val = ++p;
	if (*val == '"') {
		q = strchr(++val, '"');
		if (!q) {
			/* Nothing after an open quote can be trusted: stop here. */
			*pp = val + strlen(val);
			opt_bad_quote(key, klen, val, strlen(val), false, err, errlen);
			return 1;
		}
		vlen = (size_t)(q - val);
		p = q + 1;
		if (*p && !isspace((unsigned char)*p)) {
			*pp = opt_skip_token(p);
			opt_bad_quote(key, klen, val - 1, (size_t)(*pp - val + 1),
				      true, err, errlen);
			return 1;
		}
	} else {
		p = opt_skip_token(val);
		vlen = (size_t)(p - val);
	}
	*pp = p;
	if (klen == 0) {
		opt_bad_token(tok, (size_t)(p - tok), "empty key", err, errlen);
		return 1;
	}
	return opt_set_n(o, key, klen, val, vlen, err, errlen) ? 1 : 0;
}

int options_parse_cmdline(struct hv_options *o, const char *line,
			  opt_report_fn report, void *ctx)
{
	char err[OPT_ERR_MAX];
	const char *p = line ? line : "";
	bool first = true;
	int errors = 0;

	for (p = opt_skip_space(p); *p; p = opt_skip_space(p)) {
		if (opt_cmdline_token(o, &p, first, err, sizeof(err))) {
			opt_report(report, ctx, err);
			errors++;
		}
		first = false;
	}
	return errors;
}

/* ---- config file --------------------------------------------------------- */

static void opt_trim(const char **s, size_t *len)
{
	while (*len && isspace((unsigned char)**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len && isspace((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

/* Length of @line before a '#' comment; a '#' inside quotes is text. */
static size_t opt_strip_comment(const char *line, size_t len)
{
	bool quoted = false;
	size_t i;

	for (i = 0; i < len; i++) {
		if (line[i] == '"')
			quoted = !quoted;
		else if (line[i] == '#' && !quoted)
			return i;
	}
	return len;
}

/* One config line, without its '\n'. Returns 1 if bad (message in err). */
static int opt_config_line(struct hv_options *o, const char *line, size_t len,
			   char *err, size_t errlen)
{
	const char *eq, *key = line, *val;
	size_t klen, vlen;
	char quoted[OPT_QUOTE_MAX];

	if (memchr(line, '\0', len)) {
		opt_escape(quoted, sizeof(quoted), line, len);
		snprintf(err, errlen, "NUL byte in line \"%s\" (allowed: text lines key=value)",
			 quoted);
		return 1;
	}
	len = opt_strip_comment(line, len);
	opt_trim(&key, &len);
	if (!len)
		return 0;
	eq = memchr(key, '=', len);
	if (!eq || eq == key) {
		opt_bad_token(key, len, eq ? "empty key" : "no '='", err, errlen);
		return 1;
	}
	klen = (size_t)(eq - key);
	val = eq + 1;
	vlen = len - klen - 1;
	opt_trim(&key, &klen);
	opt_trim(&val, &vlen);
	if (vlen && *val == '"') {
		if (vlen < 2 || val[vlen - 1] != '"') {
			bool closed = memchr(val + 1, '"', vlen - 1) != NULL;

			opt_bad_quote(key, klen, closed ? val : val + 1,
				      closed ? vlen : vlen - 1, closed, err, errlen);
			return 1;
		}
		val++;
		vlen -= 2;
	}
	return opt_set_n(o, key, klen, val, vlen, err, errlen) ? 1 : 0;
}

int options_parse_config(struct hv_options *o, const char *text, size_t len,
			 opt_report_fn report, void *ctx)
{
	char err[OPT_ERR_MAX], msg[OPT_ERR_MAX + 48];
	unsigned long lineno = 0;
	size_t pos = 0;
	int errors = 0;

	while (pos < len) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t llen = nl ? (size_t)(nl - line) : len - pos;

		pos += llen + (nl ? 1 : 0);
		lineno++;
		if (opt_config_line(o, line, llen, err, sizeof(err))) {
			snprintf(msg, sizeof(msg), "%s line %lu: %s",
				 OPT_CONFIG_NAME, lineno, err);
			opt_report(report, ctx, msg);
			errors++;
		}
	}
	return errors;
}

/* ---- show and help ------------------------------------------------------- */

int options_format(const struct hv_options *o, char *buf, size_t len)
{
	struct opt_buf b;
	size_t i;

	ob_init(&b, buf, len);
	for (i = 0; i < ARRAY_SIZE(opt_table); i++) {
		const struct opt_desc *d = &opt_table[i];

		ob_printf(&b, "%s=", d->key);
		opt_kinds[d->kind].show(o, d, &b);
		ob_printf(&b, "\n");
	}
	return (int)b.pos;
}

int options_describe(char *buf, size_t len)
{
	struct hv_options defaults;
	struct opt_buf b;
	size_t i;

	options_init(&defaults);
	ob_init(&b, buf, len);
	for (i = 0; i < ARRAY_SIZE(opt_table); i++) {
		const struct opt_desc *d = &opt_table[i];
		const struct opt_kind_ops *ops = &opt_kinds[d->kind];

		ob_printf(&b, "%-9s ", d->key);
		ops->allowed(d, &b);
		ob_printf(&b, " (default ");
		ops->show(&defaults, d, &b);
		ob_printf(&b, "): %s\n", d->help);
	}
	return (int)b.pos;
}
