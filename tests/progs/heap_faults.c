/*
 * heap_faults - demand paging of the heap is exact. Grows the heap by
 * N = 64 fresh pages with MM_SBRK (after aligning the break to a page, so
 * no page is shared with older heap data), then:
 *   - writes one byte to each page: its own minor-fault count
 *     (MM_PROCINFO_SELF) must grow by exactly N, and every other byte of
 *     each page must be zero (pages arrive zero-filled);
 *   - touches every page again (read and write): no fault at all.
 * Nothing that could fault (printf, malloc) runs between the readings.
 * Prints "heap_faults: PASS" and exits 0, or what went wrong and exits 1.
 */
#include <stdio.h>
#include <stdint.h>
#include <pagoda/sys.h>

#define N    64
#define PAGE 4096UL

static int failures;

static uint64_t own_faults(void)
{
	struct mm_procinfo pi;
	int r = mm_procinfo((int)MM_PROCINFO_SELF, &pi);
	if (r < 0) {
		printf("heap_faults: MM_PROCINFO_SELF failed: %s\n", pagoda_strerror(r));
		failures++;
		return 0;
	}
	return pi.faults;
}

/* Offset of the byte written in page i (varies, never 0). */
static size_t mark(unsigned i)
{
	return 8 + (i * 64) % (PAGE - 8);
}

int main(void)
{
	printf("heap_faults: growing the heap by %d pages\n", N);
	uintptr_t brk = (uintptr_t)mm_sbrk(0);
	uintptr_t pad = ((brk + PAGE - 1) & ~(PAGE - 1)) - brk;
	if (brk == (uintptr_t)-1 || (pad && mm_sbrk((intptr_t)pad) == (void *)-1)) {
		printf("heap_faults: FAIL: cannot align the break\n");
		return 1;
	}
	volatile unsigned char *heap = mm_sbrk(N * PAGE);
	if (heap == (void *)-1 || (uintptr_t)heap != brk + pad) {
		printf("heap_faults: FAIL: MM_SBRK(%lu) gave %p, expected %p\n", N * PAGE,
		       (void *)heap, (void *)(brk + pad));
		return 1;
	}

	uint64_t f0 = own_faults();
	for (unsigned i = 0; i < N; i++)
		heap[i * PAGE + mark(i)] = (unsigned char)(i + 1);
	uint64_t f1 = own_faults();
	unsigned nonzero = 0;
	for (unsigned i = 0; i < N; i++)
		for (size_t off = 0; off < PAGE; off++)
			if (off != mark(i) && heap[i * PAGE + off] != 0)
				nonzero++;
	unsigned wrong = 0;
	for (unsigned i = 0; i < N; i++) {
		if (heap[i * PAGE + mark(i)] != (unsigned char)(i + 1))
			wrong++;
		heap[i * PAGE] = (unsigned char)i;
	}
	uint64_t f2 = own_faults();

	printf("heap_faults: first touch took %llu faults, second touch %llu\n",
	       (unsigned long long)(f1 - f0), (unsigned long long)(f2 - f1));
	if (f1 - f0 != N) {
		printf("heap_faults: FAIL: first touch of %d pages took %llu faults\n", N,
		       (unsigned long long)(f1 - f0));
		failures++;
	}
	if (f2 != f1) {
		printf("heap_faults: FAIL: touching mapped pages took %llu faults\n",
		       (unsigned long long)(f2 - f1));
		failures++;
	}
	if (nonzero) {
		printf("heap_faults: FAIL: %u bytes of fresh heap pages were not zero\n", nonzero);
		failures++;
	}
	if (wrong) {
		printf("heap_faults: FAIL: %u pages lost the byte written to them\n", wrong);
		failures++;
	}
	if (failures)
		return 1;
	printf("heap_faults: PASS\n");
	return 0;
}
