/* Internal interface of the UEFI stage. Only boot/ includes UEFI headers. */
#ifndef BOOT_BOOT_H
#define BOOT_BOOT_H

#include <efi.h>
#include <efilib.h>
#include "hv/bootinfo.h"

/* Images embedded by boot/images.asm. */
extern const uint8_t hv_image[], hv_image_end[];
extern const uint8_t guest_image[], guest_image_end[];

/* Read the load options and \irqvisor.cfg of the boot volume into bi->opts
 * (file first, command line wins); errors are collected in bi->diag. */
EFI_STATUS boot_read_options(EFI_HANDLE image, struct bootinfo *bi);

/* Allocate the hv pool and guest RAM, 2 MiB aligned, per bi->opts. */
EFI_STATUS boot_alloc_memory(struct bootinfo *bi);

/* Copy the hv image into the pool and apply its relocations; *entry gets
 * the relocated entry point. */
EFI_STATUS boot_place_hv(struct bootinfo *bi, hv_entry_fn *entry);

/* Take the final memory map into bi->mem and leave boot services, retrying
 * as UEFI 2.9, 7.4 (ExitBootServices) requires. No UEFI call after this. */
EFI_STATUS boot_exit_services(EFI_HANDLE image, struct bootinfo *bi);

/* Append a line to bi->diag for the hv to print on its console. */
void boot_diag(struct bootinfo *bi, const char *msg);

#endif
