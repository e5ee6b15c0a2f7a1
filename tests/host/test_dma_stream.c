/*
 * test_dma_stream.c - streaming DMA mappings and bounce buffers on the
 * host (servers/mm/dma_stream.c, bounce.c), against docs/mm-protocol.md
 * and docs/dma.md.
 *
 * The heart is a randomised run against a model of bounce.c's table: for
 * buffers at random offsets and lengths, directions, masks (24 bits: every
 * page of the fixture's DMA32 user memory is out of reach; 25: some are;
 * 26 and up: none), MM_DMA_CONTIG and bounce=force, the model says which
 * pages bounce and how many bytes each step copies; the test plays the
 * device through the bus addresses mm hands out (bus = physical here) and
 * checks what the device reads, what the CPU gets back, that bytes of the
 * pages outside the buffer are never touched, and the counters. Then the
 * pins (reclaim never takes a pinned page, MM_MUNMAP and MM_SBRK refuse
 * to free one, a page pinned twice stays pinned), exit (freed, or
 * quarantined when a device was not shown stopped), and every refused
 * request, each changing nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <pagoda/error.h>
#include "mm_env.h"
#include "zone.h"
#include "dma.h"
#include "config.h"
#include "reclaim.h"
#include "mm_stubs.h"
#include "dma_fixture.h"
#include "rng.h"

#define NO_REGION   0x10000000ULL   /* inside no region of the fixture's program */
#define REGION_PAGES 8
#define SEGS_PAGES   2              /* room for MM_DMA_SEGS_MAX segments */

static pfn_t frame_of(int pid, vaddr_t va)
{
	int64_t e = stub_pte(pid, page_round_down(va));
	assert_true(e >= 0);
	return pa_to_pfn((paddr_t)e);
}

static int64_t dma_map(int pid, vaddr_t va, uint64_t len, uint64_t dir, unsigned bits, vaddr_t segs,
		       uint64_t nsegs, struct ipc_msg *r)
{
	return req7(pid, MM_DMA_MAP, va, len, dir, EDU_BDF, bits, segs, nsegs, r);
}

static int64_t dma_unmap(int pid, uint64_t id, uint64_t *copied)
{
	struct ipc_msg r;
	int64_t tag = req7(pid, MM_DMA_UNMAP, id, 0, 0, 0, 0, 0, 0, &r);
	if (copied)
		*copied = r.w[0];
	return tag;
}

static int64_t dma_sync(int pid, uint64_t id, uint64_t which, uint64_t *copied)
{
	struct ipc_msg r;
	int64_t tag = req7(pid, MM_DMA_SYNC, id, which, 0, 0, 0, 0, 0, &r);
	if (copied)
		*copied = r.w[0];
	return tag;
}

/* An anonymous read-write region of pid, every page touched. */
static vaddr_t touched_region(int pid, uint64_t pages)
{
	vaddr_t va = map_anon(pid, pages * PAGE_SIZE, RW);
	for (uint64_t i = 0; i < pages; i++)
		assert_int_equal(touch(pid, va + i * PAGE_SIZE, MM_FAULT_WRITE), 0);
	return va;
}

static bool pinned(pfn_t pfn)
{
	return (pfn_to_page(pfn)->flags & PG_PINNED) && !reclaim_pool_of(pfn);
}

/* ---- the model ----------------------------------------------------------- */

struct stream_case {
	uint64_t off, len;
	unsigned dir, bits;
	bool contig, force;
};

struct expect {
	uint64_t npages, bounced, bounced_bytes;
	bool bounce[REGION_PAGES];
};

/* The buffer's bytes in its page i. */
static uint64_t span(vaddr_t va, uint64_t len, uint64_t i)
{
	vaddr_t page = page_round_down(va) + i * PAGE_SIZE;
	vaddr_t lo = va > page ? va : page;
	vaddr_t hi = va + len < page + PAGE_SIZE ? va + len : page + PAGE_SIZE;
	return hi - lo;
}

