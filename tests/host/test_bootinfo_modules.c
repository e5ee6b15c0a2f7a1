/*
 * test_bootinfo_modules.c - everything in multiboot v1 information
 * (kernel/bootinfo.c) but the memory map itself, compiled unchanged against
 * tests/host/kstubs.c: the magic and the information block, the fallbacks
 * when the map is missing or unreadable, the command line, and the boot
 * modules (names, arguments, which ones are skipped and why). The memory
 * map's parsing and cleaning are in test_bootinfo_map.c.
 *
 * The fake loader (phys[], module_add(), parse() ...) is bootinfo_fixture.c;
 * every warning is checked against the exact message that kstubs captured.
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

/* --- without a usable memory map ------------------------------------- */

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(bootinfo_rejects_bad_magic),
		T(bootinfo_rejects_unreadable_information_block),
		T(bootinfo_fails_without_any_memory_information),
		T(bootinfo_fails_when_map_has_only_reserved_ranges),
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
