/*
 * policy_nru.c - not recently used, as the enhanced second-chance clock:
 * evict from the lowest class of (referenced, dirty).
 *
 * Classes. Each frame falls in one of four classes by its reference bit
 * R and its dirty bit M (Tanenbaum's NRU):
 *     0  not referenced, clean       the best victim: unused, free to drop
 *     1  not referenced, dirty       unused, but costs a write to swap
 *     2  referenced, clean           in use
 *     3  referenced, dirty           in use, and costs a write
 * The victim is the first frame the hand reaches in the lowest class
 * that is not empty (Silberschatz's enhanced second chance).
 *
 * Algorithm (the four-pass clock of Stallings' "clock with use and
 * modify bits"): the frames stand on one circle in the order they came
 * in, a hand points at one of them. From the hand,
 *   pass 1  take the first frame of class 0, changing no bit;
 *   pass 2  take the first frame with R clear (class 1, since pass 1
 *           found no class 0), clearing R of every frame passed over;
 *   pass 3  (every R is clear now) pass 1 again: the first clean frame,
 *           i.e. the first that was in class 2;
 *   pass 4  pass 2 again: the first frame, i.e. the hand's, class 3.
 * So no frame is looked at more than four times per victim and the
 * lowest class wins. The hand then stands on the victim; the new frame
 * takes the place just behind it, as in Clock (policy_clock.c: the hand
 * is the head of list 0, pool->hand mirrors it).
 *
 * What differs from the textbook:
 *   - policy_referenced() reads and clears the accessed bit, so "changing
 *     no bit" in pass 1 means keeping what it read: R is the OR of the
 *     bits harvested into the frame's word (policy_frame_words[], bit 0)
 *     and the page table's, and only pass 2 clears it. A frame comes in
 *     with its word clear; the access that faulted it in sets the page
 *     table's bit.
 *   - Tanenbaum's NRU clears every R bit at each clock interrupt and
 *     picks at random within the class. There is no timer here, and a
 *     random pick would make the simulator and the OS part ways: the
 *     hand clears the bits as it passes (pass 2), and the first frame of
 *     the class from the hand is taken.
 *   - M is policy_dirty(), which the policy cannot clear: only saving
 *     the page does, and mm saves a page only when it evicts it (there
 *     is no daemon writing dirty pages back ahead of time). A dirty page
 *     therefore stays in class 1 or 3 as long as it is resident; the
 *     classes make reclaim prefer clean pages, whose eviction costs no
 *     write (a clean page swapped in before still has its slot).
 *
 * Refusals. Asked again for a victim without a remove in between (mm
 * could not evict the frame offered: it is in use, or cannot be written
 * yet), NRU marks that frame refused (policy_refuse: bit 63 of its word)
 * and leaves it out of every pass until the pool's next fault, or until
 * every frame has been refused (then the marks are wiped, all but the
 * last one's). So repeated questions go through every frame before one
 * comes back: with only the hand moving past the refused frame, two
 * refused frames of class 0 would be offered in turn for ever and the
 * frames of the higher classes never.
 *
 * Counters: scanned = frames looked at (once per pass), referenced = of
 * which had R set, moves = hand movements, victims = frames offered.
 *
 * Parameters: none. Not supported: cleaning dirty pages in the
 * background, the random choice within a class.
 *
 * A. S. Tanenbaum, "Modern Operating Systems", 4th ed., 2015, 3.4.2 (NRU);
 * A. Silberschatz, P. B. Galvin, G. Gagne, "Operating System Concepts",
 * 9th ed., 2013, 9.4.5.3 (enhanced second-chance); W. Stallings,
 * "Operating Systems: Internals and Design Principles", 7th ed., 2012,
 * 8.2 (the four-pass clock).
 */
#include "policy.h"
#include "lab.h"                    /* LAB_MISSING: what the lab's stubs call */

#define NRU_LIST 0
#define NRU_OFFERED 0           /* words[]: the frame last offered, + 1 (0: none) */
#define NRU_NREFUSED 1          /* words[]: frames marked refused (policy_refuse) */
#define NRU_R 1ull              /* policy_frame_words[]: R, harvested and kept */

/* LAB policy: the hand mirrors list 0's head (a helper for the functions below) */
static void hand_follows_head(struct policy_pool *pool)
{
	pool->hand = pool->head[NRU_LIST];
}
/* LAB policy END */

