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
 * Which pages bounce (bounce_assign, step 3 of MM_DMA_MAP): each pinned
 * frame asks dma_bus.c for its bus address; PADDR_NONE (out of reach),
 * or bounce=force, gets a bounce page of its own (bounce_page). With
 * MM_DMA_CONTIG the device takes one segment: when the pages' bus
 * addresses are not consecutive, or any must bounce, the whole buffer
 * bounces into one contiguous run (bounce_run), page i into run + i, so
 * offsets within pages stay the same. bounce_release gives the bus
 * addresses and bounce pages back.
 *
 * Counters (bounce_stats, MM_DMA_INFO): bounce pages in use, mappings
 * made and bounced, bounce pages handed out, bytes copied each way.
 */
#include <string.h>
#include "dma.h"
#include "config.h"

struct bounce_stats bounce_stats;

static pfn_t bounce_alloc(uint64_t npages, unsigned mask_bits, const void *object)
{
	pfn_t pfn = dma_frames_alloc(npages, mask_bits, object);
	if (pfn != PFN_NONE)
		bounce_stats.pages += npages;
	return pfn;
}

static void bounce_free(pfn_t pfn, uint64_t npages)
{
	dma_frames_free(pfn, npages);
	bounce_stats.pages -= npages;
}

static void bounce_to_device(pfn_t bounce, pfn_t page, uint64_t off, uint64_t len)
{
	memcpy((uint8_t *)pfn_to_virt(bounce) + off, (const uint8_t *)pfn_to_virt(page) + off, len);
	bounce_stats.bytes_to_device += len;
}

static void bounce_from_device(pfn_t bounce, pfn_t page, uint64_t off, uint64_t len)
{
	memcpy((uint8_t *)pfn_to_virt(page) + off, (const uint8_t *)pfn_to_virt(bounce) + off, len);
	bounce_stats.bytes_from_device += len;
}

/* ---- a mapping's bus addresses ------------------------------------------------ */

static bool bus_contiguous(const struct dma_stream *s)
{
	for (uint64_t i = 0; i < s->npages; i++)
		if (s->pages[i].bus == PADDR_NONE ||
		    (i > 0 && s->pages[i].bus != s->pages[i - 1].bus + PAGE_SIZE))
			return false;
	return true;
}

static void unmap_bus(struct dma_stream *s)
{
	for (uint64_t i = 0; i < s->npages; i++)
		if (s->pages[i].bus != PADDR_NONE) {
			dma_bus_unmap(s->bdf, s->pages[i].bus, 1);
			s->pages[i].bus = PADDR_NONE;
		}
}

/* MM_DMA_CONTIG and not reachable as one segment: one bounce run. */
static int bounce_run(struct dma_stream *s)
{
	unmap_bus(s);
	s->run = bounce_alloc(s->npages, s->mask_bits, s);
	if (s->run == PFN_NONE)
		return -ERR_NOMEM;
	paddr_t bus = dma_bus_map(s->bdf, s->run, s->npages, s->mask_bits, 0);
	for (uint64_t i = 0; i < s->npages; i++) {
		s->pages[i].bounce = s->run + i;
		s->pages[i].bus = bus == PADDR_NONE ? PADDR_NONE : bus + (i << PAGE_SHIFT);
	}
	s->bounced = s->npages;
	return bus == PADDR_NONE ? -ERR_BUG : 0;
}

/* Page i is out of reach: a bounce page of its own. */
static int bounce_page(struct dma_stream *s, uint64_t i)
{
	struct stream_page *sp = &s->pages[i];
	sp->bounce = bounce_alloc(1, s->mask_bits, s);
	if (sp->bounce == PFN_NONE)
		return -ERR_NOMEM;
	s->bounced++;
	sp->bus = dma_bus_map(s->bdf, sp->bounce, 1, s->mask_bits, 0);
	return sp->bus == PADDR_NONE ? -ERR_BUG : 0;
}

int bounce_assign(struct dma_stream *s)
{
	for (uint64_t i = 0; i < s->npages; i++)
		s->pages[i].bus = mm_config.bounce_force ? PADDR_NONE
					       : dma_bus_map(s->bdf, s->pages[i].frame, 1, s->mask_bits, 0);
	if ((s->dir & MM_DMA_CONTIG) && !bus_contiguous(s))
		return bounce_run(s);
	for (uint64_t i = 0; i < s->npages; i++) {
		int err = s->pages[i].bus == PADDR_NONE ? bounce_page(s, i) : 0;
		if (err < 0)
			return err;
	}
	return 0;
}

void bounce_release(struct dma_stream *s)
{
	unmap_bus(s);
	if (s->run != PFN_NONE)
		bounce_free(s->run, s->npages);
	for (uint64_t i = 0; s->run == PFN_NONE && i < s->npages; i++)
		if (s->pages[i].bounce != PFN_NONE)
			bounce_free(s->pages[i].bounce, 1);
}

uint64_t bounce_copy(struct dma_stream *s, bool to_device)
{
	uint64_t bytes = 0;
	for (uint64_t i = 0; i < s->npages; i++) {
		uint64_t off, len;
		if (s->pages[i].bounce == PFN_NONE)
			continue;
		dma_stream_span(s, i, &off, &len);
		if (to_device)
			bounce_to_device(s->pages[i].bounce, s->pages[i].frame, off, len);
		else
			bounce_from_device(s->pages[i].bounce, s->pages[i].frame, off, len);
		bytes += len;
	}
	return bytes;
}
