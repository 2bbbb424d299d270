/*
 * The decisions of device pass-through as pure logic (host-testable and
 * fuzzed): the guest's view of the assigned function's configuration space
 * (configuration mechanism #1), the classification and bounds check of
 * every access to the trapped MSI-X pages, the guest's MSI messages, and
 * which BAR layouts can be passed through at all. The physical device is
 * reached only through struct ptemu_ops; the virtual MSI-X table through
 * hv/vmsix.h. Nothing here prints: callers log what is refused.
 *
 * The rules, each enforced here and nowhere else:
 * - the guest never moves a BAR, never gets I/O decode, never gets INTx;
 * - Memory Space Enable is the guest's only virtually: the hv keeps memory
 *   decode on, since its own writes to the physical MSI-X table (masking,
 *   routing) need it (PCI Local Bus 3.0, 6.2.2; PCIe Base 7.5.1.1.3);
 * - a trapped-page access goes to the hardware only when it lies wholly
 *   inside one BAR, wholly outside the table and PBA, within one page and
 *   naturally aligned; a table or PBA access goes to the virtual MSI-X;
 *   everything else is refused (reads see all ones, writes are dropped);
 * - a memory BAR smaller than a page is refused, since the rest of its
 *   page belongs to whatever the firmware placed beside it.
 */
#ifndef HV_PTEMU_H
#define HV_PTEMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/pci.h"
#include "hv/vmsix.h"

#define PTEMU_PAGE		4096ULL

struct ptemu_bar {
	uint64_t base, size;
	bool mem, mmio64, upper;	/* upper: the high half of a 64-bit BAR */
	bool sizing;			/* the guest wrote all ones */
	uint32_t flags;			/* low bits the register always shows */
};

/* The physical device, as the pure logic may touch it. */
struct ptemu_ops {
	/* Dword of the function's physical configuration space at off. */
	uint32_t (*cfg_read)(void *ctx, uint16_t off);
	/* Physical command register: clear, then set (the only config write). */
	void (*cmd_update)(void *ctx, uint16_t clear, uint16_t set);
	/* Forward an access already checked by ptemu_mmio_classify. */
	void (*mmio)(void *ctx, uint64_t pa, uint8_t size, bool write, uint64_t *val);
};

/* Where a trapped-page access goes. The PTEMU_REFUSE_* ones touch nothing. */
enum ptemu_verdict {
	PTEMU_OUTSIDE,		/* not in a trapped page: not ours */
	PTEMU_TABLE,		/* wholly inside the MSI-X table */
	PTEMU_PBA,		/* wholly inside the PBA */
	PTEMU_FORWARD,		/* a device register beside them */
	PTEMU_REFUSE_SIZE,	/* not 1, 2, 4 or 8 bytes */
	PTEMU_REFUSE_STRADDLE,	/* partly table or PBA, partly not */
	PTEMU_REFUSE_PAGE,	/* runs past the end of the trapped page */
	PTEMU_REFUSE_BAR,	/* not wholly inside one memory BAR */
	PTEMU_REFUSE_ALIGN,	/* not naturally aligned */
	PTEMU_VERDICTS
};

struct ptemu_stats {
	uint64_t forwarded, refused[PTEMU_VERDICTS];
	uint64_t bar_moves;		/* refused BAR writes */
};

struct ptemu {
	struct ptemu_bar bar[PCI_NUM_BARS];
	uint8_t msix_cap;		/* config offset of the MSI-X capability */
	uint64_t table_gpa, table_len, pba_gpa, pba_len;
	uint32_t cf8;			/* the CONFIG_ADDRESS latch */
	bool mem_decode;		/* the guest's Memory Space Enable */
	struct vmsix *vm;
	const struct ptemu_ops *ops;
	void *ctx;
	struct ptemu_stats stats;
};

/* ---- configuration space (ptemu_cfg.c) ---- */

/* Guest port I/O at 0xCF8 (dword) or 0xCFC..0xCFF. false when the port or
 * size is not configuration mechanism #1's. Reads of other functions see
 * all ones. A BAR write that would move it returns, through *moved (when
 * not NULL), the BAR index; otherwise *moved is -1. */
bool ptemu_cfg_io(struct ptemu *p, uint16_t port, bool in, uint8_t size, uint32_t *val,
		  int *moved);

/* ---- the trapped pages (ptemu_mmio.c) ---- */

/* Whether the page holding gpa holds part of the table or PBA. */
bool ptemu_page_trapped(const struct ptemu *p, uint64_t gpa);
/* Where an access of size bytes at gpa goes; nothing is touched. */
enum ptemu_verdict ptemu_mmio_classify(const struct ptemu *p, uint64_t gpa, uint8_t size);
/* Classify and carry out the access: the virtual table or PBA, the device
 * through ops->mmio, or nothing (reads see all ones). A refusal is counted
 * in stats.refused; a bad table or PBA access is counted by vmsix and
 * reported as *vmsix_err (0 otherwise). */
enum ptemu_verdict ptemu_mmio(struct ptemu *p, uint64_t gpa, uint8_t size, bool write,
			      uint64_t *val, int *vmsix_err);
/* A short phrase for a verdict ("crosses the end of the trapped page"). */
const char *ptemu_verdict_name(enum ptemu_verdict v);
/* Whether BAR layout bars can be passed through: 0, or -EPERM with the
 * index of the first memory BAR smaller than a page in *bad. */
int ptemu_bars_check(const struct ptemu_bar *bars, unsigned *bad);

/* ---- MSI messages the guest writes (ptemu_msi.c) ---- */

enum ptemu_msi_kind { PTEMU_MSI_FIXED, PTEMU_MSI_NMI };

struct ptemu_msi {
	enum ptemu_msi_kind kind;
	uint8_t vector;			/* PTEMU_MSI_FIXED only */
};

/* Decode a compatibility-format message (SDM vol 3, 11.11) for the guest's
 * one vCPU (APIC id 0): fixed or lowest-priority edge messages (with one
 * destination, lowest priority is fixed delivery), and NMI. 0, or -EINVAL
 * with a phrase in *why for every message the hv cannot deliver as the
 * guest asked: outside the interrupt window, logical destination, another
 * APIC id, SMI/INIT/ExtINT/reserved delivery, level trigger, a vector
 * below 16, reserved bits set. */
int ptemu_msi_decode(uint64_t addr, uint32_t data, struct ptemu_msi *out, const char **why);

#endif
