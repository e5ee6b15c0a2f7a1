/*
 * lru.c - exact least-recently-used replacement, a reference no kernel
 * can afford: it needs the order of every reference, where the hardware
 * gives one accessed bit per page (Clock is the kernel's approximation).
 *
 * Algorithm: the resident pages form a doubly linked recency list, most
 * recently used at the head; a hit moves its page to the head, a miss
 * with every frame in use evicts the tail. O(1) per reference, O(n) for
 * the string. LRU is a stack algorithm (Mattson, Gecsei, Slutz & Traiger,
 * "Evaluation techniques for storage hierarchies", IBM Systems Journal
 * 9(2), 1970): more frames never cost more faults.
 */
#include <stdlib.h>
#include <string.h>
#include "policysim.h"

#define NONE UINT32_MAX

struct recency {
	uint32_t *next, *prev;      /* per page; NONE at the ends */
	bool *resident;
	uint32_t head, tail;        /* most and least recently used */
};

static void unlink_page(struct recency *r, uint32_t p)
{
	if (r->prev[p] != NONE)
		r->next[r->prev[p]] = r->next[p];
	else
		r->head = r->next[p];
	if (r->next[p] != NONE)
		r->prev[r->next[p]] = r->prev[p];
	else
		r->tail = r->prev[p];
}

static void push_head(struct recency *r, uint32_t p)
{
	r->prev[p] = NONE;
	r->next[p] = r->head;
	if (r->head != NONE)
		r->prev[r->head] = p;
	else
		r->tail = p;
	r->head = p;
}

uint64_t lru_faults(const struct trace *t, unsigned frames)
{
	size_t d = t->distinct ? t->distinct : 1;
	struct recency r = {
		.next = malloc(d * sizeof *r.next), .prev = malloc(d * sizeof *r.prev),
		.resident = calloc(d, sizeof *r.resident), .head = NONE, .tail = NONE,
	};
	if (!r.next || !r.prev || !r.resident)
		abort();
	uint64_t faults = 0, resident = 0;
	for (size_t i = 0; i < t->n; i++) {
		uint32_t p = t->page[i];
		if (r.resident[p]) {
			unlink_page(&r, p);
		} else {
			faults++;
			if (resident == frames) {
				uint32_t victim = r.tail;
				unlink_page(&r, victim);
				r.resident[victim] = false;
			} else {
				resident++;
			}
			r.resident[p] = true;
		}
		push_head(&r, p);
	}
	free(r.next);
	free(r.prev);
	free(r.resident);
	return faults;
}
