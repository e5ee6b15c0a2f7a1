/*
 * munmap_exit - a process that exits while the memory server is unmapping
 * its pages. The main thread maps 128 MiB, touches every page, and asks
 * for MM_MUNMAP; a second thread, waiting for that moment, then exits the
 * whole process (SYS_EXIT, status 7). Unmapping 32768 pages takes the
 * server longer than what is left of the time slice it runs in (the main
 * thread's), so it is preempted mid-way, the waiting thread exits, and the rest of its SYS_MM_UNMAP calls find the process gone
 * (ERR_SRCH). The server must stop there quietly - no "BUG" line per
 * remaining page - and the exit report must free every frame (init's leak
 * check). If the munmap finishes first the race was missed: the main
 * thread says so, and exits 1.
 */
#include <stdio.h>
#include <pagoda/sys.h>

#define LEN  (128UL << 20)
#define PAGE 4096UL

static volatile int ready, unmapping;

/* Its stack page is faulted in before it says ready: a fault later would
 * wait in the server's queue behind the munmap, and miss the moment. */
static void exiter(void *arg)
{
	ready = 1;
	while (!unmapping)
		sys_yield();
	sys_exit(7);            /* runs when the server's time slice is over */
}

int main(void)
{
	volatile char *p = mm_mmap(LEN, MM_PROT_READ | MM_PROT_WRITE, MM_MAP_ANON, 0);
	if (!p) {
		printf("munmap_exit: FAIL: mmap\n");
		return 1;
	}
	for (unsigned long off = 0; off < LEN; off += PAGE)
		p[off] = 1;
	if (thread_start(exiter, NULL, 16 * 1024) < 0) {
		printf("munmap_exit: FAIL: thread\n");
		return 1;
	}
	while (!ready)
		sys_yield();
	printf("munmap_exit: %lu pages touched, unmapping\n", LEN / PAGE);
	unmapping = 1;
	int r = mm_munmap((void *)p, LEN);
	printf("munmap_exit: the munmap finished first (%d): race missed\n", r);
	return 1;
}
