/* See selftest_map.h. The hv's live IRTE for the attack is one of its
 * native IRTEs (hv/native_dev.c) pointed at a sink vector the hv counts,
 * validating a requester id the guest's device does not have: the IRTE
 * of another device, as the guest would find one in a host's table. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hv/selftest_map.h"
#include "hv/guest.h"
#include "hv/hv.h"
#include "hv/irq.h"
#include "hv/native_dev.h"
#include "hv/report.h"

#define NAME		"map-attack"
#define WHY_MAX		240

/* Every IRTE and its owner, to compare byte for byte. */
struct irt_snap {
	union vtd_irte *e;
	uint16_t *owner;
	unsigned size;
};

static int snap_take(const struct vtd_irt *t, struct irt_snap *s)
{
	s->size = t->size;
	s->e = malloc((size_t)t->size * sizeof(*s->e));
	s->owner = malloc((size_t)t->size * sizeof(*s->owner));
	if (!s->e || !s->owner)
		return -ENOMEM;
	memcpy(s->e, t->table, (size_t)t->size * sizeof(*s->e));
	memcpy(s->owner, t->owner, (size_t)t->size * sizeof(*s->owner));
	return 0;
}

static void snap_free(struct irt_snap *s)
{
	free(s->e);
	free(s->owner);
}

/* The first IRTE not the guest's, before or after, that differs from the
 * snapshot in content or owner; -1 when none. The guest's own entries
 * change as it enables and disables MSI-X. */
static long snap_changed(const struct vtd_irt *t, const struct irt_snap *s)
{
	unsigned i;

	for (i = 0; i < s->size; i++) {
		if (s->owner[i] == PASSTHRU_IRT_OWNER || t->owner[i] == PASSTHRU_IRT_OWNER)
			continue;
		if (s->owner[i] != t->owner[i] || memcmp(&s->e[i], &t->table[i], sizeof(s->e[i])))
			return i;
	}
	return -1;
}

/* Why the attack cannot run here (a SKIP), or NULL. */
static const char *cannot_run(struct guest *g, char *why, size_t len)
{
	char reason[WHY_MAX - 40];

	if (g->opts->msix != OPT_MSIX_MAP)
		return "the guest runs msix=trap: its MSI-X table is trapped and emulated, so it "
		       "cannot write a message of its own (set msix=map)";
	if (passthru_map_refusal(&g->pt, reason, sizeof(reason))) {
		snprintf(why, len, "msix=map cannot run here: %s", reason);
		return why;
	}
	if (guest_source_pick() == &irq_source_timer)
		return "the guest's interrupt source is the local APIC timer, which has no MSI-X "
		       "entry to write (source=timer, or a device the guest may not drive)";
	return NULL;
}

/* A live IRTE of the hv's own: native IRTE 0 to sink, validating a
 * requester on another bus (as vtd.bad-sid does). n is left with its
 * IRTEs cleared but reserved, so the handle stays the hv's. */
static struct native_dev *foreign_irte(const struct passthru *p, uint8_t sink, char *why,
				       size_t len)
{
	struct vtd_sid other = { .svt = VTD_SVT_SID, .sq = VTD_SQ_ALL,
				 .sid = (uint16_t)(p->sid.sid ^ 0x8000) };
	struct native_dev *n = native_dev_get(NATIVE_DEVICE, why, len);
	int err;

	if (!n)
		return NULL;
	err = native_dev_put(n) ?: native_route(n, 0, sink, &other);
	if (err) {
		snprintf(why, len, "setting up the hv's IRTE %u failed (error %d)", n->irte, err);
		return NULL;
	}
	return n;
}

static void judge(struct guest *g, struct native_dev *n, uint8_t sink,
		  const struct irt_snap *before, bool stopped)
{
	const struct vtd_irt *t = &g->pt.unit->irt;
	uint64_t hits = irq_count(sink);
	long bad = snap_changed(t, before);
	char why[WHY_MAX];

	printf("%s: the hv's IRTE %u (live, another requester's) took %lu interrupt(s); "
	       "IRTEs not the guest's %s\n", NAME, n->irte, hits,
	       bad < 0 ? "unchanged" : "changed");
	if (stopped)
		return report_verdict(HC_FAIL, NAME, "the guest stopped during the attack");
	if (hits) {
		snprintf(why, sizeof(why), "%lu interrupt(s) reached the hv's sink vector 0x%x "
			 "through its IRTE %u", hits, sink, n->irte);
		return report_verdict(HC_FAIL, NAME, why);
	}
	if (bad >= 0) {
		snprintf(why, sizeof(why), "IRTE %ld (owner %u before, %u after) changed during "
			 "the attack", bad, before->owner[bad], t->owner[bad]);
		return report_verdict(HC_FAIL, NAME, why);
	}
	report_verdict(HC_PASS, NAME, NULL);
}

void selftest_map_attack(struct guest *g, unsigned id)
{
	static const union vtd_irte none;
	static uint8_t sink;
	static int sink_err = 1;
	struct irt_snap before = { 0 };
	struct hc_work w = { .kind = WORK_SELFTEST, .arg = id };
	struct native_dev *n;
	char why[WHY_MAX];
	const char *skip = cannot_run(g, why, sizeof(why));
	bool stopped;

	if (skip)
		return report_verdict(HC_SKIP, NAME, skip);
	if (sink_err > 0)
		sink_err = irq_vector_alloc(1, &sink);
	if (sink_err)
		return report_verdict(HC_FAIL, NAME, "no host vector for the sink");
	n = foreign_irte(&g->pt, sink, why, sizeof(why));
	if (!n)
		return report_verdict(HC_FAIL, NAME, why);
	if (snap_take(&g->pt.unit->irt, &before)) {
		snap_free(&before);
		vtd_irt_update(&n->unit->irt, NATIVE_IRT_OWNER, n->irte, &none);
		return report_verdict(HC_FAIL, NAME, "no memory for the IRT snapshot");
	}
	irq_reset(sink);
	w.iters = ST_MAP_ARGS(n->irte, sink, hv_on_qemu());
	w.warmup = g->pt.unit->irt.size;
	stopped = guest_run_work(g, &w) != 0;
	irq_settle(native_timeout());
	judge(g, n, sink, &before, stopped);
	snap_free(&before);
	if (vtd_irt_update(&n->unit->irt, NATIVE_IRT_OWNER, n->irte, &none))
		report_verdict(HC_FAIL, NAME, "clearing the hv's IRTE after the attack failed");
}
