/*
 * shm_writer - a shared mapping is seen by another process. Maps 4 pages
 * MM_MAP_SHARED under key 0x5eed, fills them with a pattern, spawns
 * shm_reader (which maps the same key, checks the pattern byte for byte
 * and writes a reply pattern into page 3), waits for it, and checks that
 * the reader exited 0, that the reply is there and pages 0-2 are intact.
 * Prints "shm_writer: PASS" and exits 0. Key, size and patterns are in
 * shm_pattern.h, shared with shm_reader.c.
 */
#include <stdio.h>
#include <stdint.h>
#include <pagoda/sys.h>

#include "shm_pattern.h"

int main(void)
{
	volatile unsigned char *p = mm_mmap(SHM_LEN, MM_PROT_READ | MM_PROT_WRITE, MM_MAP_SHARED,
					    SHM_KEY);
	if (!p) {
		printf("shm_writer: FAIL: cannot map the shared pages\n");
		return 1;
	}
	for (size_t i = 0; i < SHM_LEN; i++)
		p[i] = pattern(i);
	int pid = mm_spawn("shm_reader", 0);
	if (pid < 0) {
		printf("shm_writer: FAIL: cannot spawn shm_reader: %s\n", pagoda_strerror(pid));
		return 1;
	}
	int status = -1;
	int err = mm_wait(pid, &status);
	if (err < 0 || status != 0) {
		printf("shm_writer: FAIL: shm_reader: wait %s, status %d\n", pagoda_strerror(err),
		       status);
		return 1;
	}
	size_t wrong = 0, missing = 0;
	for (size_t i = 0; i < 3 * PAGE; i++)
		wrong += p[i] != pattern(i);
	for (size_t i = 3 * PAGE; i < SHM_LEN; i++)
		missing += p[i] != reply(i);
	if (wrong || missing) {
		printf("shm_writer: FAIL: %zu bytes of pages 0-2 changed, %zu bytes of the "
		       "reply missing\n", wrong, missing);
		return 1;
	}
	printf("shm_writer: the reader's reply arrived through the shared pages\n");
	if (mm_munmap((void *)p, SHM_LEN) != 0) {
		printf("shm_writer: FAIL: munmap of the shared mapping failed\n");
		return 1;
	}
	printf("shm_writer: PASS\n");
	return 0;
}