/* Which pages bounce (bounce.c's rules), from the frames behind them. */
static struct expect model(int pid, vaddr_t va, const struct stream_case *c)
{
	struct expect e = { .npages = (page_round_up(va + c->len) - page_round_down(va)) / PAGE_SIZE };
	uint64_t mask = dma_mask_of(c->bits);
	bool any = false, consecutive = true;
	pfn_t first = frame_of(pid, va);
	for (uint64_t i = 0; i < e.npages; i++) {
		pfn_t f = frame_of(pid, page_round_down(va) + i * PAGE_SIZE);
		e.bounce[i] = c->force || pfn_to_pa(f) + PAGE_SIZE - 1 > mask;
		any |= e.bounce[i];
		consecutive &= f == first + i;
	}
	for (uint64_t i = 0; i < e.npages; i++) {
		e.bounce[i] |= c->contig && (any || !consecutive);
		e.bounced += e.bounce[i];
		e.bounced_bytes += e.bounce[i] ? span(va, c->len, i) : 0;
	}
	return e;
}

/* The device's view of byte k of the buffer, through the segments. */
static uint8_t *device_byte(const struct mm_dma_seg *segs, unsigned n, uint64_t k)
{
	for (unsigned i = 0; i < n; k -= segs[i].len, i++)
		if (k < segs[i].len)
			return (uint8_t *)mm_phys_to_virt(segs[i].bus + k);
	fail_msg("byte %lu is in no segment", (unsigned long)k);
	return NULL;
}

static void device_reads(const struct mm_dma_seg *segs, unsigned n, const uint8_t *want, uint64_t len)
{
	for (uint64_t k = 0; k < len; k++)
		assert_int_equal(*device_byte(segs, n, k), want[k]);
}

static void device_writes(const struct mm_dma_seg *segs, unsigned n, uint8_t *wrote, uint64_t len)
{
	for (uint64_t k = 0; k < len; k++)
		*device_byte(segs, n, k) = wrote[k] = (uint8_t)rng();
}

static void check_segs(const struct mm_dma_seg *segs, unsigned n, const struct stream_case *c)
{
	uint64_t total = 0, mask = dma_mask_of(c->bits);
	for (unsigned i = 0; i < n; i++) {
		assert_true(segs[i].len > 0 && segs[i].bus + segs[i].len - 1 <= mask);
		if (i > 0)
			assert_true(segs[i - 1].bus + segs[i - 1].len != segs[i].bus);   /* merged */
		total += segs[i].len;
	}
	assert_int_equal(total, c->len);
	if (c->contig)
		assert_int_equal(n, 1);
}

struct totals {
	uint64_t to, from;
};

static struct totals copied_so_far(void)
{
	return (struct totals){ bounce_stats.bytes_to_device, bounce_stats.bytes_from_device };
}

