/*
 * touch N [STRIDE] [r|w] - a paging workload: maps N fresh anonymous pages
 * (MM_MMAP, read-write), touches every STRIDE-th page (default 1) once, by
 * a read or a write (default w), and prints how many page faults that took:
 * the difference of its own minor-fault counter (MM_PROCINFO_SELF) before
 * and after. On a demand-paging system each page touched costs exactly one
 * fault. Exits 0, or 1 on bad arguments or a failed request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <pagoda/sys.h>
#include <pagoda/about.h>

PAGODA_ABOUT("paging workload: touch N [STRIDE] [r|w], prints its faults");

#define PAGE 4096UL

static int own_faults(uint64_t *out)
{
	struct mm_procinfo pi;
	int r = mm_procinfo((int)MM_PROCINFO_SELF, &pi);
	if (r < 0)
		return r;
	*out = pi.faults;
	return 0;
}

static int usage(void)
{
	printf("usage: touch N [STRIDE] [r|w]   (N pages, 1 <= STRIDE)\n");
	return 1;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 4)
		return usage();
	char *end;
	unsigned long n = strtoul(argv[1], &end, 0);
	unsigned long stride = argc > 2 ? strtoul(argv[2], NULL, 0) : 1;
	int write = argc > 3 ? argv[3][0] == 'w' : 1;
	if (*end || n == 0 || n > (1UL << 20) || stride == 0 ||
	    (argc > 3 && argv[3][0] != 'r' && argv[3][0] != 'w'))
		return usage();

	volatile unsigned char *p = mm_mmap(n * PAGE, MM_PROT_READ | MM_PROT_WRITE, MM_MAP_ANON, 0);
	if (!p) {
		printf("touch: cannot map %lu pages\n", n);
		return 1;
	}
	uint64_t before, after;
	if (own_faults(&before) < 0)
		return 1;
	unsigned long touched = 0, sum = 0;
	for (unsigned long i = 0; i < n; i += stride, touched++) {
		if (write)
			p[i * PAGE] = (unsigned char)i;
		else
			sum += p[i * PAGE];
	}
	if (own_faults(&after) < 0)
		return 1;
	printf("touch: %lu pages, stride %lu, %s: touched %lu pages, %llu faults\n", n, stride,
	       write ? "write" : "read", touched, (unsigned long long)(after - before));
	if (sum != 0)
		printf("touch: fresh pages were not zero (sum %lu)\n", sum);
	mm_munmap((void *)p, n * PAGE);
	return sum != 0;
}
