/*
 * lackey2trace.c - a real program's memory references as a trace for
 * policysim: converts the output of valgrind's Lackey tool
 * (`valgrind --tool=lackey --trace-mem=yes --log-file=F prog`) to the
 * trace format, one page number per line followed by R or W.
 *
 * usage: lackey2trace [--instructions] [--dense] [--collapse]
 *                     [--page-size BYTES] [LACKEY_LOG]   (stdin without one)
 *
 * Lackey writes one line per access, with a hexadecimal address and a
 * size in bytes (valgrind's lackey/lk_main.c):
 *   "I  addr,size"  an instruction fetch: a read, kept with --instructions
 *   " L addr,size"  a load: a read
 *   " S addr,size"  a store: a write
 *   " M addr,size"  a modify (load then store, e.g. inc [mem]): a read, then a write
 * and valgrind's own messages begin with "==PID==" (skipped, as blank
 * lines are). An access that crosses a page boundary references each page
 * it touches, in address order (a modify: all its reads, then its
 * writes). A page is the address divided by the page size (4096 by
 * default, any power of two from 512 to 2^30).
 *
 * --dense renumbers the pages 0, 1, 2 ... in order of first reference (a
 * hash table from page to number, open addressing, doubled at half full);
 * policysim renumbers anyway, so it only makes the file smaller and
 * readable. --collapse writes a run of references to one page as one
 * line, W if any of them wrote: no eviction can happen inside such a run,
 * so every policy takes the same faults (with the faulting access setting
 * the accessed bit, policysim's default) while the hit ratio, counted per
 * reference, rises. A summary goes to stderr.
 *
 * Any other line is an error naming the line, exit status 2 (a log
 * written with --log-file holds nothing else; the program's own output,
 * if mixed in, is refused rather than guessed at). Not supported: other
 * valgrind tools' formats, several processes in one log (valgrind
 * --trace-children writes one log per process with %p in the name).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct options {
	bool instructions, dense, collapse;
	uint64_t page_size;
	const char *path;           /* NULL: stdin */
};

/* Page -> dense number, in order of first reference. */
struct dense {
	uint64_t *key;              /* page + 1; 0: an empty slot */
	uint64_t *id;
	size_t cap, used;
};

struct out {
	bool pending;               /* a reference is held back (--collapse) */
	uint64_t page;
	bool write;
	uint64_t accesses, refs;    /* lackey lines used, lines written */
};

static const char usage_text[] =
	"usage: lackey2trace [--instructions] [--dense] [--collapse]\n"
	"                    [--page-size BYTES] [LACKEY_LOG]\n"
	"\n"
	"Converts valgrind --tool=lackey --trace-mem=yes output (LACKEY_LOG, or\n"
	"stdin) to policysim's trace format on stdout: one page number per line,\n"
	"then R or W. Loads are reads, stores writes, a modify a read then a write.\n"
	"\n"
	"  --instructions   include instruction fetches (I lines) as reads\n"
	"  --dense          number the pages 0, 1, 2 ... in order of first use\n"
	"  --collapse       one line for a run of references to one page (W if\n"
	"                   any wrote): the same faults, fewer lines\n"
	"  --page-size N    bytes per page, a power of two 512..2^30 (4096)\n"
	"  --help           this text\n"
	"\n"
	"Exit status: 0, or 2 for bad arguments or a line that is not Lackey's.\n";

