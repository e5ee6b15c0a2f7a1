/*
 * policy_ghost.c - a replacement policy's memory of pages it has evicted.
 *
 * Adaptive policies learn from refaults: a page that comes back soon
 * after it was evicted says the policy evicted the wrong page (ARC and
 * CAR's B1/B2, CLOCK-Pro's non-resident cold pages, 2Q's A1out, Linux's
 * shadow entries). The page is gone, so what is remembered is its name,
 * policy_page_key(), and one word (a time stamp, a flag).
 *
 * Structure: one table per pool, made at the first policy_ghost_reserve
 * with room for cap entries: an array of entries, a free list through
 * them, POLICY_GHOST_LISTS circular doubly linked lists (oldest first)
 * through next/prev, and a hash of the keys with chains through hnext
 * (buckets: the power of two at or above cap). Indexes, not pointers,
 * 32 bits each: an entry is 32 bytes. An entry is found by its key
 * (policy_ghost_take) or read at the oldest end of its list
 * (policy_ghost_oldest, which leaves it there; policy_ghost_drop_oldest).
 *
 * Invariants (policy_ghost_check):
 *   G1  the lists' counts and the free entries add up to cap;
 *   G2  each list is circular, prev the inverse of next, each entry on it
 *       marked with that list;
 *   G3  every listed entry is found by its key through its bucket, and no
 *       key is on two entries.
 *
 * Full: add takes the oldest entry of the longest list first, so the
 * history never grows past cap and a policy that forgets to trim loses
 * its oldest memories, not new ones. Not supported: growing a table (a
 * pool's capacity is fixed when the history is made; the global pool's is
 * the frames mm may give to users).
 */
#include <string.h>
#include <pagoda/error.h>
#include "policy.h"

#define GHOST_NONE UINT32_MAX
#define GHOST_FREE 0xffu

struct ghost {
	uint64_t key;
	uint64_t word;
	uint32_t next, prev;        /* its list (or the free list: next only) */
	uint32_t hnext;             /* its hash chain */
	uint32_t list;              /* 0 .. POLICY_GHOST_LISTS-1, or GHOST_FREE */
};

struct policy_ghosts {
	uint32_t cap, buckets;      /* buckets: a power of two */
	uint32_t free;              /* first free entry */
	uint32_t head[POLICY_GHOST_LISTS];
	uint64_t count[POLICY_GHOST_LISTS];
	size_t bytes;               /* what policy_env_alloc gave */
	struct ghost *e;            /* cap entries */
	uint32_t *bucket;           /* buckets chain heads */
};

_Static_assert(sizeof(struct ghost) == 32, "ghost entries are 32 bytes");

static uint32_t bucket_of(const struct policy_ghosts *g, uint64_t key)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return (uint32_t)(key & (g->buckets - 1));
}

int policy_ghost_reserve(struct policy_pool *pool, uint64_t cap)
{
	if (pool->ghosts)
		return 0;
	if (cap == 0 || cap >= GHOST_NONE / 2)
		return -ERR_INVAL;
	uint64_t buckets = 1;
	while (buckets < cap)
		buckets <<= 1;
	size_t bytes = sizeof(struct policy_ghosts) + cap * sizeof(struct ghost) +
		       buckets * sizeof(uint32_t);
	struct policy_ghosts *g = policy_env_alloc(bytes);
	if (!g)
		return -ERR_NOMEM;
	memset(g, 0, sizeof *g);
	g->cap = (uint32_t)cap;
	g->buckets = (uint32_t)buckets;
	g->bytes = bytes;
	g->e = (struct ghost *)(g + 1);
	g->bucket = (uint32_t *)(g->e + cap);
	for (uint32_t i = 0; i < g->cap; i++) {
		g->e[i].next = i + 1 < g->cap ? i + 1 : GHOST_NONE;
		g->e[i].list = GHOST_FREE;
	}
	for (uint32_t b = 0; b < g->buckets; b++)
		g->bucket[b] = GHOST_NONE;
	for (int l = 0; l < POLICY_GHOST_LISTS; l++)
		g->head[l] = GHOST_NONE;
	g->free = 0;
	pool->ghosts = g;
	return 0;
}

void policy_ghost_release(struct policy_pool *pool)
{
	if (!pool->ghosts)
		return;
	policy_env_free(pool->ghosts, pool->ghosts->bytes);
	pool->ghosts = NULL;
}

static void unhash(struct policy_ghosts *g, uint32_t i)
{
	uint32_t *at = &g->bucket[bucket_of(g, g->e[i].key)];
	while (*at != i)
		at = &g->e[*at].hnext;
	*at = g->e[i].hnext;
}

/* Take entry i off its list and its chain, onto the free list. */
static void release(struct policy_ghosts *g, uint32_t i)
{
	struct ghost *x = &g->e[i];
	int l = (int)x->list;
	if (g->count[l] == 1) {
		g->head[l] = GHOST_NONE;
	} else {
		g->e[x->prev].next = x->next;
		g->e[x->next].prev = x->prev;
		if (g->head[l] == i)
			g->head[l] = x->next;
	}
	g->count[l]--;
	unhash(g, i);
	x->list = GHOST_FREE;
	x->next = g->free;
	g->free = i;
}

