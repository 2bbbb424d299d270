/* The hv's own page tables: an identity map of physical memory, RAM
 * write-back and everything else uncached. */
#ifndef HV_MMU_H
#define HV_MMU_H

#include <stdint.h>

struct bootinfo;

/* Build the identity map from the firmware's memory map and load it.
 * Returns 0 or a negative errno (the firmware's tables stay in use). */
int mmu_init(const struct bootinfo *bi);
/* Map an MMIO range beyond what mmu_init covered (uncached). */
int mmu_map_mmio(uint64_t pa, uint64_t size);
/* Table pages in use. */
uint64_t mmu_pages(void);

#endif
