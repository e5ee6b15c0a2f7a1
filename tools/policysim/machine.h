/*
 * machine.h - the machine a replacement policy sees, as a model: a pool
 * of frames (mm_pages[]), a page table from virtual page to frame, and
 * the hardware's accessed and dirty bits (machine.c). The simulator and
 * tests/host/test_policy.c page reference strings through it.
 */
#ifndef POLICYSIM_MACHINE_H
#define POLICYSIM_MACHINE_H

#include <pagoda/types.h>
#include "policy.h"

struct machine {
	unsigned frames;            /* frames in the pool: mm_max_pfn */
	unsigned vpages;            /* virtual pages 0 .. vpages-1 */
	uint32_t *frame_of;         /* the page table: PAGE_LINK_NONE if absent */
	uint32_t *page_in;          /* the reverse map: PAGE_LINK_NONE if free */
	bool *accessed, *written;   /* the hardware's bits, per frame */
	unsigned used;              /* frames handed out so far */
	bool miss_sets_bit;         /* the faulting access sets the bit too */
	const struct mm_policy *pol;
	struct policy_pool pool;
};

/* The one machine (policy_referenced() has no argument to name another). */
extern struct machine machine;

/* An empty machine of `frames` frames and `vpages` virtual pages run by
 * choice (a policy and its parameters); miss_sets_bit as the hardware does (true) or the README's
 * textbook CLOCK does (false). Exits on out-of-memory. */
void machine_init(unsigned frames, unsigned vpages, const struct policy_choice *choice,
		  bool miss_sets_bit);
/* Empty the pool through the policy's remove and free the arrays. */
void machine_fini(void);
/* Reference virtual page vp (a write if write): 1 on a fault, else 0. */
int machine_reference(unsigned vp, bool write);

#endif
