/* The assigned device's virtual MSI-X (hv/vmsix.c) on the physical one:
 * host vectors and IRTEs for every entry when the guest enables MSI-X,
 * each guest message handed to the delivery mode (see passthru.h). */
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

static int route_entry(struct passthru *p, unsigned i)
{
	return irte_route_local(p->unit, PASSTHRU_IRT_OWNER, p->irte_first + i,
				(uint8_t)(p->host_first + i), &p->sid) ?:
	       irte_route_entry(&p->phys, i, (uint16_t)(p->irte_first + i));
}

/* Seeds 003/004: every vector is allocated when MSI-X is enabled, so an
 * unmask later can neither fail nor lose an interrupt. */
static int ops_alloc_all(void *ctx, unsigned nvec)
{
	struct passthru *p = ctx;
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
		      route_entry(p, i);
	if (err) {
		vtd_irt_free(&p->unit->irt, PASSTHRU_IRT_OWNER, p->irte_first, nvec);
		irq_vector_free(p->host_first, nvec);
	}
	return err;
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

