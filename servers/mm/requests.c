/*
 * requests.c - the memory server's answers to its clients (pagoda/mm.h)
 * and to the kernel's exit reports.
 *
 * Each mm_handle_<request> decodes and checks every field before changing
 * anything (a bad request gets an error and changes nothing), then acts,
 * and fills the reply: tag = result, words = values. It returns 1 to send
 * the reply now, 0 to answer later (MM_WAIT blocks its caller until a
 * child exits; the server keeps the reply handle and answers from
 * mm_handle_exit). Every request needs a reply: ipc_serve drops one that
 * was SENT (no reply handle) before it reaches a handler. A child's
 * record, with its exit status, is freed only once a reply carrying it has
 * been delivered (notify_parent checks kcall_reply's result).
 */
#include <stdio.h>
#include <string.h>
#include "mm.h"
#include "buddy.h"
#include "slab.h"
#include "zone.h"
#include "mm_env.h"
#include "kcall.h"
#include "swap.h"
#include "swapdev.h"
#include "dma.h"
#include "iommu_domain.h"

#define MMAP_MAX (1ULL << 30)      /* longest MM_MMAP region */

/* The child has not run yet (its first fault waits behind this request):
 * give it its budget, or kill it, unwinding through its exit report. */
static int give_budget(int pid, uint64_t frames)
{
	struct mm_proc *c = mm_proc_find(pid);
	if (c && budget_attach_proc(c, frames) == 0)
		return pid;
	if (c)
		c->parent = 0;          /* nobody waits for it: its exit frees it all */
	if (kcall_kill(pid, -1) < 0)
		mm_bug("mm_handle_spawn: the kernel cannot kill pid %d it just created", pid);
	return -ERR_NOMEM;
}

int mm_handle_spawn(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	struct mm_proc *p = mm_caller(from);
	uint64_t len = req->w[1], flags = req->w[2];
	char line[MM_ARGV_MAX];
	if (!p)
		return mm_reply(reply, -ERR_SRCH);
	const uint64_t known = MM_SPAWN_IPC_PARENT | MM_SPAWN_POWER | MM_SPAWN_BUDGET;
	if (len == 0 || len >= MM_ARGV_MAX || (flags & ~known))
		return mm_reply(reply, -ERR_INVAL);
	if ((flags & MM_SPAWN_BUDGET) ? budget_valid(req->w[3]) < 0 : req->w[3] != 0)
		return mm_reply(reply, -ERR_INVAL);
	if ((flags & MM_SPAWN_POWER) && !(p->flags & PROC_FLAG_POWER))
		return mm_reply(reply, -ERR_PERM);
	if (mm_copy_from(p, req->w[0], line, len) < 0)
		return mm_reply(reply, -ERR_FAULT);
	line[len] = '\0';
	int pid = mm_spawn_program(line, p->pid, (unsigned)(flags & ~(uint64_t)MM_SPAWN_BUDGET));
	if (pid > 0 && (flags & MM_SPAWN_BUDGET))
		pid = give_budget(pid, req->w[3]);
	return mm_reply(reply, pid);
}

/* A child of parent that matches want (-1: any) and has exited. */
static struct mm_proc *exited_child(int parent, int want, bool *has_child)
{
	struct mm_proc *found = NULL;
	*has_child = false;
	for (struct mm_proc *c = mm_proc_first(); c; c = c->next) {
		if (c->parent != parent || (want != -1 && c->pid != want))
			continue;
		*has_child = true;
		if (!c->alive && !found)
			found = c;
	}
	return found;
}

static void collect(struct mm_proc *child, struct ipc_msg *reply)
{
	reply->tag = child->pid;
	reply->w[0] = (uint64_t)(int64_t)child->status;
	mm_proc_free(child);
}

