/*
 * policy_2q.c - 2Q: a page must be wanted twice, far enough apart, before
 * it may stay.
 *
 * Algorithm (the "full 2Q" of the paper). Three queues: A1in, a FIFO of
 * the pages faulted in for the first time; A1out, a ghost queue of the
 * pages A1in gave up (their names only, policy_ghost.c); Am, the pages
 * that came back while A1out still remembered them. A fault on a page in
 * A1out puts it in Am; any other fault puts the page at the tail of
 * A1in. A hit in A1in changes nothing: references close together are
 * taken as one ("correlated references"). The victim is the head of A1in
 * when A1in holds more than Kin pages - it goes to A1out, which keeps at
 * most Kout names, oldest forgotten first - and otherwise a page of Am,
 * which is not remembered. A one-time scan therefore streams through
 * A1in and A1out and never reaches Am.
 *
 * The reference-bit form. The paper keeps Am in LRU order, moving a page
 * on every hit; no kernel sees hits. Here Am is a Clock (policy_clock.c's
 * algorithm, its hand the head of list 1 and pool->hand): a page referenced
 * since the hand last passed is spared and its accessed bit cleared, the
 * first one found unreferenced is the victim. A page entering Am goes just
 * behind the hand. A1in needs no bits at all. In the memory server the
 * restarted faulting access sets a new page's accessed bit, so a page new
 * to Am is spared once by the hand (as Clock spares it); with the bit
 * clear on entry (the textbook convention, policysim --new-bit clear) the
 * Clock is the textbook one.
 *
 * Parameters (percent of the pool's capacity, policy_pool_capacity):
 *   kin  = 25  A1in's share: Am gives up pages only while A1in holds at
 *              most capacity*kin/100 (rounded down) pages;
 *   kout = 50  A1out's length: capacity*kout/100 names (at least 1).
 * These are the defaults the paper recommends (Kin 25 %, Kout 50 % of the
 * buffer). Kin is compared with A1in's length whether or not the pool is
 * full, as in the paper, where it is a share of the buffer.
 *
 * Victim contract: asked again without a remove, 2Q moves the frame it
 * offered out of the way (to A1in's tail, or past Am's hand) and chooses
 * again; should the choice come back to it, the frame after it is taken.
 *
 * Counters: scanned = frames looked at; referenced = of which had their
 * bit set (Am's hand only); moves = frames the Am hand passed or a refused
 * frame moved; activated = pages that entered Am from A1out, which are
 * also ghost_hits.
 *
 * Without memory for A1out (policy_ghost_reserve fails; asked again at
 * every fault) nothing reaches Am and 2Q is FIFO over A1in.
 * Not supported: the "simplified 2Q" of the paper (no A1out).
 *
 * T. Johnson and D. Shasha, "2Q: A Low Overhead High Performance Buffer
 * Management Replacement Algorithm", VLDB 1994, pp. 439-450.
 */
#include "policy.h"
#include "lab.h"                    /* LAB_MISSING: what the lab's stubs call */

#define A1IN 0                  /* lists: the FIFO of first-time pages */
#define AM 1                    /*        the Clock of pages wanted twice */
#define A1OUT 0                 /* ghost list */

#define P_KIN 0                 /* param[] */
#define P_KOUT 1

#define W_OFFERED 0             /* words[]: the frame last offered, + 1 (0: none) */

/* policy_frame_words[pfn]: the list the frame is on. */

static const struct policy_param params_2q[] = {
	{ "kin", 25, 0, 100, "percent of the pool A1in may hold before Am gives up pages" },
	{ "kout", 50, 1, 100, "percent of the pool A1out remembers (names of pages A1in gave up)" },
};

/* LAB policy: 2Q's helpers - a share of the capacity, Am's hand, joining a list */
static uint64_t share(const struct policy_pool *pool, int param)
{
	return policy_pool_capacity(pool) * pool->param[param] / 100;
}

/* Am's hand is its list head, mirrored in pool->hand as Clock does. */
static void hand_follows_am(struct policy_pool *pool)
{
	pool->hand = pool->head[AM];
}

static void join(struct policy_pool *pool, int list, pfn_t pfn)
{
	policy_list_add_tail(pool, list, pfn);
	policy_frame_words[pfn] = (uint64_t)list;
}
/* LAB policy END */

