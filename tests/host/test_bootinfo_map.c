/*
 * test_bootinfo_map.c - the memory map of multiboot v1 information
 * (kernel/bootinfo.c), compiled unchanged against tests/host/kstubs.c:
 * parsing its entries (malformed, oversized, beyond the 52-bit limit) and
 * cleaning it (sorting, merging, cutting reserved ranges out of usable ones,
 * rounding to pages). The information block, the fallbacks, the command
 * line and the modules are in test_bootinfo_modules.c.
 *
 * The fake loader (phys[], map_add(), parse() ...) is bootinfo_fixture.c.
 * Every parsed map is checked against the promises in bootinfo.h by
 * assert_map_clean(), and every warning against the exact message that
 * kstubs captured; a randomised test compares usable pages with a model.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <pagoda/error.h>
#include "bootinfo_fixture.h"
#include "kstubs.h"
#include "rng.h"

/* --- the memory map -------------------------------------------------- */

static void bootinfo_qemu_map_gives_usable_bytes_and_top(void **state)
{
	add_qemu_map();
	assert_int_equal(parse(), 0);
	assert_map_clean();
	ASSERT_RANGES(R(0, 0x9f000, MEM_USABLE),            /* rounded down to a page */
		      R(0x9fc00, 0x400, MEM_RESERVED),
		      R(0xf0000, 0x10000, MEM_RESERVED),
		      R(0x100000, 0x7ee0000, MEM_USABLE),
		      R(0x7fe0000, 0x20000, MEM_RESERVED),
		      R(0xfffc0000, 0x40000, MEM_RESERVED));
	assert_int_equal(bi.usable_bytes, 0x9f000 + 0x7ee0000);
	assert_int_equal(bi.top_of_ram, 0x7fe0000);
	assert_no_warnings();
}

static void bootinfo_sorts_unsorted_map_and_drops_zero_length_entry(void **state)
{
	/* qboot: out of order, with an all-zero entry. */
	map_add(0x100000, 0x7f00000, MEM_USABLE);
	map_add(0, 0, 0);
	map_add(0xfeffc000, 0x4000, MEM_RESERVED);
	map_add(0, 0x9fc00, MEM_USABLE);
	map_add(0x9fc00, 0x400, MEM_RESERVED);
	assert_int_equal(parse(), 0);
	assert_map_clean();
	ASSERT_RANGES(R(0, 0x9f000, MEM_USABLE),
		      R(0x9fc00, 0x400, MEM_RESERVED),
		      R(0x100000, 0x7f00000, MEM_USABLE),
		      R(0xfeffc000, 0x4000, MEM_RESERVED));
	assert_int_equal(bi.top_of_ram, 0x8000000);
	assert_no_warnings();
}

static void bootinfo_splits_usable_range_around_reserved_range(void **state)
{
	map_add(0x100000, 15 * MiB, MEM_USABLE);
	map_add(0x400100, 0x100, MEM_RESERVED);     /* not page-aligned: widened */
	assert_int_equal(parse(), 0);
	assert_map_clean();
	ASSERT_RANGES(R(0x100000, 0x300000, MEM_USABLE),
		      R(0x400100, 0x100, MEM_RESERVED),
		      R(0x401000, 0xbff000, MEM_USABLE));
	assert_int_equal(bi.usable_bytes, 16 * MiB - 1 * MiB - PAGE_SIZE);
	assert_int_equal(bi.top_of_ram, 16 * MiB);
}

static void bootinfo_trims_usable_range_under_other_types_at_its_edges(void **state)
{
	map_add(0x100000, 7 * MiB, MEM_USABLE);
	map_add(0xff000, 0x2000, MEM_NVS);          /* covers the first page */
	map_add(0x7ff800, 0x100800, MEM_ACPI);      /* covers the last page, partly */
	assert_int_equal(parse(), 0);
	assert_map_clean();
	ASSERT_RANGES(R(0xff000, 0x2000, MEM_NVS),
		      R(0x101000, 0x6fe000, MEM_USABLE),
		      R(0x7ff800, 0x100800, MEM_ACPI));
	assert_no_warnings();
}

