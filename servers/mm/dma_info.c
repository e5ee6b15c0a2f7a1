/*
 * dma_info.c - MM_DMA_INFO: what `memstat dma` shows (docs/memstat.md).
 *
 * Three answers, each a struct of pagoda/mm.h copied into the caller:
 * the totals (grants, quarantine, streaming mappings, bounce-buffer use
 * and the copies since boot: struct mm_dma_totals), one grant by index
 * (owner, device, size, bus range, pinned pages, shares, quarantined:
 * struct mm_dma_grant_info) and one streaming mapping by index (struct
 * mm_dma_stream_info). Anyone may ask, as anyone may ask MM_STAT: the
 * figures say how memory is used, not what it holds. Every field is
 * checked before anything is read: a kind or size that does not match
 * is ERR_INVAL, an index past the last ERR_NOENT.
 */
#include "dma.h"
#include "zone.h"
#include "config.h"

bool dma_info_grant_at(uint64_t index, struct mm_dma_grant_info *out)
{
	const struct grant *g = grant_first();
	while (g && index-- > 0)
		g = g->next;
	if (!g)
		return false;
	*out = (struct mm_dma_grant_info){
		.id = g->id, .size = g->size, .pages = g->npages, .bus = g->bus,
		.va = g->region ? g->region->start : 0, .owner = g->owner, .bdf = g->bdf,
		.mask_bits = g->mask_bits, .zone = pfn_zone(g->pfn),
		.flags = g->quarantined ? MM_DMA_INFO_QUARANTINED : 0, .nshares = g->nshares,
	};
	for (unsigned i = 0; i < g->nshares; i++) {
		out->share_pid[i] = g->shares[i].proc->pid;
		out->share_prot[i] = g->shares[i].region->prot;
	}
	return true;
}

static void grant_totals(struct mm_dma_totals *t)
{
	for (const struct grant *g = grant_first(); g; g = g->next) {
		t->grants++;
		t->grant_pages += g->npages;
		t->quarantined += g->quarantined;
		t->quarantined_pages += g->quarantined ? g->npages : 0;
	}
}

bool dma_info_stream_at(uint64_t index, struct mm_dma_stream_info *out)
{
	const struct dma_stream *s = dma_stream_first();
	while (s && index-- > 0)
		s = s->next;
	if (!s)
		return false;
	*out = (struct mm_dma_stream_info){
		.id = s->id, .va = s->va, .len = s->len, .bus = s->first.bus, .owner = s->owner,
		.bdf = s->bdf, .mask_bits = s->mask_bits, .dir = s->dir, .pages = (uint32_t)s->npages,
		.bounced = (uint32_t)s->bounced, .segs = s->nsegs,
		.flags = (s->quarantined ? MM_DMA_INFO_QUARANTINED : 0) |
			 (s->bounced ? MM_DMA_INFO_BOUNCED : 0),
	};
	return true;
}

static void stream_totals(struct mm_dma_totals *t)
{
	for (const struct dma_stream *s = dma_stream_first(); s; s = s->next) {
		t->streams++;
		t->stream_pages += s->quarantined ? 0 : s->npages;
		t->quarantined += s->quarantined;
		t->quarantined_pages += s->quarantined ? dma_stream_held(s) : 0;
	}
	t->bounce_pages = bounce_stats.pages;
	t->bounce_force = mm_config.bounce_force;
	t->maps = bounce_stats.maps;
	t->bounced_maps = bounce_stats.bounced_maps;
	t->bounced_pages = bounce_stats.bounced_pages;
	t->bytes_to_device = bounce_stats.bytes_to_device;
	t->bytes_from_device = bounce_stats.bytes_from_device;
}

void dma_info_sum(struct mm_dma_totals *t)
{
	*t = (struct mm_dma_totals){ 0 };
	grant_totals(t);
	stream_totals(t);
}

static size_t answer_size(uint64_t kind)
{
	switch (kind) {
	case MM_DMA_INFO_TOTALS: return sizeof(struct mm_dma_totals);
	case MM_DMA_INFO_GRANT:  return sizeof(struct mm_dma_grant_info);
	case MM_DMA_INFO_STREAM: return sizeof(struct mm_dma_stream_info);
	}
	return 0;
}

/* The answer of kind for index into buf; false past the last. */
static bool fill(uint64_t kind, uint64_t index, void *buf)
{
	if (kind == MM_DMA_INFO_GRANT)
		return dma_info_grant_at(index, buf);
	if (kind == MM_DMA_INFO_STREAM)
		return dma_info_stream_at(index, buf);
	dma_info_sum(buf);
	return index == 0;
}

int mm_handle_dma_info(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	struct mm_proc *p = mm_caller(from);
	uint64_t kind = req->w[0], index = req->w[1], size = req->w[3];
	union {
		struct mm_dma_totals totals;
		struct mm_dma_grant_info grant;
		struct mm_dma_stream_info stream;
	} buf;
	if (!p)
		return mm_reply(reply, -ERR_SRCH);
	if (answer_size(kind) == 0 || size != answer_size(kind))
		return mm_reply(reply, -ERR_INVAL);
	if (!fill(kind, index, &buf))
		return mm_reply(reply, -ERR_NOENT);
	if (mm_copy_to(p, req->w[2], &buf, size) < 0)
		return mm_reply(reply, -ERR_FAULT);
	return mm_reply(reply, 0);
}
