/*
 * test_bootinfo.c - multiboot v1 information parsing (kernel/bootinfo.c),
 * compiled unchanged against tests/host/kstubs.c.
 *
 * "Physical memory" is the array phys[]: the tests lay out a multiboot
 * information block, a memory map, a module list and strings in it with
 * the helpers below (offsets from the Multiboot Specification 0.6.96,
 * section 3.3, not from bootinfo.c), and read_phys() maps a physical
 * address into it, or answers NULL past its end. The memory map describes
 * any physical layout: its entries are just numbers.
 *
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
#include "bootinfo.h"
#include "kstubs.h"

#define PHYS_SIZE 0x10000u
#define MBI_PA    0x1000u
#define MMAP_PA   0x2000u      /* room for 170 entries */
#define MODS_PA   0x4000u
#define STR_PA    0x5000u

#define FLAG_MEM     (1u << 0)
#define FLAG_CMDLINE (1u << 2)
#define FLAG_MODS    (1u << 3)
#define FLAG_MMAP    (1u << 6)

#define KiB 0x400ULL
#define MiB 0x100000ULL
#define GiB 0x40000000ULL
#define MEM_ACPI 3
#define MEM_NVS  4
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static uint8_t phys[PHYS_SIZE];
static paddr_t map_pa;
static uint32_t map_len, nmods;
static paddr_t str_next;
static struct boot_info bi;

static const void *read_phys(paddr_t pa, size_t len)
{
	if (pa > PHYS_SIZE || len > PHYS_SIZE - pa)
		return NULL;
	return phys + pa;
}

static void w32(paddr_t pa, uint32_t v) { memcpy(phys + pa, &v, sizeof v); }
static void w64(paddr_t pa, uint64_t v) { memcpy(phys + pa, &v, sizeof v); }

static uint32_t r32(paddr_t pa)
{
	uint32_t v;
	memcpy(&v, phys + pa, sizeof v);
	return v;
}

static void set_flags(uint32_t f) { w32(MBI_PA + 0, r32(MBI_PA + 0) | f); }
static void clear_flags(uint32_t f) { w32(MBI_PA + 0, r32(MBI_PA + 0) & ~f); }

static int setup(void **state)
{
	memset(phys, 0, sizeof phys);
	memset(&bi, 0x5a, sizeof bi);       /* the parser must clear it */
	map_pa = MMAP_PA;
	map_len = nmods = 0;
	str_next = STR_PA;
	kstub_log_clear();
	return 0;
}

/* Place the memory map elsewhere (call before adding entries). */
static void map_at(paddr_t pa) { map_pa = pa; }

static void map_set_length(uint32_t len)
{
	w32(MBI_PA + 44, len);
	w32(MBI_PA + 48, (uint32_t)map_pa);
	set_flags(FLAG_MMAP);
}

/* One entry whose size field is `size` (20 for the standard layout). */
static void map_entry(uint32_t size, uint64_t base, uint64_t len, uint32_t type)
{
	paddr_t e = map_pa + map_len;
	w32(e, size);
	w64(e + 4, base);
	w64(e + 12, len);
	w32(e + 20, type);
	map_len += 4 + (size < 20 ? 20 : size);
	map_set_length(map_len);
}

static void map_add(uint64_t base, uint64_t len, uint32_t type)
{
	map_entry(20, base, len, type);
}

static paddr_t put_string(const char *s)
{
	paddr_t pa = str_next;
	size_t n = strlen(s) + 1;
	assert_true(pa + n <= PHYS_SIZE);
	memcpy(phys + pa, s, n);
	str_next += n;
	return pa;
}

static void set_cmdline(const char *s)
{
	w32(MBI_PA + 16, (uint32_t)put_string(s));
	set_flags(FLAG_CMDLINE);
}

static void set_mem(uint32_t lower_kib, uint32_t upper_kib)
{
	w32(MBI_PA + 4, lower_kib);
	w32(MBI_PA + 8, upper_kib);
	set_flags(FLAG_MEM);
}

static void set_modules_at(paddr_t pa, uint32_t count)
{
	w32(MBI_PA + 20, count);
	w32(MBI_PA + 24, (uint32_t)pa);
	set_flags(FLAG_MODS);
}

