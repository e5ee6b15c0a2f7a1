/*
 * opt.c - Belady's optimal replacement (OPT, or MIN): evict the resident
 * page whose next reference lies furthest in the future, or one that is
 * never referenced again. No policy can fault less on the same string
 * (L. A. Belady, "A study of replacement algorithms for a virtual-storage
 * computer", IBM Systems Journal 5(2), 1966; optimality proved by
 * Mattson et al. 1970). It needs the future, so only a simulator has it:
 * it is the floor every real policy is measured against.
 *
 * Algorithm: one backward pass computes next_use[i], the position of the
 * next reference to the page referenced at i (n: never again). The
 * resident pages sit in a max-heap keyed by their next use. A reference
 * at i to a resident page is a hit: its key changes from i to next_use[i]
 * - instead of searching the heap, a new entry is pushed and the old one
 * left behind as stale (an entry is current while its page is resident
 * and its key equals the page's next use). A miss with every frame in
 * use pops entries until a current one: that page is the victim. Each
 * reference pushes one entry and each entry is popped at most once, so
 * the string costs O(n log n) time and O(n) space.
 *
 * Ties (several pages never referenced again) are broken arbitrarily:
 * any choice among them gives the same number of faults.
 */
#include <stdlib.h>
#include "policysim.h"

struct entry {
	size_t key;                 /* next use */
	uint32_t page;
};

struct heap {
	struct entry *e;
	size_t n;
};

static void heap_push(struct heap *h, struct entry x)
{
	size_t i = h->n++;
	while (i > 0 && h->e[(i - 1) / 2].key < x.key) {
		h->e[i] = h->e[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->e[i] = x;
}

static struct entry heap_pop(struct heap *h)
{
	struct entry top = h->e[0], x = h->e[--h->n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->e[c + 1].key > h->e[c].key)
			c++;
		if (h->e[c].key <= x.key)
			break;
		h->e[i] = h->e[c];
		i = c;
	}
	if (h->n)
		h->e[i] = x;
	return top;
}

/* next_use[i]: where the page referenced at i is referenced next, or n. */
static size_t *next_uses(const struct trace *t)
{
	size_t *next_use = malloc((t->n ? t->n : 1) * sizeof *next_use);
	size_t *seen = malloc((t->distinct ? t->distinct : 1) * sizeof *seen);
	if (!next_use || !seen)
		abort();
	for (unsigned p = 0; p < t->distinct; p++)
		seen[p] = t->n;
	for (size_t i = t->n; i-- > 0;) {
		next_use[i] = seen[t->page[i]];
		seen[t->page[i]] = i;
	}
	free(seen);
	return next_use;
}

uint64_t opt_faults(const struct trace *t, unsigned frames)
{
	size_t *next_use = next_uses(t);
	size_t *key = malloc((t->distinct ? t->distinct : 1) * sizeof *key);
	bool *resident = calloc(t->distinct ? t->distinct : 1, sizeof *resident);
	struct heap h = { .e = malloc((t->n ? t->n : 1) * sizeof *h.e) };
	if (!key || !resident || !h.e)
		abort();
	uint64_t faults = 0, in = 0;
	for (size_t i = 0; i < t->n; i++) {
		uint32_t p = t->page[i];
		if (!resident[p]) {
			faults++;
			if (in == frames) {
				struct entry v;
				do
					v = heap_pop(&h);
				while (!resident[v.page] || key[v.page] != v.key);
				resident[v.page] = false;
			} else {
				in++;
			}
			resident[p] = true;
		}
		key[p] = next_use[i];
		heap_push(&h, (struct entry){ .key = next_use[i], .page = p });
	}
	free(h.e);
	free(resident);
	free(key);
	free(next_use);
	return faults;
}
