/*
 * zone.c - the physical memory model: page descriptors and zones.
 *
 * zone_init() turns the boot memory map into the structures the allocators
 * work on, in four steps:
 *
 *   1. Size the descriptor array: one 32-byte struct page per frame from 0 to
 *      the end of the highest usable range (mm_max_pfn frames).
 *   2. Carve it from physical memory: the highest usable stretch that holds it
 *      and overlaps no reserved range (memblock also allocates top-down, which
 *      keeps the scarce DMA zones free).
 *   3. Classify every frame: a hole (in no usable range), firmware-reserved
 *      (a non-usable map entry overlaps it, even partly), boot-reserved (the
 *      kernel image, the modules), the descriptor array, or usable.
 *      Reserved entries win over usable ones when the map overlaps itself.
 *   4. Hand each run of usable frames to the buddy allocator, which cuts it
 *      into the largest aligned blocks it can; then derive each zone's
 *      watermarks and lowmem reserves from what it manages.
 *
 * Invariants after zone_init(): every frame below mm_max_pfn has a
 * descriptor; a reserved frame is never on a free list and never changes
 * state again; zones are [start_pfn, end_pfn) spans at the fixed boundaries
 * 16 MiB and 4 GiB; managed_pages <= present_pages <= end_pfn - start_pfn.
 *
 * Not supported: memory hotplug, NUMA nodes (one node, as a teaching machine
 * has), more than 2^32 - 1 frames (16 TiB; RAM above that is ignored).
 */
#include <string.h>
#include <pagoda/error.h>
#include "zone.h"
#include "buddy.h"
#include "mm_env.h"

struct page *mm_pages;
pfn_t mm_max_pfn;
struct zone mm_zones[MM_NR_ZONES];

static const char *const zone_names[MM_NR_ZONES] = { "DMA", "DMA32", "Normal" };

#define MAX_DESCRIBED_PFN ((pfn_t)PAGE_LINK_NONE) /* links are 32-bit */

const char *page_state_name(unsigned state)
{
	static const char *const names[] = { "reserved", "free", "allocated", "tail" };
	return state < 4 ? names[state] : "?";
}

const char *page_use_name(unsigned use)
{
	static const char *const names[PAGE_USE__COUNT] = {
		"none", "hole", "firmware", "boot", "memmap", "any", "slab",
		"kmalloc", "user", "pagetable", "dma",
	};
	return use < PAGE_USE__COUNT ? names[use] : "?";
}

/* The map comes from firmware: an entry running past the top of the
 * address space is clipped to the last page rather than wrapping around. */
static paddr_t range_end(const struct mm_range *r)
{
	paddr_t top = PAGE_MASK;
	return r->len > top - r->base ? top : r->base + r->len;
}

/* First frame wholly inside a usable range, and one past the last. */
static pfn_t usable_first(const struct mm_range *r)
{
	return pa_to_pfn(page_round_up(r->base));
}

static pfn_t usable_end(const struct mm_range *r)
{
	pfn_t end = pa_to_pfn(page_round_down(range_end(r)));
	return end < MAX_DESCRIBED_PFN ? end : MAX_DESCRIBED_PFN;
}

/* A reserved range covers every frame it touches, even partly. */
static pfn_t reserved_first(const struct mm_range *r)
{
	return pa_to_pfn(page_round_down(r->base));
}

static pfn_t reserved_end(const struct mm_range *r)
{
	return pa_to_pfn(page_round_up(range_end(r)));
}

static bool is_usable(const struct mm_range *r)
{
	return r->type == MM_RANGE_USABLE && r->len > 0;
}

static pfn_t find_max_pfn(const struct mm_range *map, size_t nmap)
{
	pfn_t max = 0;

	for (size_t i = 0; i < nmap; i++)
		if (is_usable(&map[i]) && usable_end(&map[i]) > max)
			max = usable_end(&map[i]);
	return max;
}

/* Does [first, end) overlap any non-usable map entry or extra reserved range?
 * If so, return the lowest first frame of the ranges it hits. */
