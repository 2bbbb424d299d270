/* Host unit tests: a buffer standing in for physical memory, handed out a
 * zeroed 4 KiB page at a time, with a settable allocation limit. */
#ifndef TESTS_UNIT_FAKE_PHYS_H
#define TESTS_UNIT_FAKE_PHYS_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FAKE_PAGE	4096ULL

struct fake_phys {
	uint8_t *buf;
	uint64_t base;		/* PA of the first page */
	size_t pages;
	size_t next;		/* pages handed out */
	size_t limit;		/* allocation fails beyond this many */
};

/* Fill with a pattern, so that allocations are seen to zero what they give. */
static inline int fake_phys_init(struct fake_phys *m, uint64_t base, size_t pages)
{
	m->buf = aligned_alloc(FAKE_PAGE, pages * FAKE_PAGE);
	if (!m->buf)
		return -1;
	memset(m->buf, 0xa5, pages * FAKE_PAGE);
	m->base = base;
	m->pages = m->limit = pages;
	m->next = 0;
	return 0;
}

static inline void fake_phys_free(struct fake_phys *m)
{
	free(m->buf);
}

/* The byte at pa, or NULL outside the buffer. */
static inline void *fake_phys_ptr(const struct fake_phys *m, uint64_t pa)
{
	if (pa < m->base || pa >= m->base + m->pages * FAKE_PAGE)
		return NULL;
	return m->buf + (pa - m->base);
}

static inline int fake_phys_alloc(struct fake_phys *m, uint64_t *pa)
{
	if (m->next >= m->limit)
		return -ENOMEM;
	memset(m->buf + m->next * FAKE_PAGE, 0, FAKE_PAGE);
	*pa = m->base + m->next * FAKE_PAGE;
	m->next++;
	return 0;
}

#endif
