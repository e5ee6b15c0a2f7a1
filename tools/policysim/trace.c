/*
 * trace.c - reference strings for the simulator.
 *
 * Format (/work/shared/traces/README.md): one page number per line, in
 * reference order, optionally followed by whitespace and R or W (a read
 * or a write; a bare number is a read). Blank lines are skipped; anything
 * else is an error naming the file and line. Page numbers are renumbered
 * densely in order of first reference (sort the distinct numbers, then a
 * binary search per reference: O(n log n)), so that the model's page
 * table is an array of `distinct` entries.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "policysim.h"

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "policysim: out of memory\n");
		exit(2);
	}
	return p;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* Renumber t->page[] densely in order of first reference. */
static void renumber(struct trace *t)
{
	uint32_t *sorted = xrealloc(NULL, t->n * sizeof *sorted);
	memcpy(sorted, t->page, t->n * sizeof *sorted);
	qsort(sorted, t->n, sizeof *sorted, cmp_u32);
	size_t d = 0;
	for (size_t i = 0; i < t->n; i++)
		if (d == 0 || sorted[d - 1] != sorted[i])
			sorted[d++] = sorted[i];
	uint32_t *id = xrealloc(NULL, d * sizeof *id);     /* by rank: dense number + 1 */
	memset(id, 0, d * sizeof *id);
	unsigned next = 0;
	for (size_t i = 0; i < t->n; i++) {
		uint32_t *at = bsearch(&t->page[i], sorted, d, sizeof *sorted, cmp_u32);
		size_t rank = (size_t)(at - sorted);
		if (!id[rank])
			id[rank] = ++next;
		t->page[i] = id[rank] - 1;
	}
	t->distinct = next;
	free(id);
	free(sorted);
}

/* One line: 1 (a reference), 0 (blank) or -1 (malformed). */
static int parse_line(char *line, uint32_t *page, bool *write)
{
	char *p = line;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\n' || *p == '\r' || *p == '\0')
		return 0;
	if (*p < '0' || *p > '9')
		return -1;
	errno = 0;
	unsigned long v = strtoul(p, &p, 10);
	if (errno || v > UINT32_MAX - 1)
		return -1;
	while (*p == ' ' || *p == '\t')
		p++;
	*write = false;
	if (*p == 'R' || *p == 'W') {
		*write = *p == 'W';
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
	}
	if (*p != '\n' && *p != '\r' && *p != '\0')
		return -1;
	*page = (uint32_t)v;
	return 1;
}

int trace_read(const char *path, struct trace *t, char *err, size_t errlen)
{
	memset(t, 0, sizeof *t);
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	size_t cap = 0;
	char line[256];
	for (unsigned long lineno = 1; fgets(line, sizeof line, f); lineno++) {
		uint32_t page;
		bool write;
		int r = parse_line(line, &page, &write);
		if (r < 0) {
			snprintf(err, errlen, "%s:%lu: not a page number with an optional R or W",
				 path, lineno);
			fclose(f);
			trace_free(t);
			return -1;
		}
		if (r == 0)
			continue;
		if (t->n == cap) {
			cap = cap ? 2 * cap : 4096;
			t->page = xrealloc(t->page, cap * sizeof *t->page);
			t->write = xrealloc(t->write, cap * sizeof *t->write);
		}
		t->page[t->n] = page;
		t->write[t->n++] = write;
	}
	fclose(f);
	if (t->n == 0) {
		snprintf(err, errlen, "%s: no references", path);
		trace_free(t);
		return -1;
	}
	renumber(t);
	return 0;
}

void trace_from(struct trace *t, const unsigned *pages, size_t n)
{
	t->n = n;
	t->page = xrealloc(NULL, n * sizeof *t->page);
	t->write = xrealloc(NULL, n * sizeof *t->write);
	for (size_t i = 0; i < n; i++) {
		t->page[i] = pages[i];
		t->write[i] = false;
	}
	renumber(t);
}

void trace_free(struct trace *t)
{
	free(t->page);
	free(t->write);
	memset(t, 0, sizeof *t);
}
