/* msix=map: the MSI-X table pages are the guest's (hv/passthru_map.c);
 * it asks by HC_MSI_MAP for the remappable-format message of an entry and
 * writes it itself, so mask and unmask cost no exit and a rewrite one
 * hypercall. The hv keeps every IRTE: allocated when the guest enables
 * MSI-X, source-id validated, set up by the delivery mode on each call,
 * cleared when the guest disables MSI-X or stops. */
#include <errno.h>
#include <stdio.h>
#include "hv/delivery/delivery.h"
#include "hv/delivery/msi_map_check.h"
#include "hv/guest.h"
#include "hv/ratelimit.h"

static struct ratelimit rl_refused = RATELIMIT_INIT("refused HC_MSI_MAP");

static int map_usable(const struct guest *g, const struct delivery_mode *m, char *why,
		      unsigned len)
{
	(void)m;
	return passthru_map_refusal(&g->pt, why, len) ? -ENODEV : 0;
}

static int map_start(struct passthru *p, char *why, unsigned len)
{
	return passthru_map_start(p, why, len);
}

static void map_stop(struct passthru *p)
{
	passthru_map_stop(p);
}

const struct msix_mode_ops msix_map_ops = {
	.name = "map",
	.usable = map_usable,
	.start = map_start,
	.stop = map_stop,
};

static long refuse(const struct msi_map_args *a, long err, const char *why)
{
	if (ratelimit_allow(&rl_refused))
		printf("hv: HC_MSI_MAP(entry %lu, vector %lu, destination %lu) refused: %s\n",
		       a->entry, a->vector, a->dest, why);
	return err;
}

/* The out pointer is written (zeros) before anything changes, so a bad
 * one costs nothing; the answer then cannot fail to land. */
long delivery_hc_msi_map(struct guest *g, struct vcpu_regs *r)
{
	struct passthru *p = &g->pt;
	struct msi_map_args a = { .entry = r->rdi, .vector = r->rsi, .dest = r->rdx,
				  .out = r->rcx };
	struct msi_map_state s = {
		.map_mode = g->mode.msix == &msix_map_ops && p->mapped,
		.assigned = p->active, .enabled = p->active && p->vm.enabled,
		.nvec = p->active ? p->vm.nvec : 0,
		.dest_apic_id = g->vlapic.id,
	};
	struct hc_msi_msg out = { 0 };
	const char *why;
	uint32_t data;
	long err = msi_map_check(&s, &a, &why);

	if (err)
		return refuse(&a, err, why);
	if (guest_write_gva(g, a.out, &out, sizeof(out)))
		return refuse(&a, -HC_EFAULT, "the out pointer is not writable guest RAM");
	if (passthru_map_entry(p, (unsigned)a.entry, (uint8_t)a.vector, &out.addr, &data))
		return -HC_EINVAL;	/* the delivery mode's reason is logged */
	out.data = data;
	return guest_write_gva(g, a.out, &out, sizeof(out)) ? -HC_EFAULT : 0;
}
