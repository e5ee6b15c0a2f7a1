/*
 * reclaim.c - getting frames back from user pages: pools, direct and
 * background reclaim, the usermem cap, and the reserve that keeps the
 * pager able to work.
 *
 * Pools. Every evictable user frame is in exactly one pool (policy.h)
 * from the moment it is mapped (mm_proc_own for a private page,
 * shm_page_fill for a shared one) until it stops being evictable (freed,
 * unmapped, evicted: mm_proc_disown, the shm object's free and evict).
 * Which pool is one byte per frame (pool_of[], an index into pools[];
 * 0: none), so a frame can be moved to a budget pool (reclaim_set_pool)
 * without touching its descriptor. The global pool is pools[1] and uses
 * reclaim_policy (Clock unless policy= picks another). Page tables,
 * mm's own frames, the ramdisk's pages (PG_PINNED, or owned by
 * swapdev_pid()) are never admitted, so they are never evicted.
 *
 * Eviction. reclaim_evict_from asks the pool's policy for a victim and
 * hands it to its backend's evict (backend.h) or, for a shared frame, to
 * its object (shm_evict_page); a refused victim stays in the pool and the
 * policy, asked again, offers another. The environment side of policy.h
 * is here too: policy_referenced/policy_dirty read the page-table bits of
 * every mapping (the owner's for a private frame, each one the reverse map
 * finds for a shared frame). Each accessed bit is read and cleared when
 * the policy asks about that page and no sooner (SYS_MM_ACCESSED of one
 * page), so no bit is cleared that is not handed to the policy: a bit the
 * hardware set is counted once, by the next question about its frame.
 * (Reading 63 pages per call and keeping the rest for later cost a 63-page
 * walk per eviction, most of it for pages the hand never reached, and the
 * bits it cleared for those were dropped at the end of the pass.)
 *
 * When. (1) Direct: reclaim_alloc_user, the one allocator of user pages
 * (fills, swap-ins, shared pages), evicts before it allocates when the
 * usermem cap is reached, and when buddy_alloc fails (free pages at the
 * min watermark) it evicts a batch and tries again. (2) Background: after
 * every message mm handles (main.c), if the free pages of all zones are
 * below the sum of their low watermarks, reclaim_background evicts until
 * they are back at the high ones (or nothing more can go). The request
 * loop stays one thread and deterministic: the same messages give the
 * same evictions, with no timer in the way.
 *
 * Budgets are local replacement: a budget's frames are replaced by its
 * own faults (budget.c), and background reclaim takes only from the
 * global pool, so a workload in a budget of N frames faults exactly as
 * N frames and its policy say - what `replay` compares with the
 * simulator (docs/policies.md). Direct reclaim, the last step before the
 * OOM killer, turns to the budgets only once the global pool has given
 * all it can.
 *
 * The reserve, and why swapping out cannot deadlock. User pages are
 * allocated with plain flags, so they stop at each zone's min watermark;
 * the pager's own needs below min are few and bounded per eviction: a
 * swap record (slab, MM_EMERGENCY), the page tables that map the frame
 * into the ramdisk's transfer window (swapdev.c, MM_HIGH / MM_EMERGENCY),
 * the page tables of the fault being served (mm_proc_map's spares,
 * MM_HIGH). So whenever a user allocation fails, at least min free frames
 * remain that only the pager path may take, and one eviction uses a
 * constant number of them and gives a frame back before the next one:
 * reclaim always has the memory it needs to free memory. The ramdisk's
 * storage is allocated and pinned when it starts, never on the write
 * path. If nothing can be evicted (all pinned, swap full) the fault goes
 * to the OOM killer (oom.c), which frees a whole process.
 *
 * Invariants (reclaim_check): Q1 a frame in a pool is an allocated user
 * page (one pinned since it was admitted leaves when it is next offered);
 * Q2 each pool's pages = the frames that name it; Q3 a
 * pool's list counts add up to its pages; Q4 each pool passes its
 * policy's checker (policy_pool_check: P1-P4 of policy.c, and the
 * history's), so a switch of policy is checked with every frame in place.
 *
 * Not supported: per-zone reclaim (all user pages come from the zones
 * below the class zone anyway), kswapd-like pacing, writeback clustering
 * beyond the slot clusters (swap_slot.c).
 */
