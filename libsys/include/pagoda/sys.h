/*
 * pagoda/sys.h - the user-side API of libsys: system call stubs, IPC, and
 * the memory server's client calls. Each returns what the kernel or the
 * server answered: >= 0, or -ERR_x (pagoda/error.h). The C library's
 * functions (printf, malloc, exit...) are built on these by
 * libsys/src/newlib_glue.c.
 */
#ifndef PAGODA_SYS_H
#define PAGODA_SYS_H

#include <stdint.h>
#include <stddef.h>
#include <pagoda/syscall.h>
#include <pagoda/error.h>
#include <pagoda/ipc.h>
#include <pagoda/mm.h>

/* ---- raw system calls (syscall.c) ---- */
int64_t sys_call6(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3,
		  uint64_t a4, uint64_t a5, uint64_t a6);
int64_t sys_call7(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3,
		  uint64_t a4, uint64_t a5, uint64_t a6, uint64_t a7);

static inline int64_t sys_null(void) { return sys_call6(SYS_NULL, 0, 0, 0, 0, 0, 0); }
static inline int64_t sys_write(const void *buf, size_t len)
{
	return sys_call6(SYS_WRITE, (uint64_t)(uintptr_t)buf, len, 0, 0, 0, 0);
}
static inline int64_t sys_read(void *buf, size_t len)
{
	return sys_call6(SYS_READ, (uint64_t)(uintptr_t)buf, len, 0, 0, 0, 0);
}
static inline int64_t sys_getpid(void) { return sys_call6(SYS_GETPID, 0, 0, 0, 0, 0, 0); }
static inline int64_t sys_gettid(void) { return sys_call6(SYS_GETTID, 0, 0, 0, 0, 0, 0); }
static inline int64_t sys_yield(void) { return sys_call6(SYS_YIELD, 0, 0, 0, 0, 0, 0); }
static inline int64_t sys_uptime(void) { return sys_call6(SYS_UPTIME, 0, 0, 0, 0, 0, 0); }
static inline int64_t sys_poweroff(int code) { return sys_call6(SYS_POWEROFF, (uint64_t)code, 0, 0, 0, 0, 0); }
__attribute__((noreturn)) void sys_exit(int status);

/* ---- threads (thread.c) ---- */
/* Start fn(arg) on a new thread with a stack of stack_size bytes (rounded
 * up to pages) mapped from the memory server (MM_MAP_STACK: an overflow
 * is killed at the guard page below it). Returns the thread id or
 * -ERR_x. Returning from fn, or thread_exit, ends the thread; its stack
 * is unmapped by the next thread_start. */
int thread_start(void (*fn)(void *), void *arg, size_t stack_size);
__attribute__((noreturn)) void thread_exit(void);

/* ---- recursive locks between the threads of a process (rlock.c) ---- */
/* owner: the holder's thread id, or RLOCK_FREE; depth: how many times the
 * holder has acquired it. Initialise with RLOCK_INIT. */
struct rlock {
	int owner;
	int depth;
};
#define RLOCK_FREE (-1)
#define RLOCK_INIT { RLOCK_FREE, 0 }

/* Blocks (yielding) until the calling thread holds l; a holder may acquire
 * it again. Each acquire needs one release. */
void rlock_acquire(struct rlock *l);
void rlock_release(struct rlock *l);

/* ---- IPC (ipc.c); see pagoda/ipc.h ---- */
struct ipc_from {
	int pid;                /* sender's process id (0: kernel/notification) */
	uint64_t handle;        /* reply handle for ipc_reply */
};

int ipc_send(int dst, const struct ipc_msg *m);
int ipc_recv(int src, struct ipc_msg *m, struct ipc_from *from);
int ipc_call(int dst, struct ipc_msg *m);      /* m is replaced by the reply */
int ipc_reply(uint64_t handle, const struct ipc_msg *m);
int ipc_reply_recv(uint64_t handle, struct ipc_msg *m, int src, struct ipc_from *from);
int ipc_notify(int dst, uint64_t bits);

/* A server's receive/dispatch loop: handlers[tag] handles a request and
 * fills the reply; it returns 1 to send the reply, 0 to answer later (it
 * keeps from->handle). Kernel messages (tags from IPC_TAG_KERNEL up) go
 * to `kernel` (may be NULL). Other tags outside the table, or without a
 * handler, get -ERR_NOSYS. A request that arrives without a reply handle
 * (from->handle == IPC_NO_REPLY: it was SENT, not CALLed) is dropped
 * unexecuted, since its answer could not be delivered: requests must be
 * CALLed. Messages from pid 0 are never answered. Never returns. */
typedef int (*ipc_handler)(const struct ipc_msg *req, const struct ipc_from *from,
			   struct ipc_msg *reply);
__attribute__((noreturn))
void ipc_serve(const ipc_handler *handlers, size_t nhandlers, ipc_handler kernel);

/* ---- the memory server's clients (mmclient.c); see pagoda/mm.h ---- */
struct mm_stat {
	uint64_t free_pages[3];     /* DMA, DMA32, NORMAL */
	uint64_t managed_pages;
	uint64_t nprocs;
	uint64_t swap_used;         /* swap slots in use, the caller's own not counted */
	uint64_t swap_mine;         /* the caller's own pages on swap */
};

