/* See irte_route.h. */
#include "hv/irte_route.h"
#include "drivers/lapic.h"
#include "drivers/vtd_irte.h"

int irte_route_local(struct vtd_unit *u, unsigned owner, unsigned index, uint8_t vector,
		     const struct vtd_sid *sid)
{
	struct vtd_irte_params p = {
		.vector = vector, .dest_apic_id = lapic_id(), .x2apic = lapic_x2apic(),
		.sid = sid->sid, .sq = sid->sq, .svt = sid->svt,
	};
	union vtd_irte e;

	return vtd_irte_encode(&e, &p) ?: vtd_irt_update(&u->irt, owner, index, &e);
}

int irte_route_entry(struct msix *m, unsigned k, uint16_t handle)
{
	uint32_t lo, hi, data;

	vtd_msi_remappable(handle, false, 0, &lo, &hi, &data);
	return msix_entry_write(m, k, (uint64_t)hi << 32 | lo, data);
}
