/*
 * grant.c - DMA grants: a driver's coherent DMA memory (docs/dma.md).
 *
 * A grant is what Linux's dma_alloc_coherent gives a driver: `size` bytes
 * (rounded up to pages) of physically contiguous memory below the
 * device's DMA mask, zeroed, with two addresses - where the driver's CPU
 * sees it and where the device does (the bus address). Here the driver
 * is a process, so the grant is also a region of its address space
 * (REGION_DMA, backend_dma.c), mapped at once, and it is tied to one PCI
 * device that the driver must own (the kernel says who owns what:
 * kcall_device_owner) - a process that owns no device gets no DMA memory.
 *
 * Life of a grant:
 *   MM_DMA_ALLOC   frames from dma_frames_alloc (contiguous, below the
 *                  mask, pinned), a bus address from dma_bus_map, a region
 *                  in the driver mapped read-write;
 *   MM_DMA_SHARE   the same frames mapped into another process, read-only
 *                  or read-write (the client whose data it carries; in
 *                  Linux a driver's dma_mmap_coherent maps a buffer into
 *                  a user process this way);
 *   MM_DMA_REVOKE  one share unmapped;
 *   MM_DMA_FREE    unmapped from every share and from the driver, then
 *                  the frames go back to the buddy allocator;
 *   owner's exit   the kernel first stops the driver's devices (bus
 *                  mastering off, read back) and tells how many it could
 *                  not (MM_PROC_EXIT's w2). None: the grants are freed as
 *                  by MM_DMA_FREE. Some: every grant of the driver is
 *                  unmapped everywhere but QUARANTINED - its frames stay
 *                  allocated for ever, since a device that may still be
 *                  running could write them after they were reused.
 * A grant's id counts up from 1 and is never reused, so a stale id (a
 * double free) is ERR_NOENT, not someone else's grant.
 *
 * Its invariants, G1-G7, are checked by grant_check (dma_check.c).
 *
 * Not supported: growing or splitting a grant; a share that outlives the
 * grant (freeing unmaps it); a share of a share; quarantine ending (a
 * quarantined grant is kept until reboot: nothing can prove the device
 * stopped later); a cap on the memory one driver pins beyond
 * MM_DMA_GRANTS_MAX grants of at most MM_DMA_GRANT_MAX each.
 */
#include <pagoda/dev.h>
#include "dma.h"
#include "buddy.h"
#include "slab.h"
#include "kcall.h"
#include "zone.h"
#include "lab.h"                    /* LAB_MISSING: what the lab's stubs call */

static struct slab_cache *grant_cache;
static struct grant *grants;
/* LAB dma: next_id - grant ids count up from 1 and are never reused (make_grant takes them) */
static uint64_t next_id = 1;
/* LAB dma END */

void grant_init(void)
{
	grant_cache = slab_cache_create("mm_grant", sizeof(struct grant), 8, NULL);
}

struct grant *grant_first(void)
{
	return grants;
}

static struct grant *find(uint64_t id)
{
	for (struct grant *g = grants; g; g = g->next)
		if (g->id == id)
			return g;
	return NULL;
}

static unsigned grants_of(int pid)
{
	unsigned n = 0;
	for (struct grant *g = grants; g; g = g->next)
		n += g->owner == pid && !g->quarantined;
	return n;
}

/* LAB dma: link_grant, unlink_grant - the list of grants, oldest first (helpers of make_grant and free_grant) */
static void link_grant(struct grant *g)
{
	struct grant **link = &grants;
	while (*link)
		link = &(*link)->next;
	*link = g;
}

static void unlink_grant(struct grant *g)
{
	struct grant **link = &grants;
	while (*link && *link != g)
		link = &(*link)->next;
	if (*link)
		*link = g->next;
}
/* LAB dma END */

int dma_device_check(const struct mm_proc *p, uint64_t bdf)
{
	if (bdf > DEV_BDF_MAX)
		return -ERR_INVAL;
	int owner = kcall_device_owner((uint32_t)bdf);
	if (owner < 0)
		return owner;           /* ERR_NOENT: no such device; ERR_NOSYS */
	return owner == p->pid ? 0 : -ERR_PERM;
}

