/* Unit tests of hv/options.c: parsing, precedence, messages, show and help. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/bits.h"
#include "hv/options.h"

#define CAPTURE_MAX 16

struct capture {
	int n;
	char msg[CAPTURE_MAX][OPT_ERR_MAX + 64];
};

static void capture_report(void *ctx, const char *msg)
{
	struct capture *c = ctx;

	assert_null(strchr(msg, '\n'));
	assert_true(strlen(msg) > 0);
	if (c->n < CAPTURE_MAX)
		snprintf(c->msg[c->n], sizeof(c->msg[0]), "%s", msg);
	c->n++;
}

static int cmdline(struct hv_options *o, const char *line, struct capture *c)
{
	memset(c, 0, sizeof(*c));
	return options_parse_cmdline(o, line, capture_report, c);
}

static int config(struct hv_options *o, const char *text, struct capture *c)
{
	memset(c, 0, sizeof(*c));
	return options_parse_config(o, text, strlen(text), capture_report, c);
}

/* Options always hold allowed values, whatever was parsed. */
static void assert_sane(const struct hv_options *o)
{
	assert_true(o->cpu == OPT_CPU_AUTO || o->cpu == OPT_CPU_SVM ||
		    o->cpu == OPT_CPU_VMX);
	assert_in_range(o->guest_mem, MiB(16), GiB(64));
	assert_int_equal(o->guest_mem % MiB(2), 0);
	assert_in_range(o->hv_mem, MiB(4), GiB(1));
	assert_int_equal(o->hv_mem % MiB(2), 0);
	assert_in_range(o->iters, 1, 1000000);
	assert_in_range(o->warmup, 0, 100000);
	assert_true(o->watchdog_ms == 0 || (o->watchdog_ms >= 20 && o->watchdog_ms <= 60000));
	assert_non_null(memchr(o->autorun, '\0', sizeof(o->autorun)));
}

static void assert_same(const struct hv_options *a, const struct hv_options *b)
{
	assert_int_equal(a->cpu, b->cpu);
	assert_int_equal(a->guest_mem, b->guest_mem);
	assert_int_equal(a->hv_mem, b->hv_mem);
	assert_int_equal(a->iters, b->iters);
	assert_int_equal(a->warmup, b->warmup);
	assert_int_equal(a->watchdog_ms, b->watchdog_ms);
	assert_string_equal(a->autorun, b->autorun);
}

/* Set key=value expecting @want; on failure the options must be unchanged. */
static void set_expect(const char *key, const char *value, int want)
{
	struct hv_options o, before;
	char err[OPT_ERR_MAX];
	int ret;

	options_init(&o);
	before = o;
	err[0] = '\0';
	ret = options_set(&o, key, value, err, sizeof(err));
	if (ret != want)
		fail_msg("set %s=\"%s\": got %d, want %d (%s)", key, value, ret,
			 want, err);
	if (ret) {
		assert_same(&o, &before);
		assert_true(strlen(err) > 0);
		assert_null(strchr(err, '\n'));
		assert_non_null(strstr(err, "allowed: "));
	}
	assert_sane(&o);
}

static uint64_t set_size(const char *key, const char *value)
{
	struct hv_options o;
	char err[OPT_ERR_MAX];

	options_init(&o);
	if (options_set(&o, key, value, err, sizeof(err)))
		fail_msg("set %s=%s: %s", key, value, err);
	return strcmp(key, "hvmem") ? o.guest_mem : o.hv_mem;
}

/* ---- defaults and options_set ----------------------------------------- */

static void test_defaults(void **state)
{
	struct hv_options o;

	(void)state;
	memset(&o, 0xa5, sizeof(o));
	options_init(&o);
	assert_int_equal(o.cpu, OPT_CPU_AUTO);
	assert_int_equal(o.guest_mem, MiB(64));
	assert_int_equal(o.hv_mem, MiB(16));
	assert_int_equal(o.iters, 10000);
	assert_int_equal(o.warmup, 100);
	assert_string_equal(o.autorun, "");
	assert_sane(&o);
}

