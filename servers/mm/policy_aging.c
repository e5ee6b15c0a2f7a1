/*
 * policy_aging.c - aging: an n-bit counter per frame, a shift register
 * of its reference bits, and the frame with the smallest counter goes.
 *
 * Algorithm (Tanenbaum's aging, a software approximation of LRU): at
 * every sampling each frame's counter is shifted right by one and the
 * frame's reference bit, read and cleared (policy_referenced()), is put
 * into its top bit. A counter thus holds the frame's reference bits of
 * the last `bits` sampling intervals, the latest the most significant,
 * and a smaller counter means "less recently used" at the resolution of
 * one interval. The victim is the frame with the smallest counter; among
 * equal counters, the one resident the longest (the list is in the order
 * the frames came in, and the scan takes the first smallest). A new
 * frame's counter is 0: the access that faulted it in sets its
 * reference bit, which the next sampling shifts in.
 *
 * The clock. Tanenbaum samples at each clock tick; there is no timer
 * here. Sampling is clocked by the pool's faults (its admits): one
 * sampling every `period` faults. So the simulator and the OS sample at
 * the same points of the same reference string and agree exactly,
 * whatever the machine's speed. The sampling owed after a fault is
 * taken when the pool next needs it: at the next victim() or the next
 * admit(), whichever comes first (in a full pool, the next fault's
 * victim(); before the new frame is linked, so it reads only the bits
 * of the frames that were resident). It therefore sees every reference
 * made between two faults, and the victim chosen at the k-th fault
 * already knows which pages were used since fault k-1. (In the OS,
 * background reclaim asking the global pool for victims between faults
 * takes the owed sampling earlier, never more often.)
 *
 * Parameters: bits (1..32, default 8), the counter's width; period
 * (1..1000000, default 1), faults per sampling. With period greater than
 * the faults of a run no sampling happens and every counter stays 0:
 * aging is then FIFO. With bits=1 a counter is only "referenced in the
 * last interval": the oldest frame not used since the last sampling goes.
 *
 * What differs from the textbook: the clock (faults, not time); the
 * tie-break (the oldest resident: Tanenbaum leaves it open); the bits
 * of a frame that comes in between two samplings wait for the next one,
 * so with period > 1 the frames faulted in since the last sampling have
 * counter 0, the smallest there is - as in the textbook, where a page
 * loaded after the last tick has counter 0 too. A pool handed over to
 * aging admits its frames one by one: those admits count as faults.
 *
 * What to expect: a counter remembers `bits` samplings, so sampled at
 * every fault it remembers the last 8 faults. In a pool of hundreds of
 * frames most counters are then 0 and the tie-break decides: at the
 * defaults aging is close to FIFO on the shared traces
 * (/work/shared/traces). A longer period spreads the same bits over
 * more faults: on cpp with 100 frames, period=12 hits 73.3 % of the
 * references against FIFO's 54.8 % and LRU's 69.7 %.
 *
 * Refusals. Asked again for a victim without a remove in between (mm
 * could not evict the frame offered), aging marks that frame refused
 * (policy_refuse: bit 63 of its word) and leaves it out of every choice
 * until the next sampling, or until every frame has been refused (then
 * the marks are wiped, all but the last one's): repeated questions go
 * through every frame, smallest counter first, before one comes back.
 *
 * Storage: policy_frame_words[pfn] holds the counter (bits 0..31) and
 * the mark. pool->words: faults since the last sampling, whether one is
 * owed, the frame last offered, how many are marked.
 *
 * Counters: samples = samplings, referenced = reference bits found set
 * by them, scanned = frames compared while choosing, victims.
 *
 * Not supported: sampling on a timer (see above), the dirty bit (aging
 * does not look at it).
 *
 * A. S. Tanenbaum, "Modern Operating Systems", 4th ed., 2015, 3.4.7
 * ("Simulating LRU in software", the aging algorithm).
 */
#include "policy.h"

#define AGING_LIST 0
#define AGING_OFFERED 0         /* words[]: the frame last offered, + 1 (0: none) */
#define AGING_FAULTS 1          /* words[]: faults since the last sampling */
#define AGING_OWED 2            /* words[]: 1 when a sampling is owed */
#define AGING_NREFUSED 3        /* words[]: frames marked refused (policy_refuse) */

