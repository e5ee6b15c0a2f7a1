/*
 * dma_check.c - the invariants of DMA memory, as code: grant_check for
 * grants (grant.c) and dma_stream_check for streaming mappings and their
 * bounce pages (dma_stream.c, bounce.c). mm_check_all (check.c) runs both,
 * and mm_frames_check counts the DMA frames in memory against
 * grant_frames() + dma_stream_frames(), so that no DMA frame is lost or
 * held twice. Each violation is an mm_bug naming the grant or mapping.
 *
 * Grants:
 *   G1 frame i of a grant is pfn + i, a DMA frame of this grant
 *      (dma_frame_is) with index i: contiguous, pinned, in no pool;
 *   G2 its bus range [bus, bus + pages * 4 KiB) and its frames lie at or
 *      below the mask;
 *   G3 a live grant's owner is a live process whose region list holds
 *      the grant's region: REGION_DMA, this grant, its size, read-write;
 *   G4 each share is a live process other than the owner, at most one per
 *      process and MM_DMA_SHARES_MAX in all, whose list holds its region
 *      (REGION_DMA, this grant, its size, read-only or read-write);
 *   G5 a quarantined grant has no region and no shares;
 *   G6 every REGION_DMA region of every process is its grant's owner
 *      region or one of its shares;
 *   G7 every page of every region of a grant is mapped, to its frame
 *      (asked of the kernel: SYS_MM_LOOKUP; skipped where it cannot say).
 * Streaming mappings:
 *   S1 a live mapping's owner is alive, and each of its frames is that
 *      process's user page at its address, pinned and in no pool;
 *   S2 each bounce page is a DMA frame of the mapping, and every bus
 *      address it hands out is below its mask;
 *   S3 bounce_stats.pages is the bounce pages all mappings hold;
 *   S4 a quarantined mapping's frames are DMA frames held by a
 *      quarantined mapping.
 *
 * Cost: linear in the grants' and mappings' pages (G7 asks the kernel
 * once a page) and in the processes' regions: debug-boot cost.
 */
#include "dma.h"
#include "kcall.h"
#include "reclaim.h"

/* ---- grant_check: G1-G7 ------------------------------------------------------ */

/* G1, G2 */
static unsigned check_frames(const struct grant *g)
{
	uint64_t mask = dma_mask_of(g->mask_bits);
	unsigned bad = 0;
	for (uint64_t i = 0; i < g->npages; i++)
		if (!dma_frame_is(g->pfn + i, g) || pfn_to_page(g->pfn + i)->index != i) {
			mm_bug("grant_check: grant %lu frame %lu (pfn %#lx) is not a pinned DMA frame of it",
			       (unsigned long)g->id, (unsigned long)i, (unsigned long)(g->pfn + i));
			bad++;
		}
	if (g->npages == 0 || g->bus == PADDR_NONE || g->bus + (g->npages << PAGE_SHIFT) - 1 > mask ||
	    pfn_to_pa(g->pfn + g->npages) - 1 > mask) {
		mm_bug("grant_check: grant %lu (bus %#lx, pfn %#lx, %lu pages) is not below its %u-bit mask",
		       (unsigned long)g->id, (unsigned long)g->bus, (unsigned long)g->pfn,
		       (unsigned long)g->npages, g->mask_bits);
		bad++;
	}
	return bad;
}

static bool on_list(const struct mm_proc *p, const struct mm_region *r)
{
	for (const struct mm_region *q = p->regions; q; q = q->next)
		if (q == r)
			return true;
	return false;
}

/* G7 for region r of g. */
static unsigned check_mapped(const struct grant *g, const struct mm_region *r)
{
	for (uint64_t i = 0; i < g->npages; i++) {
		int64_t e = kcall_lookup(r->proc->pid, r->start + (i << PAGE_SHIFT));
		if (e == -ERR_NOSYS || e == -ERR_SRCH)
			return 0;       /* the kernel cannot say */
		if (e < 0 || pa_to_pfn((paddr_t)e) != g->pfn + i) {
			mm_bug("grant_check: grant %lu page %lu is not mapped to its frame in pid %d at %#lx",
			       (unsigned long)g->id, (unsigned long)i, r->proc->pid,
			       (unsigned long)(r->start + (i << PAGE_SHIFT)));
			return 1;
		}
	}
	return 0;
}

