/*
 * dma_frames.c - frames for DMA: physically contiguous, below a device's
 * DMA mask, zeroed and pinned. Grants (grant.c) and bounce buffers
 * (bounce.c) get their memory here.
 *
 * The zone follows the mask as Linux's dma_direct_optimal_gfp_mask does:
 * a mask of at most 24 bits is ZONE_DMA's (GFP_DMA, below 16 MiB), at most
 * 32 bits DMA32's (GFP_DMA32, below 4 GiB), anything wider may use every
 * zone. The buddy allocator falls back downwards from that zone (a DMA32
 * request may get DMA frames), and a mask that ends inside a zone (edu's
 * 28 bits: 256 MiB, inside DMA32) is honoured exactly by
 * buddy_alloc_below, which takes only a block that ends below the mask.
 * Every frame handed out is below the mask; grant_check verifies it.
 *
 * Contiguity above one page comes from the buddy allocator's orders: n
 * pages are served from one block of order ceil(log2 n), which is
 * physically contiguous and aligned to its size. The block is then split
 * into frames (buddy_split, Linux's split_page) and the tail beyond n is
 * given back at once, so a 5-page grant holds 5 frames, not 8
 * (alloc_pages_exact does the same). The n frames are freed one by one
 * later; the buddy allocator merges them again.
 *
 * Each frame is then an allocated order-0 block with use PAGE_USE_DMA,
 * owner PAGE_OWNER_MM, PG_PINNED (never evicted, never moved), index =
 * its place in the run and `object` = the grant or mapping that holds it:
 * from the frame alone the checkers find who must free it.
 *
 * Not supported: more than 2^MM_MAX_ORDER pages (4 MiB) in one run (Linux
 * has CMA for that), compaction to make a run when memory is fragmented
 * (the request fails with ERR_NOMEM), masks below 24 bits (no zone lies
 * below them; Linux's dma_supported refuses them too).
 */
#include <string.h>
#include "dma.h"
#include "buddy.h"
#include "zone.h"
#include "lab.h"                    /* LAB_MISSING: what the lab's stubs call */

mm_flags_t dma_frames_zone_flags(unsigned mask_bits)
{
	if (mask_bits <= 24)
		return MM_ZONE_DMA;
	return mask_bits <= 32 ? MM_ZONE_DMA32 : 0;
}

/* LAB dma: order_for, limit_of, mark - the block's order, the mask as a frame limit, a DMA frame's descriptor */
/* The smallest order whose block holds npages (MM_MAX_ORDER + 1: none). */
static unsigned order_for(uint64_t npages)
{
	unsigned order = 0;
	while (order <= MM_MAX_ORDER && ((uint64_t)1 << order) < npages)
		order++;
	return order;
}

/* Frames [0, limit) lie below the mask; PFN_NONE: every frame does. */
static pfn_t limit_of(unsigned mask_bits)
{
	uint64_t mask = dma_mask_of(mask_bits);
	return mask >= pfn_to_pa(mm_max_pfn) ? PFN_NONE : pa_to_pfn(mask) + 1;
}

static void mark(pfn_t pfn, uint64_t index, const void *object)
{
	struct page *pg = pfn_to_page(pfn);
	pg->use = PAGE_USE_DMA;
	pg->owner = PAGE_OWNER_MM;
	pg->flags = PG_PINNED;
	pg->index = index;
	pg->object = (uint64_t)(uintptr_t)object;
	memset(pfn_to_virt(pfn), 0, PAGE_SIZE);
}
/* LAB dma END */

pfn_t dma_frames_alloc(uint64_t npages, unsigned mask_bits, const void *object)
{
	/* LAB dma: dma_frames_alloc - npages contiguous frames below the mask from its zone, the tail given back, each marked */
	unsigned order = order_for(npages);
	if (npages == 0 || order > MM_MAX_ORDER)
		return PFN_NONE;
	pfn_t pfn = buddy_alloc_below(order, dma_frames_zone_flags(mask_bits), limit_of(mask_bits));
	if (pfn == PFN_NONE)
		return PFN_NONE;
	if (order > 0 && buddy_split(pfn, order) < 0)
		return PFN_NONE;        /* reported: cannot happen to a block just allocated */
	for (uint64_t i = npages; i < ((uint64_t)1 << order); i++)
		buddy_free(pfn + i, 0); /* the tail goes back at once */
	for (uint64_t i = 0; i < npages; i++)
		mark(pfn + i, i, object);
	return pfn;
	/* LAB dma STUB: LAB_MISSING("dma", "dma_frames_alloc"); */
	/* LAB dma STUB: (void)npages; (void)mask_bits; (void)object; */
	/* LAB dma STUB: return PFN_NONE; */
	/* LAB dma END */
}

void dma_frames_free(pfn_t pfn, uint64_t npages)
{
	for (uint64_t i = 0; i < npages; i++) {
		struct page *pg = pfn_to_page(pfn + i);
		pg->flags = 0;
		pg->index = 0;
		pg->object = 0;
		buddy_free(pfn + i, 0);
	}
}

bool dma_frame_is(pfn_t pfn, const void *object)
{
	const struct page *pg = pfn_valid(pfn) ? pfn_to_page(pfn) : NULL;
	return pg && pg->state == PAGE_ALLOCATED && pg->order == 0 && pg->use == PAGE_USE_DMA &&
	       pg->owner == PAGE_OWNER_MM && (pg->flags & PG_PINNED) &&
	       pg->object == (uint64_t)(uintptr_t)object;
}