static void bootinfo_drops_usable_range_covered_by_reserved_range(void **state)
{
	map_add(0x100000, 1 * MiB, MEM_USABLE);
	map_add(0, 3 * MiB, MEM_RESERVED);
	map_add(4 * MiB, 1 * MiB, MEM_USABLE);
	assert_int_equal(parse(), 0);
	assert_map_clean();
	ASSERT_RANGES(R(0, 3 * MiB, MEM_RESERVED),
		      R(4 * MiB, 1 * MiB, MEM_USABLE));
}

static void bootinfo_treats_unknown_types_as_reserved(void **state)
{
	map_add(0x100000, 4 * MiB, MEM_USABLE);
	map_add(0x200000, 0x1000, 5);               /* bad memory */
	map_add(0x300000, 0x1000, 0x77);            /* a type from the future */
	assert_int_equal(parse(), 0);
	assert_map_clean();
	assert_int_equal(bi.usable_bytes, 4 * MiB - 2 * PAGE_SIZE);
	assert_int_equal(bi.nranges, 5);
	assert_int_equal(bi.ranges[1].type, 5);
	assert_int_equal(bi.ranges[3].type, 0x77);
}

static void bootinfo_merges_overlapping_usable_entries(void **state)
{
	map_add(1 * MiB, 7 * MiB, MEM_USABLE);
	map_add(4 * MiB, 12 * MiB, MEM_USABLE);
	map_add(2 * MiB, 1 * MiB, MEM_USABLE);      /* inside the first */
	map_add(1 * MiB, 7 * MiB, MEM_USABLE);      /* a repeat */
	assert_int_equal(parse(), 0);
	assert_map_clean();
	ASSERT_RANGES(R(1 * MiB, 15 * MiB, MEM_USABLE));
	assert_int_equal(bi.usable_bytes, 15 * MiB);
	assert_no_warnings();
}

static void bootinfo_merges_overlapping_usable_entries_around_reserved(void **state)
{
	map_add(1 * MiB, 7 * MiB, MEM_USABLE);
	map_add(4 * MiB, 12 * MiB, MEM_USABLE);
	map_add(6 * MiB, 1 * MiB, MEM_RESERVED);
	assert_int_equal(parse(), 0);
	assert_map_clean();
	ASSERT_RANGES(R(1 * MiB, 5 * MiB, MEM_USABLE),
		      R(6 * MiB, 1 * MiB, MEM_RESERVED),
		      R(7 * MiB, 9 * MiB, MEM_USABLE));
	assert_int_equal(bi.usable_bytes, 14 * MiB);
}

static void bootinfo_merges_touching_usable_entries(void **state)
{
	map_add(8 * MiB, 8 * MiB, MEM_USABLE);
	map_add(1 * MiB, 7 * MiB, MEM_USABLE);
	module_add(7 * MiB, 9 * MiB, "/boot/big.elf");      /* spans the seam */
	assert_int_equal(parse(), 0);
	assert_map_clean();
	ASSERT_RANGES(R(1 * MiB, 15 * MiB, MEM_USABLE));
	assert_int_equal(bi.nmodules, 1);
	assert_no_warnings();
}

static void bootinfo_keeps_touching_ranges_of_different_types_apart(void **state)
{
	map_add(1 * MiB, 7 * MiB, MEM_USABLE);
	map_add(8 * MiB, 1 * MiB, MEM_RESERVED);
	map_add(9 * MiB, 1 * MiB, MEM_RESERVED);
	map_add(10 * MiB, 6 * MiB, MEM_USABLE);
	assert_int_equal(parse(), 0);
	assert_map_clean();
	ASSERT_RANGES(R(1 * MiB, 7 * MiB, MEM_USABLE),
		      R(8 * MiB, 1 * MiB, MEM_RESERVED),
		      R(9 * MiB, 1 * MiB, MEM_RESERVED),
		      R(10 * MiB, 6 * MiB, MEM_USABLE));
}

static void bootinfo_rounds_usable_ranges_to_whole_pages(void **state)
{
	map_add(0x1001, 0x2ffe, MEM_USABLE);        /* [0x1001, 0x3fff) */
	map_add(0x5001, 0xffe, MEM_USABLE);         /* inside one page: dropped */
	assert_int_equal(parse(), 0);
	assert_map_clean();
	ASSERT_RANGES(R(0x2000, 0x1000, MEM_USABLE));
	assert_no_warnings();
}

