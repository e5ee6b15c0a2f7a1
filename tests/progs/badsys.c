/*
 * badsys - system calls with bad numbers and bad pointers must fail with
 * the right error and do nothing. Prints one line per check and exits 0
 * only if every check passed.
 */
#include <stdio.h>
#include <stdint.h>
#include <pagoda/sys.h>

static int failures;

static void expect(const char *what, int64_t got, int64_t want)
{
	int ok = got == want;
	printf("badsys: %-40s -> %s (%lld)%s\n", what, pagoda_strerror((int)got), (long long)got,
	       ok ? "" : "  UNEXPECTED");
	if (!ok)
		failures++;
}

static char mapped_page[4096] __attribute__((aligned(4096)));

int main(void)
{
	expect("unknown number 9999", sys_call6(9999, 1, 2, 3, 4, 5, 6), -ERR_NOSYS);
	expect("unknown number SYS__COUNT", sys_call6(SYS__COUNT, 0, 0, 0, 0, 0, 0), -ERR_NOSYS);
	expect("number -1", sys_call6((uint64_t)-1, 0, 0, 0, 0, 0, 0), -ERR_NOSYS);
	expect("write from NULL", sys_write(NULL, 10), -ERR_FAULT);
	expect("write from a kernel address", sys_write((void *)0xffffffff80100000UL, 16), -ERR_FAULT);
	expect("write from the physmap", sys_write((void *)0xffff800000000000UL, 16), -ERR_FAULT);
	expect("write from a non-canonical address", sys_write((void *)0x0000900000000000UL, 8), -ERR_FAULT);
	expect("write from an unmapped address", sys_write((void *)0x0000100000000000UL, 8), -ERR_FAULT);
	expect("write wrapping around the address space", sys_write((void *)0x1000, (size_t)-1), -ERR_INVAL);
	expect("write longer than the limit", sys_write(mapped_page, PAGODA_WRITE_MAX + 1), -ERR_INVAL);
	expect("write running off the end of the stack", sys_write((void *)0x00007fffffeff000UL, 8192), -ERR_FAULT);
	expect("write of zero bytes from NULL", sys_write(NULL, 0), 0);
	expect("SYS_MM_LOOKUP from a non-server", sys_call6(SYS_MM_LOOKUP, 1, 0x400000, 0, 0, 0, 0), -ERR_PERM);
	expect("SYS_MM_PRUNE from a non-server", sys_call6(SYS_MM_PRUNE, 1, 0x1000, 4096,
			(uint64_t)(uintptr_t)mapped_page, 1, 0), -ERR_PERM);
	expect("SYS_MM_MAP_RUN from a non-server", sys_call6(SYS_MM_MAP_RUN, 1, 0, 0, 0, 0, 0), -ERR_PERM);
	expect("null system call", sys_null(), 0);
	if (failures) {
		printf("badsys: FAIL (%d unexpected results)\n", failures);
		return 1;
	}
	printf("badsys: PASS\n");
	return 0;
}
