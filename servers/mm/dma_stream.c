/*
 * dma_stream.c - streaming DMA mappings of a process's own memory
 * (docs/dma.md): Linux's dma_map_single / dma_map_sg,
 * dma_sync_single_for_device / dma_sync_single_for_cpu and dma_unmap_*,
 * for a driver that is a process.
 *
 * A grant is memory made for DMA; a streaming mapping lends a device
 * memory the driver already has (a buffer in its heap, say), for one
 * transfer, in one direction. MM_DMA_MAP:
 *   1. checks every page of [va, va + len) lies in one of the caller's
 *      private regions (heap, stack, anonymous, program) - never a shared
 *      mapping or a grant, whose frames are not the caller's - and is
 *      writable if the device will write it; else ERR_FAULT, nothing done;
 *   2. pins each page: present (faulted in as if touched), PG_PINNED and
 *      out of its replacement pool, so it is neither swapped nor moved
 *      while the device holds its address;
 *   3. asks dma_bus.c for each frame's bus address; a frame out of the
 *      device's reach (above its mask), or every frame under bounce=force,
 *      gets a bounce page (bounce.c). With MM_DMA_CONTIG the device needs
 *      one bus segment: if the pages are not contiguous on the bus, or
 *      any must bounce, the whole buffer bounces into one contiguous run;
 *   4. writes the bus segments (runs of consecutive bus addresses, like a
 *      scatterlist after dma_map_sg merged it) to the caller's array;
 *   5. copies the buffer into its bounce pages if the device reads it.
 * MM_DMA_SYNC and MM_DMA_UNMAP copy in the direction bounce.c's table
 * says; unmap then unpins and frees the bounce pages. A page the device
 * may have written (FROM_DEVICE, BIDIRECTIONAL) is marked PG_DIRTY when
 * the CPU gets it back: neither a device's write nor mm's copy sets the
 * page-table dirty bit, and the page's swap copy is stale.
 *
 * While a mapping pins pages, MM_MUNMAP of their region and a MM_SBRK
 * that would free them are refused (ERR_BUSY). When the owner dies the
 * kernel has stopped its devices first (MM_PROC_EXIT's w2 = how many it
 * could not): with none left running the pins are dropped and the bounce
 * pages freed; otherwise the mapping is quarantined - its pinned frames
 * are taken off the dead process's frame list and kept, with its bounce
 * pages, for ever (a running device may still write them).
 *
 * A page pinned by two mappings (two small buffers on one page) stays
 * pinned until the last one goes; one that was pinned before (a resident
 * server's page) stays pinned after.
 *
 * Its invariants, S1-S4, are checked by dma_stream_check (dma_check.c).
 *
 * Not supported: mapping shared memory or a grant (map the grant itself:
 * it has a bus address), more than MM_DMA_MAP_MAX bytes at once, a
 * device that writes fewer bytes than mapped keeping the rest of a
 * bounced FROM_DEVICE buffer (bounce.c), partial syncs (Linux's
 * dma_sync_single_range_*).
 */
#include <string.h>
#include "dma.h"
#include "slab.h"
#include "kmalloc.h"
#include "kcall.h"
#include "reclaim.h"
#include "config.h"

static struct slab_cache *stream_cache;
static struct dma_stream *streams;
static uint64_t next_id = 1;

void dma_stream_init(void)
{
	stream_cache = slab_cache_create("mm_dma_stream", sizeof(struct dma_stream), 8, NULL);
}

struct dma_stream *dma_stream_first(void)
{
	return streams;
}

static bool pinned_by_a_stream(pfn_t frame, const struct dma_stream *except)
{
	for (const struct dma_stream *s = streams; s; s = s->next)
		for (uint64_t i = 0; s != except && !s->quarantined && i < s->npages; i++)
			if (s->pages[i].frame == frame)
				return true;
	return false;
}

/* ---- checking the request ---------------------------------------------------- */

static unsigned streams_of(int pid)
{
	unsigned n = 0;
	for (const struct dma_stream *s = streams; s; s = s->next)
		n += s->owner == pid && !s->quarantined;
	return n;
}