#include <stdio.h>
#include <string.h>
#include "reclaim.h"
#include "mm.h"
#include "backend.h"
#include "buddy.h"
#include "zone.h"
#include "swap.h"
#include "swapdev.h"
#include "config.h"
#include "vmstat.h"
#include "kcall.h"
#include "mm_env.h"
#include "kmalloc.h"

struct policy_pool reclaim_global;
const struct mm_policy *reclaim_policy = &policy_fifo;
struct policy_choice reclaim_choice = { .policy = &policy_fifo };
uint64_t *policy_frame_words;

static struct {
	struct policy_pool *pool;
	const struct mm_policy *policy;
} pools[RECLAIM_POOLS];
static uint8_t *pool_of;
static pfn_t pool_of_block = PFN_NONE;
static unsigned pool_of_order;

void reclaim_pool_init(struct policy_pool *pool, const char *name, uint64_t limit)
{
	memset(pool, 0, sizeof *pool);
	pool->name = name;
	pool->limit = limit;
	pool->hand = PAGE_LINK_NONE;
	for (int l = 0; l < POLICY_LISTS; l++)
		pool->head[l] = PAGE_LINK_NONE;
}

/* policy_frame_words[]: 8 bytes a frame, from the buddy allocator. */
static pfn_t words_block = PFN_NONE;
static unsigned words_order;

static void frame_words_init(void)
{
	if (words_block != PFN_NONE)
		buddy_free(words_block, words_order);
	policy_frame_words = NULL;
	words_block = PFN_NONE;
	for (words_order = 0; ((uint64_t)PAGE_SIZE << words_order) < mm_max_pfn * 8; words_order++)
		;
	if (words_order > MM_MAX_ORDER)
		return;
	words_block = buddy_alloc(words_order, MM_ZERO);
	if (words_block != PFN_NONE)
		policy_frame_words = pfn_to_virt(words_block);
}

void reclaim_init(void)
{
	if (pool_of_block != PFN_NONE)
		buddy_free(pool_of_block, pool_of_order);
	pool_of = NULL;
	pool_of_block = PFN_NONE;
	pool_of_order = 0;
	while (((uint64_t)PAGE_SIZE << pool_of_order) < mm_max_pfn)
		pool_of_order++;
	pfn_t pfn = pool_of_order <= MM_MAX_ORDER ? buddy_alloc(pool_of_order, MM_ZERO) : PFN_NONE;
	memset(pools, 0, sizeof pools);
	reclaim_pool_init(&reclaim_global, "global", 0);
	pools[1].pool = &reclaim_global;
	pools[1].policy = reclaim_policy;
	memcpy(reclaim_global.param, reclaim_choice.param, sizeof reclaim_global.param);
	frame_words_init();
	if (pfn == PFN_NONE || !policy_frame_words) {
		if (pfn != PFN_NONE)
			buddy_free(pfn, pool_of_order);
		mm_print("mm: reclaim: no memory for the pool map; nothing will be evicted\n");
		return;
	}
	pool_of_block = pfn;
	pool_of = pfn_to_virt(pfn);
}

static int pool_id(const struct policy_pool *pool)
{
	for (int id = 1; id < RECLAIM_POOLS; id++)
		if (pools[id].pool == pool)
			return id;
	return 0;
}

int reclaim_pool_add(struct policy_pool *pool)
{
	for (int id = 2; id < RECLAIM_POOLS; id++)
		if (!pools[id].pool) {
			pools[id].pool = pool;
			pools[id].policy = reclaim_choice.policy;
			memcpy(pool->param, reclaim_choice.param, sizeof pool->param);
			return 0;
		}
	return -ERR_NOSPC;
}

