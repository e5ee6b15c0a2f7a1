/*
 * policy_linux.c - Linux's two lists: inactive and active, with
 * refault-distance activation.
 *
 * Algorithm (Linux mm/vmscan.c and mm/workingset.c, anonymous pages, one
 * node, no cgroups). A new page joins the inactive list. Reclaim looks at
 * the oldest inactive page (folio_check_references): if its accessed bit
 * is clear it is the victim; if set, the page is marked referenced (a
 * flag of ours, PG_referenced in Linux) and goes back to the young end of
 * the inactive list - unless it was already marked, in which case it is
 * activated: moved to the young end of the active list. Every mapped page
 * starts with the accessed bit of its own fault, which is why Linux
 * "looks twice": a page seen referenced on two visits has been used since
 * it came in. The mark survives activation, so a page deactivated later
 * and used once more comes straight back.
 *
 * The active list is aged to keep the two balanced: before each choice,
 * while active > ratio * inactive (inactive_is_low), the oldest active
 * page is deactivated - its accessed bit is read and cleared, and it goes
 * to the young end of the inactive list whether or not it was referenced
 * (Linux rotates only referenced executable file pages; anonymous ones
 * are always deactivated). ratio is the parameter; Linux uses
 * int_sqrt(10 * GiB of memory), 1 below 1 GiB: active <= inactive.
 *
 * Refaults (workingset.c). The pool keeps a counter, the non-resident
 * age, advanced by one at every eviction and every activation (Linux's
 * lruvec->nonresident_age: both move a page off the inactive list). An
 * evicted page leaves a shadow entry holding the counter after its own
 * eviction (policy_ghost.c, ghost list 0, the entry's word). When the
 * page faults back in, its refault distance is the counter now minus the
 * shadow's: the least number of inactive pages that were used while it
 * was out. If distance <= the active list's length, the page would have
 * stayed resident had the active pages been inactive ones, so it is
 * activated at once (workingset_refault) and the age advances; otherwise
 * it starts on the inactive list like a new page. Shadows are bounded by
 * the pool's capacity: when the history is full the oldest shadow goes,
 * and it could not have activated anything any more - capacity evictions
 * have happened since, so its distance is at least the capacity.
 *
 * What differs from Linux: one page at a time (Linux isolates batches of
 * SWAP_CLUSTER_MAX and ages the active list in batches); no file pages,
 * so no file/anon balance (vm.swappiness), no writeback throttling, no
 * PG_workingset cost accounting; the counter counts pages, not folios;
 * shadows live in a bounded table, not in the page cache's xarray slots
 * under a shrinker. Multi-generational LRU (MGLRU) is not modelled.
 *
 * Victim contract: asked again without a remove, the frame offered goes to
 * the young end of the inactive list (as Linux keeps a page it could not
 * reclaim) and the choice is made again; should it come back to that
 * frame, the next inactive one is taken (an active one deactivated if
 * there is none).
 *
 * Counters: scanned = frames looked at (either list); referenced = of
 * which had their bit set; moves = inactive pages kept for another trip;
 * activated = second-reference activations plus refault activations;
 * deactivated = active pages aged to the inactive list; ghost_hits =
 * refault activations.
 *
 * J. Weiner, mm/workingset.c (Linux 3.15, 2014; the double-CLOCK comment
 * at its top); R. van Riel et al., split LRU, Linux 2.6.28 (2008);
 * mm/vmscan.c folio_check_references, shrink_active_list, inactive_is_low.
 */
#include "policy.h"

#define INACTIVE 0              /* lists, oldest first */
#define ACTIVE 1
#define SHADOWS 0               /* ghost list */

#define P_RATIO 0               /* param[] */

#define W_AGE 0                 /* words[]: the non-resident age */
#define W_OFFERED 1             /* the frame last offered, + 1 (0: none) */

/* policy_frame_words[pfn]: its list, and the referenced mark. */
#define F_ACTIVE 1u
#define F_REFERENCED 2u

static const struct policy_param params_linux[] = {
	{ "ratio", 1, 1, 100, "the active list is aged while longer than ratio times the inactive" },
};

static uint64_t *word_of(pfn_t pfn)
{
	return &policy_frame_words[pfn];
}

static int list_of(pfn_t pfn)
{
	return *word_of(pfn) & F_ACTIVE ? ACTIVE : INACTIVE;
}

/* Move pfn to the young end of list, keeping its mark. */
static void move_to(struct policy_pool *pool, pfn_t pfn, int list)
{
	policy_list_del(pool, list_of(pfn), pfn);
	policy_list_add_tail(pool, list, pfn);
	*word_of(pfn) = (*word_of(pfn) & ~(uint64_t)F_ACTIVE) | (list == ACTIVE ? F_ACTIVE : 0);
}

static void activate(struct policy_pool *pool, pfn_t pfn)
{
	move_to(pool, pfn, ACTIVE);
	pool->words[W_AGE]++;
	pool->stats.activated++;
}