static void test_cpu(void **state)
{
	struct hv_options o;
	char err[OPT_ERR_MAX];

	(void)state;
	options_init(&o);
	assert_int_equal(options_set(&o, "cpu", "svm", err, sizeof(err)), 0);
	assert_int_equal(o.cpu, OPT_CPU_SVM);
	assert_int_equal(options_set(&o, "cpu", "vmx", err, sizeof(err)), 0);
	assert_int_equal(o.cpu, OPT_CPU_VMX);
	assert_int_equal(options_set(&o, "cpu", "arm", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "option cpu: bad value \"arm\" (allowed: auto|svm|vmx)");
	assert_int_equal(o.cpu, OPT_CPU_VMX);
	assert_int_equal(options_set(&o, "cpu", "auto", err, sizeof(err)), 0);
	assert_int_equal(o.cpu, OPT_CPU_AUTO);

	set_expect("cpu", "SVM", -EINVAL);
	set_expect("cpu", "", -EINVAL);
	set_expect("cpu", "svm ", -EINVAL);
	set_expect("cpu", " svm", -EINVAL);
	set_expect("cpu", "sv", -EINVAL);
	set_expect("cpu", "svmx", -EINVAL);
}

static void test_unknown_key(void **state)
{
	struct hv_options o;
	char err[OPT_ERR_MAX];

	(void)state;
	options_init(&o);
	assert_int_equal(options_set(&o, "foo", "1", err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "option foo: unknown key (allowed: cpu, guestmem, "
			    "hvmem, iters, warmup, irt, watchdog, apic, msix, delivery, eoi, dev, source, guestnvme, hist, autorun)");
	set_expect("CPU", "svm", -ENOENT);
	set_expect("cpu ", "svm", -ENOENT);
	set_expect("", "svm", -ENOENT);
	set_expect("guest_mem", "64M", -ENOENT);
	set_expect("cpux", "svm", -ENOENT);
	set_expect("cp", "svm", -ENOENT);
}

static void test_size_good(void **state)
{
	(void)state;
	assert_int_equal(set_size("guestmem", "64M"), MiB(64));
	assert_int_equal(set_size("guestmem", "64m"), MiB(64));
	assert_int_equal(set_size("guestmem", "1G"), GiB(1));
	assert_int_equal(set_size("guestmem", "1g"), GiB(1));
	assert_int_equal(set_size("guestmem", "16384k"), MiB(16));
	assert_int_equal(set_size("guestmem", "65536K"), MiB(64));
	assert_int_equal(set_size("guestmem", "67108864"), MiB(64));
	assert_int_equal(set_size("guestmem", "0x4000000"), MiB(64));
	assert_int_equal(set_size("guestmem", "0X4000000"), MiB(64));
	assert_int_equal(set_size("guestmem", "0x40M"), MiB(64));
	assert_int_equal(set_size("guestmem", "0x1g"), GiB(1));
	assert_int_equal(set_size("guestmem", "0xaBcM"), MiB(0xabc));
	assert_int_equal(set_size("guestmem", "064M"), MiB(64)); /* not octal */
	assert_int_equal(set_size("guestmem", "16M"), MiB(16));	 /* min */
	assert_int_equal(set_size("guestmem", "64G"), GiB(64));	 /* max */
	assert_int_equal(set_size("guestmem", "18M"), MiB(18));
	assert_int_equal(set_size("hvmem", "4M"), MiB(4));
	assert_int_equal(set_size("hvmem", "1G"), GiB(1));
	assert_int_equal(set_size("hvmem", "1024M"), GiB(1));
	assert_int_equal(set_size("hvmem", "6m"), MiB(6));
}

static void test_size_bad(void **state)
{
	static const char *const bad[] = {
		"12X", "", "-64M", "+64M", " 64M", "64M ", "64MB", "64MM", "M",
		"0x", "0xG", "0x0x40M", "x40M", "1.5G", "64 M", "6 4M", "64T",
		"99999999999999999999G", "99999999999999999999",
		"18446744073709551615G", "17179869184G", "0xffffffffffffffffK",
		"0x10000000000000000", "18446744073709551616",
		"15M", "14M", "0", "0M", "65G", "66G", "64G1", "63M", "65M",
		"16777217", "1G1", "64\xe2\x80\x8bM", "\xff", "64M\t",
		"0000000000000000000000000000000000064M",
	};
	struct hv_options o;
	char err[OPT_ERR_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		set_expect("guestmem", bad[i], -EINVAL);
	set_expect("hvmem", "2M", -EINVAL);
	set_expect("hvmem", "3M", -EINVAL);
	set_expect("hvmem", "1026M", -EINVAL);
	set_expect("hvmem", "2G", -EINVAL);
	set_expect("hvmem", "5M", -EINVAL);

	options_init(&o);
	assert_int_equal(options_set(&o, "guestmem", "12X", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "option guestmem: bad value \"12X\" (allowed: size "
			    "16M..64G, multiple of 2M, e.g. 64M)");
	assert_int_equal(options_set(&o, "hvmem", "99999999999999999999G", err,
				     sizeof(err)), -EINVAL);
	assert_string_equal(err, "option hvmem: bad value \"99999999999999999999G\" "
			    "(allowed: size 4M..1G, multiple of 2M, e.g. 16M)");
	assert_int_equal(o.guest_mem, MiB(64));
	assert_int_equal(o.hv_mem, MiB(16));
}

static void test_uint(void **state)
{
	struct hv_options o;
	char err[OPT_ERR_MAX];

	(void)state;
	options_init(&o);
	assert_int_equal(options_set(&o, "iters", "1", err, sizeof(err)), 0);
	assert_int_equal(o.iters, 1);
	assert_int_equal(options_set(&o, "iters", "1000000", err, sizeof(err)), 0);
	assert_int_equal(o.iters, 1000000);
	assert_int_equal(options_set(&o, "iters", "0x10", err, sizeof(err)), 0);
	assert_int_equal(o.iters, 16);
	assert_int_equal(options_set(&o, "warmup", "0", err, sizeof(err)), 0);
	assert_int_equal(o.warmup, 0);
	assert_int_equal(options_set(&o, "warmup", "100000", err, sizeof(err)), 0);
	assert_int_equal(o.warmup, 100000);

	assert_int_equal(options_set(&o, "iters", "0", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "option iters: bad value \"0\" (allowed: integer 1..1000000)");
	assert_int_equal(o.iters, 16);

	set_expect("iters", "1000001", -EINVAL);
	set_expect("iters", "10K", -EINVAL);	/* no suffix on counts */
	assert_int_equal(options_set(&o, "irt", "4096", err, sizeof(err)), 0);
	assert_int_equal(o.irt_entries, 4096);
	set_expect("irt", "100", -EINVAL);	/* not a power of two */
	set_expect("irt", "1", -EINVAL);
	set_expect("irt", "131072", -EINVAL);

	/* watchdog: 0 is off, else 20..60000 ms */
	assert_int_equal(options_set(&o, "watchdog", "0", err, sizeof(err)), 0);
	assert_int_equal(o.watchdog_ms, 0);
	assert_int_equal(options_set(&o, "watchdog", "20", err, sizeof(err)), 0);
	assert_int_equal(o.watchdog_ms, 20);
	assert_int_equal(options_set(&o, "watchdog", "60000", err, sizeof(err)), 0);
	assert_int_equal(o.watchdog_ms, 60000);
	assert_int_equal(options_set(&o, "watchdog", "19", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "option watchdog: bad value \"19\" (allowed: 0 (off) or "
			    "integer 20..60000)");
	assert_int_equal(o.watchdog_ms, 60000);
	set_expect("watchdog", "1", -EINVAL);
	set_expect("watchdog", "60001", -EINVAL);
	set_expect("watchdog", "4294967296", -EINVAL);	/* would wrap to 0 */
	set_expect("watchdog", "-0", -EINVAL);
	set_expect("watchdog", "off", -EINVAL);
	set_expect("iters", "-1", -EINVAL);
	set_expect("iters", "1e3", -EINVAL);
	set_expect("iters", "4294967297", -EINVAL);	/* would wrap to 1 */
	set_expect("iters", "18446744073709551617", -EINVAL);
	set_expect("iters", "", -EINVAL);
	set_expect("iters", "ten", -EINVAL);
	set_expect("iters", "10 ", -EINVAL);
	set_expect("warmup", "100001", -EINVAL);
	set_expect("warmup", "-0", -EINVAL);
	set_expect("warmup", "0x", -EINVAL);
}

static void test_autorun(void **state)
{
	struct hv_options o;
	char err[OPT_ERR_MAX], longv[OPT_AUTORUN_MAX + 8];

	(void)state;
	options_init(&o);
	assert_int_equal(options_set(&o, "autorun", "selftest; poweroff", err,
				     sizeof(err)), 0);
	assert_string_equal(o.autorun, "selftest; poweroff");

	memset(longv, 'a', sizeof(longv));
	longv[OPT_AUTORUN_MAX] = '\0';		/* 512 characters: too long */
	assert_int_equal(options_set(&o, "autorun", longv, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "option autorun: bad value \"aaaa"));
	assert_non_null(strstr(err, "...\" (allowed: up to 511 printable ASCII"));
	assert_string_equal(o.autorun, "selftest; poweroff");

	longv[OPT_AUTORUN_MAX - 1] = '\0';	/* 511: fits */
	assert_int_equal(options_set(&o, "autorun", longv, err, sizeof(err)), 0);
	assert_string_equal(o.autorun, longv);

	assert_int_equal(options_set(&o, "autorun", "", err, sizeof(err)), 0);
	assert_string_equal(o.autorun, "");

	set_expect("autorun", "say \"hi\"", -EINVAL);
	set_expect("autorun", "bench\nall", -EINVAL);
	set_expect("autorun", "bench\tall", -EINVAL);
	set_expect("autorun", "caf\xc3\xa9", -EINVAL);
	set_expect("autorun", "a=b; #c", 0);
}

static void test_set_err_buffer(void **state)
{
	struct hv_options o;
	char small[12];

	(void)state;
	options_init(&o);
	memset(small, 'z', sizeof(small));
	assert_int_equal(options_set(&o, "cpu", "arm", small, sizeof(small)), -EINVAL);
	assert_string_equal(small, "option cpu:");
	assert_int_equal(options_set(&o, "cpu", "arm", NULL, 0), -EINVAL);
	assert_int_equal(options_set(&o, "nope", "1", NULL, 0), -ENOENT);
	assert_int_equal(options_set(&o, "cpu", "svm", NULL, 0), 0);
	assert_int_equal(o.cpu, OPT_CPU_SVM);
}

/* Hostile text in a message is escaped and cut, never copied raw. */
static void test_message_escaping(void **state)
{
	struct hv_options o;
	char err[OPT_ERR_MAX], key[300];

	(void)state;
	options_init(&o);
	assert_int_equal(options_set(&o, "cpu", "a\"b\\c\x01\xff", err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "option cpu: bad value \"a\\\"b\\\\c\\x01\\xff\" "
			    "(allowed: auto|svm|vmx)");

	memset(key, 'k', sizeof(key));
	key[sizeof(key) - 1] = '\0';
	assert_int_equal(options_set(&o, key, "1", err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "kkk...: unknown key (allowed: cpu,"));
	assert_true(strlen(err) < sizeof(err) - 1);
}

/* ---- command line ------------------------------------------------------ */

static void test_cmdline_basic(void **state)
{
	struct hv_options o;
	struct capture c;

	(void)state;
	options_init(&o);
	assert_int_equal(cmdline(&o, "cpu=svm autorun=\"selftest; poweroff\" "
				 "iters=5 warmup=0 guestmem=128M hvmem=0x2000000", &c), 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(o.cpu, OPT_CPU_SVM);
	assert_string_equal(o.autorun, "selftest; poweroff");
	assert_int_equal(o.iters, 5);
	assert_int_equal(o.warmup, 0);
	assert_int_equal(o.guest_mem, MiB(128));
	assert_int_equal(o.hv_mem, MiB(32));

	/* any blank separates, leading and trailing blanks are fine */
	assert_int_equal(cmdline(&o, " \t cpu=vmx\t\titers=6\r\n", &c), 0);
	assert_int_equal(o.cpu, OPT_CPU_VMX);
	assert_int_equal(o.iters, 6);

	/* quoted values may be empty or hold '=' and '#' */
	assert_int_equal(cmdline(&o, "autorun=\"\"", &c), 0);
	assert_string_equal(o.autorun, "");
	assert_int_equal(cmdline(&o, "autorun=\"set iters=3; bench #1\"", &c), 0);
	assert_string_equal(o.autorun, "set iters=3; bench #1");
	assert_int_equal(cmdline(&o, "cpu=\"svm\"", &c), 0);
	assert_int_equal(o.cpu, OPT_CPU_SVM);
}

static void test_cmdline_empty(void **state)
{
	struct hv_options o, d;
	struct capture c;

	(void)state;
	options_init(&o);
	options_init(&d);
	assert_int_equal(cmdline(&o, "", &c), 0);
	assert_int_equal(cmdline(&o, "   \t\r\n ", &c), 0);
	assert_int_equal(options_parse_cmdline(&o, NULL, capture_report, &c), 0);
	assert_same(&o, &d);
	/* no reporter: errors are still counted */
	assert_int_equal(options_parse_cmdline(&o, "cpu=arm x", NULL, NULL), 2);
	assert_same(&o, &d);
}

static void test_cmdline_program_name(void **state)
{
	struct hv_options o;
	struct capture c;

	(void)state;
	options_init(&o);
	assert_int_equal(cmdline(&o, "irqvisor.efi cpu=svm", &c), 0);
	assert_int_equal(o.cpu, OPT_CPU_SVM);
	assert_int_equal(cmdline(&o, "fs0:\\EFI\\BOOT\\BOOTX64.EFI cpu=vmx", &c), 0);
	assert_int_equal(o.cpu, OPT_CPU_VMX);
	assert_int_equal(cmdline(&o, "  IrqVisor.Efi   iters=9", &c), 0);
	assert_int_equal(o.iters, 9);
	assert_int_equal(cmdline(&o, "irqvisor.efi", &c), 0);
	assert_int_equal(cmdline(&o, ".efi iters=8", &c), 0);
	assert_int_equal(o.iters, 8);

	/* only a first token is a program name */
	assert_int_equal(cmdline(&o, "cpu=svm irqvisor.efi", &c), 1);
	assert_string_equal(c.msg[0], "option token \"irqvisor.efi\": no '=' "
			    "(expected key=value, keys: cpu, guestmem, hvmem, iters, "
			    "warmup, irt, watchdog, apic, msix, delivery, eoi, dev, source, guestnvme, hist, autorun)");
	assert_int_equal(cmdline(&o, "irqvisor.efi other.efi", &c), 1);
	/* not ending in .efi, or holding '=' */
	assert_int_equal(cmdline(&o, "irqvisor cpu=vmx", &c), 1);
	assert_int_equal(o.cpu, OPT_CPU_VMX);
	assert_int_equal(cmdline(&o, "irqvisor.efix cpu=svm", &c), 1);
	assert_int_equal(cmdline(&o, "irqvisor.ef cpu=svm", &c), 1);
	assert_int_equal(cmdline(&o, "a=b.efi", &c), 1);
	assert_non_null(strstr(c.msg[0], "option a: unknown key"));
	assert_int_equal(cmdline(&o, "efi", &c), 1);
}

static void test_cmdline_bad_tokens(void **state)
{
	struct hv_options o, d;
	struct capture c;

	(void)state;
	options_init(&o);
	options_init(&d);
	assert_int_equal(cmdline(&o, "foo", &c), 1);
	assert_non_null(strstr(c.msg[0], "\"foo\": no '='"));
	assert_int_equal(cmdline(&o, "=", &c), 1);
	assert_non_null(strstr(c.msg[0], "option token \"=\": empty key"));
	assert_int_equal(cmdline(&o, "=svm", &c), 1);
	assert_non_null(strstr(c.msg[0], "\"=svm\": empty key"));
	assert_int_equal(cmdline(&o, "=\"a b\" iters=3", &c), 1);
	assert_int_equal(o.iters, 3);
	o.iters = d.iters;
	assert_int_equal(cmdline(&o, "cpu=", &c), 1);
	assert_string_equal(c.msg[0], "option cpu: bad value \"\" (allowed: auto|svm|vmx)");
	assert_int_equal(cmdline(&o, "guestmem=", &c), 1);
	assert_int_equal(cmdline(&o, "cpu==svm", &c), 1);
	assert_non_null(strstr(c.msg[0], "bad value \"=svm\""));
	assert_int_equal(cmdline(&o, "\"cpu=svm\"", &c), 1);
	assert_same(&o, &d);

	/* autorun= clears autorun */
	strcpy(o.autorun, "x");
	assert_int_equal(cmdline(&o, "autorun=", &c), 0);
	assert_string_equal(o.autorun, "");

	/* every bad token reported once, the good ones still applied */
	assert_int_equal(cmdline(&o, "cpu=arm guestmem=12X iters=5 foo=1 bare "
				 "warmup=7", &c), 4);
	assert_int_equal(c.n, 4);
	assert_string_equal(c.msg[0], "option cpu: bad value \"arm\" (allowed: auto|svm|vmx)");
	assert_string_equal(c.msg[1], "option guestmem: bad value \"12X\" (allowed: "
			    "size 16M..64G, multiple of 2M, e.g. 64M)");
	assert_string_equal(c.msg[2], "option foo: unknown key (allowed: cpu, guestmem, "
			    "hvmem, iters, warmup, irt, watchdog, apic, msix, delivery, eoi, dev, source, guestnvme, hist, autorun)");
	assert_non_null(strstr(c.msg[3], "\"bare\": no '='"));
	assert_int_equal(o.iters, 5);
	assert_int_equal(o.warmup, 7);
	assert_int_equal(o.cpu, OPT_CPU_AUTO);
}

static void test_cmdline_quotes(void **state)
{
	struct hv_options o;
	struct capture c;

	(void)state;
	options_init(&o);
	assert_int_equal(cmdline(&o, "cpu=svm autorun=\"bench all; iters=5", &c), 1);
	assert_string_equal(c.msg[0], "option autorun: unterminated quote in value "
			    "\"bench all; iters=5\" (allowed: \"text\" with a closing '\"')");
	assert_int_equal(o.cpu, OPT_CPU_SVM);
	assert_int_equal(o.iters, 10000);	/* swallowed by the open quote */
	assert_string_equal(o.autorun, "");

	assert_int_equal(cmdline(&o, "autorun=\"", &c), 1);
	assert_non_null(strstr(c.msg[0], "unterminated quote"));

	assert_int_equal(cmdline(&o, "autorun=\"a\"b iters=7", &c), 1);
	assert_string_equal(c.msg[0], "option autorun: text after closing quote in value "
			    "\"\\\"a\\\"b\" (allowed: \"text\" followed by a blank)");
	assert_int_equal(o.iters, 7);
	assert_string_equal(o.autorun, "");

	/* a quote inside an unquoted value is part of it, and autorun refuses it */
	assert_int_equal(cmdline(&o, "autorun=a\"b", &c), 1);
	assert_non_null(strstr(c.msg[0], "option autorun: bad value \"a\\\"b\""));

	assert_int_equal(cmdline(&o, "autorun=\"a\"\"b\"", &c), 1);
	assert_int_equal(cmdline(&o, "autorun=\"x\"\titers=8", &c), 0);
	assert_string_equal(o.autorun, "x");
	assert_int_equal(o.iters, 8);
}

static void test_cmdline_duplicates(void **state)
{
	struct hv_options o;
	struct capture c;

	(void)state;
	options_init(&o);
	assert_int_equal(cmdline(&o, "cpu=svm cpu=vmx iters=1 iters=2", &c), 0);
	assert_int_equal(o.cpu, OPT_CPU_VMX);
	assert_int_equal(o.iters, 2);
	/* a bad later duplicate keeps the earlier good one */
	assert_int_equal(cmdline(&o, "iters=3 iters=0", &c), 1);
	assert_int_equal(o.iters, 3);
}

static void test_cmdline_hostile(void **state)
{
	struct hv_options o, d;
	struct capture c;
	size_t n = 100000;
	char *line = malloc(n + 1);

	(void)state;
	assert_non_null(line);
	options_init(&o);
	options_init(&d);

	/* one huge token */
	memset(line, 'x', n);
	line[n] = '\0';
	assert_int_equal(cmdline(&o, line, &c), 1);
	assert_true(strlen(c.msg[0]) < OPT_ERR_MAX);

	/* huge quoted value */
	memcpy(line, "autorun=\"", 9);
	line[n - 1] = '"';
	assert_int_equal(cmdline(&o, line, &c), 1);
	assert_non_null(strstr(c.msg[0], "option autorun: bad value"));

	/* huge key */
	line[n - 1] = 'x';
	memcpy(line + n - 2, "=1", 2);
	memset(line, 'k', 9);
	assert_int_equal(cmdline(&o, line, &c), 1);
	assert_non_null(strstr(c.msg[0], ": unknown key"));

	/* many tokens */
	for (size_t i = 0; i + 8 <= n; i += 8)
		memcpy(line + i, "iters=4 ", 8);
	assert_int_equal(cmdline(&o, line, &c), 0);
	assert_int_equal(o.iters, 4);
	o.iters = d.iters;

	/* non-ASCII bytes */
	assert_int_equal(cmdline(&o, "\xc3\xa9=1 cpu=\xff\xfe iters=\x80", &c), 3);
	assert_non_null(strstr(c.msg[0], "option \\xc3\\xa9: unknown key"));
	assert_non_null(strstr(c.msg[1], "bad value \"\\xff\\xfe\""));
	assert_same(&o, &d);
	free(line);
}

/* ---- config file ------------------------------------------------------- */

static void test_config_basic(void **state)
{
	static const char text[] =
		"# irqvisor.cfg\n"
		"\n"
		"cpu=svm\n"
		"   guestmem = 128M   \n"
		"\thvmem=32M # pool\n"
		"iters=\"500\"\n"
		"autorun=\"selftest; bench #2; poweroff\"   # run it\n"
		"   # indented comment\n"
		"warmup=7";		/* no final newline */
	struct hv_options o;
	struct capture c;

	(void)state;
	options_init(&o);
	assert_int_equal(config(&o, text, &c), 0);
	assert_int_equal(o.cpu, OPT_CPU_SVM);
	assert_int_equal(o.guest_mem, MiB(128));
	assert_int_equal(o.hv_mem, MiB(32));
	assert_int_equal(o.iters, 500);
	assert_string_equal(o.autorun, "selftest; bench #2; poweroff");
	assert_int_equal(o.warmup, 7);
}

static void test_config_crlf(void **state)
{
	struct hv_options o;
	struct capture c;

	(void)state;
	options_init(&o);
	assert_int_equal(config(&o, "cpu=vmx\r\n\r\n# c\r\nautorun=\"a; b\"\r\n"
				"iters=42\r\nguestmem=1G\r\n", &c), 0);
	assert_int_equal(o.cpu, OPT_CPU_VMX);
	assert_string_equal(o.autorun, "a; b");
	assert_int_equal(o.iters, 42);
	assert_int_equal(o.guest_mem, GiB(1));

	assert_int_equal(config(&o, "\r\n\r\ncpu=arm\r\n", &c), 1);
	assert_string_equal(c.msg[0], "irqvisor.cfg line 3: option cpu: bad value "
			    "\"arm\" (allowed: auto|svm|vmx)");
}

static void test_config_errors(void **state)
{
	static const char text[] =
		"cpu=svm\n"
		"iters=0\n"
		"cpu=arm\n"
		"bogus=1\n"
		"novalue\n"
		"=5\n"
		"autorun=\"open\n"
		"guestmem=12X   # comment\n"
		"warmup=9\n"
		"autorun=\"\n"
		"=\n"
		"cpu=\n"
		"autorun = \"x\" y\n";
	struct hv_options o;
	struct capture c;

	(void)state;
	options_init(&o);
	assert_int_equal(config(&o, text, &c), 11);
	assert_int_equal(c.n, 11);
	assert_string_equal(c.msg[0], "irqvisor.cfg line 2: option iters: bad value "
			    "\"0\" (allowed: integer 1..1000000)");
	assert_string_equal(c.msg[1], "irqvisor.cfg line 3: option cpu: bad value "
			    "\"arm\" (allowed: auto|svm|vmx)");
	assert_string_equal(c.msg[2], "irqvisor.cfg line 4: option bogus: unknown key "
			    "(allowed: cpu, guestmem, hvmem, iters, warmup, irt, watchdog, apic, msix, delivery, eoi, dev, source, guestnvme, hist, autorun)");
	assert_non_null(strstr(c.msg[3], "irqvisor.cfg line 5: option token \"novalue\": no '='"));
	assert_non_null(strstr(c.msg[4], "irqvisor.cfg line 6: option token \"=5\": empty key"));
	assert_string_equal(c.msg[5], "irqvisor.cfg line 7: option autorun: unterminated "
			    "quote in value \"open\" (allowed: \"text\" with a closing '\"')");
	assert_string_equal(c.msg[6], "irqvisor.cfg line 8: option guestmem: bad value "
			    "\"12X\" (allowed: size 16M..64G, multiple of 2M, e.g. 64M)");
	assert_non_null(strstr(c.msg[7], "irqvisor.cfg line 10: option autorun: unterminated"));
	assert_non_null(strstr(c.msg[8], "irqvisor.cfg line 11: option token \"=\": empty key"));
	assert_non_null(strstr(c.msg[9], "irqvisor.cfg line 12: option cpu: bad value \"\""));
	assert_string_equal(c.msg[10], "irqvisor.cfg line 13: option autorun: text after "
			    "closing quote in value \"\\\"x\\\" y\" (allowed: \"text\" followed "
			    "by a blank)");
	assert_int_equal(o.cpu, OPT_CPU_SVM);
	assert_int_equal(o.iters, 10000);
	assert_int_equal(o.warmup, 9);
	assert_int_equal(o.guest_mem, MiB(64));
	assert_string_equal(o.autorun, "");
}

static void test_config_duplicates(void **state)
{
	struct hv_options o;
	struct capture c;

	(void)state;
	options_init(&o);
	assert_int_equal(config(&o, "iters=1\niters=2\ncpu=svm\ncpu=vmx\niters=3\n", &c), 0);
	assert_int_equal(o.iters, 3);
	assert_int_equal(o.cpu, OPT_CPU_VMX);
}

/* The buffer is counted, not terminated: bytes past len are never read. */
static void test_config_counted(void **state)
{
	static const char text[] = "iters=12cpu=svm";
	struct hv_options o;
	struct capture c;
	char *heap;

	(void)state;
	options_init(&o);
	memset(&c, 0, sizeof(c));
	assert_int_equal(options_parse_config(&o, text, 8, capture_report, &c), 0);
	assert_int_equal(o.iters, 12);
	assert_int_equal(o.cpu, OPT_CPU_AUTO);

	/* exact-size heap copy: ASan catches any read past the end */
	heap = malloc(7);
	assert_non_null(heap);
	memcpy(heap, "cpu=vmx", 7);
	assert_int_equal(options_parse_config(&o, heap, 7, capture_report, &c), 0);
	assert_int_equal(o.cpu, OPT_CPU_VMX);
	memcpy(heap, "cpu=\"sv", 7);
	assert_int_equal(options_parse_config(&o, heap, 7, capture_report, &c), 1);
	assert_int_equal(o.cpu, OPT_CPU_VMX);
	free(heap);

	assert_int_equal(options_parse_config(&o, "", 0, capture_report, &c), 1 - 1);
	assert_int_equal(options_parse_config(&o, NULL, 0, NULL, NULL), 0);
}

static void test_config_nul_bytes(void **state)
{
	static const char text[] = "cpu=svm\0junk\niters=5\n\0\nwarmup=3\n";
	struct hv_options o;
	struct capture c;

	(void)state;
	options_init(&o);
	memset(&c, 0, sizeof(c));
	assert_int_equal(options_parse_config(&o, text, sizeof(text) - 1,
					      capture_report, &c), 2);
	assert_string_equal(c.msg[0], "irqvisor.cfg line 1: NUL byte in line "
			    "\"cpu=svm\\x00junk\" (allowed: text lines key=value)");
	assert_non_null(strstr(c.msg[1], "irqvisor.cfg line 3: NUL byte"));
	assert_int_equal(o.cpu, OPT_CPU_AUTO);
	assert_int_equal(o.iters, 5);
	assert_int_equal(o.warmup, 3);
}

static void test_config_hostile(void **state)
{
	struct hv_options o, d;
	struct capture c;
	size_t n = 200000, i;
	char *text = malloc(n);

	(void)state;
	assert_non_null(text);
	options_init(&o);
	options_init(&d);

	/* very long autorun line, then a good line */
	memcpy(text, "autorun=\"", 9);
	memset(text + 9, 'a', n - 9);
	text[n - 12] = '"';
	memcpy(text + n - 11, "\niters=77\n", 10);
	memset(&c, 0, sizeof(c));
	assert_int_equal(options_parse_config(&o, text, n - 1, capture_report, &c), 1);
	assert_non_null(strstr(c.msg[0], "irqvisor.cfg line 1: option autorun: bad value \"aaa"));
	assert_true(strlen(c.msg[0]) < OPT_ERR_MAX + 48);
	assert_int_equal(o.iters, 77);
	o.iters = d.iters;

	/* a single line of garbage with no newline */
	for (i = 0; i < n; i++)
		text[i] = (char)(i * 131 + 7);
	for (i = 0; i < n; i++)
		if (text[i] == '\n' || text[i] == '\0' || text[i] == '=')
			text[i] = 'q';
	memset(&c, 0, sizeof(c));
	assert_int_equal(options_parse_config(&o, text, n, capture_report, &c), 1);
	assert_same(&o, &d);

	/* non-ASCII key and value */
	assert_int_equal(config(&o, "gu\xc3\xa9stmem=64M\ncpu=\xe2\x9c\x93\n", &c), 2);
	assert_non_null(strstr(c.msg[0], "option gu\\xc3\\xa9stmem: unknown key"));
	assert_non_null(strstr(c.msg[1], "bad value \"\\xe2\\x9c\\x93\""));
	/* a byte 0xff must not be taken for EOF or a blank */
	assert_int_equal(config(&o, "\xff\n", &c), 1);
	assert_same(&o, &d);
	free(text);
}

/* Random bytes never crash and never leave a disallowed value behind. */
static void test_fuzz(void **state)
{
	static const char alphabet[] = "cpu=svmguestmemhvmeitrsaoun\"\"  \n\r#xX0123456789KMG\t=;\xff";
	struct hv_options o;
	char buf[96];
	uint32_t seed = 12345;
	int round;
	size_t i, n;

	(void)state;
	options_init(&o);
	for (round = 0; round < 20000; round++) {
		seed = seed * 1103515245u + 12345u;
		n = (seed >> 16) % (sizeof(buf) - 1);
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (round & 1) ? (char)(seed >> 24) :
				 alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		buf[n] = '\0';
		options_parse_config(&o, buf, n, NULL, NULL);
		assert_sane(&o);
		options_parse_cmdline(&o, buf, NULL, NULL);
		assert_sane(&o);
	}
}

static void test_precedence(void **state)
{
	struct hv_options o;
	struct capture c;

	(void)state;
	options_init(&o);
	assert_int_equal(config(&o, "cpu=svm\niters=100\nautorun=\"from file\"\n", &c), 0);
	assert_int_equal(cmdline(&o, "irqvisor.efi cpu=vmx autorun=\"from cmdline\"", &c), 0);
	assert_int_equal(o.cpu, OPT_CPU_VMX);
	assert_int_equal(o.iters, 100);		/* file value stays unless overridden */
	assert_string_equal(o.autorun, "from cmdline");
	/* a bad command-line value keeps the file's value */
	assert_int_equal(cmdline(&o, "iters=abc", &c), 1);
	assert_int_equal(o.iters, 100);
}

/* ---- show and help ------------------------------------------------------ */

static void test_format(void **state)
{
	struct hv_options o, back;
	struct capture c;
	char buf[1024];
	int n;

	(void)state;
	options_init(&o);
	n = options_format(&o, buf, sizeof(buf));
	assert_string_equal(buf, "cpu=auto\nguestmem=64M\nhvmem=16M\niters=10000\n"
			    "warmup=100\nirt=256\nwatchdog=1000\napic=auto\nmsix=trap\ndelivery=inject\neoi=trap\ndev=\"auto\"\nsource=auto\nguestnvme=no\nhist=off\nautorun=\"\"\n");
	assert_int_equal(n, strlen(buf));

	assert_int_equal(cmdline(&o, "cpu=svm guestmem=0x1000000 hvmem=1G iters=1 "
				 "warmup=0 irt=2 watchdog=0 autorun=\"bench all; poweroff\"", &c), 0);
	n = options_format(&o, buf, sizeof(buf));
	assert_string_equal(buf, "cpu=svm\nguestmem=16M\nhvmem=1G\niters=1\n"
			    "warmup=0\nirt=2\nwatchdog=0\napic=auto\nmsix=trap\ndelivery=inject\neoi=trap\ndev=\"auto\"\nsource=auto\nguestnvme=no\nhist=off\nautorun=\"bench all; poweroff\"\n");

	/* show output parses back, as a config file, to the same options */
	options_init(&back);
	assert_int_equal(config(&back, buf, &c), 0);
	assert_same(&back, &o);
	(void)n;
}

static void test_format_truncation(void **state)
{
	struct hv_options o;
	char full[1024], small[10];
	int n;

	(void)state;
	options_init(&o);
	memset(o.autorun, 'r', sizeof(o.autorun) - 1);
	n = options_format(&o, full, sizeof(full));
	assert_int_equal(n, strlen(full));
	assert_int_equal(options_format(&o, NULL, 0), n);
	memset(small, 'z', sizeof(small));
	assert_int_equal(options_format(&o, small, sizeof(small)), n);
	assert_string_equal(small, "cpu=auto\n");
	assert_int_equal(options_format(&o, small, 1), n);
	assert_string_equal(small, "");

	/* an unterminated autorun (caller bug) is still bounded */
	memset(o.autorun, 'r', sizeof(o.autorun));
	n = options_format(&o, full, sizeof(full));
	assert_int_equal(n, strlen(full));
}

static void test_format_size(void **state)
{
	static const struct { uint64_t bytes; const char *text; } cases[] = {
		{ 0, "0" },
		{ 1, "1" },
		{ 1023, "1023" },
		{ 1024, "1K" },
		{ 1025, "1025" },
		{ KiB(4100), "4100K" },
		{ MiB(4), "4M" },
		{ MiB(64), "64M" },
		{ MiB(1536), "1536M" },
		{ GiB(1), "1G" },
		{ GiB(64), "64G" },
		{ UINT64_MAX, "18446744073709551615" },
		{ UINT64_MAX - GiB(1) + 1, "17179869183G" },
	};
	char buf[32], tiny[3];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		options_format_size(cases[i].bytes, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].text);
	}
	options_format_size(MiB(640), tiny, sizeof(tiny));
	assert_string_equal(tiny, "64");
}

static void test_describe(void **state)
{
	char buf[4096];
	const char *p;
	int n, lines = 0;

	(void)state;
	n = options_describe(buf, sizeof(buf));
	assert_int_equal(n, strlen(buf));
	assert_int_equal(options_describe(NULL, 0), n);
	for (p = buf; (p = strchr(p, '\n')); p++)
		lines++;
	assert_int_equal(lines, 16);
	assert_int_equal(buf[n - 1], '\n');
	assert_non_null(strstr(buf, "\nhist      off|on (default off): after each RESULT"));
	assert_non_null(strstr(buf, "cpu       auto|svm|vmx (default auto): "));
	assert_non_null(strstr(buf, "\nguestmem  size 16M..64G, multiple of 2M (default 64M): "));
	assert_non_null(strstr(buf, "\nhvmem     size 4M..1G, multiple of 2M (default 16M): "));
	assert_non_null(strstr(buf, "\nirt       integer 2..65536, a power of two (default 256): "));
	assert_non_null(strstr(buf, "\niters     integer 1..1000000 (default 10000): "));
	assert_non_null(strstr(buf, "\nwarmup    integer 0..100000 (default 100): "));
	assert_non_null(strstr(buf, "\nwatchdog  0 (off) or integer 20..60000 (default 1000): "));
	assert_non_null(strstr(buf, "\napic      auto|xapic|x2apic|passthrough (default auto): "));
	assert_non_null(strstr(buf, "\nmsix      trap|map (default trap): "));
	assert_non_null(strstr(buf, "\ndelivery  inject|direct|posted (default inject): "));
	assert_non_null(strstr(buf, "\neoi       trap|pv|hw (default trap): "));
	assert_non_null(strstr(buf, "\nsource    auto|device|timer (default auto): "));
	assert_non_null(strstr(buf, "\nautorun   up to 511 printable ASCII characters, "
			       "no '\"' (default \"\"): "));
}

static void test_apic(void **state)
{
	struct hv_options o;
	char err[OPT_ERR_MAX];

	(void)state;
	options_init(&o);
	assert_int_equal(o.apic, OPT_APIC_AUTO);
	assert_int_equal(options_set(&o, "apic", "x2apic", err, sizeof(err)), 0);
	assert_int_equal(o.apic, OPT_APIC_X2APIC);
	assert_int_equal(options_set(&o, "apic", "xapic", err, sizeof(err)), 0);
	assert_int_equal(o.apic, OPT_APIC_XAPIC);
	assert_int_equal(options_set(&o, "apic", "x3apic", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "option apic: bad value \"x3apic\" (allowed: auto|xapic|x2apic|passthrough)");
	assert_int_equal(o.apic, OPT_APIC_XAPIC);
	assert_int_equal(options_set(&o, "apic", "auto", err, sizeof(err)), 0);
	assert_int_equal(o.apic, OPT_APIC_AUTO);
}

static void test_source(void **state)
{
	struct hv_options o;
	char err[OPT_ERR_MAX];

	(void)state;
	options_init(&o);
	assert_int_equal(o.source, OPT_SOURCE_AUTO);
	assert_int_equal(options_set(&o, "source", "timer", err, sizeof(err)), 0);
	assert_int_equal(o.source, OPT_SOURCE_TIMER);
	assert_int_equal(options_set(&o, "source", "nvme", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "option source: bad value \"nvme\" (allowed: auto|device|timer)");
	assert_int_equal(o.source, OPT_SOURCE_TIMER);
	assert_int_equal(options_set(&o, "source", "device", err, sizeof(err)), 0);
	assert_int_equal(o.source, OPT_SOURCE_DEVICE);
	assert_int_equal(o.guest_nvme, OPT_NO);
	assert_int_equal(options_set(&o, "guestnvme", "yes", err, sizeof(err)), 0);
	assert_int_equal(o.guest_nvme, OPT_YES);
	assert_int_equal(options_set(&o, "guestnvme", "1", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "option guestnvme: bad value \"1\" (allowed: no|yes)");
	assert_int_equal(o.source, OPT_SOURCE_DEVICE);
}

/* hist= is off by default; a bad value names what is allowed and keeps
 * the value, in every input path. */
static void test_hist(void **state)
{
	struct hv_options o;
	char err[OPT_ERR_MAX];
	struct capture c;

	(void)state;
	options_init(&o);
	assert_int_equal(o.hist, OPT_OFF);
	assert_int_equal(options_set(&o, "hist", "on", err, sizeof(err)), 0);
	assert_int_equal(o.hist, OPT_ON);
	assert_int_equal(options_set(&o, "hist", "yes", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "option hist: bad value \"yes\" (allowed: off|on)");
	assert_int_equal(o.hist, OPT_ON);
	assert_int_equal(cmdline(&o, "hist=off", &c), 0);
	assert_int_equal(o.hist, OPT_OFF);
	assert_int_equal(config(&o, "hist=on\nhist=1\n", &c), 1);
	assert_int_equal(o.hist, OPT_ON);
	assert_string_equal(c.msg[0], "irqvisor.cfg line 2: option hist: bad value \"1\" (allowed: off|on)");
}

static void test_dev_bdf(void **state)
{
	struct hv_options o;
	struct opt_bdf b;
	char err[OPT_ERR_MAX];

	(void)state;
	options_init(&o);
	assert_string_equal(o.dev, "auto");
	assert_int_equal(options_set(&o, "dev", "01:00.0", err, sizeof(err)), 0);
	assert_int_equal(options_parse_bdf(o.dev, &b), 0);
	assert_int_equal(b.seg, 0);
	assert_int_equal(b.bus, 1);
	assert_int_equal(b.dev, 0);
	assert_int_equal(b.fn, 0);
	assert_int_equal(options_parse_bdf("0001:ff:1f.7", &b), 0);
	assert_int_equal(b.seg, 1);
	assert_int_equal(b.bus, 0xff);
	assert_int_equal(b.dev, 0x1f);
	assert_int_equal(b.fn, 7);
	set_expect("dev", "00:20.0", -EINVAL);	/* device 0x20 */
	set_expect("dev", "00:01.8", -EINVAL);	/* function 8 */
	set_expect("dev", " 0:01.0", -EINVAL);
	set_expect("dev", "+0:01.0", -EINVAL);
	set_expect("dev", "00:01.0x", -EINVAL);
	set_expect("dev", "00:01", -EINVAL);
	set_expect("dev", "", -EINVAL);
	set_expect("dev", "10000:00:01.0", -EINVAL);
	assert_int_equal(options_set(&o, "dev", "bogus", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "auto or [SSSS:]BB:DD.F"));
	assert_string_equal(o.dev, "01:00.0");	/* kept */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_cpu),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_size_good),
		cmocka_unit_test(test_size_bad),
		cmocka_unit_test(test_uint),
		cmocka_unit_test(test_autorun),
		cmocka_unit_test(test_set_err_buffer),
		cmocka_unit_test(test_message_escaping),
		cmocka_unit_test(test_cmdline_basic),
		cmocka_unit_test(test_cmdline_empty),
		cmocka_unit_test(test_cmdline_program_name),
		cmocka_unit_test(test_cmdline_bad_tokens),
		cmocka_unit_test(test_cmdline_quotes),
		cmocka_unit_test(test_cmdline_duplicates),
		cmocka_unit_test(test_cmdline_hostile),
		cmocka_unit_test(test_config_basic),
		cmocka_unit_test(test_config_crlf),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_config_duplicates),
		cmocka_unit_test(test_config_counted),
		cmocka_unit_test(test_config_nul_bytes),
		cmocka_unit_test(test_config_hostile),
		cmocka_unit_test(test_fuzz),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_truncation),
		cmocka_unit_test(test_format_size),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_hist),
		cmocka_unit_test(test_dev_bdf),
		cmocka_unit_test(test_apic),
		cmocka_unit_test(test_source),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
