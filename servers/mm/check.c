/*
 * check.c - the memory server's invariants, as code.
 *
 * buddy_check() and slab_check() verify the allocators; the checkers here
 * verify what the server builds on them: each process's regions and the
 * frames it owns. Each invariant is numbered, and every violation is
 * reported with mm_bug() naming the checker, the pid and the frame or
 * address; a checker returns how many it found.
 *
 * Regions (region_check):
 *   R1  every region is [start, end) with start < end, both page aligned,
 *       USER_MIN <= start and end <= USER_TOP;
 *   R2  the list is sorted by start and regions are disjoint;
 *   R3  a region's kind is known, its prot has only MM_PROT_* bits, it
 *       has a shared object if and only if it is REGION_SHARED, a grant
 *       if and only if it is REGION_DMA, and an MMIO region names a BAR
 *       (page-aligned address, bar index below DEV_BARS) and is not
 *       executable;
 *   R4  at most one heap and one stack.
 * Frames of a process (mm_proc_check):
 *   P1  the frame list is doubly linked through own.next/own.prev, its
 *       head has no prev, it holds valid frames and ends (no cycle);
 *   P2  every frame on it is an allocated order-0 block whose descriptor
 *       names this pid as owner and says PAGE_USE_USER or _PAGETABLE;
 *   P3  a user frame's index is a page-aligned address inside one of the
 *       process's private regions (not shared, not a DMA grant); the root
 *       is a page table;
 *   P4  resident = the user frames on the list, pagetables = the page
 *       tables on it;
 *   P5  a process that has exited (waiting for its parent) owns nothing
 *       and has no regions;
 *   P6  the kernel maps each user frame at its index (SYS_MM_LOOKUP), with
 *       write and exec rights exactly as its region's prot says;
 *   P7  each page of a shared object is a user frame owned by mm that
 *       names the object and its index, and where the process has it
 *       mapped, the mapping is that frame;
 *   P8  each page mapped in an MMIO region (a device's BAR) maps the
 *       BAR's page at the same offset, writable and not executable, and
 *       that page is device memory, never a frame mm manages (beyond the
 *       descriptor array or described as reserved) - and no frame on a
 *       frame list claims to be inside an MMIO region (P3).
 * All frames (mm_frames_check):
 *   F1  an allocated frame whose descriptor names a process as owner
 *       belongs to a process the server knows;
 *   F2  their number equals the total length of all frame lists (with P2:
 *       every such frame is on its owner's list, and on no other);
 *   F3  an allocated DMA frame (PAGE_USE_DMA) is an order-0 block owned by
 *       mm, pinned and in no replacement pool, and their number equals
 *       what grants and streaming mappings hold (grant_frames,
 *       dma_stream_frames: each such frame names its holder, and the
 *       holders' own checkers, grant_check and dma_stream_check, verify
 *       that), so no DMA frame is lost or held twice.
 *
 * P6, P7 and P8 ask the kernel. A kernel without SYS_MM_LOOKUP answers
 * ERR_NOSYS: the mappings cannot be checked and the rest still is. A
 * process the kernel already ended (ERR_SRCH: killed, its exit report on
 * the way) is not checked against the kernel either. What a single
 * lookup cannot show - that the page tables map no private frame that is
 * not on the list - the host tests check against their model of the
 * kernel (tests/host/kcall_stub.c).
 *
 * Cost: P1-P6 are linear in the frames a process owns, P7 and P8 in the
 * size of its shared and MMIO regions, F1 in all of physical memory. That is debug-boot
 * cost (mm_check_all after every message), never the normal path.
 */
#include <pagoda/dev.h>
#include "check.h"
#include "buddy.h"
#include "slab.h"
#include "mm_env.h"
#include "kcall.h"
#include "swap.h"
#include "reclaim.h"
#include "dma.h"
#include "iommu_domain.h"

#define REGIONS_MAX (1u << 20)  /* a longer list has a cycle */

static bool region_kind_known(enum region_kind kind)
{
	return kind == REGION_ELF || kind == REGION_HEAP || kind == REGION_STACK ||
	       kind == REGION_ANON || kind == REGION_SHARED || kind == REGION_MMIO ||
	       kind == REGION_DMA;
}

