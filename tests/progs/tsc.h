/*
 * tsc.h - what the guest benchmarks (bench.c, iommu_probe's bench mode)
 * measure with: the time-stamp counter, which under QEMU's -icount
 * shift=0 advances by exactly one per guest instruction, and an order on
 * samples for qsort (medians).
 */
#ifndef TSC_H
#define TSC_H

#include <stdint.h>

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

#endif
