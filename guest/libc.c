/* System calls newlib needs in the guest: output through the trapped
 * serial port, the heap above the image in guest RAM. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include "guest/guest.h"
#include "drivers/cpu.h"

#define HEAP_GUARD	(64 * 1024)

extern char __image_end[];
static uintptr_t brk_end;

void *sbrk(ptrdiff_t incr);
int write(int fd, const void *buf, size_t len);
int read(int fd, void *buf, size_t len);
int close(int fd);
int fstat(int fd, struct stat *st);
int isatty(int fd);
long lseek(int fd, long off, int whence);
int getpid(void);
int kill(int pid, int sig);
void _exit(int status);

void *sbrk(ptrdiff_t incr)
{
	uintptr_t top = guest_info.ram_size - HEAP_GUARD;
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

int read(int fd, void *buf, size_t len)
{
	(void)fd; (void)buf; (void)len;
	errno = ENOSYS;
	return -1;
}

int close(int fd)
{
	(void)fd;
	errno = EBADF;
	return -1;
}

int fstat(int fd, struct stat *st)
{
	(void)fd;
	st->st_mode = S_IFCHR;
	return 0;
}

int isatty(int fd)
{
	return fd <= 2;
}

long lseek(int fd, long off, int whence)
{
	(void)fd; (void)off; (void)whence;
	errno = ESPIPE;
	return -1;
}

int getpid(void)
{
	return 1;
}

int kill(int pid, int sig)
{
	(void)pid; (void)sig;
	errno = EINVAL;
	return -1;
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
