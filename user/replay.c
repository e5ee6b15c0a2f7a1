/*
 * replay - touch the pages of a budgeted mapping in the order of a
 * reference string, and count the faults: the OS's half of the
 * page-replacement lab (docs/policies.md).
 *
 *   replay gen SPEC FRAMES [switch=AT:POLICY]
 *       a generated string, SPEC as tools/policysim/gen.h names one
 *       ("shift:pages=96,len=3000,seed=7", or in words "shift pages=96
 *       len=3000 seed=7": the words between gen and FRAMES): the very
 *       function the simulator uses (policysim --gen), compiled into
 *       this program, so both replay the same references
 *   replay trace MODULE FRAMES [switch=AT:POLICY]
 *       the string in boot module MODULE (read with MM_MODULE_READ), in
 *       the format of /work/shared/traces: one page number a line,
 *       optionally followed by R or W; blank lines skipped
 *
 * The pages are those of one anonymous mapping with a budget of FRAMES
 * frames (MM_MAP_BUDGET: local replacement, the active policy choosing
 * the victims; evicted pages go to swap). A trace's page numbers are
 * renumbered densely (by rank), so the mapping has one page per distinct
 * page of the string. Each reference reads the page's first word and
 * checks it holds what the last write put there (0 before any), and a
 * write reference then stores a new value: the data must survive swap.
 *
 * Only the mapping's pages share the budget: the program's code, stack,
 * heap (the string, the expected values) are in the global pool, made
 * resident before the run, and background reclaim never takes a budget's
 * frames (reclaim.c). A fault is counted when the process's fault
 * counters (MM_PROCINFO_PAGING, major + minor) moved across the access
 * itself; the calls are warmed up first, so nothing else runs between
 * the two readings. Printed at the end:
 *
 *   replay: F faults (major M, minor m), E extra, pool admitted A, data ok|BAD, policy TEXT
 *
 * F is the number of references that faulted - what policysim counts;
 * E the faults beyond one per such reference (0 unless something else
 * faulted inside the window); A the frames the mapping's pool admitted
 * (MM_VMSTAT), a second count of the same faults from mm's side; TEXT
 * the policy that ran (MM_VMSTAT's policy_text). switch=AT:POLICY
 * switches policy (MM_POLICY) before reference AT, with the mapping's
 * pages resident; then F mixes two policies and is not the simulator's,
 * and A counts the frames handed over to the new policy too.
 *
 * Exit status: 0, 1 (bad data, or mm refused something), 2 (usage).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pagoda/sys.h>
#include "gen.h"
#include <pagoda/about.h>

PAGODA_ABOUT("replays a reference string against a budget, counting faults");

#define PAGE 4096UL
#define MAP_PAGES_MAX ((1UL << 30) / PAGE)      /* MM_MMAP's longest region */

typedef unsigned long long ull;

/* The reference string: generated on the fly, or read from a module. */
struct refs {
	bool generated;
	struct gen_spec gen;
	uint32_t *page;             /* a trace's, renumbered */
	uint8_t *write;
	size_t n, next;
	uint32_t pages;             /* pages of the mapping */
};

struct counts {
	uint64_t faults, major, minor, extra;
};

static bool next_ref(struct refs *r, uint32_t *page, bool *write)
{
	if (r->next == r->n)
		return false;
	if (r->generated) {
		*page = gen_page(&r->gen, r->next);
		*write = gen_write(&r->gen, r->next++);
		return true;
	}
	*page = r->page[r->next];
	*write = r->write[r->next++];
	return true;
}

/* ---- the trace module ------------------------------------------------------ */

static char *read_module(const char *name, uint64_t *size)
{
	int64_t got = mm_module_read(name, 0, NULL, 0, size);
	if (got < 0) {
		printf("replay: cannot read module '%s': %s\n", name, pagoda_strerror((int)got));
		return NULL;
	}
	char *buf = malloc(*size + 1);
	for (uint64_t at = 0; buf && at < *size; at += (uint64_t)got) {
		got = mm_module_read(name, at, buf + at, MM_MODULE_READ_MAX, NULL);
		if (got <= 0) {
			printf("replay: reading module '%s' at %llu: %s\n", name, (ull)at,
			       got < 0 ? pagoda_strerror((int)got) : "it ended early");
			free(buf);
			return NULL;
		}
	}
	if (buf)
		buf[*size] = '\0';
	return buf;
}

