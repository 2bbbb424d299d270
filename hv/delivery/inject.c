/* delivery=inject: every entry's IRTE targets a host vector of its own;
 * the interrupt exits to the hv, which marks the guest's vector (or NMI)
 * in the virtual LAPIC and injects it at the next VM entry. */
#include <stddef.h>
#include "hv/delivery/delivery.h"
#include "hv/guest.h"
#include "hv/passthru.h"

static int inject_usable(const struct guest *g, const struct delivery_mode *m, char *why,
			 unsigned len)
{
	(void)g; (void)m; (void)why; (void)len;
	return 0;
}

/* The IRTE stays on the entry's host vector: only the guest's message
 * (vector or NMI) is remembered, for host_irq. */
static int inject_setup_entry(struct passthru *p, unsigned i, const struct ptemu_msi *msg,
			      const char **why)
{
	(void)why;
	p->guest_nmi[i] = msg->kind == PTEMU_MSI_NMI;
	p->guest_vec[i] = p->guest_nmi[i] ? VLAPIC_NMI_VECTOR : msg->vector;
	return 0;
}

static void inject_host_irq(struct passthru *p, unsigned i)
{
	vmsix_fire(&p->vm, i);
}

/* Deliver what delivery_inject_irqs found waiting (out of line: most
 * entries find nothing and pay no frame for this). */
static __attribute__((noinline)) void inject_deliver(struct guest *g)
{
	struct vcpu *v = &g->vcpu;
	int vec;

	/* An NMI message goes first, once EVENTINJ is free (IF=1 stands in
	 * for that: the backend tells nothing finer). */
	if (g->vlapic.nmi_pending) {
		bool now = v->ops->interruptible(v) && vlapic_nmi_take(&g->vlapic);

		if (now)
			v->ops->inject(v, EVENT_NMI, VLAPIC_NMI_VECTOR, false, 0);
		v->ops->irq_window(v, !now);
		return;
	}
	/* Interruptible first: then the priority logic runs once, in the
	 * ack, on the path that injects. */
	if (!v->ops->interruptible(v)) {
		if (v->inject_pending || vlapic_pending(&g->vlapic) >= 0)
			v->ops->irq_window(v, true);
		return;
	}
	vec = vlapic_ack(&g->vlapic);
	if (vec >= 0) {
		v->ops->inject(v, EVENT_EXTINT, (uint8_t)vec, false, 0);
		if (g->mode.eoi->injected)
			g->mode.eoi->injected(g, (uint8_t)vec);
	} else if (v->inject_pending) {
		v->ops->inject(v, EVENT_EXTINT, v->inject_vector, false, 0);
		v->inject_pending--;
	} else {
		return;
	}
	v->ops->irq_window(v, false);
}

/* Interrupts for the guest come from its virtual LAPIC (device vectors,
 * by priority), NMI messages and the self-test's HC_INJECT_SELF count.
 * With none of them waiting (an NMI message, a self-test injection, a
 * requested vector), the entry needs no delivery and no window. */
void delivery_inject_irqs(struct guest *g)
{
	if (g->vlapic.nmi_pending || g->vcpu.inject_pending || vlapic_irr_any(&g->vlapic))
		inject_deliver(g);
}

static bool inject_isolated(const struct guest *g)
{
	(void)g;
	return true;
}

const struct delivery_ops delivery_inject_ops = {
	.name = "inject",
	.usable = inject_usable,
	.setup_entry = inject_setup_entry,
	.host_irq = inject_host_irq,
	.before_entry = delivery_inject_irqs,
	.isolated = inject_isolated,
};