static void module_add_raw(uint32_t start, uint32_t end, uint32_t string_pa)
{
	paddr_t m = MODS_PA + 16 * nmods++;
	w32(m, start);
	w32(m + 4, end);
	w32(m + 8, string_pa);
	w32(m + 12, 0);
	set_modules_at(MODS_PA, nmods);
}

static void module_add(uint32_t start, uint32_t end, const char *s)
{
	module_add_raw(start, end, (uint32_t)put_string(s));
}

static int parse(void)
{
	return bootinfo_parse(MULTIBOOT_BOOT_MAGIC, MBI_PA, read_phys, &bi);
}

/* The promises of bootinfo.h, for any input. */
static void assert_map_clean(void)
{
	assert_in_range(bi.nranges, 0, BOOT_MAX_RANGES);
	uint64_t usable = 0;
	paddr_t top = 0;
	for (int i = 0; i < bi.nranges; i++) {
		const struct mem_range *r = &bi.ranges[i];
		assert_true(r->len > 0);
		assert_true(r->base < PHYS_ADDR_LIMIT && r->len <= PHYS_ADDR_LIMIT - r->base);
		if (i > 0)
			assert_true(bi.ranges[i - 1].base <= r->base);
		if (r->type != MEM_USABLE)
			continue;
		assert_int_equal(r->base % PAGE_SIZE, 0);
		assert_int_equal(r->len % PAGE_SIZE, 0);
		for (int j = 0; j < bi.nranges; j++) {
			const struct mem_range *o = &bi.ranges[j];
			if (j == i)
				continue;
			bool overlap = r->base < o->base + o->len && o->base < r->base + r->len;
			if (overlap)
				fail_msg("usable %#lx+%#lx overlaps %s %#lx+%#lx", r->base, r->len,
					 o->type == MEM_USABLE ? "usable" : "reserved", o->base, o->len);
		}
		usable += r->len;
		if (r->base + r->len > top)
			top = r->base + r->len;
	}
	assert_int_equal(bi.usable_bytes, usable);
	assert_int_equal(bi.top_of_ram, top);
}

static void assert_ranges(const struct mem_range *want, int n)
{
	assert_int_equal(bi.nranges, n);
	for (int i = 0; i < n; i++) {
		if (bi.ranges[i].base != want[i].base || bi.ranges[i].len != want[i].len ||
		    bi.ranges[i].type != want[i].type)
			fail_msg("range %d is %#lx+%#lx type %u, want %#lx+%#lx type %u", i,
				 bi.ranges[i].base, bi.ranges[i].len, bi.ranges[i].type,
				 want[i].base, want[i].len, want[i].type);
	}
}

static int log_lines(void)
{
	int n = 0;
	for (const char *p = kstub_log; *p; p++)
		n += *p == '\n';
	return n;
}

/* Exactly these warnings, each once, and warnings counts them. */
static void assert_warnings(const char *const *lines, int n)
{
	assert_false(kstub_log_overflowed);
	for (int i = 0; i < n; i++)
		if (kstub_log_count_line(lines[i]) != 1)
			fail_msg("expected warning \"%s\" once; log:\n%s", lines[i], kstub_log);
	assert_int_equal(log_lines(), n);
	assert_int_equal(bi.warnings, n);
}

static void assert_warning(const char *line)
{
	assert_warnings(&line, 1);
}

static void assert_no_warnings(void)
{
	assert_warnings(NULL, 0);
}

#define R(b, l, t) { (b), (l), (t) }
#define ASSERT_RANGES(...) do { \
	const struct mem_range want_[] = { __VA_ARGS__ }; \
	assert_ranges(want_, (int)(sizeof want_ / sizeof want_[0])); \
} while (0)

/* SeaBIOS under QEMU with -m 128. */
static void add_qemu_map(void)
{
	map_add(0, 0x9fc00, MEM_USABLE);
	map_add(0x9fc00, 0x400, MEM_RESERVED);
	map_add(0xf0000, 0x10000, MEM_RESERVED);
	map_add(0x100000, 0x7ee0000, MEM_USABLE);
	map_add(0x7fe0000, 0x20000, MEM_RESERVED);
	map_add(0xfffc0000, 0x40000, MEM_RESERVED);
}

/* --- the information block ------------------------------------------- */

