/*
 * policy.c - what every replacement policy shares: the frame lists of a
 * pool (policy.h), circular and doubly linked through the descriptors'
 * next/prev words, with pool->head[list] as the oldest frame; the table
 * of policies (policy_find by name), the hand-over of a pool from one
 * policy to another, and the pool checker. Which pools exist, which
 * policy runs them and which pool a frame is in is reclaim.c's business.
 *
 * Invariants, checked by policy_pool_check():
 *   P1  head[l] is PAGE_LINK_NONE exactly when count[l] is 0;
 *   P2  following next from head[l] count[l] times comes back to head[l],
 *       every frame on the way valid, and prev is next's inverse;
 *   P3  the counts of the lists add up to pages;
 *   P4  the hand is PAGE_LINK_NONE or a frame on one of the pool's lists.
 * (A budget's pages may exceed its limit for a while: when none of its
 * frames can be evicted - no swap device, swap full - a new page still
 * comes in, see budget.c.)
 * (That a frame is on at most one list of one pool follows from P2 over
 * every pool, since next/prev can hold one place only.)
 * The helpers never move a policy's hand: a policy with a hand moves it
 * off a frame before deleting that frame.
 *
 * Refusals (policy_refuse): a policy may mark frames mm refused to
 * evict, bit 63 of their words, counted in a pool word of its choice.
 *
 * Switching policy (policy_hand_over) empties a pool through the old
 * policy's remove, oldest frame of list 0 first, and admits each frame to
 * the new one in that order: the new policy starts with the residency
 * order and no history (reference bits are left as they are). The pool's
 * counters go on counting.
 */
#include <stdio.h>
#include <string.h>
#include <pagoda/error.h>
#include "policy.h"
#include "lab.h"                    /* LAB_MISSING: what the lab's stubs call */

const struct mm_policy *const policy_table[] = {
	&policy_fifo, &policy_clock,
	&policy_nru, &policy_aging, &policy_random, &policy_wsclock,
	&policy_car, &policy_clockpro, &policy_2q, &policy_linux,
};
const unsigned policy_count = sizeof policy_table / sizeof policy_table[0];

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

/* P2 for one list: -ERR_BUG (after mm_bug) at the first broken link. */
static int check_list(const struct policy_pool *pool, int l)
{
	uint32_t at = pool->head[l];
	for (uint64_t i = 0; i < pool->count[l]; i++) {
		if (at == PAGE_LINK_NONE || !pfn_valid(at)) {
			mm_bug("policy_pool_check: pool %s list %d: link %lu of %lu is frame %#x",
			       pool->name, l, (unsigned long)i, (unsigned long)pool->count[l], at);
			return -ERR_BUG;
		}
		const struct page *pg = pfn_to_page(at);
		if (!pfn_valid(pg->next) || pfn_to_page(pg->next)->prev != at) {
			mm_bug("policy_pool_check: pool %s list %d: frame %#x's next %#x does not point back",
			       pool->name, l, at, pg->next);
			return -ERR_BUG;
		}
		at = pg->next;
	}
	if (at != pool->head[l]) {
		mm_bug("policy_pool_check: pool %s list %d: %lu frames do not come back to the head %#x",
		       pool->name, l, (unsigned long)pool->count[l], pool->head[l]);
		return -ERR_BUG;
	}
	return 0;
}

static bool on_list(const struct policy_pool *pool, int l, uint32_t link)
{
	uint32_t at = pool->head[l];
	for (uint64_t i = 0; i < pool->count[l]; i++, at = pfn_to_page(at)->next)
		if (at == link)
			return true;
	return false;
}

