/*
 * mmcall.c - the system calls only the memory server may make: the
 * kernel's page-table and process mechanism, driven by the server's policy.
 *
 * Decode, then invoke (seL4's discipline): syscall_dispatch lets only the
 * memory server reach these handlers, and each handler checks every
 * argument - the target process exists and is not the server itself,
 * addresses are user addresses and page aligned, frames are page aligned
 * RAM outside the kernel image and never an IOMMU table (a process that
 * could write one could point any device anywhere), rights are known bits, enough spare frames
 * were given, an output buffer is writable server memory - and only then
 * changes anything. A refused call changes nothing.
 *
 * SYS_MM_MAP_RUN maps a run of contiguous frames inside one leaf table in
 * one call (probing every page first), for big mappings made at once.
 * SYS_MM_MAP_MMIO is the one way to map a frame that is not RAM: a page
 * of a device's BAR, which device.c must vouch for (the device exists,
 * the target owns it, the BAR is mappable and holds the page), mapped
 * uncached; SYS_MM_DEVICE tells the server who owns a device.
 * The kernel allocates nothing here: SYS_MM_MAP is handed MM_MAP_SPARES
 * spare frames and uses them, in order, for page tables it must create,
 * returning how many it used; SYS_MM_PRUNE hands emptied tables back.
 * TLB entries of another address space need no flush: on one CPU,
 * switching to it reloads CR3, which flushes them. Page-table details stay
 * behind pagetable.h: this file sees portable rights and page states.
 */
#include "kernel.h"
#include "sched.h"
#include "vm.h"
#include "ipc.h"
#include "syscall.h"
#include "mmcall.h"
#include "device.h"
#include "iommu.h"
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/syscall_regs.h"
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
	return pid <= PID_MAX ? proc_by_pid((int)pid) : NULL;
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
	return !(pa & ~PAGE_MASK) && pa < ram_top && !(pa >= kernel_lo && pa < kernel_hi) &&
	       !iommu_frame_is_table(pa);
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
	paddr_t root = sc_arg(tf, 1);
	uint64_t flags = sc_arg(tf, 2);
	if (flags & ~(uint64_t)(PROC_FLAG_POWER | PROC_FLAG_DEVMGR))
		return -ERR_INVAL;
	if (!frame_ok(root))
		return -ERR_INVAL;
	if ((flags & PROC_FLAG_DEVMGR) && proc_with_flag(PROC_FLAG_DEVMGR))
		return -ERR_BUSY;               /* one enumerator at a time */
	if (vm_copy_in(current_proc()->root, name, sc_arg(tf, 0), sizeof name) < 0)
		return -ERR_FAULT;
	name[sizeof name - 1] = '\0';
	struct proc *p = proc_create(name, root, (unsigned)flags);
	if (!p)
		return -ERR_NOSPC;
	pt_space_init(root);
	return p->pid;
}

/* (pid, entry, rsp, arg) -> tid */
int64_t sys_mm_thread_start(struct trapframe *tf)
{
	struct proc *p = target(sc_arg(tf, 0));
	vaddr_t entry = sc_arg(tf, 1), rsp = sc_arg(tf, 2);
	if (!p)
		return -ERR_SRCH;
	if (!va_is_user(entry) || !va_is_user(rsp))
		return -ERR_INVAL;
	struct thread *t = thread_create(p, entry, rsp);
	if (!t)
		return -ERR_NOSPC;
	sc_set_thread_arg(t->tf, sc_arg(tf, 3));
	return t->tid;
}

/* Map one checked page: -ERR_BUSY (va is mapped), -ERR_NOMEM (too few
 * spares: then none is used), or how many spares became page tables. */
static int64_t map_page(struct proc *p, vaddr_t va, paddr_t pa, unsigned rights,
			struct frame_supply *s)
{
	int needed = pt_map_probe(p->root, va);
	if (needed < 0)
		return needed;
	if ((unsigned)needed > s->count)
		return -ERR_NOMEM;
	int err = pt_map(p->root, va, pa, rights, s);
	return err < 0 ? err : (int64_t)s->used;
}

/* (pid, va, pa, rights, spare 0..MM_MAP_SPARES-1 in args 4..6) -> spares used */
int64_t sys_mm_map(struct trapframe *tf)
{
	_Static_assert(MM_MAP_SPARES == SC_ARGS - 4, "the spares are the last arguments");
	struct proc *p = target(sc_arg(tf, 0));
	vaddr_t va = sc_arg(tf, 1);
	paddr_t pa = sc_arg(tf, 2);
	uint64_t rights = sc_arg(tf, 3);
	uint64_t spares[MM_MAP_SPARES] = { sc_arg(tf, 4), sc_arg(tf, 5), sc_arg(tf, 6) };
	struct frame_supply s;
	if (!p)
		return -ERR_SRCH;
	if (!page_va_ok(va) || !frame_ok(pa) || !rights_ok(rights) || !frame_supply_gather(&s, spares, frame_ok))
		return -ERR_INVAL;
	return map_page(p, va, pa, vm_rights(rights), &s);
}

