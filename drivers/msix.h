/*
 * MSI-X for any PCI function (PCI Local Bus 3.0 6.8.2): the capability in
 * config space, the vector table and the Pending Bit Array in memory BARs.
 * The capability's register offsets are in drivers/pci.h (PCI_MSIX_*).
 * Table and PBA are reached through identity-mapped physical addresses.
 */
#ifndef DRIVERS_MSIX_H
#define DRIVERS_MSIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/bits.h"
#include "drivers/pci.h"

/* ---- Table entry (PCI 3.0 6.8.2.6 - 6.8.2.9), 16 bytes, dword access ---- */
#define MSIX_ENTRY_ADDR_LO	0x0	/* dword aligned: [1:0] are 0 */
#define MSIX_ENTRY_ADDR_HI	0x4
#define MSIX_ENTRY_DATA		0x8
#define MSIX_ENTRY_CTRL		0xc	/* vector control */
#define  MSIX_ENTRY_CTRL_MASKBIT BIT(0)	/* set at reset */

/* Compatibility-format (not remappable) MSI address and data, as the local
 * APIC decodes them (SDM vol 3, 11.11.1 and 11.11.2). */
#define MSI_ADDR_BASE		0xfee00000u
#define  MSI_ADDR_WINDOW	GENMASK(63, 20)	/* MSI_ADDR_BASE there */
#define  MSI_ADDR_DEST_ID	GENMASK(19, 12)	/* xAPIC destination */
#define  MSI_ADDR_RSVD		GENMASK(11, 4)
#define  MSI_ADDR_REDIR_HINT	BIT(3)
#define  MSI_ADDR_DEST_LOGICAL	BIT(2)
#define  MSI_DATA_VECTOR	GENMASK(7, 0)
#define  MSI_DATA_DELIVERY	GENMASK(10, 8)
#define   MSI_DELIVERY_FIXED	0
#define   MSI_DELIVERY_LOWPRI	1
#define   MSI_DELIVERY_SMI	2
#define   MSI_DELIVERY_NMI	4
#define   MSI_DELIVERY_INIT	5
#define   MSI_DELIVERY_EXTINT	7
#define  MSI_DATA_LEVEL_ASSERT	BIT(14)
#define  MSI_DATA_TRIGGER_LEVEL	BIT(15)
#define  MSI_DATA_RSVD		GENMASK(31, 16)

union msix_entry {
	struct {
		uint64_t addr;		/* [63:0]    message address */
		uint32_t data;		/* [95:64]   message data */
		uint32_t ctrl;		/* [127:96]  vector control, bit 0 mask */
	} __attribute__((packed));
	uint32_t dw[4];
};
_Static_assert(sizeof(union msix_entry) == PCI_MSIX_ENTRY_SIZE, "MSI-X entry is 16 bytes");
_Static_assert(offsetof(union msix_entry, data) == MSIX_ENTRY_DATA, "MSI-X data at 8");
_Static_assert(offsetof(union msix_entry, ctrl) == MSIX_ENTRY_CTRL, "MSI-X ctrl at 12");

/* One function's MSI-X state as found by msix_init. */
struct msix {
	const struct pci_cfg_ops *ops;
	struct pci_dev dev;		/* copy: cap offsets, table/PBA location */
	uint16_t nvec;
	uint64_t table_pa, pba_pa;
	volatile uint32_t *table;	/* nvec entries of 4 dwords */
	volatile uint32_t *pba;		/* nvec bits, dword access */
};

/* Pure helpers (unit-tested). */
/* Fixed delivery, edge, physical destination apic_id (0..255). */
void msix_compat_msg(uint32_t apic_id, uint8_t vector, uint64_t *addr, uint32_t *data);
/* Encode an entry; masked sets the vector control mask bit. */
void msix_entry_encode(union msix_entry *e, uint64_t addr, uint32_t data, bool masked);
/* Whether table (nvec entries at table_off) and PBA (at pba_off) fit in BARs
 * of the given sizes and do not overlap when in the same BAR; 0 or -ERANGE. */
int msix_layout_check(const struct pci_dev *d, uint64_t table_bar_size,
		      uint64_t pba_bar_size);

/* Locate table and PBA (BAR + offset, PCI 3.0 6.8.2.4/6.8.2.5) through
 * pci_bar_decode, check they fit, set memory decode. MSI-X stays as it was.
 * 0, -ENODEV (no MSI-X capability), -ENXIO (BAR unassigned), -ERANGE. */
int msix_init(struct msix *m, const struct pci_cfg_ops *ops, const struct pci_dev *d);
/* Control register bits: enable (PCI_MSIX_CTRL_ENABLE) and function mask
 * (PCI_MSIX_CTRL_MASKALL); read-modify-write of the message control word. */
int msix_ctrl_update(struct msix *m, uint16_t clear, uint16_t set);
uint16_t msix_ctrl_read(const struct msix *m);
/* Write entry i's address and data, leaving it masked; the caller unmasks.
 * Masked first so a half-written message is never sent (PCI 3.0 6.8.3.5). */
int msix_entry_write(struct msix *m, unsigned i, uint64_t addr, uint32_t data);
int msix_entry_read(const struct msix *m, unsigned i, union msix_entry *e);
int msix_entry_mask(struct msix *m, unsigned i, bool masked);
/* Pending bit of vector i (0/1), or a negative errno. */
int msix_pending(const struct msix *m, unsigned i);

#endif
