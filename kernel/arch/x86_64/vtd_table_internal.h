/*
 * vtd_table_internal.h - what vtd_table.c (the structures) and
 * vtd_check.c (their invariants) share: the table geometry and the
 * views of a frame as a table. Nothing else includes it.
 */
#ifndef ARCH_VTD_TABLE_INTERNAL_H
#define ARCH_VTD_TABLE_INTERNAL_H

#include "arch/x86_64/mmu.h"
#include "arch/x86_64/vtd_regs.h"
#include "arch/x86_64/vtd_table.h"

#define ENTRIES_16  256                 /* 16-byte entries in a root or context table */
#define SL_ENTRIES  512                 /* 8-byte entries in a second-level table */
#define SL_SHIFT(l) (12 + 9 * ((l) - 1))
#define SL_INDEX(l, iova) (((iova) >> SL_SHIFT(l)) & (SL_ENTRIES - 1))
#define LEAF_SPAN   (1ULL << SL_SHIFT(2))   /* the IOVAs of one leaf table: 2 MiB */

/* A root or context entry. */
struct entry128 {
	uint64_t lo, hi;
};

static inline uint64_t *sl_table(paddr_t pa)
{
	return phys_to_virt(pa & SL_ADDR);
}

static inline struct entry128 *table16(paddr_t pa)
{
	return phys_to_virt(pa & SL_ADDR);
}

static inline bool sl_empty(const uint64_t *tab)
{
	for (unsigned i = 0; i < SL_ENTRIES; i++)
		if (tab[i] & (SL_R | SL_W))
			return false;
	return true;
}

static inline bool id_ok(const struct vtd_tables *t, uint64_t dom)
{
	return dom >= 1 && dom < t->ndomains;
}

#endif
