/*
 * lend.c - lending a frame to a server for the length of one request.
 *
 * The swap device (servers/ramdisk/) copies pages between its storage and
 * frames it does not own. Rather than copy twice through messages, mm
 * lends it the frame itself: lend_frame maps the frame into the server's
 * window (a fixed range of its address space), mm CALLs it, and
 * lend_return unmaps the frame again once the reply is in (lend_call does
 * all three). The frame never changes hands: its owner, descriptor and
 * every other mapping stay as they were, and the server can reach it only
 * while mm is blocked in the CALL. Lent for a read from the device it is
 * writable, for a write to the device read-only.
 *
 * Lending must not need memory: it sits on the swap-out path, which runs
 * when memory is short. So the window's page tables are made once, by
 * lend_window_init at spawn (they are the server's, freed at its exit),
 * and a lend is one SYS_MM_MAP with no spare frames; one that would need
 * a table fails (ERR_NOMEM) rather than allocate.
 *
 * Cost per request: one SYS_MM_MAP, the CALL and its reply (two context
 * switches), one SYS_MM_UNMAP with its invlpg. The window's TLB entries
 * need no shootdown: on one CPU, switching to the server reloads CR3.
 *
 * The same idea - a frame mapped into another process for a bounded time
 * and taken back - is what DMA grants to drivers will be, with a longer
 * lease. Not supported: lending to a server that might fault while mm
 * waits (the server must be resident: spawn.c), lending a frame twice.
 */
#include <stdio.h>
#include "lend.h"
#include "buddy.h"
#include "kcall.h"

int lend_window_init(struct mm_proc *p, vaddr_t va, unsigned pages)
{
	if (pages == 0 || (va & PAGE_MASK) != va ||
	    (va >> 21) != ((va + pages * PAGE_SIZE - 1) >> 21))
		return -ERR_INVAL;
	pfn_t probe = buddy_alloc(0, 0);
	if (probe == PFN_NONE)
		return -ERR_NOMEM;
	int err = mm_proc_map(p, va, probe, MM_PROT_READ);  /* its tables become p's */
	if (err == 0) {
		int64_t old = kcall_unmap(p->pid, va);
		err = old < 0 ? (int)old : 0;
	}
	buddy_free(probe, 0);
	return err;
}

int lend_frame(int pid, vaddr_t va, pfn_t pfn, bool writable)
{
	static const paddr_t none[MM_MAP_SPARES] = { PADDR_NONE, PADDR_NONE, PADDR_NONE };
	if (!pfn_valid(pfn))
		return -ERR_INVAL;
	int used = kcall_map(pid, va, pfn_to_pa(pfn),
			     MM_RIGHT_READ | (writable ? MM_RIGHT_WRITE : 0), none);
	return used < 0 ? used : 0;
}

int lend_return(int pid, vaddr_t va, pfn_t pfn)
{
	int64_t old = kcall_unmap(pid, va);
	if (old == -ERR_SRCH)
		return -ERR_SRCH;
	if (old < 0 || ((paddr_t)old & PAGE_MASK) != pfn_to_pa(pfn)) {
		mm_bug("lend_return: pid %d window %#lx: lent pfn %lu, found %#lx",
		       pid, (unsigned long)va, pfn, (unsigned long)old);
		return -ERR_BUG;
	}
	return 0;
}

int lend_call(int pid, vaddr_t va, const pfn_t *pfns, unsigned n, bool writable,
	      struct ipc_msg *m)
{
	unsigned lent = 0;
	int err = 0;
	while (lent < n && (err = lend_frame(pid, va + lent * PAGE_SIZE, pfns[lent], writable)) == 0)
		lent++;
	if (err == 0)
		err = kcall_call(pid, m);
	while (lent > 0) {
		lent--;
		int back = lend_return(pid, va + lent * PAGE_SIZE, pfns[lent]);
		if (back < 0 && back != -ERR_SRCH)
			err = back;
	}
	return err < 0 ? err : (int)m->tag;
}
