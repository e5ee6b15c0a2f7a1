/*
 * options.c - the memory server's boot options.
 *
 * They are the words after the file name on mm's own module line, which
 * the kernel passes on in the boot information like any module's string
 * (GRUB: `module /boot/mm.elf mm check swap=256`; the QEMU tests:
 * `boot mm:check ...`). No kernel option is involved: mm reads its own
 * line. Two kinds of word:
 *
 * Debug switches (mm_debug_parse, read before the allocators start),
 * each setting one bit of mm_env.h:
 *   check     MM_DEBUG_CHECK     mm_check_all() after every message (check.c)
 *   slab      MM_DEBUG_SLAB      slab poisoning, red zones, double-free checks
 *   pages     MM_DEBUG_PAGES     free frames poisoned and checked on allocation
 *   swaptest  MM_DEBUG_SWAPTEST  the swap device's self-test at start-up
 *   demo      MM_DEBUG_DEMO      a teaching aid: MM_DEMO_PADDR answers the
 *                                rogue-DMA demo's questions (iommu_fault.c)
 *   faultlog  MM_DEBUG_FAULTLOG  a DMA fault is logged and counted, but the
 *                                device's driver is not killed (iommu_fault.c)
 *
 * Settings KEY=VALUE (mm_config_parse, read once mm knows how much memory
 * it manages), into struct mm_config (config.h):
 *   swap=MiB      the swap device's size: 0 .. half of the managed memory
 *                 (the rest must run the system); default 0, no swap
 *   usermem=MiB   a cap on user pages: 0 .. the managed memory; default
 *                 0, no cap
 *   policy=TEXT   the replacement policy, NAME or NAME:PARAMS, kept as
 *                 text (1 .. MM_POLICY_ARG_MAX - 1 characters; the policy
 *                 code checks the name); default "", the default policy
 *   bounce=WORD   force: every streaming DMA mapping bounces (bounce.c,
 *                 Linux's swiotlb=force); auto: only pages a device
 *                 cannot reach; default auto
 * A number is decimal or 0x-hexadecimal digits, nothing else (no sign,
 * no unit). The last word for a key wins.
 *
 * A boot option is input mm does not control: an unknown word, or a bad
 * value, is reported - naming the option, what it accepts and the default
 * kept - and ignored, never fatal (STYLE.md, tier two).
 */
#include <string.h>
#include "mm_env.h"
#include "config.h"

struct mm_config mm_config;

#define KNOWN "check slab pages swaptest demo faultlog swap= usermem= policy= bounce="
#define NUMBER_MAX (1ULL << 40)         /* MiB: far beyond any machine */

static const struct { const char *word; unsigned bit; } switches[] = {
	{ "check", MM_DEBUG_CHECK },
	{ "slab",  MM_DEBUG_SLAB },
	{ "pages", MM_DEBUG_PAGES },
	{ "swaptest", MM_DEBUG_SWAPTEST },
	{ "demo", MM_DEBUG_DEMO },
	{ "faultlog", MM_DEBUG_FAULTLOG },
};

static const char *const keys[] = { "swap=", "usermem=", "policy=", "bounce=" };

static bool word_is(const char *word, size_t n, const char *name)
{
	return strlen(name) == n && !strncmp(name, word, n);
}

/* The key this word sets ("swap="), or NULL. */
static const char *key_of(const char *word, size_t n)
{
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (n >= strlen(keys[i]) && !strncmp(word, keys[i], strlen(keys[i])))
			return keys[i];
	return NULL;
}

/* Call fn on each word after the file name. */
static void for_each_word(const char *line, void (*fn)(const char *word, size_t n, void *arg),
			  void *arg)
{
	line += strspn(line, " ");
	line += strcspn(line, " ");             /* the module's file name */
	for (;;) {
		line += strspn(line, " ");
		size_t n = strcspn(line, " ");
		if (n == 0)
			return;
		fn(line, n, arg);
		line += n;
	}
}

