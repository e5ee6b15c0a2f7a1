/*
 * newlib_glue.c - the system-call layer newlib expects ("OS stubs"),
 * built on Pagoda's system calls, plus the C start-up.
 *
 * newlib is configured with --disable-newlib-supplied-syscalls, so its
 * stdio, malloc and exit call these functions. Files: only the console
 * exists for now (fd 0 reads it, 1 and 2 write it). Errors become newlib errno values.
 *
 * The heap (_sbrk) is in sbrk.c: the memory server serves it. newlib's
 * malloc brackets every change of the heap with __malloc_lock and
 * __malloc_unlock (nested: realloc and memalign call malloc with the
 * lock held, so it must be recursive); here they take one rlock, so the
 * threads of a process can share the heap. They are defined in this
 * file, which every program links, so that the linker never takes
 * newlib's empty ones (mlock.o) instead. Only the heap is locked: stdio
 * streams are not (newlib's own stdio locks are empty in this build), so
 * threads should not print to the same stream at the same time, and
 * errno (newlib's one _reent) is shared by all threads of a process.
 */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <pagoda/sys.h>

static int to_errno(int64_t err)
{
	switch (-err) {
	case ERR_INVAL: return EINVAL;
	case ERR_FAULT: return EFAULT;
	case ERR_PERM:  return EPERM;
	case ERR_NOMEM: return ENOMEM;
	case ERR_SRCH:  return ESRCH;
	case ERR_AGAIN: return EAGAIN;
	case ERR_NOENT: return ENOENT;
	case ERR_NOSYS: return ENOSYS;
	default:        return EIO;
	}
}

int _write(int fd, const void *buf, size_t len);
int _write(int fd, const void *buf, size_t len)
{
	if (fd != 1 && fd != 2) {
		errno = EBADF;
		return -1;
	}
	int64_t r = sys_write(buf, len);
	if (r < 0) {
		errno = to_errno(r);
		return -1;
	}
	return (int)r;
}

int _read(int fd, void *buf, size_t len);
int _read(int fd, void *buf, size_t len)
{
	if (fd != 0) {
		errno = EBADF;
		return -1;
	}
	int64_t r = sys_read(buf, len);
	if (r < 0) {
		errno = to_errno(r);
		return -1;
	}
	return (int)r;
}

void _exit(int status)
{
	sys_exit(status);
}

int _close(int fd);
int _close(int fd)
{
	(void)fd;
	errno = EBADF;
	return -1;
}

int _fstat(int fd, struct stat *st);
int _fstat(int fd, struct stat *st)
{
	if (fd < 0 || fd > 2) {
		errno = EBADF;
		return -1;
	}
	st->st_mode = S_IFCHR;      /* the console is a character device */
	return 0;
}

int _isatty(int fd);
int _isatty(int fd)
{
	return fd >= 0 && fd <= 2;
}

off_t _lseek(int fd, off_t off, int whence);
off_t _lseek(int fd, off_t off, int whence)
{
	(void)fd; (void)off; (void)whence;
	errno = ESPIPE;
	return -1;
}

int _kill(int pid, int sig);
int _kill(int pid, int sig)
{
	(void)sig;
	if (pid == (int)sys_getpid())
		sys_exit(128 + sig);
	errno = ESRCH;
	return -1;
}

int _getpid(void);
int _getpid(void)
{
	return (int)sys_getpid();
}

static struct rlock heap_lock = RLOCK_INIT;

void __malloc_lock(struct _reent *r)
{
	(void)r;
	rlock_acquire(&heap_lock);
}

void __malloc_unlock(struct _reent *r)
{
	(void)r;
	rlock_release(&heap_lock);
}

/* newlib built for x86_64-elf calls the plain names (write, sbrk, ...);
 * the underscored ones are the conventional "OS stub" names. Both work. */
__asm__(".globl write\n .set write, _write\n"
	".globl read\n .set read, _read\n"
	".globl close\n .set close, _close\n"
	".globl fstat\n .set fstat, _fstat\n"
	".globl isatty\n .set isatty, _isatty\n"
	".globl lseek\n .set lseek, _lseek\n"
	".globl kill\n .set kill, _kill\n"
	".globl getpid\n .set getpid, _getpid\n");

/* Constructors: the linker's default script brackets .preinit_array and
 * .init_array with these symbols (this newlib has no __libc_init_array). */
typedef void (*init_fn)(void);
extern init_fn __preinit_array_start[], __preinit_array_end[];
extern init_fn __init_array_start[], __init_array_end[];

static void run_constructors(void)
{
	for (init_fn *f = __preinit_array_start; f < __preinit_array_end; f++)
		(*f)();
	for (init_fn *f = __init_array_start; f < __init_array_end; f++)
		(*f)();
}

int main(int argc, char **argv);
void libsys_start(int argc, char **argv);

void libsys_start(int argc, char **argv)
{
	run_constructors();
	exit(main(argc, argv));
}
