/*
 * mmcall.c - the system calls only the memory server may make: the
 * kernel's page-table and process mechanism, driven by the server's policy.
 *
 * Decode, then invoke (seL4's discipline): syscall_dispatch lets only the
 * memory server reach these handlers, and each handler checks every argument - the target
 * process exists and is not the server itself, addresses are user
 * addresses and page aligned, frames are page aligned RAM outside the
 * kernel image, rights are known bits, enough spare frames were given -
 * and only then changes anything. A refused call changes nothing.
 *
 * The kernel allocates nothing here: SYS_MM_MAP is handed up to three
 * spare frames and uses them, in order, for page tables it must create,
 * returning how many it used. TLB entries of another address space need no
 * flush: on one CPU, switching to it reloads CR3, which flushes them.
 */
#include "kernel.h"
#include "sched.h"
#include "vm.h"
#include "ipc.h"
#include "syscall.h"
#include "mmcall.h"
#include "arch/x86_64/mmu.h"
#include <pagoda/syscall.h>

#define COPY_MAX (1u << 20)
#define ACCESSED_MAX 63      /* bit 63 would make the result look negative */

static paddr_t ram_top;                 /* frames must lie below this */
static paddr_t kernel_lo, kernel_hi;    /* the kernel image: never a frame */

void mmcall_init(paddr_t top, paddr_t image_start, paddr_t image_end)
{
	ram_top = top;
	kernel_lo = image_start;
	kernel_hi = image_end;
}

/* A process named by a system call argument (any value), or NULL. */
static struct proc *proc_arg(uint64_t pid)
{
	return pid <= 0x7fffffff ? proc_by_pid((int)pid) : NULL;
}

/* An alive process other than the memory server. */
static struct proc *target(uint64_t pid)
{
	struct proc *p = proc_arg(pid);
	if (!p || p->state != PROC_ALIVE || (p->flags & PROC_FLAG_MM))
		return NULL;
	return p;
}

/* An alive process, the memory server included. */
static struct proc *alive(uint64_t pid)
{
	struct proc *p = proc_arg(pid);
	return p && p->state == PROC_ALIVE ? p : NULL;
}

static bool frame_ok(paddr_t pa)
{
	return !(pa & ~PAGE_MASK) && pa < ram_top && !(pa >= kernel_lo && pa < kernel_hi);
}

static bool page_va_ok(vaddr_t va)
{
	return va_is_user(va) && !(va & ~PAGE_MASK);
}

static bool rights_ok(uint64_t r)
{
	return !(r & ~(uint64_t)(MM_RIGHT_READ | MM_RIGHT_WRITE | MM_RIGHT_EXEC));
}

static unsigned vm_rights(uint64_t r)
{
	return VM_READ | ((r & MM_RIGHT_WRITE) ? VM_WRITE : 0) | ((r & MM_RIGHT_EXEC) ? VM_EXEC : 0);
}

/* (name, root, flags) -> pid */
int64_t sys_mm_proc_create(struct trapframe *tf)
{
	char name[PROC_NAME_MAX];
	paddr_t root = tf->rsi;
	if (tf->rdx & ~(uint64_t)PROC_FLAG_POWER)
		return -ERR_INVAL;
	if (!frame_ok(root))
		return -ERR_INVAL;
	if (vm_copy_in(current_proc()->root, name, tf->rdi, sizeof name) < 0)
		return -ERR_FAULT;
	name[sizeof name - 1] = '\0';
	struct proc *p = proc_create(name, root, (unsigned)tf->rdx);
	if (!p)
		return -ERR_NOSPC;
	vm_space_init(root);
	return p->pid;
}

/* (pid, entry, rsp, arg) -> tid */
int64_t sys_mm_thread_start(struct trapframe *tf)
{
	struct proc *p = target(tf->rdi);
	if (!p)
		return -ERR_SRCH;
	if (!va_is_user(tf->rsi) || !va_is_user(tf->rdx))
		return -ERR_INVAL;
	struct thread *t = thread_create(p, tf->rsi, tf->rdx);
	if (!t)
		return -ERR_NOSPC;
	t->tf->rdi = tf->r10;
	return t->tid;
}

/* Collect the usable spares in order; false if one is not a valid frame
 * or two are the same. */
static bool gather_spares(const uint64_t in[3], struct frame_supply *s)
{
	s->count = s->used = 0;
	for (int i = 0; i < 3; i++) {
		if (in[i] == PADDR_NONE)
			continue;
		if (!frame_ok(in[i]))
			return false;
		for (unsigned j = 0; j < s->count; j++)
			if (s->frames[j] == in[i])
				return false;
		s->frames[s->count++] = in[i];
	}
	return true;
}

