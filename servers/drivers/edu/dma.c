/*
 * dma.c - the edu device's DMA engine, and the DMA memory the driver gets
 * for it from the memory server (docs/dma.md, pagoda/edu.h EDU_DMA_*).
 *
 * The engine (QEMU docs/specs/edu.txt): the source address at 0x80, the
 * destination at 0x88, the count at 0x90, then a command at 0x98 - start
 * (0x1), the direction (0x2: from the device's buffer to RAM; clear: from
 * RAM to it) and "raise interrupt 0x100 when done" (0x4). The device's own
 * buffer is 4 KiB at device address 0x40000; the RAM side is a bus
 * address, which edu ANDs with its 28-bit DMA mask (silently: a buffer
 * above 256 MiB would be someone else's memory). A transfer ends 100 ms of
 * virtual time after the command, with the interrupt; the driver blocks in
 * a receive until it comes (edu_wait_interrupt, as for the factorial),
 * never polls. QEMU 7.2 aborts when device offset + count reaches 0x41000
 * (an off-by-one in its range check), so one DMA moves at most
 * EDU_DMA_MAX = 4095 bytes.
 *
 * The memory, each of the memory server's three kinds used at least once:
 *   a grant per client buffer (EDU_DMA_BUFFER): coherent memory below the
 *     mask, shared read-write with the client, so the client's data is
 *     DMAed where the client wrote it - no copy (dma_grant_alloc,
 *     dma_grant_share);
 *   a DMA pool for small transfers (EDU_DMA_SMALL): 40-byte buffers carved
 *     from one grant page, aligned and never crossing 256 bytes - one
 *     request to the memory server for 64 buffers (dma_pool_alloc);
 *   a streaming mapping of the driver's own heap buffer (EDU_DMA_ROUNDTRIP
 *     VIA_STREAM): mapped to the device, then from it (dma_map_single,
 *     dma_unmap); where the heap page lies above the mask the device is
 *     given a bounce page, and the memory server copies.
 * Everything a request takes is given back before it is answered, but
 * the pool's page and the heap buffers, taken once at start-up (so a
 * client's run leaves the free-frame count as it found it); a client's
 * grant lives until EDU_DMA_RELEASE, or until the next EDU_DMA_BUFFER
 * finds its client gone (reap).
 *
 * Not supported: transfers longer than EDU_DMA_MAX, two transfers at once
 * (the driver serves one request at a time), cancelling a transfer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pagoda/sys.h>
#include <pagoda/dma.h>
#include <pagoda/edu.h>
#include "edu.h"

#define EDU_REG_DMA_SRC    0x80
#define EDU_REG_DMA_DST    0x88
#define EDU_REG_DMA_COUNT  0x90
#define EDU_REG_DMA_CMD    0x98
#define EDU_DMA_CMD_START  0x1u
#define EDU_DMA_CMD_TO_RAM 0x2u
#define EDU_DMA_CMD_IRQ    0x4u
#define EDU_IRQ_DMA        0x100u
#define EDU_DEV_BUFFER     0x40000u     /* the device's buffer, in its own addresses */
#define EDU_DEV_SMALL      (EDU_DEV_BUFFER + 0x800)
#define PAGE               4096u

struct client_buffer {
	struct dma_grant grant;
	int client;                 /* 0: the slot is free */
};

static struct {
	struct dma_device dev;
	struct dma_pool *pool;
	uint8_t *stream;            /* a page of heap, for VIA_STREAM (one page: one
				       bus segment, so it bounces only if out of reach) */
	uint8_t *sent;              /* what went out, to compare */
	uint8_t *bench;             /* a page of heap, for EDU_DMA_BENCH */
	struct client_buffer buffers[EDU_DMA_BUFFERS];
	bool up;
} dma;

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return (uint64_t)hi << 32 | lo;
}

/* ---- the engine ------------------------------------------------------------- */

static void reg64(struct edu *e, unsigned reg, uint64_t v)
{
	*(volatile uint64_t *)((volatile uint8_t *)e->regs + reg) = v;
}

