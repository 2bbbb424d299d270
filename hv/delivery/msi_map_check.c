/* See msi_map_check.h. */
#include <stddef.h>
#include "hv/delivery/msi_map_check.h"
#include "hv/hypercall_abi.h"

#define OUT_ALIGN	8
#define OUT_SIZE	16	/* struct hc_msi_msg as the guest lays it out */

int msi_map_check(const struct msi_map_state *s, const struct msi_map_args *a,
		  const char **why)
{
	*why = NULL;
	if (!s->map_mode) {
		*why = "the guest does not run msix=map";
		return -HC_EPERM;
	}
	if (!s->assigned)
		*why = "no device with MSI-X is assigned to the guest";
	else if (!s->enabled)
		*why = "MSI-X is disabled: the entries have no IRTEs until the guest enables it";
	else if (a->entry >= s->nvec)
		*why = "the entry is beyond the device's MSI-X table";
	else if (a->vector < MSI_MAP_FIRST_VECTOR || a->vector > MSI_MAP_LAST_VECTOR)
		*why = "the vector is outside 16..255";
	else if (a->dest != s->dest_apic_id)
		*why = "the destination is not the APIC id of the guest's only vCPU";
	if (*why)
		return -HC_EINVAL;
	if (!a->out)
		*why = "the out pointer is NULL";
	else if (a->out % OUT_ALIGN)
		*why = "the out pointer is not 8-byte aligned";
	else if (a->out > UINT64_MAX - OUT_SIZE)
		*why = "the out pointer wraps around the address space";
	return *why ? -HC_EFAULT : 0;
}

/* [a, a + a_len) holds x (a range may run to the top of the address
 * space). */
static bool holds(uint64_t a, uint64_t a_len, uint64_t x)
{
	return x >= a && x - a < a_len;
}

/* The last byte of [a, a + a_len) (a_len > 0), capped at the top. */
static uint64_t last_of(uint64_t a, uint64_t a_len)
{
	return a > UINT64_MAX - (a_len - 1) ? UINT64_MAX : a + (a_len - 1);
}

/* The byte before [a, ...) when it starts after x and at most at lim. */
static uint64_t before_start(uint64_t a, uint64_t a_len, uint64_t x, uint64_t lim)
{
	return a_len && a > x && a <= lim ? a - 1 : lim;
}

bool msi_map_page_other(uint64_t page, uint64_t bar, uint64_t bar_len, uint64_t table,
			uint64_t table_len, uint64_t pba, uint64_t pba_len, uint64_t *start,
			uint64_t *last)
{
	uint64_t page_last = last_of(page, MSI_MAP_PAGE), x = page > bar ? page : bar, hi;

	if (!bar_len)
		return false;
	hi = page_last < last_of(bar, bar_len) ? page_last : last_of(bar, bar_len);
	/* Skip what the table and PBA cover from x on; each step moves x
	 * past the end of one of them, or ends at the top. */
	while (x <= hi) {
		uint64_t a = holds(table, table_len, x) ? table : pba;
		uint64_t len = holds(table, table_len, x) ? table_len : pba_len;

		if (!holds(a, len, x))
			break;
		if (last_of(a, len) >= hi)
			return false;
		x = last_of(a, len) + 1;
	}
	if (x > hi)
		return false;
	*start = x;
	*last = before_start(pba, pba_len, x, before_start(table, table_len, x, hi));
	return true;
}
