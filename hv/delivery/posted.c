/* delivery=posted: VT-d posted interrupts (VT-d 5.2, 9.11, 9.12) with the
 * CPU's posted-interrupt processing (SDM vol 3, 29.6). Each entry's IRTE
 * is in the posted format: the unit sets the guest's vector in the vCPU's
 * descriptor and sends the notification vector to this CPU. Arriving
 * while the guest runs, the CPU moves the vector into the virtual-APIC
 * page without an exit (virtual-interrupt delivery, eoi=hw, does the
 * rest); arriving while the hv runs, the hv takes the descriptor's
 * vectors into the guest's vLAPIC, as inject does.
 *
 * It needs a VMX CPU with posted-interrupt processing and a VT-d unit
 * with CAP.PI: neither QEMU 7.2 (TCG has no VMX; its intel-iommu has
 * CAP.PI clear) nor Bochs 2.7 (no IOMMU, no posted interrupts) has them,
 * so this path has not run on any machine the project is tested on; its
 * encodings are unit-tested against the specifications' bit layouts
 * (tests/unit/test_vtd_posted.c, test_vmx_posted_caps.c). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "hv/delivery/delivery.h"
#include "hv/guest.h"
#include "hv/iommu.h"
#include "hv/irq.h"
#include "hv/mem.h"
#include "hv/passthru.h"
#include "hv/vmx/vmx_posted.h"
#include "drivers/lapic.h"
#include "drivers/vtd_posted.h"
#include "drivers/vtd_regs.h"

/* The one vCPU's descriptor and notification vector (NULL/0: not
 * started). */
static struct {
	struct guest *g;
	struct vtd_pid *pid;
	uint8_t nv;
} pv;

/* Append one reason to why, "; " between them (cut at len, never past). */
static void __attribute__((format(printf, 4, 5)))
reason(char *why, unsigned len, unsigned *used, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*used && *used + 2 < len) {
		why[(*used)++] = ';';
		why[(*used)++] = ' ';
		why[*used] = '\0';
	}
	if (*used >= len)
		return;
	va_start(ap, fmt);
	w = vsnprintf(why + *used, len - *used, fmt, ap);
	va_end(ap);
	if (w > 0)
		*used = *used + (unsigned)w < len ? *used + (unsigned)w : len;
}

/* Every missing piece is named, the interrupt remapping first (it is the
 * mode's point), so that `info` says all of it at once. */
static int posted_usable(const struct guest *g, const struct delivery_mode *m, char *why,
			 unsigned len)
{
	static const char untested[] = "this path has not run here";
	const struct passthru *p = &g->pt;
	const struct vcpu_ops *ops = g->vcpu.ops;
	/* The last words stay whatever comes before them. */
	unsigned room = len > sizeof(untested) + 2 ? len - (unsigned)sizeof(untested) - 2 : len;
	char tmp[200];
	unsigned used = 0;

	if (len)
		why[0] = '\0';
	if (iommu_why_no_ir(tmp, sizeof(tmp)))
		reason(why, room, &used, "no VT-d unit remaps interrupts here");
	else if (!p->active || !p->unit)
		reason(why, room, &used, "no device is assigned behind a VT-d unit");
	else if (!(p->unit->cap & VTD_CAP_PI))
		reason(why, room, &used, "VT-d unit %u of %02x:%02x.%u lacks CAP.PI (bit 59)",
		       p->unit->index, p->dev->bus, p->dev->dev, p->dev->fn);
	if (!ops->posted)
		reason(why, room, &used, "the %s backend has no posted interrupts (VMX only)",
		       ops->name);
	else if (ops == &vmx_ops && vmx_posted_cpu_check(tmp, sizeof(tmp)))
		reason(why, room, &used, "%s", tmp);
	/* Posted vectors land in the virtual-APIC page, which only
	 * virtual-interrupt delivery evaluates; a trapped or pv EOI never
	 * sees them. */
	if (m->eoi != &eoi_hw_ops)
		reason(why, room, &used, "needs eoi=hw (virtual-interrupt delivery)");
	if (!used)
		return 0;
	if (used >= room)
		used = room - 1;	/* the cut reason's terminator */
	reason(why, len, &used, "%s", untested);
	return -ENODEV;
}

/* Hand every vector the unit posted to the guest's vLAPIC (edge, as
 * posted interrupts always are). */
static void posted_take(struct guest *g)
{
	uint64_t pir[4];
	unsigned i;

	if (!vtd_pid_take(pv.pid, pir))
		return;
	for (i = 16; i < 256; i++)
		if (pir[i / 64] & (1ULL << (i % 64)))
			vlapic_accept(&g->vlapic, (uint8_t)i, false);
}

/* The notification reached the hv (interrupt context, IF=0): the guest
 * was not running, so the CPU did not process the descriptor. */
