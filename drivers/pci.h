/*
 * PCI enumeration as pure logic: configuration space is reached only through
 * caller-supplied ops (ECAM or mechanism #1 in the hv, a fake config space in
 * unit tests).
 * PCI Local Bus 3.0 (PCI), PCI-to-PCI Bridge 1.2, PCI Express Base 5.0 (PCIe).
 */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/bits.h"

/* ---- Configuration space, common header (PCI 6.1) ---- */
#define PCI_VENDOR_ID		0x00	/* 16 bits; device id at 0x02 */
#define  PCI_VENDOR_NONE	0xffff	/* no function here */
#define PCI_COMMAND		0x04	/* 16 bits */
#define  PCI_COMMAND_IO		BIT(0)
#define  PCI_COMMAND_MEMORY	BIT(1)
#define  PCI_COMMAND_MASTER	BIT(2)
#define  PCI_COMMAND_INTX_DISABLE BIT(10)
#define PCI_STATUS		0x06	/* 16 bits */
#define  PCI_STATUS_CAP_LIST	BIT(4)
#define PCI_CLASS_REVISION	0x08	/* class [31:8], revision [7:0] */
#define  PCI_CLASS_CODE		GENMASK(31, 8)
#define PCI_HEADER_TYPE		0x0e	/* 8 bits */
#define  PCI_HEADER_TYPE_MASK	GENMASK(6, 0)
#define  PCI_HEADER_TYPE_NORMAL	0
#define  PCI_HEADER_TYPE_BRIDGE	1
#define  PCI_HEADER_TYPE_CARDBUS 2
#define  PCI_HEADER_MULTI_FN	BIT(7)
#define PCI_BAR0		0x10	/* six BARs on type 0, two on type 1 */
#define  PCI_BAR_IO		BIT(0)
#define  PCI_BAR_MEM_TYPE	GENMASK(2, 1)
#define  PCI_BAR_MEM_TYPE_64	2
#define  PCI_BAR_MEM_PREFETCH	BIT(3)
#define  PCI_BAR_MEM_ADDR	GENMASK(31, 4)
#define  PCI_BAR_IO_ADDR	GENMASK(31, 2)
#define PCI_NUM_BARS		6
#define PCI_CAP_PTR		0x34	/* 8 bits, type 0 and 1 */
#define PCI_CB_CAP_PTR		0x14	/* 8 bits, type 2 (CardBus) */
#define PCI_INTERRUPT_LINE	0x3c

/* ---- Type 1 header (PCI-to-PCI Bridge 3.2) ---- */
#define PCI_BRIDGE_BUSES	0x18	/* 32 bits */
#define  PCI_BRIDGE_PRIMARY	GENMASK(7, 0)
#define  PCI_BRIDGE_SECONDARY	GENMASK(15, 8)
#define  PCI_BRIDGE_SUBORDINATE	GENMASK(23, 16)

/* ---- Capability list (PCI 6.7) ---- */
#define PCI_CAP_ID		GENMASK(7, 0)	/* of the capability's first dword */
#define PCI_CAP_NEXT		GENMASK(15, 8)
#define PCI_CAP_PTR_MASK	0xfc	/* pointers are dword aligned */
#define PCI_CAP_FIRST		0x40	/* capabilities live above the header */
#define PCI_CFG_LEGACY_SIZE	0x100	/* ... and wholly below this (PCI 6.7) */
#define PCI_CAP_MAX_HOPS	48	/* (256 - 64) / 4: more means a loop */
#define PCI_CAP_ID_PM		0x01
#define PCI_CAP_ID_MSI		0x05
#define PCI_CAP_ID_VNDR		0x09
#define PCI_CAP_ID_PCIE		0x10
#define PCI_CAP_ID_MSIX		0x11

/* MSI-X capability (PCI 6.8.2), offsets from the capability. */
#define PCI_MSIX_CTRL		0x02	/* 16 bits, in dword 0 [31:16] */
#define  PCI_MSIX_CTRL_SIZE	GENMASK(10, 0)	/* table size - 1 */
#define  PCI_MSIX_CTRL_MASKALL	BIT(14)
#define  PCI_MSIX_CTRL_ENABLE	BIT(15)
#define PCI_MSIX_TABLE		0x04
#define  PCI_MSIX_BIR		GENMASK(2, 0)	/* BAR indicator, 0..5 */
#define  PCI_MSIX_OFFSET	GENMASK(31, 3)	/* 8-byte aligned offset */
#define PCI_MSIX_PBA		0x08	/* same layout as PCI_MSIX_TABLE */
#define PCI_MSIX_ENTRY_SIZE	16

