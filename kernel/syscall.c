/*
 * syscall.c - system call dispatch and the general system calls.
 *
 * syscall_dispatch() is called from entry.S with the caller's registers,
 * which this file reads only through arch/x86_64/syscall_regs.h (sc_nr,
 * sc_arg, sc_msg_in...). The number indexes a table; anything outside it
 * returns -ERR_NOSYS. Each sys_<name> checks its arguments before acting (see
 * libsys/include/pagoda/syscall.h for the ABI) and returns a value >= 0 or
 * -ERR_x, which goes back in rax. The memory server's calls (SYS_MM_FIRST
 * .. SYS_MM_LAST, refused to everyone else here) are in mmcall.c (its
 * IOMMU calls in iommucall.c); the driver calls in devcall.c; IPC
 * mechanics in ipc.c; console input in tty.c.
 */
#include "kernel.h"
#include "sched.h"
#include "vm.h"
#include "ipc.h"
#include "syscall.h"
#include "tty.h"
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/syscall_regs.h"
#include <pagoda/syscall.h>

static int64_t sys_null(struct trapframe *tf)
{
	return 0;
}

static int64_t sys_exit(struct trapframe *tf)
{
	struct proc *p = current_proc();
	int status = (int)sc_arg(tf, 0);
	kprintf("exit: pid %d (%s) status %d\n", p->pid, p->name, status);
	proc_die(p, status);
	return 0;       /* not reached for ordinary processes */
}