int policy_pool_check(const struct policy_pool *pool)
{
	uint64_t total = 0;
	bool hand_found = pool->hand == PAGE_LINK_NONE;
	for (int l = 0; l < POLICY_LISTS; l++) {
		if ((pool->head[l] == PAGE_LINK_NONE) != (pool->count[l] == 0)) {
			mm_bug("policy_pool_check: pool %s list %d: head %#x with %lu frames",
			       pool->name, l, pool->head[l], (unsigned long)pool->count[l]);
			return -ERR_BUG;
		}
		if (check_list(pool, l) < 0)
			return -ERR_BUG;
		total += pool->count[l];
		hand_found = hand_found || on_list(pool, l, pool->hand);
	}
	if (total != pool->pages) {
		mm_bug("policy_pool_check: pool %s: lists hold %lu frames, pages says %lu",
		       pool->name, (unsigned long)total, (unsigned long)pool->pages);
		return -ERR_BUG;
	}
	if (!hand_found) {
		mm_bug("policy_pool_check: pool %s: the hand %#x is on none of its lists",
		       pool->name, pool->hand);
		return -ERR_BUG;
	}
	return policy_ghost_check(pool);
}

/* Hand every frame of pool from policy `from` to policy `to`, oldest of
 * the lowest list first. */
void policy_hand_over(struct policy_pool *pool, const struct mm_policy *from,
		      const struct policy_choice *to)
{
	uint32_t order = PAGE_LINK_NONE, last = PAGE_LINK_NONE;
	for (int l = 0; l < POLICY_LISTS; l++) {
		while (pool->head[l] != PAGE_LINK_NONE) {
			uint32_t pfn = pool->head[l];
			from->remove(pool, pfn, POLICY_HANDOVER);
			/* a temporary singly linked chain through next */
			pfn_to_page(pfn)->next = PAGE_LINK_NONE;
			if (last == PAGE_LINK_NONE)
				order = pfn;
			else
				pfn_to_page(last)->next = pfn;
			last = pfn;
		}
	}
	policy_ghost_release(pool);
	memset(pool->words, 0, sizeof pool->words);
	memcpy(pool->param, to->param, sizeof pool->param);
	pool->hand = PAGE_LINK_NONE;
	while (order != PAGE_LINK_NONE) {
		uint32_t next = pfn_to_page(order)->next;
		pfn_to_page(order)->next = PAGE_LINK_NONE;
		to->policy->admit(pool, order);
		order = next;
	}
}

const struct mm_policy *policy_find(const char *name)
{
	for (unsigned i = 0; i < policy_count; i++)
		if (!strcmp(policy_table[i]->name, name))
			return policy_table[i];
	return NULL;
}

/* ---- refusals --------------------------------------------------------------- */

void policy_forget_refusals(struct policy_pool *pool, int count)
{
	for (int l = 0; l < POLICY_LISTS && pool->words[count]; l++) {
		uint32_t at = pool->head[l];
		for (uint64_t i = 0; i < pool->count[l]; i++, at = pfn_to_page(at)->next)
			policy_frame_words[at] &= ~POLICY_REFUSED;
	}
	pool->words[count] = 0;
}

void policy_refuse(struct policy_pool *pool, int count, pfn_t pfn)
{
	if (!(policy_frame_words[pfn] & POLICY_REFUSED)) {
		policy_frame_words[pfn] |= POLICY_REFUSED;
		pool->words[count]++;
	}
	if (pool->words[count] < pool->pages)
		return;
	policy_forget_refusals(pool, count);            /* all refused: start again */
	if (pool->pages > 1) {
		policy_frame_words[pfn] |= POLICY_REFUSED;
		pool->words[count] = 1;
	}
}

void policy_refusal_leaves(struct policy_pool *pool, int count, pfn_t pfn)
{
	if (policy_frame_words[pfn] & POLICY_REFUSED) {
		policy_frame_words[pfn] &= ~POLICY_REFUSED;
		pool->words[count]--;
	}
}

/* ---- parameters ------------------------------------------------------------ */

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* The length of the token at text[0..len) ending at one of stops. */
static size_t token(const char *text, size_t len, const char *stops)
{
	size_t n = 0;
	while (n < len && !strchr(stops, text[n]))
		n++;
	return n;
}

