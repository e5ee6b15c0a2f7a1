/*
 * thread.c - starting threads. The new thread runs thread_trampoline on a
 * malloc'd stack; the trampoline calls fn(arg) and then ends the thread.
 * The stack is not freed when the thread ends (the thread is still on it).
 */
#include <stdlib.h>
#include <pagoda/sys.h>

struct start {
	void (*fn)(void *);
	void *arg;
};

static void thread_trampoline(struct start *s)
{
	s->fn(s->arg);
	thread_exit();
}

int thread_start(void (*fn)(void *), void *arg, size_t stack_size)
{
	if (stack_size < 4096)
		stack_size = 4096;
	uint8_t *stack = malloc(stack_size);
	if (!stack)
		return -ERR_NOMEM;
	uintptr_t top = ((uintptr_t)(stack + stack_size) & ~(uintptr_t)15) - sizeof(struct start);
	top &= ~(uintptr_t)15;
	struct start *s = (struct start *)top;
	s->fn = fn;
	s->arg = arg;
	/* The ABI wants rsp + 8 to be 16-byte aligned at function entry. */
	int64_t tid = sys_call6(SYS_THREAD_CREATE, (uint64_t)(uintptr_t)thread_trampoline,
				top - 8, (uint64_t)(uintptr_t)s, 0, 0, 0);
	if (tid < 0)
		free(stack);
	return (int)tid;
}

void thread_exit(void)
{
	sys_call6(SYS_THREAD_EXIT, 0, 0, 0, 0, 0, 0);
	for (;;)
		;
}
