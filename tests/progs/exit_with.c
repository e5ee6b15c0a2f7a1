/*
 * exit_with STATUS [TICKS [PAGES]] - exits with STATUS (an integer) after
 * holding PAGES freshly touched anonymous pages (default 0) for TICKS
 * timer ticks (default 0; it yields while it waits). Several of these in
 * the background end in an order set by their TICKS, not by their start,
 * and each exit status names the program that ended; with PAGES it is a
 * process that holds memory for a while. Prints
 * "exit_with: STATUS after TICKS ticks" just before it exits; exits 1 on
 * bad arguments or a failed mapping.
 */
#include <stdio.h>
#include <stdlib.h>
#include <pagoda/sys.h>

#define PAGE 4096UL

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 4) {
		printf("usage: exit_with STATUS [TICKS [PAGES]]\n");
		return 1;
	}
	int status = (int)strtol(argv[1], NULL, 0);
	long ticks = argc > 2 ? strtol(argv[2], NULL, 0) : 0;
	unsigned long pages = argc > 3 ? strtoul(argv[3], NULL, 0) : 0;
	if (pages) {
		volatile unsigned char *p = mm_mmap(pages * PAGE, MM_PROT_READ | MM_PROT_WRITE,
						    MM_MAP_ANON, 0);
		if (!p) {
			printf("exit_with: cannot map %lu pages\n", pages);
			return 1;
		}
		for (unsigned long i = 0; i < pages; i++)
			p[i * PAGE] = 1;
	}
	int64_t until = sys_uptime() + ticks;
	while (sys_uptime() < until)
		sys_yield();
	printf("exit_with: %d after %ld ticks\n", status, ticks);
	return status;
}
