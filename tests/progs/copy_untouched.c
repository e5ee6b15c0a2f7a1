/*
 * copy_untouched - SYS_WRITE and SYS_READ on valid memory that was never
 * touched: the kernel must have the memory server fault the pages in, as
 * a trap would, instead of failing with ERR_FAULT. Writes from a string
 * constant and an initialised array on untouched pages, from an untouched
 * .bss array and a fresh heap page (those hold zero bytes); reads console
 * input ("first\nsecond\n") into an untouched .bss page and a fresh heap
 * page. A buffer the server refuses (read into a string constant, write
 * from outside every region) must fail with ERR_FAULT while the program
 * lives on. Prints "copy_untouched: PASS" and exits 0.
 */
#include <stdio.h>
#include <string.h>
#include <pagoda/sys.h>

static const struct {
	char pad[4096];
	char line[32];
} rodata __attribute__((aligned(4096))) = { { 1 }, "copy_untouched: rodata line\n" };

static struct {
	char pad[4096];
	char line[32];
} data __attribute__((aligned(4096))) = { { 1 }, "copy_untouched: data line\n" };

static char bss[3][4096] __attribute__((aligned(4096)));

static int failures;

static void expect(const char *what, int64_t got, int64_t want)
{
	printf("copy_untouched: %-36s -> %lld%s\n", what, (long long)got,
	       got == want ? "" : "  UNEXPECTED");
	if (got != want)
		failures++;
}

/* Read exactly n bytes (the input may arrive a byte at a time); the
 * first read is the one that meets the untouched page. */
static int64_t read_full(char *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		int64_t k = sys_read(buf + got, n - got);
		if (k < 0)
			return k;
		got += (size_t)k;
	}
	return (int64_t)got;
}

int main(void)
{
	expect("write from an untouched constant", sys_write(rodata.line, 28), 28);
	expect("write from untouched data", sys_write(data.line, 26), 26);
	expect("write from untouched .bss", sys_write(bss[0], 8), 8);
	char *heap = mm_sbrk(2 * 4096);
	expect("write from a fresh heap page", sys_write(heap + 4096, 8), 8);
	expect("read into untouched .bss", read_full(bss[1], 6), 6);
	expect("read into a fresh heap page", read_full(heap, 7), 7);
	expect("read into a string constant", sys_read((void *)rodata.line, 4), -ERR_FAULT);
	expect("write from outside every region", sys_write((void *)0x100000000000UL, 8), -ERR_FAULT);
	expect("bytes read into .bss", memcmp(bss[1], "first\n", 6), 0);
	expect("bytes read into the heap", memcmp(heap, "second\n", 7), 0);
	if (failures) {
		printf("copy_untouched: FAIL (%d unexpected results)\n", failures);
		return 1;
	}
	printf("copy_untouched: PASS\n");
	return 0;
}
