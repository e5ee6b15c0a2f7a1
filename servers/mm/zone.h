/*
 * zone.h - physical memory zones, watermarks and the boot memory map.
 *
 *   physical address                           zone
 *   0 ............................ 16 MiB      ZONE_DMA     ISA-style DMA
 *   16 MiB ....................... 4 GiB       ZONE_DMA32   32-bit DMA masks
 *   4 GiB ........................ max RAM     ZONE_NORMAL  (may be empty)
 *
 * Both boundaries are multiples of the largest buddy block (4 MiB), so a
 * buddy block never straddles two zones.
 *
 * Watermarks (in pages, per zone, from the zone's managed size):
 *   min  = managed / 128      below this only MM_HIGH / MM_EMERGENCY allocate
 *   low  = min + min / 4      below this, background reclaim should start
 *   high = min + min / 2      reclaim stops once free pages are back here
 * (Linux: min from min_free_kbytes, low/high at +1/4 and +1/2 of min.)
 *
 * Lowmem reserve (Linux's lowmem_reserve): an allocation whose highest
 * acceptable zone ("class zone") is C may take pages from a lower zone Z only
 * while Z keeps min + lowmem_reserve[C] pages free, where
 *   lowmem_reserve[C] = (managed pages of the zones above Z up to C) / 256.
 * Allocations that really need Z (their class zone is Z) see no reserve.
 */
#ifndef MM_ZONE_H
#define MM_ZONE_H

#include <pagoda/types.h>
#include <pagoda/mmboot.h>   /* MM_RANGE_USABLE, MM_RANGE_RESERVED */
#include "page.h"

enum zone_id { ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, MM_NR_ZONES };

#define ZONE_DMA_LIMIT   ((paddr_t)16 << 20)
#define ZONE_DMA32_LIMIT ((paddr_t)4 << 30)

#define MM_MAX_ORDER 10 /* largest buddy block: 2^10 frames = 4 MiB */

enum zone_wmark { WMARK_MIN, WMARK_LOW, WMARK_HIGH, MM_NR_WMARKS };

#define ZONE_WMARK_DIVISOR     128
#define ZONE_LOWMEM_RESERVE_RATIO 256

/* One entry of the boot memory map (multiboot / e820 style). */
struct mm_range {
	paddr_t  base;
	uint64_t len;
	uint32_t type; /* MM_RANGE_USABLE, or anything else: reserved */
};


struct free_area {
	uint32_t head;    /* first free block of this order, PAGE_LINK_NONE */
	uint64_t nr_free; /* blocks on the list */
};

struct zone {
	const char *name;
	pfn_t start_pfn, end_pfn;   /* span [start, end), clipped to mm_max_pfn */
	uint64_t present_pages;     /* usable in the map, inside the span */
	uint64_t managed_pages;     /* handed to the buddy allocator at boot */
	uint64_t free_pages;
	uint64_t watermark[MM_NR_WMARKS];
	uint64_t lowmem_reserve[MM_NR_ZONES]; /* indexed by class zone */
	struct free_area free_area[MM_MAX_ORDER + 1];
	/* counters for reclaim and memstat */
	uint64_t nr_alloc;          /* blocks handed out from this zone */
	uint64_t nr_fail;           /* failed requests whose class zone this was */
	uint64_t nr_freed;          /* blocks given back */
	uint64_t nr_below_low;      /* allocations that left free < low */
};

extern struct zone mm_zones[MM_NR_ZONES];

/*
 * Build the descriptor array and the zones from the boot memory map, then
 * give every usable, unreserved frame to the buddy allocator.
 *   map, nmap        the firmware's map; overlapping reserved entries win
 *   reserved, nres   extra ranges in use at boot (kernel image, modules)
 * The descriptor array is carved from the highest usable range that holds
 * it. Returns ERR_OK, -ERR_INVAL (no usable RAM) or -ERR_NOMEM (no room for
 * the descriptor array). May be called again to start over (host tests).
 */
int zone_init(const struct mm_range *map, size_t nmap,
              const struct mm_range *reserved, size_t nres);

static inline enum zone_id pfn_zone(pfn_t pfn)
{
	paddr_t pa = pfn_to_pa(pfn);

	if (pa < ZONE_DMA_LIMIT)
		return ZONE_DMA;
	return pa < ZONE_DMA32_LIMIT ? ZONE_DMA32 : ZONE_NORMAL;
}

/* May zone z hand out a block of this order to a request of class zone
 * `classzone`, keeping `mark` pages plus the lowmem reserve free? */
bool zone_watermark_ok(const struct zone *z, unsigned order, uint64_t mark,
                       enum zone_id classzone);

/* Sum of free pages over all zones. */
uint64_t zone_free_pages(void);

/* zoneinfo-style table: span, present, managed, free, watermarks, reserve. */
void zone_dump(void);

#endif
