/* System calls newlib needs in the guest: output through the trapped
 * serial port, the heap above the image in the first range of guest RAM. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include "guest/guest.h"
#include "drivers/cpu.h"

#define HEAP_GUARD	(64 * 1024)

extern char __image_end[];
static uintptr_t brk_end;

void *sbrk(ptrdiff_t incr);
int write(int fd, const void *buf, size_t len);
void _exit(int status);

void *sbrk(ptrdiff_t incr)
{
	/* ram[0] starts at GPA 0 and holds the image: the heap stays in it. */
	uintptr_t top = guest_info.ram[0].gpa + guest_info.ram[0].size - HEAP_GUARD;
	uintptr_t old;

	if (!brk_end)
		brk_end = (uintptr_t)__image_end;
	old = brk_end;
	if (incr < 0 || (uintptr_t)incr > top - brk_end) {
		errno = ENOMEM;
		return (void *)-1;
	}
	brk_end += (uintptr_t)incr;
	return (void *)old;
}

int write(int fd, const void *buf, size_t len)
{
	const char *s = buf;
	size_t i;

	if (fd != 1 && fd != 2) {
		errno = EBADF;
		return -1;
	}
	for (i = 0; i < len; i++)
		cpu_outb(GUEST_COM1, (uint8_t)s[i]);
	return (int)len;
}

void _exit(int status)
{
	report(HC_FAIL, "guest-exit", "exit(%d)", status);
	for (;;) {
		cpu_cli();
		cpu_hlt();
	}
}

void report(enum hc_verdict v, const char *name, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	why[0] = 0;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
	}
	fflush(stdout);
	hc(HC_REPORT, v, (long)name, fmt ? (long)why : 0, 0);
}