/* A run of frames [pa, pa + len) that are all RAM outside the kernel image. */
static bool frames_ok(paddr_t pa, uint64_t len)
{
	if ((pa & ~PAGE_MASK) || pa >= ram_top || len > ram_top - pa ||
	    (pa < kernel_hi && pa + len > kernel_lo))
		return false;
	for (uint64_t off = 0; off < len; off += PAGE_SIZE)
		if (iommu_frame_is_table(pa + off))
			return false;
	return true;
}

/* A run of pages [va, va + len) of user addresses inside one 2 MiB span. */
static bool run_va_ok(vaddr_t va, uint64_t len)
{
	return page_va_ok(va) && va_is_user(va + len - 1) && (va >> 21) == ((va + len - 1) >> 21);
}

/* (pid, run, spare 0..MM_MAP_SPARES-1 in args 2..4) -> spares used */
int64_t sys_mm_map_run(struct trapframe *tf)
{
	struct proc *p = target(sc_arg(tf, 0));
	uint64_t spares[MM_MAP_SPARES] = { sc_arg(tf, 2), sc_arg(tf, 3), sc_arg(tf, 4) };
	struct mm_map_run run;
	struct frame_supply s;
	if (!p)
		return -ERR_SRCH;
	if (vm_copy_in(current_proc()->root, &run, sc_arg(tf, 1), sizeof run) < 0)
		return -ERR_FAULT;
	if (run.npages == 0 || run.npages > MM_MAP_RUN_MAX)
		return -ERR_INVAL;
	uint64_t len = run.npages * PAGE_SIZE;
	if (!run_va_ok(run.va, len) || !frames_ok(run.pa, len) || !rights_ok(run.rights) ||
	    !frame_supply_gather(&s, spares, frame_ok))
		return -ERR_INVAL;
	for (uint64_t off = 0; off < len; off += PAGE_SIZE)
		if (pt_map_probe(p->root, run.va + off) < 0)
			return -ERR_BUSY;
	/* One leaf table covers the run: what the first page needs is all. */
	if ((unsigned)pt_map_probe(p->root, run.va) > s.count)
		return -ERR_NOMEM;
	for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
		int err = pt_map(p->root, run.va + off, run.pa + off, vm_rights(run.rights), &s);
		if (err < 0)
			panic("sys_mm_map_run: pt_map failed after its checks: %d", err);
	}
	return (int64_t)s.used;
}

/* A page's frame and state as SYS_MM_UNMAP and SYS_MM_LOOKUP return them. */
static int64_t page_word(const struct pt_page *pg)
{
	return (int64_t)(pg->pa | (pg->accessed ? MM_PTE_ACCESSED : 0) |
			 (pg->dirty ? MM_PTE_DIRTY : 0) |
			 ((pg->rights & VM_WRITE) ? MM_PTE_WRITE : 0) |
			 ((pg->rights & VM_EXEC) ? MM_PTE_EXEC : 0));
}

/* (pid, va) -> old pa | MM_PTE_ACCESSED | MM_PTE_DIRTY */
int64_t sys_mm_unmap(struct trapframe *tf)
{
	struct proc *p = target(sc_arg(tf, 0));
	vaddr_t va = sc_arg(tf, 1);
	struct pt_page old;
	if (!p)
		return -ERR_SRCH;
	if (!page_va_ok(va))
		return -ERR_INVAL;
	int err = pt_unmap(p->root, va, &old);
	if (err < 0)
		return err;
	old.rights = VM_READ;           /* UNMAP reports only accessed and dirty */
	return page_word(&old);
}

/* (pid, va) -> pa | MM_PTE_*, changing nothing */
int64_t sys_mm_lookup(struct trapframe *tf)
{
	struct proc *p = target(sc_arg(tf, 0));
	vaddr_t va = sc_arg(tf, 1);
	struct pt_page pg;
	if (!p)
		return -ERR_SRCH;
	if (!page_va_ok(va))
		return -ERR_INVAL;
	if (!pt_lookup(p->root, va, &pg))
		return -ERR_NOENT;
	return page_word(&pg);
}