/* One line of a trace: 1 (a reference), 0 (blank), -1 (malformed). */
static int parse_line(const char *s, const char *end, uint32_t *page, bool *write)
{
	uint64_t v = 0;
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++;
	if (s == end)
		return 0;
	const char *digits = s;
	for (; s < end && *s >= '0' && *s <= '9'; s++)
		if ((v = v * 10 + (uint64_t)(*s - '0')) >= UINT32_MAX)
			return -1;
	if (s == digits)
		return -1;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	*write = s < end && *s == 'W';
	if (s < end && (*s == 'R' || *s == 'W'))
		s++;
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++;
	*page = (uint32_t)v;
	return s == end ? 1 : -1;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* Page numbers -> their rank among the distinct ones. */
static int renumber(struct refs *r)
{
	uint32_t *sorted = malloc(r->n * sizeof *sorted);
	if (!sorted)
		return -1;
	memcpy(sorted, r->page, r->n * sizeof *sorted);
	qsort(sorted, r->n, sizeof *sorted, cmp_u32);
	size_t d = 0;
	for (size_t i = 0; i < r->n; i++)
		if (d == 0 || sorted[d - 1] != sorted[i])
			sorted[d++] = sorted[i];
	for (size_t i = 0; i < r->n; i++)
		r->page[i] = (uint32_t)((uint32_t *)bsearch(&r->page[i], sorted, d, sizeof *sorted,
							    cmp_u32) - sorted);
	free(sorted);
	r->pages = (uint32_t)d;
	return 0;
}

static int parse_trace(const char *name, const char *text, uint64_t size, struct refs *r)
{
	size_t lines = 1;
	for (uint64_t i = 0; i < size; i++)
		lines += text[i] == '\n';
	r->page = malloc(lines * sizeof *r->page);
	r->write = malloc(lines);
	if (!r->page || !r->write) {
		printf("replay: %s: no memory for %zu references\n", name, lines);
		return -1;
	}
	const char *s = text, *end = text + size;
	for (size_t lineno = 1; s < end; lineno++) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *eol = nl ? nl : end;
		bool w = false;
		int k = parse_line(s, eol, &r->page[r->n], &w);
		if (k < 0) {
			printf("replay: %s:%zu: not a page number with an optional R or W\n", name, lineno);
			return -1;
		}
		r->write[r->n] = w;
		r->n += (size_t)k;
		s = eol + 1;
	}
	if (r->n == 0) {
		printf("replay: %s: no references\n", name);
		return -1;
	}
	return renumber(r);
}

/* ---- the run ------------------------------------------------------------- */

static void paging(uint64_t *major, uint64_t *minor)
{
	struct mm_procpaging pp = { 0 };
	mm_procpaging((int)MM_PROCINFO_SELF, &pp);
	*major = pp.major_faults;
	*minor = pp.minor_faults;
}

/* The mapping's pool ("map PID.K": the only budget of this process). */
static int find_pool(struct mm_vmstat_info *v)
{
	char want[24];
	snprintf(want, sizeof want, "map %d.", (int)(sys_getpid() % 100000));
	if (mm_vmstat_get(0, v) < 0)
		return -1;
	for (unsigned i = 0, n = (unsigned)v->pools; i < n; i++)
		if (mm_vmstat_get(i, v) == 0 && !strncmp(v->pool_name, want, strlen(want)))
			return (int)i;
	return -1;
}

static uint64_t pool_admitted(int index)
{
	static struct mm_vmstat_info v;
	return index >= 0 && mm_vmstat_get((unsigned)index, &v) == 0 ? v.admitted : 0;
}

struct switch_at {
	uint64_t at;                /* before this reference; ~0: never */
	const char *text;
};

static void switch_policy(const struct switch_at *sw)
{
	char why[MM_POLICY_WHY_MAX];
	uint64_t frames = 0;
	if (mm_policy_set(sw->text, why, sizeof why, &frames) < 0)
		printf("replay: switch to '%s' refused: %s\n", sw->text, why);
	else
		printf("replay: switched to %s before reference %llu, %llu frames handed over\n",
		       sw->text, (ull)sw->at, (ull)frames);
}

/* Touch every reference of r on the mapping at base; false if data was bad. */
static bool run(struct refs *r, volatile uint64_t *base, uint64_t *expect,
		const struct switch_at *sw, struct counts *c)
{
	uint64_t bad = 0, ma0, mi0, ma1, mi1;
	uint32_t pg;
	bool w;
	paging(&ma0, &mi0);             /* warm: the calls of the window are resident */
	paging(&ma1, &mi1);
	for (uint64_t i = 0; next_ref(r, &pg, &w); i++) {
		if (i == sw->at)
			switch_policy(sw);
		volatile uint64_t *word = base + (uint64_t)pg * (PAGE / sizeof *base);
		paging(&ma0, &mi0);
		uint64_t seen = *word;
		if (w)
			*word = (i + 1) << 20 | pg;
		paging(&ma1, &mi1);
		uint64_t d = (ma1 - ma0) + (mi1 - mi0);
		c->faults += d != 0;
		c->extra += d > 1 ? d - 1 : 0;
		c->major += ma1 - ma0;
		c->minor += mi1 - mi0;
		bad += seen != expect[pg];
		if (w)
			expect[pg] = (i + 1) << 20 | pg;
	}
	return bad == 0;
}

