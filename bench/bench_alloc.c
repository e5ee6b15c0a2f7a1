/*
 * bench_alloc.c - host benchmark: Pagoda's slab and buddy allocators against
 * glibc malloc, jemalloc and mimalloc, on the same patterns and seeds.
 *
 * One source, four binaries (see mk/mm-host.mk): BENCH_ALLOCATOR selects
 * what "alloc" and "free" mean. Debian's jemalloc replaces malloc itself, so
 * each peer needs its own binary; bench/run.sh runs them all and prints the
 * combined table. Each binary prints CSV rows
 * "allocator,benchmark,ns_per_op,cycles_per_op", where one op is one
 * allocation plus its free, and cycles are user-mode CPU cycles of the
 * thread (-1 where perf events are not permitted).
 *
 * Patterns (N = objects per round, fixed; seeds fixed):
 *   obj-<size>-lifo    rounds of: allocate 16 objects, free them newest
 *                      first (stack-like churn, the common case in servers)
 *   obj-<size>-batch   allocate 10000 objects, then free them oldest first
 *   page-o0-lifo/batch the same with 4 KiB pages (buddy order 0 vs
 *                      aligned_alloc(4096, 4096))
 *   page-mixed-lifo/batch orders 0..3 drawn from a fixed xorshift sequence
 *                      (4..32 KiB, page aligned)
 * Time is the benchmark thread's CPU time (CLOCK_THREAD_CPUTIME_ID), so time
 * spent descheduled on a busy machine is not charged to any allocator (time
 * in the kernel on the thread's behalf, e.g. page faults, still is).
 * Every object is written once so no allocator can skip work; each binary
 * prints the median of 3 runs, and bench/run.sh runs the four binaries in 3
 * interleaved rounds and keeps each one's best median, so that a burst of
 * load on a shared machine does not land on one allocator only.
 * Compiled -O2 without sanitizers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/perf_event.h>

#define BENCH_PAGODA   1
#define BENCH_GLIBC    2
#define BENCH_JEMALLOC 3
#define BENCH_MIMALLOC 4

#if BENCH_ALLOCATOR == BENCH_PAGODA
#include <pagoda/error.h>
#include "zone.h"
#include "buddy.h"
#include "slab.h"
#include "mm_stubs.h"
#define ALLOCATOR "pagoda"
#elif BENCH_ALLOCATOR == BENCH_MIMALLOC
#include <mimalloc.h>
#define ALLOCATOR "mimalloc"
#elif BENCH_ALLOCATOR == BENCH_JEMALLOC
#include <jemalloc/jemalloc.h>
#define ALLOCATOR "jemalloc"
#else
#define ALLOCATOR "glibc"
#endif

#define LIFO_DEPTH   16
#define LIFO_ROUNDS  200000
#define BATCH        10000
#define BATCH_ROUNDS 40
#define PAGE_BATCH   4096
#define PAGE_ROUNDS  20
#define RUNS         3

static void *slots[BATCH];
static unsigned orders[BATCH];

/* ---- the allocator under test ------------------------------------------- */

#if BENCH_ALLOCATOR == BENCH_PAGODA
static struct slab_cache *cache;

static void setup_object(size_t size)
{
	if (cache)
		slab_cache_destroy(cache);
	cache = slab_cache_create("bench", size, 0, NULL);
}

static void *obj_alloc(size_t size)
{
	(void)size;
	return slab_alloc(cache, 0);
}

static void obj_free(void *p)
{
	slab_free(cache, p);
}

static void *page_alloc(unsigned order)
{
	pfn_t pfn = buddy_alloc(order, 0);
	return pfn == PFN_NONE ? NULL : pfn_to_virt(pfn);
}

static void page_free(void *p, unsigned order)
{
	buddy_free(virt_to_pfn(p), order);
}

static void setup_allocator(void)
{
	static const struct mm_range ram[] = {
		{ 0, (uint64_t)1 << 30, MM_RANGE_USABLE },
	};
	stub_phys_setup(ram, 1, NULL, 0);
	if (zone_init(ram, 1, NULL, 0) != ERR_OK) {
		fprintf(stderr, "bench: zone_init failed\n");
		exit(1);
	}
	slab_init();
}
#else
static void setup_object(size_t size)
{
	(void)size;
}

static void setup_allocator(void)
{
#if BENCH_ALLOCATOR == BENCH_JEMALLOC
	const char *version;
	size_t len = sizeof(version);
	if (mallctl("version", &version, &len, NULL, 0) != 0) {
		fprintf(stderr, "bench: jemalloc is not the linked malloc\n");
		exit(1);
	}
#endif
}

#if BENCH_ALLOCATOR == BENCH_MIMALLOC
static void *obj_alloc(size_t size) { return mi_malloc(size); }
static void obj_free(void *p) { mi_free(p); }
static void *page_alloc(unsigned order)
{
	return mi_malloc_aligned((size_t)4096 << order, 4096);
}
static void page_free(void *p, unsigned order) { (void)order; mi_free(p); }
#else
static void *obj_alloc(size_t size) { return malloc(size); }
static void obj_free(void *p) { free(p); }
static void *page_alloc(unsigned order)
{
	return aligned_alloc(4096, (size_t)4096 << order);
}
static void page_free(void *p, unsigned order) { (void)order; free(p); }
#endif
#endif

