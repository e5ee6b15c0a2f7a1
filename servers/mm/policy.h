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
 * What else a policy may keep, all through this header:
 *   - parameters (struct policy_param): named numbers with a default and
 *     a range, given as NAME:K=V,K=V (policy=wsclock:tau=50 on mm's
 *     module line, `policy wsclock tau=50` at run time, --policy in the
 *     simulator); policy_parse() checks them and the pool carries the
 *     values in param[], in the order the policy lists them;
 *   - one word per frame, policy_frame_words[pfn], the policy's own while
 *     the frame is in its pool (an age counter, a last-use time, a list
 *     number...): the environment provides the array, the policy sets the
 *     word at admit;
 *   - a history of pages it has evicted (ghosts, non-resident entries)
 *     keyed by policy_page_key(), which names the page (not the frame)
 *     stably across an eviction and the refault that brings it back:
 *     policy_ghost_* below, storage from policy_env_alloc();
 *   - time: there is no clock. What a policy calls time is a count it
 *     keeps of events it sees (faults = admits, victims), so its
 *     decisions depend only on faults and harvested bits and are the same
 *     in the OS and in the simulator.
 *
 * policy.c keeps the table of policies (policy_find by name), parameter
 * parsing, and the hand-over of a pool's frames from one policy to
 * another (a switch at run time); reclaim.c keeps the pools, the policy
 * that runs them and which pool each frame is in.
 */
#ifndef MM_POLICY_H
#define MM_POLICY_H

#include <pagoda/types.h>
#include "page.h"

#define POLICY_LISTS 4          /* list heads a policy may keep per pool */
#define POLICY_WORDS 8          /* private words a policy may keep per pool */
#define POLICY_PARAMS 4         /* parameters a policy may have */
#define POLICY_ARG_MAX 64       /* NAME:K=V,... as text, with its NUL */

/* Counters a policy keeps per pool (memstat shows them). */
struct policy_stats {
	uint64_t admitted;          /* frames admitted */
	uint64_t victims;           /* victims chosen */
	uint64_t scanned;           /* frames looked at while choosing */
	uint64_t referenced;        /* ... of which had been referenced */
	uint64_t moves;             /* hand movements / list rotations */
	uint64_t activated;         /* frames promoted (to active, hot, T2, Am...) */
	uint64_t deactivated;       /* frames demoted */
	uint64_t ghost_hits;        /* faults on a page found in the history */
	uint64_t samples;           /* periodic samplings (aging's shifts) */
};

/* A parameter: NAME=V with min <= V <= max; def when not given. */
struct policy_param {
	const char *name;           /* "tau" */
	uint64_t def, min, max;
	const char *meaning;        /* one line, for `policy` and --help */
};

/* Why a frame leaves its pool (remove's third argument). */
enum policy_leave {
	POLICY_FREED = 0,           /* unmapped, its process exited, pinned */
	POLICY_EVICTED = 1,         /* its contents were given up: a policy
				       with a history remembers the page */
	POLICY_HANDOVER = 2,        /* the pool changes policy (policy_hand_over) */
};

struct policy_ghosts;           /* policy_ghost.c */

struct policy_pool {
	const char *name;           /* "global", or the budget's owner */
	uint32_t head[POLICY_LISTS]; /* first frame of each list, PAGE_LINK_NONE */
	uint64_t count[POLICY_LISTS];
	uint32_t hand;              /* a clock hand, PAGE_LINK_NONE */
	uint64_t pages;             /* frames in the pool */
	uint64_t limit;             /* budget in frames; 0: none (the global pool) */
	uint64_t words[POLICY_WORDS];
	uint64_t param[POLICY_PARAMS];  /* the policy's parameters, in its order */
	struct policy_ghosts *ghosts;   /* the history, or NULL (policy_ghost.c) */
	struct policy_stats stats;
};

struct mm_policy {
	const char *name;           /* "fifo", "clock", ... */
	const char *summary;        /* one line: the algorithm and its citation */
	const struct policy_param *params;  /* nparams of them (<= POLICY_PARAMS) */
	unsigned nparams;
	/* Frame pfn (a user page, just mapped) joins pool. policy_page_key(pfn)
	 * names its page already. */
	void (*admit)(struct policy_pool *pool, pfn_t pfn);
	/* Frame pfn leaves pool, for the reason why. policy_page_key(pfn)
	 * still names its page. */
	void (*remove)(struct policy_pool *pool, pfn_t pfn, enum policy_leave why);
	/* The frame to evict next, or PFN_NONE if the pool is empty. It stays
	 * in the pool until mm calls remove; asked again (mm could not evict
	 * it), the policy must move on and offer another one first. */
	pfn_t (*victim)(struct policy_pool *pool);
};

/* The environment's side (mm: reclaim.c, from the page tables' accessed
 * and dirty bits; the tests and the simulator: their model). */
bool policy_referenced(pfn_t pfn);  /* accessed since last asked? clears the bit */
bool policy_dirty(pfn_t pfn);       /* written since its contents were last saved? */
/* The page in frame pfn, stably across eviction and refault (mm: the
 * owner and virtual page, or the shared object and index; the
 * simulator: the trace's page number). Never 0. */
uint64_t policy_page_key(pfn_t pfn);
/* The words of policy_frame_words[], one per frame (mm_max_pfn of them). */
extern uint64_t *policy_frame_words;
/* Frames pool can hold: its limit, or for the global pool the frames mm
 * may give to user pages. What a history is sized by. */