static unsigned check_one_region(const struct mm_proc *p, const struct mm_region *r)
{
	unsigned bad = 0;
	if (r->start >= r->end || (r->start & ~PAGE_MASK) || (r->end & ~PAGE_MASK) ||
	    r->start < USER_MIN || r->end > USER_TOP) {
		mm_bug("region_check: pid %d region [%#lx, %#lx) is not page aligned inside user space",
		       p->pid, (unsigned long)r->start, (unsigned long)r->end);
		bad++;
	}
	bool mmio_bad = r->kind == REGION_MMIO &&
			((r->mmio_pa & ~PAGE_MASK) || (r->mmio_dev >> 16) >= DEV_BARS ||
			 (r->prot & MM_PROT_EXEC));
	if (!region_kind_known(r->kind) || (r->prot & ~MM_PROT_ALL) ||
	    (r->kind == REGION_SHARED) != (r->shm != NULL) || mmio_bad ||
	    (r->kind == REGION_DMA) != (r->grant != NULL)) {
		mm_bug("region_check: pid %d region [%#lx, %#lx) kind %d prot %#x shm %p grant %p "
		       "is inconsistent", p->pid, (unsigned long)r->start, (unsigned long)r->end,
		       (int)r->kind, r->prot, (void *)r->shm, (void *)r->grant);
		bad++;
	}
	return bad;
}

unsigned region_check(struct mm_proc *p)
{
	unsigned bad = 0, heaps = 0, stacks = 0, n = 0;
	const struct mm_region *prev = NULL;
	for (const struct mm_region *r = p->regions; r; prev = r, r = r->next) {
		if (++n > REGIONS_MAX) {
			mm_bug("region_check: pid %d region list does not end", p->pid);
			return bad + 1;
		}
		bad += check_one_region(p, r);
		if (prev && prev->end > r->start) {
			mm_bug("region_check: pid %d region [%#lx, %#lx) is not after [%#lx, %#lx)",
			       p->pid, (unsigned long)r->start, (unsigned long)r->end,
			       (unsigned long)prev->start, (unsigned long)prev->end);
			bad++;
		}
		heaps += r->kind == REGION_HEAP;
		stacks += r->kind == REGION_STACK;
	}
	if (heaps > 1 || stacks > 1) {
		mm_bug("region_check: pid %d has %u heaps and %u stacks", p->pid, heaps, stacks);
		bad++;
	}
	return bad;
}

/* What the frame walk of one process found. */
struct frame_count {
	uint64_t user, tables, total;
	bool root_seen;
	bool endless;               /* the list does not end: counts mean nothing */
};

/* P2, P3 for one frame of p's list (counted by what it says it is). */
static unsigned check_owned_frame(struct mm_proc *p, pfn_t pfn, struct frame_count *c)
{
	const struct page *pg = pfn_to_page(pfn);
	c->tables += pg->use == PAGE_USE_PAGETABLE;
	c->user += pg->use == PAGE_USE_USER;
	if (pg->state != PAGE_ALLOCATED || pg->order != 0 || pg->owner != (uint32_t)p->pid ||
	    (pg->use != PAGE_USE_USER && pg->use != PAGE_USE_PAGETABLE)) {
		mm_bug("mm_proc_check: pid %d pfn %#lx on its list is %s order %u, %s, owner %u",
		       p->pid, (unsigned long)pfn, page_state_name(pg->state), pg->order,
		       page_use_name(pg->use), pg->owner);
		return 1;
	}
	if (pg->use == PAGE_USE_PAGETABLE) {
		c->root_seen |= pfn == p->root;
		return 0;
	}
	const struct mm_region *r = region_find(p, pg->index);
	if ((pg->index & ~PAGE_MASK) || !r || r->kind == REGION_SHARED || r->kind == REGION_MMIO ||
	    r->kind == REGION_DMA) {
		mm_bug("mm_proc_check: pid %d pfn %#lx is a user page at %#lx, outside its private regions",
		       p->pid, (unsigned long)pfn, (unsigned long)pg->index);
		return 1;
	}
	return 0;
}

/* P1-P3: walk p's list; counts in *c. */
static unsigned walk_frames(struct mm_proc *p, struct frame_count *c)
{
	unsigned bad = 0;
	uint32_t prev = PAGE_LINK_NONE;
	for (uint32_t pfn = p->frames; pfn != PAGE_LINK_NONE; prev = pfn, pfn = pfn_to_page(pfn)->own.next) {
		if (!pfn_valid(pfn) || ++c->total > mm_max_pfn) {
			mm_bug("mm_proc_check: pid %d frame list %s at pfn %#lx", p->pid,
			       pfn_valid(pfn) ? "does not end" : "leaves the descriptor array",
			       (unsigned long)pfn);
			c->endless = true;
			return bad + 1;
		}
		if (pfn_to_page(pfn)->own.prev != prev) {
			mm_bug("mm_proc_check: pid %d pfn %#lx has prev %#x on its frame list, not %#x",
			       p->pid, (unsigned long)pfn, pfn_to_page(pfn)->own.prev, prev);
			bad++;
		}
		bad += check_owned_frame(p, pfn, c);
	}
	return bad;
}

/* The kernel's answer for va, or why it cannot say. */
enum lookup_result { LOOKUP_MAPPED, LOOKUP_UNMAPPED, LOOKUP_UNKNOWN };

