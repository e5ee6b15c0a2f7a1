/*
 * edu.h - the edu driver's view of its device (edu.c) and its state.
 *
 * Registers of BAR0 (QEMU docs/specs/edu.txt; 32-bit accesses only below
 * 0x80, which QEMU's edu enforces):
 *   0x00  identification, read-only: 0xRRrr00ed (major, minor, 0xed)
 *   0x04  liveness: reads back the complement of what was written
 *   0x08  factorial: write n, read n! once the unit is done
 *   0x20  status: bit 0x01 computing (read-only), bit 0x80 raise an
 *         interrupt when a factorial completes
 *   0x24  interrupt status: what raised the interrupt (0x1: factorial)
 *   0x60  interrupt raise: write bits, they are ORed in and raised
 *   0x64  interrupt acknowledge: write bits, they are cleared
 * The DMA engine's registers (0x80 ..) are dma.c's.
 */
#ifndef EDU_DRIVER_H
#define EDU_DRIVER_H

#include <stdint.h>

#define EDU_REG_ID         0x00
#define EDU_REG_LIVENESS   0x04
#define EDU_REG_FACTORIAL  0x08
#define EDU_REG_STATUS     0x20
#define EDU_REG_IRQ_STATUS 0x24
#define EDU_REG_IRQ_RAISE  0x60
#define EDU_REG_IRQ_ACK    0x64

#define EDU_STATUS_COMPUTING 0x01u
#define EDU_STATUS_IRQ_FACT  0x80u
#define EDU_IRQ_FACTORIAL    0x00000001u
#define EDU_IRQ_SOFTWARE     0x00000100u    /* what EDU_IRQ_LATENCY raises */
#define EDU_ID_MAGIC         0xedu

/* The notification bit the kernel delivers for the device's MSI. */
#define EDU_NOTIFY_IRQ (1ULL << 0)

struct edu {
	uint16_t bdf;
	volatile uint32_t *regs;    /* BAR0, mapped by the memory server */
	uint64_t len;
	int vector;                 /* the MSI's CPU vector */
	uint64_t interrupts;        /* handled since start */
};

struct ipc_msg;
struct ipc_from;

int edu_bring_up(struct edu *e, uint16_t bdf);
/* Block until the device's interrupt notification comes; then say at the
 * device what raised it (acknowledged, and returned). */
void edu_wait_interrupt(void);
uint32_t edu_acknowledge(struct edu *e);
int edu_factorial(struct edu *e, uint32_t n, uint32_t *out);
uint32_t edu_liveness(struct edu *e, uint32_t value);
uint32_t edu_id(const struct edu *e);
uint64_t edu_irq_latency(struct edu *e);
void edu_stray_interrupt(struct edu *e);

/* dma.c: the DMA engine and the DMA memory the driver gets for it. */
int edu_dma_init(struct edu *e);
/* A request EDU_DMA_FIRST .. EDU_DMA_LAST (pagoda/edu.h): as an ipc_serve
 * handler, 1 (answer now). */
int edu_dma_request(struct edu *e, const struct ipc_msg *req, const struct ipc_from *from,
		    struct ipc_msg *reply);

#endif
