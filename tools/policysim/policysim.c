/*
 * policysim.c - the page-replacement lab's simulator: replays reference
 * strings through the memory server's real replacement policies
 * (servers/mm/policy*.c, compiled unchanged against the model of
 * machine.c) and through two references no kernel can run, exact LRU
 * (lru.c) and Belady's OPT/MIN (opt.c; Belady, IBM Systems Journal 5(2),
 * 1966), and prints faults and hit ratios per policy and frame count.
 *
 * usage: policysim [--policy NAME|all] --frames N[,N...] [--csv]
 *                  [--new-bit set|clear] TRACE...
 * The hit ratio is the percent of references that hit, cold misses
 * included, rounded to a tenth as /work/shared/traces/README.md's table.
 * Bad arguments: a message on stderr and exit status 2. docs/policysim.md
 * describes the model and what is exact.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "policy.h"
#include "policysim.h"

#define MAX_FRAME_COUNTS 64
#define MAX_POLICIES 16

struct options {
	const char *policies[MAX_POLICIES];
	unsigned npolicies;
	unsigned frames[MAX_FRAME_COUNTS];
	unsigned nframes;
	bool csv;
	bool miss_sets_bit;
	char **traces;
	int ntraces;
};

static const char usage_text[] =
	"usage: policysim [--policy NAME|all] --frames N[,N...] [--csv]\n"
	"                 [--new-bit set|clear] TRACE...\n"
	"\n"
	"Replays each TRACE (one page number per line, optionally followed by R\n"
	"or W) through a pool of N frames and prints, per policy and N, the\n"
	"faults and the hit ratio (percent of references that hit, cold misses\n"
	"included).\n"
	"\n"
	"  --policy NAME   a policy of servers/mm (%s), or lru (exact LRU), or\n"
	"                  opt (Belady's MIN), or all (the default): every one\n"
	"  --frames LIST   frame counts, comma-separated, each 1..%u\n"
	"  --csv           CSV (trace,policy,frames,references,faults,hit_ratio)\n"
	"  --new-bit set   the faulting reference sets the new frame's accessed\n"
	"                  bit, as the hardware does (the default)\n"
	"  --new-bit clear a new frame enters with its bit clear (the textbook\n"
	"                  CLOCK of the traces' README)\n"
	"  --help          this text\n"
	"\n"
	"Exit status: 0, or 2 for bad arguments or an unreadable trace.\n";

#define FRAMES_MAX 100000000u

static void usage(FILE *f)
{
	char names[128] = "";
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
		} else if (!strcmp(a, "--")) {
			i++;
			break;
		} else {
			bad("unknown option %s", a);
		}
	}
	if (o->nframes == 0)
		bad("--frames is missing");
	if (o->npolicies == 0)
		parse_policy(o, "all");
	if (i == argc)
		bad("no trace file");
	o->traces = argv + i;
	o->ntraces = argc - i;
}

/* Hit ratio in tenths of a percent, rounded half up. */
static uint64_t hit_permille(uint64_t refs, uint64_t faults)
{
	return ((refs - faults) * 2000 + refs) / (2 * refs);
}

static void run_trace(const struct options *o, const char *path, const struct trace *t)
{
	if (!o->csv)
		printf("%s: %zu references, %u distinct pages; a new frame enters with its bit %s\n"
		       "%-8s %10s %12s %8s\n", path, t->n, t->distinct,
		       o->miss_sets_bit ? "set (the hardware)" : "clear (the textbook CLOCK)",
		       "policy", "frames", "faults", "hit %");
	for (unsigned f = 0; f < o->nframes; f++) {
		for (unsigned p = 0; p < o->npolicies; p++) {
			uint64_t faults;
			if (sim_faults(o->policies[p], t, o->frames[f], o->miss_sets_bit, &faults) < 0)
				bad("no policy called '%s'", o->policies[p]);
			uint64_t pm = hit_permille(t->n, faults);
			if (o->csv)
				printf("%s,%s,%u,%zu,%llu,%.3f\n", path, o->policies[p], o->frames[f],
				       t->n, (unsigned long long)faults,
				       100.0 * (double)(t->n - faults) / (double)t->n);
			else
				printf("%-8s %10u %12llu %6llu.%llu\n", o->policies[p], o->frames[f],
				       (unsigned long long)faults, (unsigned long long)(pm / 10),
				       (unsigned long long)(pm % 10));
		}
	}
}

int main(int argc, char **argv)
{
	struct options o;
	parse(argc, argv, &o);
	if (o.csv)
		printf("trace,policy,frames,references,faults,hit_ratio\n");
	for (int i = 0; i < o.ntraces; i++) {
		struct trace t;
		char err[512];
		if (trace_read(o.traces[i], &t, err, sizeof err) < 0) {
			fprintf(stderr, "policysim: %s\n", err);
			return 2;
		}
		if (!o.csv && i)
			putchar('\n');
		run_trace(&o, o.traces[i], &t);
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
