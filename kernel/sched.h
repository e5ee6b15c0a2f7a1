/*
 * sched.h - preemptive round-robin scheduling on one CPU.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include "proc.h"

extern struct thread *sched_current;
extern uint64_t sched_ticks;

void sched_init(int quantum_ticks);
__attribute__((noreturn)) void sched_start(void);
void sched_yield(void);
void sched_switch_to(struct thread *next);
void sched_tick(void);
__attribute__((noreturn)) void sched_idle_loop(void);

static inline struct proc *current_proc(void) { return sched_current->proc; }

/* The one way a thread waits in the kernel (IPC, console input): the
 * running thread t blocks, saying why and on whom, and the CPU goes to
 * `next` if that is runnable (an IPC hand-off), else to the scheduler's
 * choice. It returns the result its waker passed to sched_wake. */
static inline int64_t sched_block(struct thread *t, enum ipc_wait why, int peer,
				  struct thread *next)
{
	t->ipc = why;
	t->peer = peer;
	t->state = THREAD_BLOCKED;
	sched_switch_to(next);
	return t->wake_result;
}

/* Make blocked thread t runnable; its sched_block returns result. */
static inline void sched_wake(struct thread *t, int64_t result)
{
	t->ipc = IPC_NONE;
	t->wake_result = result;
	t->state = THREAD_RUNNABLE;
}

#endif