void reclaim_pool_del(struct policy_pool *pool)
{
	int id = pool_id(pool);
	if (id < 2)
		return;
	for (pfn_t pfn = 0; pool_of && pfn < mm_max_pfn && pool->pages; pfn++)
		if (pool_of[pfn] == id)
			reclaim_set_pool(pfn, &reclaim_global);
	policy_ghost_release(pool);
	pools[id].pool = NULL;
	pools[id].policy = NULL;
}

struct policy_pool *reclaim_pool_of(pfn_t pfn)
{
	return pool_of && pfn_valid(pfn) && pool_of[pfn] ? pools[pool_of[pfn]].pool : NULL;
}

static void join(pfn_t pfn, int id)
{
	pool_of[pfn] = (uint8_t)id;
	pools[id].policy->admit(pools[id].pool, pfn);
}

/* The frame evict_frame is giving up: its remove says POLICY_EVICTED. */
static pfn_t evicting = PFN_NONE;

void reclaim_forget(pfn_t pfn)
{
	if (!pool_of || !pfn_valid(pfn) || !pool_of[pfn])
		return;
	int id = pool_of[pfn];
	pool_of[pfn] = 0;
	pools[id].policy->remove(pools[id].pool, pfn, pfn == evicting ? POLICY_EVICTED : POLICY_FREED);
}

void reclaim_set_pool(pfn_t pfn, struct policy_pool *pool)
{
	int id = pool_id(pool);
	if (!pool_of || !id || !pool_of[pfn] || pool_of[pfn] == id)
		return;
	reclaim_forget(pfn);
	join(pfn, id);
}

static bool evictable(const struct page *pg)
{
	return pg->use == PAGE_USE_USER && !(pg->flags & PG_PINNED) &&
	       (pg->owner == PAGE_OWNER_MM || (int)pg->owner != swapdev_pid());
}

void reclaim_admit(pfn_t pfn)
{
	if (!pool_of || pool_of[pfn] || !evictable(pfn_to_page(pfn)))
		return;
	join(pfn, 1);
}

/* Run every pool by the choice from now on, handing each pool's frames
 * over (policy_hand_over, also when only the parameters change); new
 * pools get it too. */
void reclaim_set_policy(const struct policy_choice *choice)
{
	for (int id = 1; id < RECLAIM_POOLS; id++) {
		if (!pools[id].pool)
			continue;
		policy_hand_over(pools[id].pool, pools[id].policy, choice);
		pools[id].policy = choice->policy;
	}
	reclaim_choice = *choice;
	reclaim_policy = choice->policy;
}

/* The index-th pool in use (0: the global one), or NULL past the last. */
struct policy_pool *reclaim_pool_nth(unsigned index)
{
	for (int id = 1; id < RECLAIM_POOLS; id++)
		if (pools[id].pool && index-- == 0)
			return pools[id].pool;
	return NULL;
}

uint64_t reclaim_user_pages(void)
{
	uint64_t n = 0;
	for (int id = 1; id < RECLAIM_POOLS; id++)
		n += pools[id].pool ? pools[id].pool->pages : 0;
	return n;
}

/* ---- the environment of policy.h ------------------------------------------ */

/* Was page va of pid accessed since last asked? Reads and clears its bit
 * (the kernel invalidates the TLB entry). */
static bool accessed(int pid, vaddr_t va)
{
	return kcall_accessed(pid, va, 1) > 0;
}

static int rmap_accessed(struct mm_proc *p, struct mm_region *r, vaddr_t va, void *arg)
{
	*(bool *)arg |= accessed(p->pid, va);
	return 0;
}

