/*
 * mmap_stack - an MM_MAP_STACK mapping has a guard page below it. Maps
 * 4 pages with MM_MAP_STACK, writes every byte of them and reads them
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
