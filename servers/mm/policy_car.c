/*
 * policy_car.c - CAR, Clock with Adaptive Replacement: ARC's adaptivity
 * on two clocks, so that a hit costs nothing but the accessed bit.
 *
 * Algorithm (Bansal & Modha's Figure 2). Two clocks of resident pages: T1
 * holds pages seen once "recently", T2 pages seen at least twice. Two
 * ghost lists (policy_ghost.c) remember pages evicted from each: B1 from
 * T1, B2 from T2, names only, oldest first. A target p (0..c, c the
 * pool's capacity) is T1's share. To find a victim, CAR looks at T1's
 * hand if |T1| >= max(1, p), else at T2's:
 *   T1: bit clear -> the victim (its page will go to B1);
 *       bit set   -> clear it, move the page to T2's tail (it was used
 *                    again: it now counts as frequent);
 *   T2: bit clear -> the victim (its page will go to B2);
 *       bit set   -> clear it, the hand moves on (Clock on T2);
 * until a victim is found. On a fault of page x:
 *   x in B1: T1 was too small: p += max(1, |B2|/|B1|) (at most c);
 *            x joins T2;
 *   x in B2: T2 was too small: p -= max(1, |B1|/|B2|) (at least 0);
 *            x joins T2;
 *   neither: directory replacement first - if |T1| + |B1| >= c the
 *            oldest of B1 is forgotten, else if |T1|+|T2|+|B1|+|B2| >= 2c
 *            the oldest of B2 - then x joins T1.
 * (|B1| and |B2| count x itself, as in the paper; the ratio is rounded
 * down.) Invariants of the paper, which the tests check: |T1|+|T2| <= c,
 * |T1|+|B1| <= c, |T1|+|T2|+|B1|+|B2| <= 2c after every fault.
 *
 * In the list of policy.c each clock's hand is its head (T1 = list 0, T2 =
 * list 1): a page joins a clock at its tail, just behind the hand, and
 * the hand moves by head = head->next. p is words[W_P].
 *
 * The reference-bit form. CAR is already one: a hit only sets a bit. What
 * the hardware adds: the faulting access, restarted, sets the new page's
 * own accessed bit, which in the paper starts clear - so every page would
 * look used again by the time T1's hand reaches it, and would go to T2.
 * With faultbit=1 (the default, what mm needs) the first bit T1's hand
 * reads on a new page is taken as its fault's: a set bit earns it one
 * more turn in T1 (back to T1's tail, bit cleared), not a move to T2; a
 * page used again during that turn goes to T2 next time. faultbit=0 is
 * the paper, for the simulator's --new-bit clear.
 *
 * What differs from the paper: mm takes the victim (replace) before it
 * admits the new page, so B1 + B2 may hold c+1 names between the two and
 * the history is reserved for c+1. When mm evicts ahead of faults
 * (background reclaim) nothing trims the history between evictions; it
 * then holds at most c+1 names, the table dropping the oldest name of the
 * longer list. A victim refused by mm goes to the tail of its own clock,
 * bit untouched, and the choice is made again; should it come back to
 * that frame, the next one of its clock (or the other clock's first) is
 * taken.
 *
 * Parameters: faultbit (above). Counters: scanned = frames a hand looked
 * at; referenced = of which had their bit set; moves = pages a hand sent
 * to a tail (T1's to T2, T2's second chances, T1's fault-bit turns,
 * refused frames); activated = pages moved to T2
 * (from T1 or from a ghost list); ghost_hits = faults on a page in B1 or
 * B2. Not supported: CART (the temporal-filtering variant of the paper).
 *
 * S. Bansal and D. S. Modha, "CAR: Clock with Adaptive Replacement",
 * USENIX FAST 2004, pp. 187-200; ARC: N. Megiddo and D. S. Modha, FAST
 * 2003.
 */
#include "policy.h"

#define T1 0                    /* lists (clocks): recency */
#define T2 1                    /*                 frequency */
#define B1 0                    /* ghost lists */
#define B2 1

#define P_FAULTBIT 0            /* param[] */

#define W_P 0                   /* words[]: the target size of T1 */
#define W_OFFERED 1             /* the frame last offered, + 1 (0: none) */

/* policy_frame_words[pfn]: its clock, and whether its fault's bit is
 * still to be read. */
#define F_T2 1u
#define F_FRESH 2u

static const struct policy_param params_car[] = {
	{ "faultbit", 1, 0, 1, "1: a new page's first accessed bit is its fault's, not a second use" },
};

static int clock_of(pfn_t pfn)
{
	return policy_frame_words[pfn] & F_T2 ? T2 : T1;
}

static void join(struct policy_pool *pool, int clock, pfn_t pfn, uint64_t flags)
{
	policy_list_add_tail(pool, clock, pfn);
	policy_frame_words[pfn] = (clock == T2 ? F_T2 : 0) | flags;
}

static uint64_t ratio_at_least_1(uint64_t a, uint64_t b)
{
	return b && a / b > 1 ? a / b : 1;
}

