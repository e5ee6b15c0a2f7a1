/*
 * hostile [SEED] - a misbehaving process must not hurt anyone.
 *
 * Phase 1: 5000 random and malformed requests to the memory server
 * (ipc_call to pid 1), from a fixed-seed PRNG: every request tag (and 0,
 * negative tags, MM_FAULT and MM_PROC_EXIT that only the kernel may send,
 * huge tags), random words, bad pointers and lengths for MM_SPAWN (the
 * strings it can read never name a program: they start with "zz" or
 * digits), sizes for MM_MMAP / MM_SBRK (never a net heap growth above
 * 16 MiB, never a shrink below what it added), MM_MUNMAP / MM_MPROTECT of
 * code, stack, heap and random addresses, MM_WAIT of pids that are not its
 * children (it has none). Every reply must be an error code in range, or a
 * success the request allows (a pid for MM_PROCINFO, 0 for MM_STAT, an
 * address for a sane MM_MMAP...). Negative tags and tags from
 * IPC_TAG_KERNEL up (MM_FAULT, MM_PROC_EXIT, MSG_NOTIFY) must already be
 * refused by the kernel with ERR_INVAL. It never touches what it mapped.
 *
 * Phase 2: 5000 system calls with random numbers in [0, 64) and random
 * arguments in every argument register, leaving out the ones that end or
 * block the caller by design (EXIT, THREAD_EXIT, RECV, REPLY_RECV, READ).
 * SEND and CALL go to the memory server (with harmless tags) or to pids it
 * may not send to; THREAD_CREATE gets only non-user entry points. Every
 * memory-server-only call (20..29) must fail with ERR_PERM and every
 * number past the last system call with ERR_NOSYS.
 *
 * Prints the count of each answer and "hostile: PASS" (exit 0) if all of
 * this held; a crash, a kill or a hang is a failure the test harness sees.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pagoda/sys.h>

#define REQUESTS   5000
#define SYSCALLS   5000
#define HEAP_BUDGET (16LL << 20)
#define MAX_MAPS   32
#define PAGE       4096ULL

static uint64_t rng;
static int failures;
static int mypid;

static uint64_t next(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static uint64_t pick(const uint64_t *v, size_t n)
{
	return v[next() % n];
}
#define PICK(...) ({ static const uint64_t v_[] = { __VA_ARGS__ }; pick(v_, sizeof v_ / sizeof v_[0]); })

/* An address that is never mapped in this process. */
static uint64_t bad_address(void)
{
	switch (next() % 6) {
	case 0: return 0;
	case 1: return next() % PAGE;                           /* the NULL page */
	case 2: return 0xffffffff80000000ULL + (next() & 0xffffff);  /* the kernel */
	case 3: return 0x0000900000000000ULL + (next() & 0xffff);    /* non-canonical */
	case 4: return 0x0000100000000000ULL + (next() & 0xfffff000);  /* unmapped user */
	default: return next() | (1ULL << 63);
	}
}

/* A random "interesting" argument word. */
static uint64_t any_word(void)
{
	switch (next() % 5) {
	case 0: return PICK(0, 1, 2, 4095, 4096, 0x7fffffff, (uint64_t)-1, (uint64_t)1 << 63,
			    INT64_MAX, 0x100000000ULL);
	case 1: return next() % 64;
	case 2: return bad_address();
	default: return next();
	}
}

/* Counts a failure; prints the first 20. */
static __attribute__((format(printf, 1, 2))) void fail(const char *fmt, ...)
{
	failures++;
	if (failures <= 20) {
		va_list ap;
		va_start(ap, fmt);
		printf("hostile: FAIL: ");
		vprintf(fmt, ap);
		printf("\n");
		va_end(ap);
	}
}

/* ---- phase 1: the memory server -------------------------------------- */

static struct { uint64_t addr, len; } maps[MAX_MAPS];
static int nmaps;
static int64_t heap_net;        /* bytes it added to its heap, net */
static int spawned;             /* a spawn succeeded (it must not) */
static long long mm_answers[ERR__COUNT + 1], mm_ok, kernel_refused;
static char zzbuf[600];         /* strings that name no program */

/* What a reply may be, besides an error code. */
enum allowed { ALLOW_NONE, ALLOW_ZERO, ALLOW_PID };

static enum allowed req_spawn(struct ipc_msg *m)
{
	m->w[0] = next() % 3 ? (uint64_t)(uintptr_t)(zzbuf + next() % 512) : bad_address();
	m->w[1] = PICK(0, 1, 2, 7, 255, 256, 257, 4096, 1ULL << 32, (uint64_t)-1, 100);
	m->w[2] = any_word();
	return ALLOW_NONE;
}