/* workingset_refault: is the page named key back soon enough to be active? */
static bool refault_is_short(struct policy_pool *pool, uint64_t key)
{
	int list;
	uint64_t eviction;
	if (!policy_ghost_take(pool, key, &list, &eviction))
		return false;
	return pool->words[W_AGE] - eviction <= pool->count[ACTIVE];
}

static void linux_admit(struct policy_pool *pool, pfn_t pfn)
{
	policy_ghost_reserve(pool, policy_pool_capacity(pool));
	*word_of(pfn) = 0;
	policy_list_add_tail(pool, INACTIVE, pfn);
	pool->pages++;
	pool->stats.admitted++;
	if (refault_is_short(pool, policy_page_key(pfn))) {
		activate(pool, pfn);
		pool->stats.ghost_hits++;
	}
}

static void linux_remove(struct policy_pool *pool, pfn_t pfn, enum policy_leave why)
{
	if (pool->words[W_OFFERED] == pfn + 1)
		pool->words[W_OFFERED] = 0;
	if (why == POLICY_EVICTED) {    /* workingset_eviction: leave a shadow */
		pool->words[W_AGE]++;
		policy_ghost_add(pool, SHADOWS, policy_page_key(pfn), pool->words[W_AGE]);
	}
	policy_list_del(pool, list_of(pfn), pfn);
	pool->pages--;
}

static bool referenced(struct policy_pool *pool, pfn_t pfn)
{
	pool->stats.scanned++;
	if (!policy_referenced(pfn))
		return false;
	pool->stats.referenced++;
	return true;
}

/* shrink_active_list: age the oldest active pages while the inactive list
 * is low. Their accessed bits are cleared; their marks stay. */
static void balance(struct policy_pool *pool)
{
	while (pool->count[ACTIVE] > pool->count[INACTIVE] * pool->param[P_RATIO]) {
		pfn_t pfn = pool->head[ACTIVE];
		(void)referenced(pool, pfn);
		move_to(pool, pfn, INACTIVE);
		pool->stats.deactivated++;
	}
}

enum verdict { RECLAIM, KEEP, ACTIVATE };

/* folio_check_references for the oldest inactive page. */
static enum verdict check_references(struct policy_pool *pool, pfn_t pfn)
{
	bool marked = *word_of(pfn) & F_REFERENCED;
	*word_of(pfn) &= ~(uint64_t)F_REFERENCED;
	if (!referenced(pool, pfn))
		return RECLAIM;
	*word_of(pfn) |= F_REFERENCED;
	return marked ? ACTIVATE : KEEP;
}

static void keep(struct policy_pool *pool, pfn_t pfn)
{
	move_to(pool, pfn, INACTIVE);
	pool->stats.moves++;
}

/* shrink_inactive_list for one page: the oldest inactive page that may go.
 * Each inactive page is kept at most once before it is activated or
 * reclaimed, and a deactivated one has a clear bit: 3 trips suffice. */
static pfn_t shrink_inactive(struct policy_pool *pool)
{
	for (uint64_t tries = 3 * pool->pages + 1; tries; tries--) {
		balance(pool);
		pfn_t pfn = pool->head[INACTIVE];
		enum verdict v = check_references(pool, pfn);
		if (v == RECLAIM)
			return pfn;
		if (v == ACTIVATE)
			activate(pool, pfn);
		else
			keep(pool, pfn);
	}
	balance(pool);                  /* (not reached while bits stay clear) */
	return pool->head[INACTIVE];
}

/* The search came back to the refused frame, the oldest inactive one: the
 * next inactive page, deactivating one if there is no other. */
static pfn_t other_than(struct policy_pool *pool, pfn_t refused)
{
	if (pool->count[INACTIVE] == 1) {
		move_to(pool, pool->head[ACTIVE], INACTIVE);
		pool->stats.deactivated++;
	}
	keep(pool, refused);
	return pool->head[INACTIVE];
}

static pfn_t linux_victim(struct policy_pool *pool)
{
	if (pool->pages == 0)
		return PFN_NONE;
	pfn_t refused = pool->words[W_OFFERED] ? pool->words[W_OFFERED] - 1 : PFN_NONE;
	if (refused != PFN_NONE && pool->head[INACTIVE] == refused)
		keep(pool, refused);            /* as Linux keeps a page it could not reclaim */
	pfn_t pfn = shrink_inactive(pool);
	if (pfn == refused && pool->pages > 1)
		pfn = other_than(pool, refused);
	pool->words[W_OFFERED] = pfn + 1;
	pool->stats.victims++;
	return pfn;
}

const struct mm_policy policy_linux = {
	.name = "linux",
	.summary = "Linux's inactive/active lists with refault distance (mm/vmscan.c, mm/workingset.c)",
	.params = params_linux,
	.nparams = 1,
	.admit = linux_admit,
	.remove = linux_remove,
	.victim = linux_victim,
};
