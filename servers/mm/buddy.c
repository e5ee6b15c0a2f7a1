/*
 * buddy.c - the binary buddy allocator (Knuth, The Art of Computer
 * Programming vol. 1, 2.5 "Dynamic Storage Allocation", Algorithms R and S;
 * Knowlton 1965).
 *
 * Memory is handed out in blocks of 2^order frames, order 0..MM_MAX_ORDER
 * (4 KiB..4 MiB). A block of order k starts at a frame number that is a
 * multiple of 2^k. Its buddy is the other half of the order k+1 block it was
 * split from, and is found with one XOR:  buddy = pfn ^ (1 << k).
 *
 * Allocation of order k: take the first block from the smallest non-empty
 * free list of order j >= k. While j > k, split it: keep the lower half and
 * put the upper half (the buddy) on free list j-1. (Algorithm R.)
 *
 * Free of order k: while the buddy is a free block of the same order in the
 * same zone, take it off its list and merge; the merged block starts at the
 * lower of the two frames and has order k+1. Put the result on its list.
 * (Algorithm S.) Merging stops at MM_MAX_ORDER.
 *
 * Invariants (buddy_check() verifies each, in every zone):
 *   B1 frames of the zone are tiled by reserved frames and blocks: a block
 *      head (PAGE_FREE or PAGE_ALLOCATED, order <= MM_MAX_ORDER) followed by
 *      2^order - 1 PAGE_TAIL frames; blocks never overlap nor leave the zone;
 *   B2 every block is aligned to its size;
 *   B3 every free block is on the free list of its order in its zone, once,
 *      and every list entry is such a block (prev/next links agree);
 *   B4 no free block of order < MM_MAX_ORDER has a free buddy of the same
 *      order (it would have been merged);
 *   B5 nr_free per list and the zone's free_pages match what is on the lists,
 *      and a zone never has more free pages than it manages.
 *
 * Differences from the textbook. Knuth keeps the tag bit and size in the
 * free block itself; here they live in the page descriptor (state, order),
 * since a frame's contents belong to whoever allocated it. The free lists
 * are doubly linked through 32-bit frame numbers in the descriptors, so a
 * buddy can be unlinked in O(1). Free lists are LIFO (push and pop at the
 * head), so a freshly freed block is the next one handed out, while still
 * warm in cache. There is one set of lists per zone (as in Linux), and no
 * per-CPU page lists or migrate types: mm is one thread.
 *
 * Debug (MM_DEBUG_PAGES when zone_init() runs): every block is filled with
 * MM_PAGE_POISON when it becomes free and checked when it is allocated, so
 * a write through a stale mapping or pointer to a freed frame is reported
 * with the frame number (the block is still handed out). A block handed
 * out without MM_ZERO is then filled with a different byte,
 * MM_PAGE_ALLOC_POISON, so a reader of memory nobody initialised sees that
 * pattern rather than the previous owner's data (xv6 does both).
 *
 * Watermarks and fallback: a request names its highest acceptable zone
 * (mm_flags.h). Zones are tried from that one downwards; a zone serves the
 * request only if it keeps `min` (halved for MM_HIGH, ignored for
 * MM_EMERGENCY) plus its lowmem reserve for that class zone free (zone.h).
 *
 * Below a limit (buddy_alloc_below, for DMA masks that end inside a zone,
 * such as edu's 28 bits in DMA32): the same, but a block is taken only if
 * it ends at or below the limit; the free lists of each order are
 * searched for one, smallest order first, instead of taking the head. A
 * search costs the length of the lists, so only DMA asks for it. (Linux
 * allocates from the zone and, when the block lies above the mask,
 * frees it and retries from ZONE_DMA: dma_direct_alloc's "again" loop.)
 *
 * Lab 1 (docs/labs/buddy.md) is fenced in this file (docs/teaching.md):
 * the student writes find_block, take_block, put_block, zone_may_serve,
 * buddy_alloc_below's body and free_is_valid; the checker and the rest
 * are given.
 */