static enum allowed req_wait(struct ipc_msg *m)
{
	m->w[0] = PICK(0, 1, 2, 999, 12345, (uint64_t)-2, (uint64_t)INT64_MIN, 0x100000001ULL);
	if (next() % 4 == 0)
		m->w[0] = (uint64_t)mypid;
	if (!spawned && next() % 4 == 0)
		m->w[0] = (uint64_t)-1;         /* any child: it has none */
	return ALLOW_NONE;
}

static enum allowed req_sbrk(struct ipc_msg *m, int64_t *grow)
{
	int64_t incr;
	switch (next() % 4) {
	case 0:             /* grow, within the budget */
		incr = (int64_t)(next() % (1 << 20));
		if (heap_net + incr > HEAP_BUDGET)
			incr = 0;
		break;
	case 1:             /* give back part of what it added */
		incr = heap_net > 0 ? -(int64_t)(next() % (uint64_t)(heap_net + 1)) : 0;
		break;
	case 2:             /* absurd growth: must fail */
		incr = (int64_t)PICK(1ULL << 40, INT64_MAX, MM_HEAP_MAX + PAGE, 1ULL << 62);
		*grow = incr;
		m->w[0] = (uint64_t)incr;
		return ALLOW_NONE;
	default:            /* shrink below the heap's start: must fail */
		incr = (int64_t)PICK((uint64_t)INT64_MIN, (uint64_t)-(1LL << 40),
				     (uint64_t)-(int64_t)(2 * MM_HEAP_MAX));
		*grow = incr;
		m->w[0] = (uint64_t)incr;
		return ALLOW_NONE;
	}
	*grow = incr;
	m->w[0] = (uint64_t)incr;
	return ALLOW_ZERO;
}

static enum allowed req_mmap(struct ipc_msg *m)
{
	m->w[0] = PICK(0, 1, 4096, 4097, 16 * PAGE, 1ULL << 40, 1ULL << 62, (uint64_t)-1,
		       (uint64_t)-PAGE, 100 * PAGE);
	if (next() % 3 == 0)
		m->w[0] = next() % (16ULL << 20);
	m->w[1] = next() % 3 ? next() % 8 : next();
	m->w[2] = next() % 3 ? next() % 2 : any_word();
	m->w[3] = next() % 2 ? 0x40000000ULL + next() % 1000 : next();  /* never a test's key */
	return ALLOW_ZERO;
}

/* Lengths that cover the same pages (the server rounds up to pages). */
static int same_pages(uint64_t a, uint64_t b)
{
	if (a > UINT64_MAX - PAGE || b > UINT64_MAX - PAGE)
		return a == b;
	return (a + PAGE - 1) / PAGE == (b + PAGE - 1) / PAGE;
}

/* A target for MM_MUNMAP / MM_MPROTECT; *exact: it is a whole mapping. */
static void region_target(struct ipc_msg *m, int *exact, int *slot)
{
	int local;
	*exact = 0;
	*slot = -1;
	switch (next() % 6) {
	case 0:
	case 1:
		if (nmaps > 0) {
			*slot = (int)(next() % (uint64_t)nmaps);
			m->w[0] = maps[*slot].addr;
			m->w[1] = next() % 3 ? maps[*slot].len : any_word();
			*exact = same_pages(m->w[1], maps[*slot].len);
			return;
		}
		m->w[0] = bad_address();
		break;
	case 2: m->w[0] = 0x400000; break;                                   /* code */
	case 3: m->w[0] = (uint64_t)(uintptr_t)&local & ~(PAGE - 1); break;  /* stack */
	case 4: m->w[0] = ((uint64_t)(uintptr_t)mm_sbrk(0) - 1) & ~(PAGE - 1); break;  /* heap */
	default: m->w[0] = bad_address(); break;
	}
	m->w[1] = PICK(PAGE, 0, 16 * PAGE, (uint64_t)-1, 1ULL << 40);
}

static void forget_map(int slot)
{
	maps[slot] = maps[--nmaps];
}

