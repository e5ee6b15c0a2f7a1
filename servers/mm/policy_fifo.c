/*
 * policy_fifo.c - first in, first out replacement.
 *
 * Algorithm: frames join the tail of one list as they become resident;
 * the victim is the head, the frame resident the longest, whether or not
 * it is still in use. Accessed bits are never looked at. Asked again for
 * a victim (mm could not evict the head), FIFO rotates the head to the
 * tail and offers the next one.
 *
 * FIFO is the baseline every other policy is measured against, and the
 * one that shows Belady's anomaly: on the reference string
 * 1 2 3 4 1 2 5 1 2 3 4 5 it takes 9 faults with 3 frames and 10 with 4
 * (Belady, Nelson & Shedler, "An anomaly in space-time characteristics of
 * certain programs running in a paging machine", CACM 12(6), 1969).
 *
 * Parameters: none.
 */
#include "policy.h"

#define FIFO_LIST 0
#define FIFO_OFFERED 0          /* words[]: the frame last offered, + 1 (0: none) */

static void fifo_admit(struct policy_pool *pool, pfn_t pfn)
{
	policy_list_add_tail(pool, FIFO_LIST, pfn);
	pool->pages++;
	pool->stats.admitted++;
}

static void fifo_remove(struct policy_pool *pool, pfn_t pfn, enum policy_leave why)
{
	(void)why;
	if (pool->words[FIFO_OFFERED] == pfn + 1)
		pool->words[FIFO_OFFERED] = 0;
	policy_list_del(pool, FIFO_LIST, pfn);
	pool->pages--;
}

/* The oldest frame; each repeated call rotates one further. */
static pfn_t fifo_victim(struct policy_pool *pool)
{
	uint32_t head = pool->head[FIFO_LIST];
	if (head == PAGE_LINK_NONE)
		return PFN_NONE;
	if (pool->words[FIFO_OFFERED] == (uint64_t)head + 1) {  /* offered before: move on */
		head = pool->head[FIFO_LIST] = pfn_to_page(head)->next;
		pool->stats.moves++;
	}
	pool->words[FIFO_OFFERED] = (uint64_t)head + 1;
	pool->stats.victims++;
	pool->stats.scanned++;
	return head;
}

const struct mm_policy policy_fifo = {
	.name = "fifo",
	.summary = "first in, first out (Belady 1966; the anomaly: Belady, Nelson & Shedler 1969)",
	.admit = fifo_admit,
	.remove = fifo_remove,
	.victim = fifo_victim,
};
