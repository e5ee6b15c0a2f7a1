/*
 * policy_clockpro.c - CLOCK-Pro: Clock that tells hot pages from cold ones
 * by how soon they come back (LIRS's reuse distance, on a clock).
 *
 * Algorithm (Jiang, Chen & Zhang). The pages, resident and recently
 * evicted, stand on one clock in the order they were last placed at its
 * head. A resident page is hot or cold; the pool may hold m pages (its
 * capacity), of which m_c should be cold (the cold target). A cold page
 * is in its test period from the moment it is placed at the head until it
 * is older than every hot page; a cold page evicted during its test
 * period stays on the clock, non-resident, until the period ends - at
 * most m of those. Three hands move over the clock, oldest first:
 *   HAND_cold, at the oldest resident cold page, finds the victim: a page
 *     whose accessed bit is clear is evicted (and stays on the clock if it
 *     is in its test period). A page whose bit is set is placed at the
 *     head - as hot if it was in its test period and a hot page can be
 *     demoted to make room, otherwise as cold with a new test period.
 *   HAND_hot, at the oldest hot page, runs when a page turns hot and the
 *     hot pages number m - m_c or more: a hot page whose bit is set is
 *     placed at the head (bit cleared); the first one found clear turns
 *     cold and is placed at the head. Every cold page the hand passes
 *     leaves its test period, and a non-resident one leaves the clock. If
 *     the hand reaches the page that is turning hot before it finds one
 *     to demote, that page stays cold (the authors' reference simulator
 *     does this; the paper is silent) and the hand stops at the next hot
 *     page.
 *   HAND_test ends the test period of the oldest page in one when more
 *     than m pages are non-resident.
 * A fault on a non-resident page (one still in its test period) is a
 * short reuse distance: it may turn hot at once, as above. The cold
 * target adapts: +1 when a page is used during its test period, -1 when a
 * test period ends unused (resident or not), within [mincold, m-mincold],
 * mincold = max(1, m/100), starting at mincold. Until m - mincold pages
 * are resident, every new page is hot (as LIRS fills its hot set first).
 *
 * Representation. Resident pages are on three lists of policy.c, each in
 * clock order (head = oldest; placing a page at the clock's head appends
 * it and gives it the next number of a clock counter, its position):
 *   BEHIND (0) cold pages HAND_hot has passed: out of their test periods,
 *              older than every hot page;
 *   HOT    (1) hot pages: HAND_hot is this list's head;
 *   COLD   (2) cold pages newer than HAND_hot.
 * HAND_cold is the head of BEHIND, or of COLD when BEHIND is empty
 * (pool->hand mirrors it). Non-resident pages are the history (ghost list
 * 0), oldest first, each with its position as the entry's word. The clock
 * is the merge of all four by position, and that is all the hands need:
 *   - pages reach HAND_cold oldest first, and a page turns cold only by
 *     being placed at the head, so the victims' positions increase and
 *     the history, appended at each eviction, is in position order;
 *   - when a page is evicted every resident cold page is newer, and every
 *     resident page older than a non-resident one stays hot: so the oldest
 *     page in its test period - HAND_test's - is always the oldest
 *     non-resident page, and HAND_test only ever removes history entries;
 *   - HAND_hot passing position s moves COLD's pages older than s to
 *     BEHIND and drops history entries older than s (words[W_PASSED]
 *     keeps the furthest position passed: a page older is out of its test).
 * So the non-resident pages are not on the clock with the resident ones,
 * yet every hand meets them exactly where the paper's would.
 *
 * The reference-bit form. CLOCK-Pro is one already; what the hardware
 * adds is the new page's own accessed bit, set when its faulting access
 * restarts (the paper starts it clear). Read as a use, it would turn every
 * new page hot at HAND_cold's first visit. With faultbit=1 (the default,
 * what mm needs) the first bit read on a new page is taken as its fault's:
 * a set bit at HAND_cold earns it one more turn as a cold page with a new
 * test period; HAND_hot, for which a set bit means a turn at the head
 * anyway, is unchanged; a test period HAND_hot ends before that first
 * read counts as unused. faultbit=0 is the paper (policysim --new-bit
 * clear).
 *
 * Simplified: nothing in the hands' decisions, by the argument above.
 * What is ours: the warm-up rule and the bounds of m_c (above, from
 * LIRS); mm takes the victim before it admits the page that faulted, so
 * a non-resident page's refault is decided after that eviction, as in the
 * reference simulator; a page freed (not evicted) leaves without a trace;
 * a victim refused by mm is placed at the head as cold (its test period
 * kept; if it was the only cold page HAND_hot demotes one first) and the
 * choice is made again; with no resident cold page (pages freed,
 * or a global pool short of memory before its capacity is reached)
 * HAND_hot demotes one first. Without memory for the history
 * (policy_ghost_reserve fails; asked again at every fault) no page is
 * non-resident and pages turn hot only by a use while resident.
 *
 * Parameters: faultbit. Counters: scanned = pages whose bit a hand read;
 * referenced = of which had it set; moves = pages placed at the head
 * again; activated = cold pages turned hot; deactivated = hot pages
 * turned cold; ghost_hits = faults on a non-resident page.
 *
 * S. Jiang, F. Chen and X. Zhang, "CLOCK-Pro: An Effective Improvement of
 * the CLOCK Replacement", USENIX ATC 2005, pp. 323-336; LIRS: S. Jiang and
 * X. Zhang, SIGMETRICS 2002.
 */
