/*
 * test_buddy.c - the buddy allocator (servers/mm/buddy.c), compiled
 * unchanged against tests/host/mm_stubs.c.
 *
 * Most known-result tests use one_block_map, whose DMA zone is exactly one
 * order-10 block at frame 0, with watermarks switched off so every frame can
 * be handed out; the watermark tests switch them back on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <pagoda/error.h>
#include "mm_env.h"
#include "zone.h"
#include "buddy.h"
#include "mm_stubs.h"
#include "mm_maps.h"
#include "rng.h"

static void boot(const struct mm_range *map, size_t n,
                 const struct mm_range *res, size_t nres)
{
	stub_phys_setup(map, n, res, nres);
	assert_int_equal(zone_init(map, n, res, nres), ERR_OK);
	if (zone_free_pages() == 0) /* the buddy lab's handout, before put_block */
		fail_msg("zone_init gave the buddy allocator no free pages: "
		         "buddy_add_free_range -> put_block lists nothing");
}

/* An allocation the test goes on to touch: fail here, clearly, rather than
 * writing through PFN_NONE. */
static pfn_t must_alloc(unsigned order, mm_flags_t flags)
{
	pfn_t p = buddy_alloc(order, flags);

	if (p == PFN_NONE)
		fail_msg("buddy_alloc(%u, %#x) failed in a zone that has the memory",
		         order, (unsigned)flags);
	if (p + ((pfn_t)1 << order) > mm_max_pfn)
		fail_msg("buddy_alloc(%u, %#x) returned pfn %#lx, beyond the map",
		         order, (unsigned)flags, (unsigned long)p);
	return p;
}

static void no_watermarks(void)
{
	for (int z = 0; z < MM_NR_ZONES; z++) {
		memset(mm_zones[z].watermark, 0, sizeof(mm_zones[z].watermark));
		memset(mm_zones[z].lowmem_reserve, 0, sizeof(mm_zones[z].lowmem_reserve));
	}
}

static void boot_one_block(void)
{
	boot(one_block_map, ARRAY_LEN(one_block_map), NULL, 0);
	no_watermarks();
}

static int teardown(void **state)
{
	(void)state;
	mm_debug = 0;
	stub_phys_teardown();
	return 0;
}

static const struct free_area *dma_area(unsigned order)
{
	return &mm_zones[ZONE_DMA].free_area[order];
}

static void assert_dma_is_one_order_10_block(void)
{
	for (unsigned o = 0; o < MM_MAX_ORDER; o++)
		assert_int_equal(dma_area(o)->nr_free, 0);
	assert_int_equal(dma_area(MM_MAX_ORDER)->nr_free, 1);
	assert_int_equal(dma_area(MM_MAX_ORDER)->head, 0);
	assert_int_equal(mm_zones[ZONE_DMA].free_pages, 1024);
	assert_int_equal(buddy_check(), 0);
}

/* ---- split and coalesce with known results ------------------------------ */

static void buddy_splits_order_10_block_down_to_order_0(void **state)
{
	(void)state;
	boot_one_block();
	assert_dma_is_one_order_10_block();

	assert_int_equal(buddy_alloc(0, MM_ZONE_DMA), 0); /* frame 0 is real */
	for (unsigned o = 0; o < MM_MAX_ORDER; o++) {
		assert_int_equal(dma_area(o)->nr_free, 1);
		assert_int_equal(dma_area(o)->head, 1u << o); /* upper halves */
	}
	assert_int_equal(dma_area(MM_MAX_ORDER)->nr_free, 0);
	assert_int_equal(mm_zones[ZONE_DMA].free_pages, 1023);
	assert_int_equal(buddy_check(), 0);
}

static void buddy_coalesces_split_pair_back_to_order_10(void **state)
{
	(void)state;
	boot_one_block();

	pfn_t a = buddy_alloc(0, MM_ZONE_DMA), b = buddy_alloc(0, MM_ZONE_DMA);
	assert_int_equal(a, 0);
	assert_int_equal(b, 1); /* the buddy of a, split off by the first alloc */
	assert_int_equal(buddy_free(a, 0), ERR_OK);
	assert_int_equal(dma_area(0)->nr_free, 1); /* b still allocated: no merge */
	assert_int_equal(dma_area(0)->head, 0);
	assert_int_equal(buddy_check(), 0);
	assert_int_equal(buddy_free(b, 0), ERR_OK);
	assert_dma_is_one_order_10_block();
}

