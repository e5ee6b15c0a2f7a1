/*
 * bootinfo_fixture.c - the fake multiboot loader shared by the bootinfo
 * suites: phys[], the helpers that lay out an information block in it, and
 * the assertions on what bootinfo_parse() made of it. See bootinfo_fixture.h.
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

uint8_t phys[PHYS_SIZE];
paddr_t map_pa;
static uint32_t map_len, nmods;
static paddr_t str_next;
struct boot_info bi;

const void *read_phys(paddr_t pa, size_t len)
{
	if (pa > PHYS_SIZE || len > PHYS_SIZE - pa)
		return NULL;
	return phys + pa;
}

void w32(paddr_t pa, uint32_t v) { memcpy(phys + pa, &v, sizeof v); }
static void w64(paddr_t pa, uint64_t v) { memcpy(phys + pa, &v, sizeof v); }

static uint32_t r32(paddr_t pa)
{
	uint32_t v;
	memcpy(&v, phys + pa, sizeof v);
	return v;
}

void set_flags(uint32_t f) { w32(MBI_PA + 0, r32(MBI_PA + 0) | f); }
void clear_flags(uint32_t f) { w32(MBI_PA + 0, r32(MBI_PA + 0) & ~f); }

int setup(void **state)
{
	memset(phys, 0, sizeof phys);
	memset(&bi, 0x5a, sizeof bi);       /* the parser must clear it */
	map_pa = MMAP_PA;
	map_len = nmods = 0;
	str_next = STR_PA;
	kstub_log_clear();
	return 0;
}

void map_at(paddr_t pa) { map_pa = pa; }

void map_set_length(uint32_t len)
{
	w32(MBI_PA + 44, len);
	w32(MBI_PA + 48, (uint32_t)map_pa);
	set_flags(FLAG_MMAP);
}

/* One entry whose size field is `size` (20 for the standard layout). */
void map_entry(uint32_t size, uint64_t base, uint64_t len, uint32_t type)
{
	paddr_t e = map_pa + map_len;
	w32(e, size);
	w64(e + 4, base);
	w64(e + 12, len);
	w32(e + 20, type);
	map_len += 4 + (size < 20 ? 20 : size);
	map_set_length(map_len);
}

void map_add(uint64_t base, uint64_t len, uint32_t type)
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

void set_cmdline(const char *s)
{
	w32(MBI_PA + 16, (uint32_t)put_string(s));
	set_flags(FLAG_CMDLINE);
}

void set_mem(uint32_t lower_kib, uint32_t upper_kib)
{
	w32(MBI_PA + 4, lower_kib);
	w32(MBI_PA + 8, upper_kib);
	set_flags(FLAG_MEM);
}

void set_modules_at(paddr_t pa, uint32_t count)
{
	w32(MBI_PA + 20, count);
	w32(MBI_PA + 24, (uint32_t)pa);
	set_flags(FLAG_MODS);
}

void module_add_raw(uint32_t start, uint32_t end, uint32_t string_pa)
{
	paddr_t m = MODS_PA + 16 * nmods++;
	w32(m, start);
	w32(m + 4, end);
	w32(m + 8, string_pa);
	w32(m + 12, 0);
	set_modules_at(MODS_PA, nmods);
}

void module_add(uint32_t start, uint32_t end, const char *s)
{
	module_add_raw(start, end, (uint32_t)put_string(s));
}

int parse(void)
{
	return bootinfo_parse(MULTIBOOT_BOOT_MAGIC, MBI_PA, read_phys, &bi);
}

void assert_map_clean(void)
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

void assert_ranges(const struct mem_range *want, int n)
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

void assert_warnings(const char *const *lines, int n)
{
	assert_false(kstub_log_overflowed);
	for (int i = 0; i < n; i++)
		if (kstub_log_count_line(lines[i]) != 1)
			fail_msg("expected warning \"%s\" once; log:\n%s", lines[i], kstub_log);
	assert_int_equal(log_lines(), n);
	assert_int_equal(bi.warnings, n);
}

void assert_warning(const char *line)
{
	assert_warnings(&line, 1);
}

void assert_no_warnings(void)
{
	assert_warnings(NULL, 0);
}

void add_qemu_map(void)
{
	map_add(0, 0x9fc00, MEM_USABLE);
	map_add(0x9fc00, 0x400, MEM_RESERVED);
	map_add(0xf0000, 0x10000, MEM_RESERVED);
	map_add(0x100000, 0x7ee0000, MEM_USABLE);
	map_add(0x7fe0000, 0x20000, MEM_RESERVED);
	map_add(0xfffc0000, 0x40000, MEM_RESERVED);
}
