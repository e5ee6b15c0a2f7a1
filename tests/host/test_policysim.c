/*
 * test_policysim.c - the simulator's core (tools/policysim: trace.c,
 * gen.c, lru.c, opt.c, sim.c, reftable.c and the model machine.c), with
 * the real servers/mm/policy*.c, on strings whose faults are known by
 * hand and on the course's shared traces, whose hit ratios must be
 * exactly those of /work/shared/traces/README.md; and the command line
 * (build/host/policysim) as a user runs it.
 *
 * The traces are read from ../shared/traces relative to the project root
 * (CI keeps a read-only copy of shared/ beside the clone). A missing
 * trace is a failure, never a skip: the reference check is the point.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "gen.h"
#include "machine.h"
#include "policy.h"
#include "policysim.h"
#include "policysim_fixture.h"

#define SHARED_TRACES "../shared/traces/"

static uint64_t faults_of(const char *name, const unsigned *refs, size_t n, unsigned frames,
			  bool miss_sets_bit)
{
	struct trace t;
	trace_from(&t, refs, n);
	uint64_t faults = 0;
	policysim_bugs = 0;
	assert_int_equal(sim_faults(name, &t, frames, miss_sets_bit, &faults), 0);
	assert_int_equal(policysim_bugs, 0);
	trace_free(&t);
	return faults;
}

static const unsigned belady[] = { 1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5 };
#define BELADY_N (sizeof belady / sizeof belady[0])

/* Belady, Nelson & Shedler 1969: more frames, more faults. */
static void fifo_on_beladys_string_takes_9_faults_with_3_frames_10_with_4(void **state)
{
	assert_int_equal(faults_of("fifo", belady, BELADY_N, 3, true), 9);
	assert_int_equal(faults_of("fifo", belady, BELADY_N, 4, true), 10);
}

/* By hand (the victim is the page whose next use is furthest), 3 frames:
 * 1 2 3 miss; 4 evicts 3 (next used at position 10, 1 and 2 sooner);
 * 1 2 hit; 5 evicts 4 (next at 11); 1 2 hit; 3 evicts 1 and 4 evicts 2
 * (neither used again); 5 hits: 7. 4 frames: 1-4 miss, 1 2 hit, 5 evicts
 * 4, 1 2 3 hit, 4 evicts 1, 5 hits: 6. */
static void opt_on_beladys_string_takes_7_faults_with_3_frames_6_with_4(void **state)
{
	assert_int_equal(faults_of("opt", belady, BELADY_N, 3, true), 7);
	assert_int_equal(faults_of("opt", belady, BELADY_N, 4, true), 6);
}

/* LRU is a stack algorithm: no anomaly, 10 then 8. */
static void lru_on_beladys_string_takes_10_faults_with_3_frames_8_with_4(void **state)
{
	assert_int_equal(faults_of("lru", belady, BELADY_N, 3, true), 10);
	assert_int_equal(faults_of("lru", belady, BELADY_N, 4, true), 8);
}

/* Silberschatz's string with 3 frames: FIFO 15, LRU 12, OPT 9. */
static void the_textbook_string_takes_15_12_and_9_faults_under_fifo_lru_opt(void **state)
{
	static const unsigned s[] = { 7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1 };
	size_t n = sizeof s / sizeof s[0];
	assert_int_equal(faults_of("fifo", s, n, 3, true), 15);
	assert_int_equal(faults_of("lru", s, n, 3, true), 12);
	assert_int_equal(faults_of("opt", s, n, 3, true), 9);
}

/* Sparse page numbers are renumbered densely in order of first use. */
static void a_trace_is_renumbered_densely_in_order_of_first_reference(void **state)
{
	static const unsigned s[] = { 4000000000u, 7, 4000000000u, 0, 7 };
	struct trace t;
	trace_from(&t, s, 5);
	assert_int_equal(t.distinct, 3);
	assert_int_equal(t.page[0], 0);
	assert_int_equal(t.page[1], 1);
	assert_int_equal(t.page[2], 0);
	assert_int_equal(t.page[3], 2);
	assert_int_equal(t.page[4], 1);
	trace_free(&t);
}

static void an_unknown_policy_name_is_refused(void **state)
{
	struct trace t;
	trace_from(&t, belady, BELADY_N);
	uint64_t faults = 12345;
	assert_int_equal(sim_faults("LRU", &t, 3, true, &faults), -1);
	assert_int_equal(sim_faults("", &t, 3, true, &faults), -1);
	assert_int_equal(faults, 12345);
	trace_free(&t);
}

