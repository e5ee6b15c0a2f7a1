/*
 * meminfo.c - the allocators' figures for memstat: MM_BUDDYINFO (the
 * buddy allocator's free lists per zone and order, like Linux's
 * /proc/buddyinfo) and MM_SLABINFO (one slab cache a request, like a line
 * of /proc/slabinfo). `memstat buddy` and `memstat slab` print them
 * (docs/memstat.md); buddy_dump() and slab_dump() print the same tables
 * on mm's console.
 *
 * Both only read: the free lists and caches are reported as they are
 * (MM_STAT, by contrast, shrinks the slab caches first and counts mm's
 * spare page-table frames as free, so its free count can exceed the sum
 * of the buddy lists by those frames). Decode, then invoke: the caller
 * must be a live process, the size must be exactly the struct's, the
 * cache index below the count; only then is the struct filled and copied
 * out (mm_copy_to, ERR_FAULT if the buffer is not the caller's writable
 * memory). A refused request changes nothing.
 *
 * Invariant a client can check: for every zone, the sum over orders k of
 * free[k] << k equals free_pages (buddy.c's B-invariants keep the counts
 * and the lists in step; the host tests check it after a random
 * workload).
 */
#include <string.h>
#include "mm.h"
#include "buddy.h"
#include "slab.h"
#include "zone.h"

_Static_assert(MM_MAX_ORDER_INFO == MM_MAX_ORDER, "MM_BUDDYINFO lists every order");
_Static_assert(MM_INFO_ZONES == MM_NR_ZONES, "MM_BUDDYINFO lists every zone");
_Static_assert(MM_SLAB_NAME_LEN == SLAB_NAME_MAX, "a cache's name fits");

static void fill_buddyinfo(struct mm_buddyinfo *b)
{
	memset(b, 0, sizeof *b);
	for (int z = 0; z < MM_NR_ZONES; z++) {
		const struct zone *zone = &mm_zones[z];
		for (unsigned k = 0; k <= MM_MAX_ORDER; k++)
			b->free[z][k] = zone->free_area[k].nr_free;
		b->free_pages[z] = zone->free_pages;
		b->managed_pages[z] = zone->managed_pages;
		strncpy(b->zone_name[z], zone->name ? zone->name : "", sizeof b->zone_name[z] - 1);
	}
}

int mm_handle_buddyinfo(const struct ipc_msg *req, const struct ipc_from *from,
			struct ipc_msg *reply)
{
	struct mm_proc *p = mm_caller(from);
	struct mm_buddyinfo b;
	if (!p)
		return mm_reply(reply, -ERR_SRCH);
	if (req->w[1] != sizeof b)
		return mm_reply(reply, -ERR_INVAL);
	fill_buddyinfo(&b);
	if (mm_copy_to(p, req->w[0], &b, sizeof b) < 0)
		return mm_reply(reply, -ERR_FAULT);
	return mm_reply(reply, 0);
}

static void fill_slabinfo(struct mm_slabinfo *si, const struct slab_cache *c)
{
	uint64_t slabs = slab_cache_slabs(c);
	memset(si, 0, sizeof *si);
	memcpy(si->name, c->name, sizeof si->name - 1);     /* the last byte stays NUL */
	si->object_size = c->size;
	si->stride = c->stride;
	si->active_objs = c->active_objs;
	si->total_objs = slabs * c->objs_per_slab;
	si->objs_per_slab = c->objs_per_slab;
	si->pages_per_slab = 1ULL << c->order;
	si->slabs_full = c->nr_slabs[SLAB_FULL];
	si->slabs_partial = c->nr_slabs[SLAB_PARTIAL];
	si->slabs_empty = c->nr_slabs[SLAB_EMPTY];
	si->pages = slabs << c->order;
	si->allocs = c->nr_allocs;
	si->frees = c->nr_frees;
	si->grows = c->nr_grows;
	si->reaped_pages = c->nr_reaped_pages;
	si->fails = c->nr_fails;
	si->flags = ((c->flags & SLAB_DEBUG) ? MM_SLABINFO_DEBUG : 0) |
		    ((c->flags & SLAB_OFF_SLAB) ? MM_SLABINFO_OFF_SLAB : 0) |
		    (c->ctor ? MM_SLABINFO_CTOR : 0);
}

int mm_handle_slabinfo(const struct ipc_msg *req, const struct ipc_from *from,
		       struct ipc_msg *reply)
{
	struct mm_proc *p = mm_caller(from);
	struct mm_slabinfo si;
	unsigned count;
	if (!p)
		return mm_reply(reply, -ERR_SRCH);
	if (req->w[2] != sizeof si)
		return mm_reply(reply, -ERR_INVAL);
	const struct slab_cache *c = slab_cache_nth(req->w[0] < UINT32_MAX ? (unsigned)req->w[0]
						     : UINT32_MAX, &count);
	if (!c)
		return mm_reply(reply, -ERR_NOENT);
	fill_slabinfo(&si, c);
	if (mm_copy_to(p, req->w[1], &si, sizeof si) < 0)
		return mm_reply(reply, -ERR_FAULT);
	reply->w[0] = count;
	return mm_reply(reply, 0);
}
