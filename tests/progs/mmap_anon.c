/*
 * mmap_anon - anonymous mappings and their requests. Maps 16 pages
 * read-write and checks they read as zero, hold a written pattern, stay
 * readable after MM_MPROTECT to read-only, and can be unmapped. Then bad
 * requests must each get an error and change nothing: MM_MMAP of length 0
 * and of absurd lengths, MM_MUNMAP of an address that is no mapping (and
 * of a real one with the wrong length, or twice), MM_MPROTECT of a
 * non-region and with unknown bits. Prints "mmap_anon: PASS" and exits 0.
 */
#include <stdio.h>
#include <stdint.h>
#include <pagoda/sys.h>

#define PAGES 16
#define PAGE  4096UL
#define LEN   (PAGES * PAGE)

static int failures;

static void check(const char *what, int ok)
{
	if (!ok) {
		printf("mmap_anon: FAIL: %s\n", what);
		failures++;
	}
}

static void expect_error(const char *what, int64_t r)
{
	printf("mmap_anon: %-40s -> %s\n", what, r < 0 ? pagoda_strerror((int)r) : "success");
	check(what, r < 0);
}

static void pattern_test(volatile unsigned char *p)
{
	size_t nonzero = 0, wrong = 0;
	for (size_t i = 0; i < LEN; i++)
		nonzero += p[i] != 0;
	for (size_t i = 0; i < LEN; i++)
		p[i] = (unsigned char)(i * 31 + 7);
	for (size_t i = 0; i < LEN; i++)
		wrong += p[i] != (unsigned char)(i * 31 + 7);
	check("fresh pages read as zero", nonzero == 0);
	check("pattern reads back", wrong == 0);

	int r = mm_mprotect((void *)p, LEN, MM_PROT_READ);
	check("mprotect to read-only succeeds", r == 0);
	wrong = 0;
	for (size_t i = 0; i < LEN; i++)
		wrong += p[i] != (unsigned char)(i * 31 + 7);
	check("pattern still reads after mprotect", wrong == 0);
}

/* MM_MMAP by hand, to see the error code (mm_mmap only says NULL). */
static int64_t mmap_result(uint64_t len, uint64_t prot, uint64_t flags)
{
	struct ipc_msg m = { .tag = MM_MMAP, .w = { len, prot, flags, 0 } };
	int err = ipc_call(MM_PID, &m);
	if (err < 0)
		return err;
	if (m.tag == 0)
		mm_munmap((void *)(uintptr_t)m.w[0], len);
	return m.tag;
}

static void bad_requests(void *p)
{
	static char not_mapped_here[PAGE] __attribute__((aligned(4096)));
	expect_error("mmap of length 0", mmap_result(0, MM_PROT_READ, MM_MAP_ANON));
	expect_error("mmap of 2^62 bytes", mmap_result(1ULL << 62, MM_PROT_READ, MM_MAP_ANON));
	expect_error("mmap of (size_t)-1 bytes", mmap_result((uint64_t)-1, MM_PROT_READ, MM_MAP_ANON));
	expect_error("mmap with unknown flags", mmap_result(PAGE, MM_PROT_READ, 0x80));
	expect_error("mmap with unknown protection bits", mmap_result(PAGE, 0x100, MM_MAP_ANON));
	expect_error("munmap of an unmapped address",
		     mm_munmap((void *)0x0000123456789000UL, PAGE));
	expect_error("munmap of NULL", mm_munmap(NULL, PAGE));
	expect_error("munmap of a kernel address", mm_munmap((void *)0xffffffff80000000UL, PAGE));
	expect_error("munmap of data (not an mmap region)", mm_munmap(not_mapped_here, PAGE));
	expect_error("munmap of code (not an mmap region)", mm_munmap((void *)0x400000, PAGE));
	expect_error("munmap with the wrong length", mm_munmap(p, PAGE));
	expect_error("mprotect of a non-region",
		     mm_mprotect((void *)0x0000123456789000UL, PAGE, MM_PROT_READ));
	expect_error("mprotect of code to writable",
		     mm_mprotect((void *)0x400000, PAGE, MM_PROT_READ | MM_PROT_WRITE));
	expect_error("mprotect with unknown bits", mm_mprotect(p, LEN, 0x100));
	not_mapped_here[0] = 1;     /* data still writable: nothing changed */
}

int main(void)
{
	volatile unsigned char *p = mm_mmap(LEN, MM_PROT_READ | MM_PROT_WRITE, MM_MAP_ANON, 0);
	if (!p) {
		printf("mmap_anon: FAIL: cannot map %d pages\n", PAGES);
		return 1;
	}
	printf("mmap_anon: %d pages at %p\n", PAGES, (void *)p);
	check("mapping is page aligned", ((uintptr_t)p & (PAGE - 1)) == 0);
	pattern_test(p);
	bad_requests((void *)p);
	check("munmap of the mapping succeeds", mm_munmap((void *)p, LEN) == 0);
	expect_error("munmap of it a second time", mm_munmap((void *)p, LEN));
	expect_error("mprotect after munmap", mm_mprotect((void *)p, LEN, MM_PROT_READ));

	volatile unsigned char *q = mm_mmap(PAGE, MM_PROT_READ | MM_PROT_WRITE, MM_MAP_ANON, 0);
	check("a new mapping after munmap works", q != NULL);
	if (q) {
		q[0] = 42;
		check("and holds data", q[0] == 42);
		check("and unmaps", mm_munmap((void *)q, PAGE) == 0);
	}
	if (failures) {
		printf("mmap_anon: FAIL (%d checks)\n", failures);
		return 1;
	}
	printf("mmap_anon: PASS\n");
	return 0;
}