static void bootinfo_keeps_ranges_above_4_gib(void **state)
{
	add_qemu_map();
	map_add(0x100000000ULL, 0x140000000ULL, MEM_USABLE);   /* length > 32 bits */
	map_add(0xfd00000000ULL, 0x300000000ULL, MEM_RESERVED);
	assert_int_equal(parse(), 0);
	assert_map_clean();
	assert_int_equal(bi.nranges, 8);
	assert_int_equal(bi.ranges[6].base, 0x100000000ULL);
	assert_int_equal(bi.ranges[6].len, 0x140000000ULL);
	assert_int_equal(bi.ranges[7].base, 0xfd00000000ULL);
	assert_int_equal(bi.ranges[7].len, 0x300000000ULL);
	assert_int_equal(bi.usable_bytes, 0x9f000 + 0x7ee0000 + 0x140000000ULL);
	assert_int_equal(bi.top_of_ram, 0x240000000ULL);
	assert_no_warnings();
}

static void bootinfo_clamps_range_running_past_52_bit_limit(void **state)
{
	map_add(0x100000, 7 * MiB, MEM_USABLE);
	map_add(PHYS_ADDR_LIMIT - 4 * GiB, 8 * GiB, MEM_USABLE);
	map_add(0x800000, 1 * MiB, MEM_RESERVED);
	assert_int_equal(parse(), 0);
	assert_map_clean();
	ASSERT_RANGES(R(0x100000, 7 * MiB, MEM_USABLE),
		      R(0x800000, 1 * MiB, MEM_RESERVED),
		      R(PHYS_ADDR_LIMIT - 4 * GiB, 4 * GiB, MEM_USABLE));
	assert_int_equal(bi.top_of_ram, PHYS_ADDR_LIMIT);
	assert_warning("boot: memory map: range 0xfffff00000000+0x200000000 runs past "
		       "the 52-bit physical limit; clamped");
}

static void bootinfo_clamps_usable_range_whose_end_overflows_64_bits(void **state)
{
	map_add(0x100000, UINT64_MAX, MEM_USABLE);
	assert_int_equal(parse(), 0);
	assert_map_clean();
	ASSERT_RANGES(R(0x100000, PHYS_ADDR_LIMIT - 0x100000, MEM_USABLE));
	assert_warning("boot: memory map: range 0x100000+0xffffffffffffffff runs past "
		       "the 52-bit physical limit; clamped");
}

static void bootinfo_clamped_reserved_range_still_excludes_memory_above_it(void **state)
{
	map_add(0x100000, 15 * MiB, MEM_USABLE);
	map_add(0x100000000ULL, 4 * GiB, MEM_USABLE);
	map_add(0x800000, 0xfffffffffffff000ULL, MEM_RESERVED);   /* end wraps */
	assert_int_equal(parse(), 0);
	assert_map_clean();
	ASSERT_RANGES(R(0x100000, 7 * MiB, MEM_USABLE),
		      R(0x800000, PHYS_ADDR_LIMIT - 0x800000, MEM_RESERVED));
	assert_int_equal(bi.top_of_ram, 8 * MiB);
	assert_warning("boot: memory map: range 0x800000+0xfffffffffffff000 runs past "
		       "the 52-bit physical limit; clamped");
}

static void bootinfo_ignores_range_beyond_52_bit_limit(void **state)
{
	map_add(0x100000, 7 * MiB, MEM_USABLE);
	map_add(PHYS_ADDR_LIMIT, 1 * GiB, MEM_USABLE);
	map_add(UINT64_MAX - 0xfff, 0x1000, MEM_RESERVED);
	assert_int_equal(parse(), 0);
	assert_map_clean();
	ASSERT_RANGES(R(0x100000, 7 * MiB, MEM_USABLE));
	const char *const want[] = {
		"boot: memory map: range at 0x10000000000000 is beyond the 52-bit physical limit; ignored",
		"boot: memory map: range at 0xfffffffffffff000 is beyond the 52-bit physical limit; ignored",
	};
	assert_warnings(want, 2);
}

static void bootinfo_stops_at_entry_with_too_small_size(void **state)
{
	map_add(0x100000, 7 * MiB, MEM_USABLE);
	map_entry(12, 0x9000000, 1 * MiB, MEM_USABLE);
	map_add(0x10000000, 1 * MiB, MEM_USABLE);
	assert_int_equal(parse(), 0);
	assert_map_clean();
	ASSERT_RANGES(R(0x100000, 7 * MiB, MEM_USABLE));
	assert_warning("boot: memory map: malformed entry at offset 24 (size 12); rest ignored");
}

