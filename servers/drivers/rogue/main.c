/*
 * main.c - the rogue driver: a driver that aims its device's DMA outside
 * its grants, for the DMA-isolation demo (docs/labs/dma.md,
 * pagoda/rogue.h).
 *
 * It is an ordinary driver in every other way: the device manager starts
 * it as "rogue bb:dd.f" and makes it the owner of a second edu device; it
 * turns memory decoding and bus mastering on, maps BAR0 through the
 * memory server (MM_DEV_MMIO: with the IOMMU on, that gives the device
 * its own, empty, domain) and binds the MSI. Then, asked by `victim`, it
 * programs edu's DMA engine (registers 0x80 source, 0x88 destination,
 * 0x90 count, 0x98 command; the device's buffer at device address
 * 0x40000) with a physical address it was never granted, and waits for
 * the completion interrupt (command bit 2), never polling.
 *
 * It also holds a DMA grant of its own for a while (grant_attack): a
 * legitimate round trip through it, then a write just past its end, or
 * into it after freeing it.
 *
 * What happens next is the lesson: with the IOMMU off the device writes
 * wherever it was told; with it on the IOMMU blocks the access, the
 * kernel reports the fault to the memory server, which logs it and (by
 * default) kills this driver - the kernel stops the device first.
 *
 * Not supported: anything useful. It exists to misbehave.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <pagoda/types.h>
#include <pagoda/dma.h>
#include <pagoda/sys.h>
#include <pagoda/dev.h>
#include <pagoda/edu.h>
#include <pagoda/mm.h>
#include <pagoda/rogue.h>
#include <pagoda/about.h>

PAGODA_ABOUT("the rogue-DMA demo's driver: DMA aimed where it must not go");

#define REG_IRQ_STATUS 0x24
#define REG_IRQ_ACK    0x64
#define REG_DMA_SRC    0x80
#define REG_DMA_DST    0x88
#define REG_DMA_COUNT  0x90
#define REG_DMA_CMD    0x98
#define DMA_START      0x1u
#define DMA_TO_RAM     0x2u     /* direction: device buffer -> memory */
#define DMA_IRQ        0x4u     /* raise the interrupt when done */
#define IRQ_DMA        0x100u
#define DEV_BUFFER     0x40000u
#define NOTIFY_IRQ     (1ULL << 0)

static struct {
	uint16_t bdf;
	volatile uint8_t *regs;
} rogue;

static void wr64(unsigned reg, uint64_t v)
{
	*(volatile uint64_t *)(rogue.regs + reg) = v;
}

static uint32_t rd32(unsigned reg)
{
	return *(volatile uint32_t *)(rogue.regs + reg);
}

static void wait_dma(void)
{
	struct ipc_msg m;
	struct ipc_from from;
	for (;;) {
		if (ipc_recv(PID_KERNEL, &m, &from) == 0 && m.tag == MSG_NOTIFY && (m.w[0] & NOTIFY_IRQ)) {
			uint32_t why = rd32(REG_IRQ_STATUS);
			*(volatile uint32_t *)(rogue.regs + REG_IRQ_ACK) = why;
			if (why & IRQ_DMA)
				return;
		}
	}
}

/* One DMA between the device's buffer and physical address pa. */
static void dma(uint64_t pa, bool to_ram)
{
	wr64(REG_DMA_SRC, to_ram ? DEV_BUFFER : pa);
	wr64(REG_DMA_DST, to_ram ? pa : DEV_BUFFER);
	wr64(REG_DMA_COUNT, ROGUE_DMA_LEN);
	wr64(REG_DMA_CMD, DMA_START | DMA_IRQ | (to_ram ? DMA_TO_RAM : 0));
	wait_dma();
}

static int64_t target_address(uint64_t kind, int pid, uint64_t va)
{
	struct ipc_msg m = { .tag = MM_DEMO_PADDR, .w = { kind, (uint64_t)pid, va } };
	int err = ipc_call(MM_PID, &m);
	if (err < 0)
		return err;
	return m.tag < 0 ? m.tag : (int64_t)m.w[0];
}

static const char *const target_names[] = { "the victim's page", "mm's page descriptors",
					    "the victim's root page table", "the kernel image" };

/* ---- its own grant: legitimate DMA, then just past it, then after freeing it ---- */

/* A legitimate round trip through the grant: page 0 -> the device's
 * buffer -> page 1, compared byte for byte. The IOTLB now caches page 1. */
static int own_grant_round_trip(struct dma_grant *g)
{
	uint8_t *cpu = g->cpu;
	for (unsigned i = 0; i < ROGUE_DMA_LEN; i++)
		cpu[i] = (uint8_t)(i * 7 + 1);
	dma(g->bus, false);
	dma(g->bus + PAGE_SIZE, true);
	return memcmp(cpu, cpu + PAGE_SIZE, ROGUE_DMA_LEN) ? -ERR_BUG : 0;
}