#include <string.h>
#include <pagoda/error.h>
#include "buddy.h"
#include "mm_env.h"
#include "lab.h"

static bool poisoning; /* MM_DEBUG_PAGES, latched by buddy_init() */

void buddy_init(void)
{
	poisoning = mm_debug & MM_DEBUG_PAGES;
}

/* ---- the free lists: push at the head and unlink, each O(1) ---------------
 * (inline, because in the buddy lab's handout only the student's code,
 * take_block and put_block, calls them: docs/labs/buddy.md) */

static uint32_t link_of(pfn_t pfn)
{
	return (uint32_t)pfn;
}

static inline void list_push(struct zone *z, pfn_t pfn, unsigned order)
{
	struct free_area *area = &z->free_area[order];
	struct page *pg = pfn_to_page(pfn);

	pg->prev = PAGE_LINK_NONE;
	pg->next = area->head;
	if (area->head != PAGE_LINK_NONE)
		pfn_to_page(area->head)->prev = link_of(pfn);
	area->head = link_of(pfn);
	area->nr_free++;
}

static inline void list_unlink(struct zone *z, pfn_t pfn, unsigned order)
{
	struct free_area *area = &z->free_area[order];
	struct page *pg = pfn_to_page(pfn);

	if (pg->prev != PAGE_LINK_NONE)
		pfn_to_page(pg->prev)->next = pg->next;
	else
		area->head = pg->next;
	if (pg->next != PAGE_LINK_NONE)
		pfn_to_page(pg->next)->prev = pg->prev;
	pg->next = pg->prev = PAGE_LINK_NONE;
	area->nr_free--;
}

static void set_head(pfn_t pfn, enum page_state state, unsigned order)
{
	struct page *pg = pfn_to_page(pfn);

	pg->state = (uint8_t)state;
	pg->order = (uint8_t)order;
}

/* The first free block of order j >= order, smallest j first, whose
 * lowest 2^order frames end at or below frame `limit` (PFN_NONE: no
 * limit, so the head of the first non-empty list). *found = its order. */
/* LAB buddy: static pfn_t find_block(struct zone *z, unsigned order, pfn_t limit, unsigned *found) */
static pfn_t find_block(struct zone *z, unsigned order, pfn_t limit, unsigned *found)
{
	for (unsigned j = order; j <= MM_MAX_ORDER; j++) {
		for (uint32_t cur = z->free_area[j].head; cur != PAGE_LINK_NONE;
		     cur = pfn_to_page(cur)->next) {
			if (limit == PFN_NONE || cur + ((pfn_t)1 << order) <= limit) {
				*found = j;
				return cur;
			}
		}
	}
	return PFN_NONE;
}
/* LAB buddy END */

/* Algorithm R: take a block of exactly `order` from zone z, splitting
 * (the lower half is kept, so the block starts where the free one did). */
static pfn_t take_block(struct zone *z, unsigned order, pfn_t limit)
{
	/* LAB buddy: take_block - unlink a big enough block, split it down to order, count the pages */
	unsigned j;
	pfn_t pfn = find_block(z, order, limit, &j);

	if (pfn == PFN_NONE)
		return PFN_NONE;
	list_unlink(z, pfn, j);
	while (j > order) {
		j--;
		pfn_t upper = pfn + ((pfn_t)1 << j);
		set_head(upper, PAGE_FREE, j);
		list_push(z, upper, j);
	}
	set_head(pfn, PAGE_ALLOCATED, order);
	z->free_pages -= (uint64_t)1 << order;
	return pfn;
	/* LAB buddy STUB: LAB_MISSING("buddy", "take_block"); */
	/* LAB buddy STUB: return PFN_NONE; */
	/* LAB buddy END */
}