/* A fault on a page B1 or B2 remembered: move the target toward it. */
static void adapt(struct policy_pool *pool, int ghost)
{
	uint64_t c = policy_pool_capacity(pool), p = pool->words[W_P];
	uint64_t b1 = policy_ghost_count(pool, B1) + (ghost == B1);
	uint64_t b2 = policy_ghost_count(pool, B2) + (ghost == B2);
	if (ghost == B1) {
		uint64_t d = ratio_at_least_1(b2, b1);
		p = p + d < c ? p + d : c;
	} else {
		uint64_t d = ratio_at_least_1(b1, b2);
		p = p > d ? p - d : 0;
	}
	pool->words[W_P] = p;
}

/* Lines 6-9 of the paper, for a page no ghost list remembers. */
static void directory_replacement(struct policy_pool *pool)
{
	uint64_t c = policy_pool_capacity(pool);
	uint64_t b1 = policy_ghost_count(pool, B1), b2 = policy_ghost_count(pool, B2);
	if (pool->count[T1] + b1 >= c)
		policy_ghost_drop_oldest(pool, B1);     /* (false if B1 is empty) */
	else if (pool->count[T1] + pool->count[T2] + b1 + b2 >= 2 * c)
		policy_ghost_drop_oldest(pool, B2);
}

static void car_admit(struct policy_pool *pool, pfn_t pfn)
{
	int ghost;
	uint64_t word;
	uint64_t fresh = pool->param[P_FAULTBIT] ? F_FRESH : 0;
	policy_ghost_reserve(pool, policy_pool_capacity(pool) + 1);
	if (policy_ghost_take(pool, policy_page_key(pfn), &ghost, &word)) {
		adapt(pool, ghost);
		join(pool, T2, pfn, fresh);
		pool->stats.ghost_hits++;
		pool->stats.activated++;
	} else {
		directory_replacement(pool);
		join(pool, T1, pfn, fresh);
	}
	pool->pages++;
	pool->stats.admitted++;
}

static void car_remove(struct policy_pool *pool, pfn_t pfn, enum policy_leave why)
{
	int clock = clock_of(pfn);
	if (pool->words[W_OFFERED] == pfn + 1)
		pool->words[W_OFFERED] = 0;
	if (why == POLICY_EVICTED)
		policy_ghost_add(pool, clock == T1 ? B1 : B2, policy_page_key(pfn), 0);
	policy_list_del(pool, clock, pfn);  /* under its hand: the hand moves on */
	pool->pages--;
}

/* The page under clock's hand goes to the tail of clock `to`. */
static void move_head(struct policy_pool *pool, int clock, int to)
{
	pfn_t pfn = pool->head[clock];
	policy_list_del(pool, clock, pfn);
	join(pool, to, pfn, 0);
	pool->stats.moves++;
}

/* The clock whose hand replace() uses: T1 while it holds at least max(1, p). */
static int clock_to_scan(const struct policy_pool *pool)
{
	uint64_t p = pool->words[W_P];
	if (pool->count[T2] == 0)
		return T1;
	if (pool->count[T1] == 0)
		return T2;
	return pool->count[T1] >= (p > 1 ? p : 1) ? T1 : T2;
}

/* One step of replace(): true if the page under the hand is the victim. */
static bool hand_step(struct policy_pool *pool)
{
	int clock = clock_to_scan(pool);
	pfn_t pfn = pool->head[clock];
	bool fresh = policy_frame_words[pfn] & F_FRESH;
	policy_frame_words[pfn] &= ~(uint64_t)F_FRESH;  /* its first bit is read now */
	pool->stats.scanned++;
	if (!policy_referenced(pfn))
		return true;
	pool->stats.referenced++;
	if (clock == T1 && !fresh) {
		move_head(pool, T1, T2);        /* used again: frequent */
		pool->stats.activated++;
	} else {
		move_head(pool, clock, clock);  /* T2's second chance, or T1's fault bit */
	}
	return false;
}

/* The search came back to the refused frame, under its clock's hand: the
 * next frame of that clock, or the other clock's first. */
static pfn_t other_than(struct policy_pool *pool, pfn_t refused)
{
	int clock = clock_of(refused);
	if (pool->count[clock] > 1) {
		move_head(pool, clock, clock);
		return pool->head[clock];
	}
	return pool->head[clock == T1 ? T2 : T1];
}

static pfn_t car_victim(struct policy_pool *pool)
{
	if (pool->pages == 0)
		return PFN_NONE;
	pfn_t refused = pool->words[W_OFFERED] ? pool->words[W_OFFERED] - 1 : PFN_NONE;
	if (refused != PFN_NONE && pool->head[clock_of(refused)] == refused)
		move_head(pool, clock_of(refused), clock_of(refused));  /* out of the way */
	/* Every step clears a bit; after two turns of both clocks a bit is clear. */
	bool found = false;
	for (uint64_t steps = 2 * pool->pages + 1; steps && !found; steps--)
		found = hand_step(pool);
	pfn_t pfn = pool->head[clock_to_scan(pool)];
	if (pfn == refused && pool->pages > 1)
		pfn = other_than(pool, refused);
	pool->words[W_OFFERED] = pfn + 1;
	pool->stats.victims++;
	return pfn;
}

const struct mm_policy policy_car = {
	.name = "car",
	.summary = "CAR: two clocks, ghost lists B1/B2, adaptive target p (Bansal & Modha 2004)",
	.params = params_car,
	.nparams = 1,
	.admit = car_admit,
	.remove = car_remove,
	.victim = car_victim,
};