bool policy_referenced(pfn_t pfn)
{
	const struct page *pg = pfn_to_page(pfn);
	bool seen = false;
	if (pg->use != PAGE_USE_USER)
		return false;
	if (pg->owner != PAGE_OWNER_MM)
		return accessed((int)pg->owner, pg->index);
	shm_rmap_walk(pfn, rmap_accessed, &seen);       /* every mapping's bit is cleared */
	return seen;
}

static bool pte_dirty(int pid, vaddr_t va)
{
	int64_t e = kcall_lookup(pid, va);
	return e >= 0 && (e & MM_PTE_DIRTY);
}

static int rmap_dirty(struct mm_proc *p, struct mm_region *r, vaddr_t va, void *arg)
{
	*(bool *)arg |= pte_dirty(p->pid, va);
	return 0;
}

bool policy_dirty(pfn_t pfn)
{
	const struct page *pg = pfn_to_page(pfn);
	bool dirty = pg->flags & PG_DIRTY;
	if (pg->use != PAGE_USE_USER || dirty)
		return dirty;
	if (pg->owner != PAGE_OWNER_MM)
		return pte_dirty((int)pg->owner, pg->index);
	shm_rmap_walk(pfn, rmap_dirty, &dirty);
	return dirty;
}

/* A private page: its owner and virtual page; a shared page: its object
 * and index, with the top bit set. Never 0 (pid 0 owns no user page). */
uint64_t policy_page_key(pfn_t pfn)
{
	const struct page *pg = pfn_to_page(pfn);
	if (pg->owner != PAGE_OWNER_MM)
		return (uint64_t)pg->owner << 40 | (pg->index >> PAGE_SHIFT);
	uint64_t object = pg->object >> 4;     /* slab objects are 16-byte aligned */
	return (1ULL << 63) | ((object << 24) ^ pg->index);
}

uint64_t policy_pool_capacity(const struct policy_pool *pool)
{
	if (pool->limit)
		return pool->limit;
	uint64_t managed = 0;
	for (int z = 0; z < MM_NR_ZONES; z++)
		managed += mm_zones[z].managed_pages;
	return mm_config.usermem_pages ? mm_config.usermem_pages : managed;
}

void *policy_env_alloc(size_t bytes)
{
	return kmalloc(bytes, MM_ZERO);
}

void policy_env_free(void *ptr, size_t bytes)
{
	(void)bytes;
	if (ptr)
		kfree(ptr);
}

/* ---- eviction --------------------------------------------------------------- */

void reclaim_note_fill(struct mm_proc *p, pfn_t pfn)
{
	p->recent[p->recent_next] = pfn;
	p->recent_next = (p->recent_next + 1) % MM_RECENT_FILLS;
}

/* Set while memory pressure (not a budget) evicts: only then are the
 * last fills kept, since only then could a fault wait for ever. */
static bool protect_recent;

static bool recent(const struct mm_proc *p, pfn_t pfn)
{
	if (!protect_recent)
		return false;
	for (int i = 0; i < MM_RECENT_FILLS; i++)
		if (p->recent[i] == pfn)
			return true;
	return false;
}

/* Give frame pfn up: 0 (it is free now), or why not (it stays). */
static int evict_frame(pfn_t pfn)
{
	struct page *pg = pfn_to_page(pfn);
	if (!evictable(pg)) {
		reclaim_forget(pfn);    /* pinned since it was admitted */
		return -ERR_BUSY;
	}
	if (pg->owner == PAGE_OWNER_MM) {
		evicting = pfn;
		int rc = shm_evict_page(pfn);
		evicting = PFN_NONE;
		return rc;
	}
	struct mm_proc *p = mm_proc_find((int)pg->owner);
	struct mm_region *r = p && p->alive ? region_find(p, pg->index) : NULL;
	if (!r)
		return -ERR_SRCH;       /* exiting: its exit report frees it */
	if (recent(p, pfn))
		return -ERR_BUSY;       /* the fault that needed it may not have run yet */
	evicting = pfn;
	int rc = r->backend->evict(p, r, pg->index, pfn);
	evicting = PFN_NONE;
	return rc;
}

