/*
 * sched.c - preemptive round-robin scheduling on one CPU.
 *
 * The run queue is the thread table itself: sched_yield() scans forward
 * from the current thread for the next RUNNABLE one, wrapping around, so
 * every runnable thread gets a turn in table order. The timer calls
 * sched_tick() TIMER_HZ times a second; when the running user thread has
 * used its quantum (boot option quantum=, in ticks) it is preempted.
 *
 * The kernel is not preemptible: interrupts are off whenever the CPU is in
 * the kernel, except in the idle thread's hlt. So a switch only happens at
 * the points that call sched_yield(). A switch saves the old thread's
 * FPU/SSE state, points TSS.rsp0 and the syscall stack at the new
 * thread's kernel stack, loads its address space and swaps kernel stacks.
 *
 * Every wait in the kernel (IPC, console input) is sched_block - the
 * thread says why it waits and gives up the CPU, to a named thread if
 * that is runnable (IPC hand-off) - ended by sched_wake from whoever has
 * its answer; both are inline in sched.h.
 *
 * The idle thread (slot 0) runs when no thread is runnable, halting the
 * CPU until the next interrupt (arch_idle_wait). (The machine powers off only when asked:
 * SYS_POWEROFF, which init and the shell may call.)
 */
#include "sched.h"

struct thread *sched_current;
uint64_t sched_ticks;
static int quantum = 1;
static int quantum_left;

void sched_init(int quantum_ticks)
{
	quantum = quantum_ticks > 0 ? quantum_ticks : 1;
	sched_current = thread_idle();
}

static struct thread *pick_next(void)
{
	int cur = sched_current->tid;
	for (int i = 1; i <= NTHREAD; i++) {
		int idx = (cur + i) % NTHREAD;
		struct thread *t = thread_at(idx);
		bool running = t == sched_current && t->state == THREAD_RUNNING;
		if (idx != 0 && (t->state == THREAD_RUNNABLE || running))
			return t;
	}
	return thread_idle();
}

/* A new time slice starts unless the switch is an IPC hand-off, where
 * the receiver runs on in the sender's slice (so a chatty pair of
 * processes cannot starve the rest by handing the CPU back and forth). */
static void switch_to(struct thread *next, bool new_slice)
{
	struct thread *prev = sched_current;
	if (prev->state == THREAD_RUNNING)
		prev->state = THREAD_RUNNABLE;
	next->state = THREAD_RUNNING;
	if (new_slice)
		quantum_left = quantum;
	if (next == prev)
		return;
	fpu_save(prev->fpu);
	sched_current = next;
	tss_set_kernel_stack((uint64_t)(next->kstack + KSTACK_SIZE));
	paging_activate(next->proc ? next->proc->root : paging_kernel_root());
	fpu_restore(next->fpu);
	swtch(&prev->ctx, next->ctx);
}

void sched_yield(void)
{
	switch_to(pick_next(), true);
}

/* Run `next` now, in the current time slice: IPC hands the CPU straight
 * to the thread it just made runnable. */
void sched_switch_to(struct thread *next)
{
	if (next && next->state == THREAD_RUNNABLE)
		switch_to(next, quantum_left <= 0);
	else
		sched_yield();
}

void sched_tick(void)
{
	sched_ticks++;
	if (sched_current->proc && --quantum_left <= 0)
		sched_yield();
}

void sched_start(void)
{
	struct context *dummy;
	struct thread *idle = thread_idle();
	idle->state = THREAD_RUNNING;
	sched_current = idle;
	tss_set_kernel_stack((uint64_t)(idle->kstack + KSTACK_SIZE));
	fpu_restore(idle->fpu);
	swtch(&dummy, idle->ctx);
	panic("sched_start: returned");
}

void sched_idle_loop(void)
{
	for (;;) {
		sched_yield();
		arch_idle_wait();
	}
}
