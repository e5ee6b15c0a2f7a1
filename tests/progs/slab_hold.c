/*
 * slab_hold N - holds N objects of one of the memory server's slab
 * caches while `memstat -k slab` looks: maps N one-page anonymous
 * regions (MM_MMAP: each is one object of mm's "mm_region" cache), runs
 * memstat -k slab as its child and waits for it, then unmaps them all.
 * Prints "slab_hold: holding N regions" before the child runs and exits
 * 0, or 1 if a request failed. For tests/qemu/memstat_tests.sh, which
 * compares that memstat's count with one taken before.
 */
#include <stdio.h>
#include <stdlib.h>
#include <pagoda/sys.h>

#define PAGE 4096UL
#define MAX_REGIONS 256

int main(int argc, char **argv)
{
	static void *region[MAX_REGIONS];
	int n = argc > 1 ? atoi(argv[1]) : 0, status = -1;
	if (n < 1 || n > MAX_REGIONS) {
		printf("usage: slab_hold N   (1 <= N <= %d)\n", MAX_REGIONS);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		region[i] = mm_mmap(PAGE, MM_PROT_READ, MM_MAP_ANON, 0);
		if (!region[i]) {
			printf("slab_hold: MM_MMAP %d failed\n", i);
			return 1;
		}
	}
	printf("slab_hold: holding %d regions\n", n);
	int pid = mm_spawn("memstat -k slab", 0);
	if (pid < 0 || mm_wait(pid, &status) < 0 || status != 0) {
		printf("slab_hold: memstat -k slab failed (%d, status %d)\n", pid, status);
		return 1;
	}
	for (int i = 0; i < n; i++)
		if (mm_munmap(region[i], PAGE) < 0) {
			printf("slab_hold: MM_MUNMAP %d failed\n", i);
			return 1;
		}
	return 0;
}
