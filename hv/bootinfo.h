/* The one structure the UEFI stage hands to the hv entry (the platform
 * contract: only plain types, no UEFI headers). */
#ifndef HV_BOOTINFO_H
#define HV_BOOTINFO_H

#include <stdint.h>
#include "hv/options.h"

#define BOOTINFO_MAGIC		0x544f4f4256515249ULL	/* "IRQVBOOT" */
#define BOOTINFO_MEM_MAX	512
#define BOOTINFO_DIAG_MAX	4096
#define BOOTINFO_CMDLINE_MAX	1024

enum bootinfo_mem_type {
	BOOTINFO_MEM_RAM = 1,		/* usable RAM (conventional, boot services, loader) */
	BOOTINFO_MEM_RESERVED,		/* RAM the firmware keeps (ACPI, runtime, reserved) */
	BOOTINFO_MEM_MMIO,
};

struct bootinfo_mem {
	uint64_t base;
	uint64_t size;
	uint32_t type;			/* enum bootinfo_mem_type */
	uint32_t efi_type;
};

/* Header at offset 0 of an embedded image (emitted by linker.ld / guest.ld). */
struct image_header {
	uint32_t magic;			/* IMAGE_MAGIC */
	uint32_t version;
	uint64_t entry;			/* offset of the entry point */
	uint64_t file_size;		/* bytes to copy */
	uint64_t mem_size;		/* bytes to reserve (file + bss) */
	uint64_t rela_start;		/* offsets of .rela.dyn (hv only) */
	uint64_t rela_end;
	uint64_t link_base;		/* address the image was linked at */
};
#define IMAGE_MAGIC		0x56515249	/* "IRQV" */

/* The firmware's wall-clock time at boot (UEFI GetTime), valid when its
 * call succeeded and the fields are in range. */
struct bootinfo_time {
	uint16_t year;
	uint8_t month, day, hour, minute, second;
	uint8_t valid;
};

struct bootinfo {
	uint64_t magic;
	uint64_t rsdp_pa;
	uint64_t hv_base;		/* pool: image, then page tables and heap */
	uint64_t hv_size;
	uint64_t guest_base;		/* host block of guest RAM, 2 MiB aligned, */
	uint64_t guest_size;		/* anywhere (hv/guest_ram.h lays it out) */
	uint64_t guest_image_pa;	/* guest image bytes, copied in by the hv */
	uint64_t guest_image_size;
	uint64_t smbios_pa;		/* SMBIOS 3.x or 2.x entry point, 0: none */
	uint64_t tsc_handoff;		/* TSC just before the jump to the hv */
	struct bootinfo_time time;
	uint32_t ebs_tries;		/* ExitBootServices attempts */
	uint32_t nmem;
	struct hv_options opts;
	char cmdline[BOOTINFO_CMDLINE_MAX];
	char diag[BOOTINFO_DIAG_MAX];	/* option errors found by the UEFI stage */
	struct bootinfo_mem mem[BOOTINFO_MEM_MAX];
};

typedef void (*hv_entry_fn)(struct bootinfo *bi);

#endif
