/* eoi=hw: the CPU virtualizes the guest's xAPIC page, so the guest's EOI
 * of an edge vector costs no exit and the hv's interrupts reach the guest
 * through the virtual APIC's IRR instead of the event-injection field
 * (the backend's apicv hooks; VMX: hv/vmx/vmx_apicv.c). The vLAPIC stays
 * the model: the backend keeps it in step with the CPU's page at every
 * exit and entry.
 *
 * It needs delivery=inject: the device's interrupt still exits to the hv,
 * which makes the vector pending in the model; with delivery=direct the
 * guest takes and retires the physical vector itself, and posted delivery
 * brings its own virtual-interrupt path (the PIR), so neither has an EOI
 * for this mode to take over. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "hv/delivery/delivery.h"
#include "hv/delivery/direct_eoi.h"
#include "hv/guest.h"
#include "drivers/cpu.h"

#define CPUID_SVM_FEATURES	0x8000000aU
#define  SVM_FEATURE_AVIC	BIT(13)		/* APM vol 3, CPUID Fn8000_000A EDX */
#define CPUID_EXT_MAX		0x80000000U

/* A backend without the hooks: for SVM the AVIC bit decides what the
 * reason says (APM vol 2, 15.29). */
static int hw_no_backend(const struct vcpu *v, char *why, unsigned len)
{
	struct cpuid_regs r;

	if (strcmp(v->ops->name, "svm")) {
		snprintf(why, len, "the %s backend has no APIC virtualization", v->ops->name);
		return -ENODEV;
	}
	cpu_cpuid(CPUID_EXT_MAX, 0, &r);
	if (r.eax < CPUID_SVM_FEATURES) {
		snprintf(why, len, "the CPU has no CPUID leaf Fn8000_000A, so no AVIC");
		return -ENODEV;
	}
	cpu_cpuid(CPUID_SVM_FEATURES, 0, &r);
	if (!(r.edx & SVM_FEATURE_AVIC))
		snprintf(why, len, "the CPU has no AVIC (CPUID Fn8000_000A EDX[13] is clear)");
	else
		snprintf(why, len, "the CPU has AVIC (CPUID Fn8000_000A EDX[13]) but the hv's AVIC "
			 "path is not built");
	return -ENODEV;
}

static int hw_usable(const struct guest *g, const struct delivery_mode *m, char *why,
		     unsigned len)
{
	const struct vcpu *v = &g->vcpu;

	if (m->delivery == &delivery_direct_ops)
		return direct_eoi_hw_usable(g, why, len);
	if (m->delivery != &delivery_inject_ops) {
		snprintf(why, len, "eoi=hw needs delivery=inject: with delivery=%s the interrupt "
			 "does not pass through the virtual APIC whose EOI the CPU retires",
			 m->delivery->name);
		return -ENODEV;
	}
	if (!v->ops->apicv_usable)
		return hw_no_backend(v, why, len);
	return v->ops->apicv_usable(v, why, len);
}

/* The guest's APIC page maps to the backend's APIC-access page: the CPU
 * recognises APIC accesses by the host page a guest-physical address
 * translates to (SDM vol 3, 29.4.6.1). */
static int hw_start(struct guest *g, char *why, unsigned len)
{
	struct vcpu *v = &g->vcpu;
	uint64_t hpa;
	int err;

	if (g->mode.delivery == &delivery_direct_ops)
		return direct_eoi_hw_start(g, why, len);
	err = v->ops->apicv(v, &g->vlapic, GUEST_APIC_BASE, &hpa, why, len);
	if (err)
		return err;
	err = pt_map(&g->npt, GUEST_APIC_BASE, hpa, PT_PAGE_SIZE, PT_RW | PT_NX | PT_CACHE_UC,
		     false);
	if (err) {
		v->ops->apicv(v, NULL, 0, NULL, why, len);
		snprintf(why, len, "cannot map the APIC-access page at guest-physical 0x%lx "
			 "(error %d)", GUEST_APIC_BASE, err);
	}
	return err;
}

/* The mapping goes again, so that under eoi=trap the page faults to the
 * hv as before; the restart that follows every mode change flushes the
 * cached translation (INVEPT in the backend's reset). */
static void hw_stop(struct guest *g)
{
	struct pt_walk_trace t;
	uint64_t pa;
	char why[80];

	if (g->mode.delivery == &delivery_direct_ops) {
		direct_eoi_hw_stop(g);
		return;
	}
	if (!pt_walk_traced(&g->npt, GUEST_APIC_BASE, &pa, NULL, NULL, &t) && t.n)
		((union pte *)t.entry[t.n - 1])->raw = 0;
	g->vcpu.ops->apicv(&g->vcpu, NULL, 0, NULL, why, sizeof(why));
}

static void hw_before_entry(struct guest *g)
{
	if (g->mode.delivery == &delivery_direct_ops) {
		direct_eoi_hw_before_entry(g);
		return;
	}
	g->vcpu.ops->apicv_sync(&g->vcpu);
}

/* An EOI write the CPU did not virtualize (it faulted as an APIC access):
 * the model, in step with the page, retires it as eoi=trap would. */
static void hw_apic_eoi(struct guest *g)
{
	vlapic_eoi(&g->vlapic);
}

const struct eoi_ops eoi_hw_ops = {
	.name = "hw",
	.usable = hw_usable,
	.start = hw_start,
	.stop = hw_stop,
	.before_entry = hw_before_entry,
	.apic_eoi = hw_apic_eoi,
};
