/*
 * mmap_churn - map/unmap churn must not pile up page tables. 5000 times:
 * map 2 MiB anonymous, touch three of its pages, unmap it. Each mapping
 * needs a page table of its own (2 MiB is one table's span), so if the
 * memory server never reused an address range, or never freed a table
 * that became empty, the process would end with thousands of page-table
 * frames for a handful of resident pages (and at -m 16M run out of
 * memory). Reads its page-table count (MM_PROCINFO w2) before the first
 * mapping, at the most after any cycle, and after the last munmap:
 *
 *   mmap_churn: 5000 cycles: page tables before B, at most P, after A
 *
 * PASS needs P <= B + MAX_EXTRA; with the argument "prune", also A == B
 * (the tables the mappings needed were freed, not just reused).
 */
#include <stdio.h>
#include <string.h>
#include <pagoda/sys.h>

#define CYCLES    5000
#define LEN       (2UL << 20)
#define PAGE      4096UL
#define MAX_EXTRA 4     /* a PD and a PT for the mmap area, with room to spare */

static uint64_t pagetables(void)
{
	struct mm_procinfo info;
	return mm_procinfo((int)MM_PROCINFO_SELF, &info) < 0 ? (uint64_t)-1 : info.pagetables;
}

/* One cycle; 0, or -1 if a step failed (said why). */
static int cycle(int i)
{
	volatile char *p = mm_mmap(LEN, MM_PROT_READ | MM_PROT_WRITE, MM_MAP_ANON, 0);
	if (!p) {
		printf("mmap_churn: FAIL: mmap %d failed\n", i);
		return -1;
	}
	p[0] = 1;
	p[LEN / 2] = 2;
	p[LEN - PAGE] = 3;
	if (p[0] + p[LEN / 2] + p[LEN - PAGE] != 6 || mm_munmap((void *)p, LEN) < 0) {
		printf("mmap_churn: FAIL: cycle %d: data or munmap\n", i);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int prune = argc > 1 && !strcmp(argv[1], "prune");
	uint64_t before = pagetables(), most = before;
	for (int i = 0; i < CYCLES; i++) {
		if (cycle(i) < 0)
			return 1;
		uint64_t now = pagetables();
		if (now > most)
			most = now;
	}
	uint64_t after = pagetables();
	printf("mmap_churn: %d cycles: page tables before %lu, at most %lu, after %lu\n", CYCLES,
	       (unsigned long)before, (unsigned long)most, (unsigned long)after);
	if (most > before + MAX_EXTRA || (prune && after != before)) {
		printf("mmap_churn: FAIL\n");
		return 1;
	}
	printf("mmap_churn: PASS\n");
	return 0;
}