static uint32_t find(const struct policy_ghosts *g, uint64_t key)
{
	uint32_t i = g->bucket[bucket_of(g, key)];
	while (i != GHOST_NONE && g->e[i].key != key)
		i = g->e[i].hnext;
	return i;
}

static int longest(const struct policy_ghosts *g)
{
	int best = 0;
	for (int l = 1; l < POLICY_GHOST_LISTS; l++)
		if (g->count[l] > g->count[best])
			best = l;
	return best;
}

void policy_ghost_add(struct policy_pool *pool, int list, uint64_t key, uint64_t word)
{
	struct policy_ghosts *g = pool->ghosts;
	if (!g || list < 0 || list >= POLICY_GHOST_LISTS)
		return;
	uint32_t old = find(g, key);
	if (old != GHOST_NONE)
		release(g, old);                /* a page is remembered once */
	if (g->free == GHOST_NONE)
		release(g, g->head[longest(g)]);
	uint32_t i = g->free;
	struct ghost *x = &g->e[i];
	g->free = x->next;
	x->key = key;
	x->word = word;
	x->list = (uint32_t)list;
	uint32_t *b = &g->bucket[bucket_of(g, key)];
	x->hnext = *b;
	*b = i;
	if (g->head[list] == GHOST_NONE) {
		x->next = x->prev = i;
		g->head[list] = i;
	} else {
		uint32_t first = g->head[list], last = g->e[first].prev;
		x->next = first;
		x->prev = last;
		g->e[last].next = i;
		g->e[first].prev = i;
	}
	g->count[list]++;
}

bool policy_ghost_take(struct policy_pool *pool, uint64_t key, int *list, uint64_t *word)
{
	struct policy_ghosts *g = pool->ghosts;
	uint32_t i = g ? find(g, key) : GHOST_NONE;
	if (i == GHOST_NONE)
		return false;
	*list = (int)g->e[i].list;
	*word = g->e[i].word;
	release(g, i);
	return true;
}

bool policy_ghost_drop_oldest(struct policy_pool *pool, int list)
{
	struct policy_ghosts *g = pool->ghosts;
	if (!g || list < 0 || list >= POLICY_GHOST_LISTS || g->head[list] == GHOST_NONE)
		return false;
	release(g, g->head[list]);
	return true;
}

bool policy_ghost_oldest(const struct policy_pool *pool, int list, uint64_t *key, uint64_t *word)
{
	const struct policy_ghosts *g = pool->ghosts;
	if (!g || list < 0 || list >= POLICY_GHOST_LISTS || g->head[list] == GHOST_NONE)
		return false;
	*key = g->e[g->head[list]].key;
	*word = g->e[g->head[list]].word;
	return true;
}

uint64_t policy_ghost_count(const struct policy_pool *pool, int list)
{
	const struct policy_ghosts *g = pool->ghosts;
	return g && list >= 0 && list < POLICY_GHOST_LISTS ? g->count[list] : 0;
}

/* G2 and G3 for one list: the entries it holds, or -1 after mm_bug. */
static int64_t check_list(const struct policy_pool *pool, int l)
{
	const struct policy_ghosts *g = pool->ghosts;
	uint32_t at = g->head[l];
	for (uint64_t n = 0; n < g->count[l]; n++) {
		if (at >= g->cap || g->e[at].list != (uint32_t)l || g->e[g->e[at].next].prev != at) {
			mm_bug("policy_ghost_check: pool %s ghost list %d: entry %lu of %lu (%u) is broken",
			       pool->name, l, (unsigned long)n, (unsigned long)g->count[l], at);
			return -1;
		}
		if (find(g, g->e[at].key) != at) {
			mm_bug("policy_ghost_check: pool %s ghost list %d: key %#lx is not found at its entry",
			       pool->name, l, (unsigned long)g->e[at].key);
			return -1;
		}
		at = g->e[at].next;
	}
	if (g->count[l] && at != g->head[l]) {
		mm_bug("policy_ghost_check: pool %s ghost list %d does not come back to its head",
		       pool->name, l);
		return -1;
	}
	return (int64_t)g->count[l];
}

int policy_ghost_check(const struct policy_pool *pool)
{
	const struct policy_ghosts *g = pool->ghosts;
	uint64_t total = 0, free = 0;
	if (!g)
		return 0;
	for (int l = 0; l < POLICY_GHOST_LISTS; l++) {
		int64_t n = check_list(pool, l);
		if (n < 0)
			return -ERR_BUG;
		total += (uint64_t)n;
	}
	for (uint32_t i = g->free; i != GHOST_NONE && free <= g->cap; i = g->e[i].next)
		free++;
	if (total + free != g->cap) {
		mm_bug("policy_ghost_check: pool %s: %lu listed + %lu free entries, not %u",
		       pool->name, (unsigned long)total, (unsigned long)free, g->cap);
		return -ERR_BUG;
	}
	return 0;
}
