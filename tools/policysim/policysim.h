/*
 * policysim.h - the page-replacement simulator's core (tools/policysim):
 * a reference string read or generated (trace.c, gen.c), the two
 * references only a simulator can run - exact LRU (lru.c) and Belady's
 * OPT (opt.c) - the dispatch by name over them and the real policies of
 * servers/mm (sim.c), the published figures to compare with
 * (reftable.c), and the three forms of the output (report.c).
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
/* The string of a workload spec (gen.h), renumbered like a file's. */
struct gen_spec;
void trace_generate(struct trace *t, const struct gen_spec *s);
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

/* What to print for each reference string (report.c): the policies by
 * name (sim_faults's names), the frame counts, and the model's
 * convention for a new frame's accessed bit. */
struct reftable;
struct report {
	const char *const *policies;
	unsigned npolicies;
	const unsigned *frames;
	unsigned nframes;
	bool miss_sets_bit;
};
#define REPORT_FRAMES_MAX 64
#define REPORT_CSV_HEADER "trace,policy,frames,references,faults,hit_ratio\n"
/* The table of trace `name`: per frame count and policy, faults and hit ratio. */
void report_table(const struct report *r, const char *name, const struct trace *t);
/* Its CSV rows (REPORT_CSV_HEADER's columns), policy by policy. */
void report_csv(const struct report *r, const char *name, const struct trace *t);
/* Per policy its hit ratio beside rt's figure (the table called `table`
 * in the heading), at r's frame counts or, if it has none, at rt's rows
 * for the trace: 0, or -1 if there are neither. */
int report_compare(const struct report *r, const struct reftable *rt, const char *table,
		   const char *name, const struct trace *t);

/* A table of published hit ratios: the Markdown table of
 * /work/shared/traces/README.md, "| trace | cache blocks | OPT | FIFO |
 * ...", one row per trace and frame count. */
#define REFTABLE_COLS 12
#define REFTABLE_ROWS 64
struct reftable {
	unsigned ncols;
	char col[REFTABLE_COLS][16];        /* "OPT", "FIFO", ... */
	unsigned nrows;
	struct reftable_row {
		char trace[64];             /* "sprite" */
		unsigned frames;
		int permille[REFTABLE_COLS]; /* hit ratio in tenths of a percent, -1 blank */
	} row[REFTABLE_ROWS];
};
/* Read the first such table of path: 0, or -1 with why in err. */
int reftable_read(const char *path, struct reftable *rt, char *err, size_t errlen);
/* The column that stands for policy (its name before any ':'): fifo
 * FIFO, clock CLOCK, lru LRU, opt OPT, car ARC, 2q 2Q, clockpro LIRS;
 * NULL for the others. */
const char *reftable_column_for(const char *policy);
/* The figure of trace at frames in column, in tenths of a percent, or -1. */
int reftable_figure(const struct reftable *rt, const char *trace, unsigned frames,
		    const char *column);
/* The frame counts of trace's rows, in table order, at most max: how many. */
unsigned reftable_frames(const struct reftable *rt, const char *trace, unsigned *frames,
			 unsigned max);
/* The name a table gives a trace file: its base name without extension. */
void reftable_trace_name(const char *path, char *name, size_t len);

#endif