static void bootinfo_stops_at_entry_running_past_end_of_map(void **state)
{
	map_add(0x100000, 7 * MiB, MEM_USABLE);
	map_add(0x10000000, 1 * MiB, MEM_USABLE);
	map_set_length(40);                         /* the second entry is cut short */
	assert_int_equal(parse(), 0);
	assert_map_clean();
	ASSERT_RANGES(R(0x100000, 7 * MiB, MEM_USABLE));
	assert_warning("boot: memory map: malformed entry at offset 24 (size 20); rest ignored");
}

static void bootinfo_stops_at_entry_size_that_wraps_the_offset(void **state)
{
	/* offset + 4 + size wraps around 32 bits; the map ends where phys[]
	 * ends, so a read past it is caught by ASan. */
	map_at(PHYS_SIZE - 48);
	map_add(0x100000, 7 * MiB, MEM_USABLE);
	map_entry(0xfffffffcu, 0x10000000, 1 * MiB, MEM_USABLE);
	map_set_length(48);
	assert_int_equal(parse(), 0);
	assert_map_clean();
	ASSERT_RANGES(R(0x100000, 7 * MiB, MEM_USABLE));
	assert_warning("boot: memory map: malformed entry at offset 24 (size 4294967292); rest ignored");
}

static void bootinfo_stops_at_entry_size_that_wraps_into_a_short_map(void **state)
{
	map_at(PHYS_SIZE - 8);
	map_set_length(8);
	w32(map_pa, 0xffffffffu);
	assert_int_equal(parse(), -ERR_INVAL);
	const char *const want[] = {
		"boot: memory map: malformed entry at offset 0 (size 4294967295); rest ignored",
		"boot: no usable memory reported",
	};
	assert_warnings(want, 2);
}

static void bootinfo_skips_extra_bytes_of_larger_entries(void **state)
{
	map_entry(28, 0x100000, 7 * MiB, MEM_USABLE);
	map_add(0x9000000, 1 * MiB, MEM_USABLE);
	assert_int_equal(parse(), 0);
	assert_map_clean();
	ASSERT_RANGES(R(0x100000, 7 * MiB, MEM_USABLE),
		      R(0x9000000, 1 * MiB, MEM_USABLE));
	assert_no_warnings();
}

static void bootinfo_reports_more_ranges_than_it_keeps(void **state)
{
	map_add(0x100000, 15 * MiB, MEM_USABLE);
	for (int i = 0; i < BOOT_MAX_RANGES; i++)
		map_add(0x2000000 + (uint64_t)i * 0x1000, 0x10, MEM_RESERVED);
	assert_int_equal(parse(), 0);
	assert_map_clean();
	assert_int_equal(bi.nranges, BOOT_MAX_RANGES);
	assert_int_equal(bi.ranges[BOOT_MAX_RANGES - 1].base, 0x2000000 + 62 * 0x1000);
	assert_warning("boot: memory map: more than 64 ranges; range 0x203f000+0x10 ignored");
}

static void bootinfo_full_table_still_cuts_reserved_out_of_usable(void **state)
{
	/* The cut inside the usable range would need a 65th slot. */
	map_add(0x100000, 15 * MiB, MEM_USABLE);
	map_add(0x400000, 0x1000, MEM_RESERVED);
	for (int i = 0; i < BOOT_MAX_RANGES - 2; i++)
		map_add(0x2000000 + (uint64_t)i * 0x1000, 0x10, MEM_RESERVED);
	assert_int_equal(parse(), 0);
	assert_map_clean();                         /* no overlap, whatever is lost */
	assert_int_equal(bi.ranges[0].base, 0x100000);
	assert_true(bi.ranges[0].base + bi.ranges[0].len <= 0x400000);
}

/* --- randomised, against a model ------------------------------------- */

#define MODEL_PAGES 64         /* entries start below this page */

struct entry { uint64_t base, len; uint32_t type; };

/* A page is usable iff one usable entry covers all of it and no other
 * entry touches it. */
