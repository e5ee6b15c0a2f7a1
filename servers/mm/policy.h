/*
 * policy.h - page replacement behind one interface.
 *
 * A replacement policy decides which resident user page to give up when
 * memory is short. It sees frames, not processes: the memory server tells
 * it when a frame becomes evictable (admit) and when it stops being so
 * (remove: freed, unmapped, pinned, or evicted), and asks it for a victim.
 * What a policy may learn about a frame is what real hardware gives a
 * real kernel: whether it was accessed (and written) since the policy
 * last asked - policy_referenced() / policy_dirty(), which read and clear
 * the page-table bits through the environment. Nothing else of mm.
 *
 * Pools. Frames that replace each other form a pool: the global pool
 * (every evictable frame without a budget), and one pool per mapping or
 * process started with a frame budget (local replacement: once the pool
 * holds `limit` frames, a new page of it replaces one of its own). A frame
 * is in at most one pool, linked through its descriptor's next/prev
 * (page.h: those links are the policy's while the frame is a user page).
 * A policy keeps all of its state in the pool (the list heads, a hand,
 * a few words), so one policy serves any number of pools.
 *
 * The same policy files compile unchanged into the memory server and
 * into the host simulator (tools/policysim, docs/policysim.md) and
 * tests/host/test_policy.c. Those two share one model of the machine
 * (tools/policysim/machine.c): its own mm_pages[], and
 * policy_referenced()/policy_dirty() from a reference string; each
 * supplies its own mm_bug(). A policy file includes this header and
 * nothing else of mm.
 *
 * policy.c keeps the table of policies (policy_find by name) and the
 * hand-over of a pool's frames from one policy to another (a switch at
 * run time); reclaim.c keeps the pools, the policy that runs them and
 * which pool each frame is in.
 */
#ifndef MM_POLICY_H
#define MM_POLICY_H

#include <pagoda/types.h>
#include "page.h"

#define POLICY_LISTS 4          /* list heads a policy may keep per pool */
#define POLICY_WORDS 4          /* private words a policy may keep per pool */

/* Counters a policy keeps per pool (memstat shows them). */
struct policy_stats {
	uint64_t admitted;          /* frames admitted */
	uint64_t victims;           /* victims chosen */
	uint64_t scanned;           /* frames looked at while choosing */
	uint64_t referenced;        /* ... of which had been referenced */
	uint64_t moves;             /* hand movements / list rotations */
};

struct policy_pool {
	const char *name;           /* "global", or the budget's owner */
	uint32_t head[POLICY_LISTS]; /* first frame of each list, PAGE_LINK_NONE */
	uint64_t count[POLICY_LISTS];
	uint32_t hand;              /* a clock hand, PAGE_LINK_NONE */
	uint64_t pages;             /* frames in the pool */
	uint64_t limit;             /* budget in frames; 0: none (the global pool) */
	uint64_t words[POLICY_WORDS];
	struct policy_stats stats;
};

struct mm_policy {
	const char *name;           /* "fifo", "clock", ... */
	const char *summary;        /* one line: the algorithm and its citation */
	/* Frame pfn (a user page, just mapped) joins pool. */
	void (*admit)(struct policy_pool *pool, pfn_t pfn);
	/* Frame pfn leaves pool (it is freed, pinned, or was evicted). */
	void (*remove)(struct policy_pool *pool, pfn_t pfn);
	/* The frame to evict next, or PFN_NONE if the pool is empty. It stays
	 * in the pool until mm calls remove; asked again (mm could not evict
	 * it), the policy must move on and offer another one first. */
	pfn_t (*victim)(struct policy_pool *pool);
};

/* The environment's side (mm: reclaim.c, from the page tables' accessed
 * and dirty bits; the tests and the simulator: their model). */
bool policy_referenced(pfn_t pfn);  /* accessed since last asked? clears the bit */
bool policy_dirty(pfn_t pfn);       /* written since its contents were last saved? */

/* A circular doubly linked list of frames through next/prev, one per
 * pool list: the helpers every policy uses (policy.c). */
void policy_list_add_tail(struct policy_pool *pool, int list, pfn_t pfn);
void policy_list_del(struct policy_pool *pool, int list, pfn_t pfn);

/* Walk every list of pool and check the invariants P1-P4 of policy.c:
 * 0, or -ERR_BUG after an mm_bug naming the pool and the frame. */
int policy_pool_check(const struct policy_pool *pool);

/* The table (policy.c). */
extern const struct mm_policy policy_fifo;
extern const struct mm_policy policy_clock;
extern const struct mm_policy *const policy_table[];
extern const unsigned policy_count;

/* The policy called name, or NULL. */
const struct mm_policy *policy_find(const char *name);
/* Move every frame of pool from policy `from` to policy `to`, oldest of
 * the lowest list first; the policy's private words and hand restart. */
void policy_hand_over(struct policy_pool *pool, const struct mm_policy *from,
		      const struct mm_policy *to);

#endif
