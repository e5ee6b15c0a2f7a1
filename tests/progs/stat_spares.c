/*
 * stat_spares - MM_STAT's free count must not move when a process maps a
 * page and gives it back. The memory server keeps up to MM_MAP_SPARES
 * frames in hand for page tables SYS_MM_MAP may need; if MM_STAT counted
 * them neither as free nor as anyone's, the free count would change with
 * how many spares happen to be in hand, and init's leak check would blame
 * a program for frames it never kept.
 *
 * First a fault that needs no new page table (a .bss page next to the
 * code: its table exists), which leaves the spares full. Then the free
 * count, then a page mapped in a fresh part of the address space (two new
 * tables, taken from the spares), touched and unmapped (page and tables
 * freed), then the free count again. Prints
 *   stat_spares: free pages before B, after A
 * and PASS if A == B.
 */
#include <stdio.h>
#include <pagoda/sys.h>

#define PAGE 4096UL

static volatile char bss[2 * PAGE] __attribute__((aligned(4096)));

int main(void)
{
	printf("stat_spares: start\n");     /* stdio's buffers, before counting */
	bss[PAGE] = 1;
	uint64_t before = mm_free_pages();
	volatile char *p = mm_mmap(PAGE, MM_PROT_READ | MM_PROT_WRITE, MM_MAP_ANON, 0);
	if (!p) {
		printf("stat_spares: FAIL: mmap\n");
		return 1;
	}
	p[0] = 1;
	if (mm_munmap((void *)p, PAGE) < 0) {
		printf("stat_spares: FAIL: munmap\n");
		return 1;
	}
	uint64_t after = mm_free_pages();
	printf("stat_spares: free pages before %lu, after %lu\n", (unsigned long)before,
	       (unsigned long)after);
	printf(after == before ? "stat_spares: PASS\n" : "stat_spares: FAIL\n");
	return after == before ? 0 : 1;
}
