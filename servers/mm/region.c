/*
 * region.c - a process's regions: the parts of its address space it may
 * use, with their rights and the source of their pages.
 *
 * A sorted singly linked list per process (a handful of regions each: the
 * program's segments, heap, stack, and MM_MMAP regions). Regions never
 * overlap; region_add refuses one that would. MM_MMAP places a region in
 * the first gap big enough (region_find_gap: first fit, an unmapped page
 * kept on each side), so address ranges given back by MM_MUNMAP are used
 * again, and the page tables that mapped them with them. A stack region
 * (the main stack, MM_MAP_STACK) is guarded: the page just below it
 * belongs to no region, no other region may take it, and a fault there
 * is reported as a stack overflow (fault.c). A region says nothing about
 * which of its pages are present: the kernel's page tables know that, and
 * the server learns it from faults (fill) and from SYS_MM_UNMAP (which
 * returns the frame, if there was one).
 *
 * Everything that depends on where the pages come from goes through the
 * region's backend (backend.h), picked from its kind by region_add: the
 * present pages of a range are found by backend->for_each_present, and
 * unmapping, protecting and evicting visit just those.
 */
#include "mm.h"
#include "backend.h"
#include "buddy.h"
#include "slab.h"
#include "mm_env.h"
#include "kcall.h"
#include "swap.h"
#include "lab.h"

static struct slab_cache *region_cache;

static const struct mm_backend *const backend_of[] = {
	[REGION_ELF]    = &backend_elf,
	[REGION_HEAP]   = &backend_anon,
	[REGION_STACK]  = &backend_anon,
	[REGION_ANON]   = &backend_anon,
	[REGION_SHARED] = &backend_shm,
	[REGION_MMIO]   = &backend_mmio,
	[REGION_DMA]    = &backend_dma,
};

void region_init(void)
{
	region_cache = slab_cache_create("mm_region", sizeof(struct mm_region), 8, NULL);
}

struct mm_region *region_find(struct mm_proc *p, vaddr_t va)
{
	/* LAB fault: region_find: the region of p holding va, from the sorted list, or NULL */
	for (struct mm_region *r = p->regions; r && r->start <= va; r = r->next)
		if (va < r->end)
			return r;
	return NULL;
	/* LAB fault STUB: LAB_MISSING("fault", "region_find"); */
	/* LAB fault STUB: (void)p; (void)va; */
	/* LAB fault STUB: return NULL; */
	/* LAB fault END */
}

struct mm_region *region_of_kind(struct mm_proc *p, enum region_kind kind)
{
	for (struct mm_region *r = p->regions; r; r = r->next)
		if (r->kind == kind)
			return r;
	return NULL;
}

/* LAB fault: region_low: the lowest address a region occupies, its guard page included */
/* The lowest address r occupies: its guard page counts. */
static vaddr_t region_low(const struct mm_region *r)
{
	return r->guard ? r->start - PAGE_SIZE : r->start;
}
/* LAB fault END */

/* No region but `except`, nor its guard page, meets [start, end). */
bool region_range_free(struct mm_proc *p, vaddr_t start, vaddr_t end, const struct mm_region *except)
{
	/* LAB fault: region_range_free: no region but except, guard pages included, meets [start, end) */
	for (struct mm_region *r = p->regions; r; r = r->next)
		if (r != except && region_low(r) < end && start < r->end)
			return false;
	return true;
	/* LAB fault STUB: LAB_MISSING("fault", "region_range_free"); */
	/* LAB fault STUB: (void)p; (void)start; (void)end; (void)except; */
	/* LAB fault STUB: return false; */
	/* LAB fault END */
}

/* The guarded region whose guard page holds addr, or NULL. */
struct mm_region *region_guarded_by(struct mm_proc *p, vaddr_t addr)
{
	/* LAB fault: region_guarded_by: the guarded region whose guard page holds addr, or NULL */
	struct mm_region *r = region_find(p, addr + PAGE_SIZE);
	return r && r->guard && addr < r->start ? r : NULL;
	/* LAB fault STUB: LAB_MISSING("fault", "region_guarded_by"); */
	/* LAB fault STUB: (void)p; (void)addr; */
	/* LAB fault STUB: return NULL; */
	/* LAB fault END */
}

/* The lowest start in [lo, hi) of len bytes (page multiple) with an
 * unmapped page between it and every region on either side: first fit
 * over the sorted list. 0 if there is no such gap. */
