/*
 * swap_shared PAGES - a shared mapping larger than the usermem cap,
 * swapped out and read back by two processes. The writer maps PAGES
 * shared pages (key 0x5a5a), writes a pattern to all of them (which
 * pushes most of them to swap), checks that slots are in use, then
 * spawns `swap_shared PAGES reader`, which maps the same key and
 * verifies every byte (faulting the pages back in), and then verifies
 * them itself. Prints "swap_shared: reader verified PAGES pages",
 * "swap_shared: writer verified PAGES pages, N slots were in use" and
 * "swap_shared: PASS" (exit 0).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <stdbool.h>
#include <pagoda/sys.h>

#define PAGE 4096UL
#define KEY  0x5a5aULL

static uint64_t word(uint64_t page, uint64_t i)
{
	return (page << 32) ^ (i * 0x9e3779b97f4a7c15ULL) ^ 0xfeedULL;
}

static uint64_t verify(const uint64_t *mem, uint64_t pages)
{
	uint64_t wrong = 0, per = PAGE / sizeof *mem;
	for (uint64_t p = 0; p < pages; p++)
		for (uint64_t i = 0; i < per; i++)
			wrong += mem[p * per + i] != word(p, i);
	return wrong;
}

int main(int argc, char **argv)
{
	uint64_t pages = argc > 1 ? strtoull(argv[1], NULL, 0) : 256;
	bool reader = argc > 2 && !strcmp(argv[2], "reader");
	uint64_t *mem = mm_mmap(pages * PAGE, MM_PROT_READ | MM_PROT_WRITE, MM_MAP_SHARED, KEY);
	if (!mem) {
		printf("swap_shared: FAIL: cannot map %llu shared pages\n", (unsigned long long)pages);
		return 1;
	}
	if (reader) {
		uint64_t wrong = verify(mem, pages);
		printf("swap_shared: reader verified %llu pages, %llu words wrong\n",
		       (unsigned long long)pages, (unsigned long long)wrong);
		return wrong ? 1 : 0;
	}
	uint64_t per = PAGE / sizeof *mem;
	for (uint64_t p = 0; p < pages; p++)
		for (uint64_t i = 0; i < per; i++)
			mem[p * per + i] = word(p, i);
	struct mm_stat s = { 0 };
	mm_stat(&s);
	char line[64];
	snprintf(line, sizeof line, "swap_shared %llu reader", (unsigned long long)pages);
	int pid = mm_spawn(line, 0);
	int status = -1;
	if (pid < 0 || mm_wait(pid, &status) < 0 || status != 0) {
		printf("swap_shared: FAIL: the reader did not verify (status %d)\n", status);
		return 1;
	}
	uint64_t wrong = verify(mem, pages);
	printf("swap_shared: writer verified %llu pages, %llu slots were in use\n",
	       (unsigned long long)pages, (unsigned long long)s.swap_used);
	if (wrong || !s.swap_used) {
		printf("swap_shared: FAIL: %llu words wrong, %llu slots\n", (unsigned long long)wrong,
		       (unsigned long long)s.swap_used);
		return 1;
	}
	printf("swap_shared: PASS\n");
	return 0;
}
