/*
 * Intel 82574L (QEMU "e1000e", 8086:10d3) as an interrupt source: reset,
 * MSI-X with its five causes routed one per vector, causes raised on demand
 * through ICS, and a one-descriptor transmit for DMA tests. Not a network
 * driver: no receive path; PHY writes only for link and loopback tests.
 * Register names and bits: 82574 GbE Controller Family datasheet (rev 3.x),
 * its register chapter (10.2.4: the interrupt registers), the interrupt and
 * the transmit-descriptor chapters.
 */
#ifndef DRIVERS_E1000E_H
#define DRIVERS_E1000E_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/bits.h"
#include "drivers/msix.h"
#include "drivers/pci.h"

#define E1000E_VENDOR		0x8086
#define E1000E_DEVICE_82574L	0x10d3
#define E1000E_REGS_BAR		0	/* 128 KiB of registers */
#define E1000E_NUM_VECTORS	5	/* MSI-X table size of the 82574 */
/* QEMU 7.2 throttles each vector to one immediate message per 128 us of
 * virtual time whatever EITR says (see e1000e.c): space raises this far. */
#define E1000E_QEMU_EITR_NS	128000

/* ---- Registers in BAR0 (82574 datasheet 10.2) ---- */
#define E1000_CTRL		0x00000
#define  E1000_CTRL_GIO_MASTER_DISABLE BIT(2)
#define  E1000_CTRL_SLU		BIT(6)		/* set link up */
#define  E1000_CTRL_RST		BIT(26)		/* self-clearing */
#define E1000_STATUS		0x00008
#define  E1000_STATUS_LU	BIT(1)
#define  E1000_STATUS_GIO_MASTER_EN BIT(19)
#define E1000_CTRL_EXT		0x00018
#define  E1000_CTRL_EXT_EIAME	BIT(24)		/* MSI-X: clear IAM bits on message */
#define  E1000_CTRL_EXT_IAME	BIT(27)		/* auto-mask on ICR access */
#define  E1000_CTRL_EXT_PBA_CLR	BIT(31)		/* IMS write clears MSI-X PBA */
#define E1000_MDIC		0x00020		/* PHY access (10.2.2.7) */
#define  E1000_MDIC_DATA	GENMASK(15, 0)
#define  E1000_MDIC_REG		GENMASK(20, 16)
#define  E1000_MDIC_PHY		GENMASK(25, 21)
#define  E1000_MDIC_OP_WRITE	BIT(26)
#define  E1000_MDIC_READY	BIT(28)
#define  E1000_MDIC_ERROR	BIT(30)
#define E1000_ICR		0x000c0		/* read-to-clear, write-1-to-clear */
#define E1000_ICS		0x000c8		/* write 1: set the cause */
#define E1000_IMS		0x000d0		/* write 1: enable the cause */
#define E1000_IMC		0x000d8		/* write 1: disable the cause */
/* Interrupt cause bits, shared by ICR/ICS/IMS/IMC/EIAC/IAM (10.2.4.1). */
#define  E1000_ICR_TXDW		BIT(0)
#define  E1000_ICR_LSC		BIT(2)
#define  E1000_ICR_RXQ0		BIT(20)		/* MSI-X causes: IVAR fields */
#define  E1000_ICR_RXQ1		BIT(21)
#define  E1000_ICR_TXQ0		BIT(22)
#define  E1000_ICR_TXQ1		BIT(23)
#define  E1000_ICR_OTHER	BIT(24)		/* LSC, RXO, MDAC, ... in MSI-X mode */
#define  E1000_ICR_MSIX_CAUSES	GENMASK(24, 20)
#define  E1000_ICR_ASSERTED	BIT(31)
#define E1000_EIAC		0x000dc		/* MSI-X causes auto-cleared on message */
#define E1000_IAM		0x000e0		/* interrupt acknowledge auto-mask */
#define E1000_IVAR		0x000e4		/* cause -> MSI-X vector (10.2.4.9) */
#define  E1000_IVAR_FIELD(c)	GENMASK(4 * (c) + 3, 4 * (c))	/* c: 0 RxQ0 .. 4 Other */
#define  E1000_IVAR_VECTOR	GENMASK(2, 0)	/* within a field */
#define  E1000_IVAR_VALID	BIT(3)		/* within a field */
#define  E1000_IVAR_TX_INT_EVERY_WB BIT(31)
#define E1000_EITR(n)		(0x000e8 + 4 * (n))	/* per-vector throttling */
#define E1000_TCTL		0x00400
#define  E1000_TCTL_EN		BIT(1)
#define  E1000_TCTL_PSP		BIT(3)		/* pad short packets */
#define E1000_TDBAL		0x03800		/* 16-byte aligned */
#define E1000_TDBAH		0x03804
#define E1000_TDLEN		0x03808		/* multiple of 128 */
#define E1000_TDH		0x03810
#define E1000_TDT		0x03818
#define E1000_TARC0		0x03840
#define  E1000_TARC_ENABLE	BIT(10)		/* queue 0 enable */