static void run_case(int pid, vaddr_t region, vaddr_t segs_va, const struct stream_case *c)
{
	size_t size = REGION_PAGES * PAGE_SIZE;
	uint8_t *bg = malloc(size), *now = malloc(size), *cpu = malloc(c->len), *dev = malloc(c->len);
	uint8_t *want = malloc(c->len);
	for (size_t k = 0; k < size; k++)
		bg[k] = (uint8_t)rng();
	assert_int_equal(user_write(pid, region, bg, size), 0);
	vaddr_t va = region + c->off;
	struct expect e = model(pid, va, c);
	bool to = c->dir & MM_DMA_TO_DEVICE, from = c->dir & MM_DMA_FROM_DEVICE;
	mm_config.bounce_force = c->force;
	struct totals t0 = copied_so_far();
	struct ipc_msg r;
	assert_int_equal(dma_map(pid, va, c->len, c->dir | (c->contig ? MM_DMA_CONTIG : 0), c->bits,
				 segs_va, MM_DMA_SEGS_MAX, &r), 0);
	uint64_t id = r.w[0];
	unsigned n = (unsigned)r.w[1];
	struct mm_dma_seg segs[MM_DMA_SEGS_MAX];
	assert_int_equal(r.w[4], e.bounced);
	assert_int_equal(stub_user_read(pid, segs_va, segs, n * sizeof segs[0]), 0);
	assert_int_equal(r.w[2], segs[0].bus);
	assert_int_equal(r.w[3], segs[0].len);
	check_segs(segs, n, c);
	assert_mm_consistent();

	/* map: the device reads the buffer (TO, BIDIR); a bounced FROM page is zeros */
	for (uint64_t k = 0; k < c->len; k++)
		want[k] = to || !e.bounce[(page_round_down(va + k) - page_round_down(va)) / PAGE_SIZE]
			  ? bg[c->off + k] : 0;
	device_reads(segs, n, want, c->len);
	assert_int_equal(copied_so_far().to - t0.to, to ? e.bounced_bytes : 0);

	/* the CPU writes the buffer; sync for the device copies it (TO, BIDIR) */
	for (uint64_t k = 0; k < c->len; k++)
		cpu[k] = (uint8_t)rng();
	assert_int_equal(user_write(pid, va, cpu, c->len), 0);
	uint64_t copied;
	assert_int_equal(dma_sync(pid, id, MM_DMA_SYNC_FOR_DEVICE, &copied), 0);
	assert_int_equal(copied, to ? e.bounced_bytes : 0);
	if (to)
		device_reads(segs, n, cpu, c->len);

	/* the device writes; sync for the CPU copies it back (FROM, BIDIR) */
	if (from) {
		device_writes(segs, n, dev, c->len);
		assert_int_equal(dma_sync(pid, id, MM_DMA_SYNC_FOR_CPU, &copied), 0);
		assert_int_equal(copied, e.bounced_bytes);
		assert_int_equal(user_read(pid, va, now, c->len), 0);
		assert_memory_equal(now, dev, c->len);
		device_writes(segs, n, dev, c->len);
	} else {
		assert_int_equal(dma_sync(pid, id, MM_DMA_SYNC_FOR_CPU, &copied), 0);
		assert_int_equal(copied, 0);
		memcpy(dev, cpu, c->len);
	}

	/* unmap copies back (FROM, BIDIR) and nothing else of the pages changed */
	struct totals t1 = copied_so_far();
	assert_int_equal(dma_unmap(pid, id, &copied), 0);
	assert_int_equal(copied, from ? e.bounced_bytes : 0);
	assert_int_equal(copied_so_far().from - t1.from, copied);
	assert_int_equal(user_read(pid, region, now, size), 0);
	assert_memory_equal(now + c->off, dev, c->len);     /* what the device wrote last */
	assert_memory_equal(now, bg, c->off);
	assert_memory_equal(now + c->off + c->len, bg + c->off + c->len, size - c->off - c->len);
	for (uint64_t i = 0; from && i < e.npages; i++)
		assert_true(pfn_to_page(frame_of(pid, page_round_down(va) + i * PAGE_SIZE))->flags & PG_DIRTY);
	assert_int_equal(bounce_stats.pages, 0);
	assert_mm_consistent();
	mm_config.bounce_force = false;
	free(bg), free(now), free(cpu), free(dev), free(want);
}

static struct stream_case random_case(void)
{
	static const unsigned bits[] = { 24, 25, 25, 26, 28, 32, 64 };
	static const unsigned dirs[] = { MM_DMA_TO_DEVICE, MM_DMA_FROM_DEVICE, MM_DMA_BIDIRECTIONAL };
	struct stream_case c = { .off = rng() % (3 * PAGE_SIZE), .dir = dirs[rng() % 3],
				 .bits = bits[rng() % 7], .contig = rng() % 3 == 0,
				 .force = rng() % 5 == 0 };
	uint64_t room = REGION_PAGES * PAGE_SIZE - c.off;
	c.len = 1 + rng() % (rng() % 2 ? 64 : 5 * PAGE_SIZE);
	c.len = c.len < room ? c.len : room;
	return c;
}

static void random_mappings_bounce_and_copy_as_the_model_says(void **state)
{
	(void)state;
	int pid = driver(EDU_BDF);
	rng_state = 0xb0a7ce;
	vaddr_t segs = touched_region(pid, SEGS_PAGES);
	uint64_t bounced_maps = 0, maps = bounce_stats.maps, bounced0 = bounce_stats.bounced_maps;
	for (int round = 0; round < 200; round++) {
		vaddr_t region = touched_region(pid, REGION_PAGES);   /* fresh frames each round */
		struct stream_case c = random_case();
		struct expect e = model(pid, region + c.off, &c);
		bounced_maps += e.bounced > 0;
		run_case(pid, region, segs, &c);
		assert_int_equal(req7(pid, MM_MUNMAP, region, REGION_PAGES * PAGE_SIZE, 0, 0, 0, 0, 0,
				      NULL), 0);
	}
	assert_int_equal(bounce_stats.maps - maps, 200);
	assert_int_equal(bounce_stats.bounced_maps - bounced0, bounced_maps);
	assert_true(bounced_maps > 20 && bounced_maps < 190);    /* both kinds were seen */
}

