/*
 * pagoda/mmboot.h - what the kernel hands the memory server at boot.
 *
 * The kernel builds exactly one process, the memory server, and maps into
 * it, read-only, one struct mm_boot_info at MM_BOOT_INFO_VA, and all of
 * physical memory (0 .. phys_window_size) read-write at MM_PHYS_WINDOW:
 * frame f is at MM_PHYS_WINDOW + f * 4096 in the server's address space.
 * Every usable frame not listed in reserved[] is free for the server to
 * manage; the reserved ranges (the kernel image, the boot modules, and the
 * frames the kernel used to build the server) must never be handed out.
 */
#ifndef PAGODA_MMBOOT_H
#define PAGODA_MMBOOT_H

#include <stdint.h>

#define MM_BOOT_INFO_VA   0x0000000010000000ULL
#define MM_PHYS_WINDOW    0x0000400000000000ULL
#define MM_BOOT_MAGIC     0x50474442554d4d31ULL   /* "1MMUBDGP" */

#define MM_BOOT_RANGES    64
#define MM_BOOT_RESERVED  24
#define MM_BOOT_MODULES   16

/* Types of a memory-map range (the multiboot / e820 numbering). */
#define MM_RANGE_USABLE   1
#define MM_RANGE_RESERVED 2     /* anything but MM_RANGE_USABLE is reserved */

struct mm_boot_range {
	uint64_t base;
	uint64_t len;
	uint32_t type;          /* MM_RANGE_USABLE, or reserved */
	uint32_t pad;
};

struct mm_boot_module {
	uint64_t start, end;    /* physical [start, end) */
	char name[32];          /* "init", "hello", ... */
	char args[256];         /* the module's string: path and arguments */
};

struct mm_boot_info {
	uint64_t magic;
	uint64_t phys_window_size;
	uint32_t nranges, nreserved, nmodules, pad;
	struct mm_boot_range ranges[MM_BOOT_RANGES];
	struct mm_boot_range reserved[MM_BOOT_RESERVED];
	struct mm_boot_module modules[MM_BOOT_MODULES];
};

#endif