/* More frames than pages: only the cold misses. */
static void with_a_frame_for_every_page_only_cold_misses_fault(void **state)
{
	static const char *const names[] = { "fifo", "clock", "lru", "opt" };
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(faults_of(names[i], belady, BELADY_N, 5, true), 5);
}

/* A file that is not a trace is refused with its line named. */
static void a_malformed_trace_line_is_refused_naming_the_line(void **state)
{
	char path[] = "/tmp/policysim-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs("1\n2 W\n3 R\n\n4 X\n", f);
	fclose(f);
	struct trace t;
	char err[256];
	assert_int_equal(trace_read(path, &t, err, sizeof err), -1);
	assert_non_null(strstr(err, ":5:"));
	f = fopen(path, "w");
	fputs("1\n2 W\n3 R\n\n1\n", f);
	fclose(f);
	assert_int_equal(trace_read(path, &t, err, sizeof err), 0);
	assert_int_equal(t.n, 4);
	assert_int_equal(t.distinct, 3);
	assert_true(t.write[1] && !t.write[0] && !t.write[2]);
	trace_free(&t);
	remove(path);
	assert_int_equal(trace_read(path, &t, err, sizeof err), -1);
}

static void load(const char *name, struct trace *t, size_t refs, unsigned distinct)
{
	char path[256], err[512];
	snprintf(path, sizeof path, SHARED_TRACES "%s", name);
	if (trace_read(path, t, err, sizeof err) < 0)
		fail_msg("the reference traces are missing: %s (the course's shared/ folder "
			 "must sit beside the clone, see docs/policysim.md)", err);
	assert_int_equal(t->n, refs);
	assert_int_equal(t->distinct, distinct);
}

/* Percent hits in tenths, rounded half up as policysim prints it. */
static unsigned hit_permille(const char *name, const struct trace *t, unsigned frames,
			     bool miss_sets_bit)
{
	uint64_t faults;
	policysim_bugs = 0;
	assert_int_equal(sim_faults(name, t, frames, miss_sets_bit, &faults), 0);
	assert_int_equal(policysim_bugs, 0);
	return (unsigned)(((t->n - faults) * 2000 + t->n) / (2 * t->n));
}

struct row {
	unsigned frames, opt, fifo, lru, clock;     /* hit ratios in tenths of a percent */
};

/* The README's exact columns; its CLOCK admits a new block with its bit
 * clear, so CLOCK is checked with --new-bit clear. */
static void check_rows(const char *file, size_t refs, unsigned distinct,
		       const struct row *rows, unsigned nrows)
{
	struct trace t;
	load(file, &t, refs, distinct);
	for (unsigned i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];
		assert_int_equal(hit_permille("opt", &t, r->frames, true), r->opt);
		assert_int_equal(hit_permille("fifo", &t, r->frames, true), r->fifo);
		assert_int_equal(hit_permille("lru", &t, r->frames, true), r->lru);
		assert_int_equal(hit_permille("clock", &t, r->frames, false), r->clock);
	}
	trace_free(&t);
}

static void opt_fifo_lru_and_clock_reproduce_the_readme_on_cpp(void **state)
{
	static const struct row rows[] = {
		{ 50, 628, 107, 93, 102 }, { 80, 791, 424, 442, 527 }, { 100, 825, 548, 697, 714 },
	};
	check_rows("cpp.txt", 9047, 1223, rows, 3);
}

static void opt_fifo_lru_and_clock_reproduce_the_readme_on_sprite(void **state)
{
	static const struct row rows[] = {
		{ 100, 508, 223, 216, 219 }, { 400, 846, 661, 708, 704 }, { 1000, 932, 872, 906, 903 },
	};
	check_rows("sprite.txt", 133996, 7075, rows, 3);
}

/* The hardware's convention (the restarted access sets the new frame's
 * bit, as in mm) gives Clock fewer second chances: on cpp 10.5 / 45.4 /
 * 65.0 % against the README's 10.2 / 52.7 / 71.4 %. */
