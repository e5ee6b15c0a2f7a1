/*
 * check.h - the memory server's invariant checkers (check.c).
 *
 * Each walks the server's structures, reports every broken invariant with
 * mm_bug() (the message names the checker, the pid and the frame or
 * address) and returns how many it found: 0 means all is well. The host
 * tests call them after every step; the live server calls mm_check_all()
 * after every message when booted with the debug option `check` on its
 * module line (MM_DEBUG_CHECK, see mm_env.h).
 */
#ifndef MM_CHECK_H
#define MM_CHECK_H

#include "mm.h"

/* R1-R4: p's regions are sorted, disjoint, page aligned, inside
 * [USER_MIN, USER_TOP), and each is a consistent record of its kind. */
unsigned region_check(struct mm_proc *p);

/* P1-P7: p's frame list is well formed, every frame on it names p as its
 * owner and says where it is mapped; resident and pagetables equal what
 * the list holds; each private page is mapped (kcall_lookup) at its
 * address, with its region's rights, and each shared page touched through
 * p is the object's frame. */
unsigned mm_proc_check(struct mm_proc *p);

/* F1-F3: every allocated frame a descriptor says a process owns belongs
 * to a process the server knows and is on that process's frame list;
 * every DMA frame is pinned, mm's, and held by a grant or mapping. */
unsigned mm_frames_check(void);

/* buddy_check, slab_check, swap_check (slots, swap cache, records),
 * reclaim_check (the pools), grant_check and dma_stream_check (dma.h),
 * then the three above over every process. */
unsigned mm_check_all(void);

#endif