#include "policy.h"

#define BEHIND 0                /* lists, each oldest first */
#define HOT 1
#define COLD 2
#define NONRES 0                /* ghost list */

#define P_FAULTBIT 0            /* param[] */

#define W_CLOCK 0               /* words[]: the last position given */
#define W_PASSED 1              /* every page older than this is behind HAND_hot */
#define W_TARGET 2              /* m_c, the cold target (0: not set yet) */
#define W_OFFERED 3             /* the frame last offered, + 1 (0: none) */

/* policy_frame_words[pfn]: position << 8 | flags. */
#define F_LIST 3u               /* BEHIND, HOT or COLD */
#define F_TEST 4u               /* in its test period */
#define F_MARK 8u               /* a set bit read but not yet acted on */
#define F_FRESH 16u             /* its fault's bit is still to be read */
#define F_SHIFT 8

#define NO_BOUND UINT64_MAX

static const struct policy_param params_clockpro[] = {
	{ "faultbit", 1, 0, 1, "1: a new page's first accessed bit is its fault's, not a second use" },
};

static uint64_t *word_of(pfn_t pfn)
{
	return &policy_frame_words[pfn];
}

static uint64_t position_of(pfn_t pfn)
{
	return *word_of(pfn) >> F_SHIFT;
}

static int list_of(pfn_t pfn)
{
	return (int)(*word_of(pfn) & F_LIST);
}

static bool has(pfn_t pfn, uint64_t flag)
{
	return *word_of(pfn) & flag;
}

static void clear(pfn_t pfn, uint64_t flag)
{
	*word_of(pfn) &= ~flag;
}

/* ---- the cold target --------------------------------------------------- */

static uint64_t min_cold(const struct policy_pool *pool)
{
	uint64_t m = policy_pool_capacity(pool);
	return m / 100 > 1 ? m / 100 : 1;
}

static void adjust_target(struct policy_pool *pool, int by)
{
	uint64_t m = policy_pool_capacity(pool), lo = min_cold(pool);
	uint64_t hi = m > 2 * lo ? m - lo : lo, t = pool->words[W_TARGET];
	t = by > 0 ? t + 1 : t - (t > 0);
	pool->words[W_TARGET] = t < lo ? lo : t > hi ? hi : t;
}

/* ---- the clock ----------------------------------------------------------- */

/* Place pfn (on no list) at the clock's head: the tail of list. */
static void place(struct policy_pool *pool, pfn_t pfn, int list, uint64_t flags)
{
	uint64_t at = ++pool->words[W_CLOCK];
	policy_list_add_tail(pool, list, pfn);
	*word_of(pfn) = at << F_SHIFT | (uint64_t)list | flags;
}

static void place_again(struct policy_pool *pool, pfn_t pfn, int list, uint64_t flags)
{
	policy_list_del(pool, list_of(pfn), pfn);
	place(pool, pfn, list, flags);
	pool->stats.moves++;
}

static pfn_t hand_cold(const struct policy_pool *pool)
{
	uint32_t h = pool->head[BEHIND] != PAGE_LINK_NONE ? pool->head[BEHIND] : pool->head[COLD];
	return h == PAGE_LINK_NONE ? PFN_NONE : h;
}

static void hand_follows_cold(struct policy_pool *pool)
{
	pfn_t h = hand_cold(pool);
	pool->hand = h == PFN_NONE ? PAGE_LINK_NONE : (uint32_t)h;
}