/* ---- mapping a grant into a process --------------------------------------- */

/* Unmap region r of p (pages, then the page tables left empty), tell
 * its grant, and drop it. A process that has died meanwhile keeps its
 * mappings until its exit report frees its page tables: it never runs
 * again. */
static void unmap_from(struct mm_proc *p, struct mm_region *r)
{
	region_unmap_pages(p, r, r->start, r->end);
	grant_region_gone(r);
	region_remove(p, r);
}

/* A REGION_DMA region for g in p, every page mapped with prot. */
static int map_into(struct grant *g, struct mm_proc *p, unsigned prot, struct mm_region **out)
{
	uint64_t len = g->npages << PAGE_SHIFT;
	vaddr_t va = region_find_gap(p, len, USER_MMAP_BASE, MMAP_TOP);
	struct mm_region *r;
	if (!va)
		return -ERR_NOMEM;
	int err = region_add(p, va, va + len, prot, REGION_DMA, &r);
	if (err < 0)
		return err;
	r->grant = g;
	for (uint64_t i = 0; i < g->npages && !err; i++)
		err = mm_proc_map(p, va + (i << PAGE_SHIFT), g->pfn + i, prot);
	if (err < 0) {
		unmap_from(p, r);
		return err;
	}
	*out = r;
	return 0;
}

void grant_region_gone(struct mm_region *r)
{
	struct grant *g = r->grant;
	r->grant = NULL;
	if (!g)
		return;                 /* told already (unmap_from) */
	if (g->region == r) {
		g->region = NULL;
		return;
	}
	for (unsigned i = 0; i < g->nshares; i++)
		if (g->shares[i].region == r) {
			g->shares[i] = g->shares[--g->nshares];
			return;
		}
}

/* LAB dma: unshare_all - unmap g from every share (a helper of free_grant and quarantine) */
/* Unmap g from every process it was shared with. */
static void unshare_all(struct grant *g)
{
	while (g->nshares > 0)
		unmap_from(g->shares[0].proc, g->shares[0].region);
}
/* LAB dma END */

static void free_grant(struct grant *g)
{
	/* LAB dma: free_grant - unmap from every share and the driver, bus address, frames, the record: in that order */
	unshare_all(g);
	if (g->region)
		unmap_from(g->region->proc, g->region);
	dma_bus_unmap(g->bdf, g->bus, g->npages);
	dma_frames_free(g->pfn, g->npages);
	unlink_grant(g);
	slab_free(grant_cache, g);
	/* LAB dma STUB: LAB_MISSING("dma", "free_grant"); */
	/* LAB dma STUB: (void)g; */
	/* LAB dma END */
}

/* LAB dma: quarantine - unmapped everywhere, marked, never freed (a helper of dma_proc_exit) */
/* The owner died with a device that may still be running: nobody may
 * reach the frames any more, and nobody may have them again. */
static void quarantine(struct grant *g)
{
	unshare_all(g);
	if (g->region)
		unmap_from(g->region->proc, g->region);
	g->quarantined = true;
}
/* LAB dma END */

void dma_proc_exit(struct mm_proc *p, uint64_t unstopped)
{
	/* LAB dma: dma_proc_exit - each live grant of p: freed, or quarantined if a device was not stopped */
	for (struct grant *g = grants, *next; g; g = next) {
		next = g->next;
		if (g->owner != p->pid || g->quarantined)
			continue;
		if (unstopped)
			quarantine(g);
		else
			free_grant(g);
	}
	/* LAB dma STUB: LAB_MISSING("dma", "dma_proc_exit"); */
	/* LAB dma END */
	dma_stream_proc_exit(p, unstopped);
}

/* ---- the requests ----------------------------------------------------------- */