static void debug_word(const char *word, size_t n, void *arg)
{
	unsigned *bits = arg;
	for (size_t i = 0; i < sizeof switches / sizeof switches[0]; i++)
		if (word_is(word, n, switches[i].word)) {
			*bits |= switches[i].bit;
			return;
		}
	if (!key_of(word, n))
		mm_print("mm: option '%.*s' is unknown; ignored (known: " KNOWN ")\n", (int)n, word);
}

unsigned mm_debug_parse(const char *line)
{
	unsigned bits = 0;
	for_each_word(line, debug_word, &bits);
	return bits;
}

/* Decimal or 0x-hexadecimal digits, all of them, at most NUMBER_MAX. */
static bool parse_number(const char *s, size_t n, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		n -= 2;
	}
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') :
			     c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) :
			     c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 99;
		if (d >= base)
			return false;
		v = v * base + d;
		if (v > NUMBER_MAX)
			return false;
	}
	*out = v;
	return true;
}

struct config_parse {
	struct mm_config *cfg;
	uint64_t managed_mib;
};

static void set_swap(const char *word, size_t n, const char *val, size_t vn, struct config_parse *cp)
{
	uint64_t mib, max = cp->managed_mib / 2;
	if (parse_number(val, vn, &mib) && mib <= max) {
		cp->cfg->swap_pages = mib << 8;
		return;
	}
	mm_print("mm: option '%.*s' needs a size in MiB, 0..%lu (at most half of the %lu MiB mm "
		 "manages); using the default: 0 (no swap)\n", (int)n, word, (unsigned long)max,
		 (unsigned long)cp->managed_mib);
	cp->cfg->swap_pages = 0;
}

static void set_usermem(const char *word, size_t n, const char *val, size_t vn, struct config_parse *cp)
{
	uint64_t mib;
	if (parse_number(val, vn, &mib) && mib <= cp->managed_mib) {
		cp->cfg->usermem_pages = mib << 8;
		return;
	}
	mm_print("mm: option '%.*s' needs a size in MiB, 0..%lu (the memory mm manages; 0: no "
		 "cap); using the default: 0 (no cap)\n", (int)n, word, (unsigned long)cp->managed_mib);
	cp->cfg->usermem_pages = 0;
}

static void set_policy(const char *word, size_t n, const char *val, size_t vn, struct config_parse *cp)
{
	if (vn > 0 && vn < MM_POLICY_ARG_MAX) {
		memcpy(cp->cfg->policy, val, vn);
		cp->cfg->policy[vn] = '\0';
		return;
	}
	mm_print("mm: option '%.*s' needs a policy, NAME or NAME:PARAMS, 1..%d characters; "
		 "using the default policy\n", (int)n, word, MM_POLICY_ARG_MAX - 1);
	cp->cfg->policy[0] = '\0';
}

static void set_bounce(const char *word, size_t n, const char *val, size_t vn, struct config_parse *cp)
{
	if (word_is(val, vn, "force") || word_is(val, vn, "auto")) {
		cp->cfg->bounce_force = word_is(val, vn, "force");
		return;
	}
	mm_print("mm: option '%.*s' needs force or auto; using the default: auto (bounce only "
		 "what a device cannot reach)\n", (int)n, word);
	cp->cfg->bounce_force = false;
}

static void config_word(const char *word, size_t n, void *arg)
{
	const char *key = key_of(word, n);
	if (!key)
		return;                 /* a switch, or unknown (mm_debug_parse said so) */
	size_t kn = strlen(key);
	const char *val = word + kn;
	if (!strcmp(key, "swap="))
		set_swap(word, n, val, n - kn, arg);
	else if (!strcmp(key, "usermem="))
		set_usermem(word, n, val, n - kn, arg);
	else if (!strcmp(key, "bounce="))
		set_bounce(word, n, val, n - kn, arg);
	else
		set_policy(word, n, val, n - kn, arg);
}

void mm_config_parse(const char *line, uint64_t managed_pages, struct mm_config *cfg)
{
	struct config_parse cp = { cfg, managed_pages >> 8 };
	*cfg = (struct mm_config){ 0 };
	for_each_word(line, config_word, &cp);
}
