/*
 * thread_reap - the stacks of ended threads are given back.
 *
 * Starts THREADS threads one after another, each with a 64 KiB stack of
 * which it touches 14 pages, and waits for each to end before starting
 * the next. A thread cannot unmap its own stack, so libsys unmaps the
 * stacks of ended threads at the next thread_start: at any time at most
 * the last ended thread's stack is still mapped. The program's resident
 * page count (MM_PROCINFO_SELF) before and after must differ by less than
 * three stacks' worth (if no stack were given back: THREADS * 14 pages).
 * Prints "thread_reap: resident pages grew by N" and "thread_reap: PASS"
 * (exit 0), or FAIL (exit 1).
 */
#include <stdio.h>
#include <pagoda/sys.h>

#define THREADS 40
#define STACK   65536
#define TOUCHED 14              /* pages of its stack each thread writes */

static volatile int finished;

static void touch_stack(void *arg)
{
	(void)arg;
	volatile unsigned char buf[TOUCHED * 4096];
	for (int i = 0; i < TOUCHED; i++)
		buf[i * 4096] = (unsigned char)i;
	if (buf[(TOUCHED - 1) * 4096] == TOUCHED - 1)
		finished++;
}

static long resident(void)
{
	struct mm_procinfo pi;
	return mm_procinfo((int)MM_PROCINFO_SELF, &pi) < 0 ? -1 : (long)pi.resident;
}

int main(void)
{
	long before = resident();
	for (int i = 0; i < THREADS; i++) {
		int tid = thread_start(touch_stack, NULL, STACK);
		if (tid < 0) {
			printf("thread_reap: FAIL: thread_start %d: %s\n", i, pagoda_strerror(tid));
			return 1;
		}
		int64_t deadline = sys_uptime() + 5 * PAGODA_TICK_HZ;
		while (finished <= i && sys_uptime() < deadline)
			sys_yield();
		if (finished <= i) {
			printf("thread_reap: FAIL: thread %d did not finish\n", i);
			return 1;
		}
	}
	long grew = resident() - before;
	printf("thread_reap: %d threads, resident pages grew by %ld\n", THREADS, grew);
	if (before < 0 || grew >= 3 * TOUCHED) {
		printf("thread_reap: FAIL: the stacks of ended threads stay mapped\n");
		return 1;
	}
	printf("thread_reap: PASS\n");
	return 0;
}