static uint32_t cmd(const struct edu *e)
{
	return e->regs[EDU_REG_DMA_CMD / 4];
}

/* One transfer of count bytes, src to dst; waits for its interrupt. */
static int transfer(struct edu *e, uint64_t src, uint64_t dst, uint64_t count, bool to_ram)
{
	reg64(e, EDU_REG_DMA_SRC, src);
	reg64(e, EDU_REG_DMA_DST, dst);
	reg64(e, EDU_REG_DMA_COUNT, count);
	reg64(e, EDU_REG_DMA_CMD, EDU_DMA_CMD_START | EDU_DMA_CMD_IRQ | (to_ram ? EDU_DMA_CMD_TO_RAM : 0));
	uint32_t why;
	do {
		edu_wait_interrupt();
		why = edu_acknowledge(e);
	} while (!(why & EDU_IRQ_DMA));
	return cmd(e) & EDU_DMA_CMD_START ? -ERR_BUG : 0;   /* done means the start bit is clear */
}

static int to_device(struct edu *e, uint64_t bus, uint64_t len, uint32_t at)
{
	return transfer(e, bus, at, len, false);
}

static int from_device(struct edu *e, uint64_t bus, uint64_t len, uint32_t at)
{
	return transfer(e, at, bus, len, true);
}

/* ---- start-up ---------------------------------------------------------------- */

/* The pool's first page now, so that no client request grows it. */
static int warm_pool(void)
{
	uint64_t bus;
	void *b = dma_pool_alloc(dma.pool, &bus);
	return b ? dma_pool_free(dma.pool, b, bus) : -ERR_NOMEM;
}

int edu_dma_init(struct edu *e)
{
	dma.dev = (struct dma_device){ e->bdf, EDU_DMA_MASK_BITS };
	dma.pool = dma_pool_create("edu-small", &dma.dev, EDU_DMA_SMALL_MAX, EDU_DMA_SMALL_ALIGN,
				   EDU_DMA_SMALL_BOUNDARY);
	dma.sent = calloc(1, EDU_DMA_MAX);
	uint8_t *raw = calloc(1, 3 * PAGE);     /* two whole pages in it, touched */
	int err = dma.pool && dma.sent && raw ? warm_pool() : -ERR_NOMEM;
	if (err < 0) {
		printf("edu: no DMA: %s\n", pagoda_strerror(err));
		return err;
	}
	dma.stream = (uint8_t *)(((uintptr_t)raw + PAGE - 1) & ~(uintptr_t)(PAGE - 1));
	dma.bench = dma.stream + PAGE;
	dma.up = true;
	printf("edu: DMA engine ready: %d-bit mask, a pool of %d-byte buffers, a page to stream from\n",
	       EDU_DMA_MASK_BITS, EDU_DMA_SMALL_MAX);
	return 0;
}

/* ---- client buffers: grants ------------------------------------------------------ */

/* A grant whose client has gone: the memory server dropped the share. */
static bool orphaned(const struct client_buffer *b)
{
	struct mm_dma_grant_info info;
	for (unsigned i = 0; dma_info_grant(i, &info) == 0; i++)
		if (info.id == b->grant.id)
			return info.nshares == 0;
	return false;
}

static void reap(void)
{
	for (int i = 0; i < EDU_DMA_BUFFERS; i++)
		if (dma.buffers[i].client && orphaned(&dma.buffers[i])) {
			dma_grant_free(&dma.buffers[i].grant);
			dma.buffers[i].client = 0;
		}
}

static struct client_buffer *free_slot(void)
{
	reap();
	for (int i = 0; i < EDU_DMA_BUFFERS; i++)
		if (!dma.buffers[i].client)
			return &dma.buffers[i];
	return NULL;
}

