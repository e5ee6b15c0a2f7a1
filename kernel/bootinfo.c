/*
 * bootinfo.c - reading the multiboot v1 information (Multiboot
 * Specification 0.6.96, section 3.3) into struct boot_info.
 *
 * Everything the loader hands us is checked before use, because a broken
 * loader, a hand-written grub.cfg or a test can pass anything:
 *   - an entry whose size field is too small or runs past the end of the
 *     map ends the map there, with a message;
 *   - memory map entries with a zero length are dropped; entries that
 *     overflow or run past the 52-bit physical address limit are clamped
 *     (or dropped if nothing is left), each with a message;
 *   - usable ranges are shrunk to whole pages and have every non-usable
 *     range cut out of them, so "usable" really means usable; usable
 *     ranges that overlap or touch are merged, so none is counted twice;
 *   - without a memory map, mem_lower/mem_upper are used instead;
 *   - modules that end before they start, are empty, or do not lie inside
 *     usable RAM are reported and skipped; extra modules past
 *     BOOT_MAX_MODULES are reported and ignored.
 * The ranges come out sorted by base address.
 */
#include "kernel.h"
#include "bootinfo.h"
#include "format.h"

/* Multiboot information layout (byte offsets). */
#define MBI_FLAGS        0
#define MBI_MEM_LOWER    4
#define MBI_MEM_UPPER    8
#define MBI_CMDLINE      16
#define MBI_MODS_COUNT   20
#define MBI_MODS_ADDR    24
#define MBI_MMAP_LENGTH  44
#define MBI_MMAP_ADDR    48
#define MBI_SIZE         52
#define MBI_FLAG_MEM     (1u << 0)
#define MBI_FLAG_CMDLINE (1u << 2)
#define MBI_FLAG_MODS    (1u << 3)
#define MBI_FLAG_MMAP    (1u << 6)
#define MMAP_ENTRY_MIN   20       /* base (8) + length (8) + type (4) */
#define MODULE_SIZE      16

static uint32_t rd32(const uint8_t *p, int off)
{
	uint32_t v;
	memcpy(&v, p + off, sizeof v);
	return v;
}

static uint64_t rd64(const uint8_t *p, int off)
{
	uint64_t v;
	memcpy(&v, p + off, sizeof v);
	return v;
}

