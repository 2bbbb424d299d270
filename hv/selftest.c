/* Self-test orchestration (see selftest.h). Most tests run in the guest and
 * report their own verdicts; the NPF test is judged by the hv, since the
 * guest it stops cannot. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "hv/selftest.h"
#include "hv/selftest_map.h"
#include "hv/guest.h"
#include "hv/hv.h"
#include "hv/icount.h"
#include "hv/native_dev.h"
#include "hv/report.h"
#include "hv/trap.h"
#include "hv/vtd_selftest.h"
#include "drivers/cpu.h"
#include "drivers/lapic.h"

struct selftest {
	const char *name;
	enum hc_selftest_id id;
	void (*run)(struct guest *g, const struct selftest *t);
	void (*native)(void);	/* tests the hv runs itself, no guest */
};

static bool have_guest(struct guest *g, const struct selftest *t)
{
	char why[200];

	if (g)
		return true;
	snprintf(why, sizeof(why), "no guest: %s", hv.backend_why);
	report_verdict(HC_FAIL, t->name, why);
	return false;
}

static void run_in_guest(struct guest *g, const struct selftest *t)
{
	struct hc_work w = { .kind = WORK_SELFTEST, .arg = t->id };

	if (!have_guest(g, t))
		return;
	if (guest_run_work(g, &w))
		report_verdict(HC_FAIL, t->name, "the guest stopped during the test");
}

/* The guest reads a guest-physical address the NPT does not map: the hv
 * must report it, stop the guest and start it again cleanly. The guest is
 * started first when this is its first work of the boot (or it stopped
 * earlier), so the count below compares one restart, not the first boot. */
