/* I/O APIC (82093AA datasheet, 3.2): indirect access through IOREGSEL and
 * IOWIN; each pin has a 64-bit redirection entry at 0x10 + 2 * pin. */
#include "drivers/ioapic.h"
#include "drivers/bits.h"

#define IOREGSEL		0x00
#define IOWIN			0x10
#define IOAPIC_VER		0x01
#define  IOAPIC_VER_MAXREDIR	GENMASK(23, 16)
#define IOAPIC_REDTBL_LO(pin)	(0x10 + 2 * (pin))
#define  REDTBL_MASKED		BIT(16)

uint32_t ioapic_read(uint64_t pa, uint32_t reg)
{
	*(volatile uint32_t *)(uintptr_t)(pa + IOREGSEL) = reg;
	return *(volatile uint32_t *)(uintptr_t)(pa + IOWIN);
}

static void ioapic_write(uint64_t pa, uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)(pa + IOREGSEL) = reg;
	*(volatile uint32_t *)(uintptr_t)(pa + IOWIN) = v;
}

unsigned ioapic_mask_all(uint64_t pa)
{
	unsigned pins = FIELD_GET(IOAPIC_VER_MAXREDIR, ioapic_read(pa, IOAPIC_VER)) + 1;
	unsigned pin;

	for (pin = 0; pin < pins; pin++) {
		uint32_t lo = ioapic_read(pa, IOAPIC_REDTBL_LO(pin));

		ioapic_write(pa, IOAPIC_REDTBL_LO(pin), lo | REDTBL_MASKED);
	}
	return pins;
}
