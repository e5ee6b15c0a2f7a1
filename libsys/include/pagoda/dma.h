/*
 * pagoda/dma.h - DMA for drivers: the memory server's grants and
 * streaming mappings (libsys/src/dma.c, one function per MM_DMA_*
 * request of pagoda/mm.h) and DMA pools of small buffers carved from
 * grant pages (libsys/src/dmapool.c). docs/dma.md puts them beside
 * Linux's DMA API:
 *
 *   here                         Linux
 *   dma_grant_alloc / _free      dma_alloc_coherent / dma_free_coherent
 *   dma_grant_share / _revoke    (none: a driver is a process here)
 *   dma_map_single               dma_map_single (one bus segment)
 *   dma_map_sg                   dma_map_sg (a scatterlist, merged)
 *   dma_sync_for_device / _cpu   dma_sync_single_for_device / _for_cpu
 *   dma_unmap                    dma_unmap_single / dma_unmap_sg
 *   dma_pool_create ... _destroy dma_pool_create ... dma_pool_destroy
 *
 * Every function returns >= 0 or -ERR_x (pagoda/error.h) unless it says
 * otherwise. Only a driver - a process that owns the PCI device named in
 * struct dma_device - gets DMA memory (ERR_PERM otherwise).
 */
#ifndef PAGODA_DMA_H
#define PAGODA_DMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pagoda/mm.h>
#include <pagoda/dev.h>

/* The device a driver does DMA for, as Linux's struct device with its
 * dma_mask: its PCI name and how many address bits it drives. */
struct dma_device {
	uint32_t bdf;               /* DEV_BDF(bus, dev, fn), pagoda/dev.h */
	unsigned mask_bits;         /* MM_DMA_MASK_MIN .. 64 */
};

/* ---- grants: coherent DMA memory (dma.c) ---- */

struct dma_grant {
	void *cpu;                  /* where the driver reads and writes it */
	uint64_t bus;               /* what the device is given */
	uint64_t id;                /* the memory server's name for it */
	size_t size;                /* bytes asked for */
	size_t pages;               /* frames pinned */
	unsigned zone;              /* of its frames: 0 DMA, 1 DMA32, 2 NORMAL */
};

/* size bytes of zeroed, physically contiguous memory below dev's mask,
 * mapped into the caller: MM_DMA_ALLOC. */
int dma_grant_alloc(const struct dma_device *dev, size_t size, struct dma_grant *out);
int dma_grant_free(struct dma_grant *g);
/* Map g into pid too, prot MM_PROT_READ or MM_PROT_READ | MM_PROT_WRITE;
 * *at = its address there (to tell pid). */
int dma_grant_share(const struct dma_grant *g, int pid, unsigned prot, uint64_t *at);
int dma_grant_revoke(const struct dma_grant *g, int pid);

/* ---- streaming mappings of the caller's own memory (dma.c) ---- */

struct dma_map {
	uint64_t id;
	uint64_t bus;               /* the first (dma_map_single: the only) segment */
	size_t len;                 /* its length */
	unsigned nsegs;
	unsigned bounced;           /* pages the device sees through bounce buffers */
};

/* dir: MM_DMA_TO_DEVICE, MM_DMA_FROM_DEVICE or MM_DMA_BIDIRECTIONAL.
 * dma_map_single: one contiguous bus segment (bounced whole if need be);
 * dma_map_sg: up to max segments into segs. */
int dma_map_single(const struct dma_device *dev, void *buf, size_t len, unsigned dir,
		   struct dma_map *out);
int dma_map_sg(const struct dma_device *dev, void *buf, size_t len, unsigned dir,
	       struct mm_dma_seg *segs, unsigned max, struct dma_map *out);
/* Bounce-buffer copies (bytes copied, >= 0): before the device reads,
 * after it wrote. dma_unmap copies back too, then unpins. */
int64_t dma_sync_for_device(const struct dma_map *m);
int64_t dma_sync_for_cpu(const struct dma_map *m);
int64_t dma_unmap(struct dma_map *m);

/* ---- what memstat shows (dma.c): MM_DMA_INFO ---- */

int dma_info_totals(struct mm_dma_totals *out);
int dma_info_grant(unsigned index, struct mm_dma_grant_info *out);    /* ERR_NOENT past the last */
int dma_info_stream(unsigned index, struct mm_dma_stream_info *out);

/* ---- DMA pools: small coherent buffers (dmapool.c) ---- */

#define DMA_POOL_LINE 64            /* a cache line: no two buffers share one */
#define DMA_POOL_NAME_MAX 24

struct dma_pool;

/* A pool of size-byte buffers (1 .. 4096) for dev, each aligned to align
 * (a power of two up to 4096; 0 means 1) and never crossing a multiple of
 * boundary (0: none; else a power of two >= size). NULL if an argument is
 * out of range or memory is short. */
struct dma_pool *dma_pool_create(const char *name, const struct dma_device *dev, size_t size,
				 size_t align, size_t boundary);
/* A zeroed buffer and its bus address, or NULL (no grant to be had). */
void *dma_pool_alloc(struct dma_pool *pool, uint64_t *bus);
/* Give a buffer back: 0, or -ERR_INVAL (not a buffer of this pool, or
 * free already: nothing changes). */
int dma_pool_free(struct dma_pool *pool, void *cpu, uint64_t bus);
/* Free the pool and its grants: 0, or -ERR_BUSY (buffers still out:
 * nothing changes). */
int dma_pool_destroy(struct dma_pool *pool);

struct dma_pool_stats {
	size_t size, align, boundary, stride;
	unsigned per_page;          /* buffers one grant page holds */
	unsigned pages;             /* grant pages */
	unsigned in_use;            /* buffers handed out */
};
void dma_pool_stats(const struct dma_pool *pool, struct dma_pool_stats *out);
/* Every invariant of dmapool.c; returns how many are broken (each is
 * reported on stderr, naming the pool and the buffer). */
unsigned dma_pool_check(const struct dma_pool *pool);

#endif
