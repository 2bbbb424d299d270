/* Memory of the UEFI stage: the hv pool, guest RAM and the final map. */
#include <string.h>
#include "boot/boot.h"
#include "drivers/bits.h"

#define MAP_SLACK_DESCS	32	/* room for the map to grow between calls */
#define EBS_TRIES	4

/* A 2 MiB aligned block of size bytes. The firmware allocates top-down,
 * so the exact size often comes back aligned (a 4 GiB guest then fits in a
 * 4 GiB stretch of RAM); else 2 MiB more, with the unaligned head and the
 * unused tail given back. The hv pool is LoaderCode: OVMF's NX policy may
 * mark LoaderData pages non-executable, and the hv runs from its pool. */
static EFI_STATUS alloc_aligned(UINT64 size, EFI_MEMORY_TYPE type, uint64_t *out)
{
	UINTN pages = EFI_SIZE_TO_PAGES(size), slack = EFI_SIZE_TO_PAGES(MiB(2)), head;
	EFI_PHYSICAL_ADDRESS pa = 0;
	EFI_STATUS st;

	st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages, type, pages, &pa);
	if (!EFI_ERROR(st) && IS_ALIGNED(pa, MiB(2))) {
		*out = pa;
		return EFI_SUCCESS;
	}
	if (!EFI_ERROR(st))
		uefi_call_wrapper(BS->FreePages, 2, pa, pages);
	st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages, type,
			       pages + slack, &pa);
	if (EFI_ERROR(st))
		return st;
	*out = ALIGN_UP(pa, MiB(2));
	head = EFI_SIZE_TO_PAGES(*out - pa);
	if (head)
		uefi_call_wrapper(BS->FreePages, 2, pa, head);
	if (slack > head)
		uefi_call_wrapper(BS->FreePages, 2, *out + size, slack - head);
	return EFI_SUCCESS;
}

EFI_STATUS boot_alloc_memory(struct bootinfo *bi)
{
	EFI_STATUS st;

	bi->hv_size = bi->opts.hv_mem;
	st = alloc_aligned(bi->hv_size, EfiLoaderCode, &bi->hv_base);
	if (EFI_ERROR(st)) {
		Print(L"irqvisor: hvmem=%ldM does not fit\n", bi->hv_size >> 20);
		return st;
	}
	bi->guest_size = bi->opts.guest_mem;
	st = alloc_aligned(bi->guest_size, EfiLoaderData, &bi->guest_base);
	if (EFI_ERROR(st))
		Print(L"irqvisor: guestmem=%ldM does not fit\n", bi->guest_size >> 20);
	return st;
}

static uint32_t mem_class(UINT32 efi_type)
{
	switch (efi_type) {
	case EfiLoaderCode:
	case EfiLoaderData:
	case EfiBootServicesCode:
	case EfiBootServicesData:
	case EfiConventionalMemory:
		return BOOTINFO_MEM_RAM;
	case EfiMemoryMappedIO:
	case EfiMemoryMappedIOPortSpace:
		return BOOTINFO_MEM_MMIO;
	default:
		return BOOTINFO_MEM_RESERVED;
	}
}

/* Convert the UEFI map, merging neighbours of the same class. Runs after
 * ExitBootServices, so it only touches memory we own. */
static void convert_map(struct bootinfo *bi, const uint8_t *map, UINTN map_size,
			UINTN desc_size)
{
	UINTN off;

	bi->nmem = 0;
	for (off = 0; off + desc_size <= map_size; off += desc_size) {
		const EFI_MEMORY_DESCRIPTOR *d = (const void *)(map + off);
		uint64_t size = d->NumberOfPages << EFI_PAGE_SHIFT;
		uint32_t cls = mem_class(d->Type);
		struct bootinfo_mem *last = bi->nmem ? &bi->mem[bi->nmem - 1] : NULL;

		if (last && last->type == cls && last->base + last->size == d->PhysicalStart) {
			last->size += size;
			continue;
		}
		if (bi->nmem == BOOTINFO_MEM_MAX)
			break;
		bi->mem[bi->nmem++] = (struct bootinfo_mem){
			.base = d->PhysicalStart, .size = size,
			.type = cls, .efi_type = d->Type,
		};
	}
}

EFI_STATUS boot_exit_services(EFI_HANDLE image, struct bootinfo *bi)
{
	UINTN map_size = 0, key, desc_size, cap;
	UINT32 desc_ver;
	uint8_t *map = NULL;
	EFI_STATUS st;

	st = uefi_call_wrapper(BS->GetMemoryMap, 5, &map_size, NULL, &key,
			       &desc_size, &desc_ver);
	if (st != EFI_BUFFER_TOO_SMALL)
		return st;
	cap = map_size + MAP_SLACK_DESCS * desc_size;
	map = AllocatePool(cap);
	if (!map)
		return EFI_OUT_OF_RESOURCES;
	/* UEFI 2.9, 7.4: if the key is stale, ExitBootServices fails with
	 * EFI_INVALID_PARAMETER and the caller must get the map again. */
	for (bi->ebs_tries = 1; bi->ebs_tries <= EBS_TRIES; bi->ebs_tries++) {
		map_size = cap;
		st = uefi_call_wrapper(BS->GetMemoryMap, 5, &map_size,
				       (EFI_MEMORY_DESCRIPTOR *)map, &key,
				       &desc_size, &desc_ver);
		if (EFI_ERROR(st))
			return st;
		st = uefi_call_wrapper(BS->ExitBootServices, 2, image, key);
		if (st != EFI_INVALID_PARAMETER)
			break;
	}
	if (EFI_ERROR(st))
		return st;
	convert_map(bi, map, map_size, desc_size);
	return EFI_SUCCESS;
}
