/*
 * proc.h - the process and thread tables.
 *
 * A process is an address space (its top-level page table, `root`) plus a
 * name and an exit status; a thread is a schedulable register context with
 * its own kernel stack and FPU/SSE state, belonging to one process. Both
 * tables are fixed-size arrays in the kernel image: the kernel allocates
 * nothing at run time.
 */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include "kernel.h"
#include "arch/x86_64/arch.h"

#define NPROC         64
#define NTHREAD       128
#define KSTACK_SIZE   16384
#define PROC_NAME_MAX 32

enum proc_state { PROC_FREE, PROC_ALIVE, PROC_ZOMBIE };
enum thread_state { THREAD_FREE, THREAD_RUNNABLE, THREAD_RUNNING, THREAD_BLOCKED, THREAD_DEAD };

struct proc {
	int pid;
	enum proc_state state;
	char name[PROC_NAME_MAX];
	paddr_t root;               /* top-level page table (CR3) */
	int nthreads;               /* threads not yet dead */
	int exit_status;
};

/* Callee-saved registers on a sleeping thread's kernel stack (swtch). */
struct context {
	uint64_t r15, r14, r13, r12, rbx, rbp, rip;
};

struct thread {
	uint8_t fpu[FPU_STATE_SIZE] __attribute__((aligned(16)));
	int tid;
	enum thread_state state;
	struct proc *proc;          /* NULL for the idle thread */
	struct context *ctx;        /* saved by swtch while not running */
	struct trapframe *tf;       /* user registers, at the top of kstack */
	uint8_t *kstack;            /* KSTACK_SIZE bytes */
};

void proc_init(void);
struct proc *proc_create(const char *name, paddr_t root);
struct thread *thread_create(struct proc *p, vaddr_t entry, vaddr_t stack);
struct thread *thread_idle(void);
struct thread *thread_at(int index);
int proc_alive_count(void);
__attribute__((noreturn)) void proc_exit(struct proc *p, int status);
__attribute__((noreturn)) void proc_kill(struct proc *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
