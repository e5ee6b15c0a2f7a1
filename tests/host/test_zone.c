/*
 * test_zone.c - zone_init(): descriptors, zones and watermarks built from
 * boot memory maps with holes, reserved ranges and RAM above 4 GiB.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "mm_env.h"
#include <pagoda/error.h>
#include "zone.h"
#include "buddy.h"
#include "mm_stubs.h"
#include "mm_maps.h"

static void boot(const struct mm_range *map, size_t n,
                 const struct mm_range *res, size_t nres)
{
	stub_phys_setup(map, n, res, nres);
	assert_int_equal(zone_init(map, n, res, nres), ERR_OK);
}

static int teardown(void **state)
{
	(void)state;
	stub_phys_teardown();
	return 0;
}

static pfn_t memmap_first_pfn(void)
{
	return virt_to_pfn(mm_pages);
}

/*
 * pc_map: max_pfn = 0x7fe0 (32736 frames) -> 1047552 bytes of descriptors
 * = 256 pages, at the top of [1 MiB, 0x7fe0000): frames 0x7ee0..0x7fdf.
 * DMA present: [0, 0x9f) = 159 + [0x100, 0x1000) = 3840 -> 3999;
 *     managed: minus kernel 512 and module 129 frames -> 3358.
 * DMA32 present: [0x1000, 0x7fe0) = 28640; managed: minus 256 -> 28384.
 */
static void zone_pc_map_gives_expected_spans_and_counts(void **state)
{
	(void)state;
	boot(pc_map, ARRAY_LEN(pc_map), pc_boot, ARRAY_LEN(pc_boot));

	assert_int_equal(mm_max_pfn, 0x7fe0);
	assert_int_equal(memmap_first_pfn(), 0x7ee0);
	assert_int_equal(mm_zones[ZONE_DMA].start_pfn, 0);
	assert_int_equal(mm_zones[ZONE_DMA].end_pfn, 0x1000);
	assert_int_equal(mm_zones[ZONE_DMA].present_pages, 3999);
	assert_int_equal(mm_zones[ZONE_DMA].managed_pages, 3358);
	assert_int_equal(mm_zones[ZONE_DMA32].start_pfn, 0x1000);
	assert_int_equal(mm_zones[ZONE_DMA32].end_pfn, 0x7fe0);
	assert_int_equal(mm_zones[ZONE_DMA32].present_pages, 28640);
	assert_int_equal(mm_zones[ZONE_DMA32].managed_pages, 28384);
	assert_int_equal(mm_zones[ZONE_NORMAL].present_pages, 0);
	assert_int_equal(mm_zones[ZONE_NORMAL].start_pfn, mm_zones[ZONE_NORMAL].end_pfn);
	assert_int_equal(zone_free_pages(), 3358 + 28384);
	assert_int_equal(buddy_check(), 0);
}

static void zone_frames_are_classified_by_why_they_are_reserved(void **state)
{
	(void)state;
	boot(pc_map, ARRAY_LEN(pc_map), pc_boot, ARRAY_LEN(pc_boot));

	struct { pfn_t pfn; unsigned state, use; } want[] = {
		{ 0x9d,  PAGE_TAIL,     PAGE_USE_NONE },     /* inside block 0x9c, order 1 */
		{ 0x9e,  PAGE_FREE,     PAGE_USE_NONE },     /* 159 = 128+16+8+4+2+1 */
		{ 0x9f,  PAGE_RESERVED, PAGE_USE_FIRMWARE }, /* EBDA, partial page */
		{ 0xa0,  PAGE_RESERVED, PAGE_USE_HOLE },     /* VGA hole */
		{ 0xf0,  PAGE_RESERVED, PAGE_USE_FIRMWARE }, /* BIOS ROM */
		{ 0x100, PAGE_RESERVED, PAGE_USE_BOOT },     /* kernel */
		{ 0x2ff, PAGE_RESERVED, PAGE_USE_BOOT },
		{ 0x300, PAGE_FREE,     PAGE_USE_NONE },     /* order-8 block head */
		{ 0x480, PAGE_RESERVED, PAGE_USE_BOOT },     /* module's last byte */
		{ 0x481, PAGE_FREE,     PAGE_USE_NONE },
		{ 0x7ee0, PAGE_RESERVED, PAGE_USE_MEMMAP },
		{ 0x7fdf, PAGE_RESERVED, PAGE_USE_MEMMAP },
	};
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		const struct page *pg = pfn_to_page(want[i].pfn);
		assert_int_equal(pg->state, want[i].state);
		assert_int_equal(pg->use, want[i].use);
	}
	assert_int_equal(pfn_to_page(0x300)->order, 8);
	assert_int_equal(pfn_to_page(0x481)->order, 0);
}

