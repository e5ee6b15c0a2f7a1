/*
 * sbrk.c - newlib's heap hook, served by the memory server (MM_SBRK): the
 * heap region grows page-lazily; pages arrive zeroed on first touch.
 * The memory server itself links its own _sbrk instead (it cannot call
 * itself), so this lives in its own archive member.
 */
#include <errno.h>
#include <stdint.h>
#include <pagoda/sys.h>

void *_sbrk(ptrdiff_t incr);
void *_sbrk(ptrdiff_t incr)
{
	void *old = mm_sbrk(incr);
	if (old == (void *)-1)
		errno = ENOMEM;
	return old;
}

__asm__(".globl sbrk\n .set sbrk, _sbrk\n");
