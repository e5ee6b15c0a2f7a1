/*
 * policy.c - what every replacement policy shares: the frame lists of a
 * pool (policy.h), circular and doubly linked through the descriptors'
 * next/prev words, with pool->head[list] as the oldest frame.
 *
 * Invariants: a frame is on at most one list of one pool; head[l] is
 * PAGE_LINK_NONE exactly when count[l] is 0; following next from head[l]
 * count[l] times comes back to head[l], and prev is next's inverse.
 * The helpers never move a policy's hand: a policy with a hand moves it
 * off a frame before deleting that frame.
 */
#include "policy.h"

static uint32_t link_of(pfn_t pfn)
{
	return (uint32_t)pfn;
}

void policy_list_add_tail(struct policy_pool *pool, int list, pfn_t pfn)
{
	struct page *pg = pfn_to_page(pfn);
	uint32_t head = pool->head[list];
	if (head == PAGE_LINK_NONE) {
		pg->next = pg->prev = link_of(pfn);
		pool->head[list] = link_of(pfn);
	} else {
		struct page *first = pfn_to_page(head);
		struct page *last = pfn_to_page(first->prev);
		pg->next = head;
		pg->prev = first->prev;
		last->next = link_of(pfn);
		first->prev = link_of(pfn);
	}
	pool->count[list]++;
}

void policy_list_del(struct policy_pool *pool, int list, pfn_t pfn)
{
	struct page *pg = pfn_to_page(pfn);
	if (pool->count[list] == 1) {
		pool->head[list] = PAGE_LINK_NONE;
	} else {
		pfn_to_page(pg->prev)->next = pg->next;
		pfn_to_page(pg->next)->prev = pg->prev;
		if (pool->head[list] == link_of(pfn))
			pool->head[list] = pg->next;
	}
	pg->next = pg->prev = PAGE_LINK_NONE;
	pool->count[list]--;
}
