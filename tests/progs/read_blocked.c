/*
 * read_blocked - a SYS_READ whose buffer is write-protected while the
 * reader waits for input must fail and leave the input for the next
 * reader, not swallow it and report bytes it never wrote.
 *
 * A second thread reads into a page of an MM_MMAP region (touched, so
 * present and writable) and blocks: no input has been typed yet. The main
 * thread lets it block, makes the region read-only with MM_MPROTECT and
 * prints "read_blocked: type now"; the test then types "late\n". The
 * reader must get ERR_FAULT; then the main thread reads the same five
 * bytes into a good buffer (in as many reads as they take to arrive). Prints "read_blocked: PASS" and exits 0.
 */
#include <stdio.h>
#include <string.h>
#include <pagoda/sys.h>

static char *region;
static volatile int reading, done;
static volatile int64_t result;

static void reader(void *arg)
{
	reading = 1;
	result = sys_read(region, 64);
	done = 1;
}

int main(void)
{
	region = mm_mmap(4096, MM_PROT_READ | MM_PROT_WRITE, MM_MAP_ANON, 0);
	if (!region) {
		printf("read_blocked: FAIL: mmap\n");
		return 1;
	}
	region[0] = 'x';
	if (thread_start(reader, NULL, 16384) < 0)
		return 1;
	while (!reading)
		sys_yield();
	for (int i = 0; i < 100; i++)
		sys_yield();            /* the reader blocks in SYS_READ */
	int err = mm_mprotect(region, 4096, MM_PROT_READ);
	printf("read_blocked: region read-only (%s), reader %s; type now\n", pagoda_strerror(err),
	       done ? "already returned" : "waiting");
	while (!done)
		sys_yield();
	printf("read_blocked: reader got %lld (%s)\n", (long long)result,
	       result < 0 ? pagoda_strerror((int)result) : "bytes");
	if (result != -ERR_FAULT || region[0] != 'x') {
		printf("read_blocked: FAIL: the read of a read-only buffer did not fail\n");
		return 1;
	}
	char buf[16] = { 0 };
	int64_t n = 0, k = 1;
	while (n < 5 && k > 0) {          /* the bytes may arrive one by one */
		k = sys_read(buf + n, sizeof buf - (size_t)n);
		n += k > 0 ? k : 0;
	}
	printf("read_blocked: next read got %lld bytes '%.*s'\n", (long long)n, (int)(n > 0 ? n - 1 : 0), buf);
	if (n != 5 || memcmp(buf, "late\n", 5) != 0) {
		printf("read_blocked: FAIL: the input was not kept\n");
		return 1;
	}
	printf("read_blocked: PASS\n");
	return 0;
}