/* ---- timing ------------------------------------------------------------- */

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* User-mode CPU cycles of this thread, from the kernel's perf counters: unlike
 * time, unaffected by clock frequency and by sharing the machine. -1 where
 * perf events are not allowed (kernel.perf_event_paranoid). */
static int cycles_fd = -1;

static void cycles_open(void)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_HARDWARE;
	attr.config = PERF_COUNT_HW_CPU_CYCLES;
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	cycles_fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
}

static double cycles_now(void)
{
	uint64_t n;

	if (cycles_fd < 0 || read(cycles_fd, &n, sizeof(n)) != sizeof(n))
		return -1;
	return (double)n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void check(void *p)
{
	if (!p) {
		fprintf(stderr, "bench: %s ran out of memory\n", ALLOCATOR);
		exit(1);
	}
	*(volatile char *)p = 1;
}

/* ---- patterns: each runs once and returns how many alloc+free pairs ------ */

static double obj_lifo(size_t size)
{
	for (int r = 0; r < LIFO_ROUNDS; r++) {
		for (int i = 0; i < LIFO_DEPTH; i++)
			check(slots[i] = obj_alloc(size));
		for (int i = LIFO_DEPTH; i-- > 0;)
			obj_free(slots[i]);
	}
	return (double)LIFO_ROUNDS * LIFO_DEPTH;
}

static double obj_batch(size_t size)
{
	for (int r = 0; r < BATCH_ROUNDS; r++) {
		for (int i = 0; i < BATCH; i++)
			check(slots[i] = obj_alloc(size));
		for (int i = 0; i < BATCH; i++)
			obj_free(slots[i]);
	}
	return (double)BATCH_ROUNDS * BATCH;
}

static double page_lifo(size_t unused)
{
	(void)unused;
	for (int r = 0; r < LIFO_ROUNDS / 4; r++) {
		for (int i = 0; i < LIFO_DEPTH; i++)
			check(slots[i] = page_alloc(orders[i + r % 64]));
		for (int i = LIFO_DEPTH; i-- > 0;)
			page_free(slots[i], orders[i + r % 64]);
	}
	return (double)(LIFO_ROUNDS / 4) * LIFO_DEPTH;
}

static double page_batch(size_t unused)
{
	(void)unused;
	for (int r = 0; r < PAGE_ROUNDS; r++) {
		for (int i = 0; i < PAGE_BATCH; i++)
			check(slots[i] = page_alloc(orders[i]));
		for (int i = 0; i < PAGE_BATCH; i++)
			page_free(slots[i], orders[i]);
	}
	return (double)PAGE_ROUNDS * PAGE_BATCH;
}

static void set_orders(unsigned max_order)
{
	uint64_t x = 0x853c49e6748fea9bull;
	for (int i = 0; i < BATCH; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		orders[i] = max_order ? (unsigned)(x >> 32) % (max_order + 1) : 0;
	}
}

/* Run a pattern RUNS times; print the median ns and cycles per pair. */
static void measure(const char *name, double (*pattern)(size_t), size_t arg)
{
	double ns[RUNS], cyc[RUNS];

	for (int r = 0; r < RUNS; r++) {
		double t = now_ns(), c = cycles_now();
		double ops = pattern(arg);
		double c1 = cycles_now();
		ns[r] = (now_ns() - t) / ops;
		cyc[r] = c < 0 || c1 < 0 ? -1 : (c1 - c) / ops;
	}
	qsort(ns, RUNS, sizeof(double), cmp_double);
	qsort(cyc, RUNS, sizeof(double), cmp_double);
	printf("%s,%s,%.2f,%.1f\n", ALLOCATOR, name, ns[RUNS / 2], cyc[RUNS / 2]);
	fflush(stdout);
}

int main(void)
{
	static const size_t sizes[] = { 32, 64, 256, 1024 };
	static const struct { const char *name; unsigned max_order; } page_runs[] = {
		{ "page-o0", 0 }, { "page-mixed0-3", 3 },
	};
	char name[64];

	setup_allocator();
	cycles_open();
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		setup_object(sizes[s]);
		obj_batch(sizes[s]); /* warm up: every allocator starts with memory in hand */
		snprintf(name, sizeof(name), "obj-%zu-lifo", sizes[s]);
		measure(name, obj_lifo, sizes[s]);
		snprintf(name, sizeof(name), "obj-%zu-batch", sizes[s]);
		measure(name, obj_batch, sizes[s]);
	}
	for (size_t k = 0; k < 2; k++) {
		set_orders(page_runs[k].max_order);
		page_batch(0);
		snprintf(name, sizeof(name), "%s-lifo", page_runs[k].name);
		measure(name, page_lifo, 0);
		snprintf(name, sizeof(name), "%s-batch", page_runs[k].name);
		measure(name, page_batch, 0);
	}
	return 0;
}
