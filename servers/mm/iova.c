/*
 * iova.c - an allocator of I/O virtual addresses, one per IOMMU domain
 * (docs/iommu.md).
 *
 * With the IOMMU on, a device never sees a physical address: mm chooses
 * where in the device's own I/O address space a run of frames appears.
 * This file only chooses the numbers; iommu_domain.c maps them.
 *
 * Algorithm: first fit over a sorted array of allocations. To place n
 * pages below a mask, walk the gaps in address order - [IOVA_BASE, first
 * start), between neighbours, [last end, limit) - and take the first one
 * that holds n pages, where limit = min(top, mask + 1). Freeing removes
 * the exact entry. A domain holds a device's grants and live streaming
 * mappings, a handful at a time, so a linear walk of at most
 * IOVA_RANGES_MAX entries is cheaper to read than a tree and fast enough.
 * Lowest-first keeps every address as far below any mask as it can be.
 *
 * Invariants (iova_check):
 *   I1 every allocation is page aligned, at least one page, at or above
 *      IOVA_BASE (page 0 is never handed out: a device told address 0 by
 *      a driver bug faults instead of reaching a grant) and below top;
 *   I2 allocations are sorted by start and do not overlap;
 *   I3 n <= IOVA_RANGES_MAX.
 *
 * Differs from Linux's iova.c (an rbtree, top-down from the mask, with
 * per-CPU caches of freed ranges): bottom-up first fit, no caches, no
 * alignment beyond a page. Not supported: more than IOVA_RANGES_MAX
 * live allocations a domain, freeing part of an allocation.
 */
#include <string.h>
#include <pagoda/error.h>
#include "mm.h"
#include "iova.h"
#include "lab.h"                    /* LAB_MISSING: what the lab's stubs call */

void iova_init(struct iova_space *s, uint64_t top)
{
	memset(s, 0, sizeof *s);
	s->top = top & PAGE_MASK;
}

/* LAB dma: limit_of - the first address past what a mask allows (a helper of iova_alloc) */
/* The first address past the space a mask allows. */
static uint64_t limit_of(const struct iova_space *s, uint64_t mask)
{
	return mask >= s->top - 1 ? s->top : (mask + 1) & PAGE_MASK;
}
/* LAB dma END */

static uint64_t end_of(const struct iova_range *r)
{
	return r->start + (r->npages << PAGE_SHIFT);
}

/* Place a new entry at index i. */
static void insert_at(struct iova_space *s, unsigned i, uint64_t start, uint64_t npages)
{
	memmove(&s->r[i + 1], &s->r[i], (s->n - i) * sizeof s->r[0]);
	s->r[i] = (struct iova_range){ start, npages };
	s->n++;
}

uint64_t iova_alloc(struct iova_space *s, uint64_t npages, uint64_t mask)
{
	/* LAB dma: iova_alloc - first fit: the lowest gap from IOVA_BASE that holds npages below the mask */
	uint64_t limit = limit_of(s, mask);
	if (npages == 0 || s->n == IOVA_RANGES_MAX || npages > (limit >> PAGE_SHIFT))
		return IOVA_NONE;
	uint64_t len = npages << PAGE_SHIFT, from = IOVA_BASE;
	for (unsigned i = 0; i <= s->n; i++) {
		uint64_t gap_end = i < s->n ? s->r[i].start : limit;
		if (gap_end > limit)
			gap_end = limit;
		if (from <= gap_end && gap_end - from >= len) {
			insert_at(s, i, from, npages);
			return from;
		}
		if (i < s->n)
			from = end_of(&s->r[i]);
		if (from >= limit)
			return IOVA_NONE;
	}
	return IOVA_NONE;
	/* LAB dma STUB: LAB_MISSING("dma", "iova_alloc"); */
	/* LAB dma STUB: (void)s; (void)npages; (void)mask; */
	/* LAB dma STUB: return IOVA_NONE; */
	/* LAB dma END */
}

int iova_reserve(struct iova_space *s, uint64_t start, uint64_t npages)
{
	if ((start & ~PAGE_MASK) || npages == 0 || start < IOVA_BASE || start >= s->top ||
	    npages > ((s->top - start) >> PAGE_SHIFT))
		return -ERR_INVAL;
	uint64_t end = start + (npages << PAGE_SHIFT);
	unsigned i = 0;
	while (i < s->n && end_of(&s->r[i]) <= start)
		i++;
	if (s->n == IOVA_RANGES_MAX || (i < s->n && s->r[i].start < end))
		return -ERR_BUSY;
	insert_at(s, i, start, npages);
	return 0;
}

int iova_free(struct iova_space *s, uint64_t start, uint64_t npages)
{
	for (unsigned i = 0; i < s->n; i++)
		if (s->r[i].start == start && s->r[i].npages == npages) {
			memmove(&s->r[i], &s->r[i + 1], (s->n - i - 1) * sizeof s->r[0]);
			s->n--;
			return 0;
		}
	return -ERR_NOENT;
}

bool iova_allocated(const struct iova_space *s, uint64_t start, uint64_t npages)
{
	for (unsigned i = 0; i < s->n; i++)
		if (start >= s->r[i].start && npages <= s->r[i].npages &&
		    start + (npages << PAGE_SHIFT) <= end_of(&s->r[i]))
			return true;
	return false;
}

unsigned iova_check(const struct iova_space *s)
{
	if (s->n > IOVA_RANGES_MAX) {
		mm_bug("iova_check: %u allocations, at most %d", s->n, IOVA_RANGES_MAX);
		return 1;
	}
	unsigned bad = 0;
	for (unsigned i = 0; i < s->n; i++) {
		const struct iova_range *r = &s->r[i];
		if ((r->start & ~PAGE_MASK) || r->npages == 0 || r->start < IOVA_BASE ||
		    end_of(r) > s->top || end_of(r) <= r->start) {
			mm_bug("iova_check: allocation [%#lx, +%lu pages) is outside [%#llx, %#lx)",
			       (unsigned long)r->start, (unsigned long)r->npages, IOVA_BASE,
			       (unsigned long)s->top);
			bad++;
		}
		if (i > 0 && s->r[i - 1].start + (s->r[i - 1].npages << PAGE_SHIFT) > r->start) {
			mm_bug("iova_check: allocations at %#lx and %#lx overlap or are out of order",
			       (unsigned long)s->r[i - 1].start, (unsigned long)r->start);
			bad++;
		}
	}
	return bad;
}