static bool map_args_ok(vaddr_t va, uint64_t len, uint64_t dir, uint64_t bits, uint64_t segs,
			uint64_t nsegs)
{
	uint64_t way = dir & MM_DMA_BIDIRECTIONAL;
	if (way == 0 || (dir & ~(uint64_t)(MM_DMA_BIDIRECTIONAL | MM_DMA_CONTIG)) || !dma_mask_valid(bits))
		return false;
	if (segs ? nsegs == 0 || nsegs > MM_DMA_SEGS_MAX : nsegs != 0)
		return false;
	return len > 0 && len <= MM_DMA_MAP_MAX && va >= USER_MIN && va < USER_TOP &&
	       len <= USER_TOP - va;
}

/* Every page of the buffer is in a private region of p, writable if the
 * device writes: else ERR_FAULT. */
static int pages_ok(struct mm_proc *p, vaddr_t va, uint64_t len, unsigned dir)
{
	for (vaddr_t a = page_round_down(va); a < va + len; a += PAGE_SIZE) {
		const struct mm_region *r = region_find(p, a);
		if (!r || r->kind == REGION_SHARED || r->kind == REGION_DMA ||
		    ((dir & MM_DMA_FROM_DEVICE) && !(r->prot & MM_PROT_WRITE)))
			return -ERR_FAULT;
	}
	return 0;
}

/* ---- pinning ------------------------------------------------------------------- */

/* The frame p has at va (faulted in first if need be), or PFN_NONE with *err. */
static pfn_t present_frame(struct mm_proc *p, vaddr_t va, int *err)
{
	int64_t e = kcall_lookup(p->pid, va);
	if (e == -ERR_NOENT) {
		*err = mm_fill_page(p, region_find(p, va), va);
		e = *err < 0 ? *err : kcall_lookup(p->pid, va);
	}
	*err = e < 0 ? (int)e : 0;
	if (e < 0)
		return PFN_NONE;
	pfn_t pfn = pa_to_pfn((paddr_t)e);
	const struct page *pg = pfn_valid(pfn) ? pfn_to_page(pfn) : NULL;
	if (!pg || pg->use != PAGE_USE_USER || pg->owner != (uint32_t)p->pid || pg->index != va) {
		mm_bug("dma_stream: pid %d page %#lx maps pfn %#lx, which is not its own page",
		       p->pid, (unsigned long)va, (unsigned long)pfn);
		*err = -ERR_BUG;
		return PFN_NONE;
	}
	return pfn;
}

static void pin(struct dma_stream *s, struct stream_page *sp, pfn_t frame)
{
	struct page *pg = pfn_to_page(frame);
	sp->frame = frame;
	sp->was_pinned = (pg->flags & PG_PINNED) && !pinned_by_a_stream(frame, s);
	pg->flags |= PG_PINNED;
	reclaim_forget(frame);      /* out of its pool: never a victim while pinned */
}

static void unpin(struct dma_stream *s, struct stream_page *sp)
{
	struct page *pg = pfn_to_page(sp->frame);
	if (sp->was_pinned || pinned_by_a_stream(sp->frame, s))
		return;
	pg->flags &= (uint8_t)~PG_PINNED;
	reclaim_admit(sp->frame);   /* evictable again, in its region's pool */
	struct mm_proc *p = mm_proc_find(s->owner);
	struct mm_region *r = p ? region_find(p, pg->index) : NULL;
	if (r)
		budget_admit(r, sp->frame);
}

/* Pin every page of s (s->npages of them, from s->va) in p. */
static int pin_all(struct mm_proc *p, struct dma_stream *s, uint64_t *pinned)
{
	for (*pinned = 0; *pinned < s->npages; ++*pinned) {
		int err;
		pfn_t frame = present_frame(p, dma_stream_page_va(s, *pinned), &err);
		if (frame == PFN_NONE)
			return err;     /* ERR_NOMEM, ERR_SRCH (it died), ERR_DEAD (swap) */
		pin(s, &s->pages[*pinned], frame);
	}
	return 0;
}

/* ---- segments ------------------------------------------------------------------- */

/* The bus segments of s into segs (room for max; NULL: count only). */
static unsigned build_segs(struct dma_stream *s, struct mm_dma_seg *segs, unsigned max)
{
	unsigned n = 0;
	struct mm_dma_seg cur = { 0, 0 };
	for (uint64_t i = 0; i < s->npages; i++) {
		uint64_t off, len;
		dma_stream_span(s, i, &off, &len);
		paddr_t bus = s->pages[i].bus + off;
		if (cur.len && bus == cur.bus + cur.len) {
			cur.len += len;
			continue;
		}
		if (cur.len && segs && n < max)
			segs[n] = cur;
		n += cur.len != 0;
		cur = (struct mm_dma_seg){ bus, len };
	}
	if (segs && n < max)
		segs[n] = cur;
	return n + 1;
}

