/*
 * kcall_iommu_stub.h - a model of the kernel's IOMMU calls
 * (SYS_MM_IOMMU_DOMAIN, _MAP, _UNMAP: kcall_iommu_* of servers/mm/kcall.h)
 * for host tests of mm's IOMMU policy (servers/mm/iommu_domain.c).
 *
 * Per domain the model keeps its root, the devices attached, its
 * mappings (IOVA page -> frame, rights) and its tables below the root
 * (one leaf table per 2 MiB span, one level-2 table per 1 GiB, as the
 * 3-level VT-d tables): a map uses spares for the tables it lacks, an
 * unmap hands back the tables it leaves empty, leaf first. Each bus gets
 * a context table from the first ATTACH with a spare. Arguments are
 * checked in the kernel's order and nothing changes on an error.
 * stub_iommu_dma plays a device: what would its DMA reach?
 */
#ifndef KCALL_IOMMU_STUB_H
#define KCALL_IOMMU_STUB_H

#include <pagoda/types.h>

#define STUB_IOMMU_DOMAINS 64       /* ids 1..63, as QEMU's unit offers here */
#define STUB_IOVA_BITS     39

void stub_iommu_reset(void);
/* Calls made to kcall_iommu_domain/_map/_unmap, successful or not. */
unsigned stub_iommu_calls(void);
/* The next iommu call after skip successful ones fails with err. */
void stub_iommu_fail(unsigned skip, int err);
bool stub_iommu_domain_exists(unsigned dom);
int stub_iommu_attached(uint16_t bdf);      /* its domain, 0: none */
uint64_t stub_iommu_mapped(unsigned dom);   /* pages */
uint64_t stub_iommu_tables(unsigned dom);   /* tables below the root */
uint64_t stub_iommu_mapped_total(void);
/* Device bdf's DMA at iova: 0 and *pa if its domain maps it with the
 * rights (write or read); else MM_IOMMU_REASON_* (no domain, not
 * mapped, not writable). */
int stub_iommu_dma(uint16_t bdf, uint64_t iova, bool write, paddr_t *pa);

#endif
