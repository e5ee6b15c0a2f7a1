/*
 * edu.c - the edu device itself: bring-up, the factorial unit through its
 * interrupt, the liveness register (edu.h has the register map).
 *
 * Bring-up, in this order: memory decoding and bus mastering on in the
 * command register (SeaBIOS leaves bus mastering off, and an MSI is a
 * write by the device: without bus mastering it never arrives); BAR0
 * mapped by the memory server (MM_DEV_MMIO: uncached, filled on first
 * touch); the identification register must end in 0xed and the
 * liveness register must give back the complement of what it was
 * given, or this is not a working edu; then the MSI bound to one
 * notification bit (SYS_DEV_IRQ_BIND).
 *
 * The factorial unit runs beside the CPU: a write of n to 0x08 starts it,
 * and with status bit 0x80 set it raises an interrupt when n! is ready.
 * The driver does not poll: it blocks in a receive from the kernel until
 * the interrupt's notification comes (wait_interrupt), acknowledges the
 * interrupt at the device (0x64) and reads the result. One operation at
 * a time; nothing times out (a device that never interrupts keeps the
 * driver waiting, visibly). The DMA engine (dma.c) waits the same way
 * (edu_wait_interrupt, edu_acknowledge).
 */
#include <stdio.h>
#include <pagoda/sys.h>
#include <pagoda/dev.h>
#include <pagoda/edu.h>
#include "edu.h"

static uint32_t rd(const struct edu *e, unsigned reg)
{
	return e->regs[reg / 4];
}

static void wr(struct edu *e, unsigned reg, uint32_t v)
{
	e->regs[reg / 4] = v;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return (uint64_t)hi << 32 | lo;
}

/* Block until the kernel delivers the device's interrupt notification. */
void edu_wait_interrupt(void)
{
	struct ipc_msg m;
	struct ipc_from from;
	for (;;)
		if (ipc_recv(PID_KERNEL, &m, &from) == 0 && m.tag == MSG_NOTIFY &&
		    (m.w[0] & EDU_NOTIFY_IRQ))
			return;
}

/* Acknowledge at the device what raised the interrupt; returns it. */
uint32_t edu_acknowledge(struct edu *e)
{
	uint32_t status = rd(e, EDU_REG_IRQ_STATUS);
	wr(e, EDU_REG_IRQ_ACK, status);
	e->interrupts++;
	return status;
}

static int enable_device(uint16_t bdf)
{
	int64_t cmd = dev_config_read(bdf, PCI_CFG_COMMAND, 2);
	if (cmd < 0)
		return (int)cmd;
	return dev_config_write(bdf, PCI_CFG_COMMAND, 2,
				(uint32_t)cmd | PCI_CMD_MEMORY | PCI_CMD_MASTER);
}

int edu_bring_up(struct edu *e, uint16_t bdf)
{
	*e = (struct edu){ .bdf = bdf };
	int err = enable_device(bdf);
	volatile void *regs;
	if (err == 0)
		err = mm_dev_mmio(bdf, 0, &regs, &e->len);
	if (err < 0) {
		printf("edu: cannot reach %02x:%02x.%x: %s\n", DEV_BUS(bdf), DEV_SLOT(bdf), DEV_FN(bdf),
		       pagoda_strerror(err));
		return err;
	}
	e->regs = (volatile uint32_t *)regs;
	uint32_t id = edu_id(e);
	if ((id & 0xff) != EDU_ID_MAGIC || edu_liveness(e, 0x5a5aa5a5u) != ~0x5a5aa5a5u) {
		printf("edu: the device at BAR0 is not a working edu (id 0x%08x)\n", (unsigned)id);
		return -ERR_NOENT;
	}
	e->vector = dev_irq_bind(bdf, EDU_NOTIFY_IRQ);
	if (e->vector < 0) {
		printf("edu: cannot bind its interrupt: %s\n", pagoda_strerror(e->vector));
		return e->vector;
	}
	printf("edu: %02x:%02x.%x edu v%u.%u, BAR0 %llu KiB mapped at %p, MSI vector %d, bus mastering on\n",
	       DEV_BUS(bdf), DEV_SLOT(bdf), DEV_FN(bdf), (unsigned)(id >> 24), (unsigned)(id >> 16) & 0xff,
	       (unsigned long long)e->len / 1024, (void *)e->regs, e->vector);
	return 0;
}

uint32_t edu_id(const struct edu *e)
{
	return rd(e, EDU_REG_ID);
}

uint32_t edu_liveness(struct edu *e, uint32_t value)
{
	wr(e, EDU_REG_LIVENESS, value);
	return rd(e, EDU_REG_LIVENESS);
}

int edu_factorial(struct edu *e, uint32_t n, uint32_t *out)
{
	if (n > EDU_FACTORIAL_MAX)
		return -ERR_INVAL;
	wr(e, EDU_REG_STATUS, EDU_STATUS_IRQ_FACT);
	wr(e, EDU_REG_FACTORIAL, n);
	uint32_t why;
	do {
		edu_wait_interrupt();
		why = edu_acknowledge(e);
	} while (!(why & EDU_IRQ_FACTORIAL));
	*out = rd(e, EDU_REG_FACTORIAL);
	return 0;
}

uint64_t edu_irq_latency(struct edu *e)
{
	uint64_t t0 = rdtsc();
	wr(e, EDU_REG_IRQ_RAISE, EDU_IRQ_SOFTWARE);
	edu_wait_interrupt();
	uint64_t t1 = rdtsc();
	edu_acknowledge(e);
	return t1 - t0;
}

/* An interrupt nobody waited for: acknowledge it so the next is seen. */
void edu_stray_interrupt(struct edu *e)
{
	edu_acknowledge(e);
}
