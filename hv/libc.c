/* The system calls newlib needs in the hv image: output to the console,
 * the heap from the hv pool. There are no files and no processes. */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include "hv/conio.h"
#include "hv/mem.h"
#include "drivers/power.h"

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

/* abort() and assert() end here: stop with a failure status. */
void _exit(int status)
{
	printf("hv: exit(%d)\n", status);
	power_off(false);
}
