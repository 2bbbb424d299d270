/* The hv pool: the image at its start, the C heap growing up after it and
 * page-granular allocations (page tables, VMCBs, bitmaps) coming down from
 * its end. Pages are never freed: the hv allocates them at start. */
#ifndef HV_MEM_H
#define HV_MEM_H

#include <stddef.h>
#include <stdint.h>

struct bootinfo;

/* Take over the pool described by the boot info. */
void mem_init(const struct bootinfo *bi, uint64_t image_size);
/* n zeroed, contiguous 4 KiB pages; 0 or -ENOMEM. Physical == virtual. */
int mem_alloc_pages(size_t n, uint64_t *pa);
/* Grow the C heap (newlib's sbrk). NULL when the pool is exhausted. */
void *mem_sbrk(ptrdiff_t incr);

struct mem_usage {
	uint64_t pool_base, pool_size;
	uint64_t image, heap, pages;	/* bytes in use by each */
};
void mem_usage(struct mem_usage *u);
/* Bytes the C heap has handed out and not had back (malloc's own count). */
uint64_t mem_heap_in_use(void);

#endif
