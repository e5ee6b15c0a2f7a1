/*
 * oom.h - the out-of-memory killer (oom.c), the last resort of a fault
 * that finds no frame: nothing free, nothing reclaimable, swap full.
 */
#ifndef MM_OOM_H
#define MM_OOM_H

#include "mm.h"

enum oom_result {
	OOM_KILLED_OTHER,   /* a victim was killed: retry once its exit report is in */
	OOM_PENDING,        /* an earlier victim's exit report is still to come: retry */
	OOM_KILLED_SELF,    /* the faulting process was the victim: end it */
	OOM_NOBODY,         /* no process may be killed */
};

/* The badness of p: resident + swapped + page-table pages, plus
 * adj (oom_adj below); protected processes score 0 and are never chosen. */
uint64_t oom_score(const struct mm_proc *p);
/* A process is protected: init, sh and the swap device. */
bool oom_protected(const struct mm_proc *p);
/* Pick the process with the highest score, kill it and log one line
 * naming it, its score and the runner-up. `faulting` is the process whose
 * fault could not be served. */
enum oom_result oom_kill(struct mm_proc *faulting);

#endif
