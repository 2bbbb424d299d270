/* The hv's identity map (see mmu.h). */
#include <errno.h>
#include <stdlib.h>
#include "hv/mmu.h"
#include "hv/bootinfo.h"
#include "hv/mem.h"
#include "hv/paging.h"
#include "drivers/cpu.h"

static struct pt_ctx kpt;
static uint64_t mapped_top;

static void *phys(void *ctx, uint64_t pa)
{
	(void)ctx;
	return (void *)(uintptr_t)pa;
}

static int page(void *ctx, uint64_t *pa)
{
	(void)ctx;
	return mem_alloc_pages(1, pa);
}

static bool cpu_has_1g_pages(void)
{
	struct cpuid_regs r;

	cpu_cpuid(0x80000001, 0, &r);
	return r.edx & CPUIDX1_EDX_PAGE1G;
}

int mmu_init(const struct bootinfo *bi)
{
	struct pt_range *ram;
	uint64_t top = GiB(4);
	size_t n = 0;
	uint32_t i;
	int err;

	ram = malloc(sizeof(*ram) * (bi->nmem ? bi->nmem : 1));
	if (!ram)
		return -ENOMEM;
	for (i = 0; i < bi->nmem; i++) {
		const struct bootinfo_mem *m = &bi->mem[i];

		if (m->base + m->size > top)
			top = m->base + m->size;
		if (m->type != BOOTINFO_MEM_MMIO)
			ram[n++] = (struct pt_range){ m->base, m->size };
	}
	kpt = (struct pt_ctx){ .phys_to_virt = phys, .alloc_page = page };
	err = pt_init(&kpt);
	if (!err)
		err = pt_identity_map(&kpt, ram, n, top, cpu_has_1g_pages());
	free(ram);
	if (err)
		return err;
	mapped_top = ALIGN_UP(top, GiB(1));
	cpu_write_cr3(kpt.root);
	return 0;
}

int mmu_map_mmio(uint64_t pa, uint64_t size)
{
	uint64_t start = ALIGN_DOWN(pa, KiB(4));
	uint64_t end = ALIGN_UP(pa + size, KiB(4));
	int err;

	if (end <= mapped_top)
		return 0;
	if (start < mapped_top)
		start = mapped_top;
	err = pt_map(&kpt, start, start, end - start, PT_RW | PT_CACHE_UC, false);
	if (!err)
		cpu_write_cr3(kpt.root);
	return err;
}

uint64_t mmu_pages(void)
{
	return pt_pages_used(&kpt);
}
