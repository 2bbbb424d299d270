/* The system calls newlib needs that mean the same in every image of
 * irqvisor (UEFI stage, hv, guest): there are no files and no processes.
 * Each image supplies write, sbrk and _exit itself. */
#include <errno.h>
#include <sys/stat.h>

int read(int fd, void *buf, unsigned long len);
int close(int fd);
int fstat(int fd, struct stat *st);
int isatty(int fd);
long lseek(int fd, long off, int whence);
int getpid(void);
int kill(int pid, int sig);

int read(int fd, void *buf, unsigned long len)
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

/* stdin/stdout/stderr are character devices (newlib picks line buffering). */
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
