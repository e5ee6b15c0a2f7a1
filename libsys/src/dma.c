/*
 * dma.c - a driver's calls to the memory server for DMA memory
 * (pagoda/dma.h): one function per MM_DMA_* request of pagoda/mm.h, fill
 * an ipc_msg, CALL the server, unpack the reply. The server checks
 * everything; nothing is checked twice here.
 */
#include <string.h>
#include <pagoda/sys.h>
#include <pagoda/dma.h>

static int64_t dma_call(struct ipc_msg *m)
{
	int err = ipc_call(MM_PID, m);
	return err < 0 ? err : m->tag;
}

int dma_grant_alloc(const struct dma_device *dev, size_t size, struct dma_grant *out)
{
	struct ipc_msg m = { .tag = MM_DMA_ALLOC, .w = { dev->bdf, size, dev->mask_bits, 0 } };
	int64_t r = dma_call(&m);
	if (r < 0)
		return (int)r;
	*out = (struct dma_grant){ .cpu = (void *)(uintptr_t)m.w[0], .bus = m.w[1], .id = m.w[2],
				   .size = size, .pages = m.w[4], .zone = (unsigned)m.w[3] };
	return 0;
}

int dma_grant_free(struct dma_grant *g)
{
	struct ipc_msg m = { .tag = MM_DMA_FREE, .w = { g->id } };
	int64_t r = dma_call(&m);
	if (r == 0)
		g->cpu = NULL;
	return (int)r;
}

int dma_grant_share(const struct dma_grant *g, int pid, unsigned prot, uint64_t *at)
{
	struct ipc_msg m = { .tag = MM_DMA_SHARE, .w = { g->id, (uint64_t)pid, prot } };
	int64_t r = dma_call(&m);
	if (r == 0 && at)
		*at = m.w[0];
	return (int)r;
}

int dma_grant_revoke(const struct dma_grant *g, int pid)
{
	struct ipc_msg m = { .tag = MM_DMA_REVOKE, .w = { g->id, (uint64_t)pid } };
	return (int)dma_call(&m);
}

static int map(const struct dma_device *dev, void *buf, size_t len, unsigned dir,
	       struct mm_dma_seg *segs, unsigned max, struct dma_map *out)
{
	struct ipc_msg m = { .tag = MM_DMA_MAP,
		.w = { (uint64_t)(uintptr_t)buf, len, dir, dev->bdf, dev->mask_bits,
		       (uint64_t)(uintptr_t)segs, segs ? max : 0 } };
	int64_t r = dma_call(&m);
	if (r < 0)
		return (int)r;
	*out = (struct dma_map){ .id = m.w[0], .nsegs = (unsigned)m.w[1], .bus = m.w[2],
				 .len = m.w[3], .bounced = (unsigned)m.w[4] };
	return 0;
}

int dma_map_single(const struct dma_device *dev, void *buf, size_t len, unsigned dir,
		   struct dma_map *out)
{
	return map(dev, buf, len, dir | MM_DMA_CONTIG, NULL, 0, out);
}

int dma_map_sg(const struct dma_device *dev, void *buf, size_t len, unsigned dir,
	       struct mm_dma_seg *segs, unsigned max, struct dma_map *out)
{
	return map(dev, buf, len, dir, segs, max, out);
}

static int64_t sync(const struct dma_map *m, unsigned which)
{
	struct ipc_msg msg = { .tag = MM_DMA_SYNC, .w = { m->id, which } };
	int64_t r = dma_call(&msg);
	return r < 0 ? r : (int64_t)msg.w[0];
}

int64_t dma_sync_for_device(const struct dma_map *m)
{
	return sync(m, MM_DMA_SYNC_FOR_DEVICE);
}

int64_t dma_sync_for_cpu(const struct dma_map *m)
{
	return sync(m, MM_DMA_SYNC_FOR_CPU);
}

int64_t dma_unmap(struct dma_map *m)
{
	struct ipc_msg msg = { .tag = MM_DMA_UNMAP, .w = { m->id } };
	int64_t r = dma_call(&msg);
	if (r < 0)
		return r;
	m->id = 0;
	return (int64_t)msg.w[0];
}

static int info(uint64_t kind, unsigned index, void *out, size_t size)
{
	struct ipc_msg m = { .tag = MM_DMA_INFO, .w = { kind, index, (uint64_t)(uintptr_t)out, size } };
	return (int)dma_call(&m);
}

int dma_info_totals(struct mm_dma_totals *out)
{
	return info(MM_DMA_INFO_TOTALS, 0, out, sizeof *out);
}

int dma_info_grant(unsigned index, struct mm_dma_grant_info *out)
{
	return info(MM_DMA_INFO_GRANT, index, out, sizeof *out);
}

int dma_info_stream(unsigned index, struct mm_dma_stream_info *out)
{
	return info(MM_DMA_INFO_STREAM, index, out, sizeof *out);
}
