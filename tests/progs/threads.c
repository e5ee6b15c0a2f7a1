/*
 * threads - two threads share the address space and keep their own
 * registers. Each thread adds 1 to its own counter 1000 times, and 0.5
 * (thread A) or 0.25 (thread B) to a double it keeps in an SSE register,
 * calling sys_yield every 100 steps so the three threads interleave. The
 * main thread yields until both say they are done (at most 10 seconds)
 * and checks the counters (1000 each), the sums (500.0, 250.0: a thread
 * that saw another's SSE state would be off) and that the thread ids
 * differ. Prints "threads: PASS" and exits 0.
 */
#include <stdio.h>
#include <pagoda/sys.h>

#define STEPS 1000

struct worker {
	double step;
	volatile long counter;
	volatile double sum;
	volatile int tid;
	volatile int done;
};

static void work(void *arg)
{
	struct worker *w = arg;
	double sum = 0;
	w->tid = (int)sys_gettid();
	for (int i = 1; i <= STEPS; i++) {
		w->counter++;
		sum += w->step;
		if (i % 100 == 0)
			sys_yield();
	}
	w->sum = sum;
	w->done = 1;
}

int main(void)
{
	static struct worker w[2] = { { .step = 0.5 }, { .step = 0.25 } };
	for (int i = 0; i < 2; i++) {
		int tid = thread_start(work, &w[i], 16384);
		if (tid < 0) {
			printf("threads: FAIL: thread_start: %s\n", pagoda_strerror(tid));
			return 1;
		}
	}
	int64_t deadline = sys_uptime() + 10 * PAGODA_TICK_HZ;
	while (!(w[0].done && w[1].done) && sys_uptime() < deadline)
		sys_yield();
	int main_tid = (int)sys_gettid();
	printf("threads: counters %ld %ld, sums %.2f %.2f, tids %d %d (main %d)\n", w[0].counter,
	       w[1].counter, w[0].sum, w[1].sum, w[0].tid, w[1].tid, main_tid);
	if (!w[0].done || !w[1].done || w[0].counter != STEPS || w[1].counter != STEPS ||
	    w[0].sum != 500.0 || w[1].sum != 250.0 || w[0].tid == w[1].tid ||
	    w[0].tid == main_tid || w[1].tid == main_tid) {
		printf("threads: FAIL\n");
		return 1;
	}
	printf("threads: PASS\n");
	return 0;
}
