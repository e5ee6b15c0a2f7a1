/*
 * policy_clock.c - Clock, or second chance: FIFO that spares the pages in use.
 *
 * Algorithm: the pool's frames stand on one circle in the order they
 * became resident, and a hand points at one of them. Asked for a victim,
 * the hand looks at its frame: if the frame was referenced since the hand
 * last passed (policy_referenced(), which reads and clears the accessed
 * bit), it gets a second chance and the hand moves on; the first frame
 * found unreferenced is the victim. A new frame takes the place just
 * behind the hand, i.e. it is the last one the hand will reach - where
 * the victim stood, in the textbook's array of frames. If every frame was
 * referenced the hand goes once round clearing bits and then takes the
 * frame it started from: Clock degenerates into FIFO, never loops.
 *
 * In the list of policy.c the hand is the head of list 0 (pool->hand
 * mirrors it for memstat and the checker): moving the hand is head =
 * head->next, a new frame is added at the tail (just behind the hand),
 * and deleting the frame under the hand moves the hand to the next one,
 * as the textbook's hand moves past the slot it has just filled.
 *
 * Asked again for a victim without a remove in between (mm could not
 * evict the frame offered), Clock first moves the hand past it, so it
 * offers another frame.
 *
 * What differs from the textbook: nothing in the algorithm. Where the
 * reference bit comes from does: in the memory server it is the page
 * table's accessed bit, which the hardware sets when the access that
 * faulted the page in is restarted - so a new page has its bit set by
 * the time the hand first reaches it (Silberschatz's variant); the host
 * tests model the other textbook variant too (a new page enters with its
 * bit clear, as in the hit ratios of /work/shared/traces/README.md).
 *
 * Counters: scanned = frames the hand looked at, referenced = of which
 * had their bit set, moves = hand movements, victims = frames offered.
 *
 * Parameters: none. Not supported: more than one hand (WSClock's
 * two-handed clock is its own policy), aging counters.
 *
 * F. J. Corbató, "A paging experiment with the Multics system", MIT
 * Project MAC report MAC-M-384 (1968); in Feshbach & Ingard (eds.), "In
 * Honor of Philip M. Morse", MIT Press, 1969.
 */
#include "policy.h"

#define CLOCK_LIST 0
#define CLOCK_OFFERED 0         /* words[]: the frame last offered, + 1 (0: none) */

static void hand_follows_head(struct policy_pool *pool)
{
	pool->hand = pool->head[CLOCK_LIST];
}

static void clock_admit(struct policy_pool *pool, pfn_t pfn)
{
	policy_list_add_tail(pool, CLOCK_LIST, pfn);    /* just behind the hand */
	pool->pages++;
	pool->stats.admitted++;
	hand_follows_head(pool);
}

static void clock_remove(struct policy_pool *pool, pfn_t pfn, enum policy_leave why)
{
	(void)why;
	if (pool->words[CLOCK_OFFERED] == pfn + 1)
		pool->words[CLOCK_OFFERED] = 0;
	policy_list_del(pool, CLOCK_LIST, pfn);         /* under the hand: it moves on */
	pool->pages--;
	hand_follows_head(pool);
}

static void advance(struct policy_pool *pool)
{
	pool->head[CLOCK_LIST] = pfn_to_page(pool->head[CLOCK_LIST])->next;
	pool->stats.moves++;
}

static pfn_t clock_victim(struct policy_pool *pool)
{
	if (pool->head[CLOCK_LIST] == PAGE_LINK_NONE)
		return PFN_NONE;
	if (pool->words[CLOCK_OFFERED] == (uint64_t)pool->head[CLOCK_LIST] + 1)
		advance(pool);                          /* refused before: move on */
	/* At most one full turn clears every bit; the frame after it is taken. */
	for (uint64_t looked = 0; looked < pool->pages; looked++) {
		pool->stats.scanned++;
		if (!policy_referenced(pool->head[CLOCK_LIST]))
			break;
		pool->stats.referenced++;
		advance(pool);
	}
	hand_follows_head(pool);
	pool->words[CLOCK_OFFERED] = (uint64_t)pool->head[CLOCK_LIST] + 1;
	pool->stats.victims++;
	return pool->head[CLOCK_LIST];
}

const struct mm_policy policy_clock = {
	.name = "clock",
	.summary = "second chance: a hand skips and clears referenced frames (Corbató 1968)",
	.admit = clock_admit,
	.remove = clock_remove,
	.victim = clock_victim,
};
