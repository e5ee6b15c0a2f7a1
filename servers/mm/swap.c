/*
 * swap.c - pages on the swap device: mm's record of where each one is,
 * and the two moves, frame to slot (swap_save) and slot to frame
 * (swap_load). The slots are swap_slot.c's, the slot -> frame direction
 * is swap_cache.c's, the transfers are swapdev.h's.
 *
 * The record. A page that has a slot has one struct swap_ent naming it
 * by (owner, index): a private page by its region and virtual page
 * number, a shared page by its shm object and page index. Records are
 * found through one hash table (SWAP_HASH buckets) and are also on their
 * owner's list (mm_region.swapped, the shm object's), so removing a
 * region or object drops its records in time linear in their number. The
 * kernel's page tables hold nothing for a swapped page (an unmapped page
 * of a region is simply filled on its next touch): the backend's fill
 * asks here first. This is the MINIX 3 VM server's and HelenOS's choice
 * (the pager's own table), not Linux's swap entries in the PTE.
 *
 * States of a page with a record (docs/swap.md draws them):
 *   SWAPPED  slot holds the contents; no frame (the swap cache has none)
 *   CACHED   a frame holds them too, PG_SWAPCACHE, the swap cache maps the
 *            slot to it; the frame is mapped (private) or in its object
 *   swap_load  SWAPPED -> CACHED (read; a major fault)
 *   swap_save  CACHED -> SWAPPED: no write if no mapping wrote the page
 *              since it was read (the dirty bits), else the slot is
 *              rewritten; a page without a record gets a slot, is written
 *              and becomes SWAPPED
 *   free     (unmap, region or object removed, exit) the record goes and
 *            its slot is put
 *
 * Invariants (swap_check, with Z1-Z3 and C1-C3):
 *   S1 each slot's count = the records naming it;
 *   S2 a record's slot is in use; records are on their owner's list and
 *      in the bucket of their (owner, index), once;
 *   S3 a private record is CACHED exactly when its process has a frame at
 *      that address, and then the cache names that frame; a shared one is
 *      CACHED exactly when the object has the page, that frame;
 *   S4 a process's swapped count = its private records that are SWAPPED.
 *
 * Errors (the page always stays where it was when a move fails): swap
 * full (-ERR_NOSPC) or no device (-ERR_NOSYS) keep the page resident; a
 * failed write (the device's error) puts a new slot back and keeps the page; a
 * failed read leaves the slot SWAPPED and the fault kills the process
 * that needed it (its data cannot be had); the device dying kills every
 * process with a SWAPPED page (swap_device_lost).
 */
#include <stdio.h>
#include "swap.h"
#include "swapdev.h"
#include "reclaim.h"
#include "vmstat.h"
#include "buddy.h"
#include "slab.h"
#include "kcall.h"
#include "mm_env.h"
#include "lab.h"

#define SWAP_HASH 1024

struct swap_ent {
	const void *owner;          /* struct mm_region * or struct shm_obj * */
	uint64_t index;             /* virtual page number, or page index */
	uint64_t slot;
	struct mm_proc *proc;       /* private: the region's process; shared: NULL */
	struct swap_ent *hnext;     /* hash chain */
	struct swap_ent *onext, **oprev;    /* owner's list */
};

struct mm_vmstat mm_vmstat;

static struct swap_ent *buckets[SWAP_HASH];
static struct slab_cache *ent_cache;
static bool read_failed;        /* the last swap_load could not read its slot */

bool swap_take_error(void)
{
	bool was = read_failed;
	read_failed = false;
	return was;
}

static unsigned bucket_of(const void *owner, uint64_t index)
{
	uint64_t h = ((uint64_t)(uintptr_t)owner >> 4) * 0x9e3779b97f4a7c15ULL + index;
	return (unsigned)((h ^ (h >> 29)) % SWAP_HASH);
}

static struct swap_ent *find(const void *owner, uint64_t index)
{
	for (struct swap_ent *e = buckets[bucket_of(owner, index)]; e; e = e->hnext)
		if (e->owner == owner && e->index == index)
			return e;
	return NULL;
}

uint64_t swap_slot_of(const void *owner, uint64_t index)
{
	struct swap_ent *e = find(owner, index);
	return e ? e->slot : SWAP_SLOT_NONE;
}

