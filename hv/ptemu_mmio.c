/* Accesses to the trapped MSI-X pages (see ptemu.h). The table and PBA
 * pages are absent from the guest's nested page tables, so every access to
 * anything in them exits, including device registers that share a page
 * with them (virtio-net keeps table, PBA and more in one page). Only the
 * decoded access is known, not what the guest meant: anything that is not
 * plainly one thing is refused, since forwarding it could reach the
 * physical table (a guest-chosen IRTE handle) or the next physical page. */
#include <errno.h>
#include "hv/ptemu.h"
#include "drivers/bits.h"

static bool overlaps(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_len)
{
	return b_len && a < b + b_len && b < a_end;
}

static bool within(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_len)
{
	return a >= b && a_end <= b + b_len;
}

bool ptemu_page_trapped(const struct ptemu *p, uint64_t gpa)
{
	uint64_t page = ALIGN_DOWN(gpa, PTEMU_PAGE);

	return overlaps(page, page + PTEMU_PAGE, p->table_gpa, p->table_len) ||
	       overlaps(page, page + PTEMU_PAGE, p->pba_gpa, p->pba_len);
}

static bool in_one_bar(const struct ptemu *p, uint64_t gpa, uint64_t end)
{
	unsigned i;

	for (i = 0; i < PCI_NUM_BARS; i++) {
		const struct ptemu_bar *b = &p->bar[i];

		if (b->mem && !b->upper && within(gpa, end, b->base, b->size))
			return true;
	}
	return false;
}

enum ptemu_verdict ptemu_mmio_classify(const struct ptemu *p, uint64_t gpa, uint8_t size)
{
	uint64_t end;

	if (!ptemu_page_trapped(p, gpa))
		return PTEMU_OUTSIDE;
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return PTEMU_REFUSE_SIZE;
	if (gpa > UINT64_MAX - size)
		return PTEMU_REFUSE_PAGE;
	end = gpa + size;
	if (overlaps(gpa, end, p->table_gpa, p->table_len))
		return within(gpa, end, p->table_gpa, p->table_len) ? PTEMU_TABLE :
								      PTEMU_REFUSE_STRADDLE;
	if (overlaps(gpa, end, p->pba_gpa, p->pba_len))
		return within(gpa, end, p->pba_gpa, p->pba_len) ? PTEMU_PBA :
								  PTEMU_REFUSE_STRADDLE;
	if (ALIGN_DOWN(gpa, PTEMU_PAGE) != ALIGN_DOWN(end - 1, PTEMU_PAGE))
		return PTEMU_REFUSE_PAGE;
	if (!in_one_bar(p, gpa, end))
		return PTEMU_REFUSE_BAR;
	if (!IS_ALIGNED(gpa, size))
		return PTEMU_REFUSE_ALIGN;
	return PTEMU_FORWARD;
}

static int table_access(struct ptemu *p, uint64_t gpa, uint8_t size, bool write,
			uint64_t *val)
{
	uint32_t off = (uint32_t)(gpa - p->table_gpa);

	return write ? vmsix_table_write(p->vm, off, size, *val) :
		       vmsix_table_read(p->vm, off, size, val);
}

/* The PBA is read-only (PCI 3.0 6.8.2.10): writes are dropped. */
static int pba_access(struct ptemu *p, uint64_t gpa, uint8_t size, bool write,
		      uint64_t *val)
{
	if (write)
		return -EROFS;
	return vmsix_pba_read(p->vm, (uint32_t)(gpa - p->pba_gpa), size, val);
}

enum ptemu_verdict ptemu_mmio(struct ptemu *p, uint64_t gpa, uint8_t size, bool write,
			      uint64_t *val, int *vmsix_err)
{
	enum ptemu_verdict v = ptemu_mmio_classify(p, gpa, size);

	*vmsix_err = 0;
	switch (v) {
	case PTEMU_OUTSIDE:
		break;
	case PTEMU_TABLE:
		*vmsix_err = table_access(p, gpa, size, write, val);
		break;
	case PTEMU_PBA:
		*vmsix_err = pba_access(p, gpa, size, write, val);
		break;
	case PTEMU_FORWARD:
		p->stats.forwarded++;
		p->ops->mmio(p->ctx, gpa, size, write, val);
		break;
	default:
		p->stats.refused[v]++;
		if (!write)
			*val = ~0ULL;	/* as a read nothing answers */
	}
	return v;
}

const char *ptemu_verdict_name(enum ptemu_verdict v)
{
	static const char *const names[PTEMU_VERDICTS] = {
		[PTEMU_OUTSIDE] = "outside the trapped pages",
		[PTEMU_TABLE] = "MSI-X table", [PTEMU_PBA] = "PBA",
		[PTEMU_FORWARD] = "forwarded",
		[PTEMU_REFUSE_SIZE] = "not 1, 2, 4 or 8 bytes",
		[PTEMU_REFUSE_STRADDLE] = "straddles the edge of the MSI-X table or PBA",
		[PTEMU_REFUSE_PAGE] = "crosses the end of the trapped page",
		[PTEMU_REFUSE_BAR] = "not wholly inside one memory BAR",
		[PTEMU_REFUSE_ALIGN] = "not naturally aligned",
	};

	return (unsigned)v < PTEMU_VERDICTS ? names[v] : "?";
}

int ptemu_bars_check(const struct ptemu_bar *bars, unsigned *bad)
{
	unsigned i;

	for (i = 0; i < PCI_NUM_BARS; i++)
		if (bars[i].mem && !bars[i].upper && bars[i].size < PTEMU_PAGE) {
			*bad = i;
			return -EPERM;
		}
	return 0;
}