static void known_cases_bounce_all_none_or_the_whole_buffer(void **state)
{
	(void)state;
	int pid = driver(EDU_BDF);
	rng_state = 7;
	vaddr_t segs = touched_region(pid, SEGS_PAGES);
	static const struct stream_case cases[] = {
		{ 100, 3 * PAGE_SIZE, MM_DMA_TO_DEVICE, 24, false, false },     /* all above 16 MiB */
		{ 100, 3 * PAGE_SIZE, MM_DMA_FROM_DEVICE, 64, false, false },   /* none */
		{ 100, 3 * PAGE_SIZE, MM_DMA_BIDIRECTIONAL, 64, false, true },  /* force: all */
		{ 5, 2 * PAGE_SIZE, MM_DMA_BIDIRECTIONAL, 64, true, false },    /* contig */
		{ PAGE_SIZE - 1, 2, MM_DMA_FROM_DEVICE, 24, false, false },     /* 2 bytes, 2 pages */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		vaddr_t region = touched_region(pid, REGION_PAGES);
		struct expect e = model(pid, region + cases[i].off, &cases[i]);
		if (i == 0 || i == 2)
			assert_int_equal(e.bounced, e.npages);
		if (i == 1)
			assert_int_equal(e.bounced, 0);
		run_case(pid, region, segs, &cases[i]);
	}
}

/* ---- pins -------------------------------------------------------------------- */

static void mapped_pages_are_pinned_faulted_in_and_given_back_to_their_pool(void **state)
{
	(void)state;
	int pid = driver(EDU_BDF);
	vaddr_t segs = touched_region(pid, SEGS_PAGES);
	vaddr_t va = map_anon(pid, 4 * PAGE_SIZE, RW);        /* never touched */
	uint64_t resident = proc(pid)->resident;
	struct ipc_msg r;
	assert_int_equal(dma_map(pid, va + 10, 3 * PAGE_SIZE, MM_DMA_TO_DEVICE, 64, segs, 8, &r), 0);
	assert_int_equal(proc(pid)->resident, resident + 4);  /* faulted in */
	for (int i = 0; i < 4; i++)
		assert_true(pinned(frame_of(pid, va + i * PAGE_SIZE)));
	pfn_t f0 = frame_of(pid, va);
	reclaim_evict_from(&reclaim_global, 1000);
	assert_int_equal(frame_of(pid, va), f0);
	assert_mm_consistent();
	assert_int_equal(dma_unmap(pid, r.w[0], NULL), 0);
	for (int i = 0; i < 4; i++) {
		pfn_t f = frame_of(pid, va + i * PAGE_SIZE);
		assert_false(pfn_to_page(f)->flags & PG_PINNED);
		assert_non_null(reclaim_pool_of(f));            /* evictable again */
	}
	assert_mm_consistent();
}

static void a_page_of_two_mappings_stays_pinned_until_the_last_goes(void **state)
{
	(void)state;
	int pid = driver(EDU_BDF);
	vaddr_t va = touched_region(pid, 1);
	struct ipc_msg a, b;
	assert_int_equal(dma_map(pid, va, 64, MM_DMA_TO_DEVICE, 64, 0, 0, &a), 0);
	assert_int_equal(dma_map(pid, va + 128, 64, MM_DMA_FROM_DEVICE, 64, 0, 0, &b), 0);
	assert_int_equal(dma_unmap(pid, a.w[0], NULL), 0);
	assert_true(pinned(frame_of(pid, va)));
	assert_mm_consistent();
	assert_int_equal(dma_unmap(pid, b.w[0], NULL), 0);
	assert_false(pinned(frame_of(pid, va)));
	assert_mm_consistent();
}

static void munmap_and_sbrk_refuse_to_free_pinned_pages(void **state)
{
	(void)state;
	int pid = driver(EDU_BDF);
	vaddr_t va = touched_region(pid, 2);
	struct ipc_msg r, h;
	assert_int_equal(dma_map(pid, va + PAGE_SIZE, 8, MM_DMA_BIDIRECTIONAL, 64, 0, 0, &r), 0);
	assert_dma_refused(&pid, 1, pid, MM_MUNMAP, va, 2 * PAGE_SIZE, 0, 0, 0, 0, 0, -ERR_BUSY);
	assert_int_equal(req7(pid, MM_SBRK, 3 * PAGE_SIZE, 0, 0, 0, 0, 0, 0, &h), 0);
	vaddr_t heap_page = page_round_up(h.w[0]);
	assert_int_equal(touch(pid, heap_page, MM_FAULT_WRITE), 0);
	struct ipc_msg hm;
	assert_int_equal(dma_map(pid, heap_page, 16, MM_DMA_TO_DEVICE, 64, 0, 0, &hm), 0);
	assert_dma_refused(&pid, 1, pid, MM_SBRK, (uint64_t)-(int64_t)(3 * PAGE_SIZE), 0, 0, 0, 0, 0, 0,
			   -ERR_BUSY);
	assert_int_equal(dma_unmap(pid, hm.w[0], NULL), 0);
	assert_int_equal(req7(pid, MM_SBRK, (uint64_t)-(int64_t)(3 * PAGE_SIZE), 0, 0, 0, 0, 0, 0, NULL), 0);
	assert_int_equal(dma_unmap(pid, r.w[0], NULL), 0);
	assert_int_equal(req7(pid, MM_MUNMAP, va, 2 * PAGE_SIZE, 0, 0, 0, 0, 0, NULL), 0);
	assert_mm_consistent();
}

