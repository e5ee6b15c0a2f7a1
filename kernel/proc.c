/*
 * proc.c - creating and ending processes and threads.
 *
 * Slots are found by linear scan (NPROC and NTHREAD are small). Process ids
 * count up from 1 and are never reused during a boot, so a stale pid can
 * never name a new process; the memory server is always pid 1. Thread
 * slot 0 is the idle thread, a kernel thread that runs when nothing else
 * can (sched.c).
 *
 * A new user thread gets a kernel stack holding a trapframe (its user
 * registers) and, below it, a struct context whose return address is
 * trap_return: the first swtch() to it "returns" straight into user mode.
 *
 * Ending a process (proc_die): its IPC ties are cut (ipc_proc_gone), every
 * thread slot is freed, its devices are stopped and released
 * (device_proc_gone), and only then it becomes a zombie whose exit the
 * memory server is told about (ipc_report_exit, with the count of devices
 * that could not be shown stopped). Its frames are the memory
 * server's business. If the dying process is the caller's own, the caller
 * is on a dead thread's kernel stack: it switches away for good.
 */
#include "proc.h"
#include "sched.h"
#include "ipc.h"
#include "tty.h"
#include "device.h"
#include "format.h"
#include "arch/x86_64/mmu.h"
#include <pagoda/mm.h>

static struct proc procs[NPROC];
static struct thread threads[NTHREAD];
static uint8_t kstacks[NTHREAD][KSTACK_SIZE] __attribute__((aligned(16)));
static int next_pid = 1;

static void idle_entry(void);

void proc_init(void)
{
	for (int i = 0; i < NTHREAD; i++) {
		threads[i].tid = i;
		threads[i].kstack = kstacks[i];
	}
	struct thread *idle = &threads[0];
	idle->state = THREAD_RUNNABLE;
	struct context *c = (struct context *)(idle->kstack + KSTACK_SIZE) - 1;
	*c = (struct context){ .rip = (uint64_t)idle_entry };
	idle->ctx = c;
	fpu_state_init(idle->fpu);
}

struct thread *thread_idle(void) { return &threads[0]; }

struct thread *thread_at(int index)
{
	return index >= 0 && index < NTHREAD ? &threads[index] : NULL;
}

struct proc *proc_at(int index)
{
	return index >= 0 && index < NPROC ? &procs[index] : NULL;
}

static void idle_entry(void)
{
	sched_idle_loop();
}

/* A process lives in slot pid % NPROC when that slot is free at its
 * creation (almost always), so looking it up is usually one probe. */
struct proc *proc_create(const char *name, paddr_t root, unsigned flags)
{
	int pid = next_pid;
	for (int k = 0; k < NPROC; k++) {
		struct proc *p = &procs[(pid + k) % NPROC];
		if (p->state != PROC_FREE)
			continue;
		*p = (struct proc){ .pid = next_pid++, .state = PROC_ALIVE, .root = root,
				    .flags = flags };
		strlcpy_k(p->name, name, sizeof p->name);
		return p;
	}
	return NULL;
}

/* A live (or zombie) process by pid; NULL for free slots and pid <= 0. */
struct proc *proc_by_pid(int pid)
{
	if (pid <= 0)
		return NULL;
	struct proc *home = &procs[pid % NPROC];
	if (home->state != PROC_FREE && home->pid == pid)
		return home;
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state != PROC_FREE && procs[i].pid == pid)
			return &procs[i];
	return NULL;
}

struct proc *proc_mm(void)
{
	struct proc *p = proc_by_pid(MM_PID);
	return p && (p->flags & PROC_FLAG_MM) ? p : NULL;
}

/* Everyone may send to the memory server; the memory server to anyone;
 * others to the pids in their table. */
bool proc_may_send(const struct proc *from, int dst_pid)
{
	if (dst_pid == MM_PID || (from->flags & PROC_FLAG_MM))
		return true;
	for (int i = 0; i < from->nallow; i++)
		if (from->allow[i] == dst_pid)
			return true;
	return false;
}

/* The live process that holds `flag` (PROC_FLAG_DEVMGR), or NULL. */
struct proc *proc_with_flag(unsigned flag)
{
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state == PROC_ALIVE && (procs[i].flags & flag))
			return &procs[i];
	return NULL;
}

int proc_allow(struct proc *p, int target_pid)
{
	if (proc_may_send(p, target_pid))
		return 0;
	if (p->nallow == PROC_ALLOW_MAX)
		return -ERR_NOSPC;
	p->allow[p->nallow++] = target_pid;
	return 0;
}

static struct thread *thread_slot(void)
{
	for (int i = 1; i < NTHREAD; i++)
		if (threads[i].state == THREAD_FREE)
			return &threads[i];
	return NULL;
}

/* Build the first kernel-stack contents of a new user thread. */
struct thread *thread_create(struct proc *p, vaddr_t entry, vaddr_t stack)
{
	struct thread *t = thread_slot();
	if (!t || !va_is_user(entry) || !va_is_user(stack) || p->state != PROC_ALIVE)
		return NULL;
	uint8_t *top = t->kstack + KSTACK_SIZE;
	struct trapframe *tf = (struct trapframe *)top - 1;
	tf_init_user(tf, entry, stack);
	struct context *c = (struct context *)tf - 1;
	*c = (struct context){ .rip = (uint64_t)trap_return };
	t->tf = tf;
	t->ctx = c;
	t->proc = p;
	t->gen++;
	t->ipc = IPC_NONE;
	t->next_sender = NULL;
	fpu_state_init(t->fpu);
	p->nthreads++;
	t->state = THREAD_RUNNABLE;
	return t;
}

/* Thread t is about to disappear: whatever it waited in forgets it. */
static void thread_gone(struct thread *t)
{
	ipc_thread_gone(t);
	tty_forget(t);
}

/* End one thread (not the last of its process: see proc_die). */
void thread_end(struct thread *t)
{
	thread_gone(t);
	t->proc->nthreads--;
	t->proc = NULL;
	t->state = THREAD_FREE;
	if (t == sched_current)
		sched_yield();
}

void proc_die(struct proc *p, int status)
{
	if (p->flags & PROC_FLAG_MM)
		panic("the memory server ended (status %d); the system cannot go on", status);
	if (p->state != PROC_ALIVE)
		return;
	bool self = sched_current->proc == p;
	for (int i = 1; i < NTHREAD; i++) {
		struct thread *t = &threads[i];
		if (t->proc == p && t->state != THREAD_FREE) {
			thread_gone(t);
			t->state = THREAD_FREE;
			t->proc = NULL;
		}
	}
	p->nthreads = 0;
	p->exit_status = status;
	p->dev_unstopped = device_proc_gone(p);     /* before mm hears of the exit */
	p->state = PROC_ZOMBIE;
	ipc_proc_gone(p);
	ipc_report_exit(p);
	if (self) {
		sched_yield();
		panic("proc_die: a dead thread of pid %d was scheduled", p->pid);
	}
}

void proc_kill(struct proc *p, const char *fmt, ...)
{
	char why[200];
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	kprintf("kill: pid %d (%s): %s\n", p->pid, p->name, why);
	proc_die(p, -1);
}
