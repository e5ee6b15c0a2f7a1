/*
 * policy_env.c - the memory server's side of the policy environment
 * (policy.h): what a replacement policy may learn about a frame, read
 * from the page table that maps it, as a kernel reads its hardware bits.
 *
 *   policy_referenced  the accessed bit of the mapping, read and cleared
 *                      (SYS_MM_ACCESSED); the hardware sets it again on
 *                      the next access.
 *   policy_dirty       the dirty bit of the mapping (SYS_MM_LOOKUP,
 *                      changing nothing).
 *
 * A private user page is found from its descriptor (owner = pid, index =
 * virtual address). A frame mapped nowhere this code can see (a shared
 * object's page, whose mappings are in the object's reverse map) counts
 * as unreferenced and dirty: the safe answers, since a policy then only
 * gives it up after writing it. The host tests and the simulator supply
 * their own model instead of this file.
 *
 * Not supported yet: a swap cache's notion of "saved since the last
 * write" (a page read back from swap and not written is clean though its
 * dirty bit was cleared by the unmap); swap.c refines policy_dirty then.
 */
#include "policy.h"
#include "kcall.h"

/* The mapping of a private user page: its pid and address. */
static bool mapping_of(pfn_t pfn, int *pid, vaddr_t *va)
{
	const struct page *pg = pfn_to_page(pfn);
	if (!pfn_valid(pfn) || pg->use != PAGE_USE_USER || pg->owner == PAGE_OWNER_MM)
		return false;
	*pid = (int)pg->owner;
	*va = pg->index;
	return true;
}

bool policy_referenced(pfn_t pfn)
{
	int pid;
	vaddr_t va;
	if (!mapping_of(pfn, &pid, &va))
		return false;
	int64_t bits = kcall_accessed(pid, va, 1);
	return bits > 0 && (bits & 1);
}

bool policy_dirty(pfn_t pfn)
{
	int pid;
	vaddr_t va;
	if (!mapping_of(pfn, &pid, &va))
		return true;
	int64_t pte = kcall_lookup(pid, va);
	return pte < 0 || (pte & MM_PTE_DIRTY);
}
