/*
 * backend_anon.c - anonymous memory: the heap, the stacks and MM_MMAP
 * anonymous regions (backend.h).
 *
 * A page is a zeroed frame from the buddy allocator on first touch. The
 * frame is the process's own: on its frame list (page.h: own.next/
 * own.prev, index = the page's virtual address, use PAGE_USE_USER), which
 * is how the present pages of a range are found and how exit frees them.
 * Those helpers (backend_private_*) serve backend_elf.c too.
 *
 * Swap-backed (swap.h): eviction unmaps the page and gives it up without
 * a write when it has a valid copy on the swap device and was not written
 * since (or was never written at all: it is zeros, and the next touch
 * zeroes a frame again); otherwise it writes it to a slot. A fill asks
 * swap_load first: a page with a slot comes back from the swap cache or
 * the device (a major fault), byte for byte. A page that cannot be
 * written (no device: ERR_NOSYS; swap full: ERR_NOSPC; the device failed)
 * is mapped back and stays. The swapping helpers (backend_private_evict,
 * backend_private_swapin) serve backend_elf.c too: a written ELF page is
 * anonymous memory from then on.
 */
#include "backend.h"
#include "buddy.h"
#include "kcall.h"
#include "reclaim.h"
#include "swap.h"
#include "vmstat.h"
#include "lab.h"

/* Private frames of p mapped in [from, to): found on p's frame list. */
int backend_private_for_each(struct mm_proc *p, struct mm_region *r, vaddr_t from, vaddr_t to,
			     backend_page_fn fn, uint64_t arg)
{
	uint32_t next;
	for (uint32_t pfn = p->frames; pfn != PAGE_LINK_NONE; pfn = next) {
		struct page *pg = pfn_to_page(pfn);
		next = pg->own.next;
		if (pg->use != PAGE_USE_USER || pg->index < from || pg->index >= to)
			continue;
		int err = fn(p, r, pg->index, pfn, arg);
		if (err)
			return err;
	}
	return 0;
}

int backend_private_unmap(struct mm_proc *p, struct mm_region *r, vaddr_t va, pfn_t pfn)
{
	int64_t old = kcall_unmap(p->pid, va);
	if (old == -ERR_SRCH)
		return -ERR_SRCH;       /* exiting: its exit report frees the frame */
	if (old < 0) {
		mm_bug("backend_private_unmap: pid %d page %#lx is on its frame list but not mapped: %s",
		       p->pid, (unsigned long)va, pagoda_strerror((int)-old));
		return -ERR_BUG;
	}
	if (pfn_to_page(pfn)->flags & PG_SWAPCACHE)     /* its slot goes with it */
		swap_forget_range(&r->swapped, va >> PAGE_SHIFT, (va >> PAGE_SHIFT) + 1);
	if (mm_proc_disown(p, pfn) == 0)
		buddy_free(pfn, 0);
	return 0;
}

/* The region's frames are on the process's list; its slots go here. */
void backend_private_detach(struct mm_proc *p, struct mm_region *r)
{
	swap_forget_all(&r->swapped);
}

/* LAB swap: keep: map a page that could not be evicted back, remembering it was written */
/* Map back a page that could not be evicted, remembering it was written
 * (the new mapping's dirty bit starts clear). The leaf page table is
 * still there (nothing pruned it meanwhile), so the kernel needs no spare. */
static void keep(struct mm_proc *p, struct mm_region *r, vaddr_t va, pfn_t pfn, bool dirty)
{
	static const paddr_t no_spares[MM_MAP_SPARES] = { PADDR_NONE, PADDR_NONE, PADDR_NONE };
	if (dirty)
		pfn_to_page(pfn)->flags |= PG_DIRTY;
	int err = kcall_map(p->pid, va, pfn_to_pa(pfn), mm_rights(r->prot), no_spares);
	if (err < 0 && err != -ERR_SRCH)
		mm_bug("backend_private_evict: cannot map pid %d page %#lx back: %s", p->pid,
		       (unsigned long)va, pagoda_strerror(-err));
}
/* LAB swap END */