static enum lookup_result lookup(const struct mm_proc *p, vaddr_t va, int64_t *entry, unsigned *bad)
{
	*entry = kcall_lookup(p->pid, va);
	if (*entry >= 0)
		return LOOKUP_MAPPED;
	if (*entry == -ERR_NOENT)
		return LOOKUP_UNMAPPED;
	if (*entry != -ERR_NOSYS && *entry != -ERR_SRCH) {
		mm_bug("mm_proc_check: pid %d lookup of %#lx failed: %s", p->pid, (unsigned long)va,
		       pagoda_strerror((int)*entry));
		++*bad;
	}
	return LOOKUP_UNKNOWN;
}

/* P6 for one user frame. */
static unsigned check_mapping(struct mm_proc *p, pfn_t pfn, bool *unknown)
{
	const struct page *pg = pfn_to_page(pfn);
	const struct mm_region *r = region_find(p, pg->index);
	unsigned bad = 0;
	int64_t e;
	enum lookup_result found = lookup(p, pg->index, &e, &bad);
	if (found == LOOKUP_UNKNOWN) {
		*unknown = true;
		return bad;
	}
	if (found == LOOKUP_UNMAPPED || pa_to_pfn((paddr_t)e) != pfn) {
		mm_bug("mm_proc_check: pid %d pfn %#lx is its page at %#lx, but the kernel maps %s there",
		       p->pid, (unsigned long)pfn, (unsigned long)pg->index,
		       found == LOOKUP_UNMAPPED ? "nothing" : "another frame");
		return 1;
	}
	bool w = e & MM_PTE_WRITE, x = e & MM_PTE_EXEC;
	if (r && (w != !!(r->prot & MM_PROT_WRITE) || x != !!(r->prot & MM_PROT_EXEC))) {
		mm_bug("mm_proc_check: pid %d page %#lx is mapped %s%s but its region's prot is %#x",
		       p->pid, (unsigned long)pg->index, w ? "writable" : "read-only",
		       x ? ", executable" : "", r->prot);
		return 1;
	}
	return 0;
}

static unsigned check_mappings(struct mm_proc *p)
{
	unsigned bad = 0;
	bool unknown = false;
	for (uint32_t pfn = p->frames; pfn != PAGE_LINK_NONE && !unknown; pfn = pfn_to_page(pfn)->own.next)
		if (pfn_to_page(pfn)->use == PAGE_USE_USER)
			bad += check_mapping(p, pfn, &unknown);
	return bad;
}

/* The frame at pa is device memory, not RAM mm manages: beyond the
 * descriptor array, or described as reserved. */
static bool not_ram(paddr_t pa)
{
	pfn_t pfn = pa_to_pfn(pa);
	return !pfn_valid(pfn) || pfn_to_page(pfn)->state == PAGE_RESERVED;
}

/* P8 for one MMIO region of p. */
static unsigned check_mmio(struct mm_proc *p, const struct mm_region *r)
{
	unsigned bad = 0;
	for (vaddr_t va = r->start; va < r->end; va += PAGE_SIZE) {
		int64_t e = 0;
		paddr_t want = r->mmio_pa + (va - r->start);
		if (lookup(p, va, &e, &bad) != LOOKUP_MAPPED)
			continue;
		if (pa_to_pfn((paddr_t)e) != pa_to_pfn(want) || !not_ram(want) || !(e & MM_PTE_WRITE) ||
		    (e & MM_PTE_EXEC)) {
			mm_bug("mm_proc_check: pid %d MMIO page %#lx maps %#lx%s, its BAR page is %#lx%s",
			       p->pid, (unsigned long)va, (unsigned long)(e & (int64_t)PAGE_MASK),
			       (e & MM_PTE_EXEC) ? " executable" : !(e & MM_PTE_WRITE) ? " read-only" : "",
			       (unsigned long)want, not_ram(want) ? "" : ", a frame mm manages");
			bad++;
		}
	}
	return bad;
}

/* P7 for one shared region of p. */
static unsigned check_shared(struct mm_proc *p, const struct mm_region *r)
{
	unsigned bad = 0;
	bool unknown = false;
	for (vaddr_t va = r->start; va < r->end; va += PAGE_SIZE) {
		uint64_t index = (va - r->start) >> PAGE_SHIFT;
		pfn_t pfn = shm_page(r->shm, index);
		if (pfn == PFN_NONE)
			continue;
		const struct page *pg = pfn_valid(pfn) ? pfn_to_page(pfn) : NULL;
		if (!pg || pg->state != PAGE_ALLOCATED || pg->use != PAGE_USE_USER ||
		    pg->owner != PAGE_OWNER_MM || pg->index != index ||
		    pg->object != (uint64_t)(uintptr_t)r->shm) {
			mm_bug("mm_proc_check: pid %d shared page %#lx: pfn %#lx "
			       "does not name object %p index %lu", p->pid, (unsigned long)va, (unsigned long)pfn, (void *)r->shm,
			       (unsigned long)index);
			bad++;
			continue;
		}
		int64_t e = 0;
		enum lookup_result found = unknown ? LOOKUP_UNKNOWN : lookup(p, va, &e, &bad);
		unknown = found == LOOKUP_UNKNOWN;
		if (found == LOOKUP_MAPPED && pa_to_pfn((paddr_t)e) != pfn) {
			mm_bug("mm_proc_check: pid %d shared page %#lx maps pfn %#lx, the object has %#lx",
			       p->pid, (unsigned long)va, (unsigned long)pa_to_pfn((paddr_t)e),
			       (unsigned long)pfn);
			bad++;
		}
	}
	return bad;
}

