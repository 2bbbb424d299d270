/* Console commands (see console.h and DESIGN.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hv/console.h"
#include "hv/hv.h"
#include "hv/bench.h"
#include "hv/report.h"
#include "hv/selftest.h"
#include "drivers/power.h"

#define DESCRIBE_MAX	4096
#define SHOW_MAX	1024

static void cmd_help(const char *arg)
{
	char *opts = malloc(DESCRIBE_MAX);
	unsigned i;

	(void)arg;
	printf("commands:\n");
	for (i = 0; i < console_ncmds; i++)
		printf("  %-10s %-16s %s\n", console_cmds[i].name,
		       console_cmds[i].args, console_cmds[i].help);
	printf("self-tests: %s\nbenchmarks: %s\n", selftest_names(), bench_names());
	printf("Ctrl-C stops a running self-test or benchmark (read on every watchdog tick, "
	       "so only while watchdog is not 0)\n");
	if (opts && options_describe(opts, DESCRIBE_MAX) >= 0)
		printf("options (set KEY=VALUE):\n%s", opts);
	free(opts);
}

static void cmd_info(const char *arg)
{
	(void)arg;
	info_print();
}

/* Options the UEFI stage has already acted on cannot change at run time. */
static void cmd_set(const char *arg)
{
	struct hv_options next = hv.opts;
	int errors;

	if (!*arg) {
		printf("set: expected KEY=VALUE (see `help` for the keys)\n");
		return;
	}
	errors = options_parse_cmdline(&next, arg, report_print_line, NULL);
	if (next.cpu != hv.opts.cpu || next.guest_mem != hv.opts.guest_mem ||
	    next.hv_mem != hv.opts.hv_mem) {
		printf("set: cpu, guestmem and hvmem are fixed at boot: give them on the "
		       "UEFI command line or in irqvisor.cfg\n");
		next.cpu = hv.opts.cpu;
		next.guest_mem = hv.opts.guest_mem;
		next.hv_mem = hv.opts.hv_mem;
		errors++;
	}
	if (hv.backend && delivery_check_options(&hv.guest, &next, &hv.opts, "set"))
		errors++;
	hv.opts = next;
	if (errors)
		printf("set: %d error(s); the other values were applied\n", errors);
}

static void cmd_show(const char *arg)
{
	char buf[SHOW_MAX];

	(void)arg;
	options_format(&hv.opts, buf, sizeof(buf));
	printf("%s", buf);
}

/* Tests and benchmarks that need the guest fail, naming why, when none
 * can run; those the hv runs natively still run. */
static struct guest *guest_or_null(void)
{
	if (hv.backend)
		return &hv.guest;
	printf("no guest: %s\n", hv.backend_why);
	return NULL;
}

static void cmd_selftest(const char *arg)
{
	selftest_run(guest_or_null(), arg);
}

static void cmd_bench(const char *arg)
{
	bench_run(guest_or_null(), arg, hv.opts.iters, hv.opts.warmup);
}

static void cmd_results(const char *arg)
{
	(void)arg;
	report_results_dump();
}

static void cmd_poweroff(const char *arg)
{
	unsigned failed = report_failures_total();

	(void)arg;
	printf("poweroff: %u failure(s) this boot, via %s\n", failed, power_method());
	power_off(failed == 0);
}

static void cmd_reboot(const char *arg)
{
	(void)arg;
	power_reboot();
}

const struct console_cmd console_cmds[] = {
	{ "help", "", "this list, the tests, benchmarks and options", cmd_help },
	{ "info", "", "CPU, TSC, memory, ACPI, IOMMU units, PCI devices", cmd_info },
	{ "set", "KEY=VALUE ...", "change an option (see below)", cmd_set },
	{ "show", "", "current option values", cmd_show },
	{ "selftest", "[NAME|all]", "run self-tests: PASS/FAIL/SKIP lines and a SUMMARY", cmd_selftest },
	{ "bench", "[NAME|all]", "run benchmarks: RESULT lines and a table", cmd_bench },
	{ "results", "", "every RESULT line of this boot again", cmd_results },
	{ "poweroff", "", "power off (QEMU exit status: 0 failures or not)", cmd_poweroff },
	{ "reboot", "", "reset the machine", cmd_reboot },
};
const unsigned console_ncmds = sizeof(console_cmds) / sizeof(console_cmds[0]);