static int replay(struct refs *r, uint64_t frames, const struct switch_at *sw)
{
	uint64_t *expect = r->pages <= MAP_PAGES_MAX ? calloc(r->pages, sizeof *expect) : NULL;
	if (!expect) {
		printf("replay: %u pages: more than one mapping holds (%lu)\n", (unsigned)r->pages,
		       MAP_PAGES_MAX);
		return 1;
	}
	memset(expect, 0, r->pages * sizeof *expect);      /* resident before the run */
	volatile uint64_t *base = mm_mmap_budget(r->pages * PAGE, MM_PROT_READ | MM_PROT_WRITE, frames);
	if (!base) {
		printf("replay: cannot map %u pages with a budget of %llu frames\n", (unsigned)r->pages,
		       (ull)frames);
		return 1;
	}
	static struct mm_vmstat_info v;
	int pool = find_pool(&v);
	uint64_t admitted = pool_admitted(pool);
	struct counts c = { 0 };
	bool ok = run(r, base, expect, sw, &c);
	admitted = pool_admitted(pool) - admitted;
	mm_vmstat_get(0, &v);
	printf("replay: %llu faults (major %llu, minor %llu), %llu extra, pool admitted %llu, "
	       "data %s, policy %s\n", (ull)c.faults, (ull)c.major, (ull)c.minor, (ull)c.extra,
	       (ull)admitted, ok ? "ok" : "BAD", v.policy_text);
	return ok ? 0 : 1;
}

/* ---- arguments -------------------------------------------------------------- */

static int usage(void)
{
	printf("usage: replay gen SPEC FRAMES [switch=AT:POLICY]   (SPEC: tools/policysim/gen.h,\n"
	       "                                                 e.g. loop:pages=100,len=10000)\n"
	       "       replay trace MODULE FRAMES [switch=AT:POLICY]\n");
	return 2;
}

static bool number(const char *s, uint64_t *v)
{
	char *end;
	if (*s < '0' || *s > '9')
		return false;
	*v = strtoull(s, &end, 10);
	return *end == '\0';
}

/* A last argument switch=AT:POLICY: true with *sw set (or no such argument). */
static bool parse_switch(int *argc, char **argv, struct switch_at *sw)
{
	sw->at = ~0ULL;
	const char *a = argv[*argc - 1];
	if (strncmp(a, "switch=", 7))
		return true;
	(*argc)--;
	char *colon = strchr(a + 7, ':');
	if (!colon || colon == a + 7 || !colon[1])
		return false;
	*colon = '\0';
	sw->text = colon + 1;
	return number(a + 7, &sw->at);
}

/* replay gen SPEC... FRAMES: the words of SPEC joined by spaces. */
static int main_gen(int argc, char **argv, const struct switch_at *sw)
{
	struct refs r = { .generated = true };
	char spec[GEN_TEXT_MAX * 2] = "", why[128], text[GEN_TEXT_MAX];
	uint64_t frames;
	if (argc < 4 || !number(argv[argc - 1], &frames))
		return usage();
	for (int i = 2; i < argc - 1; i++) {
		if (i > 2)
			strncat(spec, " ", sizeof spec - strlen(spec) - 1);
		strncat(spec, argv[i], sizeof spec - strlen(spec) - 1);
	}
	if (gen_parse(spec, strlen(spec), &r.gen, why, sizeof why) < 0) {
		printf("replay: %s\n", why);
		return 2;
	}
	r.n = r.gen.len;
	r.pages = (uint32_t)r.gen.pages;
	gen_format(&r.gen, text, sizeof text);
	printf("replay: gen %s: %llu references to %u pages, budget %llu frames\n", text,
	       (ull)r.n, (unsigned)r.pages, (ull)frames);
	return replay(&r, frames, sw);
}

/* replay trace MODULE FRAMES */
static int main_trace(int argc, char **argv, const struct switch_at *sw)
{
	struct refs r = { 0 };
	uint64_t size, frames;
	if (argc != 4 || !number(argv[3], &frames))
		return usage();
	char *text = read_module(argv[2], &size);
	if (!text || parse_trace(argv[2], text, size, &r) < 0)
		return 1;
	free(text);
	printf("replay: trace %s: %llu references to %u pages, budget %llu frames\n", argv[2],
	       (ull)r.n, (unsigned)r.pages, (ull)frames);
	return replay(&r, frames, sw);
}

int main(int argc, char **argv)
{
	struct switch_at sw;
	if (argc < 2 || !parse_switch(&argc, argv, &sw))
		return usage();
	if (!strcmp(argv[1], "gen"))
		return main_gen(argc, argv, &sw);
	if (!strcmp(argv[1], "trace"))
		return main_trace(argc, argv, &sw);
	return usage();
}
