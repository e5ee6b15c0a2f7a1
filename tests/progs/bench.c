/*
 * bench - costs of the basic operations in guest instructions.
 *
 * Run under QEMU with -icount shift=0: then the time-stamp counter advances
 * by one per guest instruction (a `rep` string instruction counts once per
 * iteration), so an rdtsc difference is an exact, reproducible instruction
 * count. Each operation is timed ITER times after WARMUP untimed runs, and
 * the minimum and median are reported:
 *   rdtsc        two back-to-back rdtsc: the measurement's own cost
 *   sys_null     the null system call
 *   ipc_call     call + reply round trip to bench_echo (another process)
 *   fault        first write to a fresh anonymous page: fault, trip to the
 *                memory server, a zeroed frame mapped, back (with zeroing)
 *   memset_4k    memset of a 4 KiB page already mapped: subtract it from
 *                "fault" for the service cost without the zeroing
 *   spawn_wait   mm_spawn of a program that exits at once, and mm_wait
 *   swapout_fault  first write to a fresh page of a mapping whose budget
 *                (MM_MAP_BUDGET) of one frame is full: the resident page
 *                is written to swap (dirty), then the fault is served as
 *                "fault" (zeroing included). Minus "fault": one swap-out.
 *   swap_cycle   write to the other page of a two-page mapping with a
 *                one-frame budget: one swap-out (dirty) + one swap-in
 *                (a major fault). Minus the swap-out: one major fault.
 *   memcpy_4k    memcpy of 4 KiB (newlib, as the ramdisk copies a page
 *                each way): the copy inside each swap-out and swap-in
 *   irq_notify   interrupt delivery to a user driver: the edu driver
 *                raises its device's MSI by software (register 0x60) and
 *                counts until the notification is in its hands (the trap,
 *                device_interrupt, the EOI, back to user mode, the
 *                SYS_RECV that takes the bits: EDU_IRQ_LATENCY); measured
 *                inside the driver, which reports each sample
 *   dma_grant    a DMA grant of one page allocated (frames below the
 *                mask, zeroed, mapped into the driver) and freed again
 *                (unmapped, its page tables pruned): two requests to the
 *                memory server, measured inside the edu driver
 *                (EDU_DMA_BENCH); the zeroing's rep stosb is 4096 of it
 *   dma_map      a page of the driver's heap mapped for streaming to the
 *                device and unmapped (pinned, a bus address, unpinned),
 *                within edu's reach: nothing bounces
 *   dma_map_bounce  the same for a 24-bit device: the page bounces, and
 *                its 4096 bytes are copied into the bounce page (newlib's
 *                memcpy in the memory server: memcpy_4k of it), the bounce
 *                page zeroed first (4096 more)
 * (the swap ops need mm booted with swap=MiB and the ramdisk module;
 * without swap they are skipped, and reported as such; irq_notify needs
 * the devmgr and edu modules and a machine with edu, else it is
 * skipped; so do the dma ops).
 * Output: one "bench: NAME min A median B instructions" line each, then a
 * CSV block between "BEGIN CSV" and "END CSV" (op,min,median,iterations).
 * The CPU's brand string is printed first: the -cpu model matters.
 */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pagoda/sys.h>
#include <pagoda/edu.h>
#include "tsc.h"

#define ITER        200
#define WARMUP      20
#define SPAWN_ITER  20
#define SPAWN_WARM  2
#define FAULT_PAGES (ITER + WARMUP)
#define PAGE        4096UL
#define ECHO_STOP   0x5709
#define MAX_OPS     16

struct result {
	const char *name;
	uint64_t min, median;
	int iterations;
};

static struct result results[MAX_OPS];
static int nresults;
static uint64_t samples[ITER];

/* Sorts the n samples and records min and median under name. */
static void report(const char *name, int n)
{
	qsort(samples, (size_t)n, sizeof samples[0], cmp_u64);
	struct result *r = &results[nresults++];
	r->name = name;
	r->min = samples[0];
	r->median = n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
	r->iterations = n;
	printf("bench: %s min %llu median %llu instructions\n", name,
	       (unsigned long long)r->min, (unsigned long long)r->median);
}

static void bench_rdtsc(void)
{
	for (int i = -WARMUP; i < ITER; i++) {
		uint64_t t0 = rdtsc();
		uint64_t t1 = rdtsc();
		if (i >= 0)
			samples[i] = t1 - t0;
	}
	report("rdtsc", ITER);
}

static void bench_null(void)
{
	for (int i = -WARMUP; i < ITER; i++) {
		uint64_t t0 = rdtsc();
		sys_null();
		uint64_t t1 = rdtsc();
		if (i >= 0)
			samples[i] = t1 - t0;
	}
	report("sys_null", ITER);
}