#define AGING_BITS 0            /* param[] */
#define AGING_PERIOD 1

#define AGING_COUNTER 0xffffffffull     /* word: the counter */

static const struct policy_param aging_params[] = {
	{ "bits", 8, 1, 32, "width of each frame's age counter" },
	{ "period", 1, 1, 1000000, "faults of the pool between two samplings" },
};

/* The parameters, or their defaults if the pool's are outside the
 * range (a pool handed a choice that was not parsed). */
static uint64_t param(const struct policy_pool *pool, int i)
{
	const struct policy_param *p = &aging_params[i];
	uint64_t v = pool->param[i];
	return v >= p->min && v <= p->max ? v : p->def;
}

/* Shift every counter right and put the frame's reference bit on top. */
static void sample(struct policy_pool *pool)
{
	uint64_t top = 1ull << (param(pool, AGING_BITS) - 1);
	uint32_t at = pool->head[AGING_LIST];
	for (uint64_t i = 0; i < pool->pages; i++, at = pfn_to_page(at)->next) {
		uint64_t c = (policy_frame_words[at] & AGING_COUNTER) >> 1;
		if (policy_referenced(at)) {
			c |= top;
			pool->stats.referenced++;
		}
		policy_frame_words[at] = c;             /* the mark goes too */
	}
	pool->words[AGING_NREFUSED] = 0;
	pool->stats.samples++;
}

static void take_owed_sample(struct policy_pool *pool)
{
	if (!pool->words[AGING_OWED])
		return;
	pool->words[AGING_OWED] = 0;
	sample(pool);
}

static void aging_admit(struct policy_pool *pool, pfn_t pfn)
{
	take_owed_sample(pool);
	policy_frame_words[pfn] = 0;
	policy_list_add_tail(pool, AGING_LIST, pfn);
	pool->pages++;
	pool->stats.admitted++;
	if (++pool->words[AGING_FAULTS] >= param(pool, AGING_PERIOD)) {
		pool->words[AGING_FAULTS] = 0;
		pool->words[AGING_OWED] = 1;
	}
}

static void aging_remove(struct policy_pool *pool, pfn_t pfn, enum policy_leave why)
{
	(void)why;
	if (pool->words[AGING_OFFERED] == pfn + 1)
		pool->words[AGING_OFFERED] = 0;
	policy_refusal_leaves(pool, AGING_NREFUSED, pfn);
	policy_list_del(pool, AGING_LIST, pfn);
	pool->pages--;
}

/* The oldest frame with the smallest counter, not refused. */
static uint32_t smallest(struct policy_pool *pool)
{
	uint32_t best = PAGE_LINK_NONE, at = pool->head[AGING_LIST];
	for (uint64_t i = 0; i < pool->pages; i++, at = pfn_to_page(at)->next) {
		uint64_t w = policy_frame_words[at];
		if (w & POLICY_REFUSED)
			continue;
		pool->stats.scanned++;
		if (best == PAGE_LINK_NONE || w < policy_frame_words[best])
			best = at;
	}
	return best;
}

static pfn_t aging_victim(struct policy_pool *pool)
{
	if (pool->head[AGING_LIST] == PAGE_LINK_NONE)
		return PFN_NONE;
	take_owed_sample(pool);
	if (pool->words[AGING_OFFERED])
		policy_refuse(pool, AGING_NREFUSED, pool->words[AGING_OFFERED] - 1);
	uint32_t victim = smallest(pool);
	pool->words[AGING_OFFERED] = (uint64_t)victim + 1;
	pool->stats.victims++;
	return victim;
}

const struct mm_policy policy_aging = {
	.name = "aging",
	.summary = "aging: n-bit counters of reference bits sampled every `period` faults; "
		   "the smallest goes (Tanenbaum)",
	.params = aging_params,
	.nparams = sizeof aging_params / sizeof aging_params[0],
	.admit = aging_admit,
	.remove = aging_remove,
	.victim = aging_victim,
};