void swap_init(void)
{
	if (!ent_cache)
		ent_cache = slab_cache_create("mm_swapent", sizeof(struct swap_ent), 8, NULL);
	swap_slots_setup();
}

/* LAB swap: record: a new record of (owner, index) in slot, in its bucket and on its owner's list */
static struct swap_ent *record(struct swap_ent **head, const void *owner, uint64_t index,
			       struct mm_proc *p, uint64_t slot)
{
	if (!ent_cache)
		ent_cache = slab_cache_create("mm_swapent", sizeof(struct swap_ent), 8, NULL);
	struct swap_ent *e = ent_cache ? slab_alloc(ent_cache, MM_EMERGENCY) : NULL;
	if (!e)
		return NULL;
	unsigned b = bucket_of(owner, index);
	*e = (struct swap_ent){ .owner = owner, .index = index, .slot = slot, .proc = p,
				.hnext = buckets[b], .onext = *head, .oprev = head };
	buckets[b] = e;
	if (*head)
		(*head)->oprev = &e->onext;
	*head = e;
	return e;
}
/* LAB swap END */

static void unrecord(struct swap_ent *e)
{
	struct swap_ent **link = &buckets[bucket_of(e->owner, e->index)];
	while (*link != e)
		link = &(*link)->hnext;
	*link = e->hnext;
	*e->oprev = e->onext;
	if (e->onext)
		e->onext->oprev = e->oprev;
	pfn_t cached = swap_cache_lookup(e->slot);
	if (cached != PFN_NONE)         /* resident, and from now on its only copy */
		pfn_to_page(cached)->flags |= PG_DIRTY;
	else if (e->proc)
		e->proc->swapped--;
	swap_slot_put(e->slot);
	slab_free(ent_cache, e);
}

void swap_forget_range(struct swap_ent **head, uint64_t from, uint64_t to)
{
	for (struct swap_ent *e = *head, *next; e; e = next) {
		next = e->onext;
		if (e->index >= from && e->index < to)
			unrecord(e);
	}
}

void swap_forget_all(struct swap_ent **head)
{
	while (*head)
		unrecord(*head);
}

bool swap_record_has_swapped(struct swap_ent *head)
{
	for (struct swap_ent *e = head; e; e = e->onext)
		if (swap_cache_lookup(e->slot) == PFN_NONE)
			return true;
	return false;
}

/* LAB swap: write_out: frame pfn to slot through the device, logged on failure, counted on success */
/* Write frame pfn to slot; counted. */
static int write_out(uint64_t slot, pfn_t pfn, int pid, uint64_t va)
{
	int err = swapdev_write(slot, pfn);
	if (err < 0) {
		printf("mm: swap: writing slot %lu failed: %s; the page stays resident\n",
		       (unsigned long)slot, pagoda_strerror(err));
		return err;
	}
	mm_vmstat.swapouts++;
	mm_vmstat.evict_dirty++;
	mm_event(MM_EV_EVICT_DIRTY, pid, va, pfn, slot);
	return 0;
}
/* LAB swap END */

int swap_save(struct swap_ent **head, const void *owner, uint64_t index, struct mm_proc *p,
	      pfn_t pfn, bool dirty, vaddr_t va)
{
	/* LAB swap: swap_save: swap-out: no write for a clean cached page, else its slot rewritten or a new slot written and recorded */
	int pid = p ? p->pid : 0;
	struct swap_ent *e = find(owner, index);
	if (e && !dirty && swap_cache_lookup(e->slot) == pfn) {
		swap_cache_del(e->slot);        /* CACHED -> SWAPPED, no write */
		mm_vmstat.evict_clean++;
		mm_event(MM_EV_EVICT_CLEAN, pid, va, pfn, e->slot);
	} else if (e) {
		int err = write_out(e->slot, pfn, pid, va);
		if (err < 0)
			return err;
		swap_cache_del(e->slot);
	} else {
		if (!swap_slots_setup())
			return -ERR_NOSYS;
		uint64_t slot = swap_slot_alloc();
		if (slot == SWAP_SLOT_NONE)
			return -ERR_NOSPC;
		int err = write_out(slot, pfn, pid, va);
		if (!err && !record(head, owner, index, p, slot))
			err = -ERR_NOMEM;
		if (err < 0) {
			swap_slot_put(slot);
			return err;
		}
	}
	if (p)
		p->swapped++;
	return 0;
	/* LAB swap STUB: LAB_MISSING("swap", "swap_save"); */
	/* LAB swap STUB: (void)head; (void)owner; (void)index; (void)p; (void)pfn; (void)dirty; (void)va; */
	/* LAB swap STUB: return -ERR_NOSYS; */
	/* LAB swap END */
}

