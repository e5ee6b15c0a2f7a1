/*
 * iommu.c - the memory server's side of the IOMMU (docs/iommu.md).
 *
 * mm is the policy: it decides whether translation is on, which device
 * is in which domain and what each domain maps; the kernel only builds
 * the tables from frames mm gives it and keeps the hardware's caches
 * honest (kernel/iommucall.c, kernel/arch/x86_64/vtd*.c). This file holds
 * the start-up; the policy is in iommu_domain.c (a domain per device,
 * built from its grants) and iommu_fault.c (faults and what they cost the
 * driver):
 *
 *   start-up   if the kernel found an IOMMU (SYS_MM_IOMMU_INFO) and was
 *              not booted with iommu=off, one frame becomes the root table
 *              and translation goes on (SYS_MM_IOMMU_ENABLE). From then on
 *              a device reaches only what a domain of it maps - and no
 *              device is in a domain yet, so none reaches memory at all.
 *              The root frame is never freed (translation stays on until
 *              power-off).
 */
#include <stdio.h>
#include <pagoda/mm.h>
#include "mm.h"
#include "buddy.h"
#include "kcall.h"
#include "iommu.h"
#include "iommu_domain.h"

void mm_iommu_start(void)
{
	struct mm_iommu_info info;
	if (kcall_iommu_info(&info) < 0 || !(info.flags & MM_IOMMU_PRESENT)) {
		printf("mm: iommu: none; DMA is not isolated\n");
		return;
	}
	if (info.flags & MM_IOMMU_OFF) {
		printf("mm: iommu: translation left off (iommu=off); DMA is not isolated\n");
		return;
	}
	pfn_t root = buddy_alloc(0, MM_ZERO);
	int err = root == PFN_NONE ? -ERR_NOMEM : kcall_iommu_enable(pfn_to_pa(root));
	if (err < 0) {
		if (root != PFN_NONE)
			buddy_free(root, 0);
		printf("mm: iommu: cannot turn translation on: %s\n", pagoda_strerror(err));
		return;
	}
	iommu_domains_init(&info);
	printf("mm: iommu: translation on (%u-level tables, IOVAs below 2^%u, domains 1..%u); "
	       "no device has a domain yet, so none reaches memory\n", info.levels,
	       info.iova_bits, info.domains - 1);
}
