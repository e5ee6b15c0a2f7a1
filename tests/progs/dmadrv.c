/*
 * dmadrv bb:dd.f - a test driver for the memory server's DMA memory
 * (dma_tests.sh): the device manager gives it edu in place of the edu
 * driver (devmgr dmadrv=00:04.0). It never starts the DMA engine; it
 * holds DMA memory the way a driver does, and then dies holding it.
 *
 * Start-up, each step printed and checked:
 *   - grants below 24, 28 and 32 bits of address (3, 1 and 2 pages): each
 *     bus range below its mask, the 24-bit one in zone DMA;
 *   - a DMA pool of 100-byte buffers, 64-aligned, never crossing 512
 *     bytes: 40 buffers, each aligned, within its boundary, on lines of
 *     its own, dma_pool_check clean; freed and destroyed;
 *   - a page of its heap mapped for streaming with a 24-bit mask (so it
 *     bounces), left mapped;
 *   - bus mastering on (so that its death has something to stop).
 * Then it serves (tag 0 answers the device manager's hello):
 *   DMADRV_SHARE  its 28-bit grant, a pattern written into it, shared
 *                 read-write with the caller: -> w0 = its address there;
 *   DMADRV_DIE    answers 0, then writes through a NULL pointer: the
 *                 memory server kills it holding three grants, a share
 *                 and a bounced streaming mapping (dma_victim checks what
 *                 is left).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pagoda/sys.h>
#include <pagoda/dev.h>
#include <pagoda/dma.h>

#define DMADRV_SHARE 1
#define DMADRV_DIE   2
#define DMADRV_PATTERN 0x5a

static struct dma_grant grants[3];
static int failures;

static void check_grant(const struct dma_device *dev, size_t size, struct dma_grant *g)
{
	int err = dma_grant_alloc(dev, size, g);
	if (err < 0) {
		printf("dmadrv: %u-bit grant: %s\n", dev->mask_bits, pagoda_strerror(err));
		failures++;
		return;
	}
	uint64_t last = g->bus + g->pages * 4096 - 1, mask = (1ULL << dev->mask_bits) - 1;
	bool ok = last <= mask && (dev->mask_bits != 24 || g->zone == 0);
	printf("dmadrv: %u-bit grant: %zu pages at bus 0x%08llx-0x%08llx (zone %u): %s\n", dev->mask_bits,
	       g->pages, (unsigned long long)g->bus, (unsigned long long)last, g->zone,
	       ok ? "below the mask" : "WRONG");
	failures += !ok;
}

static bool pool_buffer_ok(uint8_t *const *cpu, const uint64_t *bus, int n)
{
	for (int i = 0; i < n; i++) {
		if (bus[i] % 64 || (uintptr_t)cpu[i] % 64 || bus[i] / 512 != (bus[i] + 99) / 512)
			return false;
		for (int j = 0; j < i; j++)
			if ((bus[i] > bus[j] ? bus[i] - bus[j] : bus[j] - bus[i]) < 128)
				return false;   /* 100 bytes take two lines of their own */
	}
	return true;
}

static void check_pool(const struct dma_device *dev)
{
	enum { N = 40 };
	uint8_t *cpu[N];
	uint64_t bus[N];
	struct dma_pool *pool = dma_pool_create("dmadrv", dev, 100, 64, 512);
	int got = 0;
	while (pool && got < N && (cpu[got] = dma_pool_alloc(pool, &bus[got])))
		got++;
	bool ok = got == N && pool_buffer_ok(cpu, bus, N) && dma_pool_check(pool) == 0;
	for (int i = 0; i < got; i++)
		dma_pool_free(pool, cpu[i], bus[i]);
	struct dma_pool_stats st = { 0 };
	if (pool)
		dma_pool_stats(pool, &st);
	ok &= pool && dma_pool_destroy(pool) == 0;
	printf("dmadrv: pool of %d 100-byte buffers on %u grant pages: 64-aligned, none crossing 512: %s\n",
	       got, st.pages, ok ? "ok" : "WRONG");
	failures += !ok;
}

static void keep_a_bounced_mapping(uint16_t bdf)
{
	static struct dma_map m;
	struct dma_device low = { bdf, 24 };
	uint8_t *raw = calloc(1, 2 * 4096);
	uint8_t *page = (uint8_t *)(((uintptr_t)raw + 4095) & ~(uintptr_t)4095);
	int err = page ? dma_map_single(&low, page, 4096, MM_DMA_FROM_DEVICE, &m) : -ERR_NOMEM;
	bool ok = err == 0 && m.bounced == 1 && m.nsegs == 1;
	printf("dmadrv: a heap page mapped for a 24-bit device: bus 0x%08llx, %u bounced: %s\n",
	       (unsigned long long)m.bus, m.bounced, ok ? "ok" : "WRONG");
	failures += !ok;
}

static int handle_hello(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	reply->tag = failures ? -ERR_BUG : 0;
	return 1;
}

static int handle_share(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	memset(grants[1].cpu, DMADRV_PATTERN, grants[1].pages * 4096);
	reply->tag = dma_grant_share(&grants[1], from->pid, MM_PROT_READ | MM_PROT_WRITE, &reply->w[0]);
	return 1;
}

static int handle_die(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	struct ipc_msg answer = { .tag = 0 };
	ipc_reply(from->handle, &answer);
	printf("dmadrv: dying with %d grants, a share and a bounced mapping\n", 3);
	fflush(stdout);
	*(volatile int *)0 = 1;
	return 0;
}

static const ipc_handler handlers[] = {
	[0] = handle_hello, [DMADRV_SHARE] = handle_share, [DMADRV_DIE] = handle_die,
};

int main(int argc, char **argv)
{
	uint16_t bdf;
	if (argc != 2 || dev_bdf_parse(argv[1], &bdf) < 0 || dev_wait_owned(bdf) < 0) {
		printf("dmadrv: usage: dmadrv bb:dd.f, started by the device manager\n");
		return 2;
	}
	static const unsigned bits[3] = { 24, 28, 32 };
	static const size_t size[3] = { 3 * 4096, 4096, 2 * 4096 - 100 };
	for (int i = 0; i < 3; i++)
		check_grant(&(struct dma_device){ bdf, bits[i] }, size[i], &grants[i]);
	check_pool(&(struct dma_device){ bdf, 28 });
	keep_a_bounced_mapping(bdf);
	int64_t cmd = dev_config_read(bdf, PCI_CFG_COMMAND, 2);
	if (cmd >= 0)
		dev_config_write(bdf, PCI_CFG_COMMAND, 2, (uint32_t)cmd | PCI_CMD_MASTER);
	printf("dmadrv: %s\n", failures ? "FAIL" : "holding its DMA memory, bus mastering on");
	fflush(stdout);
	ipc_serve(handlers, sizeof handlers / sizeof handlers[0], NULL);
}
