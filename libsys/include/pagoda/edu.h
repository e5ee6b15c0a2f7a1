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
 * Requests 0x100 .. 0x1ff are the DMA engine's (EDU_DMA_*: the DMA
 * engineer's servers/drivers/edu/dma.c).
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
	EDU_DMA_LAST  = 0x1ff,
	EDU__REQUESTS
};

#define EDU_FACTORIAL_MAX 12    /* 12! = 479001600 is the largest that fits 32 bits */

#endif