static void clock_whose_new_frames_are_referenced_hits_less_on_cpp(void **state)
{
	struct trace t;
	load("cpp.txt", &t, 9047, 1223);
	assert_int_equal(hit_permille("clock", &t, 50, true), 105);
	assert_int_equal(hit_permille("clock", &t, 80, true), 454);
	assert_int_equal(hit_permille("clock", &t, 100, true), 650);
	trace_free(&t);
}

/* The command line, run as a user would (make builds build/host/policysim
 * before this suite): status 0 for --help and a good run, 2 and a message
 * naming the problem for each bad argument. */
static int run(const char *args, const char *expect)
{
	char cmd[512], out[8192] = "";
	snprintf(cmd, sizeof cmd, "build/host/policysim %s 2>&1", args);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(out, 1, sizeof out - 1, p);
	out[n] = '\0';
	int status = pclose(p);
	assert_true(WIFEXITED(status));
	if (!strstr(out, expect))
		fail_msg("policysim %s: '%s' not in its output: %s", args, expect, out);
	return WEXITSTATUS(status);
}

static void bad_arguments_exit_with_status_2_and_say_what_is_wrong(void **state)
{
	assert_int_equal(run("--help", "usage: policysim"), 0);
	assert_int_equal(run("--frames 100 --policy opt " SHARED_TRACES "cpp.txt", "82.5"), 0);
	assert_int_equal(run("--frames 0 x", "not a frame count"), 2);
	assert_int_equal(run("--frames 3,x x", "comma-separated"), 2);
	assert_int_equal(run("--frames 3 --policy lfu x", "unknown policy 'lfu'"), 2);
	assert_int_equal(run("--frames 3 --new-bit maybe x", "neither set nor clear"), 2);
	assert_int_equal(run("--frames 3 --bogus x", "unknown option --bogus"), 2);
	assert_int_equal(run("--policy fifo x", "--frames is missing"), 2);
	assert_int_equal(run("--frames 3", "no trace file"), 2);
	assert_int_equal(run("--frames 3 /nonexistent/trace", "/nonexistent/trace"), 2);
}

/* Page numbers beyond 32 bits (an address / 4096 from lackey2trace)
 * are read and renumbered like small ones. */
static void a_trace_may_name_pages_beyond_32_bits(void **state)
{
	char path[] = "/tmp/policysim-test-XXXXXX";
	fixture_file(path, "34359738367 W\n4294967296\n34359738367\n18446744073709551615\n");
	struct trace t;
	char err[256];
	assert_int_equal(trace_read(path, &t, err, sizeof err), 0);
	assert_int_equal(t.n, 4);
	assert_int_equal(t.distinct, 3);
	assert_int_equal(t.page[0], 0);
	assert_int_equal(t.page[1], 1);
	assert_int_equal(t.page[2], 0);
	assert_int_equal(t.page[3], 2);
	assert_true(t.write[0] && !t.write[1]);
	trace_free(&t);
	FILE *f = fopen(path, "w");
	fputs("1\n18446744073709551616\n", f);    /* 2^64 */
	fclose(f);
	assert_int_equal(trace_read(path, &t, err, sizeof err), -1);
	assert_non_null(strstr(err, ":2:"));
	remove(path);
}

/* A generated string is the generator's, renumbered; its writes kept. */
static void a_generated_trace_is_the_generators_string(void **state)
{
	struct gen_spec s = fixture_spec("random:pages=50,len=2000,writes=20,seed=4");
	struct trace t;
	trace_generate(&t, &s);
	assert_int_equal(t.n, 2000);
	assert_int_equal(t.distinct, 50);
	uint32_t first_id[50];
	memset(first_id, 0xff, sizeof first_id);
	for (size_t i = 0; i < t.n; i++) {      /* the renumbering is a bijection */
		uint32_t p = gen_page(&s, i);
		if (first_id[p] == UINT32_MAX)
			first_id[p] = t.page[i];
		assert_int_equal(t.page[i], first_id[p]);
		assert_int_equal(t.write[i], gen_write(&s, i));
	}
	trace_free(&t);
}

/* Belady's string from the generator takes the hand-computed faults:
 * FIFO 9 and 10 (the anomaly), OPT 7 and 6. */