static int bench_ipc(void)
{
	char cmd[48];
	snprintf(cmd, sizeof cmd, "bench_echo %d", (int)sys_getpid());
	int echo = mm_spawn(cmd, MM_SPAWN_IPC_PARENT);
	if (echo < 0) {
		printf("bench: cannot spawn bench_echo: %s\n", pagoda_strerror(echo));
		return -1;
	}
	struct ipc_msg m = { .tag = 1, .w = { 1, 2, 3, 4, 5, 6, 7 } };
	for (int i = -WARMUP; i < ITER; i++) {
		uint64_t t0 = rdtsc();
		int err = ipc_call(echo, &m);
		uint64_t t1 = rdtsc();
		if (err < 0 || m.tag != 1) {
			printf("bench: ipc_call to bench_echo failed: %s\n", pagoda_strerror(err));
			return -1;
		}
		if (i >= 0)
			samples[i] = t1 - t0;
	}
	report("ipc_call", ITER);
	m.tag = ECHO_STOP;
	ipc_call(echo, &m);
	int status;
	mm_wait(echo, &status);
	return 0;
}

/* First touch of FAULT_PAGES fresh pages, then memset of mapped ones. */
static int bench_fault(void)
{
	volatile unsigned char *p = mm_mmap(FAULT_PAGES * PAGE, MM_PROT_READ | MM_PROT_WRITE,
					    MM_MAP_ANON, 0);
	if (!p) {
		printf("bench: cannot map %d pages\n", FAULT_PAGES);
		return -1;
	}
	for (int i = -WARMUP; i < ITER; i++) {
		volatile unsigned char *page = p + (size_t)(i + WARMUP) * PAGE;
		uint64_t t0 = rdtsc();
		page[0] = 1;
		uint64_t t1 = rdtsc();
		if (i >= 0)
			samples[i] = t1 - t0;
	}
	report("fault", ITER);
	for (int i = -WARMUP; i < ITER; i++) {
		void *page = (void *)(p + (size_t)(i + WARMUP) * PAGE);
		uint64_t t0 = rdtsc();
		memset(page, 0, PAGE);
		__asm__ volatile("" ::: "memory");
		uint64_t t1 = rdtsc();
		if (i >= 0)
			samples[i] = t1 - t0;
	}
	report("memset_4k", ITER);
	mm_munmap((void *)p, FAULT_PAGES * PAGE);
	return 0;
}

static int bench_swap(void)
{
	static char src[PAGE] __attribute__((aligned(64))), dst[PAGE] __attribute__((aligned(64)));
	for (int i = -WARMUP; i < ITER; i++) {
		uint64_t t0 = rdtsc();
		__asm__ volatile("" :: "r"(dst), "r"(src) : "memory");
		memcpy(dst, src, PAGE);
		__asm__ volatile("" :: "r"(dst), "r"(src) : "memory");
		uint64_t t1 = rdtsc();
		if (i >= 0)
			samples[i] = t1 - t0;
	}
	report("memcpy_4k", ITER);
	struct mm_vmstat_info v;
	if (mm_vmstat_get(0, &v) < 0 || v.swap_total == 0) {
		printf("bench: no swap device: swapout_fault and swap_cycle skipped\n");
		return 0;
	}
	volatile unsigned char *p = mm_mmap_budget((FAULT_PAGES + 1) * PAGE, MM_PROT_READ | MM_PROT_WRITE, 1);
	if (!p) {
		printf("bench: cannot map %d pages with a budget\n", FAULT_PAGES);
		return -1;
	}
	p[0] = 1;                       /* the budget's one frame is now used */
	for (int i = -WARMUP; i < ITER; i++) {
		volatile unsigned char *page = p + (size_t)(i + WARMUP + 1) * PAGE;
		uint64_t t0 = rdtsc();
		page[0] = 1;
		uint64_t t1 = rdtsc();
		if (i >= 0)
			samples[i] = t1 - t0;
	}
	report("swapout_fault", ITER);
	mm_munmap((void *)p, (FAULT_PAGES + 1) * PAGE);
	p = mm_mmap_budget(2 * PAGE, MM_PROT_READ | MM_PROT_WRITE, 1);
	if (!p)
		return -1;
	p[0] = 1;
	p[PAGE] = 1;
	for (int i = -WARMUP; i < ITER; i++) {
		volatile unsigned char *page = p + (size_t)(i & 1) * PAGE;
		uint64_t t0 = rdtsc();
		page[0] = (unsigned char)i;
		uint64_t t1 = rdtsc();
		if (i >= 0)
			samples[i] = t1 - t0;
	}
	report("swap_cycle", ITER);
	mm_munmap((void *)p, 2 * PAGE);
	return 0;
}