vaddr_t region_find_gap(struct mm_proc *p, uint64_t len, vaddr_t lo, vaddr_t hi)
{
	/* LAB fault: region_find_gap: first fit over the sorted list, a free page on either side */
	vaddr_t start = lo;
	for (struct mm_region *r = p->regions; r; r = r->next) {
		if (r->end + PAGE_SIZE <= start)
			continue;               /* wholly below, with its gap page */
		if (start + len + PAGE_SIZE <= region_low(r))
			break;                  /* fits before r, a gap page to spare */
		start = r->end + PAGE_SIZE;
	}
	return start >= lo && start <= hi && len <= hi - start ? start : 0;
	/* LAB fault STUB: LAB_MISSING("fault", "region_find_gap"); */
	/* LAB fault STUB: (void)p; (void)len; (void)lo; (void)hi; */
	/* LAB fault STUB: return 0; */
	/* LAB fault END */
}

int region_add(struct mm_proc *p, vaddr_t start, vaddr_t end, unsigned prot,
	       enum region_kind kind, struct mm_region **out)
{
	if (start >= end || (start & ~PAGE_MASK) || (end & ~PAGE_MASK) || end > USER_TOP ||
	    start < USER_MIN)
		return -ERR_INVAL;
	if (!region_range_free(p, start, end, NULL))
		return -ERR_BUSY;
	struct mm_region *r = slab_alloc(region_cache, 0);
	if (!r)
		return -ERR_NOMEM;
	*r = (struct mm_region){ .start = start, .end = end, .prot = prot, .kind = kind,
				 .backend = backend_of[kind], .proc = p };
	struct mm_region **link = &p->regions;
	while (*link && (*link)->start < start)
		link = &(*link)->next;
	r->next = *link;
	*link = r;
	if (out)
		*out = r;
	return 0;
}

static int unmap_one(struct mm_proc *p, struct mm_region *r, vaddr_t va, pfn_t pfn, uint64_t arg)
{
	return r->backend->unmap(p, r, va, pfn);
}

static int protect_one(struct mm_proc *p, struct mm_region *r, vaddr_t va, pfn_t pfn, uint64_t rights)
{
	int err = kcall_protect(p->pid, va, rights);
	return err == -ERR_SRCH ? err : 0;   /* ERR_NOENT: a shared page not touched here */
}

/* 1: found and given up (stops the walk), else the backend's refusal. */
static int evict_one(struct mm_proc *p, struct mm_region *r, vaddr_t va, pfn_t pfn, uint64_t arg)
{
	int err = r->backend->evict(p, r, va, pfn);
	return err ? err : 1;
}

/* Unmap every present page of r in [from, to); private frames are freed,
 * and so are the page tables left empty. 0, or -ERR_SRCH if p died
 * meanwhile (another of its threads exited): the unmapping stops there,
 * and p's exit report frees what is left. */
int region_unmap_pages(struct mm_proc *p, struct mm_region *r, vaddr_t from, vaddr_t to)
{
	from = from > r->start ? from : r->start;       /* r's pages only */
	to = to < r->end ? to : r->end;
	if (from >= to)
		return 0;
	int err = r->backend->for_each_present(p, r, from, to, unmap_one, 0);
	if (err < 0)
		return err;
	swap_forget_range(&r->swapped, from >> PAGE_SHIFT, to >> PAGE_SHIFT);  /* pages on swap */
	return mm_proc_prune(p, from, to);
}

/* Give r the rights of prot, and every page of it already present.
 * 0, or -ERR_SRCH if p died meanwhile. */
int region_protect(struct mm_proc *p, struct mm_region *r, unsigned prot)
{
	r->prot = prot;
	return r->backend->for_each_present(p, r, r->start, r->end, protect_one, mm_rights(prot));
}

/* Reclaim's entry: ask r's backend to give up the present page at va.
 * 0 (it is gone; the next touch fills it again), -ERR_NOENT (not
 * present), or the backend's refusal (-ERR_BUSY, -ERR_NOSYS). */
int region_evict_page(struct mm_proc *p, struct mm_region *r, vaddr_t va)
{
	int err = r->backend->for_each_present(p, r, va, va + PAGE_SIZE, evict_one, 0);
	return err == 1 ? 0 : err == 0 ? -ERR_NOENT : err;
}

void region_remove(struct mm_proc *p, struct mm_region *r)
{
	struct mm_region **link = &p->regions;
	while (*link && *link != r)
		link = &(*link)->next;
	if (!*link) {
		mm_bug("region_remove: region %#lx of pid %d is not on its list",
		       (unsigned long)r->start, p->pid);
		return;
	}
	*link = r->next;
	budget_region_gone(p, r);
	r->backend->detach(p, r);
	slab_free(region_cache, r);
}

/* For a dead process: drop every region (its frames go with the list). */
void region_remove_all(struct mm_proc *p)
{
	while (p->regions)
		region_remove(p, p->regions);
}