static void buddy_mixed_order_sequence_gives_known_frames(void **state)
{
	(void)state;
	boot_one_block();

	assert_int_equal(buddy_alloc(3, MM_ZONE_DMA), 0);
	assert_int_equal(buddy_alloc(2, MM_ZONE_DMA), 8);
	assert_int_equal(buddy_alloc(0, MM_ZONE_DMA), 12);
	assert_int_equal(buddy_alloc(3, MM_ZONE_DMA), 16);
	assert_int_equal(buddy_alloc(0, MM_ZONE_DMA), 13);
	assert_int_equal(buddy_alloc(1, MM_ZONE_DMA), 14);
	assert_int_equal(buddy_check(), 0);
	/* [0, 24) is allocated: free lists hold 24(3), 32(5), 64(6) ... 512(9) */
	assert_int_equal(dma_area(3)->head, 24);
	assert_int_equal(dma_area(4)->nr_free, 0);
	assert_int_equal(mm_zones[ZONE_DMA].free_pages, 1024 - 24);

	assert_int_equal(buddy_free(8, 2), ERR_OK);
	assert_int_equal(buddy_free(12, 0), ERR_OK);
	assert_int_equal(buddy_free(13, 0), ERR_OK);
	assert_int_equal(dma_area(1)->nr_free, 1); /* 12..13 merged, 14 still out */
	assert_int_equal(buddy_free(14, 1), ERR_OK);
	assert_int_equal(dma_area(3)->head, 8);   /* 8..15 merged back to order 3 */
	assert_int_equal(buddy_free(0, 3), ERR_OK);
	assert_int_equal(dma_area(4)->head, 0);   /* 0..15 */
	assert_int_equal(buddy_free(16, 3), ERR_OK);
	assert_dma_is_one_order_10_block();
}

static void buddy_allocates_every_order_aligned_to_its_size(void **state)
{
	(void)state;
	boot_one_block();

	for (unsigned o = 0; o <= MM_MAX_ORDER; o++) {
		pfn_t pad = o > 0 ? buddy_alloc(o - 1, MM_ZONE_DMA) : PFN_NONE;
		pfn_t p = buddy_alloc(o, MM_ZONE_DMA);
		if (o == MM_MAX_ORDER) {
			assert_int_equal(p, PFN_NONE); /* the pad broke the only block */
			assert_int_equal(buddy_free(pad, o - 1), ERR_OK);
			p = buddy_alloc(o, MM_ZONE_DMA);
			pad = PFN_NONE;
		}
		assert_int_not_equal(p, PFN_NONE);
		assert_int_equal(p % (1u << o), 0);
		assert_int_equal(pfn_to_page(p)->state, PAGE_ALLOCATED);
		assert_int_equal(pfn_to_page(p)->order, o);
		for (pfn_t i = 1; i < (1u << o); i++)
			assert_int_equal(pfn_to_page(p + i)->state, PAGE_TAIL);
		assert_int_equal(buddy_check(), 0);
		assert_int_equal(buddy_free(p, o), ERR_OK);
		if (pad != PFN_NONE)
			assert_int_equal(buddy_free(pad, o - 1), ERR_OK);
		assert_dma_is_one_order_10_block();
	}
}

static void buddy_zero_flag_zeroes_the_whole_block(void **state)
{
	(void)state;
	boot_one_block();

	pfn_t p = must_alloc(2, MM_ZONE_DMA);
	memset(pfn_to_virt(p), 0xab, 4 * PAGE_SIZE);
	assert_int_equal(buddy_free(p, 2), ERR_OK);
	assert_int_equal(buddy_alloc(2, MM_ZONE_DMA | MM_ZERO), p); /* LIFO */
	const uint8_t *bytes = pfn_to_virt(p);
	for (size_t i = 0; i < 4 * PAGE_SIZE; i++)
		assert_int_equal(bytes[i], 0);
}

/* ---- zones, fallback, watermarks ---------------------------------------- */

static void buddy_zone_flags_bound_where_blocks_come_from(void **state)
{
	(void)state;
	boot(big_map, ARRAY_LEN(big_map), NULL, 0);

	for (int i = 0; i < 200; i++) {
		pfn_t d = buddy_alloc(i % 3, MM_ZONE_DMA);
		pfn_t d32 = buddy_alloc(i % 3, MM_ZONE_DMA32);
		pfn_t n = buddy_alloc(i % 3, 0);
		assert_true(pfn_to_pa(d) < ZONE_DMA_LIMIT);
		assert_true(pfn_to_pa(d32) >= ZONE_DMA_LIMIT && pfn_to_pa(d32) < ZONE_DMA32_LIMIT);
		assert_true(pfn_to_pa(n) >= ZONE_DMA32_LIMIT);
	}
	/* both zone flags: the stricter one wins */
	assert_true(pfn_to_pa(buddy_alloc(0, MM_ZONE_DMA | MM_ZONE_DMA32)) < ZONE_DMA_LIMIT);
	assert_int_equal(buddy_check(), 0);
}

/*
 * Ordinary allocations drain NORMAL, then DMA32, then DMA, in that order,
 * and stop with each lower zone still holding min + its lowmem reserve, so
 * a request that really needs DMA still succeeds afterwards.
 */
