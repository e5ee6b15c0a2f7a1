/*
 * dmapool.c - DMA pools: many small coherent buffers carved from a few
 * grant pages (pagoda/dma.h), as Linux's mm/dmapool.c carves them from
 * dma_alloc_coherent pages.
 *
 * Why. A grant is at least a page, costs a request to the memory server,
 * a frame below the mask, a region and its page tables. A driver that
 * needs hundreds of 64-byte descriptors (a NIC's rings, NVMe's PRP lists,
 * a USB controller's transfer descriptors) takes a page at a time and
 * hands out pieces of it: one request per 64 pieces, not per piece. The
 * pool also keeps the hardware's rules that a plain allocator does not:
 * each buffer aligned (queue heads on 32 bytes, say) and never crossing
 * a boundary (a 4 KiB one for controllers whose address counter has only
 * 12 bits that wrap).
 *
 * Layout. Every pool page is one grant of PAGE_SIZE bytes (page aligned
 * on the bus, so an offset means the same on the CPU's side and the
 * device's). Buffers sit at fixed offsets computed once, at create:
 * starting at 0, each at the next multiple of max(align, DMA_POOL_LINE),
 * moved up to the next multiple of `boundary` if it would cross one, and
 * `stride` = size rounded up to that multiple apart. So no two buffers
 * share a cache line: a buffer's lines are its own, and the CPU writing
 * one buffer (or the cache writing a line back) never touches bytes a
 * device is writing in its neighbour. A page holds at most
 * PAGE_SIZE / DMA_POOL_LINE = 64 buffers: its free map is one 64-bit word.
 *
 * Alloc takes the lowest free buffer of the first page with room (a new
 * grant page when none has), zeroed. Free checks the pointer and the bus
 * address name a buffer of the pool that is out, then fills it with
 * DMA_POOL_POISON, the byte free buffers hold from their page's grant on:
 * dma_pool_check reports a free buffer that was written - by the CPU or
 * by a device given a stale bus address. Empty pages stay in the pool
 * (Linux keeps them too) until dma_pool_destroy, which refuses while
 * buffers are out.
 *
 * Invariants (dma_pool_check):
 *   C1 the offsets are aligned, inside the page, never cross a boundary,
 *      and lie at least stride apart (so no overlap, no shared line);
 *   C2 every page is a page-aligned grant of PAGE_SIZE bytes whose free
 *      map has bits only for its buffers and counts its buffers out;
 *   C3 the pool's counts are the sums of its pages';
 *   C4 every free buffer still holds DMA_POOL_POISON.
 *
 * Differences from Linux: buffers larger than a page, and pages larger
 * than one, are not supported (a grant does those); the free map is out
 * of band (Linux links free blocks through the blocks themselves, where a
 * device could corrupt the list); there is no lock (one thread).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pagoda/error.h>
#include <pagoda/dma.h>

#define POOL_PAGE 4096
#define POOL_BUFFERS_MAX (POOL_PAGE / DMA_POOL_LINE)
#define DMA_POOL_POISON 0x6b

struct pool_page {
	struct dma_grant grant;
	uint64_t used;              /* bit i: buffer i is out */
	unsigned in_use;
	struct pool_page *next;
};

struct dma_pool {
	char name[DMA_POOL_NAME_MAX];
	struct dma_device dev;
	size_t size, align, boundary, stride;
	unsigned per_page;
	uint16_t offset[POOL_BUFFERS_MAX];
	struct pool_page *pages;
	unsigned npages;
	unsigned in_use;
};

static bool power_of_two(size_t x)
{
	return x && !(x & (x - 1));
}

static size_t round_up(size_t x, size_t to)
{
	return (x + to - 1) / to * to;
}

static bool crosses(size_t boundary, size_t off, size_t size)
{
	return boundary && off / boundary != (off + size - 1) / boundary;
}

