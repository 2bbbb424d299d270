/* IOMMU units for `info` (see iommu_info.h). */
#include <stdio.h>
#include "hv/iommu_info.h"
#include "hv/hv.h"
#include "hv/iommu.h"
#include "drivers/vtd_regs.h"

static unsigned irt_in_use(const struct vtd_irt *t)
{
	unsigned i, n = 0;

	for (i = 0; i < t->size; i++)
		n += t->owner[i] != 0;
	return n;
}

/* The state is read from the unit's status register, not from what the
 * hv meant to set up. */
static void unit_print(const struct vtd_unit *u)
{
	const struct vtd_fault_counts *f = &u->faults;
	char line[256], state[160];

	dmar_unit_describe(iommu.dmar, u->index, line, sizeof(line));
	printf("iommu: %s\n", line);
	vtd_caps_describe(u->ver, u->cap, u->ecap, line, sizeof(line));
	printf("iommu:   %s\n", line);
	vtd_status_describe(vtd_status_read(u->reg_base), state, sizeof(state));
	printf("iommu:   %s; %u IRT entries, %u in use; faults: %lu DMA, %lu IR, %lu other, "
	       "%lu overflows, %lu events\n", state, u->irt.size, irt_in_use(&u->irt), f->dma, f->ir, f->other,
	       f->overflow, f->events);
}

/* A unit the hv did not bring up still has a state: the firmware's. */
static void unit_print_down(unsigned i)
{
	char line[256], state[160];

	dmar_unit_describe(iommu.dmar, i, line, sizeof(line));
	printf("iommu: %s\n", line);
	vtd_status_describe(vtd_status_read(iommu.dmar->units[i].reg_base), state,
			    sizeof(state));
	printf("iommu:   not brought up by the hv: %s\n", state);
}

static const struct vtd_unit *unit_up_by_index(unsigned index)
{
	unsigned i;

	for (i = 0; i < iommu.nunits; i++)
		if (iommu.units[i].index == index)
			return &iommu.units[i];
	return NULL;
}

void iommu_info_print(void)
{
	const struct dmar_info *di = iommu.dmar;
	unsigned i;

	if (!di) {
		printf("iommu: no usable DMAR table: no VT-d remapping units\n");
		return;
	}
	printf("iommu: DMAR at 0x%lx: %u unit(s), %u up, host address width %u, %s%s\n",
	       hv.acpi.dmar_pa, di->nunits, iommu.nunits, di->haw,
	       di->flags & DMAR_INTR_REMAP ? "interrupt remapping" : "no interrupt remapping",
	       di->flags & DMAR_X2APIC_OPT_OUT ? ", x2APIC opt-out" : "");
	for (i = 0; i < di->nunits; i++) {
		const struct vtd_unit *u = unit_up_by_index(i);

		if (u)
			unit_print(u);
		else
			unit_print_down(i);
	}
	for (i = 0; i < di->nrmrr; i++)
		printf("iommu: RMRR 0x%lx-0x%lx segment %u\n", di->rmrr[i].base,
		       di->rmrr[i].limit, di->rmrr[i].segment);
	if (hv.assigned)
		printf("iommu: assigned device %02x:%02x.%u, guest domain %s\n",
		       hv.assigned->bus, hv.assigned->dev, hv.assigned->fn,
		       iommu.guest_domain_ready ? "active" : "not set up");
}