static void a_buffer_that_is_not_contiguous_needs_a_segment_array(void **state)
{
	(void)state;
	int pid = driver(EDU_BDF);
	vaddr_t va = map_anon(pid, 3 * PAGE_SIZE, RW);
	for (int i = 2; i >= 0; i--)                        /* backwards: frames out of order */
		assert_int_equal(touch(pid, va + (vaddr_t)i * PAGE_SIZE, MM_FAULT_WRITE), 0);
	assert_true(frame_of(pid, va + PAGE_SIZE) != frame_of(pid, va) + 1);
	assert_true(frame_of(pid, va + 2 * PAGE_SIZE) != frame_of(pid, va + PAGE_SIZE) + 1);
	assert_dma_refused(&pid, 1, pid, MM_DMA_MAP, va, 3 * PAGE_SIZE, MM_DMA_TO_DEVICE, EDU_BDF, 64, 0, 0,
			   -ERR_NOSPC);
	vaddr_t segs = touched_region(pid, 1);
	assert_dma_refused(&pid, 1, pid, MM_DMA_MAP, va, 3 * PAGE_SIZE, MM_DMA_TO_DEVICE, EDU_BDF, 64, segs, 2,
			   -ERR_NOSPC);
	struct ipc_msg r;                                   /* contiguous: one run, bounced */
	assert_int_equal(dma_map(pid, va, 3 * PAGE_SIZE, MM_DMA_TO_DEVICE | MM_DMA_CONTIG, 64, 0, 0, &r), 0);
	assert_int_equal(r.w[1], 1);
	assert_int_equal(r.w[4], 3);
	assert_int_equal(r.w[3], 3 * PAGE_SIZE);
	assert_int_equal(dma_unmap(pid, r.w[0], NULL), 0);
	assert_mm_consistent();
}

/* ---- bad requests: each gets its error and changes nothing -------------------- */

static void mapping_memory_the_caller_does_not_own_is_a_fault_and_changes_nothing(void **state)
{
	(void)state;
	int pid = driver(EDU_BDF);
	vaddr_t anon = touched_region(pid, 2);
	vaddr_t shared = map_shared(pid, PAGE_SIZE, RW, 0x5ad);
	assert_int_equal(touch(pid, shared, MM_FAULT_WRITE), 0);
	struct grant_reply g = grant_alloc(pid, EDU_BDF, PAGE_SIZE, 32);
	const int p[] = { pid };
	assert_dma_refused(p, 1, pid, MM_DMA_MAP, NO_REGION, 16, MM_DMA_TO_DEVICE, EDU_BDF, 64, 0, 0, -ERR_FAULT);
	assert_dma_refused(p, 1, pid, MM_DMA_MAP, anon + PAGE_SIZE, 2 * PAGE_SIZE, MM_DMA_TO_DEVICE, EDU_BDF,
			   64, 0, 0, -ERR_FAULT);          /* runs off the end of its region */
	assert_dma_refused(p, 1, pid, MM_DMA_MAP, shared, 16, MM_DMA_TO_DEVICE, EDU_BDF, 64, 0, 0, -ERR_FAULT);
	assert_dma_refused(p, 1, pid, MM_DMA_MAP, g.va, 16, MM_DMA_TO_DEVICE, EDU_BDF, 64, 0, 0, -ERR_FAULT);
	assert_dma_refused(p, 1, pid, MM_DMA_MAP, PROG_TEXT_VA, 16, MM_DMA_FROM_DEVICE, EDU_BDF, 64, 0, 0,
			   -ERR_FAULT);                    /* a device may not write its code */
	assert_dma_refused(p, 1, pid, MM_DMA_MAP, anon, 16, MM_DMA_TO_DEVICE, EDU_BDF, 24, NO_REGION, 4,
			   -ERR_FAULT);                    /* the segment array: pins and bounce undone */
	struct ipc_msg r;
	assert_int_equal(dma_map(pid, PROG_TEXT_VA, 16, MM_DMA_TO_DEVICE, 64, 0, 0, &r), 0);  /* reading it may */
	assert_int_equal(dma_unmap(pid, r.w[0], NULL), 0);
}