/* G3, G4 for region r of g in p with rights prot. */
static unsigned check_region(const struct grant *g, const struct mm_proc *p,
			     const struct mm_region *r, bool owner)
{
	bool prot_ok = owner ? r && r->prot == (MM_PROT_READ | MM_PROT_WRITE)
			     : r && (r->prot == MM_PROT_READ || r->prot == (MM_PROT_READ | MM_PROT_WRITE));
	if (!p || !p->alive || !r || r->proc != p || !on_list(p, r) || r->kind != REGION_DMA ||
	    r->grant != g || r->end - r->start != g->npages << PAGE_SHIFT || !prot_ok) {
		mm_bug("grant_check: grant %lu: the %s region of pid %d is not a mapping of it",
		       (unsigned long)g->id, owner ? "owner's" : "shared", p ? p->pid : -1);
		return 1;
	}
	return check_mapped(g, r);
}

static unsigned check_grant(const struct grant *g)
{
	unsigned bad = check_frames(g);
	if (g->quarantined) {
		if (g->region || g->nshares) {
			mm_bug("grant_check: quarantined grant %lu is still mapped", (unsigned long)g->id);
			bad++;
		}
		return bad;
	}
	bad += check_region(g, mm_proc_find(g->owner), g->region, true);
	if (g->nshares > MM_DMA_SHARES_MAX) {
		mm_bug("grant_check: grant %lu has %u shares", (unsigned long)g->id, g->nshares);
		return bad + 1;
	}
	for (unsigned i = 0; i < g->nshares; i++) {
		const struct grant_share *s = &g->shares[i];
		bad += check_region(g, s->proc, s->region, false);
		for (unsigned j = 0; j < i; j++)
			if (g->shares[j].proc == s->proc || s->proc->pid == g->owner) {
				mm_bug("grant_check: grant %lu is shared twice with pid %d",
				       (unsigned long)g->id, s->proc->pid);
				bad++;
			}
	}
	return bad;
}

static bool has_region(const struct grant *g, const struct mm_region *r)
{
	if (g->region == r)
		return true;
	for (unsigned i = 0; i < g->nshares && i < MM_DMA_SHARES_MAX; i++)
		if (g->shares[i].region == r)
			return true;
	return false;
}

/* G6: r, a REGION_DMA region of p, is one of its grant's. */
static unsigned check_dma_region(const struct mm_proc *p, const struct mm_region *r)
{
	const struct grant *g = grant_first();
	while (g && g != r->grant)
		g = g->next;
	if (!g || !has_region(g, r)) {
		mm_bug("grant_check: pid %d region [%#lx, %#lx) is a DMA mapping of no grant",
		       p->pid, (unsigned long)r->start, (unsigned long)r->end);
		return 1;
	}
	return 0;
}

unsigned grant_check(void)
{
	unsigned bad = 0;
	for (const struct grant *g = grant_first(); g; g = g->next)
		bad += check_grant(g);
	for (const struct mm_proc *p = mm_proc_first(); p; p = p->next)
		for (const struct mm_region *r = p->regions; r; r = r->next)
			if (r->kind == REGION_DMA)
				bad += check_dma_region(p, r);
	return bad;
}

/* ---- the DMA frames mappings hold ------------------------------------------------ */

uint64_t dma_stream_held(const struct dma_stream *s)
{
	uint64_t n = s->bounced;
	for (uint64_t i = 0; s->quarantined && i < s->npages; i++)
		n += dma_frame_is(s->pages[i].frame, s);
	return n;
}

uint64_t dma_stream_frames(void)
{
	uint64_t n = 0;
	for (const struct dma_stream *s = dma_stream_first(); s; s = s->next)
		n += dma_stream_held(s);
	return n;
}

/* ---- dma_stream_check: S1-S4 ----------------------------------------------------------- */

/* S1 for page i of live mapping s of p. */
static unsigned check_pinned(const struct dma_stream *s, const struct mm_proc *p, uint64_t i)
{
	pfn_t frame = s->pages[i].frame;
	const struct page *pg = pfn_valid(frame) ? pfn_to_page(frame) : NULL;
	if (pg && pg->state == PAGE_ALLOCATED && pg->use == PAGE_USE_USER &&
	    pg->owner == (uint32_t)p->pid && pg->index == dma_stream_page_va(s, i) && (pg->flags & PG_PINNED) &&
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
	const struct dma_stream *q = dma_stream_first();
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
	for (const struct dma_stream *s = dma_stream_first(); s; s = s->next)
		bad += check_stream(s, &bounces);
	if (bounces != bounce_stats.pages) {
		mm_bug("dma_stream_check: mappings hold %lu bounce pages, the counter says %lu",
		       (unsigned long)bounces, (unsigned long)bounce_stats.pages);
		bad++;
	}
	return bad;
}