static int grant_attack(uint64_t kind, struct ipc_msg *reply)
{
	struct dma_device dev = { rogue.bdf, 32 };
	struct dma_grant g;
	int err = dma_grant_alloc(&dev, 2 * PAGE_SIZE, &g);
	if (err < 0)
		return err;
	err = own_grant_round_trip(&g);
	printf("rogue: DMA round trip through its own grant at bus %#llx: %s\n",
	       (unsigned long long)g.bus, err ? "MISMATCH" : "byte-exact");
	uint64_t aim = g.bus + 2 * PAGE_SIZE;
	if (err == 0 && kind == ROGUE_TARGET_PAST_GRANT) {
		printf("rogue: DMA write just past the end of its grant, at bus %#llx\n", (unsigned long long)aim);
		fflush(stdout);
		dma(aim, true);
	}
	uint64_t bus = g.bus;
	int ferr = dma_grant_free(&g);
	if (err == 0 && ferr == 0 && kind == ROGUE_TARGET_FREED_GRANT) {
		aim = bus + PAGE_SIZE;      /* the page the IOTLB had cached */
		printf("rogue: DMA write into its freed grant, at bus %#llx\n", (unsigned long long)aim);
		fflush(stdout);
		dma(aim, true);
	}
	reply->w[0] = kind == ROGUE_TARGET_OWN_GRANT ? bus : aim;
	reply->w[1] = 1;
	return err < 0 ? err : ferr;
}

static int handle_attack(const struct ipc_msg *req, const struct ipc_from *from,
			 struct ipc_msg *reply)
{
	uint64_t kind = req->w[0], n = req->w[2];
	if (kind >= ROGUE_TARGET_OWN_GRANT && kind <= ROGUE_TARGET_FREED_GRANT) {
		reply->tag = grant_attack(kind, reply);
		return 1;
	}
	if (kind > MM_DEMO_KERNEL || n < 1 || n > ROGUE_DMAS_MAX) {
		reply->tag = -ERR_INVAL;
		return 1;
	}
	int64_t pa = target_address(kind, from->pid, req->w[1]);
	if (pa < 0) {
		reply->tag = pa;
		return 1;
	}
	bool to_ram = kind != MM_DEMO_KERNEL;
	printf("rogue: DMA %s %s at %#llx (x%llu)\n", to_ram ? "write to" : "read of",
	       target_names[kind], (unsigned long long)pa, (unsigned long long)n);
	fflush(stdout);
	for (uint64_t i = 0; i < n; i++)
		dma((uint64_t)pa, to_ram);
	reply->tag = 0;
	reply->w[0] = (uint64_t)pa;
	reply->w[1] = n;
	return 1;
}

static int handle_hello(const struct ipc_msg *req, const struct ipc_from *from,
			struct ipc_msg *reply)
{
	reply->tag = 0;
	return 1;
}

static int kernel_message(const struct ipc_msg *m, const struct ipc_from *from,
			  struct ipc_msg *reply)
{
	return 0;
}

static const ipc_handler handlers[ROGUE__REQUESTS] = {
	[DEV_DRIVER_HELLO] = handle_hello,
	[ROGUE_ATTACK] = handle_attack,
};

static int bring_up(uint16_t bdf)
{
	int64_t cmd = dev_config_read(bdf, PCI_CFG_COMMAND, 2);
	int err = cmd < 0 ? (int)cmd : dev_config_write(bdf, PCI_CFG_COMMAND, 2,
						       (uint32_t)cmd | PCI_CMD_MEMORY | PCI_CMD_MASTER);
	volatile void *regs = NULL;
	uint64_t len;
	if (err == 0)
		err = mm_dev_mmio(bdf, 0, &regs, &len);
	if (err == 0 && (err = dev_irq_bind(bdf, NOTIFY_IRQ)) > 0)
		err = 0;
	rogue.bdf = bdf;
	rogue.regs = (volatile uint8_t *)regs;
	if (err == 0 && (rd32(0) & 0xff) != 0xed)   /* touched now: its page is mapped at start */
		err = -ERR_NOENT;
	return err;
}

int main(int argc, char **argv)
{
	uint16_t bdf;
	if (argc != 2 || dev_bdf_parse(argv[1], &bdf) < 0) {
		printf("rogue: usage: rogue bb:dd.f (the device manager starts it)\n");
		return 2;
	}
	int err = dev_wait_owned(bdf);
	if (err == 0)
		err = bring_up(bdf);
	if (err < 0) {
		printf("rogue: cannot drive %s: %s\n", argv[1], pagoda_strerror(err));
		return 1;
	}
	printf("rogue: %s is mine: bus mastering on, BAR0 mapped, DMA engine ready to misbehave\n",
	       argv[1]);
	fflush(stdout);
	ipc_serve(handlers, ROGUE__REQUESTS, kernel_message);
}
