/*
 * backend_anon.c - anonymous memory: the heap, the stacks and MM_MMAP
 * anonymous regions (backend.h).
 *
 * A page is a zeroed frame from the buddy allocator on first touch. The
 * frame is the process's own: on its frame list (page.h: own.next/
 * own.prev, index = the page's virtual address, use PAGE_USE_USER), which
 * is how the present pages of a range are found and how exit frees them.
 * Those helpers (backend_private_*) serve backend_elf.c too.
 *
 * Eviction is refused: an anonymous page that was touched holds data that
 * exists nowhere else, and there is no swap yet to write it to
 * (ERR_NOSYS). The swap-backed backend will be this one plus a swap slot.
 */
#include "backend.h"
#include "buddy.h"
#include "kcall.h"

/* Private frames of p mapped in [from, to): found on p's frame list. */
int backend_private_for_each(struct mm_proc *p, struct mm_region *r, vaddr_t from, vaddr_t to,
			     backend_page_fn fn, uint64_t arg)
{
	uint32_t next;
	for (uint32_t pfn = p->frames; pfn != PAGE_LINK_NONE; pfn = next) {
		struct page *pg = pfn_to_page(pfn);
		next = pg->own.next;
		if (pg->use != PAGE_USE_USER || pg->index < from || pg->index >= to)
			continue;
		int err = fn(p, r, pg->index, pfn, arg);
		if (err)
			return err;
	}
	return 0;
}

int backend_private_unmap(struct mm_proc *p, struct mm_region *r, vaddr_t va, pfn_t pfn)
{
	int64_t old = kcall_unmap(p->pid, va);
	if (old == -ERR_SRCH)
		return -ERR_SRCH;       /* exiting: its exit report frees the frame */
	if (old < 0) {
		mm_bug("backend_private_unmap: pid %d page %#lx is on its frame list but not mapped: %s",
		       p->pid, (unsigned long)va, pagoda_strerror((int)-old));
		return -ERR_BUG;
	}
	if (mm_proc_disown(p, pfn) == 0)
		buddy_free(pfn, 0);
	return 0;
}

/* Nothing to drop: the region's frames are on the process's list. */
void backend_private_detach(struct mm_proc *p, struct mm_region *r)
{
}

static pfn_t anon_fill(struct mm_proc *p, struct mm_region *r, vaddr_t va)
{
	return buddy_alloc(0, MM_ZERO);
}

static int anon_evict(struct mm_proc *p, struct mm_region *r, vaddr_t va, pfn_t pfn)
{
	return -ERR_NOSYS;      /* no swap: the page's data exists only here */
}

const struct mm_backend backend_anon = {
	.name = "anonymous",
	.private_frames = true,
	.fill = anon_fill,
	.for_each_present = backend_private_for_each,
	.unmap = backend_private_unmap,
	.evict = anon_evict,
	.detach = backend_private_detach,
};
