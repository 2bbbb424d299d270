/* The guest's MSI messages (see ptemu.h). The guest has one vCPU, APIC id
 * 0, with an emulated xAPIC that takes edge-triggered fixed interrupts and
 * NMIs; a message asking for anything else is refused, never approximated:
 * an SMI, INIT or level-triggered message injected as a fixed edge
 * interrupt is a different event from the one the guest asked for. */
#include <errno.h>
#include "hv/ptemu.h"
#include "drivers/msix.h"

#define FIRST_VECTOR	16	/* 0..15 are illegal (SDM vol 3, 11.5.3) */

static const char *delivery_refusal(unsigned mode)
{
	switch (mode) {
	case MSI_DELIVERY_SMI:
		return "SMI delivery (the guest has no SMM)";
	case MSI_DELIVERY_INIT:
		return "INIT delivery";
	case MSI_DELIVERY_EXTINT:
		return "ExtINT delivery (the guest has no 8259)";
	default:
		return "a reserved delivery mode";
	}
}

/* SDM vol 3, 11.11.1 (address) and 11.11.2 (data). */
int ptemu_msi_decode(uint64_t addr, uint32_t data, struct ptemu_msi *out, const char **why)
{
	unsigned mode = (unsigned)FIELD_GET(MSI_DATA_DELIVERY, data);

	*why = NULL;
	if ((addr & MSI_ADDR_WINDOW) != MSI_ADDR_BASE)
		*why = "the address is outside the interrupt window 0xfee00000";
	else if (addr & (MSI_ADDR_RSVD | 3))
		*why = "reserved address bits are set";
	else if (addr & MSI_ADDR_DEST_LOGICAL)
		*why = "logical destination mode (only physical APIC id 0 exists)";
	else if (FIELD_GET(MSI_ADDR_DEST_ID, addr) != 0)
		*why = "the destination is not APIC id 0, the guest's only vCPU";
	else if (data & MSI_DATA_RSVD)
		*why = "reserved data bits are set";
	else if (data & MSI_DATA_TRIGGER_LEVEL)
		*why = "level trigger (MSI are edge-triggered; there is no EOI to forward)";
	else if (mode == MSI_DELIVERY_NMI)
		*out = (struct ptemu_msi){ .kind = PTEMU_MSI_NMI };
	else if (mode != MSI_DELIVERY_FIXED && mode != MSI_DELIVERY_LOWPRI)
		*why = delivery_refusal(mode);
	else if (FIELD_GET(MSI_DATA_VECTOR, data) < FIRST_VECTOR)
		*why = "a vector below 16";
	else
		*out = (struct ptemu_msi){ .kind = PTEMU_MSI_FIXED,
					   .vector = (uint8_t)FIELD_GET(MSI_DATA_VECTOR, data) };
	return *why ? -EINVAL : 0;
}
