/*
 * proc.c - the memory server's process records and the frames they own.
 *
 * Records come from a slab cache and sit on one list (processes are few).
 * A process owns frames through its frame list: a doubly linked list of
 * page descriptors through their own.next/own.prev words (page.h), which
 * leaves next/prev to the replacement policy. mm_proc_own() puts a frame
 * on it and records why (user page or page table) and where it is mapped;
 * mm_proc_release() gives every frame back to the buddy allocator when the
 * process is gone.
 *
 * mm_proc_map() is the one way a frame gets mapped into a process: it
 * hands the kernel three spare frames for page tables it may need, and
 * takes ownership of those the kernel used (SYS_MM_MAP reports how many).
 * The spares in hand belong to nobody; MM_STAT counts them as free
 * (mm_proc_count_spares), or the free count would move with them.
 * mm_proc_prune() is the way back: after pages are unmapped it has the
 * kernel unlink the page tables left empty (SYS_MM_PRUNE) and frees them,
 * so map/unmap churn does not pile up tables until exit. A kernel without
 * SYS_MM_PRUNE (ERR_NOSYS) just keeps them until exit.
 */
#include <stdio.h>
#include <string.h>
#include "mm.h"
#include "buddy.h"
#include "slab.h"
#include "mm_env.h"
#include "kcall.h"
#include "zone.h"
#include "reclaim.h"

static struct slab_cache *proc_cache;
static struct mm_proc *procs;
static pfn_t spares[MM_MAP_SPARES] = { PFN_NONE, PFN_NONE, PFN_NONE };

void mm_proc_init(void)
{
	proc_cache = slab_cache_create("mm_proc", sizeof(struct mm_proc), 8, NULL);
}

struct mm_proc *mm_proc_new(int pid, int parent, const char *name)
{
	struct mm_proc *p = slab_alloc(proc_cache, 0);
	if (!p)
		return NULL;
	*p = (struct mm_proc){ .pid = pid, .parent = parent, .alive = true,
			       .root = PFN_NONE, .frames = PAGE_LINK_NONE };
	for (int i = 0; i < MM_RECENT_FILLS; i++)
		p->recent[i] = PFN_NONE;
	snprintf(p->name, sizeof p->name, "%s", name);
	p->next = procs;
	procs = p;
	return p;
}