static void bootinfo_rejects_bad_magic(void **state)
{
	add_qemu_map();
	assert_int_equal(bootinfo_parse(0x12345678, MBI_PA, read_phys, &bi), -ERR_INVAL);
	assert_warning("boot: not booted by a multiboot loader (magic 0x12345678)");
	assert_int_equal(bi.nranges, 0);
	assert_int_equal(bi.usable_bytes, 0);
}

static void bootinfo_rejects_unreadable_information_block(void **state)
{
	assert_int_equal(bootinfo_parse(MULTIBOOT_BOOT_MAGIC, PHYS_SIZE - 8, read_phys, &bi),
			 -ERR_INVAL);
	assert_warning("boot: multiboot information at 0xfff8 is unreadable");
}

static void bootinfo_fails_without_any_memory_information(void **state)
{
	assert_int_equal(parse(), -ERR_INVAL);
	assert_warning("boot: no usable memory reported");
	assert_int_equal(bi.nranges, 0);
}

static void bootinfo_fails_when_map_has_only_reserved_ranges(void **state)
{
	map_add(0xf0000, 0x10000, MEM_RESERVED);
	map_add(0x100000, 0x800, MEM_USABLE);           /* less than a page */
	assert_int_equal(parse(), -ERR_INVAL);
	assert_warning("boot: no usable memory reported");
}

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

static void bootinfo_reports_unreadable_map(void **state)
{
	map_at(PHYS_SIZE - 16);
	map_set_length(48);
	set_mem(639, 130048);
	assert_int_equal(parse(), 0);
	assert_map_clean();
	const char *const want[] = {
		"boot: memory map at 0xfff0 (48 bytes) is unreadable",
		"boot: no memory map; using mem_lower/mem_upper",
	};
	assert_warnings(want, 2);
	assert_int_equal(bi.nranges, 2);
}

static void bootinfo_falls_back_to_mem_lower_and_upper_without_map(void **state)
{
	set_mem(639, 130048);                       /* 639 KiB, 127 MiB */
	assert_int_equal(parse(), 0);
	assert_map_clean();
	ASSERT_RANGES(R(0, 0x9f000, MEM_USABLE),
		      R(1 * MiB, 127 * MiB, MEM_USABLE));
	assert_int_equal(bi.top_of_ram, 128 * MiB);
	assert_warning("boot: no memory map; using mem_lower/mem_upper");
}

static void bootinfo_prefers_map_to_mem_fields(void **state)
{
	add_qemu_map();
	set_mem(100, 1000);
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.top_of_ram, 0x7fe0000);
	assert_no_warnings();
}

/* --- the command line ------------------------------------------------ */

static void bootinfo_copies_cmdline(void **state)
{
	add_qemu_map();
	set_cmdline("build/kernel32.elf quantum=5 verbose");
	assert_int_equal(parse(), 0);
	assert_string_equal(bi.cmdline, "build/kernel32.elf quantum=5 verbose");
}

static void bootinfo_bounds_long_cmdline(void **state)
{
	char s[400];
	memset(s, 'c', sizeof s - 1);
	s[sizeof s - 1] = '\0';
	add_qemu_map();
	set_cmdline(s);
	assert_int_equal(parse(), 0);
	assert_int_equal(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
	assert_memory_equal(bi.cmdline, s, BOOT_CMDLINE_MAX - 1);
	assert_int_equal(kstub_log_count_line("boot: command line longer than 255 bytes; cut"), 1);
}

static void bootinfo_ignores_cmdline_without_its_flag(void **state)
{
	add_qemu_map();
	set_cmdline("quiet");
	clear_flags(FLAG_CMDLINE);
	assert_int_equal(parse(), 0);
	assert_string_equal(bi.cmdline, "");
}

static void bootinfo_stops_cmdline_at_end_of_readable_memory(void **state)
{
	add_qemu_map();
	memcpy(phys + PHYS_SIZE - 3, "abc", 3);     /* no terminator before the end */
	w32(MBI_PA + 16, PHYS_SIZE - 3);
	set_flags(FLAG_CMDLINE);
	assert_int_equal(parse(), 0);
	assert_string_equal(bi.cmdline, "abc");
}

/* --- modules --------------------------------------------------------- */

static void bootinfo_names_module_after_its_path(void **state)
{
	add_qemu_map();
	module_add(0x200000, 0x201234, "/boot/hello.elf a b");
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.nmodules, 1);
	assert_string_equal(bi.modules[0].name, "hello");
	assert_string_equal(bi.modules[0].args, "/boot/hello.elf a b");
	assert_int_equal(bi.modules[0].start, 0x200000);
	assert_int_equal(bi.modules[0].end, 0x201234);
	assert_no_warnings();
}