/* Algorithm S: put the block [pfn, pfn + 2^order) back, merging buddies. */
static void put_block(struct zone *z, pfn_t pfn, unsigned order)
{
	if (poisoning)
		memset(pfn_to_virt(pfn), MM_PAGE_POISON, PAGE_SIZE << order);

	/* LAB buddy: put_block - count the pages, merge with free buddies up to MM_MAX_ORDER, list the result */
	enum zone_id zid = pfn_zone(pfn);
	z->free_pages += (uint64_t)1 << order;
	while (order < MM_MAX_ORDER) {
		pfn_t buddy = pfn ^ ((pfn_t)1 << order);
		if (!pfn_valid(buddy) || pfn_zone(buddy) != zid)
			break;
		struct page *bp = pfn_to_page(buddy);
		if (bp->state != PAGE_FREE || bp->order != order)
			break;
		list_unlink(z, buddy, order);
		bp->state = PAGE_TAIL;
		pfn_to_page(pfn)->state = PAGE_TAIL;
		pfn &= ~((pfn_t)1 << order);
		order++;
	}
	set_head(pfn, PAGE_FREE, order);
	list_push(z, pfn, order);
	/* LAB buddy STUB: LAB_MISSING("buddy", "put_block"); */
	/* LAB buddy END */
}

static enum zone_id class_zone(mm_flags_t flags)
{
	if (flags & MM_ZONE_DMA)
		return ZONE_DMA;
	if (flags & MM_ZONE_DMA32)
		return ZONE_DMA32;
	return ZONE_NORMAL;
}

/* May zone z hand out a block of this order to a request with these flags
 * whose class zone is `classzone`? It must keep its min watermark (halved
 * for MM_HIGH) plus its lowmem reserve for that class zone free; an
 * MM_EMERGENCY request only needs the block's pages to be free. */
/* LAB buddy: static bool zone_may_serve(const struct zone *z, unsigned order, mm_flags_t flags, enum zone_id classzone) */
static bool zone_may_serve(const struct zone *z, unsigned order, mm_flags_t flags,
                           enum zone_id classzone)
{
	uint64_t min = z->watermark[WMARK_MIN];

	if (flags & MM_EMERGENCY)
		return z->free_pages >= ((uint64_t)1 << order);
	if (flags & MM_HIGH)
		min -= min / 2;
	return zone_watermark_ok(z, order, min, classzone);
}
/* LAB buddy END */

/* Debug: a free block must still hold the poison put_block() wrote. */
static void check_poison(pfn_t pfn, unsigned order)
{
	const uint8_t *bytes = pfn_to_virt(pfn);

	for (size_t i = 0; i < (PAGE_SIZE << order); i++) {
		if (bytes[i] != MM_PAGE_POISON) {
			mm_bug("buddy_alloc: use after free: pfn 0x%lx was written while free "
			       "(byte 0x%zx of the order-%u block at pfn 0x%lx)",
			       (unsigned long)(pfn + i / PAGE_SIZE), (size_t)(i % PAGE_SIZE), order,
			       (unsigned long)pfn);
			return;
		}
	}
}

static void prepare_block(struct zone *z, pfn_t pfn, unsigned order, mm_flags_t flags)
{
	struct page *pg = pfn_to_page(pfn);

	pg->use = PAGE_USE_ANY;
	pg->flags = 0;
	pg->owner = 0;
	pg->index = 0;
	pg->private = 0;
	z->nr_alloc++;
	if (z->free_pages < z->watermark[WMARK_LOW])
		z->nr_below_low++;
	if (poisoning)
		check_poison(pfn, order);
	if (flags & MM_ZERO)
		memset(pfn_to_virt(pfn), 0, PAGE_SIZE << order);
	else if (poisoning)
		memset(pfn_to_virt(pfn), MM_PAGE_ALLOC_POISON, PAGE_SIZE << order);
}

pfn_t buddy_alloc(unsigned order, mm_flags_t flags)
{
	return buddy_alloc_below(order, flags, PFN_NONE);
}