static bool model_page_usable(const struct entry *e, int n, uint64_t page)
{
	uint64_t b = page * PAGE_SIZE, end = b + PAGE_SIZE;
	bool covered = false;
	for (int i = 0; i < n; i++) {
		if (e[i].len == 0)
			continue;
		if (e[i].type == MEM_USABLE && e[i].base <= b && e[i].base + e[i].len >= end)
			covered = true;
		if (e[i].type != MEM_USABLE && e[i].base < end && b < e[i].base + e[i].len)
			return false;
	}
	return covered;
}

static bool parsed_page_usable(uint64_t page)
{
	uint64_t b = page * PAGE_SIZE;
	for (int i = 0; i < bi.nranges; i++)
		if (bi.ranges[i].type == MEM_USABLE && bi.ranges[i].base <= b &&
		    b < bi.ranges[i].base + bi.ranges[i].len)
			return true;
	return false;
}

/* An address below pages * PAGE_SIZE, page-aligned half of the time. */
static uint64_t random_addr(uint64_t pages)
{
	uint64_t a = (rng64() % pages) * PAGE_SIZE;
	return rng64() % 2 ? a : a + rng64() % PAGE_SIZE;
}

/* Random maps (usable, reserved and other types, overlapping any way,
 * aligned or not) against a page bitmap. */
static void bootinfo_random_maps_match_page_model(void **state)
{
	int checked = 0;
	rng_state = 0x2545f4914f6cdd1dULL;
	for (int round = 0; round < 3000; round++) {
		setup(state);
		struct entry e[12];
		int n = 1 + (int)(rng64() % 12);
		for (int i = 0; i < n; i++) {
			e[i].type = rng64() % 2 ? MEM_USABLE : (uint32_t)(2 + rng64() % 3);
			e[i].base = random_addr(MODEL_PAGES);
			e[i].len = random_addr(e[i].type == MEM_USABLE ? 24 : 6);
			map_add(e[i].base, e[i].len, e[i].type);
		}
		int rc = parse();
		assert_map_clean();
		assert_int_equal(bi.warnings, rc == 0 ? 0 : 1);
		uint64_t pages = 0;
		for (uint64_t p = 0; p < MODEL_PAGES + 32; p++) {
			bool want = model_page_usable(e, n, p);
			if (want != parsed_page_usable(p))
				fail_msg("round %d: page %#lx usable=%d, model says %d",
					 round, p, !want, want);
			pages += want;
		}
		assert_int_equal(bi.usable_bytes, pages * PAGE_SIZE);
		assert_int_equal(rc, pages ? 0 : -ERR_INVAL);
		checked += pages > 0;
	}
	assert_true(checked > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(bootinfo_qemu_map_gives_usable_bytes_and_top),
		T(bootinfo_sorts_unsorted_map_and_drops_zero_length_entry),
		T(bootinfo_splits_usable_range_around_reserved_range),
		T(bootinfo_trims_usable_range_under_other_types_at_its_edges),
		T(bootinfo_drops_usable_range_covered_by_reserved_range),
		T(bootinfo_treats_unknown_types_as_reserved),
		T(bootinfo_merges_overlapping_usable_entries),
		T(bootinfo_merges_overlapping_usable_entries_around_reserved),
		T(bootinfo_merges_touching_usable_entries),
		T(bootinfo_keeps_touching_ranges_of_different_types_apart),
		T(bootinfo_rounds_usable_ranges_to_whole_pages),
		T(bootinfo_keeps_ranges_above_4_gib),
		T(bootinfo_clamps_range_running_past_52_bit_limit),
		T(bootinfo_clamps_usable_range_whose_end_overflows_64_bits),
		T(bootinfo_clamped_reserved_range_still_excludes_memory_above_it),
		T(bootinfo_ignores_range_beyond_52_bit_limit),
		T(bootinfo_stops_at_entry_with_too_small_size),
		T(bootinfo_stops_at_entry_running_past_end_of_map),
		T(bootinfo_stops_at_entry_size_that_wraps_the_offset),
		T(bootinfo_stops_at_entry_size_that_wraps_into_a_short_map),
		T(bootinfo_skips_extra_bytes_of_larger_entries),
		T(bootinfo_reports_more_ranges_than_it_keeps),
		T(bootinfo_full_table_still_cuts_reserved_out_of_usable),
		T(bootinfo_random_maps_match_page_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
