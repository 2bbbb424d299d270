/* The guest's one-entry code TLB and the checks on the exit path that use
 * it (hv/guest.c fills it; hv/exit.c reads it). */
#ifndef HV_CODE_TLB_H
#define HV_CODE_TLB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hv/paging.h"

/* A one-entry code TLB: the host address of the page RIP was last in. It
 * is revalidated on every use against the guest entries that produced it,
 * so it can never disagree with a fresh walk. */
struct guest_code_tlb {
	uint64_t cr3, page;	/* CR3's table address; page-aligned linear */
	const uint8_t *host;	/* NULL: empty */
	struct pt_walk_trace trace;
	uint64_t misses;	/* walks done because the entry did not serve */
};

/* The host address of the len bytes at linear lin under cr3 when the TLB
 * holds their page and they do not cross out of it, else NULL (the caller
 * then fetches through guest_fetch_insn). The hit is tested before
 * anything else is done: this is the warm exit path. */
static inline const uint8_t *code_tlb_peek(const struct guest_code_tlb *c, uint64_t cr3,
					   uint64_t lin, size_t len)
{
	uint64_t off = lin & (PT_PAGE_SIZE - 1);

	if (c->page != lin - off || c->cr3 != (cr3 & PT_ADDR_MASK) || !c->host ||
	    len > PT_PAGE_SIZE - off || !pt_trace_current(&c->trace))
		return NULL;
	return c->host + off;
}

/* Whether the avail bytes at bytes begin with the len bytes of expect
 * (len 0: never; an exit that expects nothing decodes). */
static inline bool insn_bytes_are(const uint8_t *bytes, size_t avail, const uint8_t *expect,
				  size_t len)
{
	size_t i;

	if (!len || avail < len)
		return false;
	for (i = 0; i < len; i++)
		if (bytes[i] != expect[i])
			return false;
	return true;
}

#endif