static int dma_buffer(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	uint64_t size = req->w[0], bits = req->w[1] ? req->w[1] : EDU_DMA_MASK_BITS;
	if (size == 0 || size > EDU_DMA_MAX || bits < MM_DMA_MASK_MIN || bits > EDU_DMA_MASK_BITS)
		return -ERR_INVAL;
	struct client_buffer *b = free_slot();
	if (!b)
		return -ERR_NOSPC;
	struct dma_device dev = { dma.dev.bdf, (unsigned)bits };
	uint64_t at;
	int err = dma_grant_alloc(&dev, size, &b->grant);
	if (err < 0)
		return err;
	err = dma_grant_share(&b->grant, from->pid, MM_PROT_READ | MM_PROT_WRITE, &at);
	if (err < 0) {
		dma_grant_free(&b->grant);
		return err;
	}
	b->client = from->pid;
	reply->w[0] = at;
	reply->w[1] = b->grant.bus;
	reply->w[2] = b->grant.zone;
	reply->w[3] = (uint64_t)(b - dma.buffers) + 1;
	reply->w[4] = b->grant.pages;
	return 0;
}

/* The caller's buffer by handle: ERR_NOENT (none such), ERR_PERM. */
static int client_buffer(uint64_t handle, int pid, struct client_buffer **out)
{
	if (handle == 0 || handle > EDU_DMA_BUFFERS || !dma.buffers[handle - 1].client)
		return -ERR_NOENT;
	*out = &dma.buffers[handle - 1];
	return (*out)->client == pid ? 0 : -ERR_PERM;
}

static int dma_release(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	struct client_buffer *b;
	int err = client_buffer(req->w[0], from->pid, &b);
	if (err < 0)
		return err;
	dma_grant_revoke(&b->grant, b->client);
	err = dma_grant_free(&b->grant);
	b->client = 0;
	return err;
}

/* ---- round trips ----------------------------------------------------------------- */

/* Straight from the grant to the device, and back into it. */
static int via_grant(struct edu *e, struct dma_grant *g, uint64_t len, struct ipc_msg *reply)
{
	memcpy(dma.sent, g->cpu, len);
	int err = to_device(e, g->bus, len, EDU_DEV_BUFFER);
	memset(g->cpu, 0, len);
	if (err == 0)
		err = from_device(e, g->bus, len, EDU_DEV_BUFFER);
	reply->w[0] = err == 0 && memcmp(g->cpu, dma.sent, len) == 0;
	reply->w[1] = reply->w[2] = g->bus;
	return err;
}

/* buf mapped for streaming in direction dir, one DMA through it, unmapped:
 * the bus address used and the pages bounced. */
static int streamed(struct edu *e, void *buf, uint64_t len, unsigned dir, uint64_t *bus,
		    uint64_t *bounced)
{
	struct dma_map m;
	int err = dma_map_single(&dma.dev, buf, len, dir, &m);
	if (err < 0)
		return err;
	err = dir == MM_DMA_TO_DEVICE ? to_device(e, m.bus, len, EDU_DEV_BUFFER)
				      : from_device(e, m.bus, len, EDU_DEV_BUFFER);
	int64_t back = dma_unmap(&m);           /* FROM_DEVICE: the bounce page copied back */
	*bus = m.bus;
	*bounced += m.bounced;
	return err < 0 ? err : back < 0 ? (int)back : 0;
}

/* Through the driver's heap buffer, mapped for streaming each way. */
static int via_stream(struct edu *e, struct dma_grant *g, uint64_t len, struct ipc_msg *reply)
{
	uint64_t bounced = 0;
	memcpy(dma.sent, g->cpu, len);
	memcpy(dma.stream, g->cpu, len);
	int err = streamed(e, dma.stream, len, MM_DMA_TO_DEVICE, &reply->w[1], &bounced);
	memset(dma.stream, 0, len);
	if (err == 0)
		err = streamed(e, dma.stream, len, MM_DMA_FROM_DEVICE, &reply->w[2], &bounced);
	reply->w[0] = err == 0 && memcmp(dma.stream, dma.sent, len) == 0;
	memcpy(g->cpu, dma.stream, len);        /* the client sees what came back */
	reply->w[3] = bounced;
	return err;
}

