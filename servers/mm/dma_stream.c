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
 * Invariants (dma_stream_check):
 *   S1 a live mapping's owner is alive, and each of its frames is that
 *      process's user page at its address, pinned and in no pool;
 *   S2 each bounce page is a DMA frame of the mapping, and every bus
 *      address it hands out is below its mask;
 *   S3 bounce_stats.pages is the bounce pages all mappings hold;
 *   S4 a quarantined mapping's frames are DMA frames held by a
 *      quarantined mapping.
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

struct stream_page {
	pfn_t frame;                /* the process's frame, pinned */
	pfn_t bounce;               /* the frame the device sees instead, or PFN_NONE */
	paddr_t bus;                /* what the device is given for this page */
	bool was_pinned;            /* pinned by something else before */
};

struct dma_stream {
	uint64_t id;
	int owner;
	uint32_t bdf;
	unsigned mask_bits;
	unsigned dir;               /* MM_DMA_TO_DEVICE etc. | MM_DMA_CONTIG */
	vaddr_t va;
	uint64_t len;
	uint64_t npages;
	struct stream_page *pages;
	pfn_t run;                  /* MM_DMA_CONTIG, bounced: the run of npages
				       bounce frames (pages[i].bounce = run + i) */
	uint64_t bounced;           /* pages with a bounce page */
	unsigned nsegs;
	struct mm_dma_seg first;
	bool quarantined;
	struct dma_stream *next;    /* oldest first */
};

static struct slab_cache *stream_cache;
static struct dma_stream *streams;
static uint64_t next_id = 1;

void dma_stream_init(void)
{
	stream_cache = slab_cache_create("mm_dma_stream", sizeof(struct dma_stream), 8, NULL);
}

static uint64_t page_va(const struct dma_stream *s, uint64_t i)
{
	return page_round_down(s->va) + (i << PAGE_SHIFT);
}

/* The buffer's bytes in page i: from offset *off, *len of them. */
static void page_span(const struct dma_stream *s, uint64_t i, uint64_t *off, uint64_t *len)
{
	vaddr_t start = i == 0 ? s->va : page_va(s, i);
	vaddr_t end = page_va(s, i) + PAGE_SIZE < s->va + s->len ? page_va(s, i) + PAGE_SIZE
								 : s->va + s->len;
	*off = start & ~PAGE_MASK;
	*len = end - start;
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
		pfn_t frame = present_frame(p, page_va(s, *pinned), &err);
		if (frame == PFN_NONE)
			return err;     /* ERR_NOMEM, ERR_SRCH (it died), ERR_DEAD (swap) */
		pin(s, &s->pages[*pinned], frame);
	}
	return 0;
}

/* ---- bus addresses and bounce pages ------------------------------------------- */

static bool bus_contiguous(const struct dma_stream *s)
{
	for (uint64_t i = 0; i < s->npages; i++)
		if (s->pages[i].bus == PADDR_NONE ||
		    (i > 0 && s->pages[i].bus != s->pages[i - 1].bus + PAGE_SIZE))
			return false;
	return true;
}

static void bus_unmap_pages(struct dma_stream *s)
{
	for (uint64_t i = 0; i < s->npages; i++)
		if (s->pages[i].bus != PADDR_NONE) {
			dma_bus_unmap(s->bdf, s->pages[i].bus, 1);
			s->pages[i].bus = PADDR_NONE;
		}
}

/* MM_DMA_CONTIG and not reachable as one segment: one bounce run. */
static int bounce_run(struct dma_stream *s)
{
	bus_unmap_pages(s);
	s->run = bounce_alloc(s->npages, s->mask_bits, s);
	if (s->run == PFN_NONE)
		return -ERR_NOMEM;
	paddr_t bus = dma_bus_map(s->bdf, s->run, s->npages, s->mask_bits);
	for (uint64_t i = 0; i < s->npages; i++) {
		s->pages[i].bounce = s->run + i;
		s->pages[i].bus = bus == PADDR_NONE ? PADDR_NONE : bus + (i << PAGE_SHIFT);
	}
	s->bounced = s->npages;
	return bus == PADDR_NONE ? -ERR_BUG : 0;
}

