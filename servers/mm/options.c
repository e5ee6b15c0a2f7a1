/*
 * options.c - the memory server's boot options.
 *
 * They are the words after the file name on mm's own module line, which
 * the kernel passes on in the boot information like any module's string
 * (GRUB: `module2 /boot/mm.elf check`; the QEMU tests: `boot mm:check ...`).
 * No kernel option is involved: mm reads its own line. Each known word
 * sets one debug switch of mm_env.h:
 *
 *   check   MM_DEBUG_CHECK  mm_check_all() after every message (check.c)
 *   slab    MM_DEBUG_SLAB   slab poisoning, red zones, double-free checks
 *   pages   MM_DEBUG_PAGES  free frames poisoned and checked on allocation
 *
 * A boot option is input mm does not control: an unknown word is reported
 * and ignored, never fatal (STYLE.md, tier two).
 */
#include <string.h>
#include "mm_env.h"

static const struct { const char *word; unsigned bit; } options[] = {
	{ "check", MM_DEBUG_CHECK },
	{ "slab",  MM_DEBUG_SLAB },
	{ "pages", MM_DEBUG_PAGES },
};

static unsigned option_bit(const char *word, size_t n)
{
	for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
		if (strlen(options[i].word) == n && !strncmp(options[i].word, word, n))
			return options[i].bit;
	mm_print("mm: option '%.*s' is unknown; ignored (known: check slab pages)\n", (int)n, word);
	return 0;
}

unsigned mm_debug_parse(const char *line)
{
	unsigned bits = 0;
	line += strspn(line, " ");
	line += strcspn(line, " ");             /* the module's file name */
	for (;;) {
		line += strspn(line, " ");
		size_t n = strcspn(line, " ");
		if (n == 0)
			return bits;
		bits |= option_bit(line, n);
		line += n;
	}
}