static void on_notify(uint8_t vector, void *ctx)
{
	(void)vector;
	posted_take(ctx);
}

/* The descriptor's page: taken from the hv pool at the first start and
 * kept (the pool never frees, hv/mem.h), so a post that raced a stop
 * still lands in memory that is the hv's and nothing else's. */
static struct vtd_pid *pid_page(void)
{
	static struct vtd_pid *page;
	uint64_t pa;

	if (!page && !mem_alloc_pages(1, &pa))
		page = (struct vtd_pid *)(uintptr_t)pa;
	return page;
}

static int posted_start(struct guest *g, char *why, unsigned len)
{
	struct vcpu *v = &g->vcpu;
	struct vtd_pid *pid = pid_page();
	int err;

	if (!pid) {
		snprintf(why, len, "no memory for the posted-interrupt descriptor");
		return -ENOMEM;
	}
	err = irq_vector_alloc(1, &pv.nv);
	if (err) {
		snprintf(why, len, "no host vector left for the notification (error %d)", err);
		return err;
	}
	/* VT-d 9.12: the unit notifies NDST, this CPU, which runs the vCPU;
	 * its form follows IRTA.EIME, which the hv sets from the local APIC's
	 * mode (as irte_route_local's destinations). */
	err = irq_set_hook(pv.nv, on_notify, g) ?:
	      vtd_pid_init(pid, pv.nv, lapic_id(), lapic_x2apic());
	if (err)
		snprintf(why, len, "posted-interrupt descriptor refused (error %d)", err);
	else
		err = v->ops->posted(v, pv.nv, (uint64_t)(uintptr_t)pid, why, len);
	if (err) {
		irq_vector_free(pv.nv, 1);
		pv.nv = 0;
		return err;
	}
	pv.pid = pid;
	pv.g = g;
	printf("hv: delivery=posted: descriptor at 0x%lx, notification vector 0x%02x; "
	       "this path has not run on any machine the project is tested on\n",
	       (uint64_t)(uintptr_t)pid, pv.nv);
	return 0;
}

/* The device's IRTEs went before the mode does (guest_enter_mode
 * releases it first: entries freed, IEC flushed); the descriptor is
 * cleared, its page kept. */
static void posted_stop(struct guest *g)
{
	char why[160];

	g->vcpu.ops->posted(&g->vcpu, 0, 0, why, sizeof(why));
	irq_vector_free(pv.nv, 1);
	memset(pv.pid, 0, sizeof(*pv.pid));
	pv.pid = NULL;
	pv.nv = 0;
	pv.g = NULL;
}

/* The guest's vector goes into a posted IRTE for this vCPU's descriptor,
 * source-id validated as the remapped entries are (VT-d 9.11). */
static int posted_setup_entry(struct passthru *p, unsigned i, const struct ptemu_msi *msg,
			      const char **why)
{
	struct vtd_irte_posted_params pp = {
		.vector = msg->vector, .pid_pa = (uint64_t)(uintptr_t)pv.pid,
		.sid = p->sid.sid, .sq = p->sid.sq, .svt = p->sid.svt,
	};
	union vtd_irte e;

	if (msg->kind == PTEMU_MSI_NMI) {
		*why = "an NMI cannot be posted (a posted IRTE carries a vector, VT-d 9.11)";
		return -EINVAL;
	}
	if (!pv.pid || p->guest != pv.g || vtd_irte_encode_posted(&e, &pp) ||
	    vtd_irt_update_posted(&p->unit->irt, PASSTHRU_IRT_OWNER, p->irte_first + i, &e)) {
		*why = "its posted IRTE was refused";
		return -EINVAL;
	}
	p->guest_nmi[i] = false;
	p->guest_vec[i] = msg->vector;
	return 0;
}

/* The entry's host vector fires only while its IRTE is still the
 * remapped one the device got at MSI-X enable (before the guest's first
 * message): the inject path takes it. */
static void posted_host_irq(struct passthru *p, unsigned i)
{
	vmsix_fire(&p->vm, i);
}

/* ON set: a notification the hv has not handled yet (it is on its way,
 * IF is clear): take the vectors now rather than one entry late. */
static void posted_before_entry(struct guest *g)
{
	if (vtd_pid_on(pv.pid))
		posted_take(g);
	delivery_inject_irqs(g);
}

/* The unit validates each request's source id as for remapped entries,
 * and the guest's vector only reaches its own descriptor. */
static bool posted_isolated(const struct guest *g)
{
	(void)g;
	return true;
}

const struct delivery_ops delivery_posted_ops = {
	.name = "posted",
	.usable = posted_usable,
	.start = posted_start,
	.stop = posted_stop,
	.setup_entry = posted_setup_entry,
	.host_irq = posted_host_irq,
	.before_entry = posted_before_entry,
	.isolated = posted_isolated,
};
