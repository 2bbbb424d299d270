/* vtd.native-dma, guest side: the guest's own 82574 DMA-writes
 * remappable-format MSIs at an IRT handle the hv names, the way any guest
 * could once it owns the device. A frame sent in PHY loopback is received
 * into a buffer whose address is in the interrupt window (0xFEEx_xxxx),
 * so the device's receive DMA is a row of 4-byte interrupt requests
 * (VT-d 5.1.4: a DWORD write to 0xFEEx_xxxx is an interrupt request). The
 * hv judges what reached its vectors; the guest only sets it up. */
#include <stdio.h>
#include <string.h>
#include "guest/guard.h"
#include "guest/guest.h"
#include "guest/pci.h"
#include "drivers/cpu.h"
#include "drivers/e1000e.h"

/* 82574 datasheet 10.2: the receive registers this test alone uses. */
#define E1000_RCTL		0x00100
#define  RCTL_EN		BIT(1)
#define  RCTL_UPE		BIT(3)
#define  RCTL_MPE		BIT(4)
#define  RCTL_BAM		BIT(15)
#define  RCTL_SECRC		BIT(26)
#define E1000_RDBAL		0x02800
#define E1000_RDBAH		0x02804
#define E1000_RDLEN		0x02808
#define E1000_RDH		0x02810
#define E1000_RDT		0x02818
#define RX_DESCS		8		/* RDLEN 128: the minimum */
#define RXD_STA_DD		BIT(0)

/* The MSI address of handle h, remappable format (VT-d 5.1.2.2): bit 4
 * set, bits 3:2 (SHV, handle[15]) clear. The frame's 4-byte words land
 * at offsets 0, 4, .. of it: a word with bit 4 of its address clear is a
 * compatibility-format message, so every data word that could be one
 * names the hv's sink vector; words that carry a subhandle carry 0. */
#define MSI_WINDOW		0xfee00000u
#define MSI_IF			BIT(4)

union rx_desc {
	struct {
		uint64_t buffer;
		uint16_t length, csum;
		uint8_t status, errors;
		uint16_t special;
	} __attribute__((packed));
	uint64_t qw[2];
};
_Static_assert(sizeof(union rx_desc) == 16, "RX descriptor is 16 bytes");

static union rx_desc rx_ring[RX_DESCS] __attribute__((aligned(128)));
static uint8_t tx_area[E1000_DMA_PROBE_SIZE] __attribute__((aligned(128)));

static void frame_words(uint8_t *frame, uint8_t sink)
{
	unsigned off;

	for (off = 0; off + 4 <= E1000_DMA_PROBE_FRAME; off += 4)
		if (off & 16)		/* address bit 4 clear: compatibility format */
			frame[off] = sink;	/* data[7:0]: the vector */
}

static int rx_wait(uint64_t timeout)
{
	uint64_t t0 = cpu_rdtsc();

	while (!(((volatile union rx_desc *)rx_ring)[0].status & RXD_STA_DD))
		if (cpu_rdtsc() - t0 > timeout)
			return -1;
	return 0;
}

static void attack(struct e1000e *e, uint16_t handle, uint8_t sink)
{
	uint64_t ring = (uint64_t)(uintptr_t)rx_ring, tx = (uint64_t)(uintptr_t)tx_area;
	int err;

	memset(rx_ring, 0, sizeof(rx_ring));
	rx_ring[0].buffer = MSI_WINDOW | (uint32_t)handle << 5 | MSI_IF;
	e1000e_write(e, E1000_RCTL, 0);
	e1000e_write(e, E1000_RDBAL, (uint32_t)ring);
	e1000e_write(e, E1000_RDBAH, (uint32_t)(ring >> 32));
	e1000e_write(e, E1000_RDLEN, sizeof(rx_ring));
	e1000e_write(e, E1000_RDH, 0);
	e1000e_write(e, E1000_RDT, 1);
	e1000e_write(e, E1000_RCTL, RCTL_EN | RCTL_UPE | RCTL_MPE | RCTL_BAM | RCTL_SECRC);
	err = e1000e_phy_write(e, E1000_PHY_CTRL,
			       E1000_PHY_CTRL_DEFAULT | E1000_PHY_CTRL_LOOPBACK) ?:
	      e1000e_dma_probe_prepare(e, tx, tx_area);
	if (err)
		return report(HC_FAIL, "vtd.native-dma", "PHY loopback or TX set-up failed (%d)",
			      err);
	frame_words(tx_area + E1000_DMA_PROBE_BUF, sink);
	err = e1000e_dma_probe_run(e, tx, tx_area) ?: rx_wait(e->timeout_tsc);
	e1000e_write(e, E1000_RCTL, 0);
	e1000e_phy_write(e, E1000_PHY_CTRL, E1000_PHY_CTRL_DEFAULT);
	if (err)
		return report(HC_FAIL, "vtd.native-dma", "the loopback frame was not received "
			      "(error %d)", err);
	printf("dma-msi: frame received into 0x%x (handle %u)\n",
	       (unsigned)rx_ring[0].buffer, handle);
}

void native_dma_selftest(void)
{
	struct hc_work w;
	struct pci_dev dev;
	struct e1000e e;
	int err;

	if (hc(HC_WORK_ARGS, (long)&w, 0, 0, 0))
		return report(HC_FAIL, "vtd.native-dma", "no work arguments");
	if (guest_pci_find(&dev) || !e1000e_probe(&dev))
		return report(HC_SKIP, "vtd.native-dma", "needs an 82574L at 00:00.0");
	err = e1000e_init(&e, &guest_pci_cfg, &dev, 0, guest_info.tsc_hz);
	if (err)
		return report(HC_FAIL, "vtd.native-dma", "82574 bring-up failed (%d)", err);
	attack(&e, (uint16_t)w.iters, (uint8_t)w.warmup);
}
