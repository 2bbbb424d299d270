/* eoi=trap: the guest's xAPIC page is not mapped; its EOI write exits and
 * retires the highest in-service vector of the virtual LAPIC. */
#include <stddef.h>
#include "hv/delivery/delivery.h"
#include "hv/guest.h"

static int trap_usable(const struct guest *g, const struct delivery_mode *m, char *why,
		       unsigned len)
{
	(void)g; (void)m; (void)why; (void)len;
	return 0;
}

static void trap_apic_eoi(struct guest *g)
{
	vlapic_eoi(&g->vlapic);
}

const struct eoi_ops eoi_trap_ops = {
	.name = "trap",
	.usable = trap_usable,
	.apic_eoi = trap_apic_eoi,
};
