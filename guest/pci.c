/* Guest PCI configuration access and the assigned function. Everything
 * past the raw dword access is drivers/pci.c's, so the guest decodes its
 * device exactly as the hv decodes the real one. */
#include <errno.h>
#include <stdio.h>

#include "guest/guest.h"
#include "guest/pci.h"
#include "drivers/cpu.h"

#define GUEST_PCI_SCAN_MAX	8	/* the hv shows one function */
#define GUEST_PCI_CFG_SIZE	256	/* mechanism #1 reaches no further */

static bool gpci_addr(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn,
		      uint16_t off, uint32_t *cf8)
{
	if (seg || dev > 31 || fn > 7 || off >= GUEST_PCI_CFG_SIZE)
		return false;
	*cf8 = (uint32_t)(PCI_CF8_ENABLE | FIELD_PREP(PCI_CF8_BUS, bus) |
			  FIELD_PREP(PCI_CF8_DEV, dev) |
			  FIELD_PREP(PCI_CF8_FN, fn) | (off & PCI_CF8_REG));
	return true;
}

static uint32_t gpci_read32(void *ctx, uint16_t seg, uint8_t bus, uint8_t dev,
			    uint8_t fn, uint16_t off)
{
	uint32_t cf8;

	(void)ctx;
	if (!gpci_addr(seg, bus, dev, fn, off, &cf8))
		return 0xffffffff;
	cpu_outl(GUEST_PCI_ADDR_PORT, cf8);
	return cpu_inl(GUEST_PCI_DATA_PORT);
}

static void gpci_write32(void *ctx, uint16_t seg, uint8_t bus, uint8_t dev,
			 uint8_t fn, uint16_t off, uint32_t v)
{
	uint32_t cf8;

	(void)ctx;
	if (!gpci_addr(seg, bus, dev, fn, off, &cf8))
		return;
	cpu_outl(GUEST_PCI_ADDR_PORT, cf8);
	cpu_outl(GUEST_PCI_DATA_PORT, v);
}

const struct pci_cfg_ops guest_pci_cfg = {
	.read32 = gpci_read32, .write32 = gpci_write32, .ctx = NULL,
};

static void gpci_warn(void *ctx, const char *msg)
{
	(void)ctx;
	printf("%s\n", msg);
}

int guest_pci_find(struct pci_dev *d)
{
	static const struct pci_bus_range bus0 = { .seg = 0, .start = 0, .end = 0 };
	struct pci_dev devs[GUEST_PCI_SCAN_MAX];
	int n = pci_enumerate(&guest_pci_cfg, &bus0, 1, devs, GUEST_PCI_SCAN_MAX,
			      gpci_warn, NULL);

	if (n <= 0 || devs[0].bus || devs[0].dev || devs[0].fn) {
		printf("pci: no function at 00:00.0 (%d found on bus 0)\n", n);
		return -ENODEV;
	}
	if (n > 1)
		printf("pci: %d functions on bus 0, the hv promised one; using 00:00.0\n", n);
	*d = devs[0];
	return 0;
}
