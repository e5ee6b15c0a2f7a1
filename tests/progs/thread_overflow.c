/*
 * thread_overflow - a thread's stack has a guard page below it.
 *
 * The main thread puts 64 KiB of patterned heap data in place, then starts
 * a thread with a 16 KiB stack that recurses 25 frames of 1 KiB each
 * (written from the top down in 256-byte steps, so no access skips a
 * page), 9 KiB past the end of its stack, yielding after each frame. The
 * main thread, yielding too, checks the heap data whenever the thread is
 * one frame deeper and says so ("heap data intact with the thread at
 * depth D"). The memory server must kill the process when the thread
 * reaches the guard page ("stack overflow into the guard page"), before
 * anything below the stack is touched. If the thread comes back, or the
 * heap data changes, it prints "thread_overflow: FAIL: ..." and exits 1;
 * it never prints PASS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <pagoda/sys.h>

#define STACK   16384
#define FRAME   1024
#define DEPTH   25              /* frames: 25 KiB, 9 KiB past the stack */
#define DATA    65536

static volatile int depth, done;
static volatile unsigned char *data;

static __attribute__((noinline)) int dive(int d)
{
	volatile unsigned char buf[FRAME];
	for (int i = FRAME - 1; i >= 0; i -= 256)
		buf[i] = (unsigned char)d;
	buf[0] = (unsigned char)d;
	depth = d;
	sys_yield();
	if (d >= DEPTH)
		return buf[0];
	return dive(d + 1) + buf[FRAME - 1];
}

static void recurse(void *arg)
{
	(void)arg;
	dive(1);
	done = 1;
}

static long damaged(void)
{
	long n = 0;
	for (int i = 0; i < DATA; i++)
		n += data[i] != (unsigned char)(i * 7 + 1);
	return n;
}

int main(void)
{
	printf("thread_overflow: a thread recurses %d KiB into its %d KiB stack\n",
	       DEPTH * FRAME / 1024, STACK / 1024);
	data = malloc(DATA);
	if (!data) {
		printf("thread_overflow: FAIL: no heap\n");
		return 1;
	}
	for (int i = 0; i < DATA; i++)
		data[i] = (unsigned char)(i * 7 + 1);
	printf("thread_overflow: %d bytes of heap data in place\n", DATA);
	int tid = thread_start(recurse, NULL, STACK);
	if (tid < 0) {
		printf("thread_overflow: FAIL: thread_start: %s\n", pagoda_strerror(tid));
		return 1;
	}
	int seen = 0;
	int64_t deadline = sys_uptime() + 10 * PAGODA_TICK_HZ;
	while (!done && sys_uptime() < deadline) {
		sys_yield();
		if (depth == seen)
			continue;
		seen = depth;
		long bad = damaged();
		if (bad) {
			printf("thread_overflow: FAIL: %ld bytes of heap data overwritten with the thread at depth %d\n",
			       bad, seen);
			return 1;
		}
		printf("thread_overflow: heap data intact with the thread at depth %d\n", seen);
	}
	printf("thread_overflow: FAIL: the thread %s instead of being killed (heap data: %ld bytes changed)\n",
	       done ? "came back" : "hung", damaged());
	return 1;
}
