/*
 * malloc_threads [SEED] - threads share newlib's heap (libsys's
 * __malloc_lock). Three worker threads each run ROUNDS steps on a table
 * of SLOTS blocks of their own: a step picks a slot at random; an empty
 * slot gets malloc (1 byte to 6 KiB, now and then 40 KiB so that the heap
 * grows through sbrk and shrinks again), a full one is checked - every
 * byte must still be the pattern its thread and slot wrote - then freed,
 * or (one time in four) grown or shrunk with realloc, checked and filled
 * again. The main thread waits (yielding, at most 60 s) and then checks
 * that every worker finished without a bad byte or a failed allocation.
 * Without the lock, preemption inside malloc or free corrupts the heap:
 * a worker is killed in _free_r or _malloc_r, sees bad bytes, or hangs.
 * No thread prints until the workers are done (stdio is not locked).
 * Prints "malloc_threads: PASS" (exit 0) or "malloc_threads: FAIL ..."
 * (exit 1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <pagoda/sys.h>

#define WORKERS 3
#define ROUNDS  20000
#define SLOTS   48

struct worker {
	int index;
	uint64_t rng;
	unsigned char *block[SLOTS];
	size_t size[SLOTS];
	volatile long bad_bytes, failed_allocs, steps;
	volatile int done;
};

static uint64_t next(struct worker *w)
{
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	return w->rng;
}

static unsigned char pattern(const struct worker *w, int slot, size_t i)
{
	return (unsigned char)(w->index * 67 + slot * 13 + i);
}

static size_t random_size(struct worker *w)
{
	return next(w) % 64 == 0 ? 40960 : 1 + next(w) % 6144;
}

static void fill(struct worker *w, int slot)
{
	for (size_t i = 0; i < w->size[slot]; i++)
		w->block[slot][i] = pattern(w, slot, i);
}

static void check(struct worker *w, int slot, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (w->block[slot][i] != pattern(w, slot, i))
			w->bad_bytes++;
}

static void step(struct worker *w)
{
	int slot = (int)(next(w) % SLOTS);
	if (!w->block[slot]) {
		size_t n = random_size(w);
		w->block[slot] = malloc(n);
		if (!w->block[slot]) {
			w->failed_allocs++;
			return;
		}
		w->size[slot] = n;
		fill(w, slot);
		return;
	}
	check(w, slot, w->size[slot]);
	if (next(w) % 4 == 0) {
		size_t n = random_size(w);
		unsigned char *p = realloc(w->block[slot], n);
		if (!p) {
			w->failed_allocs++;
			return;
		}
		w->block[slot] = p;
		check(w, slot, n < w->size[slot] ? n : w->size[slot]);
		w->size[slot] = n;
		fill(w, slot);
		return;
	}
	free(w->block[slot]);
	w->block[slot] = NULL;
}

static void work(void *arg)
{
	struct worker *w = arg;
	for (int r = 0; r < ROUNDS; r++, w->steps++)
		step(w);
	for (int s = 0; s < SLOTS; s++) {
		if (w->block[s]) {
			check(w, s, w->size[s]);
			free(w->block[s]);
			w->block[s] = NULL;
		}
	}
	w->done = 1;
}

int main(int argc, char **argv)
{
	static struct worker w[WORKERS];
	uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
	for (int i = 0; i < WORKERS; i++) {
		w[i].index = i;
		w[i].rng = 0x9e3779b97f4a7c15ULL * (seed + 1) + (uint64_t)i * 0x51ed27ULL;
		int tid = thread_start(work, &w[i], 16384);
		if (tid < 0) {
			printf("malloc_threads: FAIL: thread_start: %s\n", pagoda_strerror(tid));
			return 1;
		}
	}
	int64_t deadline = sys_uptime() + 60 * PAGODA_TICK_HZ;
	int done = 0;
	while (done < WORKERS && sys_uptime() < deadline) {
		sys_yield();
		done = 0;
		for (int i = 0; i < WORKERS; i++)
			done += w[i].done;
	}
	long bad = 0, failed = 0;
	for (int i = 0; i < WORKERS; i++) {
		bad += w[i].bad_bytes;
		failed += w[i].failed_allocs;
		printf("malloc_threads: worker %d: %ld of %d steps%s, %ld bad bytes, %ld failed allocations\n",
		       i, w[i].steps, ROUNDS, w[i].done ? "" : " (not finished)", w[i].bad_bytes,
		       w[i].failed_allocs);
	}
	if (done < WORKERS || bad || failed) {
		printf("malloc_threads: FAIL: %d of %d workers finished\n", done, WORKERS);
		return 1;
	}
	printf("malloc_threads: PASS (seed %llu)\n", (unsigned long long)seed);
	return 0;
}
