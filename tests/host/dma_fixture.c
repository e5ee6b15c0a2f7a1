/*
 * dma_fixture.c - helpers of the DMA suites. See dma_fixture.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <pagoda/error.h>
#include <pagoda/dev.h>
#include "mm_env.h"
#include "zone.h"
#include "dma.h"
#include "mm_stubs.h"
#include "dma_fixture.h"

void give_device(uint32_t bdf, int pid)
{
	if (stub_dev_owner((uint16_t)bdf) == -ERR_NOENT) {
		struct dev_info info = { .bdf = (uint16_t)bdf, .vendor = 0x1234, .device = 0x11e8 };
		stub_dev_add(&info);
	}
	stub_dev_set_owner((uint16_t)bdf, pid);
	stub_dev_stuck((uint16_t)bdf, false);
}

int driver(uint32_t bdf)
{
	int pid = spawn("prog")->pid;
	give_device(bdf, pid);
	return pid;
}

int64_t req7(int pid, int64_t tag, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3,
	     uint64_t w4, uint64_t w5, uint64_t w6, struct ipc_msg *reply)
{
	struct ipc_msg req = { .tag = tag, .w = { w0, w1, w2, w3, w4, w5, w6 } };
	struct ipc_msg r = { .tag = -ERR_NOSYS };
	struct ipc_from from = { .pid = pid, .handle = 5151 };
	assert_true(tag > 0 && tag < MM__REQUESTS && mm_handlers[tag]);
	assert_int_equal(mm_handlers[tag](&req, &from, &r), 1);    /* answered at once */
	if (reply)
		*reply = r;
	return r.tag;
}

struct grant_reply grant_alloc(int pid, uint32_t bdf, uint64_t size, unsigned mask_bits)
{
	struct ipc_msg r;
	assert_int_equal(req7(pid, MM_DMA_ALLOC, bdf, size, mask_bits, 0, 0, 0, 0, &r), 0);
	return (struct grant_reply){ r.w[0], r.w[1], r.w[2], r.w[3], r.w[4] };
}

uint64_t dma_frames_in_memory(void)
{
	uint64_t n = 0;
	for (pfn_t pfn = 0; pfn < mm_max_pfn; pfn++)
		n += pfn_to_page(pfn)->state == PAGE_ALLOCATED && pfn_to_page(pfn)->use == PAGE_USE_DMA;
	return n;
}

static uint64_t regions_of(int pid)
{
	struct mm_proc *p = mm_proc_find(pid);
	uint64_t n = 0;
	for (struct mm_region *r = p ? p->regions : NULL; r; r = r->next)
		n++;
	return n;
}

static uint64_t pinned_user_frames(void)
{
	uint64_t n = 0;
	for (pfn_t pfn = 0; pfn < mm_max_pfn; pfn++) {
		const struct page *pg = pfn_to_page(pfn);
		n += pg->state == PAGE_ALLOCATED && pg->use == PAGE_USE_USER && (pg->flags & PG_PINNED);
	}
	return n;
}

void dma_snapshot_take(struct dma_snapshot *s, const int *pids, int npids)
{
	memset(s, 0, sizeof *s);
	s->free = free_at_rest();
	s->dma_frames = dma_frames_in_memory();
	for (int i = 0; i < npids && i < 4; i++) {
		s->mapped[i] = stub_mapped(pids[i]);
		s->resident[i] = mm_proc_find(pids[i]) ? mm_proc_find(pids[i])->resident : 0;
		s->regions[i] = regions_of(pids[i]);
	}
	dma_info_sum(&s->totals);
	s->pinned = pinned_user_frames();
	s->procs = mm_proc_count();
}

void assert_dma_refused(const int *pids, int npids, int pid, int64_t tag, uint64_t w0, uint64_t w1,
			uint64_t w2, uint64_t w3, uint64_t w4, uint64_t w5, uint64_t w6, int err)
{
	struct dma_snapshot before, after;
	dma_snapshot_take(&before, pids, npids);
	assert_int_equal(req7(pid, tag, w0, w1, w2, w3, w4, w5, w6, NULL), err);
	dma_snapshot_take(&after, pids, npids);
	assert_memory_equal(&after, &before, sizeof after);
	assert_mm_consistent();
}

void dirty_free_frames(pfn_t below, uint8_t b)
{
	for (pfn_t pfn = 0; pfn < below && pfn < mm_max_pfn; pfn++) {
		const struct page *pg = pfn_to_page(pfn);
		if (pg->state == PAGE_FREE)
			memset(pfn_to_virt(pfn), b, PAGE_SIZE << pg->order);
	}
}
