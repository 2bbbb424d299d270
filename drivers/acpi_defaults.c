/*
 * PC defaults for a machine whose firmware hands over no ACPI tables (OVMF
 * under Bochs) or tables without a MADT or MCFG (some real boards lack the
 * MCFG). Pure logic: the hardware is read through the caller's probe.
 */
#include <errno.h>
#include <stdio.h>

#include "drivers/acpi.h"
#include "drivers/ioapic.h"
#include "drivers/lapic_mode.h"
#include "drivers/text.h"

#define IOAPIC_VER_82093AA_MIN	0x10	/* 0x1x: discrete I/O APICs */
#define IOAPIC_VER_82093AA_MAX	0x1f
#define IOAPIC_VER_ICH		0x20	/* ICH and PCH I/O(x)APICs */
#define IOAPIC_PINS_MAX		240	/* vectors 16..255 */

bool acpi_ioapic_ver_plausible(uint32_t ver)
{
	uint32_t v = FIELD_GET(IOAPIC_VER_VERSION, ver);
	uint32_t pins = FIELD_GET(IOAPIC_VER_MAXREDIR, ver) + 1;

	if (ver == 0xffffffff || !ver)
		return false;
	if (v != IOAPIC_VER_ICH && (v < IOAPIC_VER_82093AA_MIN || v > IOAPIC_VER_82093AA_MAX))
		return false;
	return pins <= IOAPIC_PINS_MAX;
}

/* No MADT: the LAPIC from the MSR, the I/O APIC where PCs put it. */
static unsigned pc_apics(struct acpi_info *ai, const struct acpi_pc_probe *probe)
{
	unsigned used = 0;
	uint32_t id;

	if (!ai->lapic_pa) {
		ai->lapic_pa = probe->apic_base_msr & APIC_BASE_ADDR;
		used |= ACPI_PC_LAPIC;
	}
	if (ai->nioapics)
		return used;
	ai->pc_ioapic_ver = probe->ioapic_read(probe->ctx, ACPI_PC_IOAPIC_PA,
					       IOAPIC_VER);
	if (!acpi_ioapic_ver_plausible(ai->pc_ioapic_ver))
		return used | ACPI_PC_NO_IOAPIC;
	id = probe->ioapic_read(probe->ctx, ACPI_PC_IOAPIC_PA, IOAPIC_ID);
	ai->ioapics[0].id = (uint8_t)FIELD_GET(IOAPIC_ID_MASK, id);
	ai->ioapics[0].pa = ACPI_PC_IOAPIC_PA;
	ai->ioapics[0].gsi_base = 0;
	ai->nioapics = 1;
	/* A PC/AT-compatible board has the dual 8259s (ACPI 5.2.12 PCAT_COMPAT). */
	ai->has_8259 = true;
	return used | ACPI_PC_IOAPIC;
}

unsigned acpi_pc_defaults(struct acpi_info *ai, const struct acpi_pc_probe *probe)
{
	unsigned used = 0;

	if (!acpi_find(ai, "APIC", 0))
		used |= pc_apics(ai, probe);
	if (!ai->necam)
		used |= ACPI_PC_CF8;
	if (!ai->ntables && !ai->has_spcr)
		used |= ACPI_PC_COM1;
	ai->pc_defaults = used;
	return used;
}


int acpi_pc_defaults_describe(const struct acpi_info *ai, char *buf, size_t len)
{
	unsigned used = ai->pc_defaults;
	const char *sep = "";
	size_t pos = 0;

	if (!buf || !len)
		return -EINVAL;
	if (!used)
		return -ENOENT;
	text_append(buf, len, &pos, "acpi: %s: using PC defaults (",
	       !ai->ntables ? "no tables from firmware" :
	       !acpi_find(ai, "APIC", 0) ? "no MADT" : "no MCFG");
	if (used & ACPI_PC_LAPIC) {
		text_append(buf, len, &pos, "LAPIC at 0x%lx from IA32_APIC_BASE", ai->lapic_pa);
		sep = ", ";
	}
	if (used & ACPI_PC_IOAPIC) {
		text_append(buf, len, &pos, "%sI/O APIC id %u at 0x%x (version 0x%x, %u pins)", sep,
		       ai->ioapics[0].id, ACPI_PC_IOAPIC_PA,
		       (unsigned)FIELD_GET(IOAPIC_VER_VERSION, ai->pc_ioapic_ver),
		       (unsigned)FIELD_GET(IOAPIC_VER_MAXREDIR, ai->pc_ioapic_ver) + 1);
		sep = ", ";
	}
	if (used & ACPI_PC_NO_IOAPIC) {
		text_append(buf, len, &pos, "%sno I/O APIC: version register at 0x%x reads 0x%x", sep,
		       ACPI_PC_IOAPIC_PA, ai->pc_ioapic_ver);
		sep = ", ";
	}
	if (used & ACPI_PC_COM1) {
		text_append(buf, len, &pos, "%sCOM1", sep);
		sep = ", ";
	}
	if (used & ACPI_PC_CF8)
		text_append(buf, len, &pos, "%sPCI configuration mechanism #1, first 256 bytes only",
		       sep);
	text_append(buf, len, &pos, ")");
	return pos < len ? (int)pos : -ENOSPC;
}
