/*
 * Options parser (hv/options.c) on arbitrary command lines, irqvisor.cfg
 * files and `set` arguments. Byte 0 picks the parser, the rest is the text.
 *
 * Invariants: one report per counted error, each one printable line; every
 * option keeps a value its descriptor allows whatever the input; `show`
 * output (options_format) parses back, as a config file and as a command
 * line, to the same options with no error, and its length is what it
 * returns (a short buffer gets a terminated prefix); applying the same input
 * twice changes nothing the second time; a failed options_set() changes
 * nothing; an accepted BDF formats and parses back to itself.
 */
#include <errno.h>

#include "drivers/bits.h"
#include "hv/options.h"
#include "tests/fuzz/fuzz.h"

enum { MODE_CMDLINE, MODE_CONFIG, MODE_SET, MODE_BDF, MODES };

struct reports {
	int n;
};

static void report(void *ctx, const char *msg)
{
	struct reports *r = ctx;

	r->n++;
	FUZZ_CHECK(fuzz_printable_line(msg, OPT_ERR_MAX + 48), "report \"%s\"", msg);
}

static bool str_ok(const char *s, size_t size)
{
	return memchr(s, '\0', size) && fuzz_printable_line(s, size) && !strchr(s, '"');
}

static void check_valid(const struct hv_options *o)
{
	struct opt_bdf b;

	FUZZ_CHECK(o->cpu <= OPT_CPU_VMX, "cpu %u", o->cpu);
	FUZZ_CHECK(o->guest_mem >= MiB(16) && o->guest_mem <= GiB(64) &&
		   o->guest_mem % MiB(2) == 0, "guestmem %llu",
		   (unsigned long long)o->guest_mem);
	FUZZ_CHECK(o->hv_mem >= MiB(4) && o->hv_mem <= GiB(1) && o->hv_mem % MiB(2) == 0,
		   "hvmem %llu", (unsigned long long)o->hv_mem);
	FUZZ_CHECK(o->iters >= 1 && o->iters <= 1000000, "iters %u", o->iters);
	FUZZ_CHECK(o->warmup <= 100000, "warmup %u", o->warmup);
	FUZZ_CHECK(o->hist == OPT_OFF || o->hist == OPT_ON, "hist %u", o->hist);
	FUZZ_CHECK(o->irt_entries >= 2 && o->irt_entries <= 65536 &&
		   !(o->irt_entries & (o->irt_entries - 1)), "irt %u", o->irt_entries);
	FUZZ_CHECK(str_ok(o->dev, sizeof(o->dev)) &&
		   (!strcmp(o->dev, "auto") || !options_parse_bdf(o->dev, &b)),
		   "dev \"%.16s\"", o->dev);
	FUZZ_CHECK(str_ok(o->autorun, sizeof(o->autorun)), "autorun \"%.512s\"", o->autorun);
}

/* Field by field: the string fields' bytes after their NUL do not count. */
static bool same(const struct hv_options *a, const struct hv_options *b)
{
	return a->cpu == b->cpu && a->guest_mem == b->guest_mem && a->hv_mem == b->hv_mem &&
	       a->iters == b->iters && a->warmup == b->warmup &&
	       a->irt_entries == b->irt_entries && a->hist == b->hist && !strcmp(a->dev, b->dev) &&
	       !strcmp(a->autorun, b->autorun);
}

static void check_round_trip(const struct hv_options *o)
{
	static char text[4096], cut[4096], line[4096];
	struct hv_options back;
	struct reports r = { 0 };
	int n = options_format(o, text, sizeof(text)), m;
	size_t i;

	FUZZ_CHECK(n > 0 && (size_t)n == strlen(text), "format returned %d", n);
	options_init(&back);
	FUZZ_CHECK(options_parse_config(&back, text, (size_t)n, report, &r) == 0 && !r.n,
		   "show output is not a valid config file:\n%s", text);
	FUZZ_CHECK(same(o, &back), "config round trip differs:\n%s", text);
	for (i = 0; text[i]; i++)
		line[i] = text[i] == '\n' ? ' ' : text[i];
	line[i] = '\0';
	options_init(&back);
	FUZZ_CHECK(options_parse_cmdline(&back, line, report, &r) == 0 && !r.n,
		   "show output is not a valid command line: %s", line);
	FUZZ_CHECK(same(o, &back), "command line round trip differs: %s", line);
	for (i = 1; i < (size_t)n; i += 1 + i / 3) {
		m = options_format(o, cut, i);
		FUZZ_CHECK(m == n && strlen(cut) == i - 1 && !memcmp(cut, text, i - 1),
			   "format into %zu bytes", i);
	}
}

/* Apply text in mode; returns the error count and checks it against the
 * reports. The text is NUL-terminated at len. */
static int apply(struct hv_options *o, int mode, const char *text, size_t len)
{
	struct reports r = { 0 };
	char err[OPT_ERR_MAX];
	struct hv_options before = *o;
	const char *value;
	int errors, ret;

	switch (mode) {
	case MODE_CMDLINE:
		errors = options_parse_cmdline(o, text, report, &r);
		break;
	case MODE_CONFIG:
		errors = options_parse_config(o, text, len, report, &r);
		break;
	default:
		value = text + strlen(text) + (strlen(text) < len);
		ret = options_set(o, text, value, err, sizeof(err));
		FUZZ_CHECK(ret == 0 || ret == -EINVAL || ret == -ENOENT, "set returned %d", ret);
		if (ret) {
			report(&r, err);
			FUZZ_CHECK(same(o, &before), "a refused set changed the options");
		}
		errors = ret != 0;
		break;
	}
	FUZZ_CHECK(errors == r.n, "%d errors, %d reports", errors, r.n);
	return errors;
}

static void check_bdf(const char *s)
{
	struct opt_bdf b, back;
	char text[32];

	if (options_parse_bdf(s, &b))
		return;
	FUZZ_CHECK(b.dev < 32 && b.fn < 8, "bdf %x.%x", b.dev, b.fn);
	snprintf(text, sizeof(text), "%04x:%02x:%02x.%x", b.seg, b.bus, b.dev, b.fn);
	FUZZ_CHECK(!options_parse_bdf(text, &back) && back.seg == b.seg && back.bus == b.bus &&
		   back.dev == b.dev && back.fn == b.fn, "\"%s\" -> %s", s, text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hv_options o, once;
	char *text;
	size_t len;
	int mode;

	if (size < 1)
		return 0;
	mode = data[0] % MODES;
	len = size - 1;
	text = malloc(len + 1);
	memcpy(text, data + 1, len);
	text[len] = '\0';
	if (mode == MODE_BDF) {
		check_bdf(text);
		free(text);
		return 0;
	}
	options_init(&o);
	apply(&o, mode, text, len);
	check_valid(&o);
	check_round_trip(&o);
	once = o;
	apply(&o, mode, text, len);
	FUZZ_CHECK(same(&o, &once), "the same input applied twice changed the options");
	free(text);
	return 0;
}
