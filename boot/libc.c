/* The few system calls newlib needs in the UEFI stage (snprintf and the
 * option parser use its allocator). Output goes to the firmware console. */
#include <errno.h>
#include <sys/stat.h>
#include "boot/boot.h"

#define HEAP_SIZE	(256 * 1024)

static uint8_t heap[HEAP_SIZE];
static size_t heap_used;

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
	Print(L"irqvisor: UEFI stage exited with status %d\n", status);
	for (;;)
		uefi_call_wrapper(BS->Stall, 1, 1000000);
}
