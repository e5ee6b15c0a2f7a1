/*
 * stack_overflow [far] - the stack's limit holds.
 *
 * Without an argument it recurses without bound, each frame a 4 KiB array
 * written from its top down in 512-byte steps (so no access can skip over
 * the guard page below the stack). The memory server must kill it when it
 * reaches the guard page ("stack overflow into the guard page").
 * With "far" it writes one byte 64 KiB below the lowest address the stack
 * may ever reach (MM_STACK_MAX under its top, and the guard page): that is
 * outside every region and must be killed as an unmapped address.
 * It never prints PASS; if it survives, it says so and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <pagoda/sys.h>

#define FRAME 4096

static volatile long limit;     /* set at run time: the compiler cannot see the end */

static __attribute__((noinline)) long dive(long depth)
{
	volatile unsigned char buf[FRAME];
	for (int i = FRAME - 1; i >= 0; i -= 512)
		buf[i] = (unsigned char)depth;
	buf[0] = (unsigned char)depth;
	if (depth >= limit)
		return buf[0];
	return dive(depth + 1) + buf[FRAME - 1];
}

/* The stack is at most MM_STACK_MAX under its top, which lies within a few
 * pages of here; 64 KiB further down is safely past the guard page. */
static void far_below(void)
{
	int here;
	uintptr_t top = ((uintptr_t)&here + 0xffff) & ~(uintptr_t)0xffff;
	volatile unsigned char *p = (volatile unsigned char *)(top - MM_STACK_MAX - 0x10000);
	printf("stack_overflow: writing at %p, below the stack limit\n", (void *)p);
	fflush(stdout);
	*p = 1;
	printf("stack_overflow: FAIL: survived a write below the stack limit\n");
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "far") == 0) {
		far_below();
		return 1;
	}
	limit = 1L << 40;
	printf("stack_overflow: recursing\n");
	fflush(stdout);
	long r = dive(0);
	printf("stack_overflow: FAIL: the recursion returned (%ld) instead of being killed\n", r);
	return 1;
}