static bool alloc_args_ok(uint64_t size, uint64_t bits, uint64_t flags)
{
	/* LAB dma: alloc_args_ok - a size of 1 .. MM_DMA_GRANT_MAX bytes, a valid mask, no flags */
	return size > 0 && size <= MM_DMA_GRANT_MAX && dma_mask_valid(bits) && flags == 0;
	/* LAB dma STUB: LAB_MISSING("dma", "alloc_args_ok"); */
	/* LAB dma STUB: (void)size; (void)bits; (void)flags; */
	/* LAB dma STUB: return false; */
	/* LAB dma END */
}

/* A new grant of size bytes for p's device, mapped into p. */
static int make_grant(struct mm_proc *p, uint32_t bdf, uint64_t size, unsigned bits,
		      struct grant **out)
{
	/* LAB dma: make_grant - the record, frames below the mask, an id, a bus address, the driver's mapping; unwind on failure */
	struct grant *g = slab_alloc(grant_cache, 0);
	if (!g)
		return -ERR_NOMEM;
	*g = (struct grant){ .id = 0, .owner = p->pid, .bdf = bdf, .mask_bits = bits,
			     .npages = page_round_up(size) >> PAGE_SHIFT, .size = size };
	g->pfn = dma_frames_alloc(g->npages, bits, g);
	int err = g->pfn == PFN_NONE ? -ERR_NOMEM : 0;
	if (!err) {
		g->id = next_id++;      /* a failed grant's id is never seen: a gap */
		g->bus = dma_bus_map(bdf, g->pfn, g->npages, bits, g->id);
		err = g->bus == PADDR_NONE ? -ERR_NOMEM : map_into(g, p, MM_PROT_READ | MM_PROT_WRITE,
								   &g->region);
		if (err && g->bus != PADDR_NONE)
			dma_bus_unmap(bdf, g->bus, g->npages);
		if (err)
			dma_frames_free(g->pfn, g->npages);
	}
	if (err) {
		slab_free(grant_cache, g);
		return err;
	}
	link_grant(g);
	*out = g;
	return 0;
	/* LAB dma STUB: LAB_MISSING("dma", "make_grant"); */
	/* LAB dma STUB: (void)p; (void)bdf; (void)size; (void)bits; (void)out; */
	/* LAB dma STUB: return -ERR_NOSYS; */
	/* LAB dma END */
}

int mm_handle_dma_alloc(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	struct mm_proc *p = mm_caller(from);
	uint64_t bdf = req->w[0], size = req->w[1], bits = req->w[2];
	if (!p)
		return mm_reply(reply, -ERR_SRCH);
	if (!alloc_args_ok(size, bits, req->w[3]))
		return mm_reply(reply, -ERR_INVAL);
	int err = dma_device_check(p, bdf);
	if (err < 0)
		return mm_reply(reply, err);
	if (grants_of(p->pid) >= MM_DMA_GRANTS_MAX)
		return mm_reply(reply, -ERR_NOSPC);
	struct grant *g = NULL;
	err = make_grant(p, (uint32_t)bdf, size, (unsigned)bits, &g);
	if (err < 0)
		return mm_reply(reply, err);
	reply->w[0] = g->region->start;
	reply->w[1] = g->bus;
	reply->w[2] = g->id;
	reply->w[3] = pfn_zone(g->pfn);
	reply->w[4] = g->npages;
	return mm_reply(reply, 0);
}

/* The caller and its live grant id, or why not: ERR_SRCH (a caller mm
 * does not know), ERR_NOENT (no such grant), ERR_PERM (someone else's,
 * or quarantined). */
static int own_grant(const struct ipc_from *from, uint64_t id, struct mm_proc **p,
		     struct grant **out)
{
	struct grant *g = find(id);
	*p = mm_caller(from);
	if (!*p)
		return -ERR_SRCH;
	if (!g)
		return -ERR_NOENT;
	if (g->owner != (*p)->pid || g->quarantined)
		return -ERR_PERM;
	*out = g;
	return 0;
}

int mm_handle_dma_free(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	struct mm_proc *p;
	struct grant *g = NULL;
	int err = own_grant(from, req->w[0], &p, &g);
	if (err == 0)
		free_grant(g);
	return mm_reply(reply, err);
}

