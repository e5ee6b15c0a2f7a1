/*
 * budget.c - frame budgets: local replacement for one mapping or one
 * program.
 *
 * A budget is a struct policy_pool with a limit (policy.h). Its frames
 * replace each other: once the pool holds `limit` frames, a new page of
 * it first evicts one of its own, chosen by the active policy, whatever
 * memory is free elsewhere. Without a budget a page joins the global
 * pool, and replacement is global. Two ways to get one:
 *
 *   MM_MMAP with MM_MAP_BUDGET   the mapping's pages (budget_attach_region);
 *   MM_SPAWN with MM_SPAWN_BUDGET  the child's heap and its anonymous
 *                                mappings without their own budget
 *                                (budget_attach_proc). Its code and data
 *                                segments and its stack stay in the
 *                                global pool, so what it replaces is
 *                                exactly the data it touches, and the
 *                                counts are repeatable.
 * A budget of 0 frames, or of more than the managed memory, is refused
 * with ERR_INVAL before anything changes.
 *
 * Which pool a frame is in: budget_pool_of(its region). While a frame
 * is on a pool's list its descriptor has PG_POOLED (policy.c). A region
 * that goes away (MM_MUNMAP, heap shrink to nothing, exit) first takes its
 * frames out of its budget (budget_region_gone), so a frame still marked
 * PG_POOLED whose region is gone is in the global pool.
 *
 * Eviction inside a budget (budget_make_room, called by the fault path
 * before it fills a new page of a region): victims come from the pool's
 * policy, and each is given up through its region's backend
 * (region_evict_page: written to swap, or dropped if clean). A victim the
 * backend keeps (-ERR_BUSY, -ERR_NOSYS) is offered back to the policy,
 * which moves on; after one round of refusals the fault fails with
 * ERR_NOMEM.
 *
 * Not supported: changing a budget after creation; budgets on shared
 * mappings (their frames are the object's); nested budgets.
 */
#include <stdio.h>
#include "mm.h"
#include "policy.h"
#include "kmalloc.h"
#include "zone.h"
#include "backend.h"

struct budget {
	struct policy_pool pool;
	char name[MM_POLICY_NAME_LEN];
};

int budget_valid(uint64_t frames)
{
	uint64_t managed = 0;
	for (int z = 0; z < MM_NR_ZONES; z++)
		managed += mm_zones[z].managed_pages;
	return frames >= 1 && frames <= managed ? 0 : -ERR_INVAL;
}

static struct budget *budget_new(uint64_t frames, const char *what, int pid, vaddr_t va)
{
	struct budget *b = kmalloc(sizeof *b, MM_ZERO);
	if (!b)
		return NULL;
	static unsigned serial;
	/* "pid 7": a program's budget; "map 7.3": a mapping of pid 7, budget number 3 */
	if (va)
		snprintf(b->name, sizeof b->name, "%s %d.%u", what, pid % 100000, ++serial % 10000);
	else
		snprintf(b->name, sizeof b->name, "%s %d", what, pid);
	policy_pool_init(&b->pool, b->name, frames);
	return b;
}

static void budget_free(struct budget *b)
{
	if (policy_pool_fini(&b->pool) == 0)
		kfree(b);
}

int budget_attach_region(struct mm_proc *p, struct mm_region *r, uint64_t frames)
{
	if (budget_valid(frames) < 0)
		return -ERR_INVAL;
	r->budget = budget_new(frames, "map", p->pid, r->start);
	return r->budget ? 0 : -ERR_NOMEM;
}

int budget_attach_proc(struct mm_proc *p, uint64_t frames)
{
	if (budget_valid(frames) < 0)
		return -ERR_INVAL;
	p->budget = budget_new(frames, "pid", p->pid, 0);
	return p->budget ? 0 : -ERR_NOMEM;
}

struct policy_pool *budget_pool_of(const struct mm_region *r)
{
	if (r->budget)
		return &r->budget->pool;
	if (r->proc && r->proc->budget && (r->kind == REGION_HEAP || r->kind == REGION_ANON))
		return &r->proc->budget->pool;
	return &policy_global;
}

const struct policy_pool *budget_proc_pool(const struct mm_proc *p)
{
	return p->budget ? &p->budget->pool : NULL;
}

/* The region that maps a private frame of the pool, or NULL. */
static struct mm_region *region_of_frame(pfn_t pfn, struct mm_proc **pp)
{
	const struct page *pg = pfn_to_page(pfn);
	*pp = pg->owner == PAGE_OWNER_MM ? NULL : mm_proc_find((int)pg->owner);
	return *pp ? region_find(*pp, pg->index) : NULL;
}

/* One victim of pool given up; 0, or -ERR_NOMEM after every frame refused. */
static int evict_one(struct policy_pool *pool)
{
	for (uint64_t tries = 0; tries < pool->pages; tries++) {
		pfn_t pfn = policy_victim(pool);
		struct mm_proc *p;
		struct mm_region *r = pfn == PFN_NONE ? NULL : region_of_frame(pfn, &p);
		if (!r)
			return -ERR_NOMEM;
		vaddr_t va = pfn_to_page(pfn)->index;
		if (pfn_to_page(pfn)->flags & PG_POOLED)
			policy_remove(pool, pfn);       /* the backend frees it if it agrees */
		int err = region_evict_page(p, r, va);
		if (err == 0)
			return 0;
		policy_admit(pool, pfn);                /* kept: back in, the policy moves on */
	}
	return -ERR_NOMEM;
}

int budget_make_room(struct mm_region *r)
{
	struct policy_pool *pool = budget_pool_of(r);
	if (!pool->limit || pool->pages < pool->limit)
		return 0;
	return evict_one(pool);
}

static int leave_pool(struct mm_proc *p, struct mm_region *r, vaddr_t va, pfn_t pfn, uint64_t arg)
{
	if (pfn_to_page(pfn)->flags & PG_POOLED)
		policy_remove((struct policy_pool *)(uintptr_t)arg, pfn);
	return 0;
}

void budget_region_gone(struct mm_proc *p, struct mm_region *r)
{
	struct policy_pool *pool = budget_pool_of(r);
	if (pool != &policy_global && r->backend->private_frames)
		r->backend->for_each_present(p, r, r->start, r->end, leave_pool, (uint64_t)(uintptr_t)pool);
	if (r->budget) {
		budget_free(r->budget);
		r->budget = NULL;
	}
}

void budget_proc_gone(struct mm_proc *p)
{
	if (p->budget) {
		budget_free(p->budget);
		p->budget = NULL;
	}
}
