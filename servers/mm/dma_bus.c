/*
 * dma_bus.c - the bus address a device is given for a frame: the one
 * place that decides what a device sees (docs/dma.md).
 *
 * Without an IOMMU a device reaches memory at its physical address, so a
 * bus address is the frame's physical address, and a frame is within a
 * device's reach when its last byte lies at or below the device's DMA
 * mask (mask = 2^bits - 1: a device with a 28-bit mask drives 28 address
 * lines, and QEMU's edu silently ANDs the rest away). Grants are
 * allocated below the mask (dma_frames.c), so they are always reachable;
 * a streaming mapping asks about each page and bounces the ones out of
 * reach (bounce.c).
 *
 * With an IOMMU (issue 11) this file is what changes: dma_bus_map then
 * picks an I/O virtual address below the mask from the device's own
 * space and maps the frames there in the device's IOMMU tables, so every
 * frame is reachable and nothing bounces; dma_bus_unmap clears those
 * entries (and invalidates the IOTLB) before the frames may be freed.
 * Callers already pair the two calls and never assume bus == physical.
 *
 * Linux: dma_direct_map_page (phys_to_dma, then dma_capable() against
 * the mask; swiotlb when that fails) and, with an IOMMU, iommu_dma_map_page.
 */
#include "dma.h"

uint64_t dma_mask_of(unsigned bits)
{
	return bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
}

bool dma_mask_valid(uint64_t bits)
{
	return bits >= MM_DMA_MASK_MIN && bits <= 64;
}

paddr_t dma_bus_map(uint32_t bdf, pfn_t pfn, uint64_t npages, unsigned mask_bits)
{
	(void)bdf;                      /* one bus address space without an IOMMU */
	paddr_t last = pfn_to_pa(pfn + npages) - 1;
	return last <= dma_mask_of(mask_bits) ? pfn_to_pa(pfn) : PADDR_NONE;
}

void dma_bus_unmap(uint32_t bdf, paddr_t bus, uint64_t npages)
{
	(void)bdf;                      /* nothing was mapped: bus == physical */
	(void)bus;
	(void)npages;
}
