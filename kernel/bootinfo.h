/*
 * bootinfo.h - what the boot loader told us, copied and cleaned.
 *
 * bootinfo_parse() reads the multiboot v1 information once, at boot,
 * validates it, and copies everything the kernel keeps into struct
 * boot_info: the command line, a sorted memory map with page-aligned
 * usable ranges that overlap nothing reserved, and the modules. After it
 * returns, the loader's structures are never read again (their memory may
 * be reused).
 */
#ifndef KERNEL_BOOTINFO_H
#define KERNEL_BOOTINFO_H

#include <pagoda/types.h>
#include <pagoda/mmboot.h>          /* MM_RANGE_* */

#define MULTIBOOT_BOOT_MAGIC 0x2BADB002u

#define BOOT_MAX_RANGES   64
#define BOOT_MAX_MODULES  16
#define BOOT_CMDLINE_MAX  256
#define BOOT_MODARGS_MAX  256
#define BOOT_MODNAME_MAX  32
#define PHYS_ADDR_LIMIT   (1ULL << 52)   /* architectural MAXPHYADDR bound */

/* The multiboot memory-map types, numbered as the memory server sees them. */
enum mem_type { MEM_USABLE = MM_RANGE_USABLE, MEM_RESERVED = MM_RANGE_RESERVED };

struct mem_range {
	paddr_t base;
	uint64_t len;
	uint32_t type;            /* MEM_USABLE or the loader's other type number */
};

struct boot_module {
	paddr_t start, end;       /* [start, end) physical */
	char args[BOOT_MODARGS_MAX];   /* the module's string: "path arg1 arg2" */
	char name[BOOT_MODNAME_MAX];   /* basename of the first word, ".elf" dropped */
};

struct boot_info {
	char cmdline[BOOT_CMDLINE_MAX];
	struct mem_range ranges[BOOT_MAX_RANGES];
	int nranges;
	struct boot_module modules[BOOT_MAX_MODULES];
	int nmodules;
	uint64_t usable_bytes;
	paddr_t top_of_ram;       /* end of the highest usable range */
	int warnings;             /* problems reported (and worked around) */
};

/* How the parser reaches physical memory: a pointer to [pa, pa+len), or
 * NULL when that range cannot be read. */
typedef const void *(*bootinfo_reader)(paddr_t pa, size_t len);

/* [start, end) lies inside one usable range of the cleaned map. */
bool bootinfo_usable(const struct boot_info *bi, paddr_t start, paddr_t end);

int bootinfo_parse(uint32_t magic, paddr_t mbi, bootinfo_reader read, struct boot_info *out);

#endif
