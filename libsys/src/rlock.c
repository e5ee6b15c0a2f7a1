/*
 * rlock.c - a recursive lock for the threads of one process.
 *
 * Pagoda runs a process's threads on one CPU, preemptively, round-robin.
 * A lock is one word, the owner's thread id (SYS_GETTID) or RLOCK_FREE,
 * and a recursion depth that only the owner touches. To acquire, a thread
 * that already owns the lock adds one to the depth; any other swaps its
 * id in with one atomic compare-and-exchange (lock cmpxchg) from
 * RLOCK_FREE, and while that fails gives the CPU to the owner with
 * SYS_YIELD instead of spinning out its time slice: on one CPU the owner
 * cannot release the lock while the waiter runs. The last release
 * stores RLOCK_FREE with release ordering, so everything written under
 * the lock is seen by the next owner.
 *
 * Invariants: owner == RLOCK_FREE exactly when depth == 0; only the owner
 * changes depth. A thread that ends while it holds a lock leaves it held
 * (nobody can take it again); releasing a lock one does not hold is a bug
 * of the caller and ends the process with status 127 and a message.
 * Not supported: fairness (a waiter may lose the race again when it runs),
 * sleeping in the kernel (there is no futex), locks shared between
 * processes. Its user is newlib's heap (__malloc_lock, newlib_glue.c) and
 * the list of thread stacks (thread.c).
 */
#include <pagoda/sys.h>

static int my_tid(void)
{
	return (int)sys_gettid();
}

void rlock_acquire(struct rlock *l)
{
	int me = my_tid();
	if (__atomic_load_n(&l->owner, __ATOMIC_RELAXED) == me) {
		l->depth++;
		return;
	}
	for (;;) {
		int expected = RLOCK_FREE;
		if (__atomic_compare_exchange_n(&l->owner, &expected, me, 0,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			break;
		sys_yield();
	}
	l->depth = 1;
}

void rlock_release(struct rlock *l)
{
	if (l->depth <= 0 || __atomic_load_n(&l->owner, __ATOMIC_RELAXED) != my_tid()) {
		static const char msg[] = "libsys: rlock_release of a lock this thread does not hold\n";
		sys_write(msg, sizeof msg - 1);
		sys_exit(127);
	}
	if (--l->depth == 0)
		__atomic_store_n(&l->owner, RLOCK_FREE, __ATOMIC_RELEASE);
}