static void warn(struct boot_info *bi, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void warn(struct boot_info *bi, const char *fmt, ...)
{
	va_list ap;
	kprintf("boot: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	bi->warnings++;
}

/* Copy a NUL-terminated string from physical memory, bounded. Returns
 * false if it had to be cut. */
static bool read_string(bootinfo_reader read, paddr_t pa, char *buf, size_t max)
{
	size_t n = 0;
	for (; n + 1 < max; n++) {
		const char *c = read(pa + n, 1);
		if (!c || !*c)
			break;
		buf[n] = *c;
	}
	buf[n] = '\0';
	const char *next = read(pa + n, 1);
	return !next || !*next;
}

static void add_range(struct boot_info *bi, paddr_t base, uint64_t len, uint32_t type)
{
	if (len == 0)
		return;
	if (base >= PHYS_ADDR_LIMIT) {
		warn(bi, "memory map: range at %#lx is beyond the 52-bit physical limit; ignored",
		     base);
		return;
	}
	if (len > PHYS_ADDR_LIMIT - base) {
		warn(bi, "memory map: range %#lx+%#lx runs past the 52-bit physical limit; clamped",
		     base, len);
		len = PHYS_ADDR_LIMIT - base;
	}
	if (type == MEM_USABLE) {
		paddr_t b = page_round_up(base), e = page_round_down(base + len);
		if (e <= b)
			return;
		base = b;
		len = e - b;
	}
	if (bi->nranges == BOOT_MAX_RANGES) {
		warn(bi, "memory map: more than %d ranges; range %#lx+%#lx ignored",
		     BOOT_MAX_RANGES, base, len);
		return;
	}
	bi->ranges[bi->nranges++] = (struct mem_range){ base, len, type };
}

static void read_mmap(const uint8_t *mbi, bootinfo_reader read, struct boot_info *bi)
{
	uint32_t len = rd32(mbi, MBI_MMAP_LENGTH);
	paddr_t addr = rd32(mbi, MBI_MMAP_ADDR);
	const uint8_t *map = read(addr, len);
	if (!map) {
		warn(bi, "memory map at %#lx (%u bytes) is unreadable", addr, len);
		return;
	}
	/* off <= len always; written so that nothing can wrap around 32 bits */
	for (uint32_t off = 0; len - off >= 4; ) {
		uint32_t size = rd32(map, off);
		if (size < MMAP_ENTRY_MIN || size > len - off - 4) {
			warn(bi, "memory map: malformed entry at offset %u (size %u); rest ignored", off, size);
			return;
		}
		add_range(bi, rd64(map, off + 4), rd64(map, off + 12), rd32(map, off + 20));
		off += 4 + size;
	}
}

static void sort_ranges(struct boot_info *bi)
{
	for (int i = 1; i < bi->nranges; i++) {
		struct mem_range r = bi->ranges[i];
		int j = i;
		for (; j > 0 && bi->ranges[j - 1].base > r.base; j--)
			bi->ranges[j] = bi->ranges[j - 1];
		bi->ranges[j] = r;
	}
}

/* Remove [b, e) from usable range i; may split it in two. */
static void cut_usable(struct boot_info *bi, int i, paddr_t b, paddr_t e)
{
	struct mem_range *u = &bi->ranges[i];
	paddr_t ub = u->base, ue = u->base + u->len;
	if (e <= ub || b >= ue)
		return;
	b = page_round_down(b);
	e = page_round_up(e);
	if (b > ub && e < ue && bi->nranges < BOOT_MAX_RANGES) {
		u->len = b - ub;
		bi->ranges[bi->nranges++] = (struct mem_range){ e, ue - e, MEM_USABLE };
		return;
	}
	if (b <= ub)
		ub = e < ue ? e : ue;
	else
		ue = b;
	u->base = ub;
	u->len = ue - ub;
}

static void drop_empty(struct boot_info *bi)
{
	int n = 0;
	for (int i = 0; i < bi->nranges; i++)
		if (bi->ranges[i].len)
			bi->ranges[n++] = bi->ranges[i];
	bi->nranges = n;
}

/* Firmware may list memory in overlapping or touching usable entries:
 * merge them, so no frame is counted (or handed out) twice. Runs on the
 * sorted, cut ranges, where nothing reserved can lie between two usable
 * ranges that meet. */
static void merge_usable(struct boot_info *bi)
{
	int n = 0;
	for (int i = 0; i < bi->nranges; i++) {
		const struct mem_range *r = &bi->ranges[i];
		struct mem_range *last = n ? &bi->ranges[n - 1] : NULL;
		if (last && last->type == MEM_USABLE && r->type == MEM_USABLE &&
		    r->base <= last->base + last->len) {
			if (r->base + r->len > last->base + last->len)
				last->len = r->base + r->len - last->base;
			continue;
		}
		bi->ranges[n++] = *r;
	}
	bi->nranges = n;
}

/* Usable memory never overlaps anything the map calls reserved, nor
 * other usable memory. */
static void clean_ranges(struct boot_info *bi)
{
	int n = bi->nranges;
	for (int r = 0; r < n; r++) {
		if (bi->ranges[r].type == MEM_USABLE)
			continue;
		paddr_t b = bi->ranges[r].base, e = b + bi->ranges[r].len;
		for (int u = 0; u < bi->nranges; u++)
			if (bi->ranges[u].type == MEM_USABLE)
				cut_usable(bi, u, b, e);
	}
	drop_empty(bi);
	sort_ranges(bi);
	merge_usable(bi);
	bi->usable_bytes = 0;
	bi->top_of_ram = 0;
	for (int i = 0; i < bi->nranges; i++) {
		if (bi->ranges[i].type != MEM_USABLE)
			continue;
		bi->usable_bytes += bi->ranges[i].len;
		bi->top_of_ram = bi->ranges[i].base + bi->ranges[i].len;
	}
}

static bool inside_usable(const struct boot_info *bi, paddr_t b, paddr_t e)
{
	for (int i = 0; i < bi->nranges; i++) {
		const struct mem_range *r = &bi->ranges[i];
		if (r->type == MEM_USABLE && b >= r->base && e <= r->base + r->len)
			return true;
	}
	return false;
}

bool bootinfo_usable(const struct boot_info *bi, paddr_t start, paddr_t end)
{
	return inside_usable(bi, page_round_down(start), end);
}

static void module_name(struct boot_module *m, int index)
{
	const char *s = m->args, *base = s;
	size_t n = 0;
	for (; s[n] && s[n] != ' '; n++)
		if (s[n] == '/')
			base = s + n + 1;
	n = (size_t)(s + n - base);
	if (n >= 4 && !strncmp(base + n - 4, ".elf", 4))
		n -= 4;
	if (n == 0) {
		fmt_snprintf(m->name, sizeof m->name, "module%d", index);
		return;
	}
	if (n >= sizeof m->name)
		n = sizeof m->name - 1;
	memcpy(m->name, base, n);
	m->name[n] = '\0';
}

static void read_modules(const uint8_t *mbi, bootinfo_reader read, struct boot_info *bi)
{
	uint32_t count = rd32(mbi, MBI_MODS_COUNT);
	paddr_t addr = rd32(mbi, MBI_MODS_ADDR);
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *mod = read(addr + (paddr_t)i * MODULE_SIZE, MODULE_SIZE);
		if (!mod) {
			warn(bi, "module list at %#lx is unreadable", addr);
			return;
		}
		if (bi->nmodules == BOOT_MAX_MODULES) {
			warn(bi, "more than %d modules; module %u and later ignored", BOOT_MAX_MODULES, i);
			return;
		}
		struct boot_module *m = &bi->modules[bi->nmodules];
		m->start = rd32(mod, 0);
		m->end = rd32(mod, 4);
		bool whole = read_string(read, rd32(mod, 8), m->args, sizeof m->args);
		module_name(m, (int)i);
		if (!whole)
			warn(bi, "module %u ('%s'): its string is longer than %zu bytes; cut",
			     i, m->name, sizeof m->args - 1);
		if (m->end <= m->start) {
			warn(bi, "module %u ('%s'): empty or ends before it starts (%#lx..%#lx); skipped",
			     i, m->name, m->start, m->end);
			continue;
		}
		if (!inside_usable(bi, page_round_down(m->start), m->end)) {
			warn(bi, "module %u ('%s'): %#lx..%#lx is not in usable RAM; skipped",
			     i, m->name, m->start, m->end);
			continue;
		}
		bi->nmodules++;
	}
}

int bootinfo_parse(uint32_t magic, paddr_t mbi_pa, bootinfo_reader read, struct boot_info *bi)
{
	memset(bi, 0, sizeof *bi);
	if (magic != MULTIBOOT_BOOT_MAGIC) {
		warn(bi, "not booted by a multiboot loader (magic %#x)", magic);
		return -ERR_INVAL;
	}
	const uint8_t *mbi = read(mbi_pa, MBI_SIZE);
	if (!mbi) {
		warn(bi, "multiboot information at %#lx is unreadable", mbi_pa);
		return -ERR_INVAL;
	}
	uint32_t flags = rd32(mbi, MBI_FLAGS);
	if (flags & MBI_FLAG_CMDLINE)
		if (!read_string(read, rd32(mbi, MBI_CMDLINE), bi->cmdline, sizeof bi->cmdline))
			warn(bi, "command line longer than %zu bytes; cut", sizeof bi->cmdline - 1);
	if (flags & MBI_FLAG_MMAP)
		read_mmap(mbi, read, bi);
	if (bi->nranges == 0 && (flags & MBI_FLAG_MEM)) {
		warn(bi, "no memory map; using mem_lower/mem_upper");
		add_range(bi, 0, (uint64_t)rd32(mbi, MBI_MEM_LOWER) << 10, MEM_USABLE);
		add_range(bi, 1u << 20, (uint64_t)rd32(mbi, MBI_MEM_UPPER) << 10, MEM_USABLE);
	}
	clean_ranges(bi);
	if (bi->usable_bytes == 0) {
		warn(bi, "no usable memory reported");
		return -ERR_INVAL;
	}
	if (flags & MBI_FLAG_MODS)
		read_modules(mbi, read, bi);
	return 0;
}