static void bootinfo_module_names_handle_odd_paths(void **state)
{
	static const char *const paths[][2] = {
		{ "init", "init" },
		{ "prog.elf", "prog" },
		{ "dir/x.elfx", "x.elfx" },
		{ "a/b.elf/c.elf", "c" },
		{ "bin/sh.elf arg/with/slash", "sh" },
		{ "/boot/", "module5" },
		{ "", "module6" },
		{ ".elf", "module7" },
		{ "/boot/abcdefghijklmnopqrstuvwxyz0123456789.elf", "abcdefghijklmnopqrstuvwxyz01234" },
	};
	add_qemu_map();
	for (uint32_t i = 0; i < ARRAY_SIZE(paths); i++)
		module_add(0x200000 + i * 0x1000, 0x200800 + i * 0x1000, paths[i][0]);
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.nmodules, ARRAY_SIZE(paths));
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		assert_string_equal(bi.modules[i].name, paths[i][1]);
		assert_string_equal(bi.modules[i].args, paths[i][0]);
	}
}

static void bootinfo_bounds_module_args(void **state)
{
	char s[400];
	memset(s, 'm', sizeof s - 1);
	s[sizeof s - 1] = '\0';
	add_qemu_map();
	module_add(0x200000, 0x201000, s);
	assert_int_equal(parse(), 0);
	assert_int_equal(strlen(bi.modules[0].args), BOOT_MODARGS_MAX - 1);
	assert_int_equal(strlen(bi.modules[0].name), BOOT_MODNAME_MAX - 1);
	assert_int_equal(kstub_log_count_line("boot: module 0 ('mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm'): "
					      "its string is longer than 255 bytes; cut"), 1);
}

static void bootinfo_keeps_module_args_that_just_fit(void **state)
{
	char s[BOOT_MODARGS_MAX];
	memset(s, 'a', sizeof s - 1);
	s[sizeof s - 1] = '\0';
	add_qemu_map();
	module_add(0x200000, 0x201000, s);
	assert_int_equal(parse(), 0);
	assert_string_equal(bi.modules[0].args, s);
	assert_int_equal(bi.warnings, 0);
}

static void bootinfo_module_with_unreadable_string_gets_default_name(void **state)
{
	add_qemu_map();
	module_add_raw(0x200000, 0x201000, 0xfffff000u);
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.nmodules, 1);
	assert_string_equal(bi.modules[0].args, "");
	assert_string_equal(bi.modules[0].name, "module0");
}

static void bootinfo_skips_module_ending_before_it_starts(void **state)
{
	add_qemu_map();
	module_add(0x300000, 0x200000, "/boot/bad.elf");
	module_add(0x400000, 0x400000, "/boot/empty.elf");
	module_add(0x500000, 0x501000, "/boot/good.elf");
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.nmodules, 1);
	assert_string_equal(bi.modules[0].name, "good");
	const char *const want[] = {
		"boot: module 0 ('bad'): empty or ends before it starts (0x300000..0x200000); skipped",
		"boot: module 1 ('empty'): empty or ends before it starts (0x400000..0x400000); skipped",
	};
	assert_warnings(want, 2);
}

static void bootinfo_skips_modules_outside_usable_ram(void **state)
{
	add_qemu_map();
	module_add(0xfffc0000, 0xfffc1000, "rom");             /* reserved */
	module_add(0x8000000, 0x8001000, "high");              /* past the top */
	module_add(0x9f800, 0xa0000, "edge");                  /* into reserved */
	module_add(0x7fdf000, 0x7fe0000, "last");              /* fits exactly */
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.nmodules, 1);
	assert_string_equal(bi.modules[0].name, "last");
	const char *const want[] = {
		"boot: module 0 ('rom'): 0xfffc0000..0xfffc1000 is not in usable RAM; skipped",
		"boot: module 1 ('high'): 0x8000000..0x8001000 is not in usable RAM; skipped",
		"boot: module 2 ('edge'): 0x9f800..0xa0000 is not in usable RAM; skipped",
	};
	assert_warnings(want, 3);
}

