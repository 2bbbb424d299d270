/* The assigned device's virtual MSI-X (hv/vmsix.c) on the physical one:
 * host vectors and IRTEs for every entry when the guest enables MSI-X,
 * each guest message handed to the delivery mode (see passthru.h); in
 * msix=map the same state machine with the table left to the guest. */
#include <errno.h>
#include <stdio.h>
#include "hv/passthru.h"
#include "hv/guest.h"
#include "hv/irq.h"
#include "hv/irte_route.h"
#include "hv/ratelimit.h"

static struct ratelimit rl_msi = RATELIMIT_INIT("refused MSI message");

/* ---- MSI-X: the vmsix ops ---- */

static void on_device_irq(uint8_t vector, void *ctx)
{
	struct passthru *p = ctx;

	p->guest->mode.delivery->host_irq(p, (unsigned)(vector - p->host_first));
}

/* trap: the hv writes the entry's remappable message into the physical
 * table itself; map: the table is the guest's, which asks for the message
 * by HC_MSI_MAP (msix_map.c), so only the IRTE is set. */
static int route_entry(struct passthru *p, unsigned i, bool program_table)
{
	int err = irte_route_local(p->unit, PASSTHRU_IRT_OWNER, p->irte_first + i,
				   (uint8_t)(p->host_first + i), &p->sid);

	if (!err && program_table)
		err = irte_route_entry(&p->phys, i, (uint16_t)(p->irte_first + i));
	return err;
}

/* Seeds 003/004: every vector is allocated when MSI-X is enabled, so an
 * unmask later can neither fail nor lose an interrupt. */
static int alloc_all(struct passthru *p, unsigned nvec, bool program_table)
{
	unsigned i;
	int err;

	err = irq_vector_alloc(nvec, &p->host_first);
	if (err)
		return err;
	err = vtd_irt_alloc(&p->unit->irt, PASSTHRU_IRT_OWNER, nvec, &p->irte_first);
	if (err) {
		irq_vector_free(p->host_first, nvec);
		return err;
	}
	for (i = 0; i < nvec && !err; i++)
		err = irq_set_hook((uint8_t)(p->host_first + i), on_device_irq, p) ?:
		      route_entry(p, i, program_table);
	if (err) {
		vtd_irt_free(&p->unit->irt, PASSTHRU_IRT_OWNER, p->irte_first, nvec);
		irq_vector_free(p->host_first, nvec);
	}
	return err;
}

static int ops_alloc_all(void *ctx, unsigned nvec)
{
	return alloc_all(ctx, nvec, true);
}

static void ops_free_all(void *ctx, unsigned nvec)
{
	struct passthru *p = ctx;

	vtd_irt_free(&p->unit->irt, PASSTHRU_IRT_OWNER, p->irte_first, nvec);
	irq_vector_free(p->host_first, nvec);
}

/* The guest's message, decoded, goes to the delivery mode, which sets up
 * the entry's IRTE (or keeps it on the host vector and remembers the
 * guest's). */
static int ops_route(void *ctx, unsigned i, uint64_t addr, uint32_t data)
{
	struct passthru *p = ctx;
	struct ptemu_msi msg;
	const char *why;

	if (ptemu_msi_decode(addr, data, &msg, &why) ||
	    p->guest->mode.delivery->setup_entry(p, i, &msg, &why)) {
		if (ratelimit_allow(&rl_msi))
			printf("hv: guest MSI-X entry %u: address 0x%lx data 0x%x refused: %s; "
			       "it delivers nothing\n", i, addr, data, why);
		return -EINVAL;
	}
	return 0;
}

static void ops_mask(void *ctx, unsigned i, bool masked)
{
	struct passthru *p = ctx;

	msix_entry_mask(&p->phys, i, masked);
}

static bool ops_phys_pending(void *ctx, unsigned i)
{
	struct passthru *p = ctx;

	return msix_pending(&p->phys, i) == 1;
}

static void ops_deliver(void *ctx, unsigned i)
{
	struct passthru *p = ctx;

	if (p->guest_nmi[i])
		vlapic_nmi(&p->guest->vlapic);
	else
		vlapic_accept(&p->guest->vlapic, p->guest_vec[i], false);
}

const struct vmsix_ops passthru_vmsix_ops = {
	.alloc_all = ops_alloc_all, .free_all = ops_free_all, .route = ops_route,
	.mask = ops_mask, .phys_pending = ops_phys_pending, .deliver = ops_deliver,
};

/* ---- msix=map: the same machine, the table the guest's ---- */

static int map_alloc_all(void *ctx, unsigned nvec)
{
	return alloc_all(ctx, nvec, false);
}

/* MSI-X off or the guest stopped: every physical entry masked before its
 * IRTE is cleared, so what the guest left in its table (its handles, now
 * stale) can send nothing; one that still does hits a cleared IRTE and is
 * blocked. A mapping lasts one enable: each entry is virtually masked
 * again until the guest asks for it anew. */
static void map_free_all(void *ctx, unsigned nvec)
{
	struct passthru *p = ctx;
	unsigned i;

	for (i = 0; i < nvec; i++) {
		msix_entry_mask(&p->phys, i, true);
		p->entries[i].masked = true;
	}
	ops_free_all(ctx, nvec);
}

/* The guest's vector-control mask bits are the device's own in this
 * mode: the state machine's virtual mask only says whether the hv
 * delivers what arrives (an entry the guest has not asked for pends). */
static void map_mask(void *ctx, unsigned i, bool masked)
{
	(void)ctx; (void)i; (void)masked;
}

/* Enable and Function Mask stay virtual (config space is trapped); the
 * device's Function Mask holds every entry while either says so. */
static void map_fn_mask(void *ctx, bool masked)
{
	struct passthru *p = ctx;

	msix_ctrl_update(&p->phys, masked ? 0 : PCI_MSIX_CTRL_MASKALL,
			 masked ? PCI_MSIX_CTRL_MASKALL : 0);
}

const struct vmsix_ops passthru_vmsix_map_ops = {
	.alloc_all = map_alloc_all, .free_all = map_free_all, .route = ops_route,
	.mask = map_mask, .phys_pending = ops_phys_pending, .deliver = ops_deliver,
	.fn_mask = map_fn_mask,
};

void passthru_release(struct passthru *p)
{
	unsigned i;

	if (!p->active)
		return;
	vmsix_ctrl_write(&p->vm, 0);
	for (i = 0; i < p->vm.nvec; i++)
		p->entries[i].pending = false;
}

void passthru_describe_waiting(const struct passthru *p)
{
	unsigned i, shown = 0;

	if (!p->active)
		return;
	printf("  device: MSI-X %s%s;", p->vm.enabled ? "enabled" : "disabled",
	       p->vm.fmask ? ", function masked" : "");
	for (i = 0; i < p->vm.nvec && shown < 8; i++) {
		const struct vmsix_entry *e = &p->entries[i];
		int phys = msix_pending(&p->phys, i);

		if (e->masked && !e->pending && phys != 1)
			continue;
		shown++;
		printf(" entry %u%s%s%s%s host 0x%02x (%lu taken)", i,
		       e->masked ? " masked" : "", e->pending ? " pending" : "",
		       e->live ? " live" : "", phys == 1 ? " phys-pending" : "",
		       p->host_first + i, irq_count((uint8_t)(p->host_first + i)));
	}
	printf("%s\n", shown ? "" : " no entry unmasked or pending");
}

bool passthru_irqs_live(const struct passthru *p)
{
	return p->active && p->vm.enabled;
}

