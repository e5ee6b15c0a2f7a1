/*
 * policysim.c - the page-replacement lab's simulator: replays reference
 * strings through the memory server's real replacement policies
 * (servers/mm/policy*.c, compiled unchanged against the model of
 * machine.c) and through two references no kernel can run, exact LRU
 * (lru.c) and Belady's OPT/MIN (opt.c; Belady, IBM Systems Journal 5(2),
 * 1966), and prints faults and hit ratios per policy and frame count.
 *
 * usage: policysim [--policy NAME|all]... --frames N[,N...] [--csv]
 *                  [--new-bit set|clear] [--gen SPEC]... [TRACE...]
 *        policysim --gen SPEC --emit
 *        policysim --compare TABLE.md [--frames ...] [...] TRACE...
 * A reference string is a trace file or a generated workload (gen.h:
 * "loop:pages=120,len=5000,seed=1"); --emit prints a generated one in the
 * trace format; --compare sets each hit ratio beside the published one
 * of a Markdown table (reftable.c). The hit ratio is the percent of
 * references that hit, cold misses included, rounded half up to a tenth
 * as /work/shared/traces/README.md's table. CSV lists a trace's rows
 * policy by policy (a plot's line is a run of rows). Bad arguments: a
 * message on stderr and exit status 2. docs/policysim.md describes the
 * model and what is exact.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gen.h"
#include "policy.h"
#include "policysim.h"

#define MAX_FRAME_COUNTS REPORT_FRAMES_MAX
#define MAX_POLICIES 32
#define MAX_GENS 16

struct options {
	const char *policies[MAX_POLICIES];
	unsigned npolicies;
	unsigned frames[MAX_FRAME_COUNTS];
	unsigned nframes;
	bool csv;
	bool miss_sets_bit;
	struct gen_spec gens[MAX_GENS];
	unsigned ngens;
	bool emit;
	const char *compare;        /* the table of published figures, or NULL */
	char **traces;
	int ntraces;
};

static const char usage_text[] =
	"usage: policysim [--policy NAME|all]... --frames N[,N...] [--csv]\n"
	"                 [--new-bit set|clear] [--gen SPEC]... [TRACE...]\n"
	"       policysim --gen SPEC --emit\n"
	"       policysim --compare TABLE.md [--frames N[,N...]] [--policy ...] TRACE...\n"
	"\n"
	"Replays each reference string - a TRACE file (one page number per line,\n"
	"optionally followed by R or W) or a generated workload - through a pool\n"
	"of N frames and prints, per policy and N, the faults and the hit ratio\n"
	"(percent of references that hit, cold misses included).\n"
	"\n"
	"  --policy NAME   a policy of servers/mm (%s), with\n"
	"                  parameters as NAME:K=V,K=V; or lru (exact LRU), or\n"
	"                  opt (Belady's MIN), or all (the default): every one\n"
	"  --frames LIST   frame counts, comma-separated, each 1..%u\n"
	"  --csv           CSV (trace,policy,frames,references,faults,hit_ratio),\n"
	"                  a trace's rows policy by policy\n"
	"  --new-bit set   the faulting reference sets the new frame's accessed\n"
	"                  bit, as the hardware does (the default)\n"
	"  --new-bit clear a new frame enters with its bit clear (the textbook\n"
	"                  CLOCK of the traces' README)\n"
	"  --gen SPEC      a generated workload, KIND:K=V,... (may be repeated):\n"
	"                    loop:pages=100,len=10000     page i mod pages\n"
	"                    random:pages=1000,len=10000  uniform over the pages\n"
	"                    shift:pages=1000,len=20000,hot=50,phase=2000,local=90\n"
	"                        phases of `phase` references, `local` %% of them\n"
	"                        to a hot set of `hot` pages that moves each phase\n"
	"                    belady:len=12                1 2 3 4 1 2 5 1 2 3 4 5\n"
	"                  each also takes seed=S (1) and writes=P (percent of\n"
	"                  writes, 0); the values shown are the defaults\n"
	"  --emit          print the one --gen workload as a trace and stop\n"
	"  --compare TABLE set each hit ratio beside the figure of TABLE (a\n"
	"                  Markdown table such as ../shared/traces/README.md) for\n"
	"                  the policy's column (fifo FIFO, clock CLOCK, lru LRU,\n"
	"                  opt OPT, car ARC, 2q 2Q, clockpro LIRS); the frame\n"
	"                  counts default to the table's rows for the trace\n"
	"  --help          this text\n"
	"\n"
	"Exit status: 0, or 2 for bad arguments or an unreadable trace or table.\n";

#define FRAMES_MAX 100000000u

static void usage(FILE *f)
{
	char names[256] = "";
	for (unsigned i = 0; i < policy_count; i++) {
		if (i)
			strncat(names, ", ", sizeof names - strlen(names) - 1);
		strncat(names, policy_table[i]->name, sizeof names - strlen(names) - 1);
	}
	fprintf(f, usage_text, names, FRAMES_MAX);
}

static void __attribute__((noreturn, format(printf, 1, 2))) bad(const char *fmt, ...);
static void bad(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("policysim: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (policysim --help)\n", stderr);
	exit(2);
}

/* name is a reference, or a policy with good parameters; else why not. */
static bool known(const char *name, char *why, size_t whylen)
{
	struct policy_choice c;
	for (unsigned i = 0; sim_references[i]; i++)
		if (!strcmp(sim_references[i], name))
			return true;
	return policy_parse(name, strlen(name), &c, why, whylen) == 0;
}

static void add_policy(struct options *o, const char *name)
{
	if (o->npolicies == MAX_POLICIES)
		bad("more than %d policies", MAX_POLICIES);
	o->policies[o->npolicies++] = name;
}

