/*
 * iommu.h - the memory server's side of the IOMMU (iommu.c): translation
 * turned on at start-up.
 */
#ifndef MM_IOMMU_H
#define MM_IOMMU_H

#include <pagoda/ipc.h>

/* At start-up, once the allocators run: if the kernel found an IOMMU and
 * was not booted with iommu=off, give it a root table and turn
 * translation on. One console line says which. */
void mm_iommu_start(void);

/* The policy - domains, faults - is iommu_domain.h's. */
#include "iommu_domain.h"

#endif
