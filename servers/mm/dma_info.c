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
		return grant_info(index, buf);
	if (kind == MM_DMA_INFO_STREAM)
		return dma_stream_info(index, buf);
	struct mm_dma_totals *t = buf;
	*t = (struct mm_dma_totals){ 0 };
	grant_totals(t);
	dma_stream_totals(t);
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