static int dma_roundtrip(struct edu *e, const struct ipc_msg *req, const struct ipc_from *from,
			 struct ipc_msg *reply)
{
	struct client_buffer *b;
	uint64_t len = req->w[1], how = req->w[2];
	int err = client_buffer(req->w[0], from->pid, &b);
	if (err < 0)
		return err;
	if (len == 0 || len > b->grant.size || (how != EDU_DMA_VIA_GRANT && how != EDU_DMA_VIA_STREAM))
		return -ERR_INVAL;
	err = how == EDU_DMA_VIA_GRANT ? via_grant(e, &b->grant, len, reply)
				       : via_stream(e, &b->grant, len, reply);
	reply->w[4] = e->interrupts;
	return err;
}

/* Through two buffers of the pool. */
static int dma_small(struct edu *e, const struct ipc_msg *req, struct ipc_msg *reply)
{
	uint64_t len = req->w[5], out_bus, in_bus;
	if (len == 0 || len > EDU_DMA_SMALL_MAX)
		return -ERR_INVAL;
	uint8_t *out = dma_pool_alloc(dma.pool, &out_bus), *in = dma_pool_alloc(dma.pool, &in_bus);
	int err = out && in ? 0 : -ERR_NOMEM;
	if (err == 0) {
		memcpy(out, req->w, len);
		err = to_device(e, out_bus, len, EDU_DEV_SMALL);
	}
	if (err == 0)
		err = from_device(e, in_bus, len, EDU_DEV_SMALL);
	memset(reply->w, 0, sizeof reply->w);
	if (err == 0)
		memcpy(reply->w, in, len);
	reply->w[5] = out_bus;
	reply->w[6] = in_bus;
	if (out)
		dma_pool_free(dma.pool, out, out_bus);
	if (in)
		dma_pool_free(dma.pool, in, in_bus);
	return err;
}

/* ---- the benchmark probe -------------------------------------------------------------- */

static int dma_bench(const struct ipc_msg *req, struct ipc_msg *reply)
{
	struct dma_device low = { dma.dev.bdf, 24 };    /* every heap page is above 16 MiB */
	struct dma_grant g;
	struct dma_map m;
	int err;
	uint64_t t0 = rdtsc();
	switch (req->w[0]) {
	case EDU_DMA_BENCH_GRANT:
		err = dma_grant_alloc(&dma.dev, PAGE, &g);
		if (err == 0)
			err = dma_grant_free(&g);
		break;
	case EDU_DMA_BENCH_MAP:
	case EDU_DMA_BENCH_BOUNCE:
		err = dma_map_single(req->w[0] == EDU_DMA_BENCH_MAP ? &dma.dev : &low, dma.bench, PAGE,
				     MM_DMA_TO_DEVICE, &m);
		if (err == 0)
			err = (int)dma_unmap(&m) < 0 ? -ERR_BUG : 0;
		break;
	default:
		return -ERR_INVAL;
	}
	reply->w[0] = rdtsc() - t0;
	return err;
}

int edu_dma_request(struct edu *e, const struct ipc_msg *req, const struct ipc_from *from,
		    struct ipc_msg *reply)
{
	int err;
	if (!dma.up)
		err = -ERR_AGAIN;       /* start-up found no DMA memory */
	else if (req->tag == EDU_DMA_BUFFER)
		err = dma_buffer(req, from, reply);
	else if (req->tag == EDU_DMA_ROUNDTRIP)
		err = dma_roundtrip(e, req, from, reply);
	else if (req->tag == EDU_DMA_SMALL)
		err = dma_small(e, req, reply);
	else if (req->tag == EDU_DMA_RELEASE)
		err = dma_release(req, from, reply);
	else if (req->tag == EDU_DMA_BENCH)
		err = dma_bench(req, reply);
	else
		err = -ERR_NOSYS;
	reply->tag = err;
	return 1;
}
