/*
 * shm.c - shared memory objects: pages that several processes map.
 *
 * MM_MMAP with MM_MAP_SHARED names an object by a 64-bit key. The first
 * mapping creates it (with the requested size); later ones with the same
 * key and size map the same frames. A page is allocated, zeroed, on the
 * first fault in any process, and is recorded in the object, so every
 * other process that touches it gets the same frame. The object counts
 * the regions that map it and frees its frames when the last one goes.
 * Not supported: resizing, sharing with a different size, swapping.
 */
#include "mm.h"
#include "buddy.h"
#include "slab.h"
#include "kmalloc.h"
#include "mm_env.h"

#define SHM_MAX_PAGES 16384     /* 64 MiB: the page array fits kmalloc's 128 KiB */

struct shm_obj {
	uint64_t key;
	uint64_t npages;
	int refs;
	pfn_t *pages;               /* npages entries, PFN_NONE until touched */
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
	if (index >= o->npages)
		return PFN_NONE;
	if (o->pages[index] == PFN_NONE) {
		pfn_t pfn = buddy_alloc(0, MM_ZERO);
		if (pfn != PFN_NONE) {
			struct page *pg = pfn_to_page(pfn);
			pg->use = PAGE_USE_USER;
			pg->owner = PAGE_OWNER_MM;
			pg->index = index;
			pg->object = (uint64_t)(uintptr_t)o;
		}
		o->pages[index] = pfn;
	}
	return o->pages[index];
}

void shm_put(struct shm_obj *o)
{
	if (--o->refs > 0)
		return;
	for (uint64_t i = 0; i < o->npages; i++)
		if (o->pages[i] != PFN_NONE)
			buddy_free(o->pages[i], 0);
	struct shm_obj **link = &objects;
	while (*link && *link != o)
		link = &(*link)->next;
	if (*link)
		*link = o->next;
	kfree(o->pages);
	slab_free(shm_cache, o);
}
