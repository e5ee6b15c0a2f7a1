/*
 * pagoda/edu.h - the protocol of the edu driver (servers/drivers/edu/),
 * the user-space driver of QEMU's educational PCI device (1234:11e8).
 *
 * A client finds the driver with MM_DEV_OPEN(EDU_VENDOR, EDU_DEVICE, 0)
 * (pagoda/mm.h, mm_dev_open in pagoda/sys.h), which also lets it send to
 * the driver; without that, a SEND or CALL to the driver is refused by
 * the kernel (ERR_PERM). Requests are CALLs; the reply's tag is the
 * result (>= 0, or -ERR_x) and its words the values listed. Unknown tags
 * get ERR_NOSYS. The driver serves one request at a time: a factorial
 * holds the others back until its interrupt has come. Tag 0 is every
 * driver's DEV_DRIVER_HELLO (pagoda/dev.h).
 *
 * Requests 0x100 .. 0x1ff are the DMA engine's (EDU_DMA_*,
 * servers/drivers/edu/dma.c).
 */
#ifndef PAGODA_EDU_H
#define PAGODA_EDU_H

#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8

enum edu_request {
	/* w0 = n (0 .. EDU_FACTORIAL_MAX): the device's factorial unit
	 * computes n!, and says so with an interrupt (status bit 0x80), which
	 * the driver waits for. -> tag = 0, w0 = n!, w1 = interrupts the
	 * driver has handled since it started (this one included).
	 * ERR_INVAL (n too large: n! would not fit the unit's 32 bits). */
	EDU_FACTORIAL = 1,
	/* w0 = a 32-bit value: written to the liveness register, which
	 * gives back its complement. -> tag = 0, w0 = the value read back,
	 * w1 = 1 if it is the complement of w0, else 0. ERR_INVAL (w0 wider
	 * than 32 bits). */
	EDU_LIVENESS = 2,
	/* -> tag = 0, w0 = the identification register (0xRRrr00ed: major,
	 * minor version, 0xed), w1 = the device's bdf, w2 = the CPU vector of
	 * its interrupt. */
	EDU_IDENTIFY = 3,
	/* A benchmark probe: the driver raises the device's interrupt by
	 * software (register 0x60) and waits for its notification.
	 * -> tag = 0, w0 = rdtsc ticks from just before the raise to the
	 * notification in hand (guest instructions under -icount shift=0). */
	EDU_IRQ_LATENCY = 4,

	EDU_DMA_FIRST = 0x100,  /* .. EDU_DMA_LAST: the DMA engine's requests */

	/* The DMA engine (servers/drivers/edu/dma.c, docs/dma.md): it copies
	 * between RAM, at a bus address, and the device's own 4 KiB buffer,
	 * and raises an interrupt when done (after 100 ms of virtual time).
	 * The driver gets its RAM from the memory server: grants, a DMA pool
	 * and streaming mappings (pagoda/dma.h). */
	/* w0 = size (1 .. EDU_DMA_MAX), w1 = mask bits (0: the device's own,
	 * EDU_DMA_MASK_BITS; else MM_DMA_MASK_MIN .. EDU_DMA_MASK_BITS: a
	 * grant can be asked below what the device reaches, never above): a
	 * grant of the driver's, shared read-write with the caller, for the
	 * caller's data. -> tag = 0, w0 = its address in the caller, w1 = its
	 * bus address, w2 = the zone of its frames (0 DMA, 1 DMA32, 2
	 * NORMAL), w3 = a handle for EDU_DMA_ROUNDTRIP and EDU_DMA_RELEASE,
	 * w4 = pages. ERR_INVAL, ERR_NOSPC (EDU_DMA_BUFFERS out already), and
	 * the memory server's errors (MM_DMA_ALLOC, MM_DMA_SHARE). */
	EDU_DMA_BUFFER = EDU_DMA_FIRST,
	/* w0 = handle, w1 = length (1 .. the buffer's size), w2 = how,
	 * EDU_DMA_VIA_GRANT or EDU_DMA_VIA_STREAM: the buffer's first w1
	 * bytes go to the device's buffer by DMA, the driver clears them, and
	 * the device writes them back by DMA. VIA_GRANT: straight from and
	 * into the grant. VIA_STREAM: through a buffer in the driver's heap,
	 * mapped for streaming (dma_map_single) to the device and then from
	 * it, bounced where that buffer is out of the device's reach; the
	 * result is copied into the grant. -> tag = 0, w0 = 1 if the driver
	 * saw the bytes come back as they went (else 0), w1 = the bus
	 * address the device read, w2 = the one it wrote, w3 = pages bounced
	 * (VIA_STREAM, both directions), w4 = interrupts the driver has
	 * handled. ERR_NOENT (no such handle), ERR_PERM (another client's),
	 * ERR_INVAL, and the memory server's errors (MM_DMA_MAP). */
	EDU_DMA_ROUNDTRIP,
	/* w0 .. w4 = up to EDU_DMA_SMALL_MAX bytes, w5 = how many (1 ..
	 * EDU_DMA_SMALL_MAX): a round trip of a small buffer through two
	 * buffers of the driver's DMA pool (dma_pool_alloc: EDU_DMA_SMALL_ALIGN
	 * aligned, never crossing EDU_DMA_SMALL_BOUNDARY). -> tag = 0, w0 ..
	 * w4 = the bytes the device wrote back, w5 = the bus address of the
	 * pool buffer it read, w6 = of the one it wrote. ERR_INVAL. */
	EDU_DMA_SMALL,
	/* w0 = handle: the grant is revoked from the caller and freed.
	 * -> tag = 0. ERR_NOENT, ERR_PERM. */
	EDU_DMA_RELEASE,
	/* A benchmark probe: w0 = EDU_DMA_BENCH_GRANT (allocate, map and free
	 * a one-page grant), EDU_DMA_BENCH_MAP (map and unmap one page of the
	 * driver's heap for streaming, within reach) or
	 * EDU_DMA_BENCH_BOUNCE (the same with a 24-bit mask, so the page
	 * bounces and its 4096 bytes are copied to the bounce page).
	 * -> tag = 0, w0 = rdtsc ticks it took (guest instructions under
	 * -icount shift=0). ERR_INVAL. */
	EDU_DMA_BENCH,

	EDU_DMA_LAST  = 0x1ff,
	EDU__REQUESTS
};

#define EDU_FACTORIAL_MAX 12    /* 12! = 479001600 is the largest that fits 32 bits */

#define EDU_DMA_MASK_BITS 28    /* edu's DMA mask (QEMU's default dma_mask) */
#define EDU_DMA_MAX       4095  /* bytes one DMA may move: QEMU 7.2 aborts when
				   device offset + count reaches 0x41000 */
#define EDU_DMA_BUFFERS   8     /* grants the driver holds for clients at once */
#define EDU_DMA_VIA_GRANT  0
#define EDU_DMA_VIA_STREAM 1
#define EDU_DMA_SMALL_MAX      40   /* bytes: five words */
#define EDU_DMA_SMALL_ALIGN    32
#define EDU_DMA_SMALL_BOUNDARY 256
#define EDU_DMA_BENCH_GRANT  0
#define EDU_DMA_BENCH_MAP    1
#define EDU_DMA_BENCH_BOUNCE 2

#endif