static void parse_policy(struct options *o, const char *arg)
{
	if (!strcmp(arg, "all")) {
		for (unsigned i = 0; i < policy_count; i++)
			add_policy(o, policy_table[i]->name);
		for (unsigned i = 0; sim_references[i]; i++)
			add_policy(o, sim_references[i]);
	} else {
		char why[80];
		if (!known(arg, why, sizeof why))
			bad("--policy: %s", why);
		add_policy(o, arg);
	}
}

static void parse_frames(struct options *o, const char *arg)
{
	const char *p = arg;
	for (;;) {
		if (*p < '0' || *p > '9')
			bad("--frames: '%s' is not a comma-separated list of frame counts", arg);
		errno = 0;
		char *end;
		unsigned long v = strtoul(p, &end, 10);
		if (errno || v < 1 || v > FRAMES_MAX)
			bad("--frames: %.*s is not a frame count in 1..%u", (int)(end - p), p, FRAMES_MAX);
		if (o->nframes == MAX_FRAME_COUNTS)
			bad("--frames: more than %d frame counts", MAX_FRAME_COUNTS);
		o->frames[o->nframes++] = (unsigned)v;
		if (*end == '\0')
			return;
		if (*end != ',')
			bad("--frames: '%s' is not a comma-separated list of frame counts", arg);
		p = end + 1;
	}
}

static void parse_gen(struct options *o, const char *arg)
{
	char why[160];
	if (o->ngens == MAX_GENS)
		bad("more than %d --gen workloads", MAX_GENS);
	if (gen_parse(arg, strlen(arg), &o->gens[o->ngens], why, sizeof why) < 0)
		bad("--gen: %s", why);
	o->ngens++;
}

/* The options that do not go together, or are missing. */
static void check_combination(const struct options *o)
{
	if (o->emit) {
		if (o->ngens != 1 || o->ntraces)
			bad("--emit prints one --gen workload, and reads no trace file");
		return;
	}
	if (o->compare && o->csv)
		bad("--compare prints a table; it has no CSV form");
	if (o->nframes == 0 && !o->compare)
		bad("--frames is missing");
	if (o->ntraces == 0 && o->ngens == 0)
		bad("no trace file and no --gen workload");
}

/* The value of option argv[*i], which must have one. */
static const char *value(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc)
		bad("%s needs a value", argv[*i]);
	return argv[++*i];
}

static void parse(int argc, char **argv, struct options *o)
{
	memset(o, 0, sizeof *o);
	o->miss_sets_bit = true;
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help")) {
			usage(stdout);
			exit(0);
		} else if (!strcmp(a, "--policy")) {
			parse_policy(o, value(argc, argv, &i));
		} else if (!strcmp(a, "--frames")) {
			parse_frames(o, value(argc, argv, &i));
		} else if (!strcmp(a, "--csv")) {
			o->csv = true;
		} else if (!strcmp(a, "--new-bit")) {
			const char *v = value(argc, argv, &i);
			if (strcmp(v, "set") && strcmp(v, "clear"))
				bad("--new-bit: '%s' is neither set nor clear", v);
			o->miss_sets_bit = !strcmp(v, "set");
		} else if (!strcmp(a, "--gen")) {
			parse_gen(o, value(argc, argv, &i));
		} else if (!strcmp(a, "--emit")) {
			o->emit = true;
		} else if (!strcmp(a, "--compare")) {
			o->compare = value(argc, argv, &i);
		} else if (!strcmp(a, "--")) {
			i++;
			break;
		} else {
			bad("unknown option %s", a);
		}
	}
	o->traces = argv + i;
	o->ntraces = argc - i;
	check_combination(o);
	if (o->npolicies == 0)
		parse_policy(o, "all");
}

static void emit(const struct gen_spec *s)
{
	for (uint64_t i = 0; i < s->len; i++)
		printf("%u %c\n", gen_page(s, i), gen_write(s, i) ? 'W' : 'R');
}

static void run(const struct options *o, const struct reftable *rt, const char *name,
		const struct trace *t)
{
	const struct report r = { o->policies, o->npolicies, o->frames, o->nframes,
				  o->miss_sets_bit };
	if (o->csv)
		report_csv(&r, name, t);
	else if (rt && report_compare(&r, rt, o->compare, name, t) < 0)
		bad("--compare: %s has no rows for trace '%s' (give --frames)", o->compare, name);
	else if (!rt)
		report_table(&r, name, t);
}

int main(int argc, char **argv)
{
	struct options o;
	static struct reftable rt;
	char err[512];
	parse(argc, argv, &o);
	if (o.emit) {
		emit(&o.gens[0]);
		return 0;
	}
	if (o.compare && reftable_read(o.compare, &rt, err, sizeof err) < 0)
		bad("--compare: %s", err);
	if (o.csv)
		fputs(REPORT_CSV_HEADER, stdout);
	for (int i = 0; i < o.ntraces + (int)o.ngens; i++) {
		struct trace t;
		char spec[GEN_TEXT_MAX];
		const char *name = spec;
		if (i < o.ntraces && trace_read(o.traces[i], &t, err, sizeof err) < 0) {
			fprintf(stderr, "policysim: %s\n", err);
			return 2;
		}
		if (i < o.ntraces) {
			name = o.traces[i];
		} else {
			trace_generate(&t, &o.gens[i - o.ntraces]);
			gen_format(&o.gens[i - o.ntraces], spec, sizeof spec);
		}
		if (!o.csv && i)
			putchar('\n');
		run(&o, o.compare ? &rt : NULL, name, &t);
		trace_free(&t);
	}
	return 0;
}

/* The memory server's reports, for the policy files and the model. */
void mm_bug(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("policysim: bug: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(3);
}

void mm_print(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}
