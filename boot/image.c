/* Place the hypervisor core image in its pool. The image is a flat copy of
 * a position-independent ELF link (linker.ld): relocate it here, where an
 * unsupported relocation can still be reported through the firmware. */
#include <string.h>
#include "boot/boot.h"
#include "drivers/bits.h"

#define R_X86_64_RELATIVE	8

struct elf_rela {
	uint64_t offset;
	uint64_t info;
	int64_t addend;
};

static EFI_STATUS relocate(uint8_t *base, const struct image_header *h)
{
	const struct elf_rela *r = (const void *)(base + h->rela_start);
	const struct elf_rela *end = (const void *)(base + h->rela_end);

	for (; r < end; r++) {
		if ((uint32_t)r->info != R_X86_64_RELATIVE ||
		    r->offset + 8 > h->mem_size) {
			Print(L"irqvisor: hv image: relocation type %d at 0x%lx not supported\n",
			      (int)(uint32_t)r->info, r->offset);
			return EFI_UNSUPPORTED;
		}
		*(uint64_t *)(base + r->offset) = (uint64_t)(uintptr_t)base + r->addend;
	}
	return EFI_SUCCESS;
}

EFI_STATUS boot_place_hv(struct bootinfo *bi, hv_entry_fn *entry)
{
	const struct image_header *h = (const void *)hv_image;
	uint64_t avail = (uint64_t)(hv_image_end - hv_image);
	uint8_t *base = (uint8_t *)(uintptr_t)bi->hv_base;

	if (h->magic != IMAGE_MAGIC || h->file_size > avail ||
	    h->mem_size < h->file_size || h->rela_start > h->rela_end ||
	    h->rela_end > h->file_size || h->entry >= h->file_size) {
		Print(L"irqvisor: embedded hv image header is corrupt\n");
		return EFI_LOAD_ERROR;
	}
	if (h->mem_size > bi->hv_size / 2) {
		Print(L"irqvisor: hv image needs %ld KiB, hvmem=%ldM is too small\n",
		      h->mem_size >> 10, bi->hv_size >> 20);
		return EFI_BUFFER_TOO_SMALL;
	}
	memcpy(base, hv_image, h->file_size);
	memset(base + h->file_size, 0, h->mem_size - h->file_size);
	*entry = (hv_entry_fn)(uintptr_t)(base + h->entry);
	return relocate(base, h);
}
