/*
 * policy_random.c - random replacement, seeded and reproducible.
 *
 * Algorithm: the victim is a frame of the pool drawn uniformly at random.
 * No bit is looked at. Random is the floor any policy that looks at
 * reference bits must beat.
 *
 * The generator is SplitMix64 (Steele, Lea & Flood 2014): the i-th draw
 * is mix(seed + i * 0x9e3779b97f4a7c15) for i = 1, 2, ..., so a pool
 * keeps only the count of its draws (pool->words) and the sequence
 * depends on nothing but the seed and the victim() calls made - the
 * simulator and the OS, fed the same faults, evict the same frames. A
 * draw x picks the frame x mod pages along the list, oldest resident
 * first (the bias of the modulo is below pages / 2^64). A pool handed
 * over to Random starts again from the seed's first draw.
 *
 * Asked again for a victim without a remove in between (mm could not
 * evict the frame offered), Random draws again; if it draws the same
 * frame, it offers the one after it, so another frame is offered.
 *
 * Parameters: seed (0..4294967295, default 1).
 *
 * Counters: victims (one draw each), scanned = frames walked past to
 * reach the drawn one.
 *
 * Not supported: a seed from the time or a device (it would not be
 * reproducible), weighting by reference or dirty bits.
 *
 * G. L. Steele Jr., D. Lea, C. H. Flood, "Fast splittable pseudorandom
 * number generators", OOPSLA 2014. For random replacement as a baseline:
 * L. A. Belady, "A study of replacement algorithms for a virtual-storage
 * computer", IBM Systems Journal 5(2), 1966.
 */
#include "policy.h"

#define RANDOM_LIST 0
#define RANDOM_OFFERED 0        /* words[]: the frame last offered, + 1 (0: none) */
#define RANDOM_DRAWS 1          /* words[]: draws made so far */

#define RANDOM_SEED 0           /* param[] */

#define SPLITMIX_GAMMA 0x9e3779b97f4a7c15ull

static const struct policy_param random_params[] = {
	{ "seed", 1, 0, 4294967295u, "seed of the generator (same seed, same victims)" },
};

static uint64_t splitmix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t draw(struct policy_pool *pool)
{
	uint64_t i = ++pool->words[RANDOM_DRAWS];
	return splitmix64(pool->param[RANDOM_SEED] + i * SPLITMIX_GAMMA);
}

static void random_admit(struct policy_pool *pool, pfn_t pfn)
{
	policy_list_add_tail(pool, RANDOM_LIST, pfn);
	pool->pages++;
	pool->stats.admitted++;
}

static void random_remove(struct policy_pool *pool, pfn_t pfn, enum policy_leave why)
{
	(void)why;
	if (pool->words[RANDOM_OFFERED] == pfn + 1)
		pool->words[RANDOM_OFFERED] = 0;
	policy_list_del(pool, RANDOM_LIST, pfn);
	pool->pages--;
}

static pfn_t random_victim(struct policy_pool *pool)
{
	if (pool->head[RANDOM_LIST] == PAGE_LINK_NONE)
		return PFN_NONE;
	uint64_t n = draw(pool) % pool->pages;
	uint32_t at = pool->head[RANDOM_LIST];
	for (uint64_t i = 0; i < n; i++)
		at = pfn_to_page(at)->next;
	pool->stats.scanned += n;
	if (pool->words[RANDOM_OFFERED] == (uint64_t)at + 1)
		at = pfn_to_page(at)->next;             /* refused before: the next one */
	pool->words[RANDOM_OFFERED] = (uint64_t)at + 1;
	pool->stats.victims++;
	return at;
}

const struct mm_policy policy_random = {
	.name = "random",
	.summary = "random replacement, seeded SplitMix64: reproducible (Belady 1966)",
	.params = random_params,
	.nparams = sizeof random_params / sizeof random_params[0],
	.admit = random_admit,
	.remove = random_remove,
	.victim = random_victim,
};