static void map_requests_with_bad_words_are_invalid_and_change_nothing(void **state)
{
	(void)state;
	int pid = driver(EDU_BDF);
	vaddr_t va = touched_region(pid, 2), segs = touched_region(pid, 1);
	const int p[] = { pid };
	const uint64_t TO = MM_DMA_TO_DEVICE;
	assert_dma_refused(p, 1, pid, MM_DMA_MAP, va, 0, TO, EDU_BDF, 64, 0, 0, -ERR_INVAL);
	assert_dma_refused(p, 1, pid, MM_DMA_MAP, va, MM_DMA_MAP_MAX + 1, TO, EDU_BDF, 64, 0, 0, -ERR_INVAL);
	assert_dma_refused(p, 1, pid, MM_DMA_MAP, va, 16, 0, EDU_BDF, 64, 0, 0, -ERR_INVAL);
	assert_dma_refused(p, 1, pid, MM_DMA_MAP, va, 16, 4, EDU_BDF, 64, 0, 0, -ERR_INVAL);
	assert_dma_refused(p, 1, pid, MM_DMA_MAP, va, 16, TO | 0x20, EDU_BDF, 64, 0, 0, -ERR_INVAL);
	assert_dma_refused(p, 1, pid, MM_DMA_MAP, va, 16, TO, EDU_BDF, 23, 0, 0, -ERR_INVAL);
	assert_dma_refused(p, 1, pid, MM_DMA_MAP, va, 16, TO, EDU_BDF, 65, 0, 0, -ERR_INVAL);
	assert_dma_refused(p, 1, pid, MM_DMA_MAP, va, 16, TO, EDU_BDF, 64, 0, 3, -ERR_INVAL);
	assert_dma_refused(p, 1, pid, MM_DMA_MAP, va, 16, TO, EDU_BDF, 64, segs, 0, -ERR_INVAL);
	assert_dma_refused(p, 1, pid, MM_DMA_MAP, va, 16, TO, EDU_BDF, 64, segs, MM_DMA_SEGS_MAX + 1,
			   -ERR_INVAL);
	assert_dma_refused(p, 1, pid, MM_DMA_MAP, 0, 16, TO, EDU_BDF, 64, 0, 0, -ERR_INVAL);
	assert_dma_refused(p, 1, pid, MM_DMA_MAP, USER_TOP - 8, 16, TO, EDU_BDF, 64, 0, 0, -ERR_INVAL);
	assert_dma_refused(p, 1, pid, MM_DMA_MAP, (uint64_t)-8, 16, TO, EDU_BDF, 64, 0, 0, -ERR_INVAL);
	assert_dma_refused(p, 1, pid, MM_DMA_MAP, va, 16, TO, 0x10000, 64, 0, 0, -ERR_INVAL);
}

static void maps_for_devices_the_caller_does_not_own_are_refused(void **state)
{
	(void)state;
	int drv = driver(EDU_BDF), plain = spawn("prog")->pid;
	vaddr_t mine = touched_region(drv, 1), theirs = touched_region(plain, 1);
	const int p[] = { drv, plain };
	const uint64_t TO = MM_DMA_TO_DEVICE;
	assert_dma_refused(p, 2, plain, MM_DMA_MAP, theirs, 16, TO, EDU_BDF, 64, 0, 0, -ERR_PERM);
	assert_dma_refused(p, 2, drv, MM_DMA_MAP, mine, 16, TO, DEV_BDF(1, 2, 3), 64, 0, 0, -ERR_NOENT);
	stub_fail(STUB_DEVICE, 0, -ERR_NOSYS);
	assert_dma_refused(p, 2, drv, MM_DMA_MAP, mine, 16, TO, EDU_BDF, 64, 0, 0, -ERR_NOSYS);
}