int mm_handle_wait(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	struct mm_proc *p = mm_caller(from);
	int want = (int)(int64_t)req->w[0];
	bool has_child;
	if (!p)
		return mm_reply(reply, -ERR_SRCH);
	if (want != -1 && want <= 0)
		return mm_reply(reply, -ERR_INVAL);
	struct mm_proc *c = exited_child(p->pid, want, &has_child);
	if (c) {
		collect(c, reply);
		return 1;
	}
	if (!has_child || p->waiting)
		return mm_reply(reply, -ERR_SRCH);
	p->waiting = true;
	p->wait_pid = want;
	p->wait_handle = from->handle;
	return 0;
}

int mm_handle_sbrk(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	struct mm_proc *p = mm_caller(from);
	int64_t incr = (int64_t)req->w[0];
	if (!p)
		return mm_reply(reply, -ERR_SRCH);
	vaddr_t old = p->brk, new = old + (uint64_t)incr;
	if (incr < 0 ? new > old || new < p->brk_start : new < old || new - p->brk_start > MM_HEAP_MAX)
		return mm_reply(reply, -ERR_NOMEM);
	struct mm_region *heap = region_of_kind(p, REGION_HEAP);
	vaddr_t base = page_round_up(p->brk_start);     /* below: the last segment's page */
	vaddr_t old_end = page_round_up(old), new_end = page_round_up(new);
	if (new_end > old_end && !region_range_free(p, old_end, new_end, heap))
		return mm_reply(reply, -ERR_NOMEM);
	if (!heap && new_end > base) {
		int err = region_add(p, base, new_end, MM_PROT_READ | MM_PROT_WRITE, REGION_HEAP, &heap);
		if (err < 0)
			return mm_reply(reply, err);
	} else if (heap && new_end < old_end) {
		if (dma_stream_pins(p, new_end, old_end))
			return mm_reply(reply, -ERR_BUSY);     /* a device may be using them */
		int err = region_unmap_pages(p, heap, new_end, old_end);
		if (err < 0)
			return mm_reply(reply, err);  /* exiting */
	}
	if (heap) {
		heap->end = new_end > heap->start ? new_end : heap->start;
		if (heap->end == heap->start)
			region_remove(p, heap);
	}
	p->brk = new;
	reply->w[0] = old;
	return mm_reply(reply, 0);
}

/* MM_MMAP's words make sense (a stack is never shared, nor a budget;
 * a budget is 1 .. managed pages, and w4 is 0 without one). */
static bool mmap_args_ok(uint64_t len, uint64_t prot, uint64_t flags, uint64_t budget)
{
	const uint64_t known = MM_MAP_SHARED | MM_MAP_STACK | MM_MAP_BUDGET;
	if ((flags & MM_MAP_SHARED) && (flags & (MM_MAP_STACK | MM_MAP_BUDGET)))
		return false;
	if ((flags & MM_MAP_BUDGET) ? budget_valid(budget) < 0 : budget != 0)
		return false;
	return len > 0 && len <= MMAP_MAX && !(prot & ~(uint64_t)MM_PROT_ALL) && !(flags & ~known);
}

int mm_handle_mmap(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	struct mm_proc *p = mm_caller(from);
	uint64_t len = req->w[0], prot = req->w[1], flags = req->w[2], key = req->w[3];
	if (!p)
		return mm_reply(reply, -ERR_SRCH);
	if (!mmap_args_ok(len, prot, flags, req->w[4]))
		return mm_reply(reply, -ERR_INVAL);
	vaddr_t start = region_find_gap(p, page_round_up(len), USER_MMAP_BASE, MMAP_TOP);
	vaddr_t end = start + page_round_up(len);
	if (!start)
		return mm_reply(reply, -ERR_NOMEM);
	struct shm_obj *shm = NULL;
	if (flags & MM_MAP_SHARED) {
		shm = shm_get(key, page_round_up(len) >> PAGE_SHIFT);
		if (!shm)
			return mm_reply(reply, -ERR_INVAL);
	}
	struct mm_region *r;
	int err = region_add(p, start, end, (unsigned)prot, shm ? REGION_SHARED : REGION_ANON, &r);
	if (err < 0) {
		if (shm)
			shm_put(shm);
		return mm_reply(reply, err);
	}
	if ((flags & MM_MAP_BUDGET) && budget_attach_region(p, r, req->w[4]) < 0) {
		region_remove(p, r);
		return mm_reply(reply, -ERR_NOMEM);
	}
	if (shm)
		shm_attach(shm, r);
	r->guard = flags & MM_MAP_STACK;
	reply->w[0] = start;
	return mm_reply(reply, 0);
}

