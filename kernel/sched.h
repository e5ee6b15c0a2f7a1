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

#endif