/* Evict private page va: refillable is true when a clean page without a
 * slot can simply be dropped (its contents come back from the backend). */
int backend_private_evict(struct mm_proc *p, struct mm_region *r, vaddr_t va, pfn_t pfn,
			  bool refillable)
{
	/* LAB swap: backend_private_evict: unmap the victim, drop it if clean, else swap_save it; on failure map it back */
	struct page *pg = pfn_to_page(pfn);
	uint64_t vpn = va >> PAGE_SHIFT;
	if (pg->flags & PG_PINNED)
		return -ERR_BUSY;
	bool has_slot = pg->flags & PG_SWAPCACHE;
	if (!has_slot && !swap_room()) {        /* it could only be dropped: is it clean? */
		int err = swap_slots_total() ? -ERR_NOSPC : -ERR_NOSYS;
		if (!refillable || (pg->flags & PG_DIRTY))
			return err;
		int64_t e = kcall_lookup(p->pid, va);
		if (e >= 0 && (e & MM_PTE_DIRTY)) {
			pg->flags |= PG_DIRTY;  /* known from now on, without asking */
			return err;
		}
	}
	int64_t old = kcall_unmap(p->pid, va);
	if (old < 0)
		return old == -ERR_SRCH ? -ERR_SRCH : (int)old;
	bool dirty = (old & MM_PTE_DIRTY) || (pg->flags & PG_DIRTY);
	if (dirty || has_slot) {
		int err = swap_save(&r->swapped, r, vpn, p, pfn, dirty, va);
		if (err < 0) {
			keep(p, r, va, pfn, dirty);
			return err;
		}
	} else {
		mm_vmstat.evict_clean++;        /* zeros, or the module's bytes */
		mm_event(MM_EV_EVICT_CLEAN, p->pid, va, pfn, ~0ULL);
	}
	pg->flags &= (uint8_t)~PG_DIRTY;
	if (mm_proc_disown(p, pfn) == 0)
		buddy_free(pfn, 0);
	return 0;
	/* LAB swap STUB: LAB_MISSING("swap", "backend_private_evict"); */
	/* LAB swap STUB: (void)p; (void)r; (void)va; (void)pfn; (void)refillable; */
	/* LAB swap STUB: return -ERR_NOSYS; */
	/* LAB swap END */
}

/* The page's frame from swap if it has a slot; PFN_NONE with *err = 0 if
 * it has none (the caller fills it as new). */
pfn_t backend_private_swapin(struct mm_proc *p, struct mm_region *r, vaddr_t va, int *err)
{
	return r->swapped ? swap_load(r, va >> PAGE_SHIFT, p, va, err) : (*err = 0, PFN_NONE);
}

static pfn_t anon_fill(struct mm_proc *p, struct mm_region *r, vaddr_t va)
{
	/* LAB fault: anon_fill: the page from swap if it has a slot, else a zeroed frame */
	int err;
	pfn_t pfn = backend_private_swapin(p, r, va, &err);
	if (pfn != PFN_NONE || err)
		return pfn;
	return reclaim_alloc_user(MM_ZERO);
	/* LAB fault STUB: LAB_MISSING("fault", "anon_fill"); */
	/* LAB fault STUB: (void)p; (void)r; (void)va; */
	/* LAB fault STUB: return PFN_NONE; */
	/* LAB fault END */
}

static int anon_evict(struct mm_proc *p, struct mm_region *r, vaddr_t va, pfn_t pfn)
{
	return backend_private_evict(p, r, va, pfn, true);
}

const struct mm_backend backend_anon = {
	.name = "anonymous",
	.private_frames = true,
	.fill = anon_fill,
	.for_each_present = backend_private_for_each,
	.unmap = backend_private_unmap,
	.evict = anon_evict,
	.detach = backend_private_detach,
};
