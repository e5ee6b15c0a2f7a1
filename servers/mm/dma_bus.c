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
 * With the IOMMU on (iommu_domain.c, docs/iommu.md) a bus address is an
 * I/O virtual address: dma_bus_map has iommu_bus_map pick one below the
 * mask from the device's own space and map the frames there in the
 * device's domain, so every frame is reachable and nothing ever bounces
 * for mask reasons (bounce=force still bounces, to be watched);
 * dma_bus_unmap has the kernel clear those entries and invalidate the
 * IOTLB before it returns - only then may the caller free the frames,
 * and buddy_free refuses a frame a device can still reach (PG_IOMAPPED).
 * Callers pair the two calls and never assume bus == physical.
 *
 * Linux: dma_direct_map_page (phys_to_dma, then dma_capable() against
 * the mask; swiotlb when that fails) and, with an IOMMU, iommu_dma_map_page.
 */
#include "dma.h"
#include "iommu_domain.h"

uint64_t dma_mask_of(unsigned bits)
{
	return bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
}

bool dma_mask_valid(uint64_t bits)
{
	return bits >= MM_DMA_MASK_MIN && bits <= 64;
}

paddr_t dma_bus_map(uint32_t bdf, pfn_t pfn, uint64_t npages, unsigned mask_bits, uint64_t id)
{
	if (iommu_domains_on()) {
		uint64_t iova;
		return iommu_bus_map((uint16_t)bdf, pfn, npages, mask_bits, id, &iova) == 0 ? iova
											 : PADDR_NONE;
	}
	paddr_t last = pfn_to_pa(pfn + npages) - 1;   /* one bus address space: physical */
	return last <= dma_mask_of(mask_bits) ? pfn_to_pa(pfn) : PADDR_NONE;
}

void dma_bus_unmap(uint32_t bdf, paddr_t bus, uint64_t npages)
{
	/* Without an IOMMU nothing was mapped. With one, a driver's exit has
	 * torn the domain down already (iommu_proc_exit: ERR_NOENT here). */
	if (iommu_domains_on())
		iommu_unmap((uint16_t)bdf, bus, npages);
}
