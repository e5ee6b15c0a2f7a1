/*
 * proc.h - the process and thread tables.
 *
 * A process is an address space (its top-level page table, `root`), a
 * name, an IPC permission table and an exit status; a thread is a
 * schedulable register context with its own kernel stack and FPU/SSE
 * state, belonging to one process. Both tables are fixed-size arrays in
 * the kernel image: the kernel allocates nothing at run time.
 *
 * Life of a process: ALIVE (created by the memory server, or by the kernel
 * for the memory server itself) -> ZOMBIE (all threads gone; its devices
 * stopped and released; its exit is reported to the memory server once)
 * -> FREE (the memory server destroys
 * it with SYS_MM_PROC_DESTROY and then frees its frames).
 */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include "kernel.h"
#include "arch/x86_64/arch.h"
#include "arch/x86_64/context.h"   /* struct context, swtch's frame */
#include <pagoda/ipc.h>
#include <pagoda/syscall.h>

#define NPROC          64
#define NTHREAD        128
#define KSTACK_SIZE    16384
#define PROC_NAME_MAX  32
#define PROC_ALLOW_MAX 8
/* Pids count up from 1 (proc.c) and are ints: a system call's 64-bit pid
 * argument above PID_MAX names no process. */
#define PID_MAX        INT32_MAX

enum proc_state { PROC_FREE, PROC_ALIVE, PROC_ZOMBIE };
enum thread_state { THREAD_FREE, THREAD_RUNNABLE, THREAD_RUNNING, THREAD_BLOCKED };

/* What a blocked thread waits for (ipc.c, tty.c; sched_block). */
enum ipc_wait {
	IPC_NONE,
	IPC_SENDING,     /* queued on peer's send queue; msg holds the message */
	IPC_RECEIVING,   /* in RECV; peer = IPC_ANY or the pid it accepts */
	IPC_CALLING,     /* message taken by peer; waiting for its REPLY */
	IPC_TTY,         /* in SYS_READ, waiting for console input (tty.c) */
};

#define PROC_FLAG_MM 0x100      /* the memory server (kernel-internal flag) */

struct thread;

struct proc {
	int pid;
	enum proc_state state;
	char name[PROC_NAME_MAX];
	paddr_t root;               /* top-level page table (CR3) */
	int nthreads;               /* threads not yet ended */
	int exit_status;
	unsigned flags;             /* PROC_FLAG_* */
	bool exit_reported;         /* the memory server has been told */
	unsigned dev_unstopped;     /* its devices not shown stopped at exit (device.c) */
	uint64_t notify_bits;       /* pending notifications */
	struct thread *sendq_head;  /* threads waiting to send to us, FIFO */
	struct thread *sendq_tail;
	struct thread *receivers;   /* threads blocked in RECV */
	int allow[PROC_ALLOW_MAX];  /* pids we may send to (besides the mm) */
	int nallow;
};

struct thread {
	uint8_t fpu[FPU_STATE_SIZE] __attribute__((aligned(16)));
	int tid;
	uint32_t gen;               /* bumped at every reuse of the slot */
	enum thread_state state;
	struct proc *proc;          /* NULL for the idle thread */
	struct context *ctx;        /* saved by swtch while not running */
	struct trapframe *tf;       /* user registers, at the top of kstack */
	uint8_t *kstack;            /* KSTACK_SIZE bytes */
	/* IPC state (ipc.c) */
	enum ipc_wait ipc;
	int peer;                   /* pid: send target, receive filter, or callee */
	bool call;                  /* the queued send is a CALL */
	bool fault;                 /* the CALL is a page fault forwarded by the kernel */
	struct ipc_msg msg;         /* message held while queued */
	struct thread *next_sender; /* send-queue link */
	struct thread *next_receiver; /* receivers-list link */
	int64_t wake_result;        /* what the blocked system call returns */
};

/* A reply handle names one thread incarnation: (generation << 8) | slot.
 * A stale handle (its thread ended and the slot was reused) matches
 * nothing. No handle is IPC_NO_REPLY (0): slot 0 is the idle thread,
 * which never calls, so every user thread's handle has a non-zero slot. */
#define HANDLE_SLOT_BITS 8
#define HANDLE_SLOT_MASK ((1u << HANDLE_SLOT_BITS) - 1)
_Static_assert(NTHREAD <= 1 << HANDLE_SLOT_BITS, "a thread slot fits the handle's slot bits");
_Static_assert(IPC_NO_REPLY == 0, "slot 0 (idle) keeps IPC_NO_REPLY free");

static inline uint64_t thread_handle(const struct thread *t)
{
	return ((uint64_t)t->gen << HANDLE_SLOT_BITS) | (uint64_t)t->tid;
}

/* The thread slot a reply handle names (check the generation too). */
static inline int handle_slot(uint64_t handle)
{
	return (int)(handle & HANDLE_SLOT_MASK);
}

void proc_init(void);
struct proc *proc_create(const char *name, paddr_t root, unsigned flags);
struct proc *proc_by_pid(int pid);
struct proc *proc_mm(void);
struct thread *thread_create(struct proc *p, vaddr_t entry, vaddr_t stack);
struct thread *thread_idle(void);
struct thread *thread_at(int index);
struct proc *proc_at(int index);
bool proc_may_send(const struct proc *from, int dst_pid);
struct proc *proc_with_flag(unsigned flag);
int proc_allow(struct proc *p, int target_pid);
void proc_die(struct proc *p, int status);
void thread_end(struct thread *t);
void proc_kill(struct proc *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