static void buddy_falls_back_normal_dma32_dma_and_keeps_lowmem_reserve(void **state)
{
	(void)state;
	boot(big_map, ARRAY_LEN(big_map), NULL, 0);
	uint64_t start = zone_free_pages();
	pfn_t *got = calloc(start, sizeof(*got));
	size_t n = 0;
	enum zone_id last = ZONE_NORMAL;

	while (n < start && (got[n] = buddy_alloc(0, 0)) != PFN_NONE) {
		enum zone_id z = pfn_zone(got[n++]);
		assert_true(z <= last); /* never climbs back up */
		last = z;
	}
	assert_int_equal(last, ZONE_DMA);
	assert_int_equal(mm_zones[ZONE_NORMAL].nr_fail, 1);
	for (int z = ZONE_DMA; z <= ZONE_NORMAL; z++) {
		const struct zone *zn = &mm_zones[z];
		uint64_t keep = zn->watermark[WMARK_MIN] + zn->lowmem_reserve[ZONE_NORMAL];
		assert_int_equal(zn->free_pages, keep); /* exactly down to the line */
	}
	assert_true(mm_zones[ZONE_DMA].lowmem_reserve[ZONE_NORMAL] > 0);
	pfn_t dma = buddy_alloc(0, MM_ZONE_DMA);
	assert_true(dma != PFN_NONE && pfn_to_pa(dma) < ZONE_DMA_LIMIT);
	got[n++] = dma;
	assert_int_equal(buddy_check(), 0);

	for (size_t i = 0; i < n; i++)
		assert_int_equal(buddy_free(got[i], 0), ERR_OK);
	assert_int_equal(zone_free_pages(), start);
	assert_int_equal(buddy_check(), 0);
	free(got);
}

/* DMA zone of 1024 frames: min 8, low 10. Ordinary requests stop at 8 free,
 * MM_HIGH at 4, MM_EMERGENCY at 0. */
static void buddy_min_watermark_yields_only_to_high_and_emergency(void **state)
{
	(void)state;
	boot(one_block_map, ARRAY_LEN(one_block_map), NULL, 0);
	const struct zone *dma = &mm_zones[ZONE_DMA];
	int normal = 0, high = 0, emergency = 0;

	assert_int_equal(dma->watermark[WMARK_MIN], 8);
	while (buddy_alloc(0, MM_ZONE_DMA) != PFN_NONE)
		normal++;
	while (buddy_alloc(0, MM_ZONE_DMA | MM_HIGH) != PFN_NONE)
		high++;
	while (buddy_alloc(0, MM_ZONE_DMA | MM_EMERGENCY) != PFN_NONE)
		emergency++;
	assert_int_equal(normal, 1016);
	assert_int_equal(high, 4);
	assert_int_equal(emergency, 4);
	assert_int_equal(dma->free_pages, 0);
	assert_int_equal(dma->nr_alloc, 1024);
	assert_int_equal(dma->nr_fail, 3);
	assert_int_equal(dma->nr_below_low, 2 + 4 + 4); /* left free at 9, 8, ... */
}

/* ---- exhaustion and recovery --------------------------------------------- */

static void buddy_exhaustion_fails_then_recovers_after_frees(void **state)
{
	(void)state;
	boot_one_block();
	pfn_t got[1024];

	for (int i = 0; i < 1024; i++) {
		got[i] = buddy_alloc(0, MM_ZONE_DMA);
		assert_int_equal(got[i], (pfn_t)i); /* splits hand out frames in order */
	}
	assert_int_equal(buddy_alloc(0, MM_ZONE_DMA), PFN_NONE);
	assert_int_equal(mm_zones[ZONE_DMA].nr_fail, 1);
	assert_int_equal(buddy_free(got[500], 0), ERR_OK);
	assert_int_equal(buddy_alloc(0, MM_ZONE_DMA), 500);
	for (int i = 0; i < 1024; i++)
		assert_int_equal(buddy_free(got[i], 0), ERR_OK);
	assert_dma_is_one_order_10_block();
}

/* Half the zone free, every other frame: no order-1 block exists. */
static void buddy_fragmented_zone_fails_order_1_with_half_free(void **state)
{
	(void)state;
	boot_one_block();

	for (int i = 0; i < 1024; i++)
		buddy_alloc(0, MM_ZONE_DMA);
	for (pfn_t p = 0; p < 1024; p += 2)
		assert_int_equal(buddy_free(p, 0), ERR_OK);
	assert_int_equal(mm_zones[ZONE_DMA].free_pages, 512);
	assert_int_equal(buddy_alloc(1, MM_ZONE_DMA), PFN_NONE);
	assert_int_equal(buddy_alloc(0, MM_ZONE_DMA), 1022); /* LIFO: last freed */
	assert_int_equal(buddy_check(), 0);
}

/* Take every frame, largest blocks first, zeroing each: a hole or reserved
 * frame handed out would fault (it is PROT_NONE) or fail stub_phys_is_ram. */
