/*
 * syscall.c - system call dispatch and the system calls themselves.
 *
 * syscall_dispatch() is called from entry.S with the caller's registers.
 * The number in rax indexes a table; anything outside it returns
 * -ERR_NOSYS. Each sys_<name> checks its arguments before acting (see
 * libsys/include/pagoda/syscall.h for the ABI) and returns a value >= 0 or
 * -ERR_x, which goes back in rax.
 */
#include "kernel.h"
#include "sched.h"
#include "vm.h"
#include <pagoda/syscall.h>

typedef int64_t (*syscall_fn)(struct trapframe *tf);

static int64_t sys_null(struct trapframe *tf)
{
	return 0;
}

static int64_t sys_exit(struct trapframe *tf)
{
	struct proc *p = current_proc();
	kprintf("exit: pid %d (%s) status %d\n", p->pid, p->name, (int)tf->rdi);
	proc_exit(p, (int)tf->rdi);
}

static int64_t sys_write(struct trapframe *tf)
{
	vaddr_t buf = tf->rdi;
	size_t len = tf->rsi;
	paddr_t root = current_proc()->root;
	if (len > PAGODA_WRITE_MAX)
		return -ERR_INVAL;
	int err = vm_check_user(root, buf, len, VM_READ);
	if (err)
		return err;
	char chunk[256];
	for (size_t done = 0; done < len; ) {
		size_t n = len - done < sizeof chunk ? len - done : sizeof chunk;
		vm_copy_in(root, chunk, buf + done, n);
		console_write(chunk, n);
		done += n;
	}
	return (int64_t)len;
}

static int64_t sys_getpid(struct trapframe *tf)
{
	return current_proc()->pid;
}

static int64_t sys_yield(struct trapframe *tf)
{
	sched_yield();
	return 0;
}

static int64_t sys_uptime(struct trapframe *tf)
{
	return (int64_t)sched_ticks;
}

static const syscall_fn syscalls[SYS__COUNT] = {
	[SYS_NULL]   = sys_null,
	[SYS_EXIT]   = sys_exit,
	[SYS_WRITE]  = sys_write,
	[SYS_GETPID] = sys_getpid,
	[SYS_YIELD]  = sys_yield,
	[SYS_UPTIME] = sys_uptime,
};

int64_t syscall_dispatch(struct trapframe *tf)
{
	uint64_t nr = tf->rax;
	int64_t ret = nr < SYS__COUNT && syscalls[nr] ? syscalls[nr](tf) : -ERR_NOSYS;
	tf->rax = (uint64_t)ret;
	return ret;
}
