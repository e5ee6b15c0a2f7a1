/*
 * policysim.h - the page-replacement simulator's core (tools/policysim):
 * a reference string (trace.c), the two references only a simulator can
 * run - exact LRU (lru.c) and Belady's OPT (opt.c) - and the dispatch by
 * name over them and the real policies of servers/mm (sim.c).
 */
#ifndef POLICYSIM_H
#define POLICYSIM_H

#include <stddef.h>
#include <pagoda/types.h>

/* A reference string with its pages renumbered densely, 0 .. distinct-1
 * in order of first reference. */
struct trace {
	uint32_t *page;
	bool *write;                /* the reference is a write (W) */
	size_t n;
	unsigned distinct;
};

/* Read a trace file: one page number per line, optionally followed by R
 * or W. 0, or -1 with a message in err (the file and line named). */
int trace_read(const char *path, struct trace *t, char *err, size_t errlen);
/* A trace of n reads of pages[] (the tests' strings). */
void trace_from(struct trace *t, const unsigned *pages, size_t n);
void trace_free(struct trace *t);

/* Faults of t with `frames` frames under exact LRU / Belady's OPT. */
uint64_t lru_faults(const struct trace *t, unsigned frames);
uint64_t opt_faults(const struct trace *t, unsigned frames);

/* Faults of t with `frames` frames under the policy called name: a
 * policy of servers/mm with its parameters ("wsclock:tau=50", as
 * policy_parse reads them) on the model of machine.c, whose
 * faulting reference sets the new frame's accessed bit if miss_sets_bit,
 * or "lru" or "opt". 0, or -1 if name is neither. */
int sim_faults(const char *name, const struct trace *t, unsigned frames,
	       bool miss_sets_bit, uint64_t *faults);
/* The simulator's own references, "lru" and "opt", NULL-terminated
 * (`--policy all` runs policy_table's policies, then these). */
extern const char *const sim_references[];

#endif