static void run_npf(struct guest *g, const struct selftest *t)
{
	struct hc_work w = { .kind = WORK_SELFTEST, .arg = t->id };
	unsigned boots;
	char why[128];

	if (!have_guest(g, t))
		return;
	if (g->state == GUEST_STOPPED && guest_start(g)) {
		report_verdict(HC_FAIL, t->name, "the guest did not start before the test");
		return;
	}
	boots = g->boot_count;
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

/* QEMU 7.2's 82574 model never clears a vector's "postponed" flag once a
 * raise meets a running throttle timer (its timers may fire late on a
 * loaded host), and from then on sends every message twice. Exactly-once
 * checks hold there only when QEMU's clock follows the instruction stream
 * (-icount shift=0), which the hv observes itself (hv/icount.c). Without
 * it `selftest` (all) skips them under QEMU, saying why; `selftest irq`
 * still runs them, and on bare metal they always run. */
static bool all_requested;

/* Why an exactly-once test is skipped in `selftest` (all), or NULL. */
static const char *exact_count_skip(void)
{
	const struct irq_source_ops *src = guest_source_pick();

	if (all_requested && src && src->emu_throttle_ns && hv_on_qemu() && !icount_exact())
		return "QEMU 7.2's e1000e may send each MSI-X message twice once a throttle "
		       "timer fired late, and the TSC does not count instructions here (no "
		       "-icount shift=0) (run it by name)";
	return NULL;
}

static void run_irq(struct guest *g, const struct selftest *t)
{
	const char *skip = exact_count_skip();
	uint64_t pended;

	if (skip) {
		report_verdict(HC_SKIP, t->name, skip);
		return;
	}
	pended = g ? g->pt.vm.stats.pended : 0;
	run_in_guest(g, t);
	if (g && g->pt.active)
		printf("hv: irq: %lu device interrupt(s) arrived while their entry was masked "
		       "only virtually and were held for the unmask (pended)\n",
		       g->pt.vm.stats.pended - pended);
}

/* The trapped-page guards test what msix=trap's emulator refuses; with
 * msix=map the table page is the device's own in the guest and the
 * messages it holds are never seen by the hv (map-attack tests that). */
static void run_trapped_guard(struct guest *g, const struct selftest *t)
{
	if (g && g->opts->msix == OPT_MSIX_MAP)
		report_verdict(HC_SKIP, t->name, "msix=map: the MSI-X table is not trapped, the "
			       "guest writes the device's own (map-attack covers hostile messages)");
	else
		run_in_guest(g, t);
}

/* Each hostile case is bracketed by deliveries counted exactly. In
 * `selftest` (all) it runs only in msix=map, where it applies; by name it
 * says why it cannot run. */
static void run_map_attack(struct guest *g, const struct selftest *t)
{
	const char *skip = exact_count_skip();

	if (all_requested && (!g || g->opts->msix != OPT_MSIX_MAP))
		return;
	if (skip)
		report_verdict(HC_SKIP, t->name, skip);
	else if (have_guest(g, t))
		selftest_map_attack(g, t->id);
}

/* The guest spins with interrupts off and never exits: the watchdog must
 * stop it, and the hv go on. By name only (not in `selftest` all): it
 * costs a whole watchdog period. */
static void run_watchdog(struct guest *g, const struct selftest *t)
{
	struct hc_work w = { .kind = WORK_SELFTEST, .arg = t->id };
	uint32_t ms = g && g->watchdog_ms ? *g->watchdog_ms : 0;
	uint64_t t0, took;
	char why[160];

	if (all_requested || !have_guest(g, t))
		return;
	if (!ms) {
		report_verdict(HC_SKIP, t->name, "watchdog=0 (off): the spinning guest would hold "
			       "the machine (set watchdog=MS to run it)");
		return;
	}
	t0 = cpu_rdtsc();
	if (!guest_run_work(g, &w)) {
		report_verdict(HC_FAIL, t->name, "the guest came back from a spin with IF=0");
		return;
	}
	took = g->tsc_hz ? (cpu_rdtsc() - t0) * 1000 / g->tsc_hz : 0;
	printf("hv: the spinning guest was stopped after %lu ms (watchdog=%u)\n", took, ms);
	if (g->stop_cause != STOP_WATCHDOG || took < ms) {
		snprintf(why, sizeof(why), "guest stopped for cause %d after %lu ms, expected the "
			 "watchdog after %u ms or more", g->stop_cause, took, ms);
		report_verdict(HC_FAIL, t->name, why);
		return;
	}
	printf("hv: restarting the guest\n");
	if (guest_start(g)) {
		report_verdict(HC_FAIL, t->name, "the guest did not restart after the watchdog");
		return;
	}
	report_verdict(HC_PASS, t->name, NULL);
}

/* Hostile-guest tests flood or garble the console on purpose: they run
 * only when named (`selftest guard`, `selftest guard.forge`). */
static void run_by_name(struct guest *g, const struct selftest *t)
{
	if (!all_requested)
		run_in_guest(g, t);
}

static void run_native_dma(struct guest *g, const struct selftest *t)
{
	vtd_test_native_dma(g, t->id);
}

/* A host NMI (a BMC's NMI button, a watchdog; under VMX one that exits
 * the guest is re-raised to the hv) is counted and the hv goes on: it
 * sends itself one and checks the count moved. NMIs ignore IF. */
static void test_host_nmi(void)
{
	uint64_t before = trap_nmi_count();

	lapic_self_nmi();
	if (trap_nmi_count() != before + 1)
		return report_verdict(HC_FAIL, "host-nmi", "the hv counted "
				      "no NMI after sending itself one");
	report_verdict(HC_PASS, "host-nmi", NULL);
}

static void run_native(struct guest *g, const struct selftest *t)
{
	(void)g;
	t->native();
}

static const struct selftest tests[] = {
	{ "hypercall", ST_HYPERCALL, run_in_guest, NULL },
	{ "cpuid", ST_CPUID, run_in_guest, NULL },
	{ "io", ST_IO, run_in_guest, NULL },
	{ "npf", ST_NPF, run_npf, NULL },
	{ "inject", ST_INJECT, run_in_guest, NULL },
	{ "vtd.remap", 0, run_native, vtd_test_remap },
	{ "vtd.bad-sid", 0, run_native, vtd_test_bad_sid },
	{ "vtd.not-present", 0, run_native, vtd_test_not_present },
	{ "vtd.bad-handle", 0, run_native, vtd_test_bad_handle },
	{ "vtd.compat-blocked", 0, run_native, vtd_test_compat_blocked },
	{ "vtd.ir-faults", 0, run_native, vtd_test_ir_faults },
	{ "vtd.dma-domain", 0, run_native, vtd_test_dma_domain },
	{ "vtd.dma-blocked", 0, run_native, vtd_test_dma_blocked },
	{ "vtd.native-cleanup", 0, run_native, vtd_test_native_cleanup },
	{ "vtd.native-dma", ST_NATIVE_DMA, run_native_dma, NULL },
	{ "msix", ST_MSIX, run_in_guest, NULL },
	{ "irq", ST_IRQ, run_irq, NULL },
	{ "entry-irq", ST_ENTRY_IRQ, run_in_guest, NULL },
	{ "exc.db", ST_EXC_DB, run_in_guest, NULL },
	{ "host-irq", ST_HOST_IRQ, run_in_guest, NULL },
	{ "host-nmi", 0, run_native, test_host_nmi },
	{ "watchdog", ST_SPIN, run_watchdog, NULL },
	{ "map-attack", ST_MAP_ATTACK, run_map_attack, NULL },
	{ "guard.mmio-bounds", ST_GUARD_MMIO, run_trapped_guard, NULL },
	{ "guard.msi-modes", ST_GUARD_MSI, run_trapped_guard, NULL },
	{ "guard.bar-move", ST_GUARD_BAR, run_in_guest, NULL },
	{ "guard.forge", ST_GUARD_FORGE, run_by_name, NULL },
	{ "guard.flood", ST_GUARD_FLOOD, run_by_name, NULL },
};

const char *selftest_names(void)
{
	return "hypercall, cpuid, io, npf, inject, vtd (vtd.remap, vtd.bad-sid, "
	       "vtd.not-present, vtd.bad-handle, vtd.compat-blocked, vtd.ir-faults, "
	       "vtd.dma-domain, vtd.dma-blocked, vtd.native-cleanup, vtd.native-dma), msix, irq, "
	       "entry-irq, exc.db, host-irq, host-nmi, map-attack (in `selftest` only with msix=map), guard (guard.mmio-bounds, guard.msi-modes, guard.bar-move); "
	       "by name only: guard.forge, guard.flood, watchdog (spins until the watchdog "
	       "stops the guest)";
}

/* NAME selects one test; a group name ("vtd") selects every "vtd.*". */
static bool selected(const char *name, const struct selftest *t)
{
	size_t n = strlen(name);

	if (!*name || !strcmp(name, "all") || !strcmp(name, t->name))
		return true;
	return !strncmp(t->name, name, n) && t->name[n] == '.';
}

int selftest_run(struct guest *g, const char *name)
{
	char why[200];
	bool found = false;
	unsigned i;

	if (!name)
		name = "";
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (selected(name, &tests[i]))
			found = true;
	if (!found) {
		printf("selftest: unknown test \"%s\" (allowed: all, %s)\n", name,
		       selftest_names());
		return -EINVAL;
	}
	all_requested = !*name || !strcmp(name, "all");
	native_source_describe(why, sizeof(why));
	printf("selftest: irq source %s\n", why);
	report_begin();
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (selected(name, &tests[i]))
			tests[i].run(g, &tests[i]);
	report_summary();
	return 0;
}