pfn_t swap_load(const void *owner, uint64_t index, struct mm_proc *p, vaddr_t va, int *err)
{
	/* LAB swap: swap_load: swap-in: the cached frame, or a new frame read from the slot (a major fault), kept CACHED */
	struct swap_ent *e = find(owner, index);
	*err = 0;
	if (!e)
		return PFN_NONE;
	pfn_t pfn = swap_cache_lookup(e->slot);
	if (pfn != PFN_NONE)
		return pfn;                     /* resident already: the same frame */
	pfn = reclaim_alloc_user(0);
	if (pfn == PFN_NONE) {
		*err = -ERR_NOMEM;
		return PFN_NONE;
	}
	int rd = swapdev_read(e->slot, pfn);
	if (rd < 0) {
		read_failed = true;
		printf("mm: swap: reading slot %lu failed: %s\n", (unsigned long)e->slot,
		       pagoda_strerror(rd));
		buddy_free(pfn, 0);
		*err = -ERR_DEAD;
		return PFN_NONE;
	}
	swap_cache_add(e->slot, pfn);
	if (e->proc)
		e->proc->swapped--;
	if (p)
		p->major_faults++;
	mm_vmstat.swapins++;
	mm_vmstat.major_faults++;
	mm_event(MM_EV_SWAPIN, p ? p->pid : 0, va, pfn, e->slot);
	mm_event(MM_EV_FAULT_MAJOR, p ? p->pid : 0, va, pfn, e->slot);
	return pfn;
	/* LAB swap STUB: LAB_MISSING("swap", "swap_load"); */
	/* LAB swap STUB: (void)owner; (void)index; (void)p; (void)va; */
	/* LAB swap STUB: *err = 0; */
	/* LAB swap STUB: return PFN_NONE; */
	/* LAB swap END */
}

/* A frame swap_load returned could not be mapped after all and is about
 * to be freed: back to SWAPPED. */
void swap_load_undo(const void *owner, uint64_t index, pfn_t pfn)
{
	/* LAB swap: swap_load_undo: a loaded frame freed unmapped: the page is SWAPPED again */
	struct swap_ent *e = find(owner, index);
	if (!e || swap_cache_lookup(e->slot) != pfn)
		return;
	swap_cache_del(e->slot);
	if (e->proc)
		e->proc->swapped++;
	/* LAB swap STUB: (void)owner; (void)index; (void)pfn; */
	/* LAB swap END */
}

uint64_t swap_pages_of(const struct mm_proc *p)
{
	return p->swapped;
}

uint64_t swap_slots_of(const struct mm_proc *p)
{
	uint64_t n = 0;
	for (const struct mm_region *r = p->regions; r; r = r->next)
		for (const struct swap_ent *e = r->swapped; e; e = e->onext)
			n++;
	return n;
}

/* ---- swap_check: S1-S4 ---------------------------------------------------- */

static unsigned check_private(const struct swap_ent *e)
{
	const struct mm_region *r = e->owner;
	vaddr_t va = e->index << PAGE_SHIFT;
	pfn_t cached = swap_cache_lookup(e->slot);
	if (r->proc != e->proc || va < r->start || va >= r->end) {
		mm_bug("swap_check: record of pid %d page %#lx is not inside its region",
		       e->proc->pid, (unsigned long)va);
		return 1;
	}
	if (cached != PFN_NONE) {
		const struct page *pg = pfn_to_page(cached);
		if (pg->owner != (uint32_t)e->proc->pid || pg->index != va) {
			mm_bug("swap_check: pid %d page %#lx is cached in pfn %#lx, which is pid %u's page %#lx",
			       e->proc->pid, (unsigned long)va, (unsigned long)cached, pg->owner,
			       (unsigned long)pg->index);
			return 1;
		}
		return 0;
	}
	int64_t pte = e->proc->alive ? kcall_lookup(e->proc->pid, va) : -ERR_NOENT;
	if (pte >= 0) {
		mm_bug("swap_check: pid %d page %#lx is swapped out (slot %lu) but mapped",
		       e->proc->pid, (unsigned long)va, (unsigned long)e->slot);
		return 1;
	}
	return 0;
}