/* (pid, va, pa, rights, spare0, spare1, spare2 in r12) -> spares used */
int64_t sys_mm_map(struct trapframe *tf)
{
	struct proc *p = target(tf->rdi);
	vaddr_t va = tf->rsi;
	paddr_t pa = tf->rdx;
	uint64_t spares[3] = { tf->r8, tf->r9, tf->r12 };
	struct frame_supply s;
	if (!p)
		return -ERR_SRCH;
	if (!page_va_ok(va) || !frame_ok(pa) || !rights_ok(tf->r10) || !gather_spares(spares, &s))
		return -ERR_INVAL;
	if (vm_translate(p->root, va, 0) != PADDR_NONE)
		return -ERR_BUSY;
	if (vm_tables_needed(p->root, va) > s.count)
		return -ERR_NOMEM;
	int err = vm_map(p->root, va, pa, vm_rights(tf->r10), &s);
	return err < 0 ? err : (int64_t)s.used;
}

/* (pid, va) -> old pa | MM_PTE_ACCESSED | MM_PTE_DIRTY */
int64_t sys_mm_unmap(struct trapframe *tf)
{
	struct proc *p = target(tf->rdi);
	if (!p)
		return -ERR_SRCH;
	if (!page_va_ok(tf->rsi))
		return -ERR_INVAL;
	uint64_t old;
	int err = vm_unmap(p->root, tf->rsi, &old);
	if (err < 0)
		return err;
	return (int64_t)((old & PTE_ADDR) | ((old & PTE_A) ? MM_PTE_ACCESSED : 0) |
			 ((old & PTE_D) ? MM_PTE_DIRTY : 0));
}

/* (pid, va, rights) -> 0 */
int64_t sys_mm_protect(struct trapframe *tf)
{
	struct proc *p = target(tf->rdi);
	if (!p)
		return -ERR_SRCH;
	if (!page_va_ok(tf->rsi) || !rights_ok(tf->rdx))
		return -ERR_INVAL;
	return vm_protect(p->root, tf->rsi, vm_rights(tf->rdx));
}

/* (pid, va, npages) -> bitmap of accessed pages; bits cleared */
int64_t sys_mm_accessed(struct trapframe *tf)
{
	struct proc *p = target(tf->rdi);
	vaddr_t va = tf->rsi;
	uint64_t n = tf->rdx;
	if (!p)
		return -ERR_SRCH;
	if (!page_va_ok(va) || n == 0 || n > ACCESSED_MAX || !va_is_user(va + (n - 1) * PAGE_SIZE))
		return -ERR_INVAL;
	return (int64_t)vm_accessed(p->root, va, (unsigned)n);
}

/* (src pid, src va, dst pid, dst va, len) -> 0 */
int64_t sys_mm_copy(struct trapframe *tf)
{
	struct proc *src = alive(tf->rdi), *dst = alive(tf->rdx);
	vaddr_t sva = tf->rsi, dva = tf->r10;
	size_t len = tf->r8;
	if (!src || !dst)
		return -ERR_SRCH;
	if (len > COPY_MAX)
		return -ERR_INVAL;
	if (vm_check_user(src->root, sva, len, VM_READ) < 0 ||
	    vm_check_user(dst->root, dva, len, VM_WRITE) < 0)
		return -ERR_FAULT;
	uint8_t buf[256];
	for (size_t done = 0; done < len; ) {
		size_t n = len - done < sizeof buf ? len - done : sizeof buf;
		vm_copy_in(src->root, buf, sva + done, n);
		vm_copy_out(dst->root, dva + done, buf, n);
		done += n;
	}
	return 0;
}

/* (pid, status) -> 0 */
int64_t sys_mm_kill(struct trapframe *tf)
{
	struct proc *p = target(tf->rdi);
	if (!p)
		return -ERR_SRCH;
	proc_die(p, (int)tf->rsi);
	return 0;
}

/* (pid) -> 0: the slot of a reported zombie is freed */
int64_t sys_mm_proc_destroy(struct trapframe *tf)
{
	struct proc *p = proc_arg(tf->rdi);
	if (!p || (p->flags & PROC_FLAG_MM))
		return -ERR_SRCH;
	if (p->state != PROC_ZOMBIE || !p->exit_reported)
		return -ERR_BUSY;
	p->state = PROC_FREE;
	p->root = 0;
	return 0;
}

/* (pid, target pid) -> 0 */
int64_t sys_mm_ipc_allow(struct trapframe *tf)
{
	struct proc *p = target(tf->rdi);
	struct proc *to = alive(tf->rsi);
	if (!p || !to)
		return -ERR_SRCH;
	return proc_allow(p, to->pid);
}