static int bench_irq(void)
{
	uint16_t bdf;
	int driver = mm_dev_open(EDU_VENDOR, EDU_DEVICE, 0, &bdf);
	if (driver < 0) {
		printf("bench: no edu driver (%s): irq_notify skipped\n", pagoda_strerror(driver));
		return 0;
	}
	for (int i = -WARMUP; i < ITER; i++) {
		struct ipc_msg m = { .tag = EDU_IRQ_LATENCY };
		int err = ipc_call(driver, &m);
		if (err < 0 || m.tag < 0) {
			printf("bench: EDU_IRQ_LATENCY failed: %s\n", pagoda_strerror(err < 0 ? err : (int)m.tag));
			return -1;
		}
		if (i >= 0)
			samples[i] = m.w[0];
	}
	report("irq_notify", ITER);
	return 0;
}

/* One EDU_DMA_BENCH op ITER times, after WARMUP. */
static int bench_dma_op(int driver, uint64_t op, const char *name)
{
	for (int i = -WARMUP; i < ITER; i++) {
		struct ipc_msg m = { .tag = EDU_DMA_BENCH, .w = { op } };
		int err = ipc_call(driver, &m);
		if (err < 0 || m.tag < 0) {
			printf("bench: EDU_DMA_BENCH %s failed: %s\n", name,
			       pagoda_strerror(err < 0 ? err : (int)m.tag));
			return -1;
		}
		if (i >= 0)
			samples[i] = m.w[0];
	}
	report(name, ITER);
	return 0;
}

static int bench_dma(void)
{
	uint16_t bdf;
	int driver = mm_dev_open(EDU_VENDOR, EDU_DEVICE, 0, &bdf);
	if (driver < 0) {
		printf("bench: no edu driver (%s): dma ops skipped\n", pagoda_strerror(driver));
		return 0;
	}
	if (bench_dma_op(driver, EDU_DMA_BENCH_GRANT, "dma_grant") < 0 ||
	    bench_dma_op(driver, EDU_DMA_BENCH_MAP, "dma_map") < 0)
		return -1;
	return bench_dma_op(driver, EDU_DMA_BENCH_BOUNCE, "dma_map_bounce");
}

static int bench_spawn(void)
{
	for (int i = -SPAWN_WARM; i < SPAWN_ITER; i++) {
		int status = -1;
		uint64_t t0 = rdtsc();
		int pid = mm_spawn("bench_echo exit", 0);
		int err = pid < 0 ? pid : mm_wait(pid, &status);
		uint64_t t1 = rdtsc();
		if (err < 0 || status != 0) {
			printf("bench: spawn + wait of bench_echo failed: %s\n", pagoda_strerror(err));
			return -1;
		}
		if (i >= 0)
			samples[i] = t1 - t0;
	}
	report("spawn_wait", SPAWN_ITER);
	return 0;
}

static void print_cpu(void)
{
	uint32_t brand[12];
	uint32_t max;
	__asm__ volatile("cpuid" : "=a"(max) : "a"(0x80000000u) : "ebx", "ecx", "edx");
	if (max < 0x80000004u) {
		printf("bench: cpu (no brand string)\n");
		return;
	}
	for (uint32_t leaf = 0; leaf < 3; leaf++)
		__asm__ volatile("cpuid"
				 : "=a"(brand[leaf * 4]), "=b"(brand[leaf * 4 + 1]),
				   "=c"(brand[leaf * 4 + 2]), "=d"(brand[leaf * 4 + 3])
				 : "a"(0x80000002u + leaf), "c"(0));
	char s[49];
	memcpy(s, brand, 48);
	s[48] = '\0';
	char *start = s;
	while (*start == ' ')
		start++;
	printf("bench: cpu %s\n", start);
}

int main(void)
{
	print_cpu();
	printf("bench: %d iterations after %d warm-up (spawn_wait: %d after %d); "
	       "counts are guest instructions under -icount shift=0\n",
	       ITER, WARMUP, SPAWN_ITER, SPAWN_WARM);
	bench_rdtsc();
	bench_null();
	int failed = bench_ipc() < 0;
	failed |= bench_fault() < 0;
	failed |= bench_spawn() < 0;
	failed |= bench_swap() < 0;
	failed |= bench_irq() < 0;
	failed |= bench_dma() < 0;
	printf("BEGIN CSV\nop,min,median,iterations\n");
	for (int i = 0; i < nresults; i++)
		printf("%s,%llu,%llu,%d\n", results[i].name, (unsigned long long)results[i].min,
		       (unsigned long long)results[i].median, results[i].iterations);
	printf("END CSV\n");
	return failed;
}
