/*
 * buddy.h - the binary buddy allocator: blocks of 2^order frames, order
 * 0..MM_MAX_ORDER, per zone. See buddy.c for the algorithm.
 */
#ifndef MM_BUDDY_H
#define MM_BUDDY_H

#include <pagoda/types.h>
#include "mm_flags.h"
#include "zone.h"

/*
 * Allocate a block of 2^order frames, aligned to its size, from the zones
 * `flags` allows (mm_flags.h), falling back NORMAL -> DMA32 -> DMA.
 * Returns the first frame number, or PFN_NONE when no acceptable zone can
 * serve it within its watermarks (or order/flags are out of range). The head
 * descriptor is PAGE_ALLOCATED with use PAGE_USE_ANY and owner 0; callers set
 * use/owner to say what the frames are for.
 */
pfn_t buddy_alloc(unsigned order, mm_flags_t flags);

/*
 * The same, for a block that must end at or below frame `limit` (every
 * frame of it < limit: a DMA mask inside a zone). PFN_NONE (no limit)
 * is buddy_alloc. Zones starting at or above the limit are skipped; in
 * the others the free lists are searched for a block low enough.
 */
pfn_t buddy_alloc_below(unsigned order, mm_flags_t flags, pfn_t limit);

/*
 * Give back a block. pfn and order must be exactly what buddy_alloc returned
 * and was asked for. Freeing a frame that is not the head of an allocated
 * block (a double free, a tail frame, a reserved frame, a frame beyond the
 * map) or with the wrong order is a bug: it is reported through mm_bug()
 * naming the frame, nothing changes, and -ERR_BUG is returned. ERR_OK else.
 */
int buddy_free(pfn_t pfn, unsigned order);

/*
 * Turn the allocated block of 2^order frames at pfn (as buddy_alloc
 * returned it) into 2^order allocated order-0 blocks, each then freed on
 * its own with buddy_free(pfn + i, 0) - Linux's split_page(). One call
 * where 2^order buddy_alloc(0) would do: for a big allocation made at
 * once (the swap device's storage). Each frame gets the head's use and
 * owner. -ERR_BUG (reported, nothing changed) if pfn is not the head of
 * an allocated block of that order.
 */
int buddy_split(pfn_t pfn, unsigned order);

/* zone_init() only: latch the debug switches (mm_debug), then give the
 * frames [first, end) to the allocator. */
void buddy_init(void);
void buddy_add_free_range(pfn_t first, pfn_t end);

/* Walk every zone and free list and verify every invariant listed in
 * buddy.c. Each violation is reported through mm_bug(); returns how many. */
unsigned buddy_check(void);

/* A /proc/buddyinfo-style table: free blocks per order per zone. */
void buddy_dump(void);

#endif
