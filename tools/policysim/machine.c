/*
 * machine.c - a model of what the memory server gives a replacement
 * policy, so that servers/mm/policy*.c run unchanged on the host.
 *
 * The model: `frames` frames, described by this file's mm_pages[] (all of
 * them one pool, limit = frames), a page table frame_of[] from virtual
 * page to frame and its inverse page_in[], and per frame an accessed and
 * a dirty bit. A reference that hits sets the frame's accessed bit (and
 * its dirty bit for a write), as the MMU does. A reference that misses
 * takes the next never-used frame or, with the pool full, asks the policy
 * for a victim, removes it, unmaps its page and admits the new frame -
 * the order reclaim.c follows. Whether the faulting reference sets the
 * new frame's accessed bit is a parameter: on x86 it does (the restarted
 * access sets it), in the textbook CLOCK of /work/shared/traces/README.md
 * a new block enters with its bit clear.
 *
 * policy_referenced() and policy_dirty() are the environment's side of
 * policy.h: the first reads and clears the accessed bit; the second reads
 * the dirty bit, which asking does not clear - as in reclaim.c, only
 * saving the contents would, and the model never saves them. The rest of
 * that side: a page's key is its virtual page + 1, the pool's capacity is
 * its frames, policy_frame_words[] and a history's memory come from the
 * C library. The pool's parameters are the choice's.
 * Invariants: page_in and frame_of are inverse on the mapped pages; the
 * pool holds exactly the used frames. Not modelled: several pools,
 * pinned frames, a refused victim (mm's failed evictions), the cost of
 * writing a dirty page back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "machine.h"

struct page *mm_pages;
pfn_t mm_max_pfn;
struct machine machine;
uint64_t *policy_frame_words;

static void *zalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p) {
		fprintf(stderr, "machine_init: out of memory\n");
		exit(2);
	}
	return p;
}

void machine_init(unsigned frames, unsigned vpages, const struct policy_choice *choice,
		  bool miss_sets_bit)
{
	struct machine *m = &machine;
	memset(m, 0, sizeof *m);
	m->frames = frames;
	m->vpages = vpages;
	m->pol = choice->policy;
	memcpy(m->pool.param, choice->param, sizeof m->pool.param);
	policy_frame_words = zalloc(frames, sizeof *policy_frame_words);
	m->miss_sets_bit = miss_sets_bit;
	mm_pages = zalloc(frames, sizeof *mm_pages);
	mm_max_pfn = frames;
	m->page_in = zalloc(frames, sizeof *m->page_in);
	m->accessed = zalloc(frames, sizeof *m->accessed);
	m->written = zalloc(frames, sizeof *m->written);
	m->frame_of = zalloc(vpages, sizeof *m->frame_of);
	for (unsigned i = 0; i < frames; i++) {
		mm_pages[i].next = mm_pages[i].prev = PAGE_LINK_NONE;
		m->page_in[i] = PAGE_LINK_NONE;
	}
	for (unsigned i = 0; i < vpages; i++)
		m->frame_of[i] = PAGE_LINK_NONE;
	m->pool.name = "sim";
	m->pool.limit = frames;
	m->pool.hand = PAGE_LINK_NONE;
	for (int l = 0; l < POLICY_LISTS; l++)
		m->pool.head[l] = PAGE_LINK_NONE;
}

/* The first frame of the lowest non-empty list. */
static pfn_t first_frame(const struct policy_pool *pool)
{
	for (int l = 0; l < POLICY_LISTS; l++)
		if (pool->head[l] != PAGE_LINK_NONE)
			return pool->head[l];
	return PFN_NONE;
}

void machine_fini(void)
{
	struct machine *m = &machine;
	while (m->pol && m->pool.pages)
		m->pol->remove(&m->pool, first_frame(&m->pool), POLICY_FREED);
	policy_ghost_release(&m->pool);
	free(policy_frame_words);
	policy_frame_words = NULL;
	free(mm_pages);
	free(m->page_in);
	free(m->accessed);
	free(m->written);
	free(m->frame_of);
	mm_pages = NULL;
	mm_max_pfn = 0;
	memset(m, 0, sizeof *m);
}

/* A frame for a new page: a never-used one, or the policy's victim. */
static pfn_t frame_for_miss(struct machine *m)
{
	if (m->used < m->frames)
		return m->used++;
	pfn_t pfn = m->pol->victim(&m->pool);
	if (pfn >= m->frames) {
		fprintf(stderr, "machine_reference: policy %s offered frame %lu of a full pool of %u\n",
			m->pol->name, (unsigned long)pfn, m->frames);
		exit(2);
	}
	m->pol->remove(&m->pool, pfn, POLICY_EVICTED);
	m->frame_of[m->page_in[pfn]] = PAGE_LINK_NONE;
	return pfn;
}

int machine_reference(unsigned vp, bool write)
{
	struct machine *m = &machine;
	if (vp >= m->vpages) {
		mm_bug("machine_reference: page %u beyond the model's %u", vp, m->vpages);
		return 0;
	}
	uint32_t pfn = m->frame_of[vp];
	if (pfn != PAGE_LINK_NONE) {
		m->accessed[pfn] = true;
		m->written[pfn] = m->written[pfn] || write;
		return 0;
	}
	pfn = (uint32_t)frame_for_miss(m);
	m->frame_of[vp] = pfn;
	m->page_in[pfn] = vp;
	m->accessed[pfn] = m->miss_sets_bit;
	m->written[pfn] = write;
	m->pol->admit(&m->pool, pfn);
	return 1;
}

bool policy_referenced(pfn_t pfn)
{
	struct machine *m = &machine;
	if (pfn >= m->frames || m->page_in[pfn] == PAGE_LINK_NONE) {
		mm_bug("policy_referenced: frame %lu holds no page", (unsigned long)pfn);
		return false;
	}
	bool was = m->accessed[pfn];
	m->accessed[pfn] = false;
	return was;
}

bool policy_dirty(pfn_t pfn)
{
	struct machine *m = &machine;
	if (pfn >= m->frames) {
		mm_bug("policy_dirty: frame %lu beyond the model's %u", (unsigned long)pfn, m->frames);
		return false;
	}
	return m->written[pfn];
}

uint64_t policy_page_key(pfn_t pfn)
{
	struct machine *m = &machine;
	if (pfn >= m->frames || m->page_in[pfn] == PAGE_LINK_NONE) {
		mm_bug("policy_page_key: frame %lu holds no page", (unsigned long)pfn);
		return 0;
	}
	return (uint64_t)m->page_in[pfn] + 1;
}

uint64_t policy_pool_capacity(const struct policy_pool *pool)
{
	return pool->limit;
}

void *policy_env_alloc(size_t bytes)
{
	return calloc(1, bytes);
}

void policy_env_free(void *ptr, size_t bytes)
{
	(void)bytes;
	free(ptr);
}