static void the_generated_beladys_string_shows_fifos_anomaly_and_opts_counts(void **state)
{
	assert_int_equal(run("--gen belady --policy fifo --policy opt --frames 3,4 --csv",
			     "\"belady:len=12,seed=1,writes=0\",fifo,3,12,9,"), 0);
	assert_int_equal(run("--gen belady --policy fifo --frames 3,4 --csv", ",fifo,4,12,10,"), 0);
	assert_int_equal(run("--gen belady --policy opt --frames 3,4 --csv", ",opt,3,12,7,"), 0);
	assert_int_equal(run("--gen belady --policy opt --frames 3,4 --csv", ",opt,4,12,6,"), 0);
	/* a loop one page larger than memory: LRU faults on every reference */
	assert_int_equal(run("--gen loop:pages=11,len=110 --policy lru --frames 10 --csv",
			     ",lru,10,110,110,0.000"), 0);
}

/* CSV lists a trace's rows policy by policy, so a plot's line is a run. */
static void csv_rows_come_policy_by_policy(void **state)
{
	assert_int_equal(run("--gen belady --policy fifo --policy lru --frames 3,4 --csv",
			     ",fifo,3,12,9,25.000\n\"belady:len=12,seed=1,writes=0\",fifo,4,12,10,"),
			 0);
}

static void emit_prints_the_generated_string_as_a_trace(void **state)
{
	assert_int_equal(run("--gen belady:len=13 --emit",
			     "0 R\n1 R\n2 R\n3 R\n0 R\n1 R\n4 R\n0 R\n1 R\n2 R\n3 R\n4 R\n0 R\n"),
			 0);
	assert_int_equal(run("--gen belady:len=4,writes=100 --emit", "0 W\n1 W\n2 W\n3 W\n"), 0);
}

static void bad_workload_arguments_exit_with_status_2_and_say_what_is_wrong(void **state)
{
	assert_int_equal(run("--gen lop --frames 3", "--gen: unknown workload 'lop'"), 2);
	assert_int_equal(run("--gen loop:pages=0 --frames 3", "pages wants a number from 1"), 2);
	assert_int_equal(run("--gen shift:hot=5000 --frames 3", "the hot set (hot=5000)"), 2);
	assert_int_equal(run("--gen loop --gen random --emit", "--emit prints one --gen"), 2);
	assert_int_equal(run("--gen loop --emit x", "--emit prints one --gen"), 2);
	assert_int_equal(run("--gen", "--gen needs a value"), 2);
	assert_int_equal(run("--frames 3", "no trace file and no --gen workload"), 2);
	assert_int_equal(run("--help", "belady:len=12"), 0);
}

/* ---- the published figures (reftable.c, --compare) -------------------------- */

static void a_markdown_table_of_hit_ratios_is_read_row_by_row(void **state)
{
	char path[] = "/tmp/policysim-table-XXXXXX", err[256];
	fixture_file(path, "# Title\n\nSome | text\n\n| trace | cache blocks | OPT | ARC |\n"
			 "|---|---:|---:|---:|\n| tiny | 3 | 41.7 | 25.0 |\n| tiny | 4 | 50 |  |\n"
			 "| big | 100 | 9.9 | - |\n\nAfter the table.\n| trace | x |\n");
	static struct reftable rt;
	assert_int_equal(reftable_read(path, &rt, err, sizeof err), 0);
	assert_int_equal(rt.ncols, 2);
	assert_int_equal(rt.nrows, 3);
	assert_int_equal(reftable_figure(&rt, "tiny", 3, "OPT"), 417);
	assert_int_equal(reftable_figure(&rt, "tiny", 3, "ARC"), 250);
	assert_int_equal(reftable_figure(&rt, "tiny", 4, "OPT"), 500);
	assert_int_equal(reftable_figure(&rt, "tiny", 4, "ARC"), -1);
	assert_int_equal(reftable_figure(&rt, "big", 100, "ARC"), -1);
	assert_int_equal(reftable_figure(&rt, "tiny", 5, "OPT"), -1);
	assert_int_equal(reftable_figure(&rt, "tiny", 3, "LRU"), -1);
	assert_int_equal(reftable_figure(&rt, "tiny", 3, NULL), -1);
	unsigned frames[4];
	assert_int_equal(reftable_frames(&rt, "tiny", frames, 4), 2);
	assert_int_equal(frames[0], 3);
	assert_int_equal(frames[1], 4);
	assert_int_equal(reftable_frames(&rt, "none", frames, 4), 0);
	remove(path);
	char bad[] = "/tmp/policysim-table-XXXXXX";
	fixture_file(bad, "| trace | cache blocks | OPT |\n|---|---|---|\n| a | 3 | 41.7 |\n"
			"| a | 4 | 4x |\n");
	assert_int_equal(reftable_read(bad, &rt, err, sizeof err), -1);
	assert_non_null(strstr(err, ":4: not a row"));
	remove(bad);
	assert_int_equal(reftable_read("/nonexistent/table", &rt, err, sizeof err), -1);
	assert_non_null(strstr(err, "/nonexistent/table"));
}

