/* The hv pool (see mem.h). */
#include <errno.h>
#include <reent.h>
#include <string.h>
#include "hv/mem.h"
#include "hv/bootinfo.h"
#include "drivers/bits.h"

#define PAGE_SIZE 4096

static struct {
	uint64_t base, size, image;
	uint64_t brk;		/* end of the heap, grows up */
	uint64_t pages_low;	/* start of page allocations, grows down */
} pool;

void mem_init(const struct bootinfo *bi, uint64_t image_size)
{
	pool.base = bi->hv_base;
	pool.size = bi->hv_size;
	pool.image = ALIGN_UP(image_size, PAGE_SIZE);
	pool.brk = pool.base + pool.image;
	pool.pages_low = pool.base + pool.size;
}

int mem_alloc_pages(size_t n, uint64_t *pa)
{
	uint64_t bytes = (uint64_t)n * PAGE_SIZE;

	if (!n || bytes > pool.pages_low - pool.brk)
		return -ENOMEM;
	pool.pages_low -= bytes;
	memset((void *)(uintptr_t)pool.pages_low, 0, bytes);
	*pa = pool.pages_low;
	return 0;
}

void *mem_sbrk(ptrdiff_t incr)
{
	uint64_t old = pool.brk;

	if (incr < 0 || (uint64_t)incr > pool.pages_low - pool.brk)
		return NULL;
	pool.brk += (uint64_t)incr;
	return (void *)(uintptr_t)old;
}

void mem_usage(struct mem_usage *u)
{
	u->pool_base = pool.base;
	u->pool_size = pool.size;
	u->image = pool.image;
	u->heap = pool.brk - pool.base - pool.image;
	u->pages = pool.base + pool.size - pool.pages_low;
}

/* newlib 3.3's mallocr.c fills a struct mallinfo of int fields (its
 * _mallinfo_r stores 40 bytes), while the malloc.h it installs declares
 * size_t ones: the figures are read with the layout the library has. */
struct newlib_mallinfo {
	int arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks;
	int uordblks;	/* bytes in allocated chunks */
	int fordblks, keepcost;
};
struct newlib_mallinfo _mallinfo_r(struct _reent *r);

uint64_t mem_heap_in_use(void)
{
	return (unsigned)_mallinfo_r(_REENT).uordblks;
}
