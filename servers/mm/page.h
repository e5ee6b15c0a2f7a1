/*
 * page.h - the page descriptor: one small struct per 4 KiB physical frame.
 *
 * The descriptors form one array, mm_pages[], indexed by frame number, that
 * covers every frame from 0 up to the end of the highest usable range of the
 * boot memory map (holes included, marked reserved). The array itself lives
 * in physical memory carved out of that map by zone_init() and is reached
 * through mm_phys_to_virt() like any other frame.
 *
 * Layout (32 bytes, checked below; Linux's struct page is 64):
 *
 *   offset size field     meaning
 *    0     4   next       the frame's place on ONE list of whole frames:
 *    4     4   prev       a buddy free list while the block is free; the
 *                         replacement policy's lists while it is a user page
 *                         (free until the policy takes them); unused else.
 *    8     1   state      PAGE_FREE, PAGE_ALLOCATED, PAGE_TAIL or PAGE_RESERVED
 *    9     1   order      size of the block this frame heads (free or allocated)
 *   10     1   use        why the frame is in use or reserved (enum page_use)
 *   11     1   flags      PG_* bits for the replacement policy and pinning
 *   12     4   owner      pid that owns the frame; PAGE_OWNER_MM (0) for mm
 *                         itself and for shared pages (their object owns them)
 *   16     8   index      use-specific: a private user page's virtual address;
 *                         a shared page's index in its object
 *   24     8   (union)    use-specific:
 *                 own       private user page or page table: the owner's
 *                           frame list (own.next / own.prev, frame numbers),
 *                           which is how exit finds every frame it must free
 *                 object    shared user page: its struct shm_obj *, the
 *                           reverse map: the object lists every region that
 *                           maps it (shm_attach, shm_rmap_walk in shm.c), so
 *                           the frame can be unmapped everywhere
 *                 private   slab page: its struct slab *
 *                 object    DMA frame (PAGE_USE_DMA): the grant or streaming
 *                           mapping that holds it (dma.h); index = its
 *                           place in that holder's run of frames
 *
 * Two lists, two pairs of links: the per-process list lives in the
 * use-specific words so that next/prev stay free for the replacement
 * policy, and a user page can be on both its owner's list and a policy
 * list at once without growing the descriptor.
 *
 * Links are 32-bit frame numbers rather than pointers, which is what lets the
 * descriptor fit in 32 bytes; it limits mm to 2^32 - 1 frames (16 TiB).
 *
 * Blocks. The buddy allocator hands out blocks of 2^order frames. Only the
 * first frame of a block (its head) says what the block is: PAGE_FREE or
 * PAGE_ALLOCATED, with the block's order. Every other frame of the block is
 * PAGE_TAIL. Splitting or merging a block therefore touches two descriptors,
 * not 2^order of them, yet every frame can still be classified, which is what
 * lets buddy_free() tell a double free from a free of a tail frame.
 */
#ifndef MM_PAGE_H
#define MM_PAGE_H

#include <pagoda/types.h>
#include "mm_env.h"

enum page_state {
	PAGE_RESERVED  = 0, /* never handed out: a hole, firmware, boot data */
	PAGE_FREE      = 1, /* head of a free block, on a buddy free list */
	PAGE_ALLOCATED = 2, /* head of an allocated block */
	PAGE_TAIL      = 3, /* any other frame of a free or allocated block */
};

enum page_use {
	PAGE_USE_NONE      = 0, /* free */
	PAGE_USE_HOLE      = 1, /* reserved: no RAM here in the memory map */
	PAGE_USE_FIRMWARE  = 2, /* reserved: the map says not usable (BIOS, ACPI) */
	PAGE_USE_BOOT      = 3, /* reserved: kernel image, boot modules */
	PAGE_USE_MEMMAP    = 4, /* reserved: the descriptor array itself */
	PAGE_USE_ANY       = 5, /* allocated, use not (yet) specified */
	PAGE_USE_SLAB      = 6, /* backs a slab; private = struct slab * */
	PAGE_USE_KMALLOC   = 7, /* a kmalloc() too large for a slab cache */
	PAGE_USE_USER      = 8, /* mapped into process `owner` at `index` */
	PAGE_USE_PAGETABLE = 9, /* a page table handed to the kernel */
	PAGE_USE_DMA       = 10, /* granted to a driver for DMA */
	PAGE_USE__COUNT
};

/* flags: for the replacement policy, pinning and swap; the allocators
 * ignore them (buddy_alloc clears them). PG_DIRTY: written since its
 * contents were last saved, when no page-table bit can say so any more
 * (mm wrote it, or it was mapped again after an eviction failed). */
#define PG_REFERENCED 0x01u
#define PG_DIRTY      0x02u
#define PG_PINNED     0x04u
#define PG_SWAPCACHE  0x08u   /* has a valid copy in a swap slot (swap_cache.c) */
#define PG_IOMAPPED   0x10u   /* an IOMMU mapping lets a device reach it
				 (iommu_domain.c): buddy_free refuses it */

#define PAGE_LINK_NONE UINT32_MAX
#define PAGE_OWNER_MM  0u       /* owner of mm's own frames and of shared pages */

/* A link pair of frame numbers (PAGE_LINK_NONE at either end). */
struct page_link {
	uint32_t next;
	uint32_t prev;
};

struct page {
	uint32_t next;
	uint32_t prev;
	uint8_t  state;
	uint8_t  order;
	uint8_t  use;
	uint8_t  flags;
	uint32_t owner;
	uint64_t index;
	union {
		struct page_link own;   /* PAGE_USE_USER (private), PAGE_USE_PAGETABLE */
		uint64_t object;        /* PAGE_USE_USER (shared): struct shm_obj *;
					   PAGE_USE_DMA: its grant or mapping */
		uint64_t private;       /* PAGE_USE_SLAB: struct slab * */
	};
};

_Static_assert(sizeof(struct page) == 32, "page descriptor must be 32 bytes");
_Static_assert(offsetof(struct page, state) == 8, "layout documented above");
_Static_assert(offsetof(struct page, owner) == 12, "layout documented above");
_Static_assert(offsetof(struct page, index) == 16, "layout documented above");
_Static_assert(offsetof(struct page, own) == 24, "layout documented above");
_Static_assert(offsetof(struct page, object) == 24, "layout documented above");
_Static_assert(offsetof(struct page, private) == 24, "layout documented above");

/* The descriptor array and the number of frames it describes (zone.c). */
extern struct page *mm_pages;
extern pfn_t mm_max_pfn;

static inline bool pfn_valid(pfn_t pfn)
{
	return pfn < mm_max_pfn;
}

static inline struct page *pfn_to_page(pfn_t pfn)
{
	return &mm_pages[pfn];
}

static inline pfn_t page_to_pfn(const struct page *pg)
{
	return (pfn_t)(pg - mm_pages);
}

/* The mm-visible address of a frame, and the frame behind an address
 * (beyond mm_max_pfn for an address outside the window). */
static inline void *pfn_to_virt(pfn_t pfn)
{
	return mm_phys_to_virt(pfn_to_pa(pfn));
}

static inline pfn_t virt_to_pfn(const void *va)
{
	return pa_to_pfn(mm_virt_to_phys(va));
}

const char *page_state_name(unsigned state);
const char *page_use_name(unsigned use);

#endif
