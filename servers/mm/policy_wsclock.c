/*
 * policy_wsclock.c - WSClock: Clock that evicts only pages outside the
 * working set, preferring clean ones.
 *
 * Algorithm (Carr & Hennessy 1981): the frames stand on one circle with
 * a hand, as in Clock, and each frame remembers the virtual time of its
 * last use (policy_frame_words[pfn], bits 0..62). Asked for a victim,
 * the hand looks at its frame:
 *   - referenced since the hand last passed (policy_referenced(), which
 *     clears the bit): it is in use; its time of last use becomes now,
 *     and the hand moves on;
 *   - not referenced, and its age (now - last use) is at least tau: the
 *     page has left the working set (Denning's W(t, tau): the pages used
 *     in the last tau units of virtual time). If it is clean it is the
 *     victim; if it is dirty, see below, and the hand moves on;
 *   - not referenced but younger than tau: still in the working set, the
 *     hand moves on.
 * If the hand comes once round without a victim it takes, in order: the
 * first old dirty page it passed; else the first clean page it found
 * unreferenced (every page is in the working set: Tanenbaum's "claim any
 * clean page"); else the frame under the hand (every page was referenced
 * or is dirty), which mm writes back if it is dirty. The hand stands on
 * the victim, and the new frame takes the place just behind it, as in
 * Clock (the hand is the head of list 0, pool->hand mirrors it).
 *
 * Virtual time. A real OS measures a process's virtual time (the CPU
 * time it has run). Here "now" is the pool's fault count (its admits,
 * pool->words), and a frame's last use is set when it comes in and when
 * the hand finds it referenced: every decision depends only on faults
 * and harvested bits, so the simulator and the OS agree. tau is counted
 * in faults of the pool. (A pool handed over to WSClock admits its
 * frames one by one: those admits advance the time too.)
 *
 * Dirty pages. In the paper the hand schedules the write of an old dirty
 * page and moves on; the page, clean by the time the hand comes back, is
 * then taken. A policy here cannot start a write: mm writes a page to
 * swap only by evicting it (its backend's evict writes, then frees). So
 * the first round takes only old clean pages (dropping one costs no
 * write) and remembers the first old dirty page it passes - the one
 * whose write the paper would have scheduled first; only when the round
 * finds no old clean page does WSClock offer that dirty page, and mm
 * writes it on the way out: one synchronous write per eviction where
 * the paper overlaps several with the sweep.
 *
 * With tau = 0 every unreferenced page is old, and on clean pages
 * WSClock is exactly Clock (policy_clock.c). With tau larger than the
 * faults of a run no page ever leaves the working set: each victim
 * costs a full round that clears every reference bit, and the victim is
 * the first clean page the hand finds not referenced since the last
 * round.
 *
 * Refusals. Asked again for a victim without a remove in between (mm
 * could not evict the frame offered: it is in use, or cannot be written
 * yet), WSClock marks that frame refused (policy_refuse: bit 63 of its
 * word) and the hand passes over it until the pool's next fault, or
 * until every frame has been refused (then the marks are wiped, all but
 * the last one's).
 * So repeated questions go through every frame before one comes back;
 * time does not move between faults, so without the marks two refused
 * old pages would be offered in turn for ever.
 *
 * Parameters: tau (0..1000000000 faults of the pool, default 50). tau
 * matters below the pool's size in frames: in a full pool of N frames a
 * page left unreferenced is replaced within about N faults, so with
 * tau >= N hardly any page grows old (on the cpp trace with 80 frames
 * every tau from 80 up gives the faults of an infinite one). On the
 * shared traces (/work/shared/traces) the best tau lies between a
 * quarter and a half of the frame count. The default leans small
 * because a small tau only brings WSClock closer to Clock, while a large
 * one makes each victim cost a full round.
 *
 * Counters: scanned = frames the hand looked at, referenced = of which
 * were referenced, moves = hand movements, victims = frames offered.
 *
 * Not supported: scheduling writes ahead of the hand (see above), a
 * limit on writes in flight, per-process virtual time.
 *
 * R. W. Carr, J. L. Hennessy, "WSCLOCK - a simple and effective algorithm
 * for virtual memory management", SOSP 1981; P. J. Denning, "The working
 * set model for program behavior", CACM 11(5), 1968; A. S. Tanenbaum,
 * "Modern Operating Systems", 4th ed., 2015, 3.4.9.
 */
#include "policy.h"

