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
 * Pools are reclaim.c's (reclaim_pool_add: a budget is run by the policy
 * active when it is made, and follows later switches). A page is mapped
 * into the global pool like any other (mm_proc_own -> reclaim_admit);
 * the fault path then moves it into its region's budget (budget_admit).
 * A budget that goes away (MM_MUNMAP, exit) gives the frames still in it
 * to the global pool (reclaim_pool_del) before they are freed.
 *
 * Eviction inside a budget: before the fault path fills a new page of a
 * region whose budget is full, budget_make_room evicts one frame of that
 * budget through reclaim_evict_from (its policy picks; the backend writes
 * the page to swap or drops a clean one). If none can go (no swap device,
 * swap full, all refused) the new page still comes in, over the budget:
 * a budget limits replacement, it does not make faults fail - memstat
 * then shows more frames than the budget. Background reclaim never takes
 * a budget's frames, and direct reclaim only once the global pool is
 * exhausted (reclaim.c): a budget's faults are those of its own pages
 * through its own N frames, which is what the simulator computes.
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
#include "reclaim.h"

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
	reclaim_pool_init(&b->pool, b->name, frames);
	if (reclaim_pool_add(&b->pool) < 0) {
		kfree(b);
		return NULL;
	}
	return b;
}

static void budget_free(struct budget *b)
{
	reclaim_pool_del(&b->pool);     /* frames still in it go to the global pool */
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
	return &reclaim_global;
}

const struct policy_pool *budget_proc_pool(const struct mm_proc *p)
{
	return p->budget ? &p->budget->pool : NULL;
}

int budget_make_room(struct mm_region *r)
{
	struct policy_pool *pool = budget_pool_of(r);
	if (!pool->limit || pool->pages < pool->limit)
		return 0;
	return reclaim_evict_from(pool, 1) == 1 ? 0 : -ERR_NOMEM;
}

void budget_admit(struct mm_region *r, pfn_t pfn)
{
	struct policy_pool *pool = budget_pool_of(r);
	if (pool != &reclaim_global)
		reclaim_set_pool(pfn, pool);
}

void budget_region_gone(struct mm_proc *p, struct mm_region *r)
{
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
