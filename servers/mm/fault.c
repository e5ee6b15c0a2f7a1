/*
 * fault.c - serving page faults: demand paging.
 *
 * The kernel turns every user page fault into an MM_FAULT message (w0 =
 * address, w1 = access bits, w2 = instruction pointer) and keeps the
 * faulting thread blocked until we reply. mm_handle_fault:
 *   1. finds the region holding the address; none means the access is
 *      illegal (NULL, a kernel address, a stack's guard page, or simply
 *      unmapped);
 *   2. checks the access against the region's rights (write to read-only,
 *      execute from non-executable);
 *   3. asks the region's backend (backend.h) for a frame holding the page:
 *      a fresh zeroed frame (anonymous: heap, stacks, MM_MMAP), the
 *      program's file bytes followed by zeros (ELF segments), or the shared
 *      object's frame (shared mappings) - or, for device memory (MMIO),
 *      lets the backend map the device page itself (no frame of mm's);
 *   4. maps it (mm_proc_map); a frame of the process's own goes on its
 *      frame list. Replies MM_FAULT_RESUME.
 * An illegal access is logged - process, address, reason - and answered
 * MM_FAULT_KILL: the kernel ends that process and nobody else.
 *
 * The kernel also sends MM_FAULT, with MM_FAULT_COPY in the access bits,
 * when a system call's copy from or to user memory meets a page that is
 * not present. Such a page is filled exactly as for a trap; an illegal
 * address is answered MM_FAULT_REFUSE and nothing is logged: the system
 * call fails with ERR_FAULT and the process lives on, as a bad pointer
 * passed to a system call must not kill.
 *
 * A fill that reads the page back from swap is a major fault (swap.c
 * counts it, in the process and in mm_vmstat); every other fill is a
 * minor one. A fill finds memory through reclaim_alloc_user, which
 * evicts first when memory is short (reclaim.c). When even that finds
 * none, the OOM killer ends the process with the highest score (oom.c)
 * and the fault is answered RESUME without a page: the thread faults
 * again once the victim's exit report has freed its memory. A page whose
 * swap copy cannot be read kills the process that needs it.
 */
#include <stdio.h>
#include <string.h>
#include "mm.h"
#include "backend.h"
#include "buddy.h"
#include "mm_env.h"
#include "kcall.h"
#include "oom.h"
#include "reclaim.h"
#include "swap.h"
#include "vmstat.h"
#include "lab.h"

/* LAB fault: access_name, outside_regions, illegal: name the access, and say why it may not be served */
static const char *access_name(uint64_t bits)
{
	return (bits & MM_FAULT_EXEC) ? "execute" : (bits & MM_FAULT_WRITE) ? "write" : "read";
}

/* Why an access to addr, in no region, is illegal. */
static const char *outside_regions(struct mm_proc *p, vaddr_t addr)
{
	if (region_guarded_by(p, addr))
		return "stack overflow into the guard page";
	return "unmapped address";
}

/* Why this access may not be served, or NULL if it may. */
static const char *illegal(struct mm_proc *p, const struct mm_region *r, vaddr_t addr, uint64_t bits)
{
	if (addr < PAGE_SIZE)
		return "NULL pointer dereference";
	if (addr >= USER_TOP)
		return "kernel or non-user address";
	if (!r)
		return outside_regions(p, addr);
	if ((bits & MM_FAULT_WRITE) && !(r->prot & MM_PROT_WRITE))
		return "page is read-only";
	if ((bits & MM_FAULT_EXEC) && !(r->prot & MM_PROT_EXEC))
		return "page is not executable";
	if (bits & MM_FAULT_PRESENT)
		return "protection violation";
	return NULL;
}
/* LAB fault END */

/* LAB fault: map_filled: map a filled frame; a private one becomes p's, or is freed */
/* Map the frame the backend filled; a private one becomes p's, or is
 * freed if the mapping fails. Another thread having mapped the page
 * first (ERR_BUSY) is success. */
static int map_filled(struct mm_proc *p, struct mm_region *r, vaddr_t va, pfn_t pfn)
{
	struct page *pg = pfn_to_page(pfn);
	if (r->backend->private_frames && pg->use == PAGE_USE_USER)
		return 0;               /* already p's page (from the swap cache): mapped */
	int err = mm_proc_map(p, va, pfn, r->prot);
	if (err == 0 && !(pg->flags & PG_SWAPCACHE))   /* swap.c records major faults */
		mm_event(MM_EV_FAULT_MINOR, p->pid, va, pfn, MM_EVENT_NO_SLOT);
	if (r->backend->private_frames) {
		if (err < 0 && (pg->flags & PG_SWAPCACHE))
			swap_load_undo(r, va >> PAGE_SHIFT, pfn);
		if (err < 0)
			buddy_free(pfn, 0);
		else
			mm_proc_own(p, pfn, PAGE_USE_USER, va);
	}
	return err == -ERR_BUSY ? 0 : err;
}
/* LAB fault END */