/* Step 4: the segments to the caller's array (if it gave one). */
static int write_segs(struct mm_proc *p, struct dma_stream *s, vaddr_t to, uint64_t max)
{
	struct mm_dma_seg one[1];
	s->nsegs = build_segs(s, one, 1);
	s->first = one[0];
	if (s->nsegs > (to ? max : 1))
		return -ERR_NOSPC;
	if (!to)
		return 0;
	struct mm_dma_seg *segs = kmalloc(s->nsegs * sizeof *segs, 0);
	if (!segs)
		return -ERR_NOMEM;
	build_segs(s, segs, s->nsegs);
	int err = mm_copy_to(p, to, segs, s->nsegs * sizeof *segs);
	kfree(segs);
	return err < 0 ? -ERR_FAULT : 0;
}

/* The CPU gets the pages back after a device that may have written them:
 * marked dirty (neither the device's writes nor mm's copies set the
 * page-table dirty bit), and the bounce pages copied back. */
static uint64_t back_to_cpu(struct dma_stream *s)
{
	if (!(s->dir & MM_DMA_FROM_DEVICE))
		return 0;
	for (uint64_t i = 0; i < s->npages; i++)
		pfn_to_page(s->pages[i].frame)->flags |= PG_DIRTY;
	return bounce_copy(s, false);
}

/* ---- a mapping's life ---------------------------------------------------------------- */

/* Undo everything of s (its first `pinned` pages are pinned) and free it. */
static void release(struct dma_stream *s, uint64_t pinned)
{
	bounce_release(s);
	for (uint64_t i = 0; i < pinned; i++)
		unpin(s, &s->pages[i]);
	kfree(s->pages);
	slab_free(stream_cache, s);
}

static struct dma_stream *new_stream(struct mm_proc *p, const struct ipc_msg *req)
{
	struct dma_stream *s = slab_alloc(stream_cache, 0);
	uint64_t va = req->w[0], len = req->w[1];
	uint64_t npages = (page_round_up(va + len) - page_round_down(va)) >> PAGE_SHIFT;
	struct stream_page *pages = kmalloc(npages * sizeof *pages, 0);
	if (!s || !pages) {
		if (s)
			slab_free(stream_cache, s);
		kfree(pages);
		return NULL;
	}
	*s = (struct dma_stream){ .owner = p->pid, .bdf = (uint32_t)req->w[3],
				  .mask_bits = (unsigned)req->w[4], .dir = (unsigned)req->w[2],
				  .va = va, .len = len, .npages = npages, .pages = pages, .run = PFN_NONE };
	for (uint64_t i = 0; i < npages; i++)
		pages[i] = (struct stream_page){ PFN_NONE, PFN_NONE, PADDR_NONE, false };
	return s;
}

static void link_stream(struct dma_stream *s)
{
	struct dma_stream **link = &streams;
	while (*link)
		link = &(*link)->next;
	*link = s;
}

static void unlink_stream(struct dma_stream *s)
{
	struct dma_stream **link = &streams;
	while (*link && *link != s)
		link = &(*link)->next;
	if (*link)
		*link = s->next;
}

/* Steps 2-5 for a checked request: 0 with the mapping made, or undone. */
static int make_stream(struct mm_proc *p, struct dma_stream *s, const struct ipc_msg *req)
{
	uint64_t pinned;
	int err = pin_all(p, s, &pinned);
	if (err == 0)
		err = bounce_assign(s);
	if (err == 0)
		err = write_segs(p, s, req->w[5], req->w[6]);
	if (err < 0) {
		release(s, pinned);
		return err;
	}
	if (s->dir & MM_DMA_TO_DEVICE)
		bounce_copy(s, true);
	s->id = next_id++;
	link_stream(s);
	bounce_stats.maps++;
	bounce_stats.bounced_maps += s->bounced > 0;
	bounce_stats.bounced_pages += s->bounced;
	return 0;
}

