/*
 * report.c - what policysim prints for one reference string: the table
 * (per frame count and policy, faults and hit ratio), the CSV (a trace's
 * rows policy by policy, so that a plot's line is a run of rows; a field
 * holding a comma or a quote is quoted as RFC 4180 says), and the
 * comparison with a table of published hit ratios (reftable.c). Every
 * count comes from sim_faults; the hit ratio is the percent of
 * references that hit, cold misses included, rounded half up to a
 * tenth, as in /work/shared/traces/README.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "policysim.h"

/* Hit ratio in tenths of a percent, rounded half up. */
static uint64_t hit_permille(uint64_t refs, uint64_t faults)
{
	return ((refs - faults) * 2000 + refs) / (2 * refs);
}

static uint64_t faults_of(const struct report *r, const char *policy, const struct trace *t,
			  unsigned frames)
{
	uint64_t faults;
	if (sim_faults(policy, t, frames, r->miss_sets_bit, &faults) < 0) {
		fprintf(stderr, "policysim: no policy called '%s'\n", policy);
		exit(2);
	}
	return faults;
}

static void print_permille(uint64_t pm, int width)
{
	printf("%*llu.%llu", width - 2, (unsigned long long)(pm / 10),
	       (unsigned long long)(pm % 10));
}

static void print_heading(const struct report *r, const char *name, const struct trace *t)
{
	printf("%s: %zu references, %u distinct pages; a new frame enters with its bit %s\n",
	       name, t->n, t->distinct,
	       r->miss_sets_bit ? "set (the hardware)" : "clear (the textbook CLOCK)");
}

/* The width of the policy column: its longest name, at least 8. */
static int name_width(const struct report *r)
{
	size_t w = 8;
	for (unsigned p = 0; p < r->npolicies; p++)
		if (strlen(r->policies[p]) > w)
			w = strlen(r->policies[p]);
	return (int)w;
}

void report_table(const struct report *r, const char *name, const struct trace *t)
{
	int w = name_width(r);
	print_heading(r, name, t);
	printf("%-*s %10s %12s %8s\n", w, "policy", "frames", "faults", "hit %");
	for (unsigned f = 0; f < r->nframes; f++)
		for (unsigned p = 0; p < r->npolicies; p++) {
			uint64_t faults = faults_of(r, r->policies[p], t, r->frames[f]);
			printf("%-*s %10u %12llu ", w, r->policies[p], r->frames[f],
			       (unsigned long long)faults);
			print_permille(hit_permille(t->n, faults), 8);
			putchar('\n');
		}
}

/* A CSV field, quoted (RFC 4180) if it holds a comma or a quote. */
static void csv_field(const char *s)
{
	if (!strpbrk(s, ",\"")) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

void report_csv(const struct report *r, const char *name, const struct trace *t)
{
	for (unsigned p = 0; p < r->npolicies; p++)
		for (unsigned f = 0; f < r->nframes; f++) {
			uint64_t faults = faults_of(r, r->policies[p], t, r->frames[f]);
			csv_field(name);
			putchar(',');
			csv_field(r->policies[p]);
			printf(",%u,%zu,%llu,%.3f\n", r->frames[f], t->n, (unsigned long long)faults,
			       100.0 * (double)(t->n - faults) / (double)t->n);
		}
}

/* Per policy a row: the table's column, then per frame count the
 * simulator's hit ratio and the table's figure. */
int report_compare(const struct report *r, const struct reftable *rt, const char *table,
		   const char *name, const struct trace *t)
{
	char ref[64];
	unsigned frames[REPORT_FRAMES_MAX], nframes = r->nframes;
	reftable_trace_name(name, ref, sizeof ref);
	if (nframes > REPORT_FRAMES_MAX)
		nframes = REPORT_FRAMES_MAX;
	memcpy(frames, r->frames, nframes * sizeof *frames);
	if (nframes == 0 && (nframes = reftable_frames(rt, ref, frames, REPORT_FRAMES_MAX)) == 0)
		return -1;
	print_heading(r, name, t);
	printf("hit ratio in percent: the simulator's, then %s's figure for the policy's column\n",
	       table);
	int w = name_width(r) + 2;
	printf("%-*s %-7s", w, "policy", "column");
	for (unsigned f = 0; f < nframes; f++)
		printf("  %7u frames", frames[f]);
	putchar('\n');
	for (unsigned p = 0; p < r->npolicies; p++) {
		const char *col = reftable_column_for(r->policies[p]);
		printf("%-*s %-7s", w, r->policies[p], col ? col : "-");
		for (unsigned f = 0; f < nframes; f++) {
			int fig = reftable_figure(rt, ref, frames[f], col);
			printf("  ");
			print_permille(hit_permille(t->n, faults_of(r, r->policies[p], t, frames[f])), 7);
			if (fig < 0)
				printf("  %6s", "-");
			else
				print_permille((uint64_t)fig, 8);
		}
		putchar('\n');
	}
	return 0;
}
