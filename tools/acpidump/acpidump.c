/*
 * acpidump: a GNU-EFI application that prints every ACPI table reachable
 * from the ACPI 2.0 RSDP as hex lines on ConOut (OVMF mirrors ConOut on the
 * serial port), then powers the machine off. extract.sh turns the log into
 * binary files for the unit tests (tests/data/acpi/).
 *
 * Line format (short lines: the terminal driver wraps at 80 columns):
 *   AT <sig> <pa> <len>     start of a table (pa in hex, len in decimal)
 *   AX <pa> <hex bytes>     16 bytes starting at pa
 *   AE <sig>                end of the table
 */
#include <efi.h>
#include <efilib.h>

#define BYTES_PER_LINE 16
#define MAX_TABLE_LEN  (1024 * 1024)

struct sdt_header {
	UINT8 sig[4];
	UINT32 len;
	UINT8 rev, csum, oem_id[6], oem_table_id[8];
	UINT32 oem_rev, creator_id, creator_rev;
} __attribute__((packed));

static EFI_GUID acpi20_guid = ACPI_20_TABLE_GUID;

static void dump_bytes(const CHAR8 sig[4], UINT64 pa, UINT32 len)
{
	static const CHAR16 hex[] = L"0123456789abcdef";
	const UINT8 *p = (const UINT8 *)pa;
	CHAR16 line[2 * BYTES_PER_LINE + 1];
	UINT32 off, i, n;

	Print(L"AT %c%c%c%c %lx %d\n", sig[0], sig[1], sig[2], sig[3], pa, len);
	for (off = 0; off < len; off += BYTES_PER_LINE) {
		n = len - off < BYTES_PER_LINE ? len - off : BYTES_PER_LINE;
		for (i = 0; i < n; i++) {
			line[2 * i] = hex[p[off + i] >> 4];
			line[2 * i + 1] = hex[p[off + i] & 15];
		}
		line[2 * n] = 0;
		Print(L"AX %lx %s\n", pa + off, line);
	}
	Print(L"AE %c%c%c%c\n", sig[0], sig[1], sig[2], sig[3]);
}

/* Dump one SDT (a header with its own length). */
static void dump_sdt(UINT64 pa)
{
	const struct sdt_header *h = (const struct sdt_header *)pa;

	if (!pa)
		return;
	if (h->len < sizeof(*h) || h->len > MAX_TABLE_LEN) {
		Print(L"AB %lx bad length %x\n", pa, h->len);
		return;
	}
	dump_bytes(h->sig, pa, h->len);
}

/* FACS has a 4-byte signature and a length, but no SDT header. */
static void dump_facs(UINT64 pa)
{
	const UINT8 *p = (const UINT8 *)pa;
	UINT32 len;

	if (!pa)
		return;
	len = *(const UINT32 *)(p + 4);
	if (len < 24 || len > 4096) {
		Print(L"AB %lx bad FACS length %x\n", pa, len);
		return;
	}
	dump_bytes(p, pa, len);
}

/* The FADT points at the DSDT and FACS (32-bit fields and X_ fields). */
static void dump_fadt_children(UINT64 pa)
{
	const UINT8 *f = (const UINT8 *)pa;
	UINT32 len = ((const struct sdt_header *)pa)->len;
	UINT64 dsdt = *(const UINT32 *)(f + 40), facs = *(const UINT32 *)(f + 36);
	UINT64 xfacs = len >= 140 ? *(const UINT64 *)(f + 132) : 0;
	UINT64 xdsdt = len >= 148 ? *(const UINT64 *)(f + 140) : 0;

	dump_sdt(xdsdt ? xdsdt : dsdt);
	if (xdsdt && dsdt && xdsdt != dsdt)
		dump_sdt(dsdt);
	dump_facs(xfacs ? xfacs : facs);
	if (xfacs && facs && xfacs != facs)
		dump_facs(facs);
}

static void dump_entries(UINT64 sdt_pa, UINTN entry_size)
{
	const struct sdt_header *h = (const struct sdt_header *)sdt_pa;
	const UINT8 *e = (const UINT8 *)(h + 1);
	UINTN i, n = (h->len - sizeof(*h)) / entry_size;
	UINT64 pa;

	for (i = 0; i < n; i++) {
		pa = entry_size == 8 ? *(const UINT64 *)(e + 8 * i)
				     : *(const UINT32 *)(e + 4 * i);
		dump_sdt(pa);
		if (pa && CompareMem((void *)pa, "FACP", 4) == 0)
			dump_fadt_children(pa);
	}
}

static void *find_rsdp(void)
{
	UINTN i;

	for (i = 0; i < ST->NumberOfTableEntries; i++)
		if (CompareGuid(&ST->ConfigurationTable[i].VendorGuid,
				&acpi20_guid) == 0)
			return ST->ConfigurationTable[i].VendorTable;
	return NULL;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	const UINT8 *rsdp;
	UINT64 rsdt, xsdt;

	InitializeLib(image, systab);
	rsdp = find_rsdp();
	if (!rsdp) {
		Print(L"AB no ACPI 2.0 RSDP in the configuration table\n");
		goto out;
	}
	dump_bytes((const CHAR8 *)"RSDP", (UINT64)rsdp,
		   rsdp[15] >= 2 ? *(const UINT32 *)(rsdp + 20) : 20);
	rsdt = *(const UINT32 *)(rsdp + 16);
	xsdt = rsdp[15] >= 2 ? *(const UINT64 *)(rsdp + 24) : 0;
	dump_sdt(rsdt);
	dump_sdt(xsdt);
	if (xsdt)
		dump_entries(xsdt, 8);
	else if (rsdt)
		dump_entries(rsdt, 4);
	Print(L"AD done\n");
out:
	uefi_call_wrapper(RT->ResetSystem, 4, EfiResetShutdown, EFI_SUCCESS, 0, NULL);
	return EFI_SUCCESS;
}
