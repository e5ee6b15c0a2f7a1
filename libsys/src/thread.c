/*
 * thread.c - starting and ending threads.
 *
 * Every thread gets its own stack mapping from the memory server,
 * mm_mmap(size rounded up to pages, read-write, MM_MAP_STACK): anonymous
 * pages with an unmapped guard page just below them that no other region
 * may take, so a thread that overflows its stack is killed with "stack
 * overflow into the guard page" instead of writing over whatever lies
 * below (the heap, another thread's stack), as the main stack is.
 * The top of the stack holds a struct thread_stack: what to run (fn,
 * arg), where the mapping is, and a `done` flag. The new thread starts in
 * thread_trampoline on the stack just below it, calls fn(arg), and ends
 * in thread_exit.
 *
 * A thread cannot unmap the stack it runs on, so stacks are freed by
 * others: thread_exit sets `done` and enters SYS_THREAD_EXIT in one piece
 * of assembly that touches no stack in between, and the next thread_start
 * (any thread's) unmaps the stacks whose threads are done. The list of
 * live stacks is guarded by an rlock. So the stacks of threads that have
 * ended stay mapped until the next thread_start or the end of the
 * process; the main thread's stack is the memory server's and is not on
 * the list.
 * Not supported: joining a thread (wait for a flag of your own, as the
 * tests do), a thread's exit status, stacks smaller than a page.
 */
#include <pagoda/sys.h>
#include <pagoda/types.h>

struct thread_stack {
	void (*fn)(void *);
	void *arg;
	void *base;                 /* the mapping: [base, base + len) */
	size_t len;
	volatile int done;          /* set by the thread as it ends */
	struct thread_stack *next;  /* the list of stacks not yet unmapped */
};

static struct rlock stacks_lock = RLOCK_INIT;
static struct thread_stack *stacks;

/* The stack of the calling thread, if thread_start made it; the main
 * thread (whose stack the memory server made) has none. */
static struct thread_stack *own_stack(void)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	for (struct thread_stack *s = stacks; s; s = s->next)
		if (sp >= (uintptr_t)s->base && sp < (uintptr_t)s->base + s->len)
			return s;
	return NULL;
}

/* Unmaps the stacks of threads that have ended. Call with stacks_lock held. */
static void reap_stacks(void)
{
	for (struct thread_stack **link = &stacks; *link;) {
		struct thread_stack *s = *link;
		if (!s->done) {
			link = &s->next;
			continue;
		}
		*link = s->next;
		mm_munmap(s->base, s->len);
	}
}

static __attribute__((noreturn)) void thread_trampoline(struct thread_stack *s)
{
	s->fn(s->arg);
	thread_exit();
}

int thread_start(void (*fn)(void *), void *arg, size_t stack_size)
{
	size_t len = page_round_up(stack_size < PAGE_SIZE ? PAGE_SIZE : stack_size);
	rlock_acquire(&stacks_lock);
	reap_stacks();
	rlock_release(&stacks_lock);
	uint8_t *base = mm_mmap(len, MM_PROT_READ | MM_PROT_WRITE, MM_MAP_STACK, 0);
	if (!base)
		return -ERR_NOMEM;
	uintptr_t top = ((uintptr_t)(base + len) - sizeof(struct thread_stack)) & ~(uintptr_t)15;
	struct thread_stack *s = (struct thread_stack *)top;
	*s = (struct thread_stack){ .fn = fn, .arg = arg, .base = base, .len = len };
	/* On the list before the thread runs: its thread_exit looks for it
	 * there (and waits for stacks_lock until it is). */
	rlock_acquire(&stacks_lock);
	s->next = stacks;
	stacks = s;
	/* The ABI wants rsp + 8 to be 16-byte aligned at function entry. */
	int64_t tid = sys_call6(SYS_THREAD_CREATE, (uint64_t)(uintptr_t)thread_trampoline,
				top - 8, (uint64_t)(uintptr_t)s, 0, 0, 0);
	if (tid < 0) {
		stacks = s->next;   /* no thread runs on it: unmap it now */
		mm_munmap(base, len);
	}
	rlock_release(&stacks_lock);
	return (int)tid;
}

void thread_exit(void)
{
	rlock_acquire(&stacks_lock);
	struct thread_stack *s = own_stack();
	rlock_release(&stacks_lock);
	if (!s) {
		sys_call6(SYS_THREAD_EXIT, 0, 0, 0, 0, 0, 0);
		for (;;)
			;
	}
	/* From the store of done on, another thread may unmap this stack:
	 * the store and the system call touch only registers. */
	__asm__ volatile("movl $1, %0\n\t"
			 "syscall"
			 : "=m"(s->done)
			 : "a"((uint64_t)SYS_THREAD_EXIT)
			 : "rcx", "r11", "memory");
	for (;;)
		;
}