/* The MM_MMAP region that is exactly [addr, addr + round_up(len)). */
static struct mm_region *mmap_region(struct mm_proc *p, uint64_t addr, uint64_t len)
{
	struct mm_region *r = region_find(p, addr);
	if (!r || (r->kind != REGION_ANON && r->kind != REGION_SHARED))
		return NULL;
	if (r->start != addr || len == 0 || len > MMAP_MAX || r->end != addr + page_round_up(len))
		return NULL;
	return r;
}

int mm_handle_munmap(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	struct mm_proc *p = mm_caller(from);
	if (!p)
		return mm_reply(reply, -ERR_SRCH);
	struct mm_region *r = mmap_region(p, req->w[0], req->w[1]);
	if (!r)
		return mm_reply(reply, -ERR_INVAL);
	if (dma_stream_pins(p, r->start, r->end))
		return mm_reply(reply, -ERR_BUSY);     /* a device may be using its pages */
	int err = region_unmap_pages(p, r, r->start, r->end);
	if (err < 0)
		return mm_reply(reply, err);  /* it is exiting: the exit report frees it all */
	region_remove(p, r);
	return mm_reply(reply, 0);
}

int mm_handle_mprotect(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	struct mm_proc *p = mm_caller(from);
	uint64_t prot = req->w[2];
	if (!p)
		return mm_reply(reply, -ERR_SRCH);
	struct mm_region *r = mmap_region(p, req->w[0], req->w[1]);
	if (!r || (prot & ~(uint64_t)MM_PROT_ALL))
		return mm_reply(reply, -ERR_INVAL);
	return mm_reply(reply, region_protect(p, r, (unsigned)prot));
}

int mm_handle_stat(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	slab_shrink_all();
	uint64_t managed = 0;
	for (int z = 0; z < MM_NR_ZONES; z++) {
		reply->w[z] = mm_zones[z].free_pages;
		managed += mm_zones[z].managed_pages;
	}
	mm_proc_count_spares(&reply->w[0]);     /* free too: nobody's yet */
	reply->w[3] = managed;
	reply->w[4] = (uint64_t)mm_proc_count();
	struct mm_proc *p = mm_caller(from);   /* the slots of its own pages are not counted */
	uint64_t mine = p ? swap_slots_of(p) : 0;
	reply->w[5] = swap_slots_used() - (mine <= swap_slots_used() ? mine : 0);
	reply->w[6] = p ? p->swapped : 0;
	return mm_reply(reply, 0);
}

int mm_handle_procinfo(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	struct mm_proc *p = req->w[0] == MM_PROCINFO_SELF ? mm_caller(from)
			  : req->w[0] < MM_PROCINFO_INDEX_MAX ? mm_proc_nth((int)req->w[0]) : NULL;
	if (!p)
		return mm_reply(reply, -ERR_SRCH);
	if (req->w[1] != MM_PROCINFO_BASIC && req->w[1] != MM_PROCINFO_PAGING)
		return mm_reply(reply, -ERR_INVAL);
	if (req->w[1] == MM_PROCINFO_PAGING) {
		stat_procinfo_paging(p, reply);
		return mm_reply(reply, p->pid);
	}
	reply->w[0] = p->resident;
	reply->w[1] = p->faults;
	reply->w[2] = p->pagetables;
	_Static_assert(MM_PROC_NAME_LEN <= sizeof reply->w - 3 * sizeof reply->w[0],
		       "the name fits in w3..w6");
	memcpy(&reply->w[3], p->name, MM_PROC_NAME_LEN);
	return mm_reply(reply, p->pid);
}

/* The request loop's table (main.c), by pagoda/mm.h tag; the host tests
 * dispatch through it too. */