static void each_policy_is_compared_with_the_column_of_what_it_approximates(void **state)
{
	assert_string_equal(reftable_column_for("fifo"), "FIFO");
	assert_string_equal(reftable_column_for("clock"), "CLOCK");
	assert_string_equal(reftable_column_for("lru"), "LRU");
	assert_string_equal(reftable_column_for("opt"), "OPT");
	assert_string_equal(reftable_column_for("car"), "ARC");
	assert_string_equal(reftable_column_for("2q:kin=25"), "2Q");
	assert_string_equal(reftable_column_for("clockpro"), "LIRS");
	assert_null(reftable_column_for("nru"));
	assert_null(reftable_column_for("clockp"));
	char name[64];
	reftable_trace_name("../shared/traces/sprite.txt", name, sizeof name);
	assert_string_equal(name, "sprite");
}

/* With the README's convention (a new frame's bit clear) every exact
 * column matches, figure for figure, at the README's frame counts. */
static void compare_sets_the_readmes_figures_beside_the_simulators(void **state)
{
	assert_int_equal(run("--compare " SHARED_TRACES "README.md --new-bit clear --policy fifo "
			     "--policy clock --policy lru --policy opt " SHARED_TRACES "cpp.txt",
			     "        50 frames       80 frames      100 frames\n"
			     "fifo       FIFO        10.7    10.7     42.4    42.4     54.8    54.8\n"
			     "clock      CLOCK       10.2    10.2     52.7    52.7     71.4    71.4\n"
			     "lru        LRU          9.3     9.3     44.2    44.2     69.7    69.7\n"
			     "opt        OPT         62.8    62.8     79.1    79.1     82.5    82.5\n"), 0);
}

static void bad_compare_arguments_exit_with_status_2_and_say_what_is_wrong(void **state)
{
	assert_int_equal(run("--compare /nonexistent/t.md x", "/nonexistent/t.md"), 2);
	assert_int_equal(run("--compare " SHARED_TRACES "README.md --gen loop",
			     "has no rows for trace 'loop:pages=100"), 2);
	assert_int_equal(run("--compare " SHARED_TRACES "README.md --csv x", "no CSV form"), 2);
	assert_int_equal(run("--compare " SHARED_TRACES "cpp.txt x", "no table of hit ratios"), 2);
}

/* ---- the lab run (tools/policysim/lab.sh, plot.gp) ------------------------- */