static void __attribute__((noreturn, format(printf, 1, 2))) bad(const char *fmt, ...);
static void bad(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("lackey2trace: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);
	if (!p)
		bad("out of memory");
	return p;
}

/* ---- dense numbering ------------------------------------------------------ */

static size_t slot_of(const struct dense *d, uint64_t key)
{
	size_t i = (size_t)((key * 0x9e3779b97f4a7c15ull) >> 20) & (d->cap - 1);
	while (d->key[i] && d->key[i] != key)
		i = (i + 1) & (d->cap - 1);
	return i;
}

static void dense_grow(struct dense *d)
{
	struct dense n = { xcalloc(d->cap * 2, sizeof *n.key), xcalloc(d->cap * 2, sizeof *n.id),
			   d->cap * 2, d->used };
	for (size_t i = 0; i < d->cap; i++)
		if (d->key[i]) {
			size_t s = slot_of(&n, d->key[i]);
			n.key[s] = d->key[i];
			n.id[s] = d->id[i];
		}
	free(d->key);
	free(d->id);
	*d = n;
}

static uint64_t dense_number(struct dense *d, uint64_t page)
{
	if (2 * (d->used + 1) > d->cap)
		dense_grow(d);
	size_t s = slot_of(d, page + 1);
	if (!d->key[s]) {
		d->key[s] = page + 1;
		d->id[s] = d->used++;
	}
	return d->id[s];
}

/* ---- output --------------------------------------------------------------- */

static void put_line(struct out *o, uint64_t page, bool write)
{
	printf("%llu %c\n", (unsigned long long)page, write ? 'W' : 'R');
	o->refs++;
}

static void reference(const struct options *opt, struct dense *d, struct out *o,
		      uint64_t page, bool write)
{
	if (opt->dense)
		page = dense_number(d, page);
	if (!opt->collapse) {
		put_line(o, page, write);
		return;
	}
	if (o->pending && o->page == page) {
		o->write = o->write || write;
		return;
	}
	if (o->pending)
		put_line(o, o->page, o->write);
	o->pending = true;
	o->page = page;
	o->write = write;
}

/* ---- input ---------------------------------------------------------------- */

/* "addr,size" (hex, decimal), nothing after but spaces: true with both. */
static bool address(const char *s, uint64_t *addr, uint64_t *size)
{
	char *end;
	if (!*s || !strchr("0123456789abcdefABCDEF", *s))
		return false;
	errno = 0;
	*addr = strtoull(s, &end, 16);
	if (errno || *end != ',' || end[1] < '0' || end[1] > '9')
		return false;
	*size = strtoull(end + 1, &end, 10);
	if (errno || *size == 0 || *size > (1u << 20))
		return false;
	end += strspn(end, " \t\r\n");
	return *end == '\0' && *addr + *size - 1 >= *addr;
}

/* One line: 0 (used or skipped) or -1 (not Lackey's). */
static int convert_line(const struct options *opt, struct dense *d, struct out *o,
			const char *line)
{
	char kind;
	const char *rest;
	if (line[strspn(line, " \t\r\n")] == '\0' || !strncmp(line, "==", 2))
		return 0;
	if (line[0] == 'I' && line[1] == ' ' && line[2] == ' ')
		kind = 'I', rest = line + 3;
	else if (line[0] == ' ' && line[1] && strchr("LSM", line[1]) && line[2] == ' ')
		kind = line[1], rest = line + 3;
	else
		return -1;
	uint64_t addr, size;
	if (!address(rest, &addr, &size))
		return -1;
	if (kind == 'I' && !opt->instructions)
		return 0;
	o->accesses++;
	uint64_t first = addr / opt->page_size, last = (addr + size - 1) / opt->page_size;
	for (uint64_t p = first; p <= last; p++)
		reference(opt, d, o, p, kind == 'S');
	for (uint64_t p = first; kind == 'M' && p <= last; p++)
		reference(opt, d, o, p, true);
	return 0;
}

static void parse(int argc, char **argv, struct options *o)
{
	*o = (struct options){ .page_size = 4096 };
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help")) {
			fputs(usage_text, stdout);
			exit(0);
		} else if (!strcmp(a, "--instructions")) {
			o->instructions = true;
		} else if (!strcmp(a, "--dense")) {
			o->dense = true;
		} else if (!strcmp(a, "--collapse")) {
			o->collapse = true;
		} else if (!strcmp(a, "--page-size")) {
			char *end = NULL;
			const char *v = i + 1 < argc ? argv[++i] : "";
			unsigned long long n = strtoull(v, &end, 10);
			if (!*v || *end || n < 512 || n > (1ull << 30) || (n & (n - 1)))
				bad("--page-size: '%s' is not a power of two from 512 to 2^30 "
				    "(lackey2trace --help)", v);
			o->page_size = n;
		} else {
			bad("unknown option %s (lackey2trace --help)", a);
		}
	}
	if (argc - i > 1)
		bad("one Lackey log at most (lackey2trace --help)");
	o->path = i < argc ? argv[i] : NULL;
}

int main(int argc, char **argv)
{
	struct options opt;
	parse(argc, argv, &opt);
	FILE *in = opt.path ? fopen(opt.path, "r") : stdin;
	if (!in)
		bad("%s: %s", opt.path, strerror(errno));
	const char *name = opt.path ? opt.path : "stdin";
	struct dense d = { xcalloc(1024, sizeof *d.key), xcalloc(1024, sizeof *d.id), 1024, 0 };
	struct out o = { 0 };
	char *line = NULL;
	size_t cap = 0;
	for (unsigned long lineno = 1; getline(&line, &cap, in) >= 0; lineno++)
		if (convert_line(&opt, &d, &o, line) < 0)
			bad("%s:%lu: not a Lackey --trace-mem line (I, L, S or M addr,size, or ==PID==)",
			    name, lineno);
	if (o.pending)
		put_line(&o, o.page, o.write);
	if (fflush(stdout) != 0)
		bad("writing the trace: %s", strerror(errno));
	fprintf(stderr, "lackey2trace: %s: %llu accesses, %llu references%s\n", name,
		(unsigned long long)o.accesses, (unsigned long long)o.refs,
		opt.dense ? "" : " (pages not renumbered)");
	if (opt.dense)
		fprintf(stderr, "lackey2trace: %llu distinct pages\n", (unsigned long long)d.used);
	free(line);
	free(d.key);
	free(d.id);
	if (in != stdin)
		fclose(in);
	return 0;
}
