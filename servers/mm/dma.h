/*
 * dma.h - DMA memory in the memory server: grants, streaming mappings,
 * bounce buffers, and the choice of a bus address (docs/dma.md).
 *
 *   dma_bus.c     what a device sees: the bus address of a frame for a
 *                 device, or "out of its reach" (the one function the
 *                 IOMMU replaces: today a bus address is the physical one)
 *   dma_frames.c  frames for DMA: contiguous, below a mask, zeroed, pinned
 *                 (the zone from the mask, as Linux's GFP_DMA/GFP_DMA32)
 *   grant.c       grants: a driver's coherent DMA memory, tied to one
 *                 device, shared, revoked, freed or quarantined at exit
 *   backend_dma.c the region backend that maps a grant's fixed frames
 *   dma_stream.c  streaming mappings of a process's own pages (pinned)
 *   bounce.c      a mapping's bus addresses, and bounce buffers for pages
 *                 a device cannot reach, the copies in each direction,
 *                 and their counters
 *   dma_check.c   the invariants of grants and mappings, as code
 *   dma_info.c    MM_DMA_INFO (memstat dma)
 *
 * Every DMA frame is an allocated order-0 block with use PAGE_USE_DMA,
 * owner PAGE_OWNER_MM, PG_PINNED, and `object` naming the grant or
 * mapping it belongs to: never in a replacement pool, never swapped,
 * never moved, and freed only by its grant or mapping.
 */
#ifndef MM_DMA_H
#define MM_DMA_H

#include "mm.h"
#include "mm_flags.h"

/* ---- dma_bus.c ---------------------------------------------------------- */

/* The highest bus address a mask of `bits` address bits reaches. */
uint64_t dma_mask_of(unsigned bits);
/* Is bits a mask some zone can serve (MM_DMA_MASK_MIN .. 64)? */
bool dma_mask_valid(uint64_t bits);
/* The bus address at which device bdf reaches the npages frames from
 * pfn, all below the mask of mask_bits; PADDR_NONE if it cannot reach
 * them (the caller bounces). With the IOMMU on it is an IOVA of the
 * device's domain (id: the grant's, for memstat iommu; 0 for a streaming
 * mapping). dma_bus_unmap gives such a range back, and only after it
 * returned may the frames be freed. */
paddr_t dma_bus_map(uint32_t bdf, pfn_t pfn, uint64_t npages, unsigned mask_bits, uint64_t id);
void dma_bus_unmap(uint32_t bdf, paddr_t bus, uint64_t npages);

/* ---- dma_frames.c ------------------------------------------------------- */

/* The buddy flags of the zone a mask selects (MM_ZONE_DMA for <= 24
 * bits, MM_ZONE_DMA32 for <= 32, none above), and the zone itself. */
mm_flags_t dma_frames_zone_flags(unsigned mask_bits);
/* npages (1 .. 2^MM_MAX_ORDER) physically contiguous frames, all below
 * the mask, zeroed, marked DMA for `object` (index = 0, 1, ...); the
 * block's tail beyond npages is given back. PFN_NONE if none is free. */
pfn_t dma_frames_alloc(uint64_t npages, unsigned mask_bits, const void *object);
/* Give back npages frames from pfn made by dma_frames_alloc. */
void dma_frames_free(pfn_t pfn, uint64_t npages);
/* Does pfn look like a DMA frame of object (use, state, pinned)? */
bool dma_frame_is(pfn_t pfn, const void *object);

/* ---- grant.c ------------------------------------------------------------ */

/* A grant (grant.c): a run of frames, its owner's region and its shares. */
struct grant_share {
	struct mm_proc *proc;
	struct mm_region *region;
};

struct grant {
	uint64_t id;                /* 1, 2, ... never reused */
	int owner;                  /* pid of the driver */
	uint32_t bdf;
	unsigned mask_bits;
	pfn_t pfn;                  /* first frame; the rest follow */
	uint64_t npages;
	uint64_t size;              /* bytes asked for */
	paddr_t bus;                /* what the device is given */
	struct mm_region *region;   /* in the owner; NULL once quarantined */
	struct grant_share shares[MM_DMA_SHARES_MAX];
	unsigned nshares;
	bool quarantined;
	struct grant *next;         /* oldest first */
};

/* A streaming mapping (dma_stream.c): the process's pages it pins, and
 * for each the bus address the device is given - the page's own, or its
 * bounce page's (bounce.c). */
struct stream_page {
	pfn_t frame;                /* the process's frame, pinned */
	pfn_t bounce;               /* the frame the device sees instead, or PFN_NONE */
	paddr_t bus;                /* what the device is given for this page */
	bool was_pinned;            /* pinned by something else before */
};

struct dma_stream {
	uint64_t id;                /* 1, 2, ... never reused */
	int owner;
	uint32_t bdf;
	unsigned mask_bits;
	unsigned dir;               /* MM_DMA_TO_DEVICE etc. | MM_DMA_CONTIG */
	vaddr_t va;
	uint64_t len;
	uint64_t npages;
	struct stream_page *pages;
	pfn_t run;                  /* MM_DMA_CONTIG, bounced: the run of npages
				       bounce frames (pages[i].bounce = run + i) */
	uint64_t bounced;           /* pages with a bounce page */
	unsigned nsegs;
	struct mm_dma_seg first;
	bool quarantined;
	struct dma_stream *next;    /* oldest first */
};

