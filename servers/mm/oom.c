/*
 * oom.c - the out-of-memory killer.
 *
 * When a fault cannot be served - no free frame within the watermarks or
 * the usermem cap, nothing the policy offers can be evicted (pinned, or
 * swap full) - mm frees memory the only way left: it ends a process. The
 * victim is the process with the highest score
 *
 *     score = resident + swapped + pagetables        (pages)
 *
 * i.e. everything the process holds in RAM or on the device, the measure
 * Linux's oom_badness() uses (rss + swap entries + page tables, Rik van
 * Riel and David Rientjes's 2010 rewrite), without its oom_score_adj
 * scale: here the adjustment is a protection, not a weight. init (the
 * process tree's root and the test harness), sh (the user's shell) and
 * the swap device (the ramdisk: killing it would lose every swapped page)
 * are never chosen. Ties go to the newest process (the list is newest
 * first), which has usually done the least work.
 *
 * mm logs one line
 *     oom: killed pid N (name), score S (R resident, W swapped, T page tables);
 *          runner-up pid M (name), score S2
 * kills it (SYS_MM_KILL; its exit report then frees every frame and slot
 * it had, through the normal exit path) and tells the fault path to retry:
 * the fault is answered MM_FAULT_RESUME without a page, so the thread
 * faults again, by which time the exit report (queued by the kill before
 * the new fault) has freed the memory. A victim whose report is still
 * outstanding is not killed twice and blocks no other victim choice
 * (OOM_PENDING). If the faulting process is itself the victim its fault
 * is answered KILL.
 */
#include <stdio.h>
#include <string.h>
#include "oom.h"
#include "swapdev.h"
#include "vmstat.h"
#include "kcall.h"

bool oom_protected(const struct mm_proc *p)
{
	return !strcmp(p->name, "init") || !strcmp(p->name, "sh") ||
	       (swapdev_pid() > 0 && p->pid == swapdev_pid());
}

uint64_t oom_score(const struct mm_proc *p)
{
	if (!p->alive || oom_protected(p))
		return 0;
	return p->resident + p->swapped + p->pagetables;
}

static bool pending_victim(void)
{
	for (struct mm_proc *p = mm_proc_first(); p; p = p->next)
		if (p->alive && p->oom_killed)
			return true;
	return false;
}

static void log_kill(const struct mm_proc *v, const struct mm_proc *second)
{
	printf("oom: killed pid %d (%s), score %lu (%lu resident, %lu swapped, %lu page tables); ",
	       v->pid, v->name, (unsigned long)oom_score(v), (unsigned long)v->resident,
	       (unsigned long)v->swapped, (unsigned long)v->pagetables);
	if (second)
		printf("runner-up pid %d (%s), score %lu\n", second->pid, second->name,
		       (unsigned long)oom_score(second));
	else
		printf("no runner-up\n");
	fflush(stdout);
}

enum oom_result oom_kill(struct mm_proc *faulting)
{
	if (pending_victim())
		return OOM_PENDING;
	struct mm_proc *best = NULL, *second = NULL;
	for (struct mm_proc *p = mm_proc_first(); p; p = p->next) {
		if (!oom_score(p))
			continue;
		if (!best || oom_score(p) > oom_score(best)) {
			second = best;
			best = p;
		} else if (!second || oom_score(p) > oom_score(second)) {
			second = p;
		}
	}
	if (!best)
		return OOM_NOBODY;
	log_kill(best, second);
	mm_vmstat.oom_kills++;
	if (best == faulting)
		return OOM_KILLED_SELF;
	best->oom_killed = true;
	kcall_kill(best->pid, -1);      /* ERR_SRCH: already ending, its report is on the way */
	return OOM_KILLED_OTHER;
}