pfn_t buddy_alloc_below(unsigned order, mm_flags_t flags, pfn_t limit)
{
	enum zone_id classzone = class_zone(flags);

	/* LAB buddy: buddy_alloc_below - refuse bad order/flags, then the class zone and every lower one, within watermarks */
	if (order > MM_MAX_ORDER || (flags & ~MM_FLAGS_VALID)) {
		mm_zones[classzone].nr_fail++;
		return PFN_NONE;
	}
	for (int zid = classzone; zid >= 0; zid--) {
		struct zone *z = &mm_zones[zid];
		if ((limit != PFN_NONE && z->start_pfn >= limit) ||
		    !zone_may_serve(z, order, flags, classzone))
			continue;
		pfn_t pfn = take_block(z, order, limit);
		if (pfn != PFN_NONE) {
			prepare_block(z, pfn, order, flags);
			return pfn;
		}
	}
	/* LAB buddy STUB: LAB_MISSING("buddy", "buddy_alloc_below (zones and watermarks)"); */
	/* LAB buddy STUB: pfn_t pfn = take_block(&mm_zones[classzone], order, limit); */
	/* LAB buddy STUB: if (pfn != PFN_NONE) { */
	/* LAB buddy STUB: 	prepare_block(&mm_zones[classzone], pfn, order, flags); */
	/* LAB buddy STUB: 	return pfn; */
	/* LAB buddy STUB: } */
	/* LAB buddy END */
	mm_zones[classzone].nr_fail++;
	return PFN_NONE;
}

int buddy_split(pfn_t pfn, unsigned order)
{
	struct page *head = pfn_valid(pfn) ? pfn_to_page(pfn) : NULL;
	if (!head || head->state != PAGE_ALLOCATED || head->order != order) {
		mm_bug("buddy_split: pfn 0x%lx is not the head of an allocated order-%u block",
		       (unsigned long)pfn, order);
		return -ERR_BUG;
	}
	for (pfn_t i = 1; i < ((pfn_t)1 << order); i++) {
		struct page *pg = pfn_to_page(pfn + i);
		set_head(pfn + i, PAGE_ALLOCATED, 0);
		pg->use = head->use;
		pg->flags = head->flags;
		pg->owner = head->owner;
		pg->index = 0;
		pg->private = 0;
	}
	head->order = 0;
	return 0;
}

/* Decode-then-act: every reason to refuse a free is found before any change. */
static bool free_is_valid(pfn_t pfn, unsigned order)
{
	/* LAB buddy: free_is_valid - refuse, with the mm_bug messages of docs/labs/buddy.md, any free that is not of an allocated head with its order */
	if (!pfn_valid(pfn)) {
		mm_bug("buddy_free: pfn 0x%lx is beyond the last frame 0x%lx",
		       (unsigned long)pfn, (unsigned long)mm_max_pfn);
		return false;
	}
	const struct page *pg = pfn_to_page(pfn);
	switch (pg->state) {
	case PAGE_RESERVED:
		mm_bug("buddy_free: pfn 0x%lx is reserved (%s), never allocated",
		       (unsigned long)pfn, page_use_name(pg->use));
		return false;
	case PAGE_FREE:
		mm_bug("buddy_free: double free of pfn 0x%lx (already free, order %u)",
		       (unsigned long)pfn, pg->order);
		return false;
	case PAGE_TAIL:
		mm_bug("buddy_free: pfn 0x%lx is not the first frame of an allocated block",
		       (unsigned long)pfn);
		return false;
	}
	if (pg->order != order) {
		mm_bug("buddy_free: pfn 0x%lx freed with order %u but allocated with order %u",
		       (unsigned long)pfn, order, pg->order);
		return false;
	}
	return true;
	/* LAB buddy STUB: LAB_MISSING("buddy", "free_is_valid"); */
	/* LAB buddy STUB: return pfn_valid(pfn); */
	/* LAB buddy END */
}

