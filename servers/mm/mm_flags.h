/*
 * mm_flags.h - allocation flags for buddy_alloc() and kmalloc(), in the
 * spirit of Linux's GFP flags.
 *
 * Zone modifiers say how high in physical memory a block may lie. They name
 * the HIGHEST acceptable zone; the allocator falls back downwards from it:
 *
 *   (no zone flag)   anywhere:  NORMAL -> DMA32 -> DMA
 *   MM_ZONE_DMA32    below 4 GiB (32-bit DMA masks):  DMA32 -> DMA
 *   MM_ZONE_DMA      below 16 MiB (ISA-style DMA):    DMA only
 *
 * If both zone flags are given the stricter one (MM_ZONE_DMA) wins. A
 * fallback into a lower zone must leave that zone's lowmem reserve intact
 * (see zone.h), so ordinary allocations cannot drain the DMA zone.
 *
 * Action modifiers:
 *   MM_ZERO       the block is zero-filled before it is returned.
 *   MM_HIGH       may dip to half of the zone's min watermark (Linux's
 *                 __GFP_HIGH): for allocations mm needs to make progress,
 *                 such as the page tables of a fault it is serving.
 *   MM_EMERGENCY  ignores watermarks and lowmem reserves entirely (Linux's
 *                 ALLOC_NO_WATERMARKS): only for reclaim itself, which must
 *                 allocate to free memory. Everything else stays out.
 */
#ifndef MM_FLAGS_H
#define MM_FLAGS_H

#include <stdint.h>

typedef uint32_t mm_flags_t;

#define MM_ZONE_DMA   ((mm_flags_t)1 << 0)
#define MM_ZONE_DMA32 ((mm_flags_t)1 << 1)
#define MM_ZERO       ((mm_flags_t)1 << 2)
#define MM_HIGH       ((mm_flags_t)1 << 3)
#define MM_EMERGENCY  ((mm_flags_t)1 << 4)

#define MM_FLAGS_VALID (MM_ZONE_DMA | MM_ZONE_DMA32 | MM_ZERO | MM_HIGH | MM_EMERGENCY)

#endif
