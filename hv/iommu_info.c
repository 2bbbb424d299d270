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
	char line[400], state[160];

	dmar_unit_describe(iommu.dmar, u->index, line, sizeof(line));
	printf("iommu: %s\n", line);
	vtd_caps_describe(u->ver, u->cap, u->ecap, line, sizeof(line));
	printf("iommu:   %s\n", line);
	vtd_status_describe(vtd_status_read(u->reg_base), state, sizeof(state));
	printf("iommu:   %s; %u IRT entries, %u in use; faults: %lu DMA, %lu IR, %lu other, "
	       "%lu overflows, %lu events\n", state, u->irt.size, irt_in_use(&u->irt), f->dma, f->ir, f->other,
	       f->overflow, f->events);
	vtd_takeover_describe(&u->fw, line, sizeof(line));
	printf("iommu:   at boot: %s%s\n", line, u->fw.pmr_on ? " (still on)" : "");
}

/* A unit the hv did not bring up: why, and its state only when it is a
 * unit at all (a firmware bug's address is not read again). */
static void unit_print_down(unsigned i)
{
	char line[256], state[160];

	dmar_unit_describe(iommu.dmar, i, line, sizeof(line));
	printf("iommu: %s\n", line);
	printf("iommu:   not brought up: %s\n", iommu.down[i].why);
	if (iommu.down[i].fw_bug)
		return;
	vtd_status_describe(vtd_status_read(iommu.dmar->units[i].reg_base), state,
			    sizeof(state));
	printf("iommu:   state left: %s\n", state);
}

static const struct vtd_unit *unit_up_by_index(unsigned index)
{
	unsigned i;

	for (i = 0; i < iommu.nunits; i++)
		if (iommu.units[i].index == index)
			return &iommu.units[i];
	return NULL;
}

/* Every structure but the units, one line each. */
static void structs_print(const struct dmar_info *di)
{
	static const struct { uint16_t type; const char *name; } lists[] = {
		{ DMAR_TYPE_RMRR, "RMRR" }, { DMAR_TYPE_ATSR, "ATSR" },
		{ DMAR_TYPE_RHSA, "RHSA" }, { DMAR_TYPE_ANDD, "ANDD" },
		{ DMAR_TYPE_SATC, "SATC" }, { DMAR_TYPE_SIDP, "SIDP" },
	};
	const unsigned counts[] = { di->nrmrr, di->natsr, di->nrhsa, di->nandd, di->nsatc,
				    di->nsidp };
	char line[512];
	unsigned t, i;

	printf("iommu: structures: %u DRHD, %u RMRR, %u ATSR, %u RHSA, %u ANDD, %u SATC, "
	       "%u SIDP, %u of unknown type skipped\n", di->nunits, di->nrmrr, di->natsr,
	       di->nrhsa, di->nandd, di->nsatc, di->nsidp, di->nskipped);
	for (t = 0; t < ARRAY_SIZE(lists); t++)
		for (i = 0; i < counts[t]; i++) {
			dmar_struct_describe(di, lists[t].type, i, line, sizeof(line));
			printf("iommu: %s\n", line);
		}
}

static void ir_print(const struct dmar_info *di)
{
	char why[IOMMU_WHY_LEN + 64];
	unsigned n = iommu_ir_units();

	if (!iommu_why_no_ir(why, sizeof(why)))
		printf("iommu: interrupt remapping available: %u of %u unit(s) up with IR on%s\n",
		       n, di->nunits, di->flags & DMAR_INTR_REMAP ? "" :
		       " (the table's INTR_REMAP flag is clear)");
	else
		printf("iommu: interrupt remapping NOT available: %s\n", why);
}

void iommu_info_print(void)
{
	const struct dmar_info *di = iommu.dmar;
	char flags[96];
	unsigned i;

	if (!di) {
		printf("iommu: %s; interrupt remapping NOT available\n", iommu.why_none);
		return;
	}
	dmar_flags_describe(di->flags, flags, sizeof(flags));
	printf("iommu: DMAR at 0x%lx rev %u: %u unit(s), %u up, host address width %u, "
	       "flags 0x%02x: %s\n", hv.acpi.dmar_pa, di->revision, di->nunits, iommu.nunits,
	       di->haw, di->flags, flags);
	ir_print(di);
	for (i = 0; i < di->nunits; i++) {
		const struct vtd_unit *u = unit_up_by_index(i);

		if (u)
			unit_print(u);
		else
			unit_print_down(i);
	}
	structs_print(di);
	if (hv.assigned)
		printf("iommu: assigned device %02x:%02x.%u, guest domain %s\n",
		       hv.assigned->bus, hv.assigned->dev, hv.assigned->fn,
		       iommu.guest_domain_ready ? "active" : "not set up");
}
