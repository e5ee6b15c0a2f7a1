/*
 * vmstat.h - the memory server's paging counters and its event ring.
 *
 * Counters: one global struct, incremented where things happen (swap.c,
 * reclaim.c, fault.c, oom.c) and reported by MM_VMSTAT (memstat shows
 * them; `memstat -k` prints them as `key value` lines). Per-process
 * figures (major and minor faults, swapped pages) live in struct mm_proc.
 *
 * Events: when recording is on, every paging event is appended to a ring
 * of MM_EVENT_RING entries (the oldest are overwritten) which a program
 * reads with MM_EVENTS; the text format is in docs/events.md.
 */
#ifndef MM_VMSTAT_H
#define MM_VMSTAT_H

#include <pagoda/types.h>

struct mm_vmstat {
	uint64_t swapins;           /* pages read from swap (major faults) */
	uint64_t swapouts;          /* pages written to swap */
	uint64_t evict_clean;       /* pages given up without a write */
	uint64_t evict_dirty;       /* pages given up after a write */
	uint64_t reclaim_background;/* pages freed by the background reclaimer */
	uint64_t reclaim_direct;    /* pages freed by a fault that found memory short */
	uint64_t oom_kills;
	uint64_t major_faults;
	uint64_t minor_faults;
};

extern struct mm_vmstat mm_vmstat;

enum mm_event_kind {
	MM_EV_FAULT_MINOR = 1,      /* a page filled without swap */
	MM_EV_FAULT_MAJOR,          /* a page read back from swap */
	MM_EV_EVICT_CLEAN,          /* given up, no write (its swap copy is valid) */
	MM_EV_EVICT_DIRTY,          /* written to swap, then given up */
	MM_EV_SWAPIN,               /* a slot's contents read into a frame */
};

/* Record one event (a no-op unless recording is on). slot: ~0 if none. */
void mm_event(enum mm_event_kind kind, int pid, vaddr_t va, pfn_t pfn, uint64_t slot);

#endif
