/*
 * swap_cache.c - the swap cache: for each slot, the frame that holds the
 * same contents while the page is resident again.
 *
 * A page read back from its slot keeps the slot: as long as nobody writes
 * the page, the slot is a valid copy, and evicting it again costs no
 * write (Linux's swap cache, mm/swap_state.c, which also keys frames by
 * their swap entry). The cache is the slot -> frame direction; the frame
 * -> slot direction is the page's record in swap.c (owner, index -> slot)
 * and PG_SWAPCACHE on the frame says the record is there.
 *
 * Because mm is one thread and a device transfer is one synchronous
 * request, a page is never half-way in or out while another request is
 * served: a second fault on a page being read waits in mm's queue and
 * then finds the frame here (or, shared, in its object), so two faults on
 * one slot resolve to one frame.
 *
 * Invariants (swap_cache_check):
 *   C1 a cached slot is in use (its count is non-zero);
 *   C2 its frame is an allocated user page with PG_SWAPCACHE set;
 *   C3 pages = the number of cached slots = the frames with PG_SWAPCACHE.
 *
 * Storage: 4 bytes per slot, one buddy block, sized with the slot map.
 */
#include "swap.h"
#include "buddy.h"
#include "mm_env.h"
#include "lab.h"

#define CACHE_NONE UINT32_MAX

static uint32_t *cache;
static pfn_t cache_block = PFN_NONE;
static unsigned cache_order;
static uint64_t nslots, pages;

bool swap_cache_setup(uint64_t slots)
{
	unsigned order = 0;
	while (((uint64_t)PAGE_SIZE << order) < slots * sizeof *cache)
		order++;
	pfn_t pfn = order <= MM_MAX_ORDER ? buddy_alloc(order, 0) : PFN_NONE;
	if (pfn == PFN_NONE)
		return false;
	cache = pfn_to_virt(pfn);
	cache_block = pfn;
	cache_order = order;
	nslots = slots;
	pages = 0;
	for (uint64_t s = 0; s < slots; s++)
		cache[s] = CACHE_NONE;
	return true;
}

void swap_cache_teardown(void)
{
	for (uint64_t s = 0; s < nslots; s++)
		if (cache[s] != CACHE_NONE)
			pfn_to_page(cache[s])->flags &= (uint8_t)~PG_SWAPCACHE;
	if (cache_block != PFN_NONE)
		buddy_free(cache_block, cache_order);
	cache = NULL;
	cache_block = PFN_NONE;
	nslots = pages = 0;
}

void swap_cache_add(uint64_t slot, pfn_t pfn)
{
	/* LAB swap: swap_cache_add: slot (in use, not cached) -> pfn, and PG_SWAPCACHE on the frame */
	if (slot >= nslots || cache[slot] != CACHE_NONE || swap_slot_refs(slot) == 0) {
		mm_bug("swap_cache_add: slot %lu cannot take pfn %#lx (cached or free)",
		       (unsigned long)slot, (unsigned long)pfn);
		return;
	}
	cache[slot] = (uint32_t)pfn;
	pfn_to_page(pfn)->flags |= PG_SWAPCACHE;
	pages++;
	/* LAB swap STUB: LAB_MISSING("swap", "swap_cache_add"); */
	/* LAB swap STUB: (void)slot; (void)pfn; */
	/* LAB swap END */
}

pfn_t swap_cache_lookup(uint64_t slot)
{
	/* LAB swap: swap_cache_lookup: the frame cached for slot, PFN_NONE if none (or a bad slot) */
	return slot < nslots && cache[slot] != CACHE_NONE ? cache[slot] : PFN_NONE;
	/* LAB swap STUB: (void)slot; */
	/* LAB swap STUB: return PFN_NONE; */
	/* LAB swap END */
}

void swap_cache_del(uint64_t slot)
{
	/* LAB swap: swap_cache_del: slot no longer cached; its frame loses PG_SWAPCACHE; nothing if not cached */
	if (slot >= nslots || cache[slot] == CACHE_NONE)
		return;
	pfn_to_page(cache[slot])->flags &= (uint8_t)~PG_SWAPCACHE;
	cache[slot] = CACHE_NONE;
	pages--;
	/* LAB swap STUB: (void)slot; */
	/* LAB swap END */
}

uint64_t swap_cache_pages(void)
{
	return pages;
}

unsigned swap_cache_check(void)
{
	unsigned bad = 0;
	uint64_t n = 0, flagged = 0;
	for (uint64_t s = 0; s < nslots; s++) {
		if (cache[s] == CACHE_NONE)
			continue;
		n++;
		const struct page *pg = pfn_valid(cache[s]) ? pfn_to_page(cache[s]) : NULL;
		if (!swap_slot_refs(s) || !pg || pg->state != PAGE_ALLOCATED ||
		    pg->use != PAGE_USE_USER || !(pg->flags & PG_SWAPCACHE)) {
			mm_bug("swap_cache_check: slot %lu caches pfn %#lx, which is not a swap-cached "
			       "user page of a slot in use", (unsigned long)s, (unsigned long)cache[s]);
			bad++;
		}
	}
	for (pfn_t pfn = 0; pfn < mm_max_pfn; pfn++)
		flagged += pfn_to_page(pfn)->state == PAGE_ALLOCATED &&
			   (pfn_to_page(pfn)->flags & PG_SWAPCACHE);
	if (n != pages || flagged != pages) {
		mm_bug("swap_cache_check: %lu slots cached, %lu frames flagged, pages says %lu",
		       (unsigned long)n, (unsigned long)flagged, (unsigned long)pages);
		bad++;
	}
	return bad;
}
