/* UEFI stage: gather options, memory, tables and the time, leave boot services and
 * jump to the hypervisor core. Reads like a table of contents. */
#include "boot/boot.h"
#include "drivers/cpu.h"

static struct bootinfo bootinfo;

static EFI_STATUS fail(const CHAR16 *step, EFI_STATUS st)
{
	Print(L"irqvisor: boot failed at %s: %r\n", step, st);
	return st;
}

/* The physical address of the configuration table under GUID first, else
 * under fallback (its older form); 0 when the firmware has neither. */
static uint64_t config_table_pa(EFI_GUID *first, EFI_GUID *fallback)
{
	void *table = NULL;

	if (LibGetSystemConfigurationTable(first, &table) != EFI_SUCCESS &&
	    LibGetSystemConfigurationTable(fallback, &table) != EFI_SUCCESS)
		table = NULL;
	return (uint64_t)(uintptr_t)table;
}

/* Firmware with no ACPI tables (OVMF under Bochs) leaves rsdp_pa 0: the
 * hv falls back to PC defaults. */
static void find_rsdp(struct bootinfo *bi)
{
	static EFI_GUID acpi20 = ACPI_20_TABLE_GUID;

	bi->rsdp_pa = config_table_pa(&acpi20, &AcpiTableGuid);
}

/* The SMBIOS entry point, the 64-bit one (3.x) first: the hv parses
 * whichever it is by its anchor (drivers/smbios.h). 0 when there is none. */
static void find_smbios(struct bootinfo *bi)
{
	bi->smbios_pa = config_table_pa(&SMBIOS3TableGuid, &SMBIOSTableGuid);
}

/* The wall-clock time for the run id (UEFI 2.9, 8.3 GetTime), taken while
 * boot services still run; a failed call leaves it invalid (the hv checks
 * the fields' ranges itself, hv/provenance.h). */
static void read_time(struct bootinfo *bi)
{
	EFI_TIME t;

	if (uefi_call_wrapper(RT->GetTime, 2, &t, NULL) != EFI_SUCCESS)
		return;
	bi->time = (struct bootinfo_time){ .year = t.Year, .month = t.Month, .day = t.Day,
					   .hour = t.Hour, .minute = t.Minute,
					   .second = t.Second, .valid = 1 };
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	struct bootinfo *bi = &bootinfo;
	hv_entry_fn entry;
	EFI_STATUS st;

	InitializeLib(image, systab);
	bi->magic = BOOTINFO_MAGIC;
	bi->guest_image_pa = (uint64_t)(uintptr_t)guest_image;
	bi->guest_image_size = (uint64_t)(guest_image_end - guest_image);

	st = boot_read_options(image, bi);
	if (EFI_ERROR(st))
		return fail(L"reading options", st);
	find_rsdp(bi);
	find_smbios(bi);
	read_time(bi);
	st = boot_alloc_memory(bi);
	if (EFI_ERROR(st))
		return fail(L"allocating memory", st);
	st = boot_place_hv(bi, &entry);
	if (EFI_ERROR(st))
		return fail(L"placing the hypervisor image", st);
	st = boot_exit_services(image, bi);
	if (EFI_ERROR(st))
		return fail(L"ExitBootServices", st);

	cpu_cli();
	bi->tsc_handoff = cpu_rdtsc();
	entry(bi);
	for (;;)
		cpu_hlt();
}