/* Builds one request; returns what its reply may be besides an error. */
static enum allowed build_request(struct ipc_msg *m, int64_t *grow, int *slot)
{
	int exact = 0;
	m->tag = 0;
	for (int i = 0; i < IPC_WORDS; i++)
		m->w[i] = any_word();
	switch (next() % 12) {
	case 0: m->tag = MM_SPAWN; return req_spawn(m);
	case 1: m->tag = MM_WAIT; return req_wait(m);
	case 2: m->tag = MM_SBRK; return req_sbrk(m, grow);
	case 3: m->tag = MM_MMAP; return req_mmap(m);
	case 4:
		m->tag = MM_MUNMAP;
		region_target(m, &exact, slot);
		return exact ? ALLOW_ZERO : ALLOW_NONE;
	case 5:
		m->tag = MM_MPROTECT;
		region_target(m, &exact, slot);
		m->w[2] = next() % 8;
		return exact ? ALLOW_ZERO : ALLOW_NONE;
	case 6: m->tag = MM_STAT; return ALLOW_ZERO;
	case 7:
		m->tag = MM_PROCINFO;
		m->w[0] = next() % 2 ? next() % 16 : any_word();
		return ALLOW_PID;
	case 8:             /* what only the kernel may send: the kernel refuses it */
		m->tag = next() % 2 ? MM_FAULT : MM_PROC_EXIT;
		m->w[0] = PICK(1, 2, 0x0000100000000000ULL, 0x400000);
		if (next() % 3 == 0)
			m->w[0] = (uint64_t)mypid;
		return ALLOW_NONE;
	default:            /* no such request */
		m->tag = (int64_t)PICK(0, (uint64_t)-1, MSG_NOTIFY, 9, 100, 101, 1000, 0xffff,
				       IPC_TAG_KERNEL + 3, INT64_MAX, (uint64_t)INT64_MIN,
				       0x100000001ULL);
		if (next() % 4 == 0)
			m->tag = (int64_t)next();
		if (m->tag >= MM_SPAWN && m->tag <= MM_PROCINFO)
			m->tag = 0;
		return ALLOW_NONE;
	}
}

/* Keeps the books after a successful request. */
static void note_success(const struct ipc_msg *req, const struct ipc_msg *reply, int64_t grow,
			 int slot)
{
	if (req->tag == MM_SPAWN)
		spawned = 1;
	if (req->tag == MM_SBRK)
		heap_net += grow;
	if (req->tag == MM_MMAP) {
		if (nmaps < MAX_MAPS) {
			maps[nmaps].addr = reply->w[0];
			maps[nmaps].len = req->w[0];
			nmaps++;
		} else {
			mm_munmap((void *)(uintptr_t)reply->w[0], req->w[0]);
		}
	}
	if (req->tag == MM_MUNMAP && slot >= 0)
		forget_map(slot);
}

static void mm_request(void)
{
	struct ipc_msg req, m;
	int64_t grow = 0;
	int slot = -1;
	enum allowed allowed = build_request(&req, &grow, &slot);
	m = req;
	int err = ipc_call(MM_PID, &m);
	if (req.tag < 0 || req.tag >= IPC_TAG_KERNEL) {
		kernel_refused++;       /* a tag no process may send: refused at once */
		if (err != -ERR_INVAL)
			fail("the kernel let tag %lld through (%d)", (long long)req.tag, err);
		return;
	}
	if (err < 0) {
		fail("the call of request tag %lld failed: %d", (long long)req.tag, err);
		return;
	}
	int64_t r = m.tag;
	if (r < 0) {
		if (r <= -ERR__COUNT) {
			fail("request tag %lld: reply %lld is no error code", (long long)req.tag, (long long)r);
			mm_answers[ERR__COUNT]++;
		} else {
			mm_answers[-r]++;
		}
		if (req.tag == MM_STAT)
			fail("MM_STAT failed: %lld", (long long)r);
		return;
	}
	mm_ok++;
	if (allowed == ALLOW_NONE || (allowed == ALLOW_ZERO && r != 0) ||
	    (allowed == ALLOW_PID && r < 1))
		fail("request tag %lld (w0 %#llx) succeeded (%lld) but must fail", (long long)req.tag,
		     (unsigned long long)req.w[0], (long long)r);
	note_success(&req, &m, grow, slot);
}

static void phase_mm(void)
{
	for (int i = 0; i < REQUESTS; i++)
		mm_request();
	/* Clean up what it may: the rest goes when it exits. */
	while (nmaps > 0) {
		mm_munmap((void *)(uintptr_t)maps[0].addr, maps[0].len);
		forget_map(0);
	}
	if (heap_net > 0)
		mm_sbrk(-(intptr_t)heap_net);
	heap_net = 0;
}

/* ---- phase 2: the kernel --------------------------------------------- */

static long long sys_answers[ERR__COUNT + 1], sys_ok;

/* A system call with every register the kernel may read or write named,
 * so that IPC calls that return a message in registers corrupt nothing. */
static int64_t raw_syscall(uint64_t nr, const uint64_t a[10])
{
	register uint64_t r10 __asm__("r10") = a[3];
	register uint64_t r8 __asm__("r8") = a[4];
	register uint64_t r9 __asm__("r9") = a[5];
	register uint64_t r12 __asm__("r12") = a[6];
	register uint64_t r13 __asm__("r13") = a[7];
	register uint64_t r14 __asm__("r14") = a[8];
	register uint64_t r15 __asm__("r15") = a[9];
	uint64_t rax = nr, rdi = a[0], rsi = a[1], rdx = a[2];
	__asm__ volatile("syscall"
			 : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r10), "+r"(r8),
			   "+r"(r9), "+r"(r12), "+r"(r13), "+r"(r14), "+r"(r15)
			 :
			 : "rcx", "r11", "memory");
	return (int64_t)rax;
}

