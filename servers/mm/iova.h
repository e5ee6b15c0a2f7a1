/*
 * iova.h - the I/O virtual addresses of one IOMMU domain (iova.c).
 */
#ifndef MM_IOVA_H
#define MM_IOVA_H

#include <stdbool.h>
#include <stdint.h>

#define IOVA_RANGES_MAX 64          /* live allocations one domain holds */
#define IOVA_NONE       (~0ULL)     /* "no address" (0 is never handed out either) */
#define IOVA_BASE       0x1000ULL   /* the first IOVA handed out: page 0 stays unmapped */

struct iova_range {
	uint64_t start;             /* byte address, page aligned */
	uint64_t npages;
};

/* The allocations of one domain, sorted by start, never overlapping. */
struct iova_space {
	uint64_t top;               /* IOVAs lie below top (the IOMMU's width) */
	unsigned n;
	struct iova_range r[IOVA_RANGES_MAX];
};

void iova_init(struct iova_space *s, uint64_t top);
/* The lowest free run of npages (>= 1) whose last byte is at or below
 * mask, and below the space's top; IOVA_NONE if there is none (or the
 * space holds IOVA_RANGES_MAX allocations). */
uint64_t iova_alloc(struct iova_space *s, uint64_t npages, uint64_t mask);
/* Take exactly [start, start + npages pages), page aligned, at or above
 * IOVA_BASE and below top: 0, or -ERR_INVAL (outside), -ERR_BUSY (it
 * meets an allocation, or the space is full); nothing changes then. */
int iova_reserve(struct iova_space *s, uint64_t start, uint64_t npages);
/* Give back exactly an allocation: 0, or -ERR_NOENT (nothing starts
 * there, or it has another length) and nothing changes. */
int iova_free(struct iova_space *s, uint64_t start, uint64_t npages);
/* Is [start, start + npages pages) inside one allocation? */
bool iova_allocated(const struct iova_space *s, uint64_t start, uint64_t npages);
/* I1-I3 (iova.c); the violations, each reported with mm_bug. */
unsigned iova_check(const struct iova_space *s);

#endif
