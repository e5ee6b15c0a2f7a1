/*
 * bounce.c - bounce buffers: memory a device can reach, standing in for
 * memory it cannot (docs/dma.md).
 *
 * A streaming mapping (dma_stream.c) hands a device the bus addresses of
 * a process's own pages. A page whose frame lies above the device's DMA
 * mask is out of its reach - edu has 28 address bits, so with 512 MiB of
 * RAM half the frames are - and so, with the boot option bounce=force
 * (mm_config.bounce_force, options.c; Linux's swiotlb=force), is every
 * page. For such a page the device is given a bounce page
 * instead: a frame below the mask (dma_frames_alloc), and mm copies the
 * buffer's bytes between the two in the direction the data flows:
 *
 *                     to the device (TO, BIDIR)   from it (FROM, BIDIR)
 *   MM_DMA_MAP        buffer -> bounce            -
 *   sync for device   buffer -> bounce            -
 *   sync for cpu      -                           bounce -> buffer
 *   MM_DMA_UNMAP      -                           bounce -> buffer
 *
 * Only the buffer's own bytes are copied, never the rest of a page it
 * shares with other data: copying those back after the device wrote
 * could undo what the CPU wrote there meanwhile. Bounce pages are zeroed
 * when allocated, so a device that reads a FROM_DEVICE mapping sees
 * zeros, never someone else's data.
 *
 * Copies go through mm's window on physical memory (mm_phys_to_virt):
 * the process's pages are pinned, so mm knows their frames. A copy into a
 * process's page does not set the page-table dirty bit, and neither does
 * a device's write into an unbounced page: dma_stream.c marks such pages
 * PG_DIRTY, or a clean copy on swap would be taken for the truth.
 *
 * Differences from Linux's swiotlb (kernel/dma/swiotlb.c): swiotlb
 * reserves one pool at boot (64 MiB in 2 KiB slots, below 4 GiB) and
 * carves slots from it; here each bounce buffer is a run of frames from
 * the buddy allocator, below exactly this device's mask, so a map can fail
 * with ERR_NOMEM where swiotlb would report "buffer is full". Since Linux
 * 5.19 swiotlb also copies the buffer into the slot at map time for
 * FROM_DEVICE (so a device that writes less leaves the rest as it was);
 * here a FROM_DEVICE bounce starts zeroed, the textbook table above.
 *
 * Counters (bounce_stats, MM_DMA_INFO): bounce pages in use, mappings
 * made and bounced, bounce pages handed out, bytes copied each way.
 */
#include <string.h>
#include "dma.h"

struct bounce_stats bounce_stats;

pfn_t bounce_alloc(uint64_t npages, unsigned mask_bits, const void *object)
{
	pfn_t pfn = dma_frames_alloc(npages, mask_bits, object);
	if (pfn != PFN_NONE)
		bounce_stats.pages += npages;
	return pfn;
}

void bounce_free(pfn_t pfn, uint64_t npages)
{
	dma_frames_free(pfn, npages);
	bounce_stats.pages -= npages;
}

void bounce_to_device(pfn_t bounce, pfn_t page, uint64_t off, uint64_t len)
{
	memcpy((uint8_t *)pfn_to_virt(bounce) + off, (const uint8_t *)pfn_to_virt(page) + off, len);
	bounce_stats.bytes_to_device += len;
}

void bounce_from_device(pfn_t bounce, pfn_t page, uint64_t off, uint64_t len)
{
	memcpy((uint8_t *)pfn_to_virt(page) + off, (const uint8_t *)pfn_to_virt(bounce) + off, len);
	bounce_stats.bytes_from_device += len;
}
