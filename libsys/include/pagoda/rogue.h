/*
 * pagoda/rogue.h - the protocol of the rogue driver
 * (servers/drivers/rogue/), the DMA-isolation demo's hostile driver
 * (docs/labs/dma.md).
 *
 * The rogue drives a second edu device (00:05.0 in the demo machine) and
 * does what no driver should: it points the device's DMA engine at
 * memory that was never granted to it. Its client is `victim`, which
 * holds a page with a known pattern, finds the rogue with
 * MM_DEV_OPEN(EDU_VENDOR, EDU_DEVICE, 1) (the second edu) and asks it to
 * attack. The rogue learns where its targets are from the memory server's
 * teaching aid MM_DEMO_PADDR (pagoda/mm.h; only with mm's `demo` option).
 * Requests are CALLs; unknown tags get ERR_NOSYS; tag 0 is every driver's
 * DEV_DRIVER_HELLO.
 */
#ifndef PAGODA_ROGUE_H
#define PAGODA_ROGUE_H

enum rogue_request {
	/* w0 = the target, MM_DEMO_VICTIM / _MM / _PAGETABLE / _KERNEL
	 * (pagoda/mm.h); w1 = a page address of the caller (VICTIM: the page
	 * to hit; the other targets are found from the caller's pid too);
	 * w2 = how many DMAs (1 .. ROGUE_DMAS_MAX; more than one: a storm).
	 * VICTIM, MM and PAGETABLE are device-to-memory writes of
	 * ROGUE_DMA_LEN bytes from the device's buffer; KERNEL is a
	 * memory-to-device read of the kernel image. -> tag = 0, w0 = the
	 * physical address aimed at, w1 = DMAs completed. ERR_INVAL (target,
	 * count), ERR_PERM (mm has no `demo` option), ERR_NOENT (w1 is not
	 * a mapped page of the caller). With the IOMMU on and mm's default
	 * policy the rogue is killed at its first fault: the CALL then ends
	 * with ERR_DEAD. */
	ROGUE_ATTACK = 1,
	ROGUE__REQUESTS
};

/* ROGUE_ATTACK's targets that are the rogue's own DMA grant (w0; w1 is
 * ignored): each allocates a two-page grant (MM_DMA_ALLOC, 32-bit mask)
 * and first does a legitimate round trip through it (page 0 -> the
 * device's buffer -> page 1, compared byte for byte, which also leaves
 * page 1's translation in the IOMMU's IOTLB). Then:
 *   OWN_GRANT    nothing more; the grant is freed;
 *   PAST_GRANT   a device write just past the grant's end (bus + 8 KiB),
 *                then the grant is freed;
 *   FREED_GRANT  the grant is freed (MM_DMA_FREE: unmapped, the IOTLB
 *                invalidated, the frames freed), then a device write to
 *                its page 1's bus address - blocked only if the IOTLB
 *                entry was invalidated.
 * -> w0 = the bus address aimed at (OWN_GRANT: the grant's), w1 = 1,
 * tag = 0, or ERR_BUG if the round trip did not compare equal. Aim these
 * with the IOMMU on only: with it off, "past the grant" is someone
 * else's memory. */
#define ROGUE_TARGET_OWN_GRANT   10
#define ROGUE_TARGET_PAST_GRANT  11
#define ROGUE_TARGET_FREED_GRANT 12

#define ROGUE_DMAS_MAX 2000
#define ROGUE_DMA_LEN  256      /* bytes one DMA moves (the buffer side stays
				   below 0x41000: QEMU 7.2's off-by-one) */

#endif
