/*
 * shm_reader - the other half of shm_writer: maps the 4 shared pages of key
 * 0x5eed, checks shm_writer's pattern byte for byte, then writes a reply
 * pattern into page 3. Prints "shm_reader: PASS" and exits 0, or reports
 * the first wrong byte and exits 1. Formulas in shm_pattern.h.
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
		printf("shm_reader: FAIL: cannot map key 0x%x\n", SHM_KEY);
		return 1;
	}
	size_t wrong = 0, first = SHM_LEN;
	for (size_t i = 0; i < SHM_LEN; i++) {
		if (p[i] != pattern(i)) {
			wrong++;
			if (first == SHM_LEN)
				first = i;
		}
	}
	if (wrong) {
		printf("shm_reader: FAIL: %zu bytes differ, first at offset %zu (0x%02x, "
		       "expected 0x%02x)\n", wrong, first, p[first], pattern(first));
		return 1;
	}
	for (size_t i = 3 * PAGE; i < SHM_LEN; i++)
		p[i] = reply(i);
	printf("shm_reader: all %lu bytes match; reply written to page 3\n", SHM_LEN);
	printf("shm_reader: PASS\n");
	return 0;
}
