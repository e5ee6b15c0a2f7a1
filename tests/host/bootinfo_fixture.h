/*
 * bootinfo_fixture.h - the fake multiboot loader shared by the bootinfo
 * suites (test_bootinfo_map.c, test_bootinfo_modules.c).
 *
 * "Physical memory" is the array phys[]: a test lays out a multiboot
 * information block, a memory map, a module list and strings in it with the
 * helpers below (offsets from the Multiboot Specification 0.6.96, section
 * 3.3, not from bootinfo.c), and read_phys() maps a physical address into
 * it, or answers NULL past its end. The memory map describes any physical
 * layout: its entries are just numbers.
 *
 * Every parsed map can be checked against the promises in bootinfo.h with
 * assert_map_clean(), and every warning against the exact message that
 * kstubs captured.
 */
#ifndef BOOTINFO_FIXTURE_H
#define BOOTINFO_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include "bootinfo.h"

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

extern uint8_t phys[PHYS_SIZE];
extern paddr_t map_pa;          /* where map_add() writes the memory map */
extern struct boot_info bi;     /* what parse() fills in */

const void *read_phys(paddr_t pa, size_t len);
void w32(paddr_t pa, uint32_t v);
void set_flags(uint32_t f);
void clear_flags(uint32_t f);

/* The cmocka setup: empty phys[], a poisoned bi, an empty log. */
int setup(void **state);
#define T(f) cmocka_unit_test_setup(f, setup)

/* The memory map. */
void map_at(paddr_t pa);        /* place it elsewhere (before adding entries) */
void map_set_length(uint32_t len);
void map_entry(uint32_t size, uint64_t base, uint64_t len, uint32_t type);
void map_add(uint64_t base, uint64_t len, uint32_t type);
void add_qemu_map(void);        /* SeaBIOS under QEMU with -m 128 */

/* The other fields of the information block. */
void set_cmdline(const char *s);
void set_mem(uint32_t lower_kib, uint32_t upper_kib);
void set_modules_at(paddr_t pa, uint32_t count);
void module_add_raw(uint32_t start, uint32_t end, uint32_t string_pa);
void module_add(uint32_t start, uint32_t end, const char *s);

/* bootinfo_parse() of the block at MBI_PA into bi. */
int parse(void);

/* The promises of bootinfo.h, for any input. */
void assert_map_clean(void);
void assert_ranges(const struct mem_range *want, int n);
#define R(b, l, t) { (b), (l), (t) }
#define ASSERT_RANGES(...) do { \
	const struct mem_range want_[] = { __VA_ARGS__ }; \
	assert_ranges(want_, (int)(sizeof want_ / sizeof want_[0])); \
} while (0)

/* Exactly these warnings, each once, and bi.warnings counts them. */
void assert_warnings(const char *const *lines, int n);
void assert_warning(const char *line);
void assert_no_warnings(void);

#endif