static const struct mm_policy *find_n(const char *name, size_t n)
{
	for (unsigned i = 0; i < policy_count; i++)
		if (strlen(policy_table[i]->name) == n && !memcmp(policy_table[i]->name, name, n))
			return policy_table[i];
	return NULL;
}

/* LAB policy: param_index and number - a parameter by name, a decimal value (helpers of parse_item) */
static int param_index(const struct mm_policy *pol, const char *name, size_t n)
{
	for (unsigned i = 0; i < pol->nparams; i++)
		if (strlen(pol->params[i].name) == n && !memcmp(pol->params[i].name, name, n))
			return (int)i;
	return -1;
}

/* A decimal number of n digits: true with *v. */
static bool number(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	if (n == 0 || n > 19)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	*v = x;
	return true;
}
/* LAB policy END */

static int refuse(char *err, size_t errlen, const char *what, const char *s, size_t n)
{
	if (errlen)
		snprintf(err, errlen, "%s '%.*s'", what, (int)n, s);
	return -ERR_INVAL;
}

/* One K=V item into c (seen marks the parameters given so far). */
static int parse_item(const char *s, size_t n, struct policy_choice *c, unsigned *seen,
		      char *err, size_t errlen)
{
	/* LAB policy: parse_item - check one K=V (K=V form, a known name, given once, a number in range) */
	size_t k = token(s, n, "=");
	int i = k < n ? param_index(c->policy, s, k) : -1;
	uint64_t v;
	if (k == n)
		return refuse(err, errlen, "a parameter needs K=V, not", s, n);
	if (i < 0)
		return refuse(err, errlen, "unknown parameter", s, k);
	if (*seen & (1u << i))
		return refuse(err, errlen, "parameter given twice:", s, k);
	if (!number(s + k + 1, n - k - 1, &v) || v < c->policy->params[i].min ||
	    v > c->policy->params[i].max) {
		if (errlen)
			snprintf(err, errlen, "parameter %s wants a number from %lu to %lu, not '%.*s'",
				 c->policy->params[i].name, (unsigned long)c->policy->params[i].min,
				 (unsigned long)c->policy->params[i].max, (int)(n - k - 1), s + k + 1);
		return -ERR_INVAL;
	}
	*seen |= 1u << i;
	c->param[i] = v;
	return 0;
	/* LAB policy STUB: LAB_MISSING("policy", "parse_item"); */
	/* LAB policy STUB: (void)c; (void)seen; */
	/* LAB policy STUB: return refuse(err, errlen, "parameters are not read yet:", s, n); */
	/* LAB policy END */
}

int policy_parse(const char *text, size_t len, struct policy_choice *out,
		 char *err, size_t errlen)
{
	struct policy_choice c = { 0 };
	unsigned seen = 0;
	size_t n = token(text, len, ": \t");
	if (errlen)
		err[0] = '\0';
	c.policy = find_n(text, n);
	if (!c.policy)
		return refuse(err, errlen, "unknown policy", text, n);
	for (unsigned i = 0; i < c.policy->nparams; i++)
		c.param[i] = c.policy->params[i].def;
	if (n < len && text[n] == ':' && n + 1 == len)
		return refuse(err, errlen, "parameters expected after", text, len);
	for (size_t at = n < len ? n + 1 : n; at < len;) {
		if (is_space(text[at]) || text[at] == ',') {
			at++;
			continue;
		}
		size_t m = token(text + at, len - at, ", \t");
		int rc = parse_item(text + at, m, &c, &seen, err, errlen);
		if (rc < 0)
			return rc;
		at += m;
	}
	*out = c;
	return 0;
}

void policy_format(const struct policy_choice *c, char *buf, size_t len)
{
	size_t at = (size_t)snprintf(buf, len, "%s", c->policy->name);
	for (unsigned i = 0; i < c->policy->nparams && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%c%s=%lu", i ? ',' : ':',
				       c->policy->params[i].name, (unsigned long)c->param[i]);
}
