/*
 * lend.h - lending frames to a server process for the length of one
 * request (lend.c): the swap device's transfers today, DMA grants later.
 */
#ifndef MM_LEND_H
#define MM_LEND_H

#include "mm.h"

/* Make the page tables of the window [va, va + pages * 4 KiB) of p now,
 * once, so that lending never needs a frame: the window must lie within
 * one page table's span (2 MiB). 0 or -ERR_x (nothing is left mapped). */
int lend_window_init(struct mm_proc *p, vaddr_t va, unsigned pages);
/* Map frame pfn at va in pid (a window made by lend_window_init), with
 * write access if `writable`. 0 or -ERR_x (then nothing is mapped). */
int lend_frame(int pid, vaddr_t va, pfn_t pfn, bool writable);
/* Take the frame lent at va back. 0; -ERR_SRCH if pid has died (its
 * tables are dropped with it; the frame was never its). A mapping that is
 * not the frame lent is a bug (mm_bug). */
int lend_return(int pid, vaddr_t va, pfn_t pfn);
/* CALL pid with m (replaced by the reply) while the n frames pfns[] are
 * lent at va, va + 4 KiB, ...; every frame is taken back before this
 * returns, whatever the answer. The reply's tag, or -ERR_x. */
int lend_call(int pid, vaddr_t va, const pfn_t *pfns, unsigned n, bool writable,
	      struct ipc_msg *m);

#endif