static char *slurp(const char *dir, const char *file, size_t *len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("the lab wrote no %s", path);
	char *buf = malloc(1 << 22);
	assert_non_null(buf);
	*len = fread(buf, 1, (1 << 22) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/* In the SVG, name's line (the path after its key entry) has `points`
 * points: its key sample (M, one L) and then M and points-1 L's - one
 * unbroken line, not points scattered between other policies' rows. */
static void has_line(const char *svg, const char *name, unsigned points)
{
	char key[64];
	snprintf(key, sizeof key, "<text>%s</text>", name);
	const char *at = strstr(svg, key);
	if (!at)
		fail_msg("no line called %s in the plot", name);
	const char *d = strstr(at, " d='");
	assert_non_null(d);
	unsigned moves = 0, lines = 0;
	for (const char *p = d + 4; *p && *p != '\''; p++) {
		moves += *p == 'M';
		lines += *p == 'L';
	}
	if (moves != 2 || lines != points)
		fail_msg("%s: %u moves and %u segments, not one line of %u points", name, moves,
			 lines, points);
}

/* make lab-policy: per workload a table, a CSV, a PNG and an SVG with one
 * line per policy, and the summary with the README's figures beside. */
static void the_lab_run_writes_tables_and_plots_with_a_line_per_policy_and_the_summary(void **state)
{
	static const char *const workloads[] = { "sprite", "cpp", "loop", "random", "shift", "belady" };
	char dir[] = "/tmp/policysim-lab-XXXXXX", cmd[512];
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof cmd, "tools/policysim/lab.sh build/host/policysim %s %s >/dev/null",
		 SHARED_TRACES, dir);
	assert_int_equal(system(cmd), 0);
	for (unsigned w = 0; w < 6; w++) {
		char file[64];
		size_t len;
		static const char *const ext[] = { "txt", "csv" };
		for (unsigned e = 0; e < 2; e++) {
			snprintf(file, sizeof file, "%s.%s", workloads[w], ext[e]);
			char *text = slurp(dir, file, &len);
			assert_non_null(strstr(text, "opt"));
			free(text);
		}
		snprintf(file, sizeof file, "%s.png", workloads[w]);
		char *png = slurp(dir, file, &len);
		assert_true(len > 1000 && !memcmp(png, "\x89PNG\r\n\x1a\n", 8));
		free(png);
		snprintf(file, sizeof file, "%s.svg", workloads[w]);
		char *svg = slurp(dir, file, &len);
		unsigned points = 0;        /* frame counts: fifo's rows in the CSV */
		snprintf(file, sizeof file, "%s.csv", workloads[w]);
		char *csv = slurp(dir, file, &len);
		for (const char *p = csv; (p = strstr(p, ",fifo,")) != NULL; p++)
			points++;
		free(csv);
		assert_true(points >= 5);
		for (unsigned p = 0; p < policy_count; p++)
			has_line(svg, policy_table[p]->name, points);
		has_line(svg, "lru", points);
		has_line(svg, "opt", points);
		free(svg);
	}
	size_t len;
	char *summary = slurp(dir, "summary.txt", &len);
	assert_non_null(strstr(summary, "fifo       FIFO        22.3    22.3     66.1    66.1"));
	assert_non_null(strstr(summary, "clock      CLOCK       10.2    10.2     52.7    52.7"));
	assert_non_null(strstr(summary, "opt        OPT         62.8    62.8     79.1    79.1"));
	for (unsigned p = 0; p < policy_count; p++) {
		char row[64];
		snprintf(row, sizeof row, "\n%-10s ", policy_table[p]->name);
		assert_non_null(strstr(summary, row));
	}
	free(summary);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fifo_on_beladys_string_takes_9_faults_with_3_frames_10_with_4),
		cmocka_unit_test(opt_on_beladys_string_takes_7_faults_with_3_frames_6_with_4),
		cmocka_unit_test(lru_on_beladys_string_takes_10_faults_with_3_frames_8_with_4),
		cmocka_unit_test(the_textbook_string_takes_15_12_and_9_faults_under_fifo_lru_opt),
		cmocka_unit_test(a_trace_is_renumbered_densely_in_order_of_first_reference),
		cmocka_unit_test(an_unknown_policy_name_is_refused),
		cmocka_unit_test(with_a_frame_for_every_page_only_cold_misses_fault),
		cmocka_unit_test(a_malformed_trace_line_is_refused_naming_the_line),
		cmocka_unit_test(opt_fifo_lru_and_clock_reproduce_the_readme_on_cpp),
		cmocka_unit_test(opt_fifo_lru_and_clock_reproduce_the_readme_on_sprite),
		cmocka_unit_test(clock_whose_new_frames_are_referenced_hits_less_on_cpp),
		cmocka_unit_test(bad_arguments_exit_with_status_2_and_say_what_is_wrong),
		cmocka_unit_test(a_trace_may_name_pages_beyond_32_bits),
		cmocka_unit_test(a_generated_trace_is_the_generators_string),
		cmocka_unit_test(the_generated_beladys_string_shows_fifos_anomaly_and_opts_counts),
		cmocka_unit_test(csv_rows_come_policy_by_policy),
		cmocka_unit_test(emit_prints_the_generated_string_as_a_trace),
		cmocka_unit_test(bad_workload_arguments_exit_with_status_2_and_say_what_is_wrong),
		cmocka_unit_test(a_markdown_table_of_hit_ratios_is_read_row_by_row),
		cmocka_unit_test(each_policy_is_compared_with_the_column_of_what_it_approximates),
		cmocka_unit_test(compare_sets_the_readmes_figures_beside_the_simulators),
		cmocka_unit_test(bad_compare_arguments_exit_with_status_2_and_say_what_is_wrong),
		cmocka_unit_test(the_lab_run_writes_tables_and_plots_with_a_line_per_policy_and_the_summary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
