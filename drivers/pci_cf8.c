/*
 * PCI configuration mechanism #1 (see pci.h): the fallback where firmware
 * gives no MCFG table. Pure logic over caller port I/O, so the address
 * encoding and the 256-byte limit are unit-tested on the host.
 */
#include <errno.h>

#include "drivers/pci.h"

#define PCI_CF8_DEVS		32
#define PCI_CF8_FNS		8

int pci_cf8_address(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn,
		    uint16_t off, uint32_t *addr)
{
	if (seg || dev >= PCI_CF8_DEVS || fn >= PCI_CF8_FNS)
		return -EINVAL;
	if (off >= PCI_CFG_LEGACY_SIZE)
		return -ERANGE;
	*addr = (uint32_t)(PCI_CF8_ENABLE | FIELD_PREP(PCI_CF8_BUS, bus) |
			   FIELD_PREP(PCI_CF8_DEV, dev) | FIELD_PREP(PCI_CF8_FN, fn) |
			   FIELD_PREP(PCI_CF8_REG, off >> 2));
	return 0;
}

uint32_t pci_cf8_read32(void *ctx, uint16_t seg, uint8_t bus, uint8_t dev,
			uint8_t fn, uint16_t off)
{
	struct pci_cf8 *c = ctx;
	uint32_t addr;

	if (pci_cf8_address(seg, bus, dev, fn, off, &addr)) {
		c->refused++;
		return 0xffffffff;
	}
	c->outl(c->ctx, PCI_CF8_ADDR_PORT, addr);
	return c->inl(c->ctx, PCI_CF8_DATA_PORT);
}

void pci_cf8_write32(void *ctx, uint16_t seg, uint8_t bus, uint8_t dev,
		     uint8_t fn, uint16_t off, uint32_t v)
{
	struct pci_cf8 *c = ctx;
	uint32_t addr;

	if (pci_cf8_address(seg, bus, dev, fn, off, &addr)) {
		c->refused++;
		return;
	}
	c->outl(c->ctx, PCI_CF8_ADDR_PORT, addr);
	c->outl(c->ctx, PCI_CF8_DATA_PORT, v);
}
