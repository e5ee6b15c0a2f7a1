/*
 * pagoda/types.h - the basic units of the Pagoda ABI.
 *
 * Distinct names for distinct units, shared by the kernel, the servers, the
 * user programs and the host tests:
 *   paddr_t  a physical byte address
 *   vaddr_t  a virtual byte address (in some address space)
 *   pfn_t    a physical frame number (paddr >> PAGE_SHIFT)
 *   order    log2 of a block size in pages (an unsigned int)
 *
 * Frame 0 is a real frame, so "no frame" is PFN_NONE and "no physical
 * address" is PADDR_NONE, never 0; both lie beyond any frame.
 * These are plain integer typedefs: the names document intent, and the
 * conversion helpers below are the only places that shift between units.
 */
#ifndef PAGODA_TYPES_H
#define PAGODA_TYPES_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

typedef uint64_t paddr_t;
typedef uint64_t vaddr_t;
typedef uint64_t pfn_t;

#define PAGE_SHIFT 12
#define PAGE_SIZE  ((uint64_t)1 << PAGE_SHIFT)
#define PAGE_MASK  (~(PAGE_SIZE - 1))

#define PFN_NONE   ((pfn_t)~0ULL)
#define PADDR_NONE ((paddr_t)~0ULL)   /* "no address": beyond every frame */

static inline pfn_t   pa_to_pfn(paddr_t pa) { return pa >> PAGE_SHIFT; }
static inline paddr_t pfn_to_pa(pfn_t pfn)  { return pfn << PAGE_SHIFT; }

static inline uint64_t page_round_up(uint64_t x)
{
	return (x + PAGE_SIZE - 1) & PAGE_MASK;
}

static inline uint64_t page_round_down(uint64_t x)
{
	return x & PAGE_MASK;
}

#endif