/* Legacy transmit descriptor (datasheet, transmit descriptors). */
union e1000_tx_desc {
	struct {
		uint64_t buffer;	/* [63:0]    buffer address */
		uint16_t length;	/* [79:64] */
		uint8_t cso;		/* [87:80] */
		uint8_t cmd;		/* [95:88]   E1000_TXD_CMD_* */
		uint8_t status;		/* [99:96]   E1000_TXD_STA_* */
		uint8_t css;		/* [111:104] */
		uint16_t special;	/* [127:112] */
	} __attribute__((packed));
	uint64_t qw[2];
};
_Static_assert(sizeof(union e1000_tx_desc) == 16, "TX descriptor is 16 bytes");
#define E1000_TXD_CMD_EOP	BIT(0)
#define E1000_TXD_CMD_IFCS	BIT(1)
#define E1000_TXD_CMD_RS	BIT(3)		/* report status: write DD back */
#define E1000_TXD_STA_DD	BIT(0)
#define E1000_DMA_PROBE_DESCS	8		/* TDLEN 128: the minimum */
#define E1000_DMA_PROBE_BUF	(E1000_DMA_PROBE_DESCS * 16)	/* frame after ring */
#define E1000_DMA_PROBE_FRAME	60
#define E1000_DMA_PROBE_SIZE	(E1000_DMA_PROBE_BUF + E1000_DMA_PROBE_FRAME)


/* ---- The internal PHY (address 1), reached through MDIC; IEEE 802.3
 * 22.2.4.1 control register ---- */
#define E1000_PHY_ADDR		1
#define E1000_PHY_CTRL		0
#define  E1000_PHY_CTRL_1000_FD	(BIT(6) | BIT(8))	/* speed 1000, full duplex */
#define  E1000_PHY_CTRL_RESTART_AN BIT(9)
#define  E1000_PHY_CTRL_AN_ENABLE BIT(12)
#define  E1000_PHY_CTRL_LOOPBACK BIT(14)
#define  E1000_PHY_CTRL_DEFAULT	(E1000_PHY_CTRL_1000_FD | E1000_PHY_CTRL_AN_ENABLE)

struct e1000e {
	struct msix msix;
	volatile uint8_t *regs;		/* BAR0, identity-mapped */
	uint64_t regs_pa, regs_size;
	uint64_t tsc_hz;
	uint64_t timeout_tsc;		/* bound of every wait (100 ms) */
};

/* MSI-X cause of vector v under e1000e_init's IVAR: RxQ0, RxQ1, TxQ0, TxQ1,
 * Other for v = 0..4 (0 for v >= 5). */
uint32_t e1000e_vector_cause(unsigned v);
/* The IVAR value routing cause c to vector c for c = 0..4, all valid. */
uint32_t e1000e_ivar_identity(void);

/* Whether d is an 82574L with the MSI-X capability this driver expects. */
bool e1000e_probe(const struct pci_dev *d);
/* Bring up devs[idx]: memory decode and bus mastering on it and on every
 * bridge above it, MSI-X located and enabled with every entry masked, reset,
 * all causes masked, IVAR routing cause k to vector k, EIAC auto-clear on
 * the five MSI-X causes. Entries are the caller's to program and unmask.
 * tsc_hz (0: assume 1 GHz) sets the wait bounds. 0 or negative errno
 * (the failing step is printed). */
int e1000e_init(struct e1000e *e, const struct pci_cfg_ops *ops,
		const struct pci_dev *devs, unsigned idx, uint64_t tsc_hz);
/* Make vector v's next cause deliver: clear a stale cause, enable it in IMS
 * (the previous message auto-masked it). */
int e1000e_arm(struct e1000e *e, unsigned vector);
/* Raise vector v's cause through ICS: one MSI-X message on vector v if armed
 * (or its PBA bit if the entry is masked). A single register write. */
int e1000e_fire(struct e1000e *e, unsigned vector);
/* e1000e_arm then e1000e_fire. */
int e1000e_trigger(struct e1000e *e, unsigned vector);
/* DMA probe: a one-descriptor TX ring the device reaches at dev_addr and
 * the hv at cpu (E1000_DMA_PROBE_SIZE bytes, both 128-byte aligned;
 * overwritten). prepare writes the descriptor and frame; run points TX
 * queue 0 at dev_addr, enables the transmitter and bumps the tail so the
 * device DMA-reads the descriptor and writes its status back. 0 when the
 * write-back (DD) arrived, -ETIMEDOUT when not (DMA blocked or dropped),
 * -EINVAL for bad addresses. e1000e_dma_probe does both. */
int e1000e_dma_probe_prepare(struct e1000e *e, uint64_t dev_addr, void *cpu);
int e1000e_dma_probe_run(struct e1000e *e, uint64_t dev_addr, void *cpu);
int e1000e_dma_probe(struct e1000e *e, uint64_t dev_addr, void *cpu);
/* Write a PHY register through MDIC and wait (timeout_tsc) for the PHY:
 * 0, -EIO when MDIC reports an error, -ETIMEDOUT. */
int e1000e_phy_write(struct e1000e *e, unsigned reg, uint16_t val);
/* Raw register access for tests. */
uint32_t e1000e_read(const struct e1000e *e, uint32_t reg);
void e1000e_write(struct e1000e *e, uint32_t reg, uint32_t v);

#endif