/* (pid, va, len, out, max) -> n tables unlinked, their frames in out[] */
int64_t sys_mm_prune(struct trapframe *tf)
{
	struct proc *p = target(sc_arg(tf, 0));
	vaddr_t va = sc_arg(tf, 1), out = sc_arg(tf, 3);
	uint64_t len = sc_arg(tf, 2), max = sc_arg(tf, 4);
	paddr_t frames[MM_PRUNE_MAX];
	if (!p)
		return -ERR_SRCH;
	if (len == 0 || va + len < va || !va_is_user(va) || !va_is_user(va + len - 1) ||
	    max == 0 || max > MM_PRUNE_MAX)
		return -ERR_INVAL;
	paddr_t mm_root = current_proc()->root;
	if (vm_check_user(mm_root, out, max * sizeof(paddr_t), VM_WRITE) < 0)
		return -ERR_FAULT;
	unsigned n = pt_prune(p->root, va, va + len, frames, (unsigned)max);
	vm_copy_out(mm_root, out, frames, n * sizeof(paddr_t));
	return n;
}

/* (pid, va, rights) -> 0 */
int64_t sys_mm_protect(struct trapframe *tf)
{
	struct proc *p = target(sc_arg(tf, 0));
	vaddr_t va = sc_arg(tf, 1);
	uint64_t rights = sc_arg(tf, 2);
	if (!p)
		return -ERR_SRCH;
	if (!page_va_ok(va) || !rights_ok(rights))
		return -ERR_INVAL;
	return pt_protect(p->root, va, vm_rights(rights));
}

/* (pid, va, npages) -> bitmap of accessed pages; bits cleared */
int64_t sys_mm_accessed(struct trapframe *tf)
{
	struct proc *p = target(sc_arg(tf, 0));
	vaddr_t va = sc_arg(tf, 1);
	uint64_t n = sc_arg(tf, 2);
	if (!p)
		return -ERR_SRCH;
	if (!page_va_ok(va) || n == 0 || n > ACCESSED_MAX || !va_is_user(va + (n - 1) * PAGE_SIZE))
		return -ERR_INVAL;
	return (int64_t)pt_accessed(p->root, va, (unsigned)n);
}

/* (src pid, src va, dst pid, dst va, len) -> 0 */
int64_t sys_mm_copy(struct trapframe *tf)
{
	struct proc *src = alive(sc_arg(tf, 0)), *dst = alive(sc_arg(tf, 2));
	vaddr_t sva = sc_arg(tf, 1), dva = sc_arg(tf, 3);
	size_t len = sc_arg(tf, 4);
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
	struct proc *p = target(sc_arg(tf, 0));
	if (!p)
		return -ERR_SRCH;
	proc_die(p, (int)sc_arg(tf, 1));
	return 0;
}

/* (pid) -> 0: the slot of a reported zombie is freed */
int64_t sys_mm_proc_destroy(struct trapframe *tf)
{
	struct proc *p = proc_arg(sc_arg(tf, 0));
	if (!p || (p->flags & PROC_FLAG_MM))
		return -ERR_SRCH;
	if (p->state != PROC_ZOMBIE || !p->exit_reported)
		return -ERR_BUSY;
	p->state = PROC_FREE;
	p->root = 0;
	return 0;
}

/* (bdf) -> owner pid, 0 if unowned */
int64_t sys_mm_device(struct trapframe *tf)
{
	return device_owner(sc_arg(tf, 0));
}

/* (pid, va, pa, bdf | bar << 16, spare 0..MM_MAP_SPARES-1 in args 4..6) ->
 * spares used. As SYS_MM_MAP, but the frame is device memory that device.c
 * vouches for (inside a mappable BAR of a device pid owns), never RAM. */
int64_t sys_mm_map_mmio(struct trapframe *tf)
{
	struct proc *p = target(sc_arg(tf, 0));
	vaddr_t va = sc_arg(tf, 1);
	paddr_t pa = sc_arg(tf, 2);
	uint64_t dev = sc_arg(tf, 3);
	uint64_t spares[MM_MAP_SPARES] = { sc_arg(tf, 4), sc_arg(tf, 5), sc_arg(tf, 6) };
	struct frame_supply s;
	if (!p)
		return -ERR_SRCH;
	if (!page_va_ok(va) || (pa & ~PAGE_MASK) || (dev >> 16) >= DEV_BARS || !frame_supply_gather(&s, spares, frame_ok))
		return -ERR_INVAL;
	int err = device_mmio_check(p->pid, dev, pa);
	if (err < 0)
		return err;
	return map_page(p, va, pa, VM_READ | VM_WRITE | VM_UNCACHED, &s);
}

/* (pid, target pid) -> 0 */
int64_t sys_mm_ipc_allow(struct trapframe *tf)
{
	struct proc *p = target(sc_arg(tf, 0));
	struct proc *to = alive(sc_arg(tf, 1));
	if (!p || !to)
		return -ERR_SRCH;
	return proc_allow(p, to->pid);
}
