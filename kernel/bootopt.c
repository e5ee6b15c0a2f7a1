/*
 * bootopt.c - parsing the kernel command line (see bootopt.h for the
 * options). The parser splits on spaces, matches each word against a
 * table, and never lets a bad word change anything: it is reported and
 * the default stays.
 */
#include "kernel.h"
#include "bootopt.h"

#define WORD_MAX 64

/* Parse a decimal number in [lo, hi]; false if it is not one. */
static bool parse_uint(const char *s, int lo, int hi, int *out)
{
	long v = 0;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
		if (v > hi)
			return false;
	}
	if (v < lo)
		return false;
	*out = (int)v;
	return true;
}

static bool has_char(const char *s, size_t n, char c)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == c)
			return true;
	return false;
}

/* QEMU's -kernel puts the kernel's file name first: "build/kernel32.elf".
 * Judged on the whole word, which may be longer than WORD_MAX. */
static bool looks_like_path(const char *w, size_t n)
{
	return has_char(w, n, '/') && !has_char(w, n, '=');
}

static void reject(struct boot_options *o, const char *word, const char *why)
{
	kprintf("boot: option '%s' %s\n", word, why);
	o->errors++;
}

static void apply(struct boot_options *o, const char *word)
{
	if (!strncmp(word, "quantum=", 8)) {
		if (!parse_uint(word + 8, 1, BOOTOPT_QUANTUM_MAX, &o->quantum)) {
			o->quantum = BOOTOPT_QUANTUM_DEFAULT;
			reject(o, word, "needs a number of ticks in 1..100; using the default 2");
		}
	} else if (!strcmp(word, "verbose")) {
		o->verbose = true;
	} else if (!strcmp(word, "quiet")) {
		o->quiet = true;
	} else if (!strncmp(word, "iommu=", 6)) {
		if (!strcmp(word + 6, "off") || !strcmp(word + 6, "on"))
			o->iommu_off = !strcmp(word + 6, "off");
		else
			reject(o, word, "needs on or off; using the default: on");
	} else {
		reject(o, word, "is unknown; ignored (known: quantum=N verbose quiet iommu=on|off)");
	}
}

void bootopt_parse(const char *cmdline, struct boot_options *o)
{
	*o = (struct boot_options){ .quantum = BOOTOPT_QUANTUM_DEFAULT };
	const char *s = cmdline;
	while (*s) {
		while (*s == ' ')
			s++;
		size_t n = 0;
		while (s[n] && s[n] != ' ')
			n++;
		if (n == 0)
			break;
		char word[WORD_MAX];
		size_t k = n < WORD_MAX - 1 ? n : WORD_MAX - 1;
		memcpy(word, s, k);
		word[k] = '\0';
		if (!looks_like_path(s, n)) {   /* paths are skipped, however long */
			if (n >= WORD_MAX)
				reject(o, word, "is too long; ignored");
			else
				apply(o, word);
		}
		s += n;
	}
}