static void nru_admit(struct policy_pool *pool, pfn_t pfn)
{
	/* LAB policy: nru_admit - a fault: forget refusals, clear the frame's word, link it behind the hand */
	policy_forget_refusals(pool, NRU_NREFUSED);     /* a fault: a new choice */
	policy_frame_words[pfn] = 0;
	policy_list_add_tail(pool, NRU_LIST, pfn);      /* just behind the hand */
	pool->pages++;
	pool->stats.admitted++;
	hand_follows_head(pool);
	/* LAB policy STUB: LAB_MISSING("policy", "nru_admit"); */
	/* LAB policy STUB: policy_list_add_tail(pool, NRU_LIST, pfn); */
	/* LAB policy STUB: pool->pages++; */
	/* LAB policy END */
}

static void nru_remove(struct policy_pool *pool, pfn_t pfn, enum policy_leave why)
{
	(void)why;
	/* LAB policy: nru_remove - forget pfn (offer, refusal mark), unlink it, move the hand on */
	if (pool->words[NRU_OFFERED] == pfn + 1)
		pool->words[NRU_OFFERED] = 0;
	policy_refusal_leaves(pool, NRU_NREFUSED, pfn);
	policy_list_del(pool, NRU_LIST, pfn);           /* under the hand: it moves on */
	pool->pages--;
	hand_follows_head(pool);
	/* LAB policy STUB: policy_list_del(pool, NRU_LIST, pfn); */
	/* LAB policy STUB: pool->pages--; */
	/* LAB policy END */
}

/* LAB policy: referenced, pass and lowest_class - the four passes of the enhanced second chance */
/* R of frame pfn: what was harvested before, or the page table's bit now. */
static bool referenced(struct policy_pool *pool, uint32_t pfn)
{
	if (policy_referenced(pfn))
		policy_frame_words[pfn] |= NRU_R;
	pool->stats.scanned++;
	if (!(policy_frame_words[pfn] & NRU_R))
		return false;
	pool->stats.referenced++;
	return true;
}

/* One pass from the hand, once round, leaving out refused frames: the
 * first frame with R clear (and clean, if clean_only); clearing R of the
 * frames passed over if clear. PAGE_LINK_NONE if none; *steps = frames
 * passed. */
static uint32_t pass(struct policy_pool *pool, bool clean_only, bool clear, uint64_t *steps)
{
	uint32_t at = pool->head[NRU_LIST];
	for (*steps = 0; *steps < pool->pages; ++*steps, at = pfn_to_page(at)->next) {
		if (policy_frame_words[at] & POLICY_REFUSED)
			continue;
		if (!referenced(pool, at) && (!clean_only || !policy_dirty(at)))
			return at;
		if (clear)
			policy_frame_words[at] &= ~NRU_R;
	}
	return PAGE_LINK_NONE;
}

/* Passes 1-4: the first frame of the lowest class from the hand. */
static uint32_t lowest_class(struct policy_pool *pool, uint64_t *steps)
{
	for (int round = 0; round < 2; round++) {
		uint32_t at = pass(pool, true, false, steps);
		if (at == PAGE_LINK_NONE)
			at = pass(pool, false, true, steps);
		if (at != PAGE_LINK_NONE)
			return at;
	}
	mm_bug("policy_nru: pool %s: four passes over %lu frames found no victim",
	       pool->name, (unsigned long)pool->pages);
	*steps = 0;
	return pool->head[NRU_LIST];
}
/* LAB policy END */

static pfn_t nru_victim(struct policy_pool *pool)
{
	/* LAB policy: nru_victim - mark a refused offer, take the lowest class from the hand, move the hand to it */
	if (pool->head[NRU_LIST] == PAGE_LINK_NONE)
		return PFN_NONE;
	if (pool->words[NRU_OFFERED])
		policy_refuse(pool, NRU_NREFUSED, pool->words[NRU_OFFERED] - 1);
	uint64_t steps;
	uint32_t victim = lowest_class(pool, &steps);
	pool->head[NRU_LIST] = victim;                  /* the hand moves to it */
	pool->stats.moves += steps;
	hand_follows_head(pool);
	pool->words[NRU_OFFERED] = (uint64_t)victim + 1;
	pool->stats.victims++;
	return victim;
	/* LAB policy STUB: LAB_MISSING("policy", "nru_victim"); */
	/* LAB policy STUB: (void)pool; */
	/* LAB policy STUB: return PFN_NONE; */
	/* LAB policy END */
}

const struct mm_policy policy_nru = {
	.name = "nru",
	.summary = "not recently used: the lowest (referenced, dirty) class, first from a hand "
		   "(enhanced second chance; Tanenbaum, Silberschatz)",
	.admit = nru_admit,
	.remove = nru_remove,
	.victim = nru_victim,
};
