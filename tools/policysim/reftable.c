/*
 * reftable.c - published hit ratios to set the simulator's beside: the
 * Markdown table of /work/shared/traces/README.md,
 *
 *   | trace | cache blocks | OPT | FIFO | LRU | CLOCK | ARC | 2Q | LIRS |
 *   |---|---:|---:|...
 *   | sprite | 100 | 50.8 | 22.3 | ...
 *
 * read as: the first line of '|'-separated cells whose first cell is
 * "trace" names the columns from the third cell on; a line of dashes
 * follows; every later '|' line, up to the first line that is not one,
 * is a row: a trace name, a frame count, and per column a percentage
 * with one decimal (or nothing, or "-": no figure). Anything else in a
 * row is an error naming the line.
 *
 * Which column stands for which policy is a fixed table: the textbook
 * algorithms by their names, and for the reference-bit forms the
 * algorithm they approximate - CAR for ARC (Bansal & Modha 2004),
 * CLOCK-Pro for LIRS (Jiang, Chen & Zhang 2005), 2Q for 2Q.
 * Not supported: more than REFTABLE_ROWS rows or REFTABLE_COLS columns,
 * figures with more than one decimal.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "policysim.h"

#define MAX_CELLS (REFTABLE_COLS + 2)

static const struct {
	const char *policy, *column;
} stands_for[] = {
	{ "fifo", "FIFO" }, { "clock", "CLOCK" }, { "lru", "LRU" }, { "opt", "OPT" },
	{ "car", "ARC" },   { "2q", "2Q" },       { "clockpro", "LIRS" },
};

const char *reftable_column_for(const char *policy)
{
	size_t n = strcspn(policy, ":");
	for (size_t i = 0; i < sizeof stands_for / sizeof stands_for[0]; i++)
		if (strlen(stands_for[i].policy) == n && !strncmp(stands_for[i].policy, policy, n))
			return stands_for[i].column;
	return NULL;
}

/* Split a '|' line into trimmed cells (in place): how many, or -1. */
static int cells(char *line, char **cell)
{
	char *p = line + strspn(line, " \t");
	if (*p != '|')
		return -1;
	int n = 0;
	for (p++; *p && *p != '\n' && *p != '\r'; n++) {
		char *end = strchr(p, '|');
		if (!end || n == MAX_CELLS)
			break;
		*end = '\0';
		while (isspace((unsigned char)*p))
			p++;
		for (char *q = end; q > p && isspace((unsigned char)q[-1]); q--)
			q[-1] = '\0';
		cell[n] = p;
		p = end + 1;
	}
	return n;
}

/* "50.8" as 508; "", "-" as -1; -2 if it is neither. */
static int figure(const char *s)
{
	if (!*s || !strcmp(s, "-"))
		return -1;
	char *end;
	errno = 0;
	long whole = strtol(s, &end, 10);
	if (errno || end == s || whole < 0 || whole > 100)
		return -2;
	int tenth = 0;
	if (*end == '.') {
		if (!isdigit((unsigned char)end[1]) || end[2])
			return -2;
		tenth = end[1] - '0';
	} else if (*end) {
		return -2;
	}
	return (int)whole * 10 + tenth;
}

static int header(struct reftable *rt, char **cell, int n)
{
	if (n < 3 || strcmp(cell[0], "trace"))
		return -1;
	rt->ncols = (unsigned)(n - 2);
	for (int c = 2; c < n; c++)
		snprintf(rt->col[c - 2], sizeof rt->col[0], "%s", cell[c]);
	return 0;
}

static int add_row(struct reftable *rt, char **cell, int n)
{
	if (rt->nrows == REFTABLE_ROWS || n != (int)rt->ncols + 2)
		return -1;
	struct reftable_row *r = &rt->row[rt->nrows];
	char *end;
	unsigned long frames = strtoul(cell[1], &end, 10);
	if (!isdigit((unsigned char)cell[1][0]) || *end || frames == 0 || frames > 100000000)
		return -1;
	snprintf(r->trace, sizeof r->trace, "%s", cell[0]);
	r->frames = (unsigned)frames;
	for (unsigned c = 0; c < rt->ncols; c++)
		if ((r->permille[c] = figure(cell[c + 2])) == -2)
			return -1;
	rt->nrows++;
	return 0;
}

int reftable_read(const char *path, struct reftable *rt, char *err, size_t errlen)
{
	memset(rt, 0, sizeof *rt);
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	char line[1024], *cell[MAX_CELLS];
	int state = 0;          /* 0: before the header, 1: its dashes next, 2: rows */
	for (unsigned long lineno = 1; fgets(line, sizeof line, f); lineno++) {
		int n = cells(line, cell);
		if (state == 0 && n > 0 && header(rt, cell, n) == 0) {
			state = 1;
		} else if (state == 1) {
			state = 2;      /* the |---| line */
		} else if (state == 2 && n < 0) {
			break;
		} else if (state == 2 && add_row(rt, cell, n) < 0) {
			snprintf(err, errlen, "%s:%lu: not a row of %u hit ratios with a trace and "
				 "a frame count", path, lineno, rt->ncols);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	if (rt->nrows == 0) {
		snprintf(err, errlen, "%s: no table of hit ratios (| trace | cache blocks | ... |)",
			 path);
		return -1;
	}
	return 0;
}

static const struct reftable_row *find_row(const struct reftable *rt, const char *trace,
					   unsigned frames)
{
	for (unsigned i = 0; i < rt->nrows; i++)
		if (!strcmp(rt->row[i].trace, trace) && rt->row[i].frames == frames)
			return &rt->row[i];
	return NULL;
}

int reftable_figure(const struct reftable *rt, const char *trace, unsigned frames,
		    const char *column)
{
	const struct reftable_row *r = find_row(rt, trace, frames);
	for (unsigned c = 0; r && column && c < rt->ncols; c++)
		if (!strcmp(rt->col[c], column))
			return r->permille[c];
	return -1;
}

unsigned reftable_frames(const struct reftable *rt, const char *trace, unsigned *frames,
			 unsigned max)
{
	unsigned n = 0;
	for (unsigned i = 0; i < rt->nrows && n < max; i++)
		if (!strcmp(rt->row[i].trace, trace))
			frames[n++] = rt->row[i].frames;
	return n;
}

void reftable_trace_name(const char *path, char *name, size_t len)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strcspn(base, ".");
	snprintf(name, len, "%.*s", (int)n, base);
}
