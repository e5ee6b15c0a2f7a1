/*
 * stack_overflow - recurses without bound, each frame a 4 KiB array written
 * from its top down in 512-byte steps (so no access can skip over the
 * guard page below the stack). The memory server must kill it when it
 * reaches the guard page ("stack overflow into the guard page"); it never
 * prints PASS. If the recursion ever returns, it says so and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
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

int main(int argc, char **argv)
{
	limit = argc > 1 ? atol(argv[1]) : 1L << 40;
	printf("stack_overflow: recursing\n");
	fflush(stdout);
	long r = dive(0);
	printf("stack_overflow: FAIL: the recursion returned (%ld) instead of being killed\n", r);
	return 1;
}
