/*
 * vtd.h - the VT-d remapping units as the kernel drives them, shared by
 * vtd_boot.c (finding and reporting them), vtd.c (translation and
 * invalidation: the iommu.h operations) and vtd_fault.c (the fault
 * interrupt). The portable kernel sees only kernel/iommu.h.
 */
#ifndef ARCH_VTD_H
#define ARCH_VTD_H

#include <pagoda/types.h>
#include "arch/x86_64/dmar.h"
#include "arch/x86_64/vtd_regs.h"
#include "arch/x86_64/vtd_table.h"
#include "arch/x86_64/x86.h"

struct vtd_unit {
	volatile uint8_t *regs;     /* the register page, through the (uncached) physmap */
	paddr_t base;
	uint32_t ver;
	uint64_t cap, ecap;
	unsigned iva;               /* offset of IVA; the IOTLB register follows it */
	unsigned frcd, nfr;         /* fault-recording registers: offset and count */
	uint32_t gcmd;              /* the persistent GCMD bits this kernel set (TE) */
};

/* The one state of the IOMMU code (no allocator: it is all static). */
struct vtd_state {
	struct dmar_info dmar;      /* what ACPI listed */
	struct vtd_unit units[DMAR_UNITS_MAX];
	unsigned nunits;            /* units in use: all of dmar's, or none */
	bool off;                   /* booted with iommu=off */
	bool quiet;                 /* booted quiet: report only problems */
	bool enabled;               /* translation is on */
	struct vtd_tables tables;
};
extern struct vtd_state vtd;

static inline uint32_t vtd_rd32(const struct vtd_unit *u, unsigned off) { return mmio_read32(u->regs + off); }
static inline uint64_t vtd_rd64(const struct vtd_unit *u, unsigned off) { return mmio_read64(u->regs + off); }
static inline void vtd_wr32(const struct vtd_unit *u, unsigned off, uint32_t v) { mmio_write32(u->regs + off, v); }
static inline void vtd_wr64(const struct vtd_unit *u, unsigned off, uint64_t v) { mmio_write64(u->regs + off, v); }

/* vtd_boot.c: the units from ACPI, checked and reported (iommu_init),
 * and what it reports, unless quiet. */
void vtd_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* vtd_fault.c */
void vtd_fault_init(const struct vtd_unit *u);
void vtd_fault_irq(void);           /* trap.c, on T_IOMMU_FAULT */
void vtd_fault_counts(uint64_t *faults, uint64_t *lost, uint64_t *overflows);

#endif