struct mm_proc *mm_proc_find(int pid)
{
	for (struct mm_proc *p = procs; p; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

struct mm_proc *mm_proc_first(void)
{
	return procs;
}

/* The index-th live process, oldest first. */
struct mm_proc *mm_proc_nth(int index)
{
	int n = mm_proc_count();
	int want = n - 1 - index;       /* the list is newest first */
	for (struct mm_proc *p = procs; p && index >= 0; p = p->next)
		if (p->alive && want-- == 0)
			return p;
	return NULL;
}

int mm_proc_count(void)
{
	int n = 0;
	for (struct mm_proc *p = procs; p; p = p->next)
		n += p->alive;
	return n;
}

void mm_proc_free(struct mm_proc *p)
{
	struct mm_proc **link = &procs;
	while (*link && *link != p)
		link = &(*link)->next;
	if (!*link) {
		mm_bug("mm_proc_free: pid %d is not on the process list", p->pid);
		return;
	}
	*link = p->next;
	slab_free(proc_cache, p);
}

void mm_proc_own(struct mm_proc *p, pfn_t pfn, enum page_use use, vaddr_t va)
{
	struct page *pg = pfn_to_page(pfn);
	pg->owner = (uint32_t)p->pid;
	pg->use = (uint8_t)use;
	pg->index = va;
	pg->own.prev = PAGE_LINK_NONE;
	pg->own.next = p->frames;
	if (p->frames != PAGE_LINK_NONE)
		pfn_to_page(p->frames)->own.prev = (uint32_t)pfn;
	p->frames = (uint32_t)pfn;
	if (use == PAGE_USE_PAGETABLE) {
		p->pagetables++;
	} else {
		p->resident++;
		reclaim_admit(pfn);     /* evictable from now on */
	}
}

/* Take pfn off p's frame list: 0, or -ERR_BUG (reported, nothing
 * changed) if the frame is not p's. */
int mm_proc_disown(struct mm_proc *p, pfn_t pfn)
{
	struct page *pg = pfn_to_page(pfn);
	if (pg->owner != (uint32_t)p->pid) {
		mm_bug("mm_proc_disown: pfn %lu belongs to pid %u, not %d", pfn, pg->owner, p->pid);
		return -ERR_BUG;
	}
	if (pg->use == PAGE_USE_USER)
		reclaim_forget(pfn);
	if (pg->own.prev != PAGE_LINK_NONE)
		pfn_to_page(pg->own.prev)->own.next = pg->own.next;
	else
		p->frames = pg->own.next;
	if (pg->own.next != PAGE_LINK_NONE)
		pfn_to_page(pg->own.next)->own.prev = pg->own.prev;
	pg->own.next = pg->own.prev = PAGE_LINK_NONE;
	if (pg->use == PAGE_USE_PAGETABLE)
		p->pagetables--;
	else
		p->resident--;
	pg->owner = PAGE_OWNER_MM;
	pg->use = PAGE_USE_ANY;
	return 0;
}

/* Free every frame the process owns (after the kernel has forgotten it). */
void mm_proc_release(struct mm_proc *p)
{
	while (p->frames != PAGE_LINK_NONE) {
		pfn_t pfn = p->frames;
		if (mm_proc_disown(p, pfn) < 0)
			return;         /* reported: the list is not p's any more */
		buddy_free(pfn, 0);
	}
}

/* The spares in hand, counted per zone into free[MM_NR_ZONES]: they are
 * nobody's until the kernel uses one, so MM_STAT counts them as free. */
void mm_proc_count_spares(uint64_t *free)
{
	for (int i = 0; i < MM_MAP_SPARES; i++)
		if (spares[i] != PFN_NONE)
			free[pfn_zone(spares[i])]++;
}

static bool refill_spares(void)
{
	for (int i = 0; i < MM_MAP_SPARES; i++) {
		if (spares[i] == PFN_NONE)
			spares[i] = buddy_alloc(0, MM_HIGH);  /* the pager's reserve: reclaim.c */
		if (spares[i] == PFN_NONE)
			return false;
	}
	return true;
}

/* The kernel's rights (SYS_MM_MAP, SYS_MM_PROTECT) for MM_PROT_* bits. */
uint64_t mm_rights(unsigned prot)
{
	return MM_RIGHT_READ | ((prot & MM_PROT_WRITE) ? MM_RIGHT_WRITE : 0) |
	       ((prot & MM_PROT_EXEC) ? MM_RIGHT_EXEC : 0);
}

/* The spares for the next mapping call, as physical addresses: 0, or
 * -ERR_NOMEM. They stay mm's until mm_proc_spares_used. */
int mm_proc_spares(paddr_t out[MM_MAP_SPARES])
{
	if (!refill_spares())
		return -ERR_NOMEM;
	for (int i = 0; i < MM_MAP_SPARES; i++)
		out[i] = pfn_to_pa(spares[i]);
	return 0;
}

/* The kernel used the first `used` spares (a mapping call's answer): they
 * are p's page tables now. */
void mm_proc_spares_used(struct mm_proc *p, int used)
{
	for (int i = 0; i < used; i++) {
		mm_proc_own(p, spares[i], PAGE_USE_PAGETABLE, 0);
		spares[i] = PFN_NONE;
	}
}

/* Map frame pfn at va in p with the rights of prot. The frame's ownership
 * is the caller's business; page tables the kernel needed become p's. */
int mm_proc_map(struct mm_proc *p, vaddr_t va, pfn_t pfn, unsigned prot)
{
	paddr_t spare_pa[MM_MAP_SPARES];
	if (mm_proc_spares(spare_pa) < 0)
		return -ERR_NOMEM;
	int used = kcall_map(p->pid, va, pfn_to_pa(pfn), mm_rights(prot), spare_pa);
	if (used < 0)
		return used;
	mm_proc_spares_used(p, used);
	return 0;
}

/* A frame SYS_MM_PRUNE handed back: one of p's page tables, now unlinked. */
static void free_pruned(struct mm_proc *p, paddr_t pa)
{
	pfn_t pfn = pa_to_pfn(pa);
	struct page *pg = pfn_valid(pfn) ? pfn_to_page(pfn) : NULL;
	if (!pg || pg->use != PAGE_USE_PAGETABLE || pg->owner != (uint32_t)p->pid || pfn == p->root) {
		mm_bug("mm_proc_prune: pid %d: the kernel pruned %#lx, not one of its page tables",
		       p->pid, (unsigned long)pa);
		return;
	}
	mm_proc_disown(p, pfn);
	buddy_free(pfn, 0);
}

/* Free p's page tables that map nothing any more and whose span meets
 * [from, to). 0, or -ERR_SRCH if p is gone (its exit frees them). */
int mm_proc_prune(struct mm_proc *p, vaddr_t from, vaddr_t to)
{
	paddr_t out[MM_PRUNE_MAX];
	int n;
	do {
		n = kcall_prune(p->pid, from, to - from, out, MM_PRUNE_MAX);
		for (int i = 0; i < n; i++)
			free_pruned(p, out[i]);
	} while (n == MM_PRUNE_MAX);
	return n == -ERR_SRCH ? n : 0;      /* ERR_NOSYS: an older kernel; keep them */
}
