/*
 * backend_dma.c - REGION_DMA: the frames of a DMA grant (grant.c), mapped
 * in the driver that owns it and in each process it is shared with
 * (backend.h).
 *
 * A grant's frames are fixed: allocated, zeroed and pinned when the grant
 * is made, mapped into every one of its regions at once (a device does
 * not fault, so its memory is present before it is handed out), and
 * freed only by the grant. So fill just names the grant's frame for the
 * page (it runs only if a mapping went missing, e.g. when mm copies into
 * a grant the process passed as a buffer), the present pages of a range
 * are all of its pages, and evict always refuses: a page a device may be
 * reading or writing can be neither swapped nor moved. An unmap leaves
 * the frame to the grant, as backend_shm leaves its frame to the object.
 */
#include "backend.h"
#include "dma.h"
#include "kcall.h"

static uint64_t page_index(const struct mm_region *r, vaddr_t va)
{
	return (va - r->start) >> PAGE_SHIFT;
}

static pfn_t dma_fill(struct mm_proc *p, struct mm_region *r, vaddr_t va)
{
	return grant_frame(r, page_index(r, va));
}

static int dma_for_each(struct mm_proc *p, struct mm_region *r, vaddr_t from, vaddr_t to,
			backend_page_fn fn, uint64_t arg)
{
	for (vaddr_t va = from; va < to; va += PAGE_SIZE) {
		pfn_t pfn = grant_frame(r, page_index(r, va));
		int err = pfn == PFN_NONE ? 0 : fn(p, r, va, pfn, arg);
		if (err)
			return err;
	}
	return 0;
}

static int dma_unmap(struct mm_proc *p, struct mm_region *r, vaddr_t va, pfn_t pfn)
{
	int64_t old = kcall_unmap(p->pid, va);
	return old == -ERR_SRCH ? -ERR_SRCH : 0;    /* ERR_NOENT: never mapped (a failed map) */
}

static int dma_evict(struct mm_proc *p, struct mm_region *r, vaddr_t va, pfn_t pfn)
{
	return -ERR_BUSY;           /* pinned: a device may be using it */
}

static void dma_detach(struct mm_proc *p, struct mm_region *r)
{
	grant_region_gone(r);
}

const struct mm_backend backend_dma = {
	.name = "dma",
	.private_frames = false,
	.fill = dma_fill,
	.for_each_present = dma_for_each,
	.unmap = dma_unmap,
	.evict = dma_evict,
	.detach = dma_detach,
};
