/* Guest RAM layout (see guest_ram.h). Pure: no hardware access. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "hv/guest_ram.h"

/* Always left out of guest RAM, whatever the device: the areas a PC keeps
 * below 4 GiB for the I/O APIC and HPET, the interrupt window, and the
 * firmware flash above it. */
static const struct guest_ram_hole platform_holes[] = {
	{ GUEST_IOAPIC_AREA_BASE, GUEST_IRQ_WINDOW_BASE - GUEST_IOAPIC_AREA_BASE,
	  "the I/O APIC/HPET area" },
	{ GUEST_IRQ_WINDOW_BASE, GUEST_IRQ_WINDOW_END - GUEST_IRQ_WINDOW_BASE,
	  "the interrupt window" },
	{ GUEST_IRQ_WINDOW_END, GUEST_RAM_HIGH_BASE - GUEST_IRQ_WINDOW_END,
	  "the firmware area below 4 GiB" },
};

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static uint64_t align_down(uint64_t v)
{
	return v & ~(GUEST_RAM_ALIGN - 1);
}

/* The lowest hole that starts below 4 GiB, over both lists. */
static const struct guest_ram_hole *lowest_below_4g(const struct guest_ram_hole *holes,
						     unsigned nholes)
{
	const struct guest_ram_hole *low = &platform_holes[0];
	unsigned i;

	for (i = 0; i < nholes; i++)
		if (holes[i].size && holes[i].base < low->base)
			low = &holes[i];
	return low;
}

static const struct guest_ram_hole *hole_at(const struct guest_ram_hole *holes,
					    unsigned nholes, uint64_t base, uint64_t size)
{
	unsigned i;

	for (i = 0; i < nholes; i++)
		if (holes[i].size && overlaps(base, size, holes[i].base, holes[i].size))
			return &holes[i];
	for (i = 0; i < sizeof(platform_holes) / sizeof(platform_holes[0]); i++)
		if (overlaps(base, size, platform_holes[i].base, platform_holes[i].size))
			return &platform_holes[i];
	return NULL;
}

static void add_range(struct guest_ram *l, uint64_t gpa, uint64_t size)
{
	l->r[l->n++] = (struct guest_ram_range){ gpa, size, l->size };
	l->size += size;
	l->end = gpa + size;
}

/* A 2 MiB page past RAM in no hole, for the guest's NPF test. */
static void pick_unmapped(struct guest_ram *l, const struct guest_ram_hole *holes,
			  unsigned nholes)
{
	uint64_t gpa = l->end + GUEST_RAM_ALIGN;
	const struct guest_ram_hole *h;

	while ((h = hole_at(holes, nholes, gpa, GUEST_RAM_ALIGN)))
		gpa = align_down(h->base + h->size + GUEST_RAM_ALIGN - 1) + GUEST_RAM_ALIGN;
	l->unmapped_gpa = gpa;
}

int guest_ram_layout(struct guest_ram *l, uint64_t size,
		     const struct guest_ram_hole *holes, unsigned nholes,
		     char *why, size_t why_len)
{
	const struct guest_ram_hole *low = lowest_below_4g(holes, nholes), *h;
	uint64_t low_top = align_down(low->base), below;

	memset(l, 0, sizeof(*l));
	if (!size || size & (GUEST_RAM_ALIGN - 1) || size > UINT64_MAX - GUEST_RAM_HIGH_BASE) {
		snprintf(why, why_len, "guest RAM of 0x%llx bytes is not a multiple of 2 MiB",
			 (unsigned long long)size);
		return -EINVAL;
	}
	below = size < low_top ? size : low_top;
	if (below < GUEST_RAM_LOW_MIN && below < size) {
		snprintf(why, why_len, "%s at 0x%llx leaves %llu MiB of guest RAM below it, "
			 "the guest needs %llu MiB there", low->what, (unsigned long long)low->base,
			 (unsigned long long)(below >> 20),
			 (unsigned long long)(GUEST_RAM_LOW_MIN >> 20));
		return -ERANGE;
	}
	l->low_hole = *low;
	add_range(l, 0, below);
	if (size > below) {
		h = hole_at(holes, nholes, GUEST_RAM_HIGH_BASE, size - below);
		if (h) {
			snprintf(why, why_len, "guest RAM 0x%llx..0x%llx would overlap %s "
				 "(0x%llx..0x%llx)", (unsigned long long)GUEST_RAM_HIGH_BASE,
				 (unsigned long long)(GUEST_RAM_HIGH_BASE + size - below),
				 h->what, (unsigned long long)h->base,
				 (unsigned long long)(h->base + h->size));
			return -EBUSY;
		}
		add_range(l, GUEST_RAM_HIGH_BASE, size - below);
	}
	pick_unmapped(l, holes, nholes);
	return 0;
}

const struct guest_ram_range *guest_ram_find(const struct guest_ram *l,
					     uint64_t gpa, uint64_t len)
{
	unsigned i;

	for (i = 0; i < l->n; i++) {
		const struct guest_ram_range *r = &l->r[i];

		if (gpa >= r->gpa && gpa - r->gpa < r->size && len <= r->size - (gpa - r->gpa))
			return r;
	}
	return NULL;
}

int guest_ram_describe(const struct guest_ram *l, char *buf, size_t len)
{
	size_t pos = 0;
	unsigned i;
	int n;

	if (!len)
		return -ENOSPC;
	buf[0] = 0;
	for (i = 0; i < l->n; i++) {
		n = snprintf(buf + pos, len - pos, "%s%#llx..%#llx", i ? ", " : "",
			     (unsigned long long)l->r[i].gpa,
			     (unsigned long long)(l->r[i].gpa + l->r[i].size));
		if (n < 0 || (size_t)n >= len - pos)
			return -ENOSPC;
		pos += (size_t)n;
	}
	return (int)pos;
}