/*
 * big_map: max_pfn = 0x112000 (1122304 frames) -> 8768 pages of descriptors.
 * The top range [4 GiB + 256 MiB, +32 MiB) has only 8192 frames, so the
 * array goes to the top of [4 GiB, 4 GiB + 64 MiB): frames 0x101dc0..0x103fff.
 * DMA: 159 + 3840 = 3999 present and managed.
 * DMA32: [16 MiB, 64 MiB) = 12288 frames; 64 MiB..4 GiB is hole or PCI.
 * NORMAL: 16384 + 8192 = 24576 present, minus 8768 -> 15808 managed.
 */
static void zone_map_with_holes_and_ram_above_4g(void **state)
{
	(void)state;
	boot(big_map, ARRAY_LEN(big_map), NULL, 0);

	assert_int_equal(mm_max_pfn, 0x112000);
	assert_int_equal(memmap_first_pfn(), 0x104000 - 8768);
	assert_int_equal(mm_zones[ZONE_DMA].present_pages, 3999);
	assert_int_equal(mm_zones[ZONE_DMA].managed_pages, 3999);
	assert_int_equal(mm_zones[ZONE_DMA32].present_pages, 12288);
	assert_int_equal(mm_zones[ZONE_DMA32].managed_pages, 12288);
	assert_int_equal(mm_zones[ZONE_NORMAL].start_pfn, 0x100000);
	assert_int_equal(mm_zones[ZONE_NORMAL].end_pfn, 0x112000);
	assert_int_equal(mm_zones[ZONE_NORMAL].present_pages, 24576);
	assert_int_equal(mm_zones[ZONE_NORMAL].managed_pages, 15808);
	assert_int_equal(pfn_to_page(pa_to_pfn(MiB(64)))->use, PAGE_USE_HOLE);
	assert_int_equal(pfn_to_page(pa_to_pfn(GiB(3)))->use, PAGE_USE_FIRMWARE);
	assert_int_equal(pfn_to_page(pa_to_pfn(GiB(4) + MiB(100)))->use, PAGE_USE_HOLE);
	assert_int_equal(pfn_to_page(pa_to_pfn(GiB(4) + MiB(256)))->state, PAGE_FREE);
	assert_int_equal(buddy_check(), 0);
}

/* Every descriptor of big_map, counted by why its frame is (not) usable:
 * 0x112000 frames = 40863 usable (3999 + 12288 + 24576) + 262144 PCI window
 * + 819297 holes; of the usable, 8768 hold the descriptors themselves. */
static void zone_descriptor_census_of_map_above_4g(void **state)
{
	(void)state;
	boot(big_map, ARRAY_LEN(big_map), NULL, 0);
	uint64_t count[PAGE_USE__COUNT] = { 0 }, managed = 0;

	for (pfn_t pfn = 0; pfn < mm_max_pfn; pfn++) {
		const struct page *pg = pfn_to_page(pfn);
		if (pg->state == PAGE_RESERVED)
			count[pg->use]++;
		else
			managed++;
	}
	assert_int_equal(mm_max_pfn, 1122304);
	assert_int_equal(count[PAGE_USE_HOLE], 819297);
	assert_int_equal(count[PAGE_USE_FIRMWARE], 262144);
	assert_int_equal(count[PAGE_USE_MEMMAP], 8768);
	assert_int_equal(count[PAGE_USE_BOOT], 0);
	assert_int_equal(managed, 40863 - 8768);
	assert_int_equal(managed, zone_free_pages());
}

/* Every free block, frame by frame, is RAM the map calls usable and that no
 * reserved range touches. */
static void zone_free_blocks_cover_only_usable_unreserved_ram(void **state)
{
	(void)state;
	boot(pc_map, ARRAY_LEN(pc_map), pc_boot, ARRAY_LEN(pc_boot));
	uint64_t pages = 0;
	pfn_t memmap = memmap_first_pfn(), memmap_end = memmap + 256;

	for (pfn_t pfn = 0; pfn < mm_max_pfn; pfn++) {
		const struct page *pg = pfn_to_page(pfn);
		if (pg->state != PAGE_FREE)
			continue;
		uint64_t len = PAGE_SIZE << pg->order;
		assert_true(stub_phys_is_ram(pfn_to_pa(pfn), len));
		assert_false(pfn < memmap_end && pfn + ((pfn_t)1 << pg->order) > memmap);
		pages += (uint64_t)1 << pg->order;
	}
	assert_int_equal(pages, zone_free_pages());
}