uint64_t policy_pool_capacity(const struct policy_pool *pool);
/* Memory for a history (NULL if there is none; the policy then works
 * without one), and its return. */
void *policy_env_alloc(size_t bytes);
void policy_env_free(void *ptr, size_t bytes);

/* A circular doubly linked list of frames through next/prev, one per
 * pool list: the helpers every policy uses (policy.c). */
void policy_list_add_tail(struct policy_pool *pool, int list, pfn_t pfn);
void policy_list_del(struct policy_pool *pool, int list, pfn_t pfn);

/* Refusals (policy.c). mm asks for a victim again without a remove when
 * it could not evict the frame offered (in use, or it cannot be written
 * yet). A policy that wants repeated questions to go through every frame
 * before one comes back marks the refused frame - POLICY_REFUSED, bit 63
 * of its word in policy_frame_words[], which it then uses for nothing
 * else - and passes over marked frames until its next decision point (a
 * fault, a sampling), when it forgets them. pool->words[count] (the
 * policy picks the word) counts the marks, so forgetting none is free. */
#define POLICY_REFUSED (1ull << 63)
/* Mark pfn refused. When that marks every frame of pool, the marks are
 * wiped but pfn's (unless it is the pool's only frame): there is always
 * a frame left to offer, and never the one just refused if another exists. */
void policy_refuse(struct policy_pool *pool, int count, pfn_t pfn);
/* Frame pfn leaves pool (call from remove, before policy_list_del). */
void policy_refusal_leaves(struct policy_pool *pool, int count, pfn_t pfn);
/* Wipe every mark. */
void policy_forget_refusals(struct policy_pool *pool, int count);

/* Walk every list of pool and check the invariants P1-P4 of policy.c:
 * 0, or -ERR_BUG after an mm_bug naming the pool and the frame. */
int policy_pool_check(const struct policy_pool *pool);

/* History of evicted pages (policy_ghost.c): per pool up to
 * POLICY_GHOST_LISTS lists of page keys, each oldest first, with a word
 * (a time stamp, say) per entry, found by key in O(1). A page is on at
 * most one ghost list. Storage comes from policy_env_alloc, sized at the
 * first policy_ghost_reserve; freed by policy_ghost_release (pool
 * deleted, or handed over). Without memory the history stays empty and
 * every call is still safe. */
#define POLICY_GHOST_LISTS 2
/* Make room for cap entries in all (no-op when already made): 0, or
 * -ERR_NOMEM (the pool runs without a history). */
int policy_ghost_reserve(struct policy_pool *pool, uint64_t cap);
void policy_ghost_release(struct policy_pool *pool);
/* Append key as the newest entry of list (if the table is full, the
 * oldest entry of the longest list makes room first). */
void policy_ghost_add(struct policy_pool *pool, int list, uint64_t key, uint64_t word);
/* Find key and take it off its list: true with *list and *word set. */
bool policy_ghost_take(struct policy_pool *pool, uint64_t key, int *list, uint64_t *word);
/* Drop the oldest entry of list (false if it is empty). */
bool policy_ghost_drop_oldest(struct policy_pool *pool, int list);
/* The oldest entry of list, left in place: true with *key and *word set
 * (false if it is empty). */
bool policy_ghost_oldest(const struct policy_pool *pool, int list, uint64_t *key, uint64_t *word);
uint64_t policy_ghost_count(const struct policy_pool *pool, int list);
/* The history's invariants (policy_ghost.c): 0 or -ERR_BUG after mm_bug. */
int policy_ghost_check(const struct policy_pool *pool);

/* The table (policy.c). */
extern const struct mm_policy policy_fifo;
extern const struct mm_policy policy_clock;
extern const struct mm_policy policy_nru;       /* policy_nru.c ... policy_wsclock.c */
extern const struct mm_policy policy_aging;
extern const struct mm_policy policy_random;
extern const struct mm_policy policy_wsclock;
extern const struct mm_policy policy_car;       /* policy_car.c, policy_clockpro.c, ... */
extern const struct mm_policy policy_clockpro;
extern const struct mm_policy policy_2q;
extern const struct mm_policy policy_linux;
extern const struct mm_policy *const policy_table[];
extern const unsigned policy_count;

/* The policy called name, or NULL. */
const struct mm_policy *policy_find(const char *name);

/* A policy and its parameters, as chosen by text. */
struct policy_choice {
	const struct mm_policy *policy;
	uint64_t param[POLICY_PARAMS];
};
/* Parse "NAME", "NAME:K=V,K=V" or "NAME K=V K=V" (len bytes, no NUL
 * needed) into *out: 0, or -ERR_INVAL with why (a line for the user:
 * unknown policy, unknown parameter, value out of range...) written to
 * err[errlen]; *out is changed only on success. */
int policy_parse(const char *text, size_t len, struct policy_choice *out,
		 char *err, size_t errlen);
/* The text of a choice: "wsclock:tau=50" (every parameter). */
void policy_format(const struct policy_choice *c, char *buf, size_t len);
/* Move every frame of pool from policy `from` to the choice `to`, oldest
 * of the lowest list first; the history is released, the policy's
 * private words and hand restart, param[] takes to's values. */
void policy_hand_over(struct policy_pool *pool, const struct mm_policy *from,
		      const struct policy_choice *to);

#endif
