/*
 * lbench - the peer measurement: the same operations as Pagoda's
 * tests/progs/bench.c, on a Debian Linux kernel booted in the same QEMU
 * (bench/linux/run.sh). It is /init of a tiny initramfs, static glibc.
 *
 * Under QEMU -icount shift=0 an rdtsc difference is a guest instruction
 * count; without -icount it follows the host clock. Operations:
 *   rdtsc       two back-to-back rdtsc
 *   sys_null    getppid(), the usual null system call
 *   ipc_call    a pipe round trip: 8 bytes to a child and back
 *   fault       first write to a fresh anonymous page (zeroing included)
 *   memset_4k   memset of a mapped 4 KiB page
 *   spawn_wait  posix_spawn of this program (which exits at once) + waitpid
 *   memcpy_4k   memcpy of 4 KiB (glibc; the kernel's brd copies with its own)
 *   swapout     madvise(MADV_PAGEOUT) of one dirty anonymous page: the
 *               page written to swap on a RAM disk (brd, loaded from the
 *               initramfs) and freed, with the system call around it
 *   major_fault a read of a page swapped out that way: one swap-in
 *               (page-cluster 0: no readahead), the major fault's cost
 * The swap ops are skipped if brd or swapon is not available.
 * Prints "bench: NAME min A median B" lines and a CSV block, then powers
 * QEMU off through isa-debug-exit.
 */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/swap.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/sysmacros.h>
#include <fcntl.h>
#include <unistd.h>

#define ITER 200
#define WARMUP 20
#define SPAWN_ITER 20
#define PAGE 4096UL

extern char **environ;
static uint64_t samples[ITER];
static char csv[4096];
static size_t csv_len;

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void report(const char *name, int n)
{
	qsort(samples, n, sizeof samples[0], cmp);
	printf("bench: %s min %llu median %llu\n", name, (unsigned long long)samples[0],
	       (unsigned long long)samples[n / 2]);
	csv_len += snprintf(csv + csv_len, sizeof csv - csv_len, "%s,%llu,%llu,%d\n", name,
			    (unsigned long long)samples[0], (unsigned long long)samples[n / 2], n);
}

static void bench_rdtsc(void)
{
	for (int i = 0; i < ITER; i++) {
		uint64_t t0 = rdtsc();
		samples[i] = rdtsc() - t0;
	}
	report("rdtsc", ITER);
}

static void bench_null(void)
{
	for (int i = -WARMUP; i < ITER; i++) {
		uint64_t t0 = rdtsc();
		syscall(SYS_getppid);
		uint64_t t1 = rdtsc();
		if (i >= 0)
			samples[i] = t1 - t0;
	}
	report("sys_null", ITER);
}

static void bench_pipe(void)
{
	int to[2], from[2];
	uint64_t v = 0;
	if (pipe(to) || pipe(from))
		return;
	pid_t child = fork();
	if (child == 0) {
		while (read(to[0], &v, sizeof v) == sizeof v && v != ~0ULL)
			if (write(from[1], &v, sizeof v) != sizeof v)
				break;
		_exit(0);
	}
	for (int i = -WARMUP; i < ITER; i++) {
		uint64_t t0 = rdtsc();
		v = (uint64_t)(i + WARMUP);     /* never ~0, the stop value */
		if (write(to[1], &v, sizeof v) != sizeof v || read(from[0], &v, sizeof v) != sizeof v)
			return;
		uint64_t t1 = rdtsc();
		if (i >= 0)
			samples[i] = t1 - t0;
	}
	v = ~0ULL;
	if (write(to[1], &v, sizeof v) != sizeof v)
		return;
	waitpid(child, NULL, 0);
	report("ipc_call", ITER);
}

static void bench_fault(void)
{
	size_t n = ITER + WARMUP;
	volatile char *p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return;
	for (int i = -WARMUP; i < ITER; i++) {
		uint64_t t0 = rdtsc();
		p[(size_t)(i + WARMUP) * PAGE] = 1;
		uint64_t t1 = rdtsc();
		if (i >= 0)
			samples[i] = t1 - t0;
	}
	report("fault", ITER);
	for (int i = -WARMUP; i < ITER; i++) {
		uint64_t t0 = rdtsc();
		memset((char *)p, i, PAGE);
		uint64_t t1 = rdtsc();
		if (i >= 0)
			samples[i] = t1 - t0;
	}
	report("memset_4k", ITER);
}

