/*
 * shm.c - shared memory objects: pages that several processes map.
 *
 * MM_MMAP with MM_MAP_SHARED names an object by a 64-bit key. The first
 * mapping creates it (with the requested size); later ones with the same
 * key and size map the same frames. A page is allocated, zeroed, on the
 * first fault in any process, and is recorded in the object, so every
 * other process that touches it gets the same frame. The object counts
 * its references (shm_get to shm_put) and frees its frames when the last
 * one goes.
 *
 * Reverse map. A shared frame's descriptor (page.h) records its object
 * and its index in it, and the object keeps a list of every region that
 * maps it (shm_attach to shm_detach, linked through the regions' shm_next;
 * each region knows its process). So from a frame alone, shm_rmap_walk
 * finds every (process, address) where it may be mapped: what a later
 * swap needs to unmap a shared frame everywhere before writing it out.
 * Today it checks teardown: a frame about to be freed must be mapped by
 * no region any more.
 *
 * Swap. A shared page is swappable like a private one (swap.h), with one
 * record for the object, not one per process: shm_evict_page unmaps the
 * frame from every mapping the reverse map finds, ORs their dirty bits,
 * and writes the page to a slot (or drops it, clean with a valid copy);
 * each process faults it back on its own, and the first one reads it
 * (shm_page_fill_by), the others find the frame in the object. A mapping
 * that goes away without unmapping (its process's exit) takes its dirty
 * bits with it, so detaching marks the object's pages PG_DIRTY.
 *
 * Invariants: pages[i] != PFN_NONE has use PAGE_USE_USER, owner
 * PAGE_OWNER_MM, object = this object, index = i; every region on
 * mappings has shm = this object; refs >= the number of mappings.
 * Not supported: resizing, sharing with a different size.
 */
#include "mm.h"
#include "buddy.h"
#include "slab.h"
#include "kmalloc.h"
#include "mm_env.h"
#include "kcall.h"
#include "reclaim.h"
#include "swap.h"

#define SHM_MAX_PAGES 16384     /* 64 MiB: the page array fits kmalloc's 128 KiB */

struct shm_obj {
	uint64_t key;
	uint64_t npages;
	int refs;
	pfn_t *pages;               /* npages entries, PFN_NONE until touched */
	struct mm_region *mappings; /* regions mapping it, through shm_next */
	struct swap_ent *swapped;   /* its pages with a swap slot (swap.c) */
	struct shm_obj *next;
};

static struct slab_cache *shm_cache;
static struct shm_obj *objects;

void shm_init(void)
{
	shm_cache = slab_cache_create("mm_shm", sizeof(struct shm_obj), 8, NULL);
}

/* The object for key, created if new; NULL if the size disagrees or
 * memory is short. Takes a reference. */
struct shm_obj *shm_get(uint64_t key, uint64_t npages)
{
	if (npages == 0 || npages > SHM_MAX_PAGES)
		return NULL;
	for (struct shm_obj *o = objects; o; o = o->next) {
		if (o->key != key)
			continue;
		if (o->npages != npages)
			return NULL;
		o->refs++;
		return o;
	}
	struct shm_obj *o = slab_alloc(shm_cache, 0);
	pfn_t *pages = kmalloc(npages * sizeof(pfn_t), 0);
	if (!o || !pages) {
		if (o)
			slab_free(shm_cache, o);
		kfree(pages);
		return NULL;
	}
	for (uint64_t i = 0; i < npages; i++)
		pages[i] = PFN_NONE;
	*o = (struct shm_obj){ .key = key, .npages = npages, .refs = 1, .pages = pages, .next = objects };
	objects = o;
	return o;
}

/* Page index of o: its frame, or PFN_NONE if never touched. */
pfn_t shm_page(struct shm_obj *o, uint64_t index)
{
	return index < o->npages ? o->pages[index] : PFN_NONE;
}

/* Page index of o, allocated (zeroed) on first use. */
pfn_t shm_page_fill(struct shm_obj *o, uint64_t index)
{
	return shm_page_fill_by(o, index, NULL);
}

/* The same for a fault of p: a page on swap is read back (p's major fault). */
pfn_t shm_page_fill_by(struct shm_obj *o, uint64_t index, struct mm_proc *p)
{
	if (index >= o->npages)
		return PFN_NONE;
	if (o->pages[index] == PFN_NONE) {
		int err = 0;
		pfn_t pfn = o->swapped ? swap_load(o, index, p, 0, &err) : PFN_NONE;
		if (pfn == PFN_NONE && !err)
			pfn = reclaim_alloc_user(MM_ZERO);
		if (pfn == PFN_NONE)
			return PFN_NONE;
		struct page *pg = pfn_to_page(pfn);
		pg->use = PAGE_USE_USER;
		pg->owner = PAGE_OWNER_MM;
		pg->index = index;
		pg->object = (uint64_t)(uintptr_t)o;
		o->pages[index] = pfn;
		reclaim_admit(pfn);
	}
	return o->pages[index];
}

struct swap_ent **shm_swapped(struct shm_obj *o)
{
	return &o->swapped;
}

static int unmap_everywhere(struct mm_proc *p, struct mm_region *r, vaddr_t va, void *arg)
{
	int64_t old = kcall_unmap(p->pid, va);     /* ERR_NOENT: not touched there */
	if (old >= 0 && (old & MM_PTE_DIRTY))
		*(bool *)arg = true;
	return 0;
}

