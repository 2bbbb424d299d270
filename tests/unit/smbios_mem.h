/* Host tests of drivers/smbios.c (unit tests and the fuzz harness): a
 * physical memory of two regions, the entry point at SMBIOS_TEST_EP_PA
 * and the structure table at SMBIOS_TEST_TABLE_PA, each mapped only over
 * its exact length (struct smbios_mem's map). */
#ifndef TESTS_UNIT_SMBIOS_MEM_H
#define TESTS_UNIT_SMBIOS_MEM_H

#include <stddef.h>
#include <stdint.h>

#define SMBIOS_TEST_EP_PA	0xf0000ULL
#define SMBIOS_TEST_TABLE_PA	0x7f000000ULL

struct smbios_test_mem {
	const uint8_t *ep, *table;
	size_t ep_len, table_len;
};

/* ctx: a struct smbios_test_mem. NULL where [pa, pa+len) leaves both. */
static inline const void *smbios_test_map(void *ctx, uint64_t pa, uint64_t len)
{
	const struct smbios_test_mem *m = ctx;
	const uint64_t ep = SMBIOS_TEST_EP_PA, table = SMBIOS_TEST_TABLE_PA;

	if (pa >= ep && pa - ep <= m->ep_len && len <= m->ep_len - (pa - ep))
		return m->ep + (pa - ep);
	if (pa >= table && pa - table <= m->table_len && len <= m->table_len - (pa - table))
		return m->table + (pa - table);
	return NULL;
}

#endif