/* Read pfn's accessed bit (clearing it), and its new-page flag. */
static bool bit_of(struct policy_pool *pool, pfn_t pfn)
{
	clear(pfn, F_FRESH);
	pool->stats.scanned++;
	if (!policy_referenced(pfn))
		return false;
	pool->stats.referenced++;
	return true;
}

/* HAND_hot passes resident cold page pfn: its test period ends. */
static void end_test(struct policy_pool *pool, pfn_t pfn)
{
	if (has(pfn, F_TEST)) {
		bool used = !has(pfn, F_FRESH) && (has(pfn, F_MARK) || bit_of(pool, pfn));
		if (used)
			*word_of(pfn) |= F_MARK;        /* for HAND_cold */
		adjust_target(pool, used ? +1 : -1);
	}
	policy_list_del(pool, COLD, pfn);
	policy_list_add_tail(pool, BEHIND, pfn);        /* same position */
	*word_of(pfn) = (*word_of(pfn) & ~(uint64_t)(F_LIST | F_TEST)) | BEHIND;
}

/* HAND_hot has come to position `to`: everything older is behind it. */
static void pass(struct policy_pool *pool, uint64_t to)
{
	uint64_t key, at;
	while (pool->head[COLD] != PAGE_LINK_NONE && position_of(pool->head[COLD]) < to)
		end_test(pool, pool->head[COLD]);
	while (policy_ghost_oldest(pool, NONRES, &key, &at) && at < to) {
		policy_ghost_drop_oldest(pool, NONRES);
		adjust_target(pool, -1);
	}
	if (to > pool->words[W_PASSED])
		pool->words[W_PASSED] = to;
}

/* Place pfn (on no list) at the head as hot; HAND_hot starts at the first. */
static void place_hot(struct policy_pool *pool, pfn_t pfn)
{
	bool first = pool->count[HOT] == 0;
	place(pool, pfn, HOT, 0);
	if (first)
		pass(pool, position_of(pfn));
}

/* HAND_hot, until it demotes a hot page older than position `upto`:
 * true if it did. It then rests at the next hot page. */
static bool run_hand_hot(struct policy_pool *pool, uint64_t upto)
{
	for (uint64_t steps = 2 * pool->count[HOT] + 1; steps; steps--) {
		pfn_t h = pool->head[HOT];
		if (h == PAGE_LINK_NONE)
			return false;
		uint64_t at = position_of(h);
		pass(pool, at);                         /* the cold pages before h */
		if (at > upto)
			return false;                   /* it passed the trigger first */
		bool used = bit_of(pool, h);
		place_again(pool, h, used ? HOT : COLD, 0);
		if (!used) {
			pool->stats.deactivated++;
			if (pool->head[HOT] != PAGE_LINK_NONE)
				pass(pool, position_of(pool->head[HOT]));
			return true;
		}
	}
	return false;
}

/* A page at position `at`, used in its test period: may it turn hot?
 * (resident: it is on a list, and end_test counts its test period's end
 * if HAND_hot passes it; else it is a non-resident page, taken from the
 * history, whose end is counted here.) */
static bool may_turn_hot(struct policy_pool *pool, uint64_t at, bool resident)
{
	uint64_t m = policy_pool_capacity(pool);
	bool ended = false;
	if (at < pool->words[W_PASSED])
		return false;                   /* its test period is over */
	adjust_target(pool, +1);
	while (pool->count[HOT] + pool->words[W_TARGET] >= m) {
		if (at < pool->words[W_PASSED])
			return false;           /* its test period is over */
		bool demoted = run_hand_hot(pool, at);
		if (!resident && !ended && at < pool->words[W_PASSED]) {
			ended = true;           /* HAND_hot passed it just now */
			adjust_target(pool, -1);
		}
		if (!demoted)
			return false;
	}
	return true;
}

/* ---- the interface ------------------------------------------------------- */

static void clockpro_admit(struct policy_pool *pool, pfn_t pfn)
{
	int list;
	uint64_t at, m = policy_pool_capacity(pool);
	uint64_t fresh = pool->param[P_FAULTBIT] ? F_FRESH : 0;
	policy_ghost_reserve(pool, m);
	if (!pool->words[W_TARGET])
		pool->words[W_TARGET] = min_cold(pool);
	bool nonres = policy_ghost_take(pool, policy_page_key(pfn), &list, &at);
	if (nonres)
		pool->stats.ghost_hits++;
	if (pool->pages + min_cold(pool) < m) {
		place_hot(pool, pfn);                   /* warming up */
	} else if (nonres && may_turn_hot(pool, at, false)) {
		place_hot(pool, pfn);
		pool->stats.activated++;
	} else {
		place(pool, pfn, COLD, F_TEST);
	}
	*word_of(pfn) |= fresh;
	pool->pages++;
	pool->stats.admitted++;
	hand_follows_cold(pool);
}