static int64_t sys_write(struct trapframe *tf)
{
	vaddr_t buf = sc_arg(tf, 0);
	size_t len = sc_arg(tf, 1);
	paddr_t root = current_proc()->root;
	if (len > PAGODA_WRITE_MAX)
		return -ERR_INVAL;
	int err = vm_user_ready(sched_current, buf, len, VM_READ);
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

static int64_t sys_read(struct trapframe *tf)
{
	return tty_read(sched_current, sc_arg(tf, 0), sc_arg(tf, 1));
}

static int64_t sys_getpid(struct trapframe *tf)
{
	return current_proc()->pid;
}

static int64_t sys_gettid(struct trapframe *tf)
{
	return sched_current->tid;
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

static int64_t sys_poweroff(struct trapframe *tf)
{
	struct proc *p = current_proc();
	if (!(p->flags & (PROC_FLAG_POWER | PROC_FLAG_MM)))
		return -ERR_PERM;
	int code = (int)sc_arg(tf, 0);
	kprintf("pagoda: power off requested by pid %d (%s), code %d\n", p->pid, p->name, code);
	arch_poweroff(code == 0 ? POWER_OK : POWER_FAIL);
}

/* ---- IPC: the message is in the registers (pagoda/ipc.h) ---- */

static int64_t sys_send(struct trapframe *tf)
{
	struct ipc_msg m;
	sc_msg_in(tf, &m);
	return ipc_send(sched_current, (int)sc_arg(tf, 0), &m, false, false);
}

static int64_t sys_call(struct trapframe *tf)
{
	struct ipc_msg m;
	sc_msg_in(tf, &m);
	return ipc_send(sched_current, (int)sc_arg(tf, 0), &m, true, false);
}

static int64_t sys_recv(struct trapframe *tf)
{
	return ipc_recv(sched_current, (int)sc_arg(tf, 0));
}

static int64_t sys_reply(struct trapframe *tf)
{
	struct ipc_msg m;
	sc_msg_in(tf, &m);
	return ipc_reply(sched_current, sc_arg(tf, 0), &m);
}

/* The reply's own failure (the caller may have died meanwhile) is not the
 * server's problem: the result is the receive's. */
static int64_t sys_reply_recv(struct trapframe *tf)
{
	struct ipc_msg m;
	sc_msg_in(tf, &m);
	ipc_reply(sched_current, sc_arg(tf, 0), &m);
	return ipc_recv(sched_current, (int)sc_reply_recv_src(tf));
}

static int64_t sys_notify(struct trapframe *tf)
{
	return ipc_notify(current_proc(), (int)sc_arg(tf, 0), sc_arg(tf, 1));
}

/* ---- threads ---- */

static int64_t sys_thread_create(struct trapframe *tf)
{
	vaddr_t entry = sc_arg(tf, 0), stack = sc_arg(tf, 1);
	if (!va_is_user(entry) || !va_is_user(stack))
		return -ERR_INVAL;
	struct thread *t = thread_create(current_proc(), entry, stack);
	if (!t)
		return -ERR_NOSPC;
	sc_set_thread_arg(t->tf, sc_arg(tf, 2));
	return t->tid;
}

static int64_t sys_thread_exit(struct trapframe *tf)
{
	struct proc *p = current_proc();
	if (p->nthreads <= 1)
		proc_die(p, 0);
	else
		thread_end(sched_current);
	return 0;
}

static const syscall_fn syscalls[SYS__COUNT] = {
	[SYS_NULL]          = sys_null,
	[SYS_EXIT]          = sys_exit,
	[SYS_WRITE]         = sys_write,
	[SYS_GETPID]        = sys_getpid,
	[SYS_YIELD]         = sys_yield,
	[SYS_UPTIME]        = sys_uptime,
	[SYS_READ]          = sys_read,
	[SYS_POWEROFF]      = sys_poweroff,
	[SYS_SEND]          = sys_send,
	[SYS_RECV]          = sys_recv,
	[SYS_CALL]          = sys_call,
	[SYS_REPLY]         = sys_reply,
	[SYS_NOTIFY]        = sys_notify,
	[SYS_REPLY_RECV]    = sys_reply_recv,
	[SYS_THREAD_CREATE] = sys_thread_create,
	[SYS_THREAD_EXIT]   = sys_thread_exit,
	[SYS_GETTID]        = sys_gettid,
	[SYS_MM_PROC_CREATE]  = sys_mm_proc_create,
	[SYS_MM_THREAD_START] = sys_mm_thread_start,
	[SYS_MM_MAP]          = sys_mm_map,
	[SYS_MM_UNMAP]        = sys_mm_unmap,
	[SYS_MM_PROTECT]      = sys_mm_protect,
	[SYS_MM_ACCESSED]     = sys_mm_accessed,
	[SYS_MM_LOOKUP]       = sys_mm_lookup,
	[SYS_MM_PRUNE]        = sys_mm_prune,
	[SYS_MM_MAP_RUN]      = sys_mm_map_run,
	[SYS_MM_COPY]         = sys_mm_copy,
	[SYS_MM_KILL]         = sys_mm_kill,
	[SYS_MM_PROC_DESTROY] = sys_mm_proc_destroy,
	[SYS_MM_IPC_ALLOW]    = sys_mm_ipc_allow,
	[SYS_MM_DEVICE]       = sys_mm_device,
	[SYS_MM_MAP_MMIO]     = sys_mm_map_mmio,
	[SYS_MM_IOMMU_INFO]   = sys_mm_iommu_info,
	[SYS_MM_IOMMU_ENABLE] = sys_mm_iommu_enable,
	[SYS_MM_IOMMU_DOMAIN] = sys_mm_iommu_domain,
	[SYS_MM_IOMMU_MAP]    = sys_mm_iommu_map,
	[SYS_MM_IOMMU_UNMAP]  = sys_mm_iommu_unmap,
	[SYS_DEV_CONFIG_READ]  = sys_dev_config_read,
	[SYS_DEV_CONFIG_WRITE] = sys_dev_config_write,
	[SYS_DEV_INFO]         = sys_dev_info,
	[SYS_DEV_IRQ_BIND]     = sys_dev_irq_bind,
	[SYS_DEV_IRQ_UNBIND]   = sys_dev_irq_unbind,
	[SYS_DEV_ASSIGN]       = sys_dev_assign,
};

int64_t syscall_dispatch(struct trapframe *tf)
{
	uint64_t nr = sc_nr(tf);
	int64_t ret;
	if (nr >= SYS__COUNT || !syscalls[nr])
		ret = -ERR_NOSYS;
	else if (nr >= SYS_MM_FIRST && nr <= SYS_MM_LAST && !(current_proc()->flags & PROC_FLAG_MM))
		ret = -ERR_PERM;        /* the memory server's calls (mmcall.c) */
	else
		ret = syscalls[nr](tf);
	sc_set_ret(tf, ret);
	return ret;
}
