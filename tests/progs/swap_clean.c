/*
 * swap_clean PAGES - pages read back from swap and not written again are
 * given up without a write. Maps PAGES anonymous pages (more than the
 * usermem cap), writes each once, reads them all once (every page is now
 * either back from swap, clean, or was written out on the way), then
 * reads them all twice more and compares the swap counters (MM_VMSTAT)
 * across those two passes: pages keep being swapped in and evicted, but
 * almost none is written (a few of the program's own stack or data pages
 * may be). Prints
 *   swap_clean: PAGES pages, two more read passes: W writes, C clean evictions, I swap-ins
 *   swap_clean: PASS   (W < PAGES / 8, C >= PAGES, every byte right)
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <pagoda/sys.h>

#define PAGE 4096UL

static uint64_t pass(const volatile uint64_t *mem, uint64_t pages)
{
	uint64_t wrong = 0, per = PAGE / sizeof *mem;
	for (uint64_t p = 0; p < pages; p++)
		for (uint64_t i = 0; i < per; i += 64)
			wrong += mem[p * per + i] != (p << 20 | i);
	return wrong;
}

int main(int argc, char **argv)
{
	uint64_t pages = argc > 1 ? strtoull(argv[1], NULL, 0) : 1024;
	volatile uint64_t *mem = mm_mmap(pages * PAGE, MM_PROT_READ | MM_PROT_WRITE, MM_MAP_ANON, 0);
	struct mm_vmstat_info a, b;
	if (!mem) {
		printf("swap_clean: FAIL: cannot map\n");
		return 1;
	}
	uint64_t per = PAGE / sizeof *mem;
	for (uint64_t p = 0; p < pages; p++)
		for (uint64_t i = 0; i < per; i += 64)
			mem[p * per + i] = p << 20 | i;
	uint64_t wrong = pass(mem, pages);
	if (mm_vmstat_get(0, &a) < 0)
		return 1;
	wrong += pass(mem, pages) + pass(mem, pages);
	if (mm_vmstat_get(0, &b) < 0)
		return 1;
	uint64_t w = b.swapouts - a.swapouts, c = b.evict_clean - a.evict_clean;
	printf("swap_clean: %llu pages, two more read passes: %llu writes, %llu clean evictions, "
	       "%llu swap-ins\n", (unsigned long long)pages, (unsigned long long)w,
	       (unsigned long long)c, (unsigned long long)(b.swapins - a.swapins));
	if (wrong || w >= pages / 8 || c < pages) {
		printf("swap_clean: FAIL: %llu words wrong\n", (unsigned long long)wrong);
		return 1;
	}
	printf("swap_clean: PASS\n");
	return 0;
}