/* Reserved entries win where the firmware map overlaps itself, and a
 * reserved range covers every frame it touches, even partly. */
static void zone_reserved_entry_inside_usable_range_wins(void **state)
{
	(void)state;
	static const struct mm_range map[] = {
		{ 0,               MiB(8),     MM_RANGE_USABLE },
		{ MiB(2) + 100,    3 * 4096,   MM_RANGE_RESERVED }, /* frames 0x200..0x203 */
	};
	boot(map, ARRAY_LEN(map), NULL, 0);

	assert_int_equal(pfn_to_page(0x1ff)->state == PAGE_RESERVED, 0);
	for (pfn_t pfn = 0x200; pfn <= 0x203; pfn++)
		assert_int_equal(pfn_to_page(pfn)->use, PAGE_USE_FIRMWARE);
	assert_int_not_equal(pfn_to_page(0x204)->state, PAGE_RESERVED);
	/* 2048 frames - 4 reserved - 16 of descriptors (2048 * 32 B) */
	assert_int_equal(mm_zones[ZONE_DMA].managed_pages, 2048 - 4 - 16);
	assert_int_equal(buddy_check(), 0);
}

/* A firmware entry whose length runs past 2^64 is clipped, not wrapped:
 * here it would otherwise wrap to cover nothing and leave frames 0x300..0x7ff
 * usable. The descriptors (16 pages) slide below it, to 0x2f0..0x2ff. */
static void zone_reserved_entry_running_past_top_is_clipped(void **state)
{
	(void)state;
	static const struct mm_range map[] = {
		{ 0,      MiB(8),          MM_RANGE_USABLE },
		{ MiB(3), ~(uint64_t)0,    MM_RANGE_RESERVED },
	};
	boot(map, ARRAY_LEN(map), NULL, 0);

	assert_int_equal(pfn_to_page(0x2ef)->state == PAGE_RESERVED, 0);
	assert_int_equal(pfn_to_page(0x2f0)->use, PAGE_USE_MEMMAP);
	assert_int_equal(pfn_to_page(0x300)->use, PAGE_USE_FIRMWARE);
	assert_int_equal(pfn_to_page(0x7ff)->use, PAGE_USE_FIRMWARE);
	assert_int_equal(mm_zones[ZONE_DMA].managed_pages, 0x300 - 16);
	assert_int_equal(buddy_check(), 0);
}

/* Unaligned range ends: only whole frames inside a usable range count. */
static void zone_partial_frames_at_range_ends_are_not_used(void **state)
{
	(void)state;
	static const struct mm_range map[] = {
		{ 100, MiB(4) - 200, MM_RANGE_USABLE }, /* frames 1..1022 whole */
	};
	boot(map, ARRAY_LEN(map), NULL, 0);

	assert_int_equal(mm_max_pfn, 1023);
	assert_int_equal(pfn_to_page(0)->use, PAGE_USE_HOLE);
	assert_int_equal(mm_zones[ZONE_DMA].present_pages, 1022);
	assert_int_equal(mm_zones[ZONE_DMA].managed_pages, 1022 - 8); /* 1023*32 B */
}

/*
 * Watermarks from managed size: min = managed/128, low = min + min/4,
 * high = min + min/2. Lowmem reserve of a zone against a class zone = the
 * managed pages of the zones above it, up to the class zone, / 256.
 */
static void zone_watermarks_and_lowmem_reserve_follow_zone_sizes(void **state)
{
	(void)state;
	boot(big_map, ARRAY_LEN(big_map), NULL, 0);
	const struct zone *dma = &mm_zones[ZONE_DMA], *dma32 = &mm_zones[ZONE_DMA32];
	const struct zone *normal = &mm_zones[ZONE_NORMAL];

	assert_int_equal(dma->watermark[WMARK_MIN], 3999 / 128);     /* 31 */
	assert_int_equal(dma->watermark[WMARK_LOW], 31 + 7);
	assert_int_equal(dma->watermark[WMARK_HIGH], 31 + 15);
	assert_int_equal(dma32->watermark[WMARK_MIN], 12288 / 128);  /* 96 */
	assert_int_equal(normal->watermark[WMARK_MIN], 15808 / 128); /* 123 */
	assert_int_equal(dma->lowmem_reserve[ZONE_DMA], 0);
	assert_int_equal(dma->lowmem_reserve[ZONE_DMA32], 12288 / 256);
	assert_int_equal(dma->lowmem_reserve[ZONE_NORMAL], (12288 + 15808) / 256);
	assert_int_equal(dma32->lowmem_reserve[ZONE_DMA32], 0);
	assert_int_equal(dma32->lowmem_reserve[ZONE_NORMAL], 15808 / 256);
	assert_int_equal(normal->lowmem_reserve[ZONE_NORMAL], 0);
}