/* A pid it may not send to (never itself: that could only deadlock). */
static uint64_t forbidden_pid(void)
{
	uint64_t pid = PICK(0, 2, 3, 4, 999, (uint64_t)-1, 1ULL << 31, 0x100000002ULL);
	if (next() % 4 == 0)
		pid = next();
	return pid == (uint64_t)mypid || pid == MM_PID ? 999 : pid;
}

/* Fixes the arguments of the calls that would hurt by design. */
static void tame(uint64_t nr, uint64_t a[10])
{
	switch (nr) {
	case SYS_SEND:
	case SYS_CALL:
		if (next() % 2) {
			a[0] = MM_PID;  /* harmless requests only: no spawn, wait, sbrk, maps */
			if ((int64_t)a[1] >= MM_SPAWN && (int64_t)a[1] <= MM_MPROTECT)
				a[1] = PICK(0, MM_STAT, MM_PROCINFO, 9, MM_FAULT, MM_PROC_EXIT,
					    (uint64_t)-1);
		} else {
			a[0] = forbidden_pid();
		}
		break;
	case SYS_NOTIFY:
		if (a[0] == (uint64_t)mypid)
			a[0] = 999;
		break;
	case SYS_THREAD_CREATE:     /* never a user entry point */
		a[0] = next() % 2 ? 0xffffffff80100000ULL + (next() & 0xffff)
				  : 0x0000900000000000ULL + (next() & 0xffff);
		break;
	case SYS_WRITE:             /* keep the console readable */
		a[0] = bad_address();
		break;
	}
}

static int excluded(uint64_t nr)
{
	return nr == SYS_EXIT || nr == SYS_THREAD_EXIT || nr == SYS_RECV ||
	       nr == SYS_REPLY_RECV || nr == SYS_READ;
}

static void phase_kernel(void)
{
	for (int i = 0; i < SYSCALLS; ) {
		uint64_t nr = next() % 64, a[10];
		if (excluded(nr))
			continue;
		for (int k = 0; k < 10; k++)
			a[k] = any_word();
		tame(nr, a);
		int64_t r = raw_syscall(nr, a);
		i++;
		if (r >= 0)
			sys_ok++;
		else if (r > -ERR__COUNT)
			sys_answers[-r]++;
		else
			sys_answers[ERR__COUNT]++;
		if (nr >= SYS_MM_PROC_CREATE && nr <= SYS_MM_IPC_ALLOW && r != -ERR_PERM)
			fail("memory-server call %llu answered %lld, not ERR_PERM", (unsigned long long)nr,
			     (long long)r);
		if (nr >= SYS__COUNT && r != -ERR_NOSYS)
			fail("unknown system call %llu answered %lld, not ERR_NOSYS",
			     (unsigned long long)nr, (long long)r);
		if (nr == SYS_POWEROFF && r != -ERR_PERM)
			fail("SYS_POWEROFF without permission answered %lld", (long long)r);
	}
}

static void print_counts(const char *what, long long ok, const long long *answers)
{
	printf("hostile: %s: %lld succeeded", what, ok);
	for (int e = 1; e < ERR__COUNT; e++)
		if (answers[e])
			printf(", %s %lld", pagoda_strerror(-e), answers[e]);
	if (answers[ERR__COUNT])
		printf(", out of range %lld", answers[ERR__COUNT]);
	printf("\n");
}

int main(int argc, char **argv)
{
	unsigned long long seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
	rng = seed ? seed : 1;
	mypid = (int)sys_getpid();
	memset(zzbuf, ' ', sizeof zzbuf);
	memcpy(zzbuf, "zz", 2);
	for (size_t i = 2; i < sizeof zzbuf - 1; i++)
		zzbuf[i] = "0123456789#- "[next() % 13];
	zzbuf[sizeof zzbuf - 1] = '\0';
	printf("hostile: seed %llu: %d requests to the memory server\n", seed, REQUESTS);

	phase_mm();
	print_counts("memory server", mm_ok, mm_answers);
	printf("hostile: %lld requests with a tag no process may send were refused by the "
	       "kernel (ERR_INVAL)\n", kernel_refused);
	if (mm_free_pages() == 0)
		fail("the memory server no longer answers MM_STAT");

	printf("hostile: %d random system calls\n", SYSCALLS);
	phase_kernel();
	print_counts("kernel", sys_ok, sys_answers);
	if (mm_free_pages() == 0)
		fail("the memory server no longer answers MM_STAT");

	if (failures) {
		printf("hostile: FAIL (%d unexpected answers)\n", failures);
		return 1;
	}
	printf("hostile: PASS\n");
	return 0;
}