/* pfn, in its test period, is evicted: it stays on the clock, non-resident.
 * Past m of those, HAND_test ends the oldest one's test period. */
static void keep_nonresident(struct policy_pool *pool, pfn_t pfn)
{
	if (policy_ghost_count(pool, NONRES) >= policy_pool_capacity(pool) &&
	    policy_ghost_drop_oldest(pool, NONRES))
		adjust_target(pool, -1);
	policy_ghost_add(pool, NONRES, policy_page_key(pfn), position_of(pfn));
}

static void clockpro_remove(struct policy_pool *pool, pfn_t pfn, enum policy_leave why)
{
	if (pool->words[W_OFFERED] == pfn + 1)
		pool->words[W_OFFERED] = 0;
	if (why == POLICY_EVICTED && has(pfn, F_TEST))
		keep_nonresident(pool, pfn);
	policy_list_del(pool, list_of(pfn), pfn);
	pool->pages--;
	hand_follows_cold(pool);
}

/* HAND_cold found pfn referenced: to the head, hot or cold. */
static void reuse(struct policy_pool *pool, pfn_t pfn)
{
	if (!has(pfn, F_TEST)) {
		place_again(pool, pfn, COLD, F_TEST);   /* a new test period */
		return;
	}
	*word_of(pfn) |= F_MARK;                /* if HAND_hot passes it: used */
	if (!may_turn_hot(pool, position_of(pfn), true)) {
		place_again(pool, pfn, COLD, F_TEST);
		return;
	}
	policy_list_del(pool, list_of(pfn), pfn);
	place_hot(pool, pfn);
	pool->stats.moves++;
	pool->stats.activated++;
}

/* One step of HAND_cold: true if the page under it is the victim. */
static bool cold_step(struct policy_pool *pool, pfn_t pfn)
{
	bool fresh = has(pfn, F_FRESH);
	bool used = bit_of(pool, pfn) || has(pfn, F_MARK);
	clear(pfn, F_MARK);
	if (!used)
		return true;
	if (fresh)
		place_again(pool, pfn, COLD, F_TEST);   /* its fault's bit: one more turn */
	else
		reuse(pool, pfn);
	return false;
}

/* A refused frame goes to the head as cold, its test period kept; if it
 * is the only resident cold page, HAND_hot demotes another first. */
static void set_aside(struct policy_pool *pool, pfn_t refused)
{
	if (pool->count[BEHIND] + pool->count[COLD] == 1)
		run_hand_hot(pool, NO_BOUND);
	place_again(pool, refused, COLD, *word_of(refused) & F_TEST);
}

/* HAND_cold until it finds a victim (HAND_hot demoting one if no page is
 * cold). Each page is placed at the head at most twice: 3 turns suffice. */
static pfn_t run_hand_cold(struct policy_pool *pool)
{
	for (uint64_t steps = 3 * pool->pages + 3; steps; steps--) {
		pfn_t pfn = hand_cold(pool);
		if (pfn == PFN_NONE) {
			if (!run_hand_hot(pool, NO_BOUND))
				break;
			continue;
		}
		if (cold_step(pool, pfn))
			break;
	}
	pfn_t pfn = hand_cold(pool);
	return pfn != PFN_NONE ? pfn : pool->head[HOT];
}

static pfn_t clockpro_victim(struct policy_pool *pool)
{
	if (pool->pages == 0)
		return PFN_NONE;
	pfn_t refused = pool->words[W_OFFERED] ? pool->words[W_OFFERED] - 1 : PFN_NONE;
	if (refused != PFN_NONE && hand_cold(pool) == refused)
		set_aside(pool, refused);
	pfn_t pfn = run_hand_cold(pool);
	if (pfn == refused && pool->pages > 1) {        /* it came back to it */
		set_aside(pool, refused);
		pfn = run_hand_cold(pool);
	}
	hand_follows_cold(pool);
	pool->words[W_OFFERED] = pfn + 1;
	pool->stats.victims++;
	return pfn;
}

const struct mm_policy policy_clockpro = {
	.name = "clockpro",
	.summary = "CLOCK-Pro: hot/cold pages, test periods, three hands (Jiang, Chen & Zhang 2005)",
	.params = params_clockpro,
	.nparams = 1,
	.admit = clockpro_admit,
	.remove = clockpro_remove,
	.victim = clockpro_victim,
};
