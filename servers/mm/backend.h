/*
 * backend.h - memory backends: where a region's pages come from, where
 * they go, and how the server finds the ones that are present.
 *
 * Every region (region.c) points at one backend, a table of operations
 * chosen from the region's kind when the region is made. The fault path
 * (fault.c) asks the backend for a frame holding the page and maps it; an
 * unmap (MM_MUNMAP, heap shrink) asks it to find the region's present
 * pages and give each back; reclaim (reclaim.c) asks it to give a page
 * up. Today there are four:
 *
 *   backend_anon  (backend_anon.c) heap, stack, MM_MMAP anonymous: a zeroed
 *                 frame on first touch; the frame is the process's.
 *   backend_elf   (backend_elf.c) a program segment: the module's file bytes,
 *                 then zeros; the frame is the process's. A page never
 *                 written can be given up and read again from the module.
 *   backend_shm   (backend_shm.c) MM_MAP_SHARED: the shared object's frame
 *                 (shm.c); the frame is the object's, not the process's.
 *   backend_mmio  (backend_mmio.c) MM_DEV_MMIO: a page of a device's BAR.
 *                 Device memory is not RAM: no descriptor, nobody's frame;
 *                 the backend maps it itself (map, not fill) and never
 *                 gives it up.
 *   backend_dma   (backend_dma.c) a DMA grant (grant.c): its fixed, pinned
 *                 frames, in its owner and in each process it is shared
 *                 with; the frames are the grant's. Nothing is evicted.
 *
 * The first three are swap-backed (swap.h, docs/swap.md): evict writes a
 * page that was written to a swap slot (or drops a clean one), fill reads
 * it back first, a major fault.
 *
 * The two private-frame backends share their bookkeeping: their frames are
 * on the process's frame list (page.h: own.next/own.prev, index = virtual
 * address), which is how their present pages are found (cost: the
 * process's resident pages, not the size of the range) and how exit frees
 * them. The backend_private_* helpers below do that for both.
 *
 * Not supported: a backend per region instance (a region's backend data
 * lives in the region: file_* for ELF, shm for shared, grant for DMA).
 */
#ifndef MM_BACKEND_H
#define MM_BACKEND_H

#include "mm.h"

/* Visitor of a present page: 0 to go on, -ERR_x to stop (returned). */
typedef int (*backend_page_fn)(struct mm_proc *p, struct mm_region *r, vaddr_t va, pfn_t pfn,
			       uint64_t arg);

struct mm_backend {
	const char *name;
	/* true: fill returns a new frame that becomes the process's once it
	 * is mapped (mm_proc_own), and is freed if the mapping fails. false:
	 * the frame belongs to someone else (a shared object) and stays his. */
	bool private_frames;
	/* A frame holding the contents of page va of r (not yet mapped), or
	 * PFN_NONE when memory is short. */
	pfn_t (*fill)(struct mm_proc *p, struct mm_region *r, vaddr_t va);
	/* Instead of fill, for memory that is not frames of mm's (devices):
	 * map page va of r in p itself. 0 (another thread mapping it first
	 * is success too), or -ERR_x. NULL for RAM backends. */
	int (*map)(struct mm_proc *p, struct mm_region *r, vaddr_t va);
	/* Call fn for every page of r in [from, to) that may be mapped in p,
	 * with its frame, until fn returns non-zero (which is returned); 0
	 * when all were visited. fn may unmap the page and free the frame.
	 * (MMIO: the frame number of device memory, which has no descriptor.) */
	int (*for_each_present)(struct mm_proc *p, struct mm_region *r, vaddr_t from, vaddr_t to,
				backend_page_fn fn, uint64_t arg);
	/* Unmap page va (frame pfn) from p and give the frame back: a private
	 * frame is freed, a shared one stays with its object. 0, or -ERR_SRCH
	 * when p is gone (the caller stops: p's exit report frees the rest). */
	int (*unmap)(struct mm_proc *p, struct mm_region *r, vaddr_t va, pfn_t pfn);
	/* Reclaim wants present page va (frame pfn) of p back: write it back
	 * or give it up (then it is unmapped and its frame freed, and the
	 * next touch fills it again): 0. Or keep it: -ERR_BUSY (it holds data
	 * that exists nowhere else), -ERR_NOSYS (this backend cannot yet). */
	int (*evict)(struct mm_proc *p, struct mm_region *r, vaddr_t va, pfn_t pfn);
	/* r is being removed (MM_MUNMAP, exit), its pages already unmapped or
	 * about to be freed with the frame list: drop what the backend holds
	 * for the region (a shared object's reference and reverse map). */
	void (*detach)(struct mm_proc *p, struct mm_region *r);
};

extern const struct mm_backend backend_anon;
extern const struct mm_backend backend_elf;
extern const struct mm_backend backend_shm;
extern const struct mm_backend backend_mmio;
extern const struct mm_backend backend_dma;

/* backend_anon.c: the bookkeeping of private frames, for anon and ELF. */
int backend_private_for_each(struct mm_proc *p, struct mm_region *r, vaddr_t from, vaddr_t to,
			     backend_page_fn fn, uint64_t arg);
int backend_private_unmap(struct mm_proc *p, struct mm_region *r, vaddr_t va, pfn_t pfn);
void backend_private_detach(struct mm_proc *p, struct mm_region *r);
/* Swap for private pages (swap.h): evict (refillable: a clean page
 * without a slot may just be dropped) and the fill's first step. */
int backend_private_evict(struct mm_proc *p, struct mm_region *r, vaddr_t va, pfn_t pfn,
			  bool refillable);
pfn_t backend_private_swapin(struct mm_proc *p, struct mm_region *r, vaddr_t va, int *err);

#endif
