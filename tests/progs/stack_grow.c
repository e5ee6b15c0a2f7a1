/*
 * stack_grow - the stack grows on demand. Recurses 256 frames deep, each
 * frame a 4 KiB array written from top to bottom (about 1 MiB of stack in
 * all), checks every frame's data on the way back, and checks that its own
 * minor-fault count grew by at least 200 (one per new stack page, less the
 * few pages already there). Prints "stack_grow: PASS" and exits 0.
 */
#include <stdio.h>
#include <stdint.h>
#include <pagoda/sys.h>

#define DEPTH 256
#define FRAME 4096

static uint64_t own_faults(void)
{
	struct mm_procinfo pi;
	return mm_procinfo((int)MM_PROCINFO_SELF, &pi) < 0 ? 0 : pi.faults;
}

/* Returns the number of frames whose array kept its contents. */
static __attribute__((noinline)) int dive(int depth)
{
	volatile unsigned char buf[FRAME];
	for (int i = FRAME - 1; i >= 0; i -= 256)
		buf[i] = (unsigned char)(depth + i);
	buf[0] = (unsigned char)depth;
	int good = depth > 1 ? dive(depth - 1) : 0;
	int ok = buf[0] == (unsigned char)depth;
	for (int i = FRAME - 1; i >= 256; i -= 256)
		ok &= buf[i] == (unsigned char)(depth + i);
	return good + ok;
}

int main(void)
{
	printf("stack_grow: recursing %d frames of %d bytes\n", DEPTH, FRAME);
	uint64_t before = own_faults();
	int good = dive(DEPTH);
	uint64_t after = own_faults();
	printf("stack_grow: %d of %d frames intact, %llu faults\n", good, DEPTH,
	       (unsigned long long)(after - before));
	if (good != DEPTH || after - before < 200 || after == 0) {
		printf("stack_grow: FAIL\n");
		return 1;
	}
	printf("stack_grow: PASS\n");
	return 0;
}