/* No frame of the block is still reachable by a device through the
 * IOMMU: it is given back only after the unmap that released it
 * returned (iommu_domain.c, docs/iommu.md). */
static bool free_is_unmapped(pfn_t pfn, unsigned order)
{
	for (pfn_t i = 0; i < ((pfn_t)1 << order); i++)
		if (pfn_to_page(pfn + i)->flags & PG_IOMAPPED) {
			mm_bug("buddy_free: pfn %#lx is still mapped for a device (IOMMU)",
			       (unsigned long)(pfn + i));
			return false;
		}
	return true;
}

int buddy_free(pfn_t pfn, unsigned order)
{
	if (!free_is_valid(pfn, order) || !free_is_unmapped(pfn, order))
		return -ERR_BUG;
	struct page *pg = pfn_to_page(pfn);
	struct zone *z = &mm_zones[pfn_zone(pfn)];
	pg->use = PAGE_USE_NONE;
	pg->owner = 0;
	pg->private = 0;
	z->nr_freed++;
	put_block(z, pfn, order);
	return ERR_OK;
}

/* Cut [first, end) into the largest aligned blocks and free each one. The
 * frames arrive marked PAGE_TAIL; put_block() makes the heads. */
void buddy_add_free_range(pfn_t first, pfn_t end)
{
	pfn_t pfn = first;

	while (pfn < end) {
		unsigned order = MM_MAX_ORDER;
		while (order > 0 && ((pfn & (((pfn_t)1 << order) - 1)) != 0 ||
		                     pfn + ((pfn_t)1 << order) > end))
			order--;
		put_block(&mm_zones[pfn_zone(pfn)], pfn, order);
		pfn += (pfn_t)1 << order;
	}
}

/* ---- buddy_check(): the invariants B1..B5 as code ---------------------- */

/* B1, B2 for the block headed at pfn; returns its length in frames. */
static pfn_t check_block(const struct zone *z, pfn_t pfn, unsigned *bugs)
{
	const struct page *pg = pfn_to_page(pfn);
	pfn_t len = (pfn_t)1 << (pg->order <= MM_MAX_ORDER ? pg->order : 0);

	if (pg->order > MM_MAX_ORDER) {
		mm_bug("buddy_check: pfn 0x%lx heads a block of order %u > %u",
		       (unsigned long)pfn, pg->order, MM_MAX_ORDER);
		++*bugs;
		return 1;
	}
	if (pfn & (len - 1)) {
		mm_bug("buddy_check: block at pfn 0x%lx order %u is misaligned",
		       (unsigned long)pfn, pg->order);
		++*bugs;
	}
	if (pfn + len > z->end_pfn) {
		mm_bug("buddy_check: block at pfn 0x%lx order %u leaves zone %s",
		       (unsigned long)pfn, pg->order, z->name);
		++*bugs;
		return 1;
	}
	for (pfn_t i = 1; i < len; i++) {
		if (pfn_to_page(pfn + i)->state != PAGE_TAIL) {
			mm_bug("buddy_check: pfn 0x%lx inside block 0x%lx order %u is %s, not tail",
			       (unsigned long)(pfn + i), (unsigned long)pfn, pg->order,
			       page_state_name(pfn_to_page(pfn + i)->state));
			++*bugs;
			return i;
		}
	}
	return len;
}

/* B4 for the free block headed at pfn. */
static void check_buddy_not_free(pfn_t pfn, unsigned order, unsigned *bugs)
{
	if (order >= MM_MAX_ORDER)
		return;
	pfn_t buddy = pfn ^ ((pfn_t)1 << order);
	if (!pfn_valid(buddy) || pfn_zone(buddy) != pfn_zone(pfn))
		return;
	const struct page *bp = pfn_to_page(buddy);
	if (bp->state == PAGE_FREE && bp->order == order) {
		mm_bug("buddy_check: free blocks 0x%lx and 0x%lx of order %u were not merged",
		       (unsigned long)pfn, (unsigned long)buddy, order);
		++*bugs;
	}
}

