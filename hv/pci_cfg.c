/* ECAM or mechanism #1 configuration access and enumeration (see
 * pci_cfg.h). */
#include <stdio.h>
#include "hv/pci_cfg.h"
#include "hv/hv.h"
#include "hv/mmu.h"
#include "hv/report.h"
#include "drivers/cpu.h"

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

static uint32_t port_inl(void *ctx, uint16_t port)
{
	(void)ctx;
	return cpu_inl(port);
}

static void port_outl(void *ctx, uint16_t port, uint32_t v)
{
	(void)ctx;
	cpu_outl(port, v);
}

static struct pci_cf8 cf8 = { .inl = port_inl, .outl = port_outl };

/* Without an MCFG table (acpi_pc_defaults: ACPI_PC_CF8) every access goes
 * through mechanism #1, which reaches the first 256 bytes only. */
static uint32_t cfg_read32(void *ctx, uint16_t seg, uint8_t bus, uint8_t dev,
			   uint8_t fn, uint16_t off)
{
	volatile uint32_t *r;

	if (hv.acpi.pc_defaults & ACPI_PC_CF8)
		return pci_cf8_read32(&cf8, seg, bus, dev, fn, off);
	r = ecam_reg(seg, bus, dev, fn, off);
	(void)ctx;
	return r ? *r : 0xffffffff;
}

static void cfg_write32(void *ctx, uint16_t seg, uint8_t bus, uint8_t dev,
			uint8_t fn, uint16_t off, uint32_t v)
{
	volatile uint32_t *r;

	if (hv.acpi.pc_defaults & ACPI_PC_CF8) {
		pci_cf8_write32(&cf8, seg, bus, dev, fn, off, v);
		return;
	}
	r = ecam_reg(seg, bus, dev, fn, off);
	(void)ctx;
	if (r)
		*r = v;
}

const struct pci_cfg_ops hv_pci_cfg = { .read32 = cfg_read32, .write32 = cfg_write32 };

unsigned pci_cfg_cf8_refused(void)
{
	return cf8.refused;
}

void pci_cfg_scan(void)
{
	struct pci_bus_range ranges[ACPI_MAX_ECAM];
	unsigned i, nranges;
	int n;

	for (i = 0; i < hv.acpi.necam; i++) {
		/* ECAM may lie above what the start-up identity map covers. */
		mmu_map_mmio(hv.acpi.ecam[i].base + ((uint64_t)hv.acpi.ecam[i].bus_start << 20),
			     (uint64_t)(hv.acpi.ecam[i].bus_end - hv.acpi.ecam[i].bus_start + 1) << 20);
		ranges[i].seg = hv.acpi.ecam[i].segment;
		ranges[i].start = hv.acpi.ecam[i].bus_start;
		ranges[i].end = hv.acpi.ecam[i].bus_end;
	}
	nranges = hv.acpi.necam;
	if (hv.acpi.pc_defaults & ACPI_PC_CF8)
		ranges[nranges++] = (struct pci_bus_range){ .seg = 0, .start = 0, .end = 255 };
	n = pci_enumerate(&hv_pci_cfg, ranges, nranges, hv.pci, HV_PCI_MAX,
			  report_print_line, NULL);
	hv.npci = n > 0 ? (unsigned)n : 0;
}
