/*
 * fill PAGES [SEED] - a swap workload that checks that no data is lost:
 * grows its heap by PAGES pages (sbrk), writes a seeded pattern over all
 * of them, then reads every page back and compares. With more pages than
 * memory (or a budget: `limit 64 fill 1000` in the shell) the first pass
 * pushes the early pages out to swap and the second reads them back in,
 * so the comparison is a round trip through the swap device.
 *
 * The pattern: word i of page p is a 64-bit mix (splitmix64) of SEED, p
 * and i, so a page that comes back as another page's contents, as zeros,
 * or shifted, mismatches. Prints
 *
 *   fill: N pages verified, M mismatches
 *
 * with M the number of pages with at least one wrong word (the first
 * few are named), and its major and minor faults. Exits 0 when M is 0,
 * 1 if some page mismatched, 2 on bad arguments or a failed request.
 * SEED defaults to 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <pagoda/sys.h>
#include <pagoda/about.h>

PAGODA_ABOUT("swap workload that checks no data is lost: fill PAGES [SEED]");

#define PAGE 4096UL
#define WORDS (PAGE / sizeof(uint64_t))
#define MAX_PAGES (MM_HEAP_MAX / PAGE)
#define NAMED 4                 /* mismatching pages named on the console */

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t pattern(uint64_t seed, uint64_t page, uint64_t word)
{
	return mix(seed ^ mix(page * WORDS + word));
}

static int usage(void)
{
	printf("usage: fill PAGES [SEED]   (1 <= PAGES <= %lu)\n", (unsigned long)MAX_PAGES);
	return 2;
}

/* Pages of region p whose words are not the pattern. */
static unsigned long verify(const uint64_t *p, unsigned long pages, uint64_t seed)
{
	unsigned long bad = 0;
	for (unsigned long pg = 0; pg < pages; pg++) {
		const uint64_t *w = p + pg * WORDS;
		for (unsigned long i = 0; i < WORDS; i++) {
			if (w[i] == pattern(seed, pg, i))
				continue;
			if (bad < NAMED)
				printf("fill: page %lu word %lu: %#llx, expected %#llx\n", pg, i,
				       (unsigned long long)w[i],
				       (unsigned long long)pattern(seed, pg, i));
			bad++;
			break;
		}
	}
	return bad;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3)
		return usage();
	char *end;
	unsigned long pages = strtoul(argv[1], &end, 0);
	if (*end || pages == 0 || pages > MAX_PAGES)
		return usage();
	uint64_t seed = 1;
	if (argc == 3) {
		seed = strtoull(argv[2], &end, 0);
		if (*end)
			return usage();
	}
	uint64_t *p = mm_sbrk((intptr_t)(pages * PAGE));
	if (p == (void *)-1) {
		printf("fill: cannot grow the heap by %lu pages\n", pages);
		return 2;
	}
	for (unsigned long pg = 0; pg < pages; pg++)
		for (unsigned long i = 0; i < WORDS; i++)
			p[pg * WORDS + i] = pattern(seed, pg, i);
	unsigned long bad = verify(p, pages, seed);
	printf("fill: %lu pages verified, %lu mismatches\n", pages, bad);
	struct mm_procpaging pp;
	if (mm_procpaging((int)MM_PROCINFO_SELF, &pp) >= 0)
		printf("fill: %llu major faults, %llu minor faults\n",
		       (unsigned long long)pp.major_faults, (unsigned long long)pp.minor_faults);
	return bad ? 1 : 0;
}
