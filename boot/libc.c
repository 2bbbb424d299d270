/* The few system calls newlib needs in the UEFI stage (snprintf and the
 * option parser use its allocator). Output goes to the firmware console. */
#include <errno.h>
#include "boot/boot.h"

#define HEAP_SIZE	(256 * 1024)

static uint8_t heap[HEAP_SIZE];
static size_t heap_used;

void *sbrk(ptrdiff_t incr);
int write(int fd, const void *buf, size_t len);
void _exit(int status);

void *sbrk(ptrdiff_t incr)
{
	void *p = heap + heap_used;

	if (incr < 0 || (size_t)incr > HEAP_SIZE - heap_used) {
		errno = ENOMEM;
		return (void *)-1;
	}
	heap_used += (size_t)incr;
	return p;
}

int write(int fd, const void *buf, size_t len)
{
	const char *s = buf;
	CHAR16 w[2] = { 0, 0 };
	size_t i;

	if (fd != 1 && fd != 2) {
		errno = EBADF;
		return -1;
	}
	for (i = 0; i < len; i++) {
		w[0] = (CHAR16)(unsigned char)s[i];
		uefi_call_wrapper(ST->ConOut->OutputString, 2, ST->ConOut, w);
	}
	return (int)len;
}

void _exit(int status)
{
	Print(L"irqvisor: UEFI stage exited with status %d\n", status);
	for (;;)
		uefi_call_wrapper(BS->Stall, 1, 1000000);
}