/* Page i is out of reach: a bounce page of its own. */
static int bounce_page(struct dma_stream *s, uint64_t i)
{
	struct stream_page *sp = &s->pages[i];
	sp->bounce = bounce_alloc(1, s->mask_bits, s);
	if (sp->bounce == PFN_NONE)
		return -ERR_NOMEM;
	s->bounced++;
	sp->bus = dma_bus_map(s->bdf, sp->bounce, 1, s->mask_bits);
	return sp->bus == PADDR_NONE ? -ERR_BUG : 0;
}

/* Step 3: a bus address for every page, bouncing what must be. */
static int assign_bus(struct dma_stream *s)
{
	for (uint64_t i = 0; i < s->npages; i++)
		s->pages[i].bus = mm_config.bounce_force ? PADDR_NONE
					       : dma_bus_map(s->bdf, s->pages[i].frame, 1, s->mask_bits);
	if ((s->dir & MM_DMA_CONTIG) && !bus_contiguous(s))
		return bounce_run(s);
	for (uint64_t i = 0; i < s->npages; i++) {
		int err = s->pages[i].bus == PADDR_NONE ? bounce_page(s, i) : 0;
		if (err < 0)
			return err;
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
		page_span(s, i, &off, &len);
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

/* ---- copies ----------------------------------------------------------------------- */

static uint64_t copy(struct dma_stream *s, bool to_device)
{
	uint64_t bytes = 0;
	for (uint64_t i = 0; i < s->npages; i++) {
		uint64_t off, len;
		if (s->pages[i].bounce == PFN_NONE)
			continue;
		page_span(s, i, &off, &len);
		if (to_device)
			bounce_to_device(s->pages[i].bounce, s->pages[i].frame, off, len);
		else
			bounce_from_device(s->pages[i].bounce, s->pages[i].frame, off, len);
		bytes += len;
	}
	return bytes;
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
	return copy(s, false);
}

/* ---- a mapping's life ---------------------------------------------------------------- */

/* Undo everything of s (its first `pinned` pages are pinned) and free it. */
static void release(struct dma_stream *s, uint64_t pinned)
{
	bus_unmap_pages(s);
	if (s->run != PFN_NONE)
		bounce_free(s->run, s->npages);
	for (uint64_t i = 0; i < s->npages; i++) {
		if (s->run == PFN_NONE && s->pages[i].bounce != PFN_NONE)
			bounce_free(s->pages[i].bounce, 1);
		if (i < pinned)
			unpin(s, &s->pages[i]);
	}
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
		err = assign_bus(s);
	if (err == 0)
		err = write_segs(p, s, req->w[5], req->w[6]);
	if (err < 0) {
		release(s, pinned);
		return err;
	}
	if (s->dir & MM_DMA_TO_DEVICE)
		copy(s, true);
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
		reply->w[0] = (s->dir & MM_DMA_TO_DEVICE) ? copy(s, true) : 0;
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

/* ---- what memstat and the checkers see ---------------------------------------------- */

static uint64_t frames_held(const struct dma_stream *s)
{
	uint64_t n = s->bounced;
	for (uint64_t i = 0; s->quarantined && i < s->npages; i++)
		n += dma_frame_is(s->pages[i].frame, s);
	return n;
}

uint64_t dma_stream_frames(void)
{
	uint64_t n = 0;
	for (const struct dma_stream *s = streams; s; s = s->next)
		n += frames_held(s);
	return n;
}

bool dma_stream_info(uint64_t index, struct mm_dma_stream_info *out)
{
	const struct dma_stream *s = streams;
	while (s && index-- > 0)
		s = s->next;
	if (!s)
		return false;
	*out = (struct mm_dma_stream_info){
		.id = s->id, .va = s->va, .len = s->len, .bus = s->first.bus, .owner = s->owner,
		.bdf = s->bdf, .mask_bits = s->mask_bits, .dir = s->dir, .pages = (uint32_t)s->npages,
		.bounced = (uint32_t)s->bounced, .segs = s->nsegs,
		.flags = (s->quarantined ? MM_DMA_INFO_QUARANTINED : 0) |
			 (s->bounced ? MM_DMA_INFO_BOUNCED : 0),
	};
	return true;
}

void dma_stream_totals(struct mm_dma_totals *t)
{
	for (const struct dma_stream *s = streams; s; s = s->next) {
		t->streams++;
		t->stream_pages += s->quarantined ? 0 : s->npages;
		t->quarantined += s->quarantined;
		t->quarantined_pages += s->quarantined ? frames_held(s) : 0;
	}
	t->bounce_pages = bounce_stats.pages;
	t->bounce_force = mm_config.bounce_force;
	t->maps = bounce_stats.maps;
	t->bounced_maps = bounce_stats.bounced_maps;
	t->bounced_pages = bounce_stats.bounced_pages;
	t->bytes_to_device = bounce_stats.bytes_to_device;
	t->bytes_from_device = bounce_stats.bytes_from_device;
}

/* ---- dma_stream_check: S1-S4 ----------------------------------------------------------- */

/* S1 for page i of live mapping s of p. */
static unsigned check_pinned(const struct dma_stream *s, const struct mm_proc *p, uint64_t i)
{
	pfn_t frame = s->pages[i].frame;
	const struct page *pg = pfn_valid(frame) ? pfn_to_page(frame) : NULL;
	if (pg && pg->state == PAGE_ALLOCATED && pg->use == PAGE_USE_USER &&
	    pg->owner == (uint32_t)p->pid && pg->index == page_va(s, i) && (pg->flags & PG_PINNED) &&
	    !reclaim_pool_of(frame))
		return 0;
	mm_bug("dma_stream_check: mapping %lu page %lu (pfn %#lx) is not a pinned page of pid %d",
	       (unsigned long)s->id, (unsigned long)i, (unsigned long)frame, p->pid);
	return 1;
}

/* S2 for page i of s; *bounces counts its bounce pages. */
static unsigned check_bounce(const struct dma_stream *s, uint64_t i, uint64_t *bounces)
{
	const struct stream_page *sp = &s->pages[i];
	bool bad = sp->bus == PADDR_NONE || sp->bus + PAGE_SIZE - 1 > dma_mask_of(s->mask_bits);
	if (sp->bounce != PFN_NONE) {
		++*bounces;
		bad |= !dma_frame_is(sp->bounce, s);
	}
	if (bad)
		mm_bug("dma_stream_check: mapping %lu page %lu: bus %#lx, bounce pfn %#lx, %u-bit mask",
		       (unsigned long)s->id, (unsigned long)i, (unsigned long)sp->bus,
		       (unsigned long)sp->bounce, s->mask_bits);
	return bad;
}

/* S4 for page i of quarantined s. */
static unsigned check_kept(const struct dma_stream *s, uint64_t i)
{
	const struct page *pg = pfn_to_page(s->pages[i].frame);
	const struct dma_stream *holder = (const struct dma_stream *)(uintptr_t)pg->object;
	const struct dma_stream *q = streams;
	while (q && q != holder)
		q = q->next;
	if (q && q->quarantined && dma_frame_is(s->pages[i].frame, holder))
		return 0;
	mm_bug("dma_stream_check: quarantined mapping %lu page %lu (pfn %#lx) is not kept",
	       (unsigned long)s->id, (unsigned long)i, (unsigned long)s->pages[i].frame);
	return 1;
}

static unsigned check_stream(const struct dma_stream *s, uint64_t *bounces)
{
	const struct mm_proc *p = mm_proc_find(s->owner);
	unsigned bad = 0;
	if (!s->quarantined && (!p || !p->alive)) {
		mm_bug("dma_stream_check: mapping %lu of pid %d outlives it", (unsigned long)s->id,
		       s->owner);
		return 1;
	}
	for (uint64_t i = 0; i < s->npages; i++) {
		bad += s->quarantined ? check_kept(s, i) : check_pinned(s, p, i);
		bad += check_bounce(s, i, bounces);
	}
	return bad;
}

unsigned dma_stream_check(void)
{
	uint64_t bounces = 0;
	unsigned bad = 0;
	for (const struct dma_stream *s = streams; s; s = s->next)
		bad += check_stream(s, &bounces);
	if (bounces != bounce_stats.pages) {
		mm_bug("dma_stream_check: mappings hold %lu bounce pages, the counter says %lu",
		       (unsigned long)bounces, (unsigned long)bounce_stats.pages);
		bad++;
	}
	return bad;
}