static void q2_admit(struct policy_pool *pool, pfn_t pfn)
{
	/* LAB policy: q2_admit - a page A1out remembers joins Am (a ghost hit), any other A1in */
	int list;
	uint64_t word;
	policy_ghost_reserve(pool, policy_pool_capacity(pool));
	if (policy_ghost_take(pool, policy_page_key(pfn), &list, &word)) {
		join(pool, AM, pfn);            /* just behind Am's hand */
		pool->stats.ghost_hits++;
		pool->stats.activated++;
	} else {
		join(pool, A1IN, pfn);
	}
	pool->pages++;
	pool->stats.admitted++;
	hand_follows_am(pool);
	/* LAB policy STUB: LAB_MISSING("policy", "q2_admit"); */
	/* LAB policy STUB: policy_list_add_tail(pool, A1IN, pfn); */
	/* LAB policy STUB: pool->pages++; */
	/* LAB policy END */
}

/* LAB policy: remember - A1in gave up a page: its name goes to A1out, at most Kout names */
/* A1in gave up pfn: remember its name, forgetting beyond Kout. */
static void remember(struct policy_pool *pool, pfn_t pfn)
{
	uint64_t kout = share(pool, P_KOUT);
	policy_ghost_add(pool, A1OUT, policy_page_key(pfn), 0);
	while (policy_ghost_count(pool, A1OUT) > (kout ? kout : 1))
		policy_ghost_drop_oldest(pool, A1OUT);
}
/* LAB policy END */

static void q2_remove(struct policy_pool *pool, pfn_t pfn, enum policy_leave why)
{
	/* LAB policy: q2_remove - unlink pfn from its list; an evicted A1in page is remembered */
	int list = (int)policy_frame_words[pfn];
	if (pool->words[W_OFFERED] == pfn + 1)
		pool->words[W_OFFERED] = 0;
	if (why == POLICY_EVICTED && list == A1IN)
		remember(pool, pfn);
	policy_list_del(pool, list, pfn);   /* under Am's hand: it moves on */
	pool->pages--;
	hand_follows_am(pool);
	/* LAB policy STUB: (void)why; */
	/* LAB policy STUB: policy_list_del(pool, A1IN, pfn); */
	/* LAB policy STUB: pool->pages--; */
	/* LAB policy END */
}

/* LAB policy: advance, am_victim, victim_list, other_than - Am's Clock and the choice of list */
static void advance(struct policy_pool *pool, int list)
{
	pool->head[list] = pfn_to_page(pool->head[list])->next;
	pool->stats.moves++;
}

/* Am's Clock: at most one turn clears every bit; the frame after it is taken. */
static pfn_t am_victim(struct policy_pool *pool)
{
	for (uint64_t looked = 0; looked < pool->count[AM]; looked++) {
		pool->stats.scanned++;
		if (!policy_referenced(pool->head[AM]))
			break;
		pool->stats.referenced++;
		advance(pool, AM);
	}
	return pool->head[AM];
}

/* The list the next victim comes from: A1in while it holds more than Kin. */
static int victim_list(const struct policy_pool *pool)
{
	if (pool->count[AM] == 0)
		return A1IN;
	if (pool->count[A1IN] == 0)
		return AM;
	return pool->count[A1IN] > share(pool, P_KIN) ? A1IN : AM;
}

/* The search came back to the refused frame (at the head of its list):
 * the next one of that list, or the other list's first. */
static pfn_t other_than(struct policy_pool *pool, pfn_t refused)
{
	int list = (int)policy_frame_words[refused];
	if (pool->count[list] > 1) {
		advance(pool, list);
		return pool->head[list];
	}
	return pool->head[list == AM ? A1IN : AM];
}
/* LAB policy END */

static pfn_t q2_victim(struct policy_pool *pool)
{
	/* LAB policy: q2_victim - move a refused offer out of the way, then A1in's head or Am's Clock */
	if (pool->pages == 0)
		return PFN_NONE;
	pfn_t refused = pool->words[W_OFFERED] ? pool->words[W_OFFERED] - 1 : PFN_NONE;
	if (refused != PFN_NONE) {      /* move it out of the way */
		int list = (int)policy_frame_words[refused];
		if (pool->head[list] == refused)
			advance(pool, list);
	}
	int list = victim_list(pool);
	pfn_t pfn = list == AM ? am_victim(pool) : pool->head[A1IN];
	if (list == A1IN)
		pool->stats.scanned++;
	if (pfn == refused && pool->pages > 1)
		pfn = other_than(pool, refused);
	hand_follows_am(pool);
	pool->words[W_OFFERED] = pfn + 1;
	pool->stats.victims++;
	return pfn;
	/* LAB policy STUB: LAB_MISSING("policy", "q2_victim"); */
	/* LAB policy STUB: (void)pool; */
	/* LAB policy STUB: return PFN_NONE; */
	/* LAB policy END */
}

const struct mm_policy policy_2q = {
	.name = "2q",
	.summary = "2Q: FIFO A1in, ghost A1out, Clock Am (Johnson & Shasha 1994)",
	.params = params_2q,
	.nparams = 2,
	.admit = q2_admit,
	.remove = q2_remove,
	.victim = q2_victim,
};