static unsigned check_shared_record(const struct swap_ent *e)
{
	pfn_t there = shm_page((struct shm_obj *)e->owner, e->index);
	if (there != swap_cache_lookup(e->slot)) {
		mm_bug("swap_check: shared page %lu (slot %lu): the object has pfn %#lx, the cache %#lx",
		       (unsigned long)e->index, (unsigned long)e->slot, (unsigned long)there,
		       (unsigned long)swap_cache_lookup(e->slot));
		return 1;
	}
	return 0;
}

static unsigned check_record(const struct swap_ent *e, unsigned b)
{
	unsigned bad = 0;
	if (bucket_of(e->owner, e->index) != b || *e->oprev != e || !swap_slot_refs(e->slot)) {
		mm_bug("swap_check: record of page %lu (slot %lu, %u references) is misfiled",
		       (unsigned long)e->index, (unsigned long)e->slot, swap_slot_refs(e->slot));
		return 1;
	}
	bad += e->proc ? check_private(e) : check_shared_record(e);
	return bad;
}

unsigned swap_check(void)
{
	unsigned bad = swap_slot_check() + swap_cache_check();
	uint64_t records = 0, refs = 0;
	for (unsigned b = 0; b < SWAP_HASH; b++)
		for (const struct swap_ent *e = buckets[b]; e; e = e->hnext) {
			records++;
			bad += check_record(e, b);
		}
	for (uint64_t s = 0; s < swap_slots_total(); s++)
		refs += swap_slot_refs(s);
	if (records != refs) {
		mm_bug("swap_check: %lu records but the slots count %lu references",
		       (unsigned long)records, (unsigned long)refs);
		bad++;
	}
	for (struct mm_proc *p = mm_proc_first(); p; p = p->next) {
		uint64_t swapped = 0;
		for (const struct mm_region *r = p->regions; r; r = r->next)
			for (const struct swap_ent *e = r->swapped; e; e = e->onext)
				swapped += swap_cache_lookup(e->slot) == PFN_NONE;
		if (swapped != p->swapped) {
			mm_bug("swap_check: pid %d counts %lu swapped pages, its records %lu", p->pid,
			       (unsigned long)p->swapped, (unsigned long)swapped);
			bad++;
		}
	}
	return bad;
}

/* ---- the device died ---------------------------------------------------- */

/* Pages of p that were only on the device: its own, and those of the
 * shared objects it maps. */
static uint64_t lost_pages(const struct mm_proc *p)
{
	uint64_t n = p->swapped;
	for (const struct mm_region *r = p->regions; r; r = r->next)
		if (r->shm)
			for (const struct swap_ent *e = *shm_swapped(r->shm); e; e = e->onext)
				n += swap_cache_lookup(e->slot) == PFN_NONE;
	return n;
}

void swap_device_lost(void)
{
	unsigned killed = 0;
	printf("swap: the swap device is gone: %lu slots in use are lost\n",
	       (unsigned long)swap_slots_used());
	for (struct mm_proc *p = mm_proc_first(); p; p = p->next) {
		uint64_t lost = p->alive ? lost_pages(p) : 0;
		if (!lost || kcall_kill(p->pid, -1) < 0)
			continue;
		killed++;
		printf("kill: pid %d (%s): %lu of its pages were on the swap device, which is gone\n",
		       p->pid, p->name, (unsigned long)lost);
	}
	printf("swap: %u processes killed; swapping is off\n", killed);
	fflush(stdout);
	for (unsigned b = 0; b < SWAP_HASH; b++)
		while (buckets[b])
			unrecord(buckets[b]);
	swap_slots_forget();
}
