/*
 * policy_template.c - a replacement policy to copy for the lab
 * (docs/labs/policy.md): FIFO, or with spare=1 FIFO with a second chance.
 * It compiles and runs as it is (make test builds the simulator with it
 * registered and checks it), so start from something that works and
 * change one thing at a time.
 *
 * To make it yours: copy it to servers/mm/policy_NAME.c, rename every
 * `template` to NAME (the functions, the struct, .name), rewrite this
 * comment and the three functions, and register it (docs/labs/policy.md,
 * "Register it"). The sections below are the ones every policy file's
 * design comment has (servers/mm/policy_clock.c is a model); keep them
 * true.
 *
 * Algorithm: the pool's frames stand on one list in the order they
 * became resident (list 0, its head the oldest). The victim is the head.
 * With spare=1, a head frame that was referenced since the policy last
 * looked (policy_referenced(): reads and clears the accessed bit) is
 * moved to the tail instead and the next head is looked at - at most
 * once round the list, so the search always ends.
 *
 * Invariants (policy_pool_check() checks the list ones after every step
 * in the host tests): every frame of the pool is on list 0 exactly once;
 * pool->pages is its length; words[TEMPLATE_OFFERED] is 0 or the frame
 * last offered as victim + 1, and that frame is still in the pool.
 *
 * The contract with mm (policy.h): admit, remove and victim are the
 * only entries; victim leaves the frame in the pool (mm calls remove
 * when it has evicted it), and asked again without a remove in between
 * (mm could not evict the frame) it must offer another frame.
 * What the policy may know: which frames were referenced or written
 * since it last asked (policy_referenced, policy_dirty), what it counts
 * itself (admits, victims), and its pool. There is no clock.
 *
 * Parameters: spare (0 or 1, default 0), as template:spare=1.
 *
 * What differs from the textbook: nothing (FIFO; with spare=1 it is the
 * second-chance list of Clock - the same victims as policy_clock.c).
 * Not supported: anything else - that part is yours.
 *
 * Citation: L. A. Belady, "A study of replacement algorithms for a
 * virtual-storage computer", IBM Systems Journal 5(2), 1966 (FIFO);
 * F. J. Corbató 1968 (second chance: see policy_clock.c).
 */
#include "policy.h"                 /* everything a policy may use, and nothing else */

#define TEMPLATE_LIST 0             /* the one list this policy keeps */
#define TEMPLATE_OFFERED 0          /* words[]: the frame last offered + 1 (0: none) */
#define TEMPLATE_SPARE 0            /* param[]: the index of "spare" in the table below */

/* Parameters, in the order of pool->param[]: policy_parse() checks the
 * range before the policy ever runs. */
static const struct policy_param template_params[] = {
	{ "spare", 0, 0, 1, "1: a referenced frame at the head gets one more round" },
};

/* A page was just mapped into frame pfn: it joins the tail (the newest). */
static void template_admit(struct policy_pool *pool, pfn_t pfn)
{
	policy_list_add_tail(pool, TEMPLATE_LIST, pfn);
	pool->pages++;
	pool->stats.admitted++;
}

/* Frame pfn leaves the pool: freed, evicted (why says which), or handed
 * to another policy. Forget it everywhere this policy remembers frames. */
static void template_remove(struct policy_pool *pool, pfn_t pfn, enum policy_leave why)
{
	(void)why;                  /* a policy with a history remembers POLICY_EVICTED pages */
	if (pool->words[TEMPLATE_OFFERED] == pfn + 1)
		pool->words[TEMPLATE_OFFERED] = 0;
	policy_list_del(pool, TEMPLATE_LIST, pfn);
	pool->pages--;
}

/* Move the head frame to the tail: the next frame becomes the head. */
static void rotate(struct policy_pool *pool)
{
	uint32_t head = pool->head[TEMPLATE_LIST];
	policy_list_del(pool, TEMPLATE_LIST, head);
	policy_list_add_tail(pool, TEMPLATE_LIST, head);
	pool->stats.moves++;
}

/* The frame to evict: the head, after sparing referenced heads if asked. */
static pfn_t template_victim(struct policy_pool *pool)
{
	if (pool->head[TEMPLATE_LIST] == PAGE_LINK_NONE)
		return PFN_NONE;
	if (pool->words[TEMPLATE_OFFERED] == (uint64_t)pool->head[TEMPLATE_LIST] + 1)
		rotate(pool);       /* offered before and not evicted: offer another */
	for (uint64_t looked = 0; pool->param[TEMPLATE_SPARE] && looked < pool->pages; looked++) {
		pool->stats.scanned++;
		if (!policy_referenced(pool->head[TEMPLATE_LIST]))
			break;
		pool->stats.referenced++;
		rotate(pool);
	}
	pool->words[TEMPLATE_OFFERED] = (uint64_t)pool->head[TEMPLATE_LIST] + 1;
	pool->stats.victims++;
	return pool->head[TEMPLATE_LIST];
}

/* The one non-static symbol: what policy_table in policy.c points at. */
const struct mm_policy policy_template = {
	.name = "template",
	.summary = "the lab's template: FIFO, or second chance with spare=1",
	.params = template_params,
	.nparams = sizeof template_params / sizeof template_params[0],
	.admit = template_admit,
	.remove = template_remove,
	.victim = template_victim,
};
