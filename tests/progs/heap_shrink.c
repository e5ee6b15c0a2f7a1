/*
 * heap_shrink - shrinking the heap frees the page tables it emptied. Grows
 * the heap by 8 MiB, touches a page in each 2 MiB (each needs a page
 * table of its own), then gives the 8 MiB back with a negative sbrk. The
 * page-table count (MM_PROCINFO w2) must rise while the heap is big and
 * come back to where it was:
 *   heap_shrink: page tables before B, grown G, shrunk S
 * PASS if G > B and S == B.
 */
#include <stdio.h>
#include <unistd.h>
#include <pagoda/sys.h>

#define GROW (8L << 20)
#define SPAN (2L << 20)

static uint64_t pagetables(void)
{
	struct mm_procinfo info;
	return mm_procinfo((int)MM_PROCINFO_SELF, &info) < 0 ? (uint64_t)-1 : info.pagetables;
}

int main(void)
{
	printf("heap_shrink: start\n");     /* stdio's own heap use first */
	uint64_t before = pagetables();
	volatile char *p = sbrk(GROW);
	if (p == (void *)-1) {
		printf("heap_shrink: FAIL: sbrk\n");
		return 1;
	}
	for (long off = 0; off < GROW; off += SPAN)
		p[off] = 1;
	uint64_t grown = pagetables();
	sbrk(-GROW);
	uint64_t shrunk = pagetables();
	printf("heap_shrink: page tables before %lu, grown %lu, shrunk %lu\n", (unsigned long)before,
	       (unsigned long)grown, (unsigned long)shrunk);
	int ok = grown > before && shrunk == before;
	printf(ok ? "heap_shrink: PASS\n" : "heap_shrink: FAIL\n");
	return ok ? 0 : 1;
}
