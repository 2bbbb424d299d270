/* msix=map as pure logic (host-tested and fuzzed): the checks of
 * HC_MSI_MAP's guest-controlled arguments against the device's state, and
 * what else shares a page with the MSI-X table, which map mode hands to
 * the guest whole. Nothing here touches hardware or prints. */
#ifndef HV_DELIVERY_MSI_MAP_CHECK_H
#define HV_DELIVERY_MSI_MAP_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#define MSI_MAP_FIRST_VECTOR	16	/* 0..15 are illegal (SDM vol 3, 11.5.3) */
#define MSI_MAP_LAST_VECTOR	255
#define MSI_MAP_PAGE		4096ULL

/* What the hv knows when the call comes. */
struct msi_map_state {
	bool map_mode;			/* the guest runs msix=map */
	bool assigned;			/* a device with MSI-X is the guest's */
	bool enabled;			/* the guest has MSI-X enabled (IRTEs exist) */
	unsigned nvec;			/* entries in the device's table */
	uint32_t dest_apic_id;		/* APIC id of the guest's only vCPU */
};

/* HC_MSI_MAP's arguments as the guest passed them (RDI, RSI, RDX, RCX). */
struct msi_map_args {
	uint64_t entry, vector, dest, out;
};

/* 0, or a negative HC_E* (hypercall_abi.h) with a phrase in *why:
 * -HC_EPERM outside msix=map; -HC_EINVAL with no device, MSI-X off, an
 * entry beyond the table, a vector outside 16..255 or a destination other
 * than the guest's vCPU; -HC_EFAULT for an out pointer that is NULL, not
 * 8-byte aligned or wraps. Whether out lies in writable guest RAM needs
 * the guest's page tables: the caller checks that. */
int msi_map_check(const struct msi_map_state *s, const struct msi_map_args *a,
		  const char **why);

/* The bytes of the page at page (aligned), within the BAR
 * [bar, bar + bar_len), that are neither the table [table, table +
 * table_len) nor the PBA [pba, pba + pba_len): true with the first such
 * run in [*start, *last] (inclusive: a range may end at the top of the
 * address space); false when the page holds nothing else. */
bool msi_map_page_other(uint64_t page, uint64_t bar, uint64_t bar_len, uint64_t table,
			uint64_t table_len, uint64_t pba, uint64_t pba_len, uint64_t *start,
			uint64_t *last);

#endif