static void more_mappings_than_a_process_may_hold_are_nospc(void **state)
{
	(void)state;
	int pid = driver(EDU_BDF);
	vaddr_t va = touched_region(pid, 1);
	for (int i = 0; i < MM_DMA_STREAMS_MAX; i++)
		assert_int_equal(dma_map(pid, va + (vaddr_t)i * 8, 8, MM_DMA_TO_DEVICE, 64, 0, 0, NULL), 0);
	assert_dma_refused(&pid, 1, pid, MM_DMA_MAP, va, 8, MM_DMA_TO_DEVICE, EDU_BDF, 64, 0, 0, -ERR_NOSPC);
	exit_proc(pid, 0);
	assert_int_equal(free_at_rest(), baseline);
}

static void sync_and_unmap_of_bad_ids_others_or_twice_are_refused(void **state)
{
	(void)state;
	int a = driver(EDU_BDF), b = driver(OTHER_BDF);
	vaddr_t va = touched_region(a, 1);
	struct ipc_msg r;
	assert_int_equal(dma_map(a, va, 100, MM_DMA_BIDIRECTIONAL, 24, 0, 0, &r), 0);
	uint64_t id = r.w[0];
	const int p[] = { a, b };
	assert_dma_refused(p, 2, a, MM_DMA_SYNC, id + 1, MM_DMA_SYNC_FOR_CPU, 0, 0, 0, 0, 0, -ERR_NOENT);
	assert_dma_refused(p, 2, a, MM_DMA_SYNC, id, 0, 0, 0, 0, 0, 0, -ERR_INVAL);
	assert_dma_refused(p, 2, a, MM_DMA_SYNC, id, 3, 0, 0, 0, 0, 0, -ERR_INVAL);
	assert_dma_refused(p, 2, b, MM_DMA_SYNC, id, MM_DMA_SYNC_FOR_CPU, 0, 0, 0, 0, 0, -ERR_PERM);
	assert_dma_refused(p, 2, b, MM_DMA_UNMAP, id, 0, 0, 0, 0, 0, 0, -ERR_PERM);
	assert_dma_refused(p, 2, a, MM_DMA_UNMAP, 0, 0, 0, 0, 0, 0, 0, -ERR_NOENT);
	assert_int_equal(dma_unmap(a, id, NULL), 0);
	assert_dma_refused(p, 2, a, MM_DMA_UNMAP, id, 0, 0, 0, 0, 0, 0, -ERR_NOENT);   /* twice */
	assert_dma_refused(p, 2, a, MM_DMA_SYNC, id, MM_DMA_SYNC_FOR_DEVICE, 0, 0, 0, 0, 0, -ERR_NOENT);
}

/* ---- exit ----------------------------------------------------------------------- */

static void a_driver_that_exits_mid_mapping_returns_every_frame(void **state)
{
	(void)state;
	int pid = driver(EDU_BDF);
	vaddr_t va = touched_region(pid, 4);
	assert_int_equal(dma_map(pid, va + 1, 3 * PAGE_SIZE, MM_DMA_FROM_DEVICE, 24, touched_region(pid, 1), 8,
				 NULL), 0);
	assert_int_equal(dma_map(pid, va, 64, MM_DMA_TO_DEVICE | MM_DMA_CONTIG, 64, 0, 0, NULL), 0);
	assert_true(bounce_stats.pages >= 4);
	exit_proc(pid, 0);
	assert_int_equal(bounce_stats.pages, 0);
	assert_int_equal(dma_frames_in_memory(), 0);
	assert_int_equal(free_at_rest(), baseline);
	assert_mm_consistent();
}