/* Reclaim wants shared frame pfn back: unmapped from every process, then
 * saved to swap (or dropped: clean with a valid copy, or never written)
 * and freed. 0, or why not (the frame stays in the object; the processes
 * fault it back in without I/O). */
int shm_evict_page(pfn_t pfn)
{
	struct page *pg = pfn_to_page(pfn);
	struct shm_obj *o = (struct shm_obj *)(uintptr_t)pg->object;
	uint64_t index = pg->index;
	if (pg->flags & PG_PINNED)
		return -ERR_BUSY;
	if (!(pg->flags & PG_SWAPCACHE) && !swap_room() && (pg->flags & PG_DIRTY))
		return swap_slots_total() ? -ERR_NOSPC : -ERR_NOSYS;
	bool dirty = pg->flags & PG_DIRTY;
	int err = shm_rmap_walk(pfn, unmap_everywhere, &dirty);
	if (err < 0)
		return err;
	if (dirty || (pg->flags & PG_SWAPCACHE))
		err = swap_save(&o->swapped, o, index, NULL, pfn, dirty, 0);
	if (err < 0) {
		pg->flags |= dirty ? PG_DIRTY : 0;
		return err;
	}
	pg->flags &= (uint8_t)~PG_DIRTY;
	o->pages[index] = PFN_NONE;
	reclaim_forget(pfn);
	buddy_free(pfn, 0);
	return 0;
}

/* A mapping went without its dirty bits (exit) or with them: from now on
 * every page it may have written counts as written. */
static void mark_written(struct shm_obj *o)
{
	for (uint64_t i = 0; i < o->npages; i++)
		if (o->pages[i] != PFN_NONE)
			pfn_to_page(o->pages[i])->flags |= PG_DIRTY;
}

/* Region r maps o (r->shm is set here); the reference is the caller's,
 * from shm_get, and shm_detach gives it back. */
void shm_attach(struct shm_obj *o, struct mm_region *r)
{
	r->shm = o;
	r->shm_next = o->mappings;
	o->mappings = r;
}

/* Region r no longer maps its object: off the reverse map, reference dropped. */
void shm_detach(struct mm_region *r)
{
	struct shm_obj *o = r->shm;
	struct mm_region **link = &o->mappings;
	while (*link && *link != r)
		link = &(*link)->shm_next;
	if (*link)
		*link = r->shm_next;
	else
		mm_bug("shm_detach: region %#lx of pid %d is not on key %#lx's mappings",
		       (unsigned long)r->start, r->proc ? r->proc->pid : -1, (unsigned long)o->key);
	r->shm = NULL;
	r->shm_next = NULL;
	mark_written(o);
	shm_put(o);
}

/* Every place the shared frame pfn may be mapped: fn(process, region,
 * address, arg) for each region mapping its object, until fn returns
 * non-zero (returned); 0 after the last. The object and the index come
 * from the frame's descriptor. -ERR_BUG if pfn is not a shared frame. */
int shm_rmap_walk(pfn_t pfn, shm_rmap_fn fn, void *arg)
{
	const struct page *pg = pfn_to_page(pfn);
	const struct shm_obj *o = (const struct shm_obj *)(uintptr_t)pg->object;
	if (pg->use != PAGE_USE_USER || pg->owner != PAGE_OWNER_MM || !o) {
		mm_bug("shm_rmap_walk: pfn %lu is not a shared page", (unsigned long)pfn);
		return -ERR_BUG;
	}
	for (struct mm_region *r = o->mappings; r; r = r->shm_next) {
		int err = fn(r->proc, r, r->start + (pg->index << PAGE_SHIFT), arg);
		if (err)
			return err;
	}
	return 0;
}

static int count_mapping(struct mm_proc *p, struct mm_region *r, vaddr_t va, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

/* Teardown: the frame's descriptor must name o and index, and no region
 * may map it any more (else a process keeps a mapping of a freed frame). */
static void free_page(struct shm_obj *o, uint64_t index)
{
	pfn_t pfn = o->pages[index];
	const struct page *pg = pfn_to_page(pfn);
	int mapped = 0;
	if (pg->object != (uint64_t)(uintptr_t)o || pg->index != index)
		mm_bug("shm_put: pfn %lu of key %#lx page %lu names another object or index",
		       (unsigned long)pfn, (unsigned long)o->key, (unsigned long)index);
	else if (shm_rmap_walk(pfn, count_mapping, &mapped) == 0 && mapped)
		mm_bug("shm_put: pfn %lu of key %#lx is freed while %d regions map it",
		       (unsigned long)pfn, (unsigned long)o->key, mapped);
	reclaim_forget(pfn);
	buddy_free(pfn, 0);
}

void shm_put(struct shm_obj *o)
{
	if (--o->refs > 0)
		return;
	swap_forget_all(&o->swapped);
	for (uint64_t i = 0; i < o->npages; i++)
		if (o->pages[i] != PFN_NONE)
			free_page(o, i);
	struct shm_obj **link = &objects;
	while (*link && *link != o)
		link = &(*link)->next;
	if (*link)
		*link = o->next;
	kfree(o->pages);
	slab_free(shm_cache, o);
}
