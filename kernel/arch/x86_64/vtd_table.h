/*
 * vtd_table.h - the VT-d translation structures in memory: the root
 * table, the context tables and each domain's second-level page tables
 * (vtd_table.c). Pure code: no register is touched here (the caller,
 * vtd.c, invalidates the hardware's caches after each change), so the
 * host tests run it on ordinary memory.
 *
 * Every operation checks all its arguments first and returns -ERR_x
 * without changing anything when one is refused; frames are the memory
 * server's, already checked to be RAM it manages (kernel/iommucall.c).
 */
#ifndef ARCH_VTD_TABLE_H
#define ARCH_VTD_TABLE_H

#include <pagoda/types.h>
#include <pagoda/syscall.h>     /* struct mm_map_run, MM_MAP_SPARES */
#include "frameset.h"
#include "pagetable.h"          /* struct frame_supply */

#define VTD_DOMAINS   64        /* domain ids 1 .. 63; 0 is never used */
#define VTD_BDF_MAX   0xffffu   /* source ids are 16 bits (iommu.h's IOMMU_BDF_MAX) */

struct vtd_domain {
	paddr_t root;           /* second-level root table; PADDR_NONE: no such domain */
	unsigned devices;       /* context entries naming this domain */
	uint64_t pages;         /* leaf entries present */
	unsigned tables;        /* second-level tables below the root */
};

struct vtd_tables {
	paddr_t root;           /* the root table; PADDR_NONE until translation is on */
	unsigned levels;        /* second-level levels: 3 (39-bit AGAW) or 4 (48-bit) */
	unsigned iova_bits;     /* IOVAs lie below 1 << iova_bits */
	unsigned ndomains;      /* ids 1 .. ndomains - 1 */
	bool coherent;          /* the hardware snoops the CPU caches: no clflush */
	unsigned contexts;      /* context tables (one per bus in use) */
	uint64_t mapped;        /* leaf entries, all domains */
	struct vtd_domain dom[VTD_DOMAINS];
	struct frameset frames; /* every table frame and every mapped frame */
};

void vtd_tables_init(struct vtd_tables *t, unsigned levels, unsigned iova_bits,
		     unsigned ndomains, bool coherent);
/* The root table (SYS_MM_IOMMU_ENABLE): zeroed and held. ERR_BUSY, ERR_INVAL. */
int vtd_tables_set_root(struct vtd_tables *t, paddr_t root);

/* SYS_MM_IOMMU_DOMAIN's operations and SYS_MM_IOMMU_MAP / _UNMAP, as
 * pagoda/syscall.h describes them (coverage of bdf is the caller's). */
int vtd_domain_create(struct vtd_tables *t, uint64_t dom, paddr_t root);
int vtd_domain_destroy(struct vtd_tables *t, uint64_t dom);
int vtd_attach(struct vtd_tables *t, uint64_t dom, unsigned bdf, paddr_t spare);
int vtd_detach(struct vtd_tables *t, uint64_t dom, unsigned bdf);
int vtd_map(struct vtd_tables *t, uint64_t dom, const struct mm_map_run *run,
	    struct frame_supply *spares);
int vtd_unmap(struct vtd_tables *t, uint64_t dom, uint64_t iova, uint64_t npages,
	      paddr_t out[MM_MAP_SPARES]);

/* What device bdf reaches at iova, walking the tables as the hardware
 * does: true with the frame and whether it may write, or false. */
bool vtd_translate(const struct vtd_tables *t, unsigned bdf, uint64_t iova, paddr_t *pa,
		   bool *write);

/* Walk every structure and check the invariants of vtd_table.c (panics
 * on a broken one). */
void vtd_tables_check(const struct vtd_tables *t);

#endif