/* The buffers' offsets in a page (C1). */
static void lay_out(struct dma_pool *pool)
{
	size_t off = 0;
	pool->per_page = 0;
	while (off + pool->size <= POOL_PAGE && pool->per_page < POOL_BUFFERS_MAX) {
		if (crosses(pool->boundary, off, pool->size)) {
			off = round_up(off + 1, pool->boundary);
			continue;
		}
		pool->offset[pool->per_page++] = (uint16_t)off;
		off += pool->stride;
	}
}

struct dma_pool *dma_pool_create(const char *name, const struct dma_device *dev, size_t size,
				 size_t align, size_t boundary)
{
	align = align ? align : 1;
	if (size == 0 || size > POOL_PAGE || !power_of_two(align) || align > POOL_PAGE ||
	    (boundary && (!power_of_two(boundary) || boundary < size)))
		return NULL;
	struct dma_pool *pool = calloc(1, sizeof *pool);
	if (!pool)
		return NULL;
	snprintf(pool->name, sizeof pool->name, "%s", name ? name : "");
	pool->dev = *dev;
	pool->size = size;
	pool->align = align;
	pool->boundary = boundary;
	pool->stride = round_up(size, align > DMA_POOL_LINE ? align : DMA_POOL_LINE);
	lay_out(pool);
	return pool;
}

/* ---- pages ------------------------------------------------------------------ */

static void poison(const struct dma_pool *pool, const struct pool_page *pg, unsigned i)
{
	memset((uint8_t *)pg->grant.cpu + pool->offset[i], DMA_POOL_POISON, pool->size);
}

static struct pool_page *add_page(struct dma_pool *pool)
{
	struct pool_page *pg = calloc(1, sizeof *pg);
	if (!pg)
		return NULL;
	if (dma_grant_alloc(&pool->dev, POOL_PAGE, &pg->grant) < 0) {
		free(pg);
		return NULL;
	}
	for (unsigned i = 0; i < pool->per_page; i++)
		poison(pool, pg, i);
	pg->next = pool->pages;
	pool->pages = pg;
	pool->npages++;
	return pg;
}

static struct pool_page *page_with_room(const struct dma_pool *pool)
{
	for (struct pool_page *pg = pool->pages; pg; pg = pg->next)
		if (pg->in_use < pool->per_page)
			return pg;
	return NULL;
}

static unsigned first_free(const struct pool_page *pg)
{
	unsigned i = 0;
	while (pg->used & (1ULL << i))
		i++;
	return i;
}

void *dma_pool_alloc(struct dma_pool *pool, uint64_t *bus)
{
	struct pool_page *pg = page_with_room(pool);
	if (!pg)
		pg = add_page(pool);
	if (!pg)
		return NULL;
	unsigned i = first_free(pg);
	pg->used |= 1ULL << i;
	pg->in_use++;
	pool->in_use++;
	uint8_t *cpu = (uint8_t *)pg->grant.cpu + pool->offset[i];
	memset(cpu, 0, pool->size);
	*bus = pg->grant.bus + pool->offset[i];
	return cpu;
}

/* The page and index of the buffer at cpu; false if it is none. */
static bool find_buffer(const struct dma_pool *pool, const void *cpu, struct pool_page **page,
			unsigned *index)
{
	for (struct pool_page *pg = pool->pages; pg; pg = pg->next) {
		uintptr_t base = (uintptr_t)pg->grant.cpu, at = (uintptr_t)cpu;
		if (at < base || at >= base + POOL_PAGE)
			continue;
		for (unsigned i = 0; i < pool->per_page; i++)
			if (pool->offset[i] == at - base) {
				*page = pg;
				*index = i;
				return true;
			}
		return false;
	}
	return false;
}

int dma_pool_free(struct dma_pool *pool, void *cpu, uint64_t bus)
{
	struct pool_page *pg;
	unsigned i;
	if (!find_buffer(pool, cpu, &pg, &i) || pg->grant.bus + pool->offset[i] != bus ||
	    !(pg->used & (1ULL << i)))
		return -ERR_INVAL;
	pg->used &= ~(1ULL << i);
	pg->in_use--;
	pool->in_use--;
	poison(pool, pg, i);
	return 0;
}