unsigned mm_proc_check(struct mm_proc *p)
{
	struct frame_count c = { 0 };
	unsigned bad = walk_frames(p, &c);
	if (c.endless)
		return bad;
	if (c.user != p->resident || c.tables != p->pagetables) {
		mm_bug("mm_proc_check: pid %d counts %lu resident and %lu page tables, "
		       "its list holds %lu and %lu", p->pid, (unsigned long)p->resident, (unsigned long)p->pagetables,
		       (unsigned long)c.user, (unsigned long)c.tables);
		bad++;
	}
	if (p->alive && p->root != PFN_NONE && !c.root_seen) {
		mm_bug("mm_proc_check: pid %d root pfn %#lx is not a page table on its list",
		       p->pid, (unsigned long)p->root);
		bad++;
	}
	if (!p->alive && (c.total || p->regions)) {
		mm_bug("mm_proc_check: pid %d has exited but still owns %lu frames%s", p->pid,
		       (unsigned long)c.total, p->regions ? " and regions" : "");
		bad++;
	}
	if (bad || !p->alive)
		return bad;             /* the mappings only make sense over a sound list */
	bad += check_mappings(p);
	for (const struct mm_region *r = p->regions; r; r = r->next)
		if (r->kind == REGION_SHARED && r->shm)
			bad += check_shared(p, r);
		else if (r->kind == REGION_MMIO)
			bad += check_mmio(p, r);
	return bad;
}

/* F3 for one allocated DMA frame; counted into *dma. */
static unsigned check_dma_frame(pfn_t pfn, uint64_t *dma)
{
	const struct page *pg = pfn_to_page(pfn);
	++*dma;
	if (pg->order == 0 && pg->owner == PAGE_OWNER_MM && (pg->flags & PG_PINNED) &&
	    pg->object != 0 && !reclaim_pool_of(pfn))
		return 0;
	mm_bug("mm_frames_check: DMA frame %#lx (order %u, owner %u, flags %#x) is not a pinned "
	       "frame of mm held by a grant or mapping, out of every pool", (unsigned long)pfn,
	       pg->order, pg->owner, pg->flags);
	return 1;
}

unsigned mm_frames_check(void)
{
	uint64_t owned = 0, listed = 0, dma = 0;
	unsigned bad = 0;
	for (pfn_t pfn = 0; pfn < mm_max_pfn; pfn++) {
		const struct page *pg = pfn_to_page(pfn);
		if (pg->state == PAGE_ALLOCATED && pg->use == PAGE_USE_DMA)
			bad += check_dma_frame(pfn, &dma);
		if (pg->state != PAGE_ALLOCATED || pg->owner == PAGE_OWNER_MM ||
		    (pg->use != PAGE_USE_USER && pg->use != PAGE_USE_PAGETABLE))
			continue;
		owned++;
		if (!mm_proc_find((int)pg->owner)) {
			mm_bug("mm_frames_check: pfn %#lx (%s) names pid %u, which mm does not know",
			       (unsigned long)pfn, page_use_name(pg->use), pg->owner);
			bad++;
		}
	}
	for (struct mm_proc *p = mm_proc_first(); p; p = p->next)
		listed += p->resident + p->pagetables;
	if (owned != listed) {
		mm_bug("mm_frames_check: %lu frames name a process as owner, the frame lists hold %lu",
		       (unsigned long)owned, (unsigned long)listed);
		bad++;
	}
	uint64_t held = grant_frames() + dma_stream_frames();
	if (dma != held) {
		mm_bug("mm_frames_check: %lu DMA frames in memory, grants and mappings hold %lu",
		       (unsigned long)dma, (unsigned long)held);
		bad++;
	}
	return bad;
}

unsigned mm_check_all(void)
{
	unsigned bad = buddy_check() + slab_check() + swap_check() + reclaim_check() +
		       grant_check() + dma_stream_check() + iommu_domain_check();
	for (struct mm_proc *p = mm_proc_first(); p; p = p->next)
		bad += region_check(p) + mm_proc_check(p);
	return bad + mm_frames_check();
}