static void buddy_never_returns_holes_or_reserved_frames(void **state)
{
	(void)state;
	boot(pc_map, ARRAY_LEN(pc_map), pc_boot, ARRAY_LEN(pc_boot));
	uint64_t start = zone_free_pages();
	struct { pfn_t pfn; unsigned order; } *got = calloc(start, sizeof(*got));
	size_t n = 0;

	for (int o = MM_MAX_ORDER; o >= 0; o--) {
		pfn_t p;
		while (n < start && (p = buddy_alloc(o, MM_EMERGENCY | MM_ZERO)) != PFN_NONE) {
			assert_true(stub_phys_is_ram(pfn_to_pa(p), PAGE_SIZE << o));
			got[n].pfn = p;
			got[n++].order = o;
		}
	}
	assert_int_equal(zone_free_pages(), 0);
	assert_int_equal(buddy_check(), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(buddy_free(got[i].pfn, got[i].order), ERR_OK);
	assert_int_equal(zone_free_pages(), start);
	assert_int_equal(buddy_check(), 0);
	free(got);
}

static void buddy_rejects_order_above_max_and_unknown_flags(void **state)
{
	(void)state;
	boot_one_block();

	assert_int_equal(buddy_alloc(MM_MAX_ORDER + 1, 0), PFN_NONE);
	assert_int_equal(buddy_alloc(0, 0x80000000u), PFN_NONE);
	/* the same in DMA, which has the memory: refused before any list */
	assert_int_equal(buddy_alloc(MM_MAX_ORDER + 1, MM_ZONE_DMA), PFN_NONE);
	assert_int_equal(buddy_alloc(0, MM_ZONE_DMA | 0x80000000u), PFN_NONE);
	assert_int_equal(buddy_alloc(200, MM_ZONE_DMA), PFN_NONE);
	assert_int_equal(stub_bug_count, 0); /* a refused request, not a bug */
	assert_int_equal(mm_zones[ZONE_NORMAL].nr_fail, 2);
	assert_int_equal(mm_zones[ZONE_DMA].nr_fail, 3);
	assert_int_equal(mm_zones[ZONE_DMA].nr_alloc, 0);
	assert_dma_is_one_order_10_block();
}

/* ---- bugs are caught, named and refused ---------------------------------- */

static void assert_bug_names(const char *what, const char *frame)
{
	assert_int_equal(stub_bug_count, 1);
	assert_non_null(strstr(stub_bug_last, what));
	assert_non_null(strstr(stub_bug_last, frame));
	stub_bug_reset();
}

static void buddy_detects_double_free_and_changes_nothing(void **state)
{
	(void)state;
	boot_one_block();

	pfn_t p = buddy_alloc(0, MM_ZONE_DMA), q = buddy_alloc(0, MM_ZONE_DMA);
	assert_int_equal(buddy_free(q, 0), ERR_OK);
	uint64_t free_before = zone_free_pages();
	assert_int_equal(buddy_free(q, 0), -ERR_BUG);
	assert_bug_names("double free", "pfn 0x1 ");
	assert_int_equal(zone_free_pages(), free_before);
	assert_int_equal(buddy_check(), 0);
	assert_int_equal(buddy_free(p, 0), ERR_OK);
	assert_dma_is_one_order_10_block();
}

static void buddy_detects_free_with_wrong_order(void **state)
{
	(void)state;
	boot_one_block();

	pfn_t p = buddy_alloc(2, MM_ZONE_DMA);
	assert_int_equal(buddy_free(p, 1), -ERR_BUG);
	assert_bug_names("freed with order 1 but allocated with order 2", "pfn 0x0 ");
	assert_int_equal(buddy_free(p, 3), -ERR_BUG);
	assert_bug_names("order 3", "pfn 0x0 ");
	assert_int_equal(buddy_check(), 0);
	assert_int_equal(buddy_free(p, 2), ERR_OK);
	assert_dma_is_one_order_10_block();
}

static void buddy_detects_free_of_tail_frame(void **state)
{
	(void)state;
	boot_one_block();

	pfn_t p = buddy_alloc(3, MM_ZONE_DMA);
	assert_int_equal(buddy_free(p + 5, 0), -ERR_BUG);
	assert_bug_names("not the first frame", "pfn 0x5 ");
	/* a frame inside a free block is a tail too */
	assert_int_equal(buddy_free(700, 0), -ERR_BUG);
	assert_bug_names("not the first frame", "pfn 0x2bc ");
	assert_int_equal(buddy_free(p, 3), ERR_OK);
	assert_dma_is_one_order_10_block();
}

static void buddy_detects_free_of_reserved_or_absent_frame(void **state)
{
	(void)state;
	boot(pc_map, ARRAY_LEN(pc_map), pc_boot, ARRAY_LEN(pc_boot));
	uint64_t start = zone_free_pages();

	assert_int_equal(buddy_free(0x100, 0), -ERR_BUG); /* kernel image */
	assert_bug_names("reserved (boot)", "pfn 0x100 ");
	assert_int_equal(buddy_free(0xa0, 0), -ERR_BUG);  /* VGA hole */
	assert_bug_names("reserved (hole)", "pfn 0xa0 ");
	assert_int_equal(buddy_free(0x7ee0, 0), -ERR_BUG); /* descriptor array */
	assert_bug_names("reserved (memmap)", "pfn 0x7ee0 ");
	assert_int_equal(buddy_free(0x80000, 0), -ERR_BUG);
	assert_bug_names("beyond the last frame", "pfn 0x80000 ");
	assert_int_equal(zone_free_pages(), start);
	assert_int_equal(buddy_check(), 0);
}

static void buddy_check_catches_corrupted_descriptors(void **state)
{
	(void)state;
	boot_one_block();

	pfn_to_page(0)->order = 9;  /* head says 9; its list says 10 */
	assert_true(buddy_check() > 0);
	assert_non_null(strstr(stub_bug_last, "buddy_check"));
	stub_bug_reset();
	pfn_to_page(0)->order = 10;
	assert_int_equal(buddy_check(), 0);

	pfn_to_page(512)->state = PAGE_FREE; /* a tail claims to head a block */
	pfn_to_page(512)->order = 0;
	assert_true(buddy_check() > 0);
	stub_bug_reset();
	pfn_to_page(512)->state = PAGE_TAIL;

	mm_zones[ZONE_DMA].free_pages--;          /* counter disagrees with lists */
	assert_int_equal(buddy_check(), 1);
	assert_non_null(strstr(stub_bug_last, "zone DMA lists 1024 free pages but counts 1023"));
	mm_zones[ZONE_DMA].free_pages += 2;       /* ... and exceeds what DMA manages */
	assert_int_equal(buddy_check(), 2);
	assert_non_null(strstr(stub_bug_last, "zone DMA has 1025 free pages but manages only 1024"));
	mm_zones[ZONE_DMA].free_pages--;
	stub_bug_reset();
	assert_int_equal(buddy_check(), 0);
}

static void buddy_dump_prints_free_blocks_per_order_per_zone(void **state)
{
	(void)state;
	boot_one_block();
	buddy_alloc(0, MM_ZONE_DMA);
	stub_print_reset();
	buddy_dump();

	/* DMA: one block at each order 0..9, none at 10; 1023 free pages */
	assert_non_null(strstr(stub_print_buf,
	        "DMA          1      1      1      1      1      1      1      1      1      1      0         1023"));
	assert_non_null(strstr(stub_print_buf, "DMA32"));
	assert_non_null(strstr(stub_print_buf, "Normal"));
}

/*
 * Hostile frees among real ones (seed fixed): a live set of blocks of
 * orders 0..4 in [0, 8 MiB), and 3000 rounds of either a real alloc or
 * free, or a bad free: a tail frame of a live block, a live head with the
 * wrong order, a block already freed, a frame beyond the map, or any frame
 * with any order that the model says is not a live head of that order.
 * Each bad free must be refused with -ERR_BUG and exactly one report, and
 * leave every zone and every descriptor byte as it was.
 */
struct hostile {
	uint8_t *head;      /* order + 1 at the head of each live block, else 0 */
	pfn_t live[256];
	size_t n;
	pfn_t freed;        /* the last block freed, or PFN_NONE */
	unsigned freed_order;
};

static void hostile_bad_free(const struct hostile *h, pfn_t pfn, unsigned order,
                             struct page *pages_copy, struct zone *zones_copy)
{
	if (pfn < mm_max_pfn && h->head[pfn] == order + 1)
		return;             /* that one would be a real free */
	memcpy(pages_copy, mm_pages, mm_max_pfn * sizeof(struct page));
	memcpy(zones_copy, mm_zones, sizeof(mm_zones));
	stub_bug_reset();
	assert_int_equal(buddy_free(pfn, order), -ERR_BUG);
	assert_int_equal(stub_bug_count, 1);
	assert_non_null(strstr(stub_bug_last, "buddy_free"));
	assert_memory_equal(mm_zones, zones_copy, sizeof(mm_zones));
	assert_memory_equal(mm_pages, pages_copy, mm_max_pfn * sizeof(struct page));
	stub_bug_reset();
}

static void hostile_pick_bad_free(const struct hostile *h, pfn_t *pfn, unsigned *order)
{
	pfn_t some = h->n ? h->live[rng() % h->n] : 0;
	unsigned some_order = h->n ? h->head[some] - 1u : 0;

	switch (rng() % 5) {
	case 0: /* a tail frame of a live block (or frame 1 if it is order 0) */
		*pfn = some + (some_order ? 1 + rng() % ((1u << some_order) - 1) : 1);
		*order = some_order;
		break;
	case 1: /* a live head, the wrong order */
		*pfn = some;
		*order = (some_order + 1 + rng() % MM_MAX_ORDER) % (MM_MAX_ORDER + 1);
		break;
	case 2: /* a double free */
		*pfn = h->freed != PFN_NONE ? h->freed : some;
		*order = h->freed != PFN_NONE ? h->freed_order : some_order;
		break;
	case 3: /* beyond the map */
		*pfn = mm_max_pfn + rng() % 100000;
		*order = rng() % 5;
		break;
	default: /* anywhere */
		*pfn = rng() % mm_max_pfn;
		*order = rng() % (MM_MAX_ORDER + 1);
	}
}

static void buddy_hostile_frees_are_refused_and_change_nothing(void **state)
{
	(void)state;
	static const struct mm_range map[] = {
		{ 0, MiB(8), MM_RANGE_USABLE },
	};
	boot(map, ARRAY_LEN(map), NULL, 0);
	uint64_t start = zone_free_pages();
	struct hostile h = { .head = calloc(mm_max_pfn, 1), .n = 0, .freed = PFN_NONE };
	struct page *pages_copy = malloc(mm_max_pfn * sizeof(struct page));
	struct zone *zones_copy = malloc(sizeof(mm_zones));
	unsigned refused = 0;

	rng_state = 0x6a09e667f3bcc909ull;
	for (int op = 0; op < 3000; op++) {
		uint32_t r = rng() % 100;
		if (r < 30 && h.n < ARRAY_LEN(h.live)) {
			unsigned order = rng() % 5;
			pfn_t p = must_alloc(order, 0);
			assert_int_equal(h.head[p], 0);
			h.head[p] = (uint8_t)(order + 1);
			h.live[h.n++] = p;
		} else if (r < 50 && h.n > 0) {
			size_t i = rng() % h.n;
			pfn_t p = h.live[i];
			assert_int_equal(buddy_free(p, h.head[p] - 1u), ERR_OK);
			h.freed = p;
			h.freed_order = h.head[p] - 1u;
			h.head[p] = 0;
			h.live[i] = h.live[--h.n];
		} else {
			pfn_t pfn;
			unsigned order;
			hostile_pick_bad_free(&h, &pfn, &order);
			if (!(pfn < mm_max_pfn && h.head[pfn] == order + 1))
				refused++;
			hostile_bad_free(&h, pfn, order, pages_copy, zones_copy);
		}
		if (op % 64 == 0)
			assert_int_equal(buddy_check(), 0);
	}
	assert_true(refused > 1000);
	while (h.n > 0) {
		pfn_t p = h.live[--h.n];
		assert_int_equal(buddy_free(p, h.head[p] - 1u), ERR_OK);
	}
	assert_int_equal(zone_free_pages(), start);
	assert_int_equal(buddy_check(), 0);
	free(h.head);
	free(pages_copy);
	free(zones_copy);
}

/* ---- randomised run against a model -------------------------------------- */

struct live { pfn_t pfn; unsigned order; };

static unsigned random_order(void)
{
	uint32_t r = rng() % 100;
	if (r < 70)
		return rng() % 3;
	if (r < 95)
		return 3 + rng() % 4;
	return 7 + rng() % 4;
}

/* A failure is justified if no acceptable zone had both the pages above its
 * watermark and a free block of at least this order. */
static bool failure_justified(unsigned order, mm_flags_t flags)
{
	enum zone_id cz = (flags & MM_ZONE_DMA) ? ZONE_DMA :
	                  (flags & MM_ZONE_DMA32) ? ZONE_DMA32 : ZONE_NORMAL;
	for (int z = cz; z >= 0; z--) {
		const struct zone *zn = &mm_zones[z];
		bool big_enough = false;
		for (unsigned j = order; j <= MM_MAX_ORDER; j++)
			big_enough |= zn->free_area[j].nr_free > 0;
		if (big_enough && zone_watermark_ok(zn, order, zn->watermark[WMARK_MIN], cz))
			return false;
	}
	return true;
}

static void model_alloc(struct live *live, size_t *n, uint8_t *owned)
{
	static const mm_flags_t zone_flags[] = { 0, MM_ZONE_DMA32, MM_ZONE_DMA };
	unsigned order = random_order();
	mm_flags_t flags = zone_flags[rng() % 3] | (rng() % 10 == 0 ? MM_ZERO : 0);
	pfn_t p = buddy_alloc(order, flags);

	if (p == PFN_NONE) {
		assert_true(failure_justified(order, flags));
		return;
	}
	assert_int_equal(p % (1u << order), 0);
	assert_true(p + (1u << order) <= mm_max_pfn);
	if (flags & MM_ZONE_DMA)
		assert_int_equal(pfn_zone(p), ZONE_DMA);
	if (flags & MM_ZONE_DMA32)
		assert_true(pfn_zone(p) <= ZONE_DMA32);
	for (pfn_t i = 0; i < (1u << order); i++) {
		assert_int_equal(owned[p + i], 0); /* no overlap with a live block */
		owned[p + i] = 1;
	}
	live[(*n)++] = (struct live){ p, order };
}

static void model_free(struct live *live, size_t *n, uint8_t *owned)
{
	size_t i = rng() % *n;
	struct live b = live[i];

	assert_int_equal(buddy_free(b.pfn, b.order), ERR_OK);
	for (pfn_t k = 0; k < (1u << b.order); k++)
		owned[b.pfn + k] = 0;
	live[i] = live[--*n];
}

/* DMA [0, 8 MiB) and DMA32 [16 MiB, 24 MiB): 20000 random allocations and
 * frees (seed fixed), buddy_check() after every one; at the end everything
 * is freed and the free lists are exactly what they were at boot. */
static void buddy_random_run_matches_model(void **state)
{
	(void)state;
	static const struct mm_range map[] = {
		{ 0,       MiB(8), MM_RANGE_USABLE },
		{ MiB(16), MiB(8), MM_RANGE_USABLE },
	};
	boot(map, ARRAY_LEN(map), NULL, 0);
	struct zone boot_zones[MM_NR_ZONES];
	memcpy(boot_zones, mm_zones, sizeof(boot_zones));
	uint64_t start = zone_free_pages();
	struct live *live = calloc(start, sizeof(*live));
	uint8_t *owned = calloc(mm_max_pfn, 1);
	size_t n = 0;
	uint64_t live_pages;

	rng_state = 0x9e3779b97f4a7c15ull;
	for (int op = 0; op < 20000; op++) {
		if (n == 0 || rng() % 100 < 55)
			model_alloc(live, &n, owned);
		else
			model_free(live, &n, owned);
		assert_int_equal(buddy_check(), 0);
		live_pages = 0;
		for (size_t i = 0; i < n; i++)
			live_pages += 1u << live[i].order;
		assert_int_equal(zone_free_pages() + live_pages, start);
	}
	while (n > 0)
		model_free(live, &n, owned);
	assert_int_equal(buddy_check(), 0);
	assert_int_equal(stub_bug_count, 0);
	for (int z = 0; z < MM_NR_ZONES; z++)
		for (unsigned o = 0; o <= MM_MAX_ORDER; o++)
			assert_int_equal(mm_zones[z].free_area[o].nr_free,
			                 boot_zones[z].free_area[o].nr_free);
	free(live);
	free(owned);
}

/* ---- debug: poisoned free frames ----------------------------------------- */

static void buddy_debug_poison_catches_write_to_freed_frame(void **state)
{
	(void)state;
	mm_debug = MM_DEBUG_PAGES;
	boot_one_block();

	pfn_t p = must_alloc(2, MM_ZONE_DMA);
	memset(pfn_to_virt(p), 0x11, 4 * PAGE_SIZE); /* in use: anything goes */
	assert_int_equal(buddy_free(p, 2), ERR_OK);
	assert_int_equal(((uint8_t *)pfn_to_virt(p + 3))[5], MM_PAGE_POISON);
	((uint8_t *)pfn_to_virt(p + 2))[8] = 0;     /* a stale pointer writes */
	assert_int_equal(stub_bug_count, 0);
	assert_int_equal(buddy_alloc(2, MM_ZONE_DMA), p);
	assert_int_equal(stub_bug_count, 1);
	assert_non_null(strstr(stub_bug_last, "use after free: pfn 0x2 was written while free"));
	assert_non_null(strstr(stub_bug_last, "byte 0x8 of the order-2 block at pfn 0x0"));
}

/* Poison survives splits and merges: random allocations that write all over
 * their blocks and free them again never raise a false alarm. */
static void buddy_debug_poison_has_no_false_alarms(void **state)
{
	(void)state;
	static const struct mm_range map[] = {
		{ 0, MiB(8), MM_RANGE_USABLE },
	};
	struct { pfn_t pfn; unsigned order; } live[64];
	size_t n = 0;

	mm_debug = MM_DEBUG_PAGES;
	boot(map, ARRAY_LEN(map), NULL, 0);
	rng_state = 0x1234567887654321ull;
	for (int op = 0; op < 3000; op++) {
		if (n < 64 && (n == 0 || rng() % 2)) {
			unsigned order = rng() % 4;
			mm_flags_t zero = rng() % 4 == 0 ? MM_ZERO : 0;
			pfn_t p = must_alloc(order, zero); /* at most 512 of 2048 pages live */
			uint8_t *bytes = pfn_to_virt(p);
			if (zero)
				assert_int_equal(bytes[PAGE_SIZE - 1], 0);
			memset(bytes, (int)op, PAGE_SIZE << order);
			live[n].pfn = p;
			live[n++].order = order;
		} else {
			size_t i = rng() % n;
			assert_int_equal(buddy_free(live[i].pfn, live[i].order), ERR_OK);
			live[i] = live[--n];
		}
	}
	assert_int_equal(stub_bug_count, 0);
	assert_int_equal(buddy_check(), 0);
}

/* Both poisonings are there, with different bytes: a freed block holds
 * MM_PAGE_POISON, a block handed out without MM_ZERO holds
 * MM_PAGE_ALLOC_POISON over every byte (so code that reads memory it never
 * initialised sees a recognisable pattern, not the previous owner's data
 * or zeros), and MM_ZERO still wins. */
static void buddy_debug_poisons_on_free_and_on_allocation_with_different_bytes(void **state)
{
	(void)state;
	mm_debug = MM_DEBUG_PAGES;
	boot_one_block();

	assert_int_not_equal(MM_PAGE_POISON, MM_PAGE_ALLOC_POISON);
	pfn_t p = must_alloc(1, MM_ZONE_DMA);
	const uint8_t *bytes = pfn_to_virt(p);
	for (size_t i = 0; i < 2 * PAGE_SIZE; i++)
		assert_int_equal(bytes[i], MM_PAGE_ALLOC_POISON);
	memset(pfn_to_virt(p), 0x11, 2 * PAGE_SIZE);
	assert_int_equal(buddy_free(p, 1), ERR_OK);
	for (size_t i = 0; i < 2 * PAGE_SIZE; i++)
		assert_int_equal(bytes[i], MM_PAGE_POISON);
	pfn_t z = buddy_alloc(1, MM_ZONE_DMA | MM_ZERO);
	assert_int_equal(z, p);
	for (size_t i = 0; i < 2 * PAGE_SIZE; i++)
		assert_int_equal(bytes[i], 0);
	assert_int_equal(stub_bug_count, 0);
}

/* Without MM_DEBUG_PAGES nothing is written: a block keeps its old bytes. */
static void buddy_without_debug_pages_does_not_poison(void **state)
{
	(void)state;
	mm_debug = 0;
	boot_one_block();

	pfn_t p = must_alloc(0, MM_ZONE_DMA);
	memset(pfn_to_virt(p), 0x11, PAGE_SIZE);
	assert_int_equal(buddy_free(p, 0), ERR_OK);
	assert_int_equal(((uint8_t *)pfn_to_virt(p))[100], 0x11);
	assert_int_equal(buddy_alloc(0, MM_ZONE_DMA), p);
	assert_int_equal(((uint8_t *)pfn_to_virt(p))[100], 0x11);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(buddy_splits_order_10_block_down_to_order_0, teardown),
		cmocka_unit_test_teardown(buddy_coalesces_split_pair_back_to_order_10, teardown),
		cmocka_unit_test_teardown(buddy_mixed_order_sequence_gives_known_frames, teardown),
		cmocka_unit_test_teardown(buddy_allocates_every_order_aligned_to_its_size, teardown),
		cmocka_unit_test_teardown(buddy_zero_flag_zeroes_the_whole_block, teardown),
		cmocka_unit_test_teardown(buddy_zone_flags_bound_where_blocks_come_from, teardown),
		cmocka_unit_test_teardown(buddy_falls_back_normal_dma32_dma_and_keeps_lowmem_reserve, teardown),
		cmocka_unit_test_teardown(buddy_min_watermark_yields_only_to_high_and_emergency, teardown),
		cmocka_unit_test_teardown(buddy_exhaustion_fails_then_recovers_after_frees, teardown),
		cmocka_unit_test_teardown(buddy_fragmented_zone_fails_order_1_with_half_free, teardown),
		cmocka_unit_test_teardown(buddy_never_returns_holes_or_reserved_frames, teardown),
		cmocka_unit_test_teardown(buddy_rejects_order_above_max_and_unknown_flags, teardown),
		cmocka_unit_test_teardown(buddy_detects_double_free_and_changes_nothing, teardown),
		cmocka_unit_test_teardown(buddy_detects_free_with_wrong_order, teardown),
		cmocka_unit_test_teardown(buddy_detects_free_of_tail_frame, teardown),
		cmocka_unit_test_teardown(buddy_detects_free_of_reserved_or_absent_frame, teardown),
		cmocka_unit_test_teardown(buddy_hostile_frees_are_refused_and_change_nothing, teardown),
		cmocka_unit_test_teardown(buddy_check_catches_corrupted_descriptors, teardown),
		cmocka_unit_test_teardown(buddy_dump_prints_free_blocks_per_order_per_zone, teardown),
		cmocka_unit_test_teardown(buddy_random_run_matches_model, teardown),
		cmocka_unit_test_teardown(buddy_debug_poison_catches_write_to_freed_frame, teardown),
		cmocka_unit_test_teardown(buddy_debug_poison_has_no_false_alarms, teardown),
		cmocka_unit_test_teardown(buddy_debug_poisons_on_free_and_on_allocation_with_different_bytes, teardown),
		cmocka_unit_test_teardown(buddy_without_debug_pages_does_not_poison, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