/* Walk the zone frame by frame: B1, B2, B4; count free blocks per order. */
static void check_tiling(const struct zone *z, uint64_t counted[], unsigned *bugs)
{
	pfn_t pfn = z->start_pfn;

	while (pfn < z->end_pfn) {
		const struct page *pg = pfn_to_page(pfn);
		if (pg->state == PAGE_RESERVED) {
			pfn++;
			continue;
		}
		if (pg->state == PAGE_TAIL) {
			mm_bug("buddy_check: pfn 0x%lx is a tail frame outside any block",
			       (unsigned long)pfn);
			++*bugs;
			pfn++;
			continue;
		}
		if (pg->state == PAGE_FREE && pg->order <= MM_MAX_ORDER) {
			counted[pg->order]++;
			check_buddy_not_free(pfn, pg->order, bugs);
		}
		pfn += check_block(z, pfn, bugs);
	}
}

/* B3, B5 for one free list. Returns the pages it holds. */
static uint64_t check_list(const struct zone *z, unsigned order, uint64_t counted,
                           unsigned *bugs)
{
	const struct free_area *area = &z->free_area[order];
	uint32_t prev = PAGE_LINK_NONE, cur = area->head;
	uint64_t n = 0;

	while (cur != PAGE_LINK_NONE && n <= counted) {
		const struct page *pg = pfn_valid(cur) ? pfn_to_page(cur) : NULL;
		if (!pg || pg->state != PAGE_FREE || pg->order != order ||
		    pfn_zone(cur) != (enum zone_id)(z - mm_zones) || pg->prev != prev) {
			mm_bug("buddy_check: %s order %u list holds pfn 0x%lx, which is not a "
			       "free order-%u block of this zone (or links disagree)",
			       z->name, order, (unsigned long)cur, order);
			++*bugs;
			return 0;
		}
		n++;
		prev = cur;
		cur = pg->next;
	}
	if (n != counted || area->nr_free != counted) {
		mm_bug("buddy_check: %s order %u: %lu free blocks in memory, %lu on list, "
		       "nr_free %lu", z->name, order, (unsigned long)counted,
		       (unsigned long)n, (unsigned long)area->nr_free);
		++*bugs;
	}
	return n << order;
}

unsigned buddy_check(void)
{
	unsigned bugs = 0;

	for (int zid = 0; zid < MM_NR_ZONES; zid++) {
		const struct zone *z = &mm_zones[zid];
		uint64_t counted[MM_MAX_ORDER + 1] = { 0 }, pages = 0;
		check_tiling(z, counted, &bugs);
		for (unsigned o = 0; o <= MM_MAX_ORDER; o++)
			pages += check_list(z, o, counted[o], &bugs);
		if (pages != z->free_pages) {
			mm_bug("buddy_check: zone %s lists %lu free pages but counts %lu",
			       z->name, (unsigned long)pages, (unsigned long)z->free_pages);
			bugs++;
		}
		if (z->free_pages > z->managed_pages) {
			mm_bug("buddy_check: zone %s has %lu free pages but manages only %lu",
			       z->name, (unsigned long)z->free_pages,
			       (unsigned long)z->managed_pages);
			bugs++;
		}
	}
	return bugs;
}

void buddy_dump(void)
{
	mm_print("buddyinfo: free blocks per order (order k = 2^k pages)\n");
	mm_print("zone   ");
	for (unsigned o = 0; o <= MM_MAX_ORDER; o++)
		mm_print(" %6u", o);
	mm_print("   free pages\n");
	for (int zid = 0; zid < MM_NR_ZONES; zid++) {
		const struct zone *z = &mm_zones[zid];
		mm_print("%-7s", z->name);
		for (unsigned o = 0; o <= MM_MAX_ORDER; o++)
			mm_print(" %6lu", (unsigned long)z->free_area[o].nr_free);
		mm_print("   %10lu\n", (unsigned long)z->free_pages);
	}
}
