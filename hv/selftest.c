/* Self-test orchestration (see selftest.h). Most tests run in the guest and
 * report their own verdicts; the NPF test is judged by the hv, since the
 * guest it stops cannot. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "hv/selftest.h"
#include "hv/guest.h"
#include "hv/report.h"

struct selftest {
	const char *name;
	enum hc_selftest_id id;
	void (*run)(struct guest *g, const struct selftest *t);
};

static void run_in_guest(struct guest *g, const struct selftest *t)
{
	struct hc_work w = { .kind = WORK_SELFTEST, .arg = t->id };

	if (guest_run_work(g, &w))
		report_verdict(HC_FAIL, t->name, "the guest stopped during the test");
}

/* The guest reads a guest-physical address the NPT does not map: the hv
 * must report it, stop the guest and start it again cleanly. */
static void run_npf(struct guest *g, const struct selftest *t)
{
	struct hc_work w = { .kind = WORK_SELFTEST, .arg = t->id };
	unsigned boots = g->boot_count;
	char why[128];

	if (!guest_run_work(g, &w)) {
		report_verdict(HC_FAIL, t->name, "the access to unmapped memory did not stop the guest");
		return;
	}
	if (g->stop_cause != STOP_NPF || g->stop_gpa != g->unmapped_gpa) {
		snprintf(why, sizeof(why), "guest stopped for cause %d at 0x%lx, expected an NPF at 0x%lx",
			 g->stop_cause, g->stop_gpa, g->unmapped_gpa);
		report_verdict(HC_FAIL, t->name, why);
		return;
	}
	printf("hv: restarting the guest\n");
	if (guest_start(g) || g->boot_count != boots + 1) {
		report_verdict(HC_FAIL, t->name, "the guest did not restart cleanly");
		return;
	}
	report_verdict(HC_PASS, t->name, NULL);
}

static const struct selftest tests[] = {
	{ "hypercall", ST_HYPERCALL, run_in_guest },
	{ "cpuid", ST_CPUID, run_in_guest },
	{ "io", ST_IO, run_in_guest },
	{ "npf", ST_NPF, run_npf },
	{ "inject", ST_INJECT, run_in_guest },
};

const char *selftest_names(void)
{
	return "hypercall, cpuid, io, npf, inject";
}

int selftest_run(struct guest *g, const char *name)
{
	bool all = !name || !*name || !strcmp(name, "all");
	bool found = false;
	unsigned i;

	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (all || !strcmp(name, tests[i].name))
			found = true;
	if (!found) {
		printf("selftest: unknown test \"%s\" (allowed: all, %s)\n", name,
		       selftest_names());
		return -EINVAL;
	}
	report_begin();
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (all || !strcmp(name, tests[i].name))
			tests[i].run(g, &tests[i]);
	report_summary();
	return 0;
}