#define SWAP_MIB 16

/* brd with one 16 MiB disk, a swap signature on it, swapon, no readahead. */
static int swap_setup(void)
{
	int fd = open("/brd.ko", O_RDONLY);
	if (fd < 0 || syscall(SYS_finit_module, fd, "rd_nr=1 rd_size=16384", 0) != 0) {
		printf("bench: cannot load brd.ko\n");
		return -1;
	}
	close(fd);
	mkdir("/dev", 0755);
	mkdir("/proc", 0755);
	if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) != 0)
		mknod("/dev/ram0", S_IFBLK | 0600, makedev(1, 0));
	mount("proc", "/proc", "proc", 0, NULL);
	static unsigned char hdr[PAGE];
	uint32_t *words = (uint32_t *)(hdr + 1024);
	words[0] = 1;                                   /* version */
	words[1] = SWAP_MIB * 256 - 1;                  /* last page */
	memcpy(hdr + PAGE - 10, "SWAPSPACE2", 10);
	fd = open("/dev/ram0", O_WRONLY);
	if (fd < 0 || write(fd, hdr, PAGE) != (ssize_t)PAGE) {
		printf("bench: cannot write the swap header\n");
		return -1;
	}
	fsync(fd);
	close(fd);
	if (swapon("/dev/ram0", 0) != 0) {
		perror("bench: swapon");
		return -1;
	}
	fd = open("/proc/sys/vm/page-cluster", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "0\n", 2) != 2)
			printf("bench: page-cluster not set\n");
		close(fd);
	}
	return 0;
}

static long majflt(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_majflt;
}

static void bench_swap(void)
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
	if (swap_setup() < 0)
		return;
	size_t n = ITER + WARMUP;
	volatile char *p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return;
	for (size_t i = 0; i < n; i++)
		p[i * PAGE] = (char)(i + 1);
	static uint64_t in[ITER];
	long before = majflt();
	unsigned bad = 0;
	for (int i = -WARMUP; i < ITER; i++) {
		volatile char *page = p + (size_t)(i + WARMUP) * PAGE;
		uint64_t t0 = rdtsc();
		madvise((void *)page, PAGE, 21 /* MADV_PAGEOUT */);
		uint64_t t1 = rdtsc();
		char c = page[0];
		uint64_t t2 = rdtsc();
		bad += c != (char)(i + WARMUP + 1);
		if (i >= 0) {
			samples[i] = t1 - t0;
			in[i] = t2 - t1;
		}
	}
	long majors = majflt() - before;
	printf("bench: swap: %ld major faults for %zu pages, %u wrong bytes\n", majors, n, bad);
	report("swapout", ITER);
	memcpy(samples, in, sizeof in);
	report("major_fault", ITER);
}

static void bench_spawn(void)
{
	char *argv[] = { "/init", "exit", NULL };
	for (int i = -2; i < SPAWN_ITER; i++) {
		pid_t pid;
		uint64_t t0 = rdtsc();
		if (posix_spawn(&pid, "/init", NULL, NULL, argv, environ) != 0)
			return;
		waitpid(pid, NULL, 0);
		uint64_t t1 = rdtsc();
		if (i >= 0)
			samples[i] = t1 - t0;
	}
	report("spawn_wait", SPAWN_ITER);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "exit"))
		return 0;
	bench_rdtsc();
	bench_null();
	bench_pipe();
	bench_fault();
	bench_spawn();
	bench_swap();
	printf("BEGIN CSV\nop,min,median,iterations\n%sEND CSV\n", csv);
	fflush(stdout);
	if (ioperm(0xf4, 1, 1) == 0)
		outb(0x10, 0xf4);       /* isa-debug-exit: QEMU exits with 33 */
	return 0;
}