/* Page i of s starts at this address; the buffer's bytes in it are *len
 * from offset *off. */
static inline vaddr_t dma_stream_page_va(const struct dma_stream *s, uint64_t i)
{
	return page_round_down(s->va) + (i << PAGE_SHIFT);
}

static inline void dma_stream_span(const struct dma_stream *s, uint64_t i, uint64_t *off,
				   uint64_t *len)
{
	vaddr_t page = dma_stream_page_va(s, i);
	vaddr_t start = i == 0 ? s->va : page;
	vaddr_t end = page + PAGE_SIZE < s->va + s->len ? page + PAGE_SIZE : s->va + s->len;
	*off = start & ~PAGE_MASK;
	*len = end - start;
}

/* Boot: the slab caches of grants and streaming mappings. */
void grant_init(void);
void dma_stream_init(void);

/* Every grant and every mapping, oldest first (through ->next). */
struct grant *grant_first(void);
struct dma_stream *dma_stream_first(void);

/* The frame of page index of a grant region's grant, and whether pid may
 * map frame pfn at va (the grant's owner or a process it was shared
 * with, at the right place): for the fixture's model checks. */
pfn_t grant_frame(const struct mm_region *r, uint64_t index);
bool grant_maps(pfn_t pfn, int pid, vaddr_t va);
/* A grant region is going (its process exits, or the grant is freed):
 * the grant forgets the share it was (backend_dma's detach). */
void grant_region_gone(struct mm_region *r);
/* The owner pid has ended; unstopped = MM_PROC_EXIT's w2: 0 frees its
 * grants (unmapped from every process first), else they are
 * quarantined. Its streaming mappings likewise (dma_stream_proc_exit). */
void dma_proc_exit(struct mm_proc *p, uint64_t unstopped);
/* Frames held by grants, quarantined grants included. */
uint64_t grant_frames(void);

/* The device check every MM_DMA request that names one makes: 0 if the
 * caller owns bdf, else -ERR_NOENT / -ERR_PERM / -ERR_NOSYS / -ERR_INVAL. */
int dma_device_check(const struct mm_proc *p, uint64_t bdf);

int mm_handle_dma_alloc(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply);
int mm_handle_dma_free(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply);
int mm_handle_dma_share(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply);
int mm_handle_dma_revoke(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply);

/* ---- dma_stream.c ------------------------------------------------------- */

/* Does a streaming mapping of p pin a page in [from, to)? MM_MUNMAP and
 * a shrinking MM_SBRK are refused (ERR_BUSY) while one does. */
bool dma_stream_pins(const struct mm_proc *p, vaddr_t from, vaddr_t to);
void dma_stream_proc_exit(struct mm_proc *p, uint64_t unstopped);

int mm_handle_dma_map(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply);
int mm_handle_dma_sync(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply);
int mm_handle_dma_unmap(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply);

/* ---- bounce.c ----------------------------------------------------------- */

struct bounce_stats {
	uint64_t pages;             /* bounce pages in use now */
	uint64_t maps;              /* streaming mappings made */
	uint64_t bounced_maps;      /* ... that bounced a page */
	uint64_t bounced_pages;     /* bounce pages of the mappings made */
	uint64_t bytes_to_device;   /* copied buffer -> bounce page */
	uint64_t bytes_from_device; /* copied bounce page -> buffer */
};
extern struct bounce_stats bounce_stats;

/* Step 3 of a mapping: a bus address for every page of s (its frames
 * pinned), a bounce page for each the device cannot reach (or all of
 * them, bounce=force), or one bounce run for all (MM_DMA_CONTIG and not
 * one segment). 0, or -ERR_NOMEM (no bounce page below the mask). */
int bounce_assign(struct dma_stream *s);
/* Give back s's bus addresses and bounce pages (what bounce_assign made). */
void bounce_release(struct dma_stream *s);
/* Copy the buffer's bytes of every bounced page of s into its bounce page
 * (to_device) or back: the bytes copied. */
uint64_t bounce_copy(struct dma_stream *s, bool to_device);

/* ---- dma_check.c: the invariants of grants and mappings ------------------- */

/* G1-G7 (grants) and S1-S4 (mappings): the violations found. */
unsigned grant_check(void);
unsigned dma_stream_check(void);
/* The DMA frames s holds (its bounce pages, and when quarantined the
 * pages it pinned), and those all mappings hold. */
uint64_t dma_stream_held(const struct dma_stream *s);
uint64_t dma_stream_frames(void);

/* ---- dma_info.c ---------------------------------------------------------- */

int mm_handle_dma_info(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply);
/* MM_DMA_INFO's answers: the index-th grant or mapping, oldest first
 * (false past the last), and the totals. */
bool dma_info_grant_at(uint64_t index, struct mm_dma_grant_info *out);
bool dma_info_stream_at(uint64_t index, struct mm_dma_stream_info *out);
void dma_info_sum(struct mm_dma_totals *t);

#endif
