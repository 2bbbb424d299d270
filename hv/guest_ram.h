/* Where guest RAM sits in guest-physical space (pure logic, unit-tested
 * on the host). Guest RAM is one contiguous host block; the guest sees it
 * as PC firmware lays RAM out: from GPA 0 up to a hole below 4 GiB, the
 * rest from 4 GiB up. The hole holds what must keep its host address in
 * the guest: the I/O APIC/HPET area, the interrupt window (where device
 * writes are interrupts, never DMA: VT-d 3.14) and the assigned device's
 * BARs, which are mapped identity. Nothing of guest RAM may overlap them. */
#ifndef HV_GUEST_RAM_H
#define HV_GUEST_RAM_H

#include <stddef.h>
#include <stdint.h>
#include "hv/hypercall_abi.h"

#define GUEST_RAM_RANGES	HC_RAM_RANGES	/* below the hole, above 4 GiB */
#define GUEST_RAM_ALIGN		0x200000ULL	/* 2 MiB: nested large pages */
#define GUEST_RAM_LOW_MIN	0x1000000ULL	/* 16 MiB below the hole: image, stack, heap */
#define GUEST_RAM_HIGH_BASE	0x100000000ULL	/* 4 GiB */
#define GUEST_IOAPIC_AREA_BASE	0xfec00000ULL	/* I/O APIC, HPET, VT-d registers */
#define GUEST_IRQ_WINDOW_BASE	0xfee00000ULL	/* MSI address window (1 MiB) */
#define GUEST_IRQ_WINDOW_END	0xfef00000ULL
#define GUEST_RAM_HOLES_MAX	16

/* One stretch of guest-physical space guest RAM must leave alone. */
struct guest_ram_hole {
	uint64_t base, size;
	char what[40];		/* named in refusals, e.g. "BAR3 of 00:01.0" */
};

/* A stretch of guest RAM: [gpa, gpa+size) is host [block+offset, ...). */
struct guest_ram_range {
	uint64_t gpa, size, offset;
};

struct guest_ram {
	struct guest_ram_range r[GUEST_RAM_RANGES];	/* ascending GPA */
	unsigned n;
	uint64_t size;		/* all ranges together */
	uint64_t end;		/* one past the highest RAM byte */
	uint64_t unmapped_gpa;	/* a 2 MiB page past RAM that no hole covers */
	struct guest_ram_hole low_hole;	/* the lowest hole below 4 GiB */
};

/* Lay out size bytes (a multiple of 2 MiB) around the platform holes and
 * the caller's nholes holes (device BARs). 0, or a negative errno with
 * the reason in why: -EINVAL for a bad size, -ERANGE when a hole below 4
 * GiB leaves less than GUEST_RAM_LOW_MIN beneath it, -EBUSY when RAM above
 * 4 GiB would overlap a hole. */
int guest_ram_layout(struct guest_ram *l, uint64_t size,
		     const struct guest_ram_hole *holes, unsigned nholes,
		     char *why, size_t why_len);

/* The range holding all of [gpa, gpa+len), or NULL (outside RAM, or
 * across the hole). */
const struct guest_ram_range *guest_ram_find(const struct guest_ram *l,
					     uint64_t gpa, uint64_t len);

/* "0..0x80000000, 0x100000000..0x180000000" (ends exclusive); returns
 * the length, or -ENOSPC when cut short. */
int guest_ram_describe(const struct guest_ram *l, char *buf, size_t len);

#endif