/* Map the page at va of region r in p; 0 or -ERR_x. */
int mm_fill_page(struct mm_proc *p, struct mm_region *r, vaddr_t va)
{
	/* LAB fault: mm_fill_page: the region's backend maps (device) or fills the page, then map it */
	if (r->backend->map)            /* not RAM (device memory): the backend maps it */
		return r->backend->map(p, r, va);
	budget_make_room(r);            /* a full budget replaces one of its own (budget.c) */
	pfn_t pfn = r->backend->fill(p, r, va);
	if (pfn == PFN_NONE)
		return swap_take_error() ? -ERR_DEAD : -ERR_NOMEM;
	int err = map_filled(p, r, va, pfn);
	if (!err && r->backend->private_frames) {
		reclaim_note_fill(p, pfn);
		budget_admit(r, pfn);
	}
	return err;
	/* LAB fault STUB: LAB_MISSING("fault", "mm_fill_page"); */
	/* LAB fault STUB: (void)p; (void)r; (void)va; */
	/* LAB fault STUB: return -ERR_NOSYS; */
	/* LAB fault END */
}

/* LAB fault: kill, deny, out_of_memory: the logged kill, the refused copy, the OOM killer's turn */
static int kill(struct mm_proc *p, uint64_t addr, uint64_t bits, const char *why, uint64_t ip,
		struct ipc_msg *reply)
{
	printf("kill: pid %d (%s): page fault: %s at address 0x%lx (%s), ip 0x%lx\n", p->pid,
	       p->name, access_name(bits), (unsigned long)addr, why, (unsigned long)ip);
	fflush(stdout);
	reply->tag = MM_FAULT_KILL;
	return 1;
}

/* An illegal access: a trap kills (logged), a system call's copy is refused. */
static int deny(struct mm_proc *p, uint64_t addr, uint64_t bits, const char *why, uint64_t ip,
		struct ipc_msg *reply)
{
	if (!(bits & MM_FAULT_COPY))
		return kill(p, addr, bits, why, ip, reply);
	reply->tag = MM_FAULT_REFUSE;
	return 1;
}

/* No frame even after reclaim: the OOM killer's turn. */
static int out_of_memory(struct mm_proc *p, uint64_t addr, uint64_t bits, uint64_t ip,
			 struct ipc_msg *reply)
{
	enum oom_result res = oom_kill(p);
	if (res == OOM_KILLED_SELF)
		return kill(p, addr, bits, "out of memory", ip, reply);    /* oom.c logged the choice */
	if (res == OOM_NOBODY)
		return kill(p, addr, bits, "out of memory", ip, reply);
	reply->tag = MM_FAULT_RESUME;   /* no page yet: it faults again after the victim's exit */
	return 1;
}
/* LAB fault END */

int mm_handle_fault(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	/* LAB fault: mm_handle_fault: decode the message, find the region, deny or fill, count, reply */
	vaddr_t addr = req->w[0];
	uint64_t bits = req->w[1], ip = req->w[2];
	struct mm_proc *p = mm_proc_find(from->pid);
	if (!p || !p->alive) {
		reply->tag = MM_FAULT_KILL;
		return 1;
	}
	struct mm_region *r = region_find(p, addr);
	const char *why = illegal(p, r, addr, bits);
	if (why)
		return deny(p, addr, bits, why, ip, reply);
	uint64_t major = p->major_faults;
	int err = mm_fill_page(p, r, page_round_down(addr));
	if (err == -ERR_SRCH) {         /* it died meanwhile (another thread exited it) */
		reply->tag = MM_FAULT_KILL;
		return 1;
	}
	if (err == -ERR_DEAD)
		return kill(p, addr, bits, "its page could not be read back from swap", ip, reply);
	if (err < 0)
		return out_of_memory(p, addr, bits, ip, reply);
	if (p->major_faults == major) {
		p->faults++;
		mm_vmstat.minor_faults++;
	}
	reply->tag = MM_FAULT_RESUME;
	return 1;
	/* LAB fault STUB: LAB_MISSING("fault", "mm_handle_fault"); */
	/* LAB fault STUB: (void)req; (void)from; */
	/* LAB fault STUB: reply->tag = MM_FAULT_KILL; */
	/* LAB fault STUB: return 1; */
	/* LAB fault END */
}

/* Copy len bytes at src in p's address space into buf (in ours). Pages of
 * p's regions that were never touched are filled first, as if p had
 * touched them; an address outside every region is ERR_FAULT. */
int mm_copy_from(struct mm_proc *p, vaddr_t src, void *buf, size_t len)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		int err = kcall_copy(p->pid, src, MM_PID, (vaddr_t)(uintptr_t)buf, len);
		if (err != -ERR_FAULT || attempt == 1 || src + len < src)
			return err;
		for (vaddr_t va = page_round_down(src); va < src + len; va += PAGE_SIZE) {
			struct mm_region *r = region_find(p, va);
			if (!r || mm_fill_page(p, r, va) < 0)
				return -ERR_FAULT;
		}
	}
	return -ERR_FAULT;
}