#define WS_LIST 0
#define WS_OFFERED 0            /* words[]: the frame last offered, + 1 (0: none) */
#define WS_NOW 1                /* words[]: virtual time, the pool's faults */
#define WS_NREFUSED 2           /* words[]: frames marked refused (policy_refuse) */

#define WS_TAU 0                /* param[] */

#define WS_TIME (POLICY_REFUSED - 1)    /* word: the virtual time of its last use */

static const struct policy_param wsclock_params[] = {
	{ "tau", 50, 0, 1000000000, "working-set window, in faults of the pool" },
};

static void hand_follows_head(struct policy_pool *pool)
{
	pool->hand = pool->head[WS_LIST];
}

static void wsclock_admit(struct policy_pool *pool, pfn_t pfn)
{
	policy_forget_refusals(pool, WS_NREFUSED);      /* a fault: a new choice */
	policy_frame_words[pfn] = ++pool->words[WS_NOW];
	policy_list_add_tail(pool, WS_LIST, pfn);       /* just behind the hand */
	pool->pages++;
	pool->stats.admitted++;
	hand_follows_head(pool);
}

static void wsclock_remove(struct policy_pool *pool, pfn_t pfn, enum policy_leave why)
{
	(void)why;
	if (pool->words[WS_OFFERED] == pfn + 1)
		pool->words[WS_OFFERED] = 0;
	policy_refusal_leaves(pool, WS_NREFUSED, pfn);
	policy_list_del(pool, WS_LIST, pfn);            /* under the hand: it moves on */
	pool->pages--;
	hand_follows_head(pool);
}

static void advance(struct policy_pool *pool)
{
	pool->head[WS_LIST] = pfn_to_page(pool->head[WS_LIST])->next;
	pool->stats.moves++;
}

/* What the hand remembers of one round. */
struct sweep {
	uint32_t old_dirty;         /* the first old dirty page passed */
	uint32_t young_clean;       /* the first unreferenced clean page passed */
};

/* The frame under the hand: true if it is the victim (old and clean),
 * else what the round should remember of it. */
static bool look(struct policy_pool *pool, uint32_t at, struct sweep *s)
{
	uint64_t now = pool->words[WS_NOW];
	pool->stats.scanned++;
	if (policy_referenced(at)) {
		pool->stats.referenced++;
		policy_frame_words[at] = now;
		return false;
	}
	bool old = now - (policy_frame_words[at] & WS_TIME) >= pool->param[WS_TAU];
	bool dirty = policy_dirty(at);
	if (old && !dirty)
		return true;
	if (old && s->old_dirty == PAGE_LINK_NONE)
		s->old_dirty = at;
	if (!dirty && s->young_clean == PAGE_LINK_NONE)
		s->young_clean = at;
	return false;
}

/* One round of the hand, passing over refused frames. */
static uint32_t sweep(struct policy_pool *pool)
{
	struct sweep s = { PAGE_LINK_NONE, PAGE_LINK_NONE };
	uint32_t under = PAGE_LINK_NONE;        /* the first frame not refused */
	for (uint64_t looked = 0; looked < pool->pages; looked++) {
		uint32_t at = pool->head[WS_LIST];
		if (!(policy_frame_words[at] & POLICY_REFUSED)) {
			if (look(pool, at, &s))
				return at;
			if (under == PAGE_LINK_NONE)
				under = at;
		}
		advance(pool);
	}
	/* once round, back where it started */
	if (s.old_dirty != PAGE_LINK_NONE)
		return s.old_dirty;
	if (s.young_clean != PAGE_LINK_NONE)
		return s.young_clean;
	return under;
}

static pfn_t wsclock_victim(struct policy_pool *pool)
{
	if (pool->head[WS_LIST] == PAGE_LINK_NONE)
		return PFN_NONE;
	if (pool->words[WS_OFFERED])
		policy_refuse(pool, WS_NREFUSED, pool->words[WS_OFFERED] - 1);
	uint32_t victim = sweep(pool);
	pool->head[WS_LIST] = victim;                   /* the hand stands on it */
	hand_follows_head(pool);
	pool->words[WS_OFFERED] = (uint64_t)victim + 1;
	pool->stats.victims++;
	return victim;
}

const struct mm_policy policy_wsclock = {
	.name = "wsclock",
	.summary = "WSClock: a hand evicts old clean pages outside the working set of "
		   "tau faults (Carr & Hennessy 1981)",
	.params = wsclock_params,
	.nparams = sizeof wsclock_params / sizeof wsclock_params[0],
	.admit = wsclock_admit,
	.remove = wsclock_remove,
	.victim = wsclock_victim,
};
