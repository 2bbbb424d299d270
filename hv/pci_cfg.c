/* ECAM configuration access and enumeration (see pci_cfg.h). */
#include <stdio.h>
#include "hv/pci_cfg.h"
#include "hv/hv.h"
#include "hv/mmu.h"
#include "hv/report.h"

/* PCIe base spec 7.2.2: 4 KiB per function, bus << 20 | dev << 15 | fn << 12. */
static volatile uint32_t *ecam_reg(uint16_t seg, uint8_t bus, uint8_t dev,
				   uint8_t fn, uint16_t off)
{
	unsigned i;

	for (i = 0; i < hv.acpi.necam; i++) {
		if (hv.acpi.ecam[i].segment != seg || bus < hv.acpi.ecam[i].bus_start ||
		    bus > hv.acpi.ecam[i].bus_end)
			continue;
		return (volatile uint32_t *)(uintptr_t)(hv.acpi.ecam[i].base +
			((uint64_t)bus << 20) + ((uint64_t)dev << 15) +
			((uint64_t)fn << 12) + (off & 0xffc));
	}
	return NULL;
}

static uint32_t ecam_read32(void *ctx, uint16_t seg, uint8_t bus, uint8_t dev,
			    uint8_t fn, uint16_t off)
{
	volatile uint32_t *r = ecam_reg(seg, bus, dev, fn, off);

	(void)ctx;
	return r ? *r : 0xffffffff;
}

static void ecam_write32(void *ctx, uint16_t seg, uint8_t bus, uint8_t dev,
			 uint8_t fn, uint16_t off, uint32_t v)
{
	volatile uint32_t *r = ecam_reg(seg, bus, dev, fn, off);

	(void)ctx;
	if (r)
		*r = v;
}

const struct pci_cfg_ops hv_pci_cfg = { .read32 = ecam_read32, .write32 = ecam_write32 };

void pci_cfg_scan(void)
{
	struct pci_bus_range ranges[ACPI_MAX_ECAM];
	unsigned i;
	int n;

	for (i = 0; i < hv.acpi.necam; i++) {
		/* ECAM may lie above what the start-up identity map covers. */
		mmu_map_mmio(hv.acpi.ecam[i].base + ((uint64_t)hv.acpi.ecam[i].bus_start << 20),
			     (uint64_t)(hv.acpi.ecam[i].bus_end - hv.acpi.ecam[i].bus_start + 1) << 20);
		ranges[i].seg = hv.acpi.ecam[i].segment;
		ranges[i].start = hv.acpi.ecam[i].bus_start;
		ranges[i].end = hv.acpi.ecam[i].bus_end;
	}
	if (!hv.acpi.necam)
		printf("hv: no MCFG table: PCI devices cannot be enumerated\n");
	n = pci_enumerate(&hv_pci_cfg, ranges, hv.acpi.necam, hv.pci, HV_PCI_MAX,
			  report_print_line, NULL);
	hv.npci = n > 0 ? (unsigned)n : 0;
}
