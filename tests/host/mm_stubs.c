/*
 * mm_stubs.c - host implementation of servers/mm/mm_env.h for the unit tests
 * and the benchmarks. See mm_stubs.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "mm_env.h"
#include "mm_stubs.h"

uint8_t *mm_phys_window;
paddr_t mm_phys_limit;
unsigned mm_debug;

static uint8_t *phys_base;
static uint64_t phys_size;

static struct mm_range ram[64];
static size_t nram;

unsigned stub_bug_count;
char stub_bug_last[512];
char stub_print_buf[65536];
static size_t print_len;

static void protect(paddr_t base, uint64_t len, int prot)
{
	paddr_t first = page_round_down(base), end = phys_size;

	if (base < phys_size && len < phys_size - base)
		end = page_round_up(base + len);
	if (first >= end)
		return;
	if (mprotect(phys_base + first, end - first, prot) != 0) {
		perror("mm_stubs: mprotect");
		abort();
	}
}

void stub_phys_setup(const struct mm_range *map, size_t nmap,
                     const struct mm_range *reserved, size_t nres)
{
	stub_phys_teardown();
	phys_size = 0;
	for (size_t i = 0; i < nmap; i++)
		if (map[i].type == MM_RANGE_USABLE && map[i].base + map[i].len > phys_size)
			phys_size = page_round_up(map[i].base + map[i].len);
	phys_base = mmap(NULL, phys_size, PROT_NONE,
	                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (phys_base == MAP_FAILED) {
		perror("mm_stubs: mmap");
		abort();
	}
	mm_phys_window = phys_base;
	mm_phys_limit = phys_size;
	for (size_t i = 0; i < nmap; i++)
		if (map[i].type == MM_RANGE_USABLE)
			protect(map[i].base, map[i].len, PROT_READ | PROT_WRITE);
	for (size_t i = 0; i < nmap; i++)
		if (map[i].type != MM_RANGE_USABLE)
			protect(map[i].base, map[i].len, PROT_NONE);
	for (size_t i = 0; i < nres; i++)
		protect(reserved[i].base, reserved[i].len, PROT_NONE);
	nram = 0;
	for (size_t i = 0; i < nmap && nram < 64; i++)
		ram[nram++] = map[i];
	for (size_t i = 0; i < nres && nram < 64; i++) {
		ram[nram] = reserved[i];
		ram[nram++].type = MM_RANGE_RESERVED;
	}
	stub_bug_reset();
	stub_print_reset();
}

void stub_phys_teardown(void)
{
	if (phys_base)
		munmap(phys_base, phys_size);
	phys_base = NULL;
	phys_size = 0;
	mm_phys_window = NULL;
	mm_phys_limit = 0;
}

bool stub_phys_is_ram(paddr_t pa, uint64_t len)
{
	bool in_usable = false;

	for (size_t i = 0; i < nram; i++) {
		const struct mm_range *r = &ram[i];
		bool inside = pa >= r->base && pa + len <= r->base + r->len;
		bool overlaps = pa < r->base + r->len && pa + len > r->base;
		if (r->type == MM_RANGE_USABLE && inside)
			in_usable = true;
		if (r->type != MM_RANGE_USABLE && overlaps)
			return false;
	}
	return in_usable;
}

void mm_bug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(stub_bug_last, sizeof(stub_bug_last), fmt, ap);
	va_end(ap);
	stub_bug_count++;
	if (getenv("MM_STUB_ECHO"))
		fprintf(stderr, "mm_bug: %s\n", stub_bug_last);
}

void stub_bug_reset(void)
{
	stub_bug_count = 0;
	stub_bug_last[0] = '\0';
}

void mm_print(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (print_len < sizeof(stub_print_buf) - 1) {
		int n = vsnprintf(stub_print_buf + print_len,
		                  sizeof(stub_print_buf) - print_len, fmt, ap);
		if (n > 0)
			print_len += (size_t)n;
		if (print_len > sizeof(stub_print_buf) - 1)
			print_len = sizeof(stub_print_buf) - 1;
	}
	va_end(ap);
	if (getenv("MM_STUB_ECHO")) {
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
}

void stub_print_reset(void)
{
	print_len = 0;
	stub_print_buf[0] = '\0';
}
