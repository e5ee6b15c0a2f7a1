/*
 * swap_pattern PAGES SEED [hold] - more memory than the usermem cap lets
 * stay resident: maps PAGES anonymous pages, writes a pattern seeded by
 * SEED to every byte, then reads every byte back and compares. While it
 * writes and reads it samples MM_STAT for its own pages on swap; the run
 * passes only if every byte came back and some pages were swapped out.
 * With `hold` it waits about two seconds before reading (so that several
 * copies run at once, and a larger process can be chosen by the OOM
 * killer meanwhile). Prints
 *   swap_pattern: PAGES pages, seed SEED: up to N of them on swap, checksum C
 *   swap_pattern: PASS                   (exit 0), or FAIL lines (exit 1)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <pagoda/sys.h>

#define PAGE 4096UL

static uint64_t peak;

static void sample(void)
{
	struct mm_stat s;
	if (mm_stat(&s) == 0 && s.swap_mine > peak)
		peak = s.swap_mine;
}

/* xorshift64 per page, so every page differs from its neighbours. */
static uint64_t word(uint64_t seed, uint64_t page, uint64_t i)
{
	uint64_t x = (seed + 1) * 0x9e3779b97f4a7c15ULL ^ (page * 0x100000001b3ULL + i);
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

static void hold(void)
{
	int64_t until = sys_uptime() + 2 * PAGODA_TICK_HZ;
	while (sys_uptime() < until)
		sys_yield();
}

int main(int argc, char **argv)
{
	uint64_t pages = argc > 1 ? strtoull(argv[1], NULL, 0) : 256;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;
	uint64_t *mem = mm_mmap(pages * PAGE, MM_PROT_READ | MM_PROT_WRITE, MM_MAP_ANON, 0);
	if (!mem) {
		printf("swap_pattern: FAIL: cannot map %llu pages\n", (unsigned long long)pages);
		return 1;
	}
	const uint64_t per = PAGE / sizeof *mem;
	for (uint64_t p = 0; p < pages; p++) {
		for (uint64_t i = 0; i < per; i++)
			mem[p * per + i] = word(seed, p, i);
		if (p % 32 == 31)
			sample();
	}
	if (argc > 3 && !strcmp(argv[3], "hold"))
		hold();
	uint64_t wrong = 0, sum = 0;
	for (uint64_t p = 0; p < pages; p++) {
		for (uint64_t i = 0; i < per; i++) {
			uint64_t w = mem[p * per + i];
			wrong += w != word(seed, p, i);
			sum += w;
		}
		if (p % 32 == 31)
			sample();
	}
	printf("swap_pattern: %llu pages, seed %llu: up to %llu of them on swap, checksum %016llx\n",
	       (unsigned long long)pages, (unsigned long long)seed, (unsigned long long)peak,
	       (unsigned long long)sum);
	if (wrong)
		printf("swap_pattern: FAIL: %llu words differ\n", (unsigned long long)wrong);
	if (!peak)
		printf("swap_pattern: FAIL: nothing was swapped out\n");
	if (wrong || !peak)
		return 1;
	printf("swap_pattern: PASS\n");
	return 0;
}