static void dma_info_lists_mappings_and_the_bounce_counters(void **state)
{
	(void)state;
	int pid = driver(EDU_BDF);
	vaddr_t va = touched_region(pid, 2), buf = touched_region(pid, 1);
	struct mm_dma_totals t0;
	struct ipc_msg r;
	assert_int_equal(req7(pid, MM_DMA_INFO, MM_DMA_INFO_TOTALS, 0, buf, sizeof t0, 0, 0, 0, NULL), 0);
	assert_int_equal(stub_user_read(pid, buf, &t0, sizeof t0), 0);
	assert_int_equal(dma_map(pid, va + 8, PAGE_SIZE, MM_DMA_TO_DEVICE | MM_DMA_CONTIG, 24, 0, 0, &r), 0);
	struct mm_dma_stream_info s;
	assert_int_equal(req7(pid, MM_DMA_INFO, MM_DMA_INFO_STREAM, 0, buf, sizeof s, 0, 0, 0, NULL), 0);
	assert_int_equal(stub_user_read(pid, buf, &s, sizeof s), 0);
	assert_int_equal(s.id, r.w[0]);
	assert_int_equal(s.owner, pid);
	assert_int_equal(s.va, va + 8);
	assert_int_equal(s.len, PAGE_SIZE);
	assert_int_equal(s.pages, 2);
	assert_int_equal(s.bounced, 2);
	assert_int_equal(s.segs, 1);
	assert_int_equal(s.bus, r.w[2]);
	assert_int_equal(s.flags, MM_DMA_INFO_BOUNCED);
	struct mm_dma_totals t;
	assert_int_equal(req7(pid, MM_DMA_INFO, MM_DMA_INFO_TOTALS, 0, buf, sizeof t, 0, 0, 0, NULL), 0);
	assert_int_equal(stub_user_read(pid, buf, &t, sizeof t), 0);
	assert_int_equal(t.streams, 1);
	assert_int_equal(t.stream_pages, 2);
	assert_int_equal(t.bounce_pages, 2);
	assert_int_equal(t.maps - t0.maps, 1);
	assert_int_equal(t.bounced_maps - t0.bounced_maps, 1);
	assert_int_equal(t.bounced_pages - t0.bounced_pages, 2);
	assert_int_equal(t.bytes_to_device - t0.bytes_to_device, PAGE_SIZE);
	assert_int_equal(t.bounce_force, 0);
	assert_int_equal(req7(pid, MM_DMA_INFO, MM_DMA_INFO_STREAM, 1, buf, sizeof s, 0, 0, 0, NULL), -ERR_NOENT);
}

static void a_device_not_shown_stopped_quarantines_pinned_and_bounce_pages(void **state)
{
	(void)state;
	int pid = driver(EDU_BDF);
	vaddr_t va = touched_region(pid, 3);
	struct ipc_msg r;
	assert_int_equal(dma_map(pid, va, 2 * PAGE_SIZE, MM_DMA_FROM_DEVICE, 24, touched_region(pid, 1), 4,
				 &r), 0);
	assert_int_equal(r.w[4], 2);
	stub_dev_stuck(EDU_BDF, true);
	exit_proc(pid, 0);
	assert_int_equal(dma_frames_in_memory(), 4);        /* its 2 pages and their 2 bounce pages */
	struct mm_dma_stream_info s;
	assert_true(dma_info_stream_at(0, &s));
	assert_true(s.flags & MM_DMA_INFO_QUARANTINED);
	assert_mm_consistent();
	int next = driver(EDU_BDF);
	vaddr_t again = touched_region(next, 3);
	assert_int_equal(dma_map(next, again, 3 * PAGE_SIZE, MM_DMA_BIDIRECTIONAL, 24, touched_region(next, 1),
				 4, NULL), 0);
	exit_proc(next, 0);
	uint64_t lost = baseline - free_at_rest();
	assert_true(lost >= 4 && lost <= 4 + 2);    /* the 4 frames, and the slab pages of the record */
	assert_int_equal(dma_frames_in_memory(), 4);
	assert_mm_consistent();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		MM_TEST(random_mappings_bounce_and_copy_as_the_model_says),
		MM_TEST(known_cases_bounce_all_none_or_the_whole_buffer),
		MM_TEST(mapped_pages_are_pinned_faulted_in_and_given_back_to_their_pool),
		MM_TEST(a_page_of_two_mappings_stays_pinned_until_the_last_goes),
		MM_TEST(munmap_and_sbrk_refuse_to_free_pinned_pages),
		MM_TEST(a_buffer_that_is_not_contiguous_needs_a_segment_array),
		MM_TEST(mapping_memory_the_caller_does_not_own_is_a_fault_and_changes_nothing),
		MM_TEST(map_requests_with_bad_words_are_invalid_and_change_nothing),
		MM_TEST(maps_for_devices_the_caller_does_not_own_are_refused),
		MM_TEST(more_mappings_than_a_process_may_hold_are_nospc),
		MM_TEST(sync_and_unmap_of_bad_ids_others_or_twice_are_refused),
		MM_TEST(a_driver_that_exits_mid_mapping_returns_every_frame),
		MM_TEST(dma_info_lists_mappings_and_the_bounce_counters),
		/* last: a quarantined mapping stays until the end of the suite */
		MM_TEST(a_device_not_shown_stopped_quarantines_pinned_and_bounce_pages),
	};
	return MM_RUN(tests);
}