static int map_refused(struct mm_proc *p, const struct ipc_msg *req)
{
	if (!map_args_ok(req->w[0], req->w[1], req->w[2], req->w[4], req->w[5], req->w[6]))
		return -ERR_INVAL;
	int err = dma_device_check(p, req->w[3]);
	if (err < 0)
		return err;
	if (streams_of(p->pid) >= MM_DMA_STREAMS_MAX)
		return -ERR_NOSPC;
	return pages_ok(p, req->w[0], req->w[1], (unsigned)req->w[2]);
}

int mm_handle_dma_map(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	struct mm_proc *p = mm_caller(from);
	if (!p)
		return mm_reply(reply, -ERR_SRCH);
	int err = map_refused(p, req);
	if (err < 0)
		return mm_reply(reply, err);
	struct dma_stream *s = new_stream(p, req);
	if (!s)
		return mm_reply(reply, -ERR_NOMEM);
	err = make_stream(p, s, req);
	if (err < 0)
		return mm_reply(reply, err);
	reply->w[0] = s->id;
	reply->w[1] = s->nsegs;
	reply->w[2] = s->first.bus;
	reply->w[3] = s->first.len;
	reply->w[4] = s->bounced;
	return mm_reply(reply, 0);
}

/* The caller's live mapping id, or why not: ERR_SRCH (a caller mm does
 * not know), ERR_NOENT (no such mapping), ERR_PERM (someone else's, or
 * quarantined). */
static int own_stream(const struct ipc_from *from, uint64_t id, struct dma_stream **out)
{
	const struct mm_proc *p = mm_caller(from);
	struct dma_stream *s = streams;
	while (s && s->id != id)
		s = s->next;
	if (!p)
		return -ERR_SRCH;
	if (!s)
		return -ERR_NOENT;
	if (s->owner != p->pid || s->quarantined)
		return -ERR_PERM;
	*out = s;
	return 0;
}

int mm_handle_dma_sync(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	struct dma_stream *s = NULL;
	int err = own_stream(from, req->w[0], &s);
	if (err == 0 && req->w[1] != MM_DMA_SYNC_FOR_DEVICE && req->w[1] != MM_DMA_SYNC_FOR_CPU)
		err = -ERR_INVAL;
	if (err < 0)
		return mm_reply(reply, err);
	if (req->w[1] == MM_DMA_SYNC_FOR_DEVICE)
		reply->w[0] = (s->dir & MM_DMA_TO_DEVICE) ? bounce_copy(s, true) : 0;
	else
		reply->w[0] = back_to_cpu(s);
	return mm_reply(reply, 0);
}

int mm_handle_dma_unmap(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	struct dma_stream *s = NULL;
	int err = own_stream(from, req->w[0], &s);
	if (err < 0)
		return mm_reply(reply, err);
	reply->w[0] = back_to_cpu(s);
	unlink_stream(s);
	release(s, s->npages);
	return mm_reply(reply, 0);
}

/* ---- exit and quarantine ------------------------------------------------------------ */

/* Keep s's frames for ever: off the dead owner's list, DMA frames of s. */
static void quarantine(struct mm_proc *p, struct dma_stream *s)
{
	for (uint64_t i = 0; i < s->npages; i++) {
		pfn_t frame = s->pages[i].frame;
		struct page *pg = pfn_to_page(frame);
		if (pg->use != PAGE_USE_USER || pg->owner != (uint32_t)p->pid)
			continue;       /* kept already, by another mapping of the page */
		if (mm_proc_disown(p, frame) < 0)
			continue;
		pg->use = PAGE_USE_DMA;
		pg->flags |= PG_PINNED;
		pg->index = i;
		pg->object = (uint64_t)(uintptr_t)s;
	}
	s->quarantined = true;
}

void dma_stream_proc_exit(struct mm_proc *p, uint64_t unstopped)
{
	for (struct dma_stream *s = streams, *next; s; s = next) {
		next = s->next;
		if (s->owner != p->pid || s->quarantined)
			continue;
		if (unstopped) {
			quarantine(p, s);
			continue;
		}
		unlink_stream(s);
		release(s, s->npages);          /* its frames go with the process */
	}
}

bool dma_stream_pins(const struct mm_proc *p, vaddr_t from, vaddr_t to)
{
	for (const struct dma_stream *s = streams; s; s = s->next)
		if (s->owner == p->pid && !s->quarantined && page_round_down(s->va) < to &&
		    from < s->va + s->len)
			return true;
	return false;
}