static bool hits_reserved(pfn_t first, pfn_t end,
                          const struct mm_range *map, size_t nmap,
                          const struct mm_range *res, size_t nres, pfn_t *below)
{
	bool hit = false;

	for (size_t i = 0; i < nmap + nres; i++) {
		const struct mm_range *r = i < nmap ? &map[i] : &res[i - nmap];
		if ((i < nmap && is_usable(r)) || r->len == 0)
			continue;
		if (reserved_first(r) < end && reserved_end(r) > first) {
			if (!hit || reserved_first(r) < *below)
				*below = reserved_first(r);
			hit = true;
		}
	}
	return hit;
}

/* The highest stretch of npages usable frames clear of every reserved
 * range, or PFN_NONE. Within a range, slide down below whatever it hits. */
static pfn_t place_memmap(pfn_t npages, const struct mm_range *map, size_t nmap,
                          const struct mm_range *res, size_t nres)
{
	pfn_t best = PFN_NONE;

	for (size_t i = 0; i < nmap; i++) {
		if (!is_usable(&map[i]))
			continue;
		pfn_t lo = usable_first(&map[i]), end = usable_end(&map[i]), below = 0;
		while (end >= lo + npages) {
			if (!hits_reserved(end - npages, end, map, nmap, res, nres, &below)) {
				if (best == PFN_NONE || end - npages > best)
					best = end - npages;
				break;
			}
			end = below;
		}
	}
	return best;
}

static void mark_frames(pfn_t first, pfn_t end, uint8_t state, uint8_t use)
{
	if (end > mm_max_pfn)
		end = mm_max_pfn;
	for (pfn_t pfn = first; pfn < end; pfn++) {
		mm_pages[pfn].state = state;
		mm_pages[pfn].use = use;
	}
}

static void reset_descriptors(void)
{
	for (pfn_t pfn = 0; pfn < mm_max_pfn; pfn++) {
		struct page *pg = &mm_pages[pfn];
		memset(pg, 0, sizeof(*pg));
		pg->next = pg->prev = PAGE_LINK_NONE;
		pg->state = PAGE_RESERVED;
		pg->use = PAGE_USE_HOLE;
	}
}

static void reset_zones(void)
{
	static const paddr_t limit[MM_NR_ZONES] = {
		ZONE_DMA_LIMIT, ZONE_DMA32_LIMIT, ~(paddr_t)0,
	};
	pfn_t start = 0;

	memset(mm_zones, 0, sizeof(mm_zones));
	for (int z = 0; z < MM_NR_ZONES; z++) {
		struct zone *zone = &mm_zones[z];
		pfn_t end = pa_to_pfn(limit[z]);
		zone->name = zone_names[z];
		zone->start_pfn = start < mm_max_pfn ? start : mm_max_pfn;
		zone->end_pfn = end < mm_max_pfn ? end : mm_max_pfn;
		for (int o = 0; o <= MM_MAX_ORDER; o++)
			zone->free_area[o].head = PAGE_LINK_NONE;
		start = end;
	}
}

/* Usable frames are marked PAGE_TAIL/PAGE_USE_NONE until the buddy allocator
 * takes them: a state no block head has, so nothing merges with them early. */
static void classify_frames(const struct mm_range *map, size_t nmap,
                            const struct mm_range *res, size_t nres,
                            pfn_t memmap, pfn_t memmap_pages)
{
	for (size_t i = 0; i < nmap; i++)
		if (is_usable(&map[i]))
			mark_frames(usable_first(&map[i]), usable_end(&map[i]),
			            PAGE_TAIL, PAGE_USE_NONE);
	for (pfn_t pfn = 0; pfn < mm_max_pfn; pfn++)
		if (mm_pages[pfn].state == PAGE_TAIL)
			mm_zones[pfn_zone(pfn)].present_pages++;
	for (size_t i = 0; i < nmap; i++)
		if (!is_usable(&map[i]) && map[i].len > 0)
			mark_frames(reserved_first(&map[i]), reserved_end(&map[i]),
			            PAGE_RESERVED, PAGE_USE_FIRMWARE);
	for (size_t i = 0; i < nres; i++)
		if (res[i].len > 0)
			mark_frames(reserved_first(&res[i]), reserved_end(&res[i]),
			            PAGE_RESERVED, PAGE_USE_BOOT);
	mark_frames(memmap, memmap + memmap_pages, PAGE_RESERVED, PAGE_USE_MEMMAP);
}

