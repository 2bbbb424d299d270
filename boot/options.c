/* Options of the UEFI stage: the load options (the shell command line) and
 * \irqvisor.cfg on the volume the application was loaded from. */
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include "boot/boot.h"

#define CONFIG_MAX	(64 * 1024)

void boot_diag(struct bootinfo *bi, const char *msg)
{
	size_t used = strlen(bi->diag);
	size_t room = sizeof(bi->diag) - used;

	if (room > 1)
		snprintf(bi->diag + used, room, "%s\n", msg);
}

static void report(void *ctx, const char *msg)
{
	boot_diag(ctx, msg);
}

/* UCS-2 load options to ASCII; anything outside ASCII becomes '?', which
 * the option parser then rejects with a message naming it. */
static void load_options_ascii(EFI_LOADED_IMAGE *li, char *out, size_t max)
{
	const CHAR16 *w = li->LoadOptions;
	size_t n = li->LoadOptionsSize / sizeof(CHAR16);
	size_t i, o = 0;

	for (i = 0; w && i < n && w[i] && o + 1 < max; i++)
		out[o++] = w[i] < 0x80 ? (char)w[i] : '?';
	out[o] = 0;
}

static EFI_STATUS read_config(EFI_LOADED_IMAGE *li, char **text, UINTN *len)
{
	EFI_FILE_HANDLE root, fh;
	EFI_STATUS st;

	*text = NULL;
	*len = 0;
	root = LibOpenRoot(li->DeviceHandle);
	if (!root)
		return EFI_SUCCESS;
	st = uefi_call_wrapper(root->Open, 5, root, &fh, L"\\irqvisor.cfg",
			       EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(st))
		goto out_root;
	*text = AllocatePool(CONFIG_MAX);
	st = EFI_OUT_OF_RESOURCES;
	if (!*text)
		goto out_file;
	*len = CONFIG_MAX;
	st = uefi_call_wrapper(fh->Read, 3, fh, len, *text);
	if (!EFI_ERROR(st) && *len == CONFIG_MAX)
		Print(L"irqvisor: irqvisor.cfg is larger than %d bytes; the rest is ignored\n",
		      CONFIG_MAX);
out_file:
	uefi_call_wrapper(fh->Close, 1, fh);
out_root:
	uefi_call_wrapper(root->Close, 1, root);
	return st == EFI_NOT_FOUND ? EFI_SUCCESS : st;
}

EFI_STATUS boot_read_options(EFI_HANDLE image, struct bootinfo *bi)
{
	EFI_LOADED_IMAGE *li;
	EFI_STATUS st;
	char *cfg;
	UINTN cfg_len;

	options_init(&bi->opts);
	st = uefi_call_wrapper(BS->HandleProtocol, 3, image,
			       &LoadedImageProtocol, (void **)&li);
	if (EFI_ERROR(st))
		return st;
	st = read_config(li, &cfg, &cfg_len);
	if (EFI_ERROR(st))
		boot_diag(bi, "irqvisor.cfg: could not be read, using defaults");
	else if (cfg)
		options_parse_config(&bi->opts, cfg, cfg_len, report, bi);
	if (cfg)
		FreePool(cfg);
	load_options_ascii(li, bi->cmdline, sizeof(bi->cmdline));
	options_parse_cmdline(&bi->opts, bi->cmdline, report, bi);
	return EFI_SUCCESS;
}
