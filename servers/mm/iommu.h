/*
 * iommu.h - the memory server's side of the IOMMU (iommu.c): translation
 * turned on at start-up, and the kernel's DMA fault reports heard.
 */
#ifndef MM_IOMMU_H
#define MM_IOMMU_H

#include <pagoda/ipc.h>

/* At start-up, once the allocators run: if the kernel found an IOMMU and
 * was not booted with iommu=off, give it a root table and turn
 * translation on. One console line says which. */
void mm_iommu_start(void);

/* An MM_IOMMU_FAULT report from the kernel: counted, and logged (at most
 * IOMMU_LOG_LINES lines in detail, then a summary every
 * IOMMU_SUMMARY_EVERY faults). */
void mm_handle_iommu_fault(const struct ipc_msg *m);

#define IOMMU_LOG_LINES     32
#define IOMMU_SUMMARY_EVERY 256

#endif