static bool is_unclaimed(pfn_t pfn)
{
	return mm_pages[pfn].state == PAGE_TAIL && mm_pages[pfn].use == PAGE_USE_NONE;
}

static void give_frames_to_buddy(void)
{
	pfn_t pfn = 0;

	while (pfn < mm_max_pfn) {
		if (!is_unclaimed(pfn)) {
			pfn++;
			continue;
		}
		pfn_t end = pfn;
		while (end < mm_max_pfn && is_unclaimed(end))
			end++;
		buddy_add_free_range(pfn, end);
		pfn = end;
	}
}

static void set_watermarks(void)
{
	for (int z = 0; z < MM_NR_ZONES; z++) {
		struct zone *zone = &mm_zones[z];
		uint64_t min = zone->managed_pages / ZONE_WMARK_DIVISOR;
		zone->watermark[WMARK_MIN] = min;
		zone->watermark[WMARK_LOW] = min + min / 4;
		zone->watermark[WMARK_HIGH] = min + min / 2;
		uint64_t above = 0;
		for (int c = z + 1; c < MM_NR_ZONES; c++) {
			above += mm_zones[c].managed_pages;
			zone->lowmem_reserve[c] = above / ZONE_LOWMEM_RESERVE_RATIO;
		}
	}
}

int zone_init(const struct mm_range *map, size_t nmap,
              const struct mm_range *reserved, size_t nres)
{
	pfn_t max_pfn = find_max_pfn(map, nmap);
	if (max_pfn == 0)
		return -ERR_INVAL;
	pfn_t memmap_pages = pa_to_pfn(page_round_up(max_pfn * sizeof(struct page)));
	pfn_t memmap = place_memmap(memmap_pages, map, nmap, reserved, nres);
	if (memmap == PFN_NONE)
		return -ERR_NOMEM;

	mm_pages = mm_phys_to_virt(pfn_to_pa(memmap));
	mm_max_pfn = max_pfn;
	reset_descriptors();
	reset_zones();
	classify_frames(map, nmap, reserved, nres, memmap, memmap_pages);
	buddy_init();
	give_frames_to_buddy();
	for (int z = 0; z < MM_NR_ZONES; z++)
		mm_zones[z].managed_pages = mm_zones[z].free_pages;
	set_watermarks();
	return ERR_OK;
}

bool zone_watermark_ok(const struct zone *z, unsigned order, uint64_t mark,
                       enum zone_id classzone)
{
	uint64_t need = ((uint64_t)1 << order) + mark + z->lowmem_reserve[classzone];
	return z->free_pages >= need;
}

uint64_t zone_free_pages(void)
{
	uint64_t sum = 0;

	for (int z = 0; z < MM_NR_ZONES; z++)
		sum += mm_zones[z].free_pages;
	return sum;
}

void zone_dump(void)
{
	mm_print("zone     start_pfn   end_pfn   present   managed      free"
	         "    min    low   high  reserve(DMA32,Normal)  allocs  fails\n");
	for (int z = 0; z < MM_NR_ZONES; z++) {
		const struct zone *zn = &mm_zones[z];
		mm_print("%-7s %10lu %9lu %9lu %9lu %9lu %6lu %6lu %6lu  %8lu %8lu  %6lu %6lu\n",
		         zn->name, (unsigned long)zn->start_pfn, (unsigned long)zn->end_pfn,
		         (unsigned long)zn->present_pages, (unsigned long)zn->managed_pages,
		         (unsigned long)zn->free_pages,
		         (unsigned long)zn->watermark[WMARK_MIN],
		         (unsigned long)zn->watermark[WMARK_LOW],
		         (unsigned long)zn->watermark[WMARK_HIGH],
		         (unsigned long)zn->lowmem_reserve[ZONE_DMA32],
		         (unsigned long)zn->lowmem_reserve[ZONE_NORMAL],
		         (unsigned long)zn->nr_alloc, (unsigned long)zn->nr_fail);
	}
}