unsigned reclaim_evict_from(struct policy_pool *pool, unsigned n)
{
	int id = pool_id(pool);
	unsigned freed = 0;
	if (!id || !pool_of)
		return 0;
	for (uint64_t tries = 2 * pool->pages + 1; freed < n && tries > 0; tries--) {
		pfn_t pfn = pools[id].policy->victim(pool);
		if (pfn == PFN_NONE)
			break;
		freed += evict_frame(pfn) == 0;
	}
	return freed;
}

/* Memory pressure: evict up to n frames from the global pool, then (if
 * budgets, for direct reclaim) from the budgets. */
static unsigned reclaim_pressure(unsigned n, bool budgets)
{
	unsigned freed = 0;
	int last = budgets ? RECLAIM_POOLS : 2;
	protect_recent = true;
	for (int id = 1; id < last && freed < n; id++)
		if (pools[id].pool)
			freed += reclaim_evict_from(pools[id].pool, n - freed);
	protect_recent = false;
	return freed;
}

static bool at_cap(void)
{
	return mm_config.usermem_pages && reclaim_user_pages() >= mm_config.usermem_pages;
}

pfn_t reclaim_alloc_user(mm_flags_t flags)
{
	if (at_cap())
		mm_vmstat.reclaim_direct += reclaim_pressure(RECLAIM_BATCH, true);
	if (at_cap())
		return PFN_NONE;
	pfn_t pfn = buddy_alloc(0, flags);
	if (pfn == PFN_NONE) {
		mm_vmstat.reclaim_direct += reclaim_pressure(RECLAIM_BATCH, true);
		pfn = buddy_alloc(0, flags);
	}
	return pfn;
}

static uint64_t wmark_sum(enum zone_wmark w)
{
	uint64_t n = 0;
	for (int z = 0; z < MM_NR_ZONES; z++)
		n += mm_zones[z].managed_pages ? mm_zones[z].watermark[w] : 0;
	return n;
}

void reclaim_background(void)
{
	if (!pool_of || zone_free_pages() >= wmark_sum(WMARK_LOW))
		return;
	uint64_t high = wmark_sum(WMARK_HIGH);
	while (zone_free_pages() < high) {
		unsigned freed = reclaim_pressure(RECLAIM_BATCH, false);
		mm_vmstat.reclaim_background += freed;
		if (!freed)
			return;
	}
}

unsigned reclaim_check(void)
{
	uint64_t counted[RECLAIM_POOLS] = { 0 };
	unsigned bad = 0;
	for (pfn_t pfn = 0; pool_of && pfn < mm_max_pfn; pfn++) {
		if (!pool_of[pfn])
			continue;
		const struct page *pg = pfn_to_page(pfn);
		counted[pool_of[pfn]]++;
		if (pg->state != PAGE_ALLOCATED || pg->use != PAGE_USE_USER || !pools[pool_of[pfn]].pool) {
			mm_bug("reclaim_check: pfn %#lx is in pool %u but is %s, %s", (unsigned long)pfn,
			       pool_of[pfn], page_state_name(pg->state), page_use_name(pg->use));
			bad++;
		}
	}
	for (int id = 1; id < RECLAIM_POOLS; id++) {
		const struct policy_pool *pool = pools[id].pool;
		uint64_t listed = 0;
		if (!pool)
			continue;
		for (int l = 0; l < POLICY_LISTS; l++)
			listed += pool->count[l];
		if (pool_of && (counted[id] != pool->pages || listed != pool->pages)) {
			mm_bug("reclaim_check: pool %s holds %lu frames, its lists %lu, %lu name it",
			       pool->name, (unsigned long)pool->pages, (unsigned long)listed,
			       (unsigned long)counted[id]);
			bad++;
		}
		bad += policy_pool_check(pool) < 0;
	}
	return bad;
}