static void bootinfo_skips_module_spanning_a_reserved_hole(void **state)
{
	map_add(0x100000, 15 * MiB, MEM_USABLE);
	map_add(0x400000, 0x1000, MEM_RESERVED);
	module_add(0x3ff000, 0x402000, "span");
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.nmodules, 0);
	assert_warning("boot: module 0 ('span'): 0x3ff000..0x402000 is not in usable RAM; skipped");
}

static void bootinfo_reports_more_modules_than_it_keeps(void **state)
{
	add_qemu_map();
	for (uint32_t i = 0; i < BOOT_MAX_MODULES + 2; i++) {
		char name[16];
		snprintf(name, sizeof name, "m%u", i);
		module_add(0x200000 + i * 0x10000, 0x201000 + i * 0x10000, name);
	}
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.nmodules, BOOT_MAX_MODULES);
	assert_string_equal(bi.modules[BOOT_MAX_MODULES - 1].name, "m15");
	assert_warning("boot: more than 16 modules; module 16 and later ignored");
}

static void bootinfo_skipped_modules_do_not_use_slots(void **state)
{
	add_qemu_map();
	module_add(0x300000, 0x200000, "bad");
	for (uint32_t i = 0; i < BOOT_MAX_MODULES; i++)
		module_add(0x200000 + i * 0x10000, 0x201000 + i * 0x10000, "ok");
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.nmodules, BOOT_MAX_MODULES);
	assert_warning("boot: module 0 ('bad'): empty or ends before it starts (0x300000..0x200000); skipped");
}

static void bootinfo_reports_unreadable_module_list(void **state)
{
	add_qemu_map();
	set_modules_at(0xffffff00u, 2);
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.nmodules, 0);
	assert_warning("boot: module list at 0xffffff00 is unreadable");
}

static void bootinfo_ignores_modules_without_their_flag(void **state)
{
	add_qemu_map();
	module_add(0x200000, 0x201000, "hello");
	clear_flags(FLAG_MODS);
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.nmodules, 0);
	assert_no_warnings();
}

/* --- randomised, against a model ------------------------------------- */

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

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
	uint64_t a = (rng() % pages) * PAGE_SIZE;
	return rng() % 2 ? a : a + rng() % PAGE_SIZE;
}

/* Random maps (usable, reserved and other types, overlapping any way,
 * aligned or not) against a page bitmap. */
static void bootinfo_random_maps_match_page_model(void **state)
{
	int checked = 0;
	for (int round = 0; round < 3000; round++) {
		setup(state);
		struct entry e[12];
		int n = 1 + (int)(rng() % 12);
		for (int i = 0; i < n; i++) {
			e[i].type = rng() % 2 ? MEM_USABLE : (uint32_t)(2 + rng() % 3);
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

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(bootinfo_rejects_bad_magic),
		T(bootinfo_rejects_unreadable_information_block),
		T(bootinfo_fails_without_any_memory_information),
		T(bootinfo_fails_when_map_has_only_reserved_ranges),
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
		T(bootinfo_reports_unreadable_map),
		T(bootinfo_falls_back_to_mem_lower_and_upper_without_map),
		T(bootinfo_prefers_map_to_mem_fields),
		T(bootinfo_copies_cmdline),
		T(bootinfo_bounds_long_cmdline),
		T(bootinfo_ignores_cmdline_without_its_flag),
		T(bootinfo_stops_cmdline_at_end_of_readable_memory),
		T(bootinfo_names_module_after_its_path),
		T(bootinfo_module_names_handle_odd_paths),
		T(bootinfo_bounds_module_args),
		T(bootinfo_keeps_module_args_that_just_fit),
		T(bootinfo_module_with_unreadable_string_gets_default_name),
		T(bootinfo_skips_module_ending_before_it_starts),
		T(bootinfo_skips_modules_outside_usable_ram),
		T(bootinfo_skips_module_spanning_a_reserved_hole),
		T(bootinfo_reports_more_modules_than_it_keeps),
		T(bootinfo_skipped_modules_do_not_use_slots),
		T(bootinfo_reports_unreadable_module_list),
		T(bootinfo_ignores_modules_without_their_flag),
		T(bootinfo_random_maps_match_page_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
