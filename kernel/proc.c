/*
 * proc.c - creating and ending processes and threads.
 *
 * Slots are found by linear scan (NPROC and NTHREAD are small). Process ids
 * count up from 1 and are never reused during a boot, so a stale pid can
 * never name a new process. Thread slot 0 is the idle thread, a kernel
 * thread that runs when nothing else can (sched.c).
 *
 * A new user thread gets a kernel stack holding a trapframe (its user
 * registers) and, below it, a struct context whose return address is
 * trap_return: the first swtch() to it "returns" straight into user mode.
 *
 * Ending a process: every thread is marked dead and the process becomes a
 * zombie holding its exit status. The caller is running on a dead thread's
 * kernel stack, so it switches away and never comes back. Frames are not
 * freed: until the memory server exists, they came from the boot-only
 * allocator, which has no free.
 */
#include "proc.h"
#include "sched.h"
#include "format.h"
#include "arch/x86_64/mmu.h"

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

static void idle_entry(void)
{
	sched_idle_loop();
}

struct proc *proc_create(const char *name, paddr_t root)
{
	for (int i = 0; i < NPROC; i++) {
		struct proc *p = &procs[i];
		if (p->state != PROC_FREE)
			continue;
		*p = (struct proc){ .pid = next_pid++, .state = PROC_ALIVE, .root = root };
		strlcpy_k(p->name, name, sizeof p->name);
		return p;
	}
	return NULL;
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
	if (!t || !va_is_user(entry))
		return NULL;
	uint8_t *top = t->kstack + KSTACK_SIZE;
	struct trapframe *tf = (struct trapframe *)top - 1;
	tf_init_user(tf, entry, stack);
	struct context *c = (struct context *)tf - 1;
	*c = (struct context){ .rip = (uint64_t)trap_return };
	t->tf = tf;
	t->ctx = c;
	t->proc = p;
	fpu_state_init(t->fpu);
	p->nthreads++;
	t->state = THREAD_RUNNABLE;
	return t;
}

int proc_alive_count(void)
{
	int n = 0;
	for (int i = 0; i < NPROC; i++)
		n += procs[i].state == PROC_ALIVE;
	return n;
}

void proc_exit(struct proc *p, int status)
{
	for (int i = 1; i < NTHREAD; i++) {
		if (threads[i].proc == p && threads[i].state != THREAD_FREE) {
			threads[i].state = THREAD_FREE;
			threads[i].proc = NULL;
		}
	}
	p->nthreads = 0;
	p->exit_status = status;
	p->state = PROC_ZOMBIE;
	sched_yield();
	panic("proc_exit: a dead thread of pid %d was scheduled", p->pid);
}

void proc_kill(struct proc *p, const char *fmt, ...)
{
	char why[200];
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	kprintf("kill: pid %d (%s): %s\n", p->pid, p->name, why);
	proc_exit(p, -1);
}