const ipc_handler mm_handlers[MM__REQUESTS] = {
	[MM_SPAWN]    = mm_handle_spawn,
	[MM_WAIT]     = mm_handle_wait,
	[MM_SBRK]     = mm_handle_sbrk,
	[MM_MMAP]     = mm_handle_mmap,
	[MM_MUNMAP]   = mm_handle_munmap,
	[MM_MPROTECT] = mm_handle_mprotect,
	[MM_STAT]     = mm_handle_stat,
	[MM_PROCINFO] = mm_handle_procinfo,
	[MM_VMSTAT]   = mm_handle_vmstat,
	[MM_EVENTS]   = mm_handle_events,
	[MM_POLICY]   = mm_handle_policy,
	[MM_POLICY_INFO] = mm_handle_policy_info,
	[MM_MODULE_READ] = mm_handle_module_read,
	[MM_BUDDYINFO]   = mm_handle_buddyinfo,
	[MM_SLABINFO]    = mm_handle_slabinfo,
	[MM_MODULE_INFO] = mm_handle_module_info,
	[MM_DEV_MMIO]  = mm_handle_dev_mmio,
	[MM_DEV_OPEN]  = mm_handle_dev_open,
	[MM_DEV_READY] = mm_handle_dev_ready,
	[MM_DMA_ALLOC]  = mm_handle_dma_alloc,
	[MM_DMA_FREE]   = mm_handle_dma_free,
	[MM_DMA_SHARE]  = mm_handle_dma_share,
	[MM_DMA_REVOKE] = mm_handle_dma_revoke,
	[MM_DMA_MAP]    = mm_handle_dma_map,
	[MM_DMA_SYNC]   = mm_handle_dma_sync,
	[MM_DMA_UNMAP]  = mm_handle_dma_unmap,
	[MM_DMA_INFO]   = mm_handle_dma_info,
	[MM_IOMMU_STAT] = mm_handle_iommu_stat,
	[MM_DEMO_PADDR] = mm_handle_demo_paddr,
};

/* A child has gone: wake a parent waiting for it. */
static void notify_parent(struct mm_proc *child)
{
	struct mm_proc *parent = mm_proc_find(child->parent);
	if (!parent || !parent->alive) {
		mm_proc_free(child);
		return;
	}
	if (parent->waiting && (parent->wait_pid == -1 || parent->wait_pid == child->pid)) {
		struct ipc_msg reply = { .tag = child->pid, .w = { (uint64_t)(int64_t)child->status } };
		parent->waiting = false;
		if (kcall_reply(parent->wait_handle, &reply) == 0)
			mm_proc_free(child);    /* delivered; else keep it for the next MM_WAIT */
	}
}

/* The kernel reports that pid has ended: free everything it had - but
 * DMA memory a device it could not stop may still write is quarantined
 * (grant.c, dma_stream.c), never freed. */
void mm_handle_exit(int pid, int status, uint64_t unstopped)
{
	iommu_proc_exit(pid);           /* its devices reach nothing before a frame is freed */
	int err = kcall_proc_destroy(pid);
	if (err < 0) {
		/* The kernel may still use its page tables: free nothing. */
		mm_bug("mm_handle_exit: kernel refused to destroy pid %d: %s", pid, pagoda_strerror(err));
		return;
	}
	if (pid == swapdev_pid()) {
		swapdev_lost();
		swap_device_lost();
	}
	device_proc_exit(pid);
	struct mm_proc *p = mm_proc_find(pid);
	if (!p)
		return;
	dma_proc_exit(p, unstopped);
	region_remove_all(p);
	budget_proc_gone(p);
	mm_proc_release(p);
	p->alive = false;
	p->status = status;
	p->waiting = false;
	for (struct mm_proc *c = mm_proc_first(), *next; c; c = next) {
		next = c->next;
		if (c->parent != pid)
			continue;
		if (c->alive)
			c->parent = 0;
		else
			mm_proc_free(c);
	}
	notify_parent(p);
}