static void zone_watermark_ok_counts_order_mark_and_reserve(void **state)
{
	(void)state;
	struct zone z = { .free_pages = 100 };
	z.lowmem_reserve[ZONE_NORMAL] = 20;

	assert_true(zone_watermark_ok(&z, 0, 99, ZONE_DMA));
	assert_false(zone_watermark_ok(&z, 0, 100, ZONE_DMA));
	assert_true(zone_watermark_ok(&z, 2, 96, ZONE_DMA));
	assert_false(zone_watermark_ok(&z, 2, 97, ZONE_DMA));
	assert_true(zone_watermark_ok(&z, 0, 79, ZONE_NORMAL));
	assert_false(zone_watermark_ok(&z, 0, 80, ZONE_NORMAL));
}

static void zone_init_rejects_maps_without_room(void **state)
{
	(void)state;
	static const struct mm_range none[] = {
		{ 0, MiB(1), MM_RANGE_RESERVED },
	};
	/* 262145 frames need 2049 pages of descriptors; neither range has them */
	static const struct mm_range tiny[] = {
		{ 0,      4096, MM_RANGE_USABLE },
		{ GiB(1), 4096, MM_RANGE_USABLE },
	};
	stub_phys_setup(tiny, ARRAY_LEN(tiny), NULL, 0);
	assert_int_equal(zone_init(none, ARRAY_LEN(none), NULL, 0), -ERR_INVAL);
	assert_int_equal(zone_init(tiny, ARRAY_LEN(tiny), NULL, 0), -ERR_NOMEM);
}

/* The descriptor array slides below a reserved range it would overlap. */
static void zone_memmap_slides_below_boot_reserved_range(void **state)
{
	(void)state;
	static const struct mm_range map[] = {
		{ 0, MiB(8), MM_RANGE_USABLE },
	};
	static const struct mm_range res[] = {
		{ MiB(8) - KiB(40), KiB(40), MM_RANGE_RESERVED }, /* frames 2038..2047 */
	};
	boot(map, ARRAY_LEN(map), res, ARRAY_LEN(res));

	assert_int_equal(memmap_first_pfn(), 2038 - 16);
	assert_int_equal(pfn_to_page(2037)->use, PAGE_USE_MEMMAP);
	assert_int_equal(pfn_to_page(2038)->use, PAGE_USE_BOOT);
	assert_int_equal(mm_zones[ZONE_DMA].managed_pages, 2048 - 10 - 16);
}

static void zone_dump_prints_each_zone_with_its_counts(void **state)
{
	(void)state;
	boot(pc_map, ARRAY_LEN(pc_map), pc_boot, ARRAY_LEN(pc_boot));
	stub_print_reset();
	zone_dump();

	assert_non_null(strstr(stub_print_buf, "DMA "));
	assert_non_null(strstr(stub_print_buf, "DMA32"));
	assert_non_null(strstr(stub_print_buf, "Normal"));
	assert_non_null(strstr(stub_print_buf, " 3358 "));
	assert_non_null(strstr(stub_print_buf, " 28384 "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(zone_pc_map_gives_expected_spans_and_counts, teardown),
		cmocka_unit_test_teardown(zone_frames_are_classified_by_why_they_are_reserved, teardown),
		cmocka_unit_test_teardown(zone_map_with_holes_and_ram_above_4g, teardown),
		cmocka_unit_test_teardown(zone_descriptor_census_of_map_above_4g, teardown),
		cmocka_unit_test_teardown(zone_free_blocks_cover_only_usable_unreserved_ram, teardown),
		cmocka_unit_test_teardown(zone_reserved_entry_inside_usable_range_wins, teardown),
		cmocka_unit_test_teardown(zone_reserved_entry_running_past_top_is_clipped, teardown),
		cmocka_unit_test_teardown(zone_partial_frames_at_range_ends_are_not_used, teardown),
		cmocka_unit_test_teardown(zone_watermarks_and_lowmem_reserve_follow_zone_sizes, teardown),
		cmocka_unit_test(zone_watermark_ok_counts_order_mark_and_reserve),
		cmocka_unit_test_teardown(zone_init_rejects_maps_without_room, teardown),
		cmocka_unit_test_teardown(zone_memmap_slides_below_boot_reserved_range, teardown),
		cmocka_unit_test_teardown(zone_dump_prints_each_zone_with_its_counts, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
