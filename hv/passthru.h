/* The assigned device as the guest sees it: a PCI function alone on the
 * guest's bus 0 (configuration mechanism #1, trapped; passthru_cfg.c), its
 * BARs mapped at their host addresses except the MSI-X table and PBA
 * pages while msix=trap (passthru.c), whose accesses exit and are
 * emulated by the virtual MSI-X state machine (hv/vmsix.c, on the device
 * in passthru_msix.c). With msix=map (passthru_map.c) the table pages are
 * the guest's and only Message Control stays trapped. Every entry gets a host vector and an IRTE up
 * front when the guest enables MSI-X (seeds 003/004); what an IRTE
 * delivers, and where, is the delivery mode's (hv/delivery/). */
#ifndef HV_PASSTHRU_H
#define HV_PASSTHRU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "drivers/msix.h"
#include "drivers/pci.h"
#include "drivers/vtd.h"
#include "drivers/vtd_sid.h"
#include "hv/hypercall_abi.h"
#include "hv/ptemu.h"
#include "hv/vmsix.h"

#define PASSTHRU_IRT_OWNER	2	/* IRT owner id of the guest's vectors */

struct guest;

struct passthru {
	bool active;
	struct guest *guest;		/* the guest it is assigned to */
	const struct pci_dev *dev;
	struct vtd_unit *unit;
	struct vtd_sid sid;
	struct ptemu emu;		/* config space and trapped-page decisions */
	struct msix phys;		/* the physical table */
	struct vmsix vm;
	struct vmsix_entry *entries;
	uint8_t *guest_vec;		/* guest vector of each entry (2: NMI) */
	bool *guest_nmi;		/* entry's message is an NMI */
	uint8_t host_first;		/* nvec host vectors from here */
	unsigned irte_first;
	uint64_t bad_accesses;		/* refused trapped-page accesses, bad
					   table/PBA accesses */
	bool mapped;			/* msix=map: table pages in the NPT */
};

/* Take dev for the guest: BARs, trapped pages, nested mappings. Refuses
 * (with the reason printed) a device without MSI-X or a usable unit, or
 * with a memory BAR smaller than a page. */
int passthru_assign(struct passthru *p, struct guest *g, const struct pci_dev *dev);
/* Why dev's BARs cannot be passed through (a memory BAR smaller than a
 * page, whose page it shares with whatever the firmware put beside it),
 * written into buf; NULL when they can. Sizes the BARs. */
const char *passthru_bar_refusal(const struct pci_dev *dev, char *buf, size_t len);
/* Whether port is one of configuration mechanism #1's (0xCF8..0xCFF),
 * for the exit path's port dispatch. */
static inline bool passthru_cfg_port(uint16_t port)
{
	return port >= GUEST_PCI_ADDR_PORT && port <= GUEST_PCI_DATA_PORT + 3;
}
/* Guest port I/O to 0xCF8/0xCFC..0xCFF; false when port is not ours. */
bool passthru_cfg_io(struct passthru *p, uint16_t port, bool in, uint8_t size,
		     uint32_t *val);
/* Whether gpa is in a trapped page (MSI-X table or PBA). */
bool passthru_covers(const struct passthru *p, uint64_t gpa);
/* A trapped MMIO access in the MSI-X pages, bounds-checked (ptemu.h):
 * refused accesses are counted and logged (rate-limited). false when gpa
 * is not there. */
bool passthru_mmio(struct passthru *p, uint64_t gpa, uint8_t size, bool write,
		   uint64_t *val);
/* Take the device back from the guest: its MSI-X disabled (vectors and
 * IRTEs freed, entries masked), as after a function reset. */
void passthru_release(struct passthru *p);
/* Whether the guest has MSI-X enabled (interrupts may arrive). */
bool passthru_irqs_live(const struct passthru *p);
/* Whether the guest may drive the device itself (an NVMe only with
 * guestnvme=yes: see bars_withheld). */
bool passthru_guest_drives(const struct passthru *p);
/* Between the passthru files: the virtual MSI-X ops on the device, and
 * the trapped-page emulator's set-up for nvec entries. */
extern const struct vmsix_ops passthru_vmsix_ops, passthru_vmsix_map_ops;
void passthru_emu_init(struct passthru *p, unsigned nvec);

/* ---- msix=map (passthru_map.c) ---- */

/* Why map mode cannot run on p (no device; compatibility-format MSIs
 * passing the remapping unit; a table page that also holds registers the
 * guest may not write), written into buf; NULL when it can. */
const char *passthru_map_refusal(const struct passthru *p, char *buf, size_t len);
/* Enter map mode with MSI-X off: the table pages mapped into the guest
 * (uncached, at their host addresses), a PBA page of its own read-only
 * when the guest drives the device (else it stays trapped), the device's
 * Function Mask set until the guest enables MSI-X. 0, or the error with
 * the reason in why and nothing left mapped. */
int passthru_map_start(struct passthru *p, char *why, unsigned len);
/* Leave map mode with MSI-X off: every entry masked by the hv, the
 * Function Mask clear, the pages trapped again (trap mode's state). */
void passthru_map_stop(struct passthru *p);
/* HC_MSI_MAP's work once its arguments are checked (msi_map_check.h):
 * entry i to vector on the guest's vCPU through the delivery mode, then
 * the remappable message of the entry's own IRTE in *addr, *data. 0, or
 * -EINVAL when the delivery mode refused the message (logged). */
int passthru_map_entry(struct passthru *p, unsigned i, uint8_t vector, uint64_t *addr,
		       uint32_t *data);

/* One line for a guest that waits in vain: the entries that are unmasked
 * or pending (virtually or in the device's PBA), their host vectors. */
void passthru_describe_waiting(const struct passthru *p);

#endif