/* LAB dma: share_of - g's share with pid, or NULL (a helper of share_refused and the revoke) */
static const struct grant_share *share_of(const struct grant *g, int pid)
{
	for (unsigned i = 0; i < g->nshares; i++)
		if (g->shares[i].proc->pid == pid)
			return &g->shares[i];
	return NULL;
}
/* LAB dma END */

/* Why g cannot be shared with pid with prot, or 0. */
static int share_refused(struct grant *g, const struct mm_proc *p, uint64_t pid, uint64_t prot,
			 struct mm_proc **target)
{
	/* LAB dma: share_refused - the prot, the target (not the owner, alive), not shared with it yet, room */
	if (prot != MM_PROT_READ && prot != (MM_PROT_READ | MM_PROT_WRITE))
		return -ERR_INVAL;
	if (pid == (uint64_t)p->pid)
		return -ERR_INVAL;
	*target = pid <= INT32_MAX ? mm_proc_find((int)pid) : NULL;
	if (!*target || !(*target)->alive)
		return -ERR_SRCH;
	if (share_of(g, (int)pid))
		return -ERR_BUSY;
	return g->nshares == MM_DMA_SHARES_MAX ? -ERR_NOSPC : 0;
	/* LAB dma STUB: LAB_MISSING("dma", "share_refused"); */
	/* LAB dma STUB: (void)g; (void)p; (void)pid; (void)prot; (void)target; */
	/* LAB dma STUB: return -ERR_NOSYS; */
	/* LAB dma END */
}

int mm_handle_dma_share(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	struct mm_proc *p, *target = NULL;
	struct grant *g = NULL;
	int err = own_grant(from, req->w[0], &p, &g);
	if (err == 0)
		err = share_refused(g, p, req->w[1], req->w[2], &target);
	if (err < 0)
		return mm_reply(reply, err);
	struct mm_region *r;
	err = map_into(g, target, (unsigned)req->w[2], &r);
	if (err < 0)
		return mm_reply(reply, err);
	g->shares[g->nshares++] = (struct grant_share){ target, r };
	reply->w[0] = r->start;
	return mm_reply(reply, 0);
}

int mm_handle_dma_revoke(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	struct mm_proc *p;
	struct grant *g = NULL;
	int err = own_grant(from, req->w[0], &p, &g);
	/* LAB dma: mm_handle_dma_revoke - find the share of pid w[1] (ERR_NOENT if none) and unmap it */
	const struct grant_share *s = NULL;
	if (err == 0 && !(s = req->w[1] <= INT32_MAX ? share_of(g, (int)req->w[1]) : NULL))
		err = -ERR_NOENT;
	if (err == 0)
		unmap_from(s->proc, s->region);
	/* LAB dma STUB: LAB_MISSING("dma", "mm_handle_dma_revoke"); */
	/* LAB dma STUB: err = err ? err : -ERR_NOSYS; */
	/* LAB dma END */
	return mm_reply(reply, err);
}

/* ---- what others ask ---------------------------------------------------------- */

pfn_t grant_frame(const struct mm_region *r, uint64_t index)
{
	const struct grant *g = r->grant;
	return g && index < g->npages ? g->pfn + index : PFN_NONE;
}

static bool region_maps(const struct mm_region *r, int pid, vaddr_t va, uint64_t index)
{
	return r && r->proc->pid == pid && va == r->start + (index << PAGE_SHIFT);
}

bool grant_maps(pfn_t pfn, int pid, vaddr_t va)
{
	for (const struct grant *g = grants; g; g = g->next) {
		if (pfn < g->pfn || pfn >= g->pfn + g->npages)
			continue;
		uint64_t index = pfn - g->pfn;
		if (region_maps(g->region, pid, va, index))
			return true;
		for (unsigned i = 0; i < g->nshares; i++)
			if (region_maps(g->shares[i].region, pid, va, index))
				return true;
		return false;
	}
	return false;
}

uint64_t grant_frames(void)
{
	uint64_t n = 0;
	for (const struct grant *g = grants; g; g = g->next)
		n += g->npages;
	return n;
}