/* PCI Express capability (PCIe 7.5.3), offsets from the capability. */
#define PCI_EXP_FLAGS		0x02	/* 16 bits, in dword 0 [31:16] */
#define  PCI_EXP_FLAGS_VERSION	GENMASK(3, 0)
#define  PCI_EXP_FLAGS_TYPE	GENMASK(7, 4)
#define  PCI_EXP_TYPE_ENDPOINT		0x0
#define  PCI_EXP_TYPE_LEG_END		0x1
#define  PCI_EXP_TYPE_ROOT_PORT		0x4
#define  PCI_EXP_TYPE_UPSTREAM		0x5
#define  PCI_EXP_TYPE_DOWNSTREAM	0x6
#define  PCI_EXP_TYPE_PCI_BRIDGE	0x7	/* PCIe to PCI/PCI-X */
#define  PCI_EXP_TYPE_PCIE_BRIDGE	0x8	/* PCI/PCI-X to PCIe */
#define  PCI_EXP_TYPE_RC_END		0x9	/* root complex integrated */
#define  PCI_EXP_TYPE_RC_EC		0xa	/* root complex event collector */
#define PCI_EXP_TYPE_NONE	0xff	/* pci_dev.pcie_type: not PCIe */

/* ---- Enumeration ---- */

/* Config space access to the dword at off (dword aligned); a missing function
 * reads as all ones. write32 may be NULL for read-only users (enumeration);
 * everything that writes returns -EROFS then. */
struct pci_cfg_ops {
	uint32_t (*read32)(void *ctx, uint16_t seg, uint8_t bus, uint8_t dev,
			   uint8_t fn, uint16_t off);
	void (*write32)(void *ctx, uint16_t seg, uint8_t bus, uint8_t dev,
			uint8_t fn, uint16_t off, uint32_t v);
	void *ctx;
};

struct pci_dev {
	uint16_t seg;
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint32_t class_code;		/* class << 16 | subclass << 8 | progif */
	uint8_t header_type;		/* PCI_HEADER_TYPE_*, without the MF bit */
	bool multifunction;		/* function 0 of this device has MF set */
	int parent;			/* index of the upstream bridge, or -1 */
	uint8_t secondary, subordinate;	/* bridges only */
	uint8_t pcie_cap, msi_cap, msix_cap;	/* capability offsets, 0: none */
	uint8_t pcie_type;		/* PCI_EXP_TYPE_*, PCI_EXP_TYPE_NONE */
	uint16_t msix_table_size;	/* vectors */
	uint8_t msix_table_bir, msix_pba_bir;
	uint32_t msix_table_off, msix_pba_off;
};

struct pci_bus_range {
	uint16_t seg;
	uint8_t start, end;
};

typedef void (*pci_report_fn)(void *ctx, const char *msg);

/* Scan each range from its root bus (range.start), following every type 1
 * bridge into its firmware-programmed secondary bus (nothing reprogrammed);
 * bridges pointing outside the range or at a visited bus are reported and
 * not followed. Fills devs; returns the count found (<= max). */
int pci_enumerate(const struct pci_cfg_ops *ops, const struct pci_bus_range *ranges,
		  unsigned nranges, struct pci_dev *devs, unsigned max,
		  pci_report_fn report, void *rctx);

/* Offset of capability cap_id in d's list (status bit 4, pointer at 0x34,
 * at most PCI_CAP_MAX_HOPS hops so loops end), or 0 if absent or if the
 * registers the tree reads of it would run past 0xff. */
uint8_t pci_cap_find(const struct pci_cfg_ops *ops, const struct pci_dev *d, uint8_t cap_id);

/* One line like "0000:00:02.0 8086:10d3 class 020000 [pcie endpoint]
 * msix 5@bar3+0x0" into buf; returns its length, or -ENOSPC if cut short. */
