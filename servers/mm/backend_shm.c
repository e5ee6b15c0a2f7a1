/*
 * backend_shm.c - MM_MAP_SHARED regions: the pages of a shared object
 * (shm.c), the same frames in every process that maps it (backend.h).
 *
 * A fault gets the object's frame for the page's index (allocated, zeroed,
 * by the first process to touch it). The frame belongs to the object: it
 * is on no process's frame list and is not counted as resident, and
 * unmapping a page from one process leaves it to the others. The region is
 * on the object's list of mappings (the reverse map, shm.c) from
 * shm_attach to shm_detach, so a frame can be traced to every process and
 * address that maps it.
 *
 * A region's present pages are the object's frames in its range: the
 * object knows which pages exist, not which of them this process has
 * touched, so unmapping visits some pages the process never mapped (the
 * kernel answers ERR_NOENT; nothing to do).
 *
 * Eviction (shm_evict_page, shm.c) unmaps the frame from every process
 * through the reverse map and writes it to swap; each process faults it
 * back on its own. An unmap here keeps the page's dirty bit (PG_DIRTY),
 * since the other mappers' copy is the same page.
 */
#include "backend.h"
#include "kcall.h"

static uint64_t page_index(const struct mm_region *r, vaddr_t va)
{
	return (va - r->start) >> PAGE_SHIFT;
}

static pfn_t shm_fill(struct mm_proc *p, struct mm_region *r, vaddr_t va)
{
	return shm_page_fill_by(r->shm, page_index(r, va), p);
}

static int shm_for_each(struct mm_proc *p, struct mm_region *r, vaddr_t from, vaddr_t to,
			backend_page_fn fn, uint64_t arg)
{
	for (vaddr_t va = from; va < to; va += PAGE_SIZE) {
		pfn_t pfn = shm_page(r->shm, page_index(r, va));
		int err = pfn == PFN_NONE ? 0 : fn(p, r, va, pfn, arg);
		if (err)
			return err;
	}
	return 0;
}

static int shm_unmap(struct mm_proc *p, struct mm_region *r, vaddr_t va, pfn_t pfn)
{
	int64_t old = kcall_unmap(p->pid, va);
	if (old >= 0 && (old & MM_PTE_DIRTY))
		pfn_to_page(pfn)->flags |= PG_DIRTY;   /* the others' copy must be saved */
	return old == -ERR_SRCH ? -ERR_SRCH : 0;    /* ERR_NOENT: never touched here */
}

static int shm_evict(struct mm_proc *p, struct mm_region *r, vaddr_t va, pfn_t pfn)
{
	return shm_evict_page(pfn);     /* from every process at once */
}

static void shm_region_detach(struct mm_proc *p, struct mm_region *r)
{
	shm_detach(r);
}

const struct mm_backend backend_shm = {
	.name = "shared",
	.private_frames = false,
	.fill = shm_fill,
	.for_each_present = shm_for_each,
	.unmap = shm_unmap,
	.evict = shm_evict,
	.detach = shm_region_detach,
};
