/*
 * env.c - what the allocators expect from their environment (mm_env.h),
 * for the real memory server: the window onto physical memory the kernel
 * mapped for us, bug reports on the console (a bug stops the machine),
 * and the heap newlib uses for the server's own stdio buffers (a fixed
 * area: the server cannot ask itself for memory).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <pagoda/sys.h>
#include "mm_env.h"

#define MM_OWN_HEAP (256u << 10)
#define MM_BUG_POWEROFF 2       /* any non-zero code: a failed run */

uint8_t *mm_phys_window;
paddr_t mm_phys_limit;
unsigned mm_debug;
unsigned long mm_bugs;

/* A broken invariant stops the machine (the rule is in mm_env.h). The
 * kernel logs the power-off request and QEMU exits with a failure. */
void mm_bug(const char *fmt, ...)
{
	va_list ap;
	mm_bugs++;
	printf("mm: BUG: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\nmm: stopping the machine: the memory server's books are wrong\n");
	fflush(stdout);
	sys_poweroff(MM_BUG_POWEROFF);
	for (;;)                        /* not reached: mm may always power off */
		sys_exit(MM_BUG_POWEROFF);
}

void mm_print(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void *_sbrk(ptrdiff_t incr);
void *_sbrk(ptrdiff_t incr)
{
	static uint8_t heap[MM_OWN_HEAP] __attribute__((aligned(16)));
	static size_t brk;
	if (incr < 0 ? (size_t)-incr > brk : (size_t)incr > MM_OWN_HEAP - brk) {
		errno = ENOMEM;
		return (void *)-1;
	}
	void *old = heap + brk;
	brk += incr;
	return old;
}

__asm__(".globl sbrk\n .set sbrk, _sbrk\n");