struct mm_procinfo {
	int pid;
	uint64_t resident;
	uint64_t faults;
	uint64_t pagetables;
	char name[33];
};

struct mm_procpaging {
	int pid;
	uint64_t major_faults;
	uint64_t minor_faults;
	uint64_t swapped;           /* pages in swap now */
	uint64_t budget;            /* frame budget; 0: none */
	uint64_t budget_pages;      /* frames in it now */
};

int mm_spawn(const char *cmdline, unsigned flags);
int mm_spawn_budget(const char *cmdline, unsigned flags, uint64_t frames);
int mm_wait(int pid, int *status);
void *mm_sbrk(intptr_t incr);               /* (void *)-1 on failure */
void *mm_mmap(size_t len, unsigned prot, unsigned flags, uint64_t key);  /* NULL on failure */
int mm_munmap(void *addr, size_t len);
int mm_mprotect(void *addr, size_t len, unsigned prot);
int mm_stat(struct mm_stat *out);
int mm_procinfo(int index, struct mm_procinfo *out);
int mm_procpaging(int index, struct mm_procpaging *out);
void *mm_mmap_budget(size_t len, unsigned prot, uint64_t frames);  /* NULL on failure */
int mm_vmstat_get(unsigned pool, struct mm_vmstat_info *out);
int mm_events(unsigned cmd, struct mm_event_rec *buf, unsigned max, uint64_t *lost);
int mm_policy(const char *name);
/* MM_POLICY with parameters ("wsclock:tau=50", "wsclock tau=50"): 0, or
 * -ERR_x with the reason in why[whylen] (why may be NULL; whylen at most
 * MM_POLICY_WHY_MAX); *frames (if not NULL) = frames handed over. */
int mm_policy_set(const char *text, char *why, size_t whylen, uint64_t *frames);
/* MM_POLICY_INFO for policy index: 0, or -ERR_x; *count and *active (if
 * not NULL) = how many policies there are, the active one's index. */
int mm_policy_info(unsigned index, struct mm_policy_info *out, unsigned *count, unsigned *active);
/* MM_MODULE_READ: up to len (<= MM_MODULE_READ_MAX) bytes of the boot
 * module called name from offset into buf: bytes read (0 at the end),
 * or -ERR_x; *size (if not NULL) = the module's size. */
int64_t mm_module_read(const char *name, uint64_t offset, void *buf, size_t len, uint64_t *size);
uint64_t mm_free_pages(void);               /* sum over zones; 0 on error */
/* MM_IOMMU_STAT: device record index into *out (0, -ERR_NOENT past the
 * end, -ERR_x); totals[0..4] (if not NULL) = records, DMA faults, of
 * which only counted, hardware overflows, translation on (0/1). */
struct mm_iommu_dev_info;
int mm_iommu_stat(unsigned index, struct mm_iommu_dev_info *out, uint64_t totals[5]);
/* MM_BUDDYINFO: the free lists per zone and order into *out; 0 or -ERR_x. */
int mm_buddyinfo(struct mm_buddyinfo *out);
/* MM_SLABINFO: cache index into *out: 0, -ERR_NOENT past the last, or
 * -ERR_x; *count (if not NULL) = how many caches there are. */
int mm_slabinfo(unsigned index, struct mm_slabinfo *out, unsigned *count);
/* MM_MODULE_INFO: boot module index into *out: 0, -ERR_NOENT past the
 * last, or -ERR_x; *count (if not NULL) = how many modules there are. */
int mm_module_info(unsigned index, struct mm_module_info *out, unsigned *count);

/* ---- devices (dev.c); see pagoda/dev.h and docs/drivers.md ---- */
struct dev_info;
/* Configuration space of a device the caller owns (the enumerator: any
 * bus-0 function, reads only). The read returns the value (>= 0). */
int64_t dev_config_read(uint16_t bdf, unsigned off, unsigned width);
int dev_config_write(uint16_t bdf, unsigned off, unsigned width, uint32_t value);
int dev_info(uint16_t bdf, struct dev_info *out);
/* MSI -> notification bits; returns the CPU vector. */
int dev_irq_bind(uint16_t bdf, uint64_t bits);
int dev_irq_unbind(uint16_t bdf);
int dev_assign(uint16_t bdf, int pid);         /* the enumerator only */
/* A driver just started: wait (a bounded number of yields) until the
 * enumerator has made it bdf's owner. 0, or -ERR_PERM (it never did). */
int dev_wait_owned(uint16_t bdf);
/* MM_DEV_MMIO: BAR `bar` of the caller's device bdf mapped at *va, *len
 * bytes. 0 or -ERR_x. */
int mm_dev_mmio(uint16_t bdf, unsigned bar, volatile void **va, uint64_t *len);
/* MM_DEV_OPEN: the pid of the driver of the index-th device with these
 * ids (the caller may send to it from now on); *bdf its bdf. */
int mm_dev_open(uint16_t vendor, uint16_t device, unsigned index, uint16_t *bdf);
int mm_dev_ready(void);                     /* the enumerator only */
/* "bb:dd.f" (hexadecimal, as lspci writes it) -> bdf: 0, or -ERR_INVAL. */
int dev_bdf_parse(const char *s, uint16_t *bdf);

#endif