int pci_dev_describe(const struct pci_dev *d, char *buf, size_t len);

/* Requester ID as the IOMMU sees it: bus << 8 | dev << 3 | fn. */
uint16_t pci_rid(const struct pci_dev *d);

/* ---- Configuration mechanism #1 (PCI 3.0 3.2.2.3.2) ---- */

/* CONFIG_ADDRESS at port 0xcf8 selects a dword, CONFIG_DATA at 0xcfc moves
 * it. It reaches segment 0 only and the first 256 bytes of each function:
 * extended configuration space (0x100-0xfff) needs ECAM (MCFG). */
#define PCI_CF8_ADDR_PORT	0xcf8
#define PCI_CF8_DATA_PORT	0xcfc
#define PCI_CF8_ENABLE		BIT(31)
#define PCI_CF8_BUS		GENMASK(23, 16)
#define PCI_CF8_DEV		GENMASK(15, 11)
#define PCI_CF8_FN		GENMASK(10, 8)
#define PCI_CF8_REG		GENMASK(7, 2)

/* CONFIG_ADDRESS of the dword at off (rounded down to a dword). -ERANGE for
 * off >= 0x100 (extended space), -EINVAL for a segment other than 0, dev
 * > 31 or fn > 7. */
int pci_cf8_address(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn,
		    uint16_t off, uint32_t *addr);

/* Port I/O for mechanism #1 (the hv's in/out instructions, or a fake). */
struct pci_cf8 {
	uint32_t (*inl)(void *ctx, uint16_t port);
	void (*outl)(void *ctx, uint16_t port, uint32_t v);
	void *ctx;
	unsigned refused;		/* accesses pci_cf8_address refused */
};

/* struct pci_cfg_ops read32/write32 over mechanism #1 (ctx: struct
 * pci_cf8). An address it cannot reach reads as all ones, as a missing
 * function does, a write to it is dropped; neither touches a port, and
 * both count in refused. Not reentrant: one CPU, no config access from
 * interrupt handlers. */
uint32_t pci_cf8_read32(void *ctx, uint16_t seg, uint8_t bus, uint8_t dev,
			uint8_t fn, uint16_t off);
void pci_cf8_write32(void *ctx, uint16_t seg, uint8_t bus, uint8_t dev,
		     uint8_t fn, uint16_t off, uint32_t v);

/* ---- Configuration writes, BARs, command register ---- */

/* Dword read/write of d's config space at off (rounded down to a dword). */
uint32_t pci_cfg_read32(const struct pci_cfg_ops *ops, const struct pci_dev *d,
			uint16_t off);
int pci_cfg_write32(const struct pci_cfg_ops *ops, const struct pci_dev *d,
		    uint16_t off, uint32_t v);

/* Base, size and width of memory BAR bar (0..5; 0..1 on bridges). Sizing
 * writes all ones and restores the BAR with memory and I/O decode off in the
 * command register meanwhile (PCI 3.0 6.2.5.1), then restores the command.
 * 0; -EINVAL for a bad index or the upper half of a 64-bit BAR, -ENOENT for
 * an unimplemented BAR, -EOPNOTSUPP for an I/O BAR, -EROFS without write32. */
int pci_bar_decode(const struct pci_cfg_ops *ops, const struct pci_dev *d,
		   unsigned bar, uint64_t *base, uint64_t *size, bool *mmio64);

/* Command register: clear then set bits (PCI_COMMAND_*); status is written
 * as 0 so its write-1-to-clear bits stay (PCI 3.0 6.2.3). */
int pci_command_update(const struct pci_cfg_ops *ops, const struct pci_dev *d,
		       uint16_t clear, uint16_t set);

/* Set memory decode and bus mastering on every bridge above devs[idx]
 * (following .parent): a bridge forwards upstream memory requests such as
 * DMA and MSI writes only with Bus Master Enable set (PCIe 5.0 7.5.1.1.3,
 * PCI-to-PCI Bridge 1.2 3.2.2.1). The device itself is not touched. */
int pci_upstream_enable(const struct pci_cfg_ops *ops, const struct pci_dev *devs,
			unsigned idx);

#endif
