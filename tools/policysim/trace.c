/*
 * trace.c - reference strings for the simulator: read from a file, or
 * generated from a spec (gen.c, the code the in-OS replay runs too).
 *
 * Format (/work/shared/traces/README.md): one page number per line, in
 * reference order, optionally followed by whitespace and R or W (a read
 * or a write; a bare number is a read). Page numbers are decimal, 0 to
 * 2^64-1 (a virtual address / 4096 from lackey2trace fits). Blank lines
 * are skipped; anything else is an error naming the file and line. Page
 * numbers are renumbered densely in order of first reference (sort the
 * distinct numbers, then a binary search per reference: O(n log n)), so
 * that the model's page table is an array of `distinct` entries; no
 * policy sees a page's number, so renumbering changes no fault count.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gen.h"
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

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* t->page[] from raw[0..t->n), renumbered densely in order of first
 * reference; t->distinct set. */
static void renumber(struct trace *t, const uint64_t *raw)
{
	uint64_t *sorted = xrealloc(NULL, t->n * sizeof *sorted);
	memcpy(sorted, raw, t->n * sizeof *sorted);
	qsort(sorted, t->n, sizeof *sorted, cmp_u64);
	size_t d = 0;
	for (size_t i = 0; i < t->n; i++)
		if (d == 0 || sorted[d - 1] != sorted[i])
			sorted[d++] = sorted[i];
	uint32_t *id = xrealloc(NULL, d * sizeof *id);     /* by rank: dense number + 1 */
	memset(id, 0, d * sizeof *id);
	t->page = xrealloc(t->page, t->n * sizeof *t->page);
	unsigned next = 0;
	for (size_t i = 0; i < t->n; i++) {
		uint64_t *at = bsearch(&raw[i], sorted, d, sizeof *sorted, cmp_u64);
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
static int parse_line(char *line, uint64_t *page, bool *write)
{
	char *p = line;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\n' || *p == '\r' || *p == '\0')
		return 0;
	if (*p < '0' || *p > '9')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(p, &p, 10);
	if (errno)
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
	*page = (uint64_t)v;
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
	uint64_t *raw = NULL;
	char line[256];
	for (unsigned long lineno = 1; fgets(line, sizeof line, f); lineno++) {
		uint64_t page;
		bool write;
		int r = parse_line(line, &page, &write);
		if (r < 0) {
			snprintf(err, errlen, "%s:%lu: not a page number with an optional R or W",
				 path, lineno);
			fclose(f);
			free(raw);
			trace_free(t);
			return -1;
		}
		if (r == 0)
			continue;
		if (t->n == cap) {
			cap = cap ? 2 * cap : 4096;
			raw = xrealloc(raw, cap * sizeof *raw);
			t->write = xrealloc(t->write, cap * sizeof *t->write);
		}
		raw[t->n] = page;
		t->write[t->n++] = write;
	}
	fclose(f);
	if (t->n == 0) {
		snprintf(err, errlen, "%s: no references", path);
		trace_free(t);
		return -1;
	}
	renumber(t, raw);
	free(raw);
	return 0;
}

void trace_from(struct trace *t, const unsigned *pages, size_t n)
{
	memset(t, 0, sizeof *t);
	t->n = n;
	uint64_t *raw = xrealloc(NULL, n * sizeof *raw);
	t->write = xrealloc(NULL, n * sizeof *t->write);
	for (size_t i = 0; i < n; i++) {
		raw[i] = pages[i];
		t->write[i] = false;
	}
	renumber(t, raw);
	free(raw);
}

void trace_generate(struct trace *t, const struct gen_spec *s)
{
	memset(t, 0, sizeof *t);
	t->n = (size_t)s->len;
	uint32_t *page = xrealloc(NULL, t->n * sizeof *page);
	uint64_t *raw = xrealloc(NULL, t->n * sizeof *raw);
	t->write = xrealloc(NULL, t->n * sizeof *t->write);
	gen_fill(s, 0, s->len, page, t->write);
	for (size_t i = 0; i < t->n; i++)
		raw[i] = page[i];
	free(page);
	renumber(t, raw);
	free(raw);
}

void trace_free(struct trace *t)
{
	free(t->page);
	free(t->write);
	memset(t, 0, sizeof *t);
}
