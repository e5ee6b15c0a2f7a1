/*
 * dma_fixture.h - helpers of the DMA suites (test_dma.c, test_dma_stream.c)
 * over mm_fixture: drivers (a spawned program that the kernel model says
 * owns a PCI device), the MM_DMA_* requests with all seven words, and a
 * snapshot of everything a refused request must leave as it was.
 */
#ifndef DMA_FIXTURE_H
#define DMA_FIXTURE_H

#include <pagoda/types.h>
#include <pagoda/mm.h>
#include <pagoda/dev.h>
#include "mm_fixture.h"

#define EDU_BDF   DEV_BDF(0, 4, 0)   /* 00:04.0, as make run pins edu */
#define OTHER_BDF DEV_BDF(0, 5, 0)
#define RW (MM_PROT_READ | MM_PROT_WRITE)

/* The kernel model's device bdf (added if new) is pid's now (0: nobody's),
 * and not stuck. */
void give_device(uint32_t bdf, int pid);
/* A new process (prog) that the kernel model says owns bdf. */
int driver(uint32_t bdf);

/* A request with all seven words: the reply's tag. */
int64_t req7(int pid, int64_t tag, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3,
	     uint64_t w4, uint64_t w5, uint64_t w6, struct ipc_msg *reply);

/* MM_DMA_ALLOC's answer. */
struct grant_reply {
	vaddr_t va;
	paddr_t bus;
	uint64_t id, zone, pages;
};
/* MM_DMA_ALLOC for pid (which must own bdf): asserts success. */
struct grant_reply grant_alloc(int pid, uint32_t bdf, uint64_t size, unsigned mask_bits);

/* The allocated PAGE_USE_DMA frames in memory. */
uint64_t dma_frames_in_memory(void);

/* What a refused request must not change. */
struct dma_snapshot {
	uint64_t free, dma_frames, mapped[4], resident[4], regions[4];
	struct mm_dma_totals totals;
	uint64_t pinned;            /* user frames with PG_PINNED */
	int procs;
};
void dma_snapshot_take(struct dma_snapshot *s, const int *pids, int npids);
/* The request gets err, every figure of the snapshot stays, and mm is
 * consistent. */
void assert_dma_refused(const int *pids, int npids, int pid, int64_t tag, uint64_t w0, uint64_t w1,
			uint64_t w2, uint64_t w3, uint64_t w4, uint64_t w5, uint64_t w6, int err);

/* Fill every free frame below frame `below` with byte b (to see zeroing). */
void dirty_free_frames(pfn_t below, uint8_t b);

#endif
