/*
 * tracegen.c - write a generated reference string as a trace file: the
 * host's half of `replay gen` (user/replay.c). Both compile the same
 * generator (tools/policysim/refgen.c), so
 *
 *     build/host/tracegen shift 7 3000 96 >t.txt
 *     build/host/policysim --policy clock --frames 24 t.txt
 *
 * counts the faults that `replay gen shift 7 3000 96 24` takes inside
 * Pagoda under Clock (docs/policies.md, "Exact in the OS").
 *
 * usage: tracegen KIND SEED LEN PAGES
 * Output: one reference a line, "PAGE R" or "PAGE W" (the format of
 * /work/shared/traces and policysim). Bad arguments: a message on stderr
 * and exit status 2.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "refgen.h"

static int usage(const char *why)
{
	if (why)
		fprintf(stderr, "tracegen: %s\n", why);
	fprintf(stderr, "usage: tracegen loop|random|shift|belady SEED LEN PAGES\n");
	return 2;
}

/* A decimal number, all of arg: true with *v. */
static bool number(const char *arg, uint64_t *v)
{
	char *end;
	errno = 0;
	if (arg[0] < '0' || arg[0] > '9')
		return false;
	unsigned long long x = strtoull(arg, &end, 10);
	if (errno || *end)
		return false;
	*v = x;
	return true;
}

int main(int argc, char **argv)
{
	struct refgen g;
	uint64_t seed, len, pages;
	const char *why;
	uint32_t page;
	bool write;
	if (argc != 5)
		return usage(NULL);
	if (!number(argv[2], &seed) || !number(argv[3], &len) || !number(argv[4], &pages))
		return usage("SEED, LEN and PAGES are decimal numbers");
	if (refgen_init(&g, argv[1], seed, len, pages, &why) < 0)
		return usage(why);
	while (refgen_next(&g, &page, &write))
		printf("%u %c\n", (unsigned)page, write ? 'W' : 'R');
	return ferror(stdout) ? 1 : 0;
}