int dma_pool_destroy(struct dma_pool *pool)
{
	if (pool->in_use)
		return -ERR_BUSY;
	int err = 0;
	while (pool->pages) {
		struct pool_page *pg = pool->pages;
		pool->pages = pg->next;
		int e = dma_grant_free(&pg->grant);
		err = err ? err : e;
		free(pg);
	}
	free(pool);
	return err;
}

void dma_pool_stats(const struct dma_pool *pool, struct dma_pool_stats *out)
{
	*out = (struct dma_pool_stats){ pool->size, pool->align, pool->boundary, pool->stride,
					pool->per_page, pool->npages, pool->in_use };
}

/* ---- dma_pool_check: C1-C4 ------------------------------------------------------ */

static unsigned report(const struct dma_pool *pool, const char *what, unsigned long a,
		       unsigned long b)
{
	fprintf(stderr, "dma_pool_check: pool %s: %s (%#lx, %#lx)\n", pool->name, what, a, b);
	return 1;
}

static unsigned check_layout(const struct dma_pool *pool)
{
	size_t unit = pool->align > DMA_POOL_LINE ? pool->align : DMA_POOL_LINE;
	unsigned bad = pool->per_page == 0 ? report(pool, "no buffer fits a page", pool->size, 0) : 0;
	for (unsigned i = 0; i < pool->per_page; i++) {
		size_t off = pool->offset[i];
		if (off % unit || off + pool->size > POOL_PAGE || crosses(pool->boundary, off, pool->size))
			bad += report(pool, "buffer misplaced: index, offset", i, off);
		if (i > 0 && off < (size_t)pool->offset[i - 1] + pool->stride)
			bad += report(pool, "buffers overlap or share a line: index, offset", i, off);
	}
	return bad;
}

static unsigned count_bits(uint64_t x)
{
	unsigned n = 0;
	for (; x; x &= x - 1)
		n++;
	return n;
}

static unsigned check_page(const struct dma_pool *pool, const struct pool_page *pg)
{
	unsigned bad = 0;
	uint64_t mine = pool->per_page == 64 ? ~0ULL : (1ULL << pool->per_page) - 1;
	if (((uintptr_t)pg->grant.cpu % POOL_PAGE) || (pg->grant.bus % POOL_PAGE) ||
	    pg->grant.size != POOL_PAGE)
		bad += report(pool, "page is not a page-aligned grant of a page: cpu, bus",
			      (unsigned long)(uintptr_t)pg->grant.cpu, (unsigned long)pg->grant.bus);
	if ((pg->used & ~mine) || count_bits(pg->used) != pg->in_use)
		bad += report(pool, "free map and count disagree: map, count", pg->used, pg->in_use);
	for (unsigned i = 0; i < pool->per_page; i++) {
		const uint8_t *b = (const uint8_t *)pg->grant.cpu + pool->offset[i];
		for (size_t k = 0; !(pg->used & (1ULL << i)) && k < pool->size; k++)
			if (b[k] != DMA_POOL_POISON) {
				bad += report(pool, "free buffer was written: bus address, byte",
					      (unsigned long)(pg->grant.bus + pool->offset[i]), k);
				break;
			}
	}
	return bad;
}

unsigned dma_pool_check(const struct dma_pool *pool)
{
	unsigned bad = check_layout(pool), pages = 0, in_use = 0;
	for (const struct pool_page *pg = pool->pages; pg && pages <= pool->npages; pg = pg->next) {
		bad += check_page(pool, pg);
		pages++;
		in_use += pg->in_use;
	}
	if (pages != pool->npages || in_use != pool->in_use)
		bad += report(pool, "counts disagree with the pages: pages, buffers out", pages, in_use);
	return bad;
}
