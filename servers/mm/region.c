/*
 * region.c - a process's regions: the parts of its address space it may
 * use, with their rights and the source of their pages.
 *
 * A sorted singly linked list per process (a handful of regions each: the
 * program's segments, heap, stack, and MM_MMAP regions). Regions never
 * overlap; region_add refuses one that would. A region says nothing about
 * which of its pages are present: the kernel's page tables know that, and
 * the server learns it from faults (fill) and from SYS_MM_UNMAP (which
 * returns the frame, if there was one).
 */
#include "mm.h"
#include "buddy.h"
#include "slab.h"
#include "mm_env.h"
#include "kcall.h"

static struct slab_cache *region_cache;

void region_init(void)
{
	region_cache = slab_cache_create("mm_region", sizeof(struct mm_region), 8, NULL);
}

struct mm_region *region_find(struct mm_proc *p, vaddr_t va)
{
	for (struct mm_region *r = p->regions; r && r->start <= va; r = r->next)
		if (va < r->end)
			return r;
	return NULL;
}

struct mm_region *region_of_kind(struct mm_proc *p, enum region_kind kind)
{
	for (struct mm_region *r = p->regions; r; r = r->next)
		if (r->kind == kind)
			return r;
	return NULL;
}

/* No region but `except` meets [start, end). */
bool region_range_free(struct mm_proc *p, vaddr_t start, vaddr_t end, const struct mm_region *except)
{
	for (struct mm_region *r = p->regions; r; r = r->next)
		if (r != except && r->start < end && start < r->end)
			return false;
	return true;
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
	*r = (struct mm_region){ .start = start, .end = end, .prot = prot, .kind = kind };
	struct mm_region **link = &p->regions;
	while (*link && (*link)->start < start)
		link = &(*link)->next;
	r->next = *link;
	*link = r;
	if (out)
		*out = r;
	return 0;
}

typedef void (*page_fn)(struct mm_proc *p, vaddr_t va, pfn_t pfn, bool private_page, uint64_t arg);

/* Call fn for every present page of r in [from, to). Private pages are
 * found on the frame list (cost: resident pages, not the size of the
 * range); a shared region's on its object. fn may free the frame. */
static void for_each_present(struct mm_proc *p, struct mm_region *r, vaddr_t from, vaddr_t to,
			     page_fn fn, uint64_t arg)
{
	if (r->kind == REGION_SHARED) {
		for (vaddr_t va = from; va < to; va += PAGE_SIZE) {
			pfn_t pfn = shm_page(r->shm, (va - r->start) >> PAGE_SHIFT);
			if (pfn != PFN_NONE)
				fn(p, va, pfn, false, arg);
		}
		return;
	}
	uint32_t next;
	for (uint32_t pfn = p->frames; pfn != PAGE_LINK_NONE; pfn = next) {
		struct page *pg = pfn_to_page(pfn);
		next = pg->own.next;
		if (pg->use == PAGE_USE_USER && pg->index >= from && pg->index < to)
			fn(p, pg->index, pfn, true, arg);
	}
}

static void unmap_one(struct mm_proc *p, vaddr_t va, pfn_t pfn, bool private_page, uint64_t arg)
{
	int64_t err = kcall_unmap(p->pid, va);
	if (!private_page)
		return;                 /* the frame is the shared object's */
	if (err < 0)
		mm_bug("region_unmap_pages: pid %d page %#lx was not mapped", p->pid, (unsigned long)va);
	mm_proc_disown(p, pfn);
	buddy_free(pfn, 0);
}

static void protect_one(struct mm_proc *p, vaddr_t va, pfn_t pfn, bool private_page, uint64_t rights)
{
	kcall_protect(p->pid, va, rights);
}

/* Unmap every present page of r in [from, to); private frames are freed. */
void region_unmap_pages(struct mm_proc *p, struct mm_region *r, vaddr_t from, vaddr_t to)
{
	for_each_present(p, r, from, to, unmap_one, 0);
}

/* Give r the rights of prot, and every page of it already present. */
void region_protect(struct mm_proc *p, struct mm_region *r, unsigned prot)
{
	r->prot = prot;
	for_each_present(p, r, r->start, r->end, protect_one, mm_rights(prot));
}

void region_remove(struct mm_proc *p, struct mm_region *r)
{
	struct mm_region **link = &p->regions;
	while (*link && *link != r)
		link = &(*link)->next;
	if (*link)
		*link = r->next;
	if (r->shm)
		shm_put(r->shm);
	slab_free(region_cache, r);
}

/* For a dead process: drop every region (its frames go with the list). */
void region_remove_all(struct mm_proc *p)
{
	while (p->regions)
		region_remove(p, p->regions);
}
