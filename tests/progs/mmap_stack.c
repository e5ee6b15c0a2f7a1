/*
 * mmap_stack - an MM_MAP_STACK mapping has a guard page below it. Maps
 * 4 pages with MM_MAP_STACK (after checking that MM_MAP_STACK together
 * with MM_MAP_SHARED is refused: a stack is never shared), writes every byte of them and reads them
 * back (a stack grows down: top page first), then writes one byte below
 * the lowest page: the memory server must kill with "stack overflow into
 * the guard page", as for the main stack. Prints "mmap_stack: 4 pages
 * work" before the overflow; "mmap_stack: survived" means the guard failed.
 */
#include <stdio.h>
#include <pagoda/sys.h>

#define PAGES 4
#define PAGE  4096UL

int main(void)
{
	struct ipc_msg both = { .tag = MM_MMAP,
		.w = { PAGE, MM_PROT_READ | MM_PROT_WRITE, MM_MAP_STACK | MM_MAP_SHARED, 1 } };
	if (ipc_call(MM_PID, &both) < 0 || both.tag != -ERR_INVAL) {
		printf("mmap_stack: FAIL: a shared stack was not refused with ERR_INVAL\n");
		return 1;
	}
	volatile unsigned char *p = mm_mmap(PAGES * PAGE, MM_PROT_READ | MM_PROT_WRITE, MM_MAP_STACK, 0);
	if (!p) {
		printf("mmap_stack: FAIL: MM_MAP_STACK refused\n");
		return 1;
	}
	for (long i = PAGES * PAGE - 1; i >= 0; i--)
		p[i] = (unsigned char)i;
	for (long i = 0; i < (long)(PAGES * PAGE); i++)
		if (p[i] != (unsigned char)i) {
			printf("mmap_stack: FAIL: byte %ld\n", i);
			return 1;
		}
	printf("mmap_stack: %d pages work, overflowing to %p\n", PAGES, (void *)(p - 1));
	p[-1] = 1;
	printf("mmap_stack: survived\n");
	return 1;
}
