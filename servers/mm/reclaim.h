/*
 * reclaim.h - taking frames back from user pages (reclaim.c): the pools
 * of evictable frames and their replacement policies (policy.h), the
 * allocator of user pages with its cap and direct reclaim, and the
 * background reclaimer between the watermarks.
 */
#ifndef MM_RECLAIM_H
#define MM_RECLAIM_H

#include <pagoda/types.h>
#include "policy.h"
#include "mm_flags.h"
#include "mm.h"

#define RECLAIM_POOLS 64            /* pools that may exist at once, the global one included */
#define RECLAIM_BATCH SWAP_BATCH    /* pages one direct reclaim frees at most */
#define SWAP_BATCH    16

/* The global pool, and the policy new pools and the global one use
 * (set before the first frame is admitted, e.g. from mm_config.policy). */
extern struct policy_pool reclaim_global;
extern const struct mm_policy *reclaim_policy;
extern struct policy_choice reclaim_choice;     /* reclaim_policy and its parameters */

/* Boot, after zone_init: the per-frame pool map. Without it (host suites
 * that do not call it) frames are simply never admitted. */
void reclaim_init(void);

/* An empty pool named name with a budget of limit frames (0: none). */
void reclaim_pool_init(struct policy_pool *pool, const char *name, uint64_t limit);
/* Make pool known, run by the active choice (reclaim_choice): 0, or
 * -ERR_NOSPC (RECLAIM_POOLS in use). reclaim_pool_del moves its frames
 * to the global pool and forgets it. */
int reclaim_pool_add(struct policy_pool *pool);
void reclaim_pool_del(struct policy_pool *pool);
/* The pool frame pfn is in (NULL: none), and moving it to another one. */
struct policy_pool *reclaim_pool_of(pfn_t pfn);
void reclaim_set_pool(pfn_t pfn, struct policy_pool *pool);

/* A user frame became evictable (mapped) / stopped being so (freed,
 * unmapped, pinned): into the global pool / out of its pool. Pinned
 * frames (PG_PINNED) and the swap device's are never admitted. */
void reclaim_admit(pfn_t pfn);
void reclaim_forget(pfn_t pfn);

/* p's fault just got frame pfn: memory pressure (direct and background
 * reclaim, not a budget's own replacement) does not evict it until p has
 * had MM_RECENT_FILLS more, so an instruction whose pages do not all fit
 * cannot evict one of them to fill another for ever (it ends in the
 * OOM killer instead). */
void reclaim_note_fill(struct mm_proc *p, pfn_t pfn);
/* Switch every pool, and the new ones, to a policy and its parameters
 * (policy.c's hand-over). */
void reclaim_set_policy(const struct policy_choice *choice);
/* The index-th pool in use (0: the global one), or NULL past the last. */
struct policy_pool *reclaim_pool_nth(unsigned index);

/* Evict up to n frames of pool, chosen by its policy: how many went. */
unsigned reclaim_evict_from(struct policy_pool *pool, unsigned n);

/* A frame for a user page (flags: MM_ZERO): within the usermem cap and
 * the watermarks, reclaiming first when needed; PFN_NONE if even then
 * there is none (the caller's turn for the OOM killer). */
pfn_t reclaim_alloc_user(mm_flags_t flags);
/* Frames in pools: the user pages the cap counts. */
uint64_t reclaim_user_pages(void);

/* After each message: below the low watermark, free pages of the global
 * pool until the high one (never a budget's: they replace only their
 * own, so their faults are exact). */
void reclaim_background(void);

/* Q1-Q4 (reclaim.c). */
unsigned reclaim_check(void);

#endif
