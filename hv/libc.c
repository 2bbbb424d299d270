/* The system calls of the hv image that differ from hv/libc_nofs.c: output
 * to the console, the heap from the hv pool. */
#include <errno.h>
#include <stdio.h>
#include "hv/conio.h"
#include "hv/mem.h"
#include "drivers/power.h"

void *sbrk(ptrdiff_t incr);
int write(int fd, const void *buf, size_t len);
void _exit(int status);

void *sbrk(ptrdiff_t incr)
{
	void *p = mem_sbrk(incr);

	if (!p) {
		errno = ENOMEM;
		return (void *)-1;
	}
	return p;
}

int write(int fd, const void *buf, size_t len)
{
	if (fd != 1 && fd != 2) {
		errno = EBADF;
		return -1;
	}
	conio_write(buf, len);
	return (int)len;
}

/* abort() and assert() end here: stop with a failure status. */
void _exit(int status)
{
	printf("hv: exit(%d)\n", status);
	power_off(false);
}
