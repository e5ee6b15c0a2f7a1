/*
 * test_policy.c - the replacement policies (servers/mm/policy.c,
 * policy_fifo.c, policy_clock.c), compiled unchanged against the model
 * of the machine the simulator uses (tools/policysim/machine.c): a
 * handful of frames (its mm_pages[]), a page table from virtual page to
 * frame, and the hardware's accessed and dirty bits, set on each
 * reference and read by the policy through policy_referenced() (which
 * clears the accessed bit) and policy_dirty().
 *
 * The model pages a reference string through one budgeted pool exactly
 * as mm does: a hit sets the frame's bits; a miss takes a free frame or,
 * with the pool full, asks the policy for a victim, removes it and admits
 * the new frame. policy_pool_check() runs after every step. Expected
 * fault counts are computed by hand (see each test), or are the exact
 * hit ratios of /work/shared/traces/README.md on the cpp trace (copied
 * into tests/traces/).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <pagoda/error.h>
#include "machine.h"
#include "cpp_trace.h"

#define VPAGES 2048             /* virtual pages: the cpp trace's blocks are 1..1223 */

static struct policy_pool *const pool = &machine.pool;

static unsigned bugs;
static char bug_last[256];

void mm_bug(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(bug_last, sizeof bug_last, fmt, ap);
	va_end(ap);
	bugs++;
}

void mm_print(const char *fmt, ...)
{
}

/* A fresh machine of `limit` frames run by the policy called name; a new
 * frame enters with its accessed bit clear unless miss_sets_bit. */
static void start(const char *name, unsigned limit, bool miss_sets_bit)
{
	struct policy_choice c;
	char why[80];
	assert_int_equal(policy_parse(name, strlen(name), &c, why, sizeof why), 0);
	machine_fini();
	machine_init(limit, VPAGES, &c, miss_sets_bit);
	bugs = 0;
}

static int setup(void **state)
{
	start("clock", 3, false);
	return 0;
}

static int teardown(void **state)
{
	machine_fini();
	return 0;
}

/* Reference virtual page vp: 1 on a fault. The pool is checked after. */
static int reference(unsigned vp)
{
	int fault = machine_reference(vp, false);
	assert_int_equal(policy_pool_check(pool), 0);
	assert_int_equal(bugs, 0);
	return fault;
}

/* Faults of the whole string under policy `name` with `limit` frames. */
static unsigned faults_of(const char *name, const unsigned *refs, size_t n, unsigned limit)
{
	start(name, limit, false);
	unsigned faults = 0;
	for (size_t i = 0; i < n; i++) {
		faults += (unsigned)reference(refs[i]);
		assert_int_equal(pool->pages, machine.used < limit ? machine.used : limit);
	}
	/* empty it again, checking after every removal */
	while (pool->pages) {
		machine.pol->remove(pool, pool->head[0], POLICY_FREED);
		assert_int_equal(policy_pool_check(pool), 0);
	}
	assert_int_equal(pool->pages, 0);
	return faults;
}

static const unsigned belady[] = { 1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5 };
#define BELADY_N (sizeof belady / sizeof belady[0])

/* Belady, Nelson & Shedler 1969: FIFO needs more faults with more frames. */
static void fifo_shows_beladys_anomaly_9_faults_with_3_frames_10_with_4(void **state)
{
	assert_int_equal(faults_of("fifo", belady, BELADY_N, 3), 9);
	assert_int_equal(faults_of("fifo", belady, BELADY_N, 4), 10);
}

/* By hand, a new page entering with its bit clear:
 * 3 frames: 1 2 3 4 1 2 5 miss (7; the hand never finds a bit set), 1 2
 * hit and set their bits, 3 misses (the hand clears 1 and 2, takes 5),
 * 4 and 5 miss: 10. 4 frames: 1-4 miss, 1 2 hit, 5 takes 3 (1, 2 spared),
 * 1 2 hit, 3 takes 4, 4 takes 5 (1, 2 spared again), 5 takes 3: 8. */
static void clock_on_beladys_string_takes_10_faults_with_3_frames_8_with_4(void **state)
{
	assert_int_equal(faults_of("clock", belady, BELADY_N, 3), 10);
	assert_int_equal(faults_of("clock", belady, BELADY_N, 4), 8);
}

/* With the hardware's behaviour in mm (the restarted access sets the bit
 * of the page it faulted in), every page is referenced by the time the
 * hand comes, the hand goes round clearing, and Clock behaves as FIFO
 * wherever that happens - here 9 and 10 faults: the anomaly again, by hand. */
static void clock_whose_new_pages_are_referenced_shows_the_anomaly_too(void **state)
{
	unsigned faults = 0;
	start("clock", 3, true);
	for (size_t i = 0; i < BELADY_N; i++)
		faults += (unsigned)reference(belady[i]);
	assert_int_equal(faults, 9);
	start("clock", 4, true);
	faults = 0;
	for (size_t i = 0; i < BELADY_N; i++)
		faults += (unsigned)reference(belady[i]);
	assert_int_equal(faults, 10);
}

/* Silberschatz's example string: FIFO with 3 frames takes 15 faults. */
static void fifo_on_the_textbook_string_takes_15_faults_with_3_frames(void **state)
{
	static const unsigned s[] = { 7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1 };
	assert_int_equal(faults_of("fifo", s, sizeof s / sizeof s[0], 3), 15);
}

/* A loop one page larger than the pool: every reference faults under
 * both (the pathological case of LRU-like policies). */
static void a_loop_one_page_too_big_faults_on_every_reference(void **state)
{
	unsigned s[40];
	for (unsigned i = 0; i < 40; i++)
		s[i] = i % 5;
	assert_int_equal(faults_of("fifo", s, 40, 4), 40);
	assert_int_equal(faults_of("clock", s, 40, 4), 40);
}

/* Hit ratio in tenths of a percent, rounded as the README's table. */
static unsigned hit_permille(const char *name, unsigned frames_n)
{
	size_t trace_n;
	const unsigned *trace = cpp_trace(&trace_n);
	unsigned faults = faults_of(name, trace, trace_n, frames_n);
	unsigned hits = (unsigned)trace_n - faults;
	return (unsigned)((hits * 1000.0) / trace_n + 0.5);
}

static void fifo_and_clock_reproduce_the_reference_hit_ratios_on_cpp(void **state)
{
	assert_int_equal(hit_permille("fifo", 50), 107);
	assert_int_equal(hit_permille("fifo", 80), 424);
	assert_int_equal(hit_permille("fifo", 100), 548);
	assert_int_equal(hit_permille("clock", 50), 102);
	assert_int_equal(hit_permille("clock", 80), 527);
	assert_int_equal(hit_permille("clock", 100), 714);
}

/* Asked twice with no remove between, a policy offers another frame. */
static void a_victim_refused_once_is_not_offered_again_next(void **state)
{
	for (unsigned i = 0; i < policy_count; i++) {
		start(policy_table[i]->name, 3, false);
		const struct mm_policy *pol = machine.pol;
		for (unsigned vp = 0; vp < 3; vp++)
			reference(vp);
		pfn_t first = pol->victim(pool), second = pol->victim(pool);
		assert_true(first != PFN_NONE && second != PFN_NONE);
		assert_int_not_equal(first, second);
		assert_int_equal(policy_pool_check(pool), 0);
		pol->remove(pool, second, POLICY_EVICTED);
		assert_int_equal(policy_pool_check(pool), 0);
		assert_int_equal(pool->pages, 2);
	}
}

static void an_empty_pool_has_no_victim(void **state)
{
	assert_int_equal(policy_clock.victim(pool), PFN_NONE);
	assert_int_equal(policy_fifo.victim(pool), PFN_NONE);
	assert_int_equal(pool->pages, 0);
}

static void policies_are_found_by_their_exact_name_only(void **state)
{
	assert_ptr_equal(policy_find("fifo"), &policy_fifo);
	assert_ptr_equal(policy_find("clock"), &policy_clock);
	assert_null(policy_find("lru"));
	assert_null(policy_find(""));
	assert_null(policy_find("FIFO"));
	assert_null(policy_find("clock "));
}

/* A switch at run time hands each pool's frames over, oldest first: after
 * fifo -> clock -> fifo the eviction order is the residency order. */
static void switching_policy_keeps_every_frame_and_the_residency_order(void **state)
{
	start("fifo", 8, false);
	for (unsigned vp = 0; vp < 8; vp++)
		reference(vp);
	policy_hand_over(pool, &policy_fifo, &(struct policy_choice){ .policy = &policy_clock });
	machine.pol = &policy_clock;
	assert_int_equal(policy_pool_check(pool), 0);
	assert_int_equal(pool->pages, 8);
	assert_int_equal(pool->hand, pool->head[0]);
	policy_hand_over(pool, &policy_clock, &(struct policy_choice){ .policy = &policy_fifo });
	machine.pol = &policy_fifo;
	assert_int_equal(policy_pool_check(pool), 0);
	for (unsigned vp = 0; vp < 8; vp++) {
		pfn_t v = policy_fifo.victim(pool);
		assert_int_equal(machine.page_in[v], vp);
		policy_fifo.remove(pool, v, POLICY_EVICTED);
		assert_int_equal(policy_pool_check(pool), 0);
	}
	assert_int_equal(pool->pages, 0);
}

static void clock_counts_its_scans_and_hand_movements(void **state)
{
	for (unsigned vp = 0; vp < 3; vp++)
		reference(vp);
	reference(0);
	reference(1);           /* 0 and 1 referenced: the hand spares both */
	pfn_t v = policy_clock.victim(pool);
	assert_int_equal(machine.page_in[v], 2);
	assert_int_equal(pool->stats.scanned, 3);
	assert_int_equal(pool->stats.referenced, 2);
	assert_int_equal(pool->stats.moves, 2);
	assert_int_equal(pool->stats.victims, 1);
	assert_int_equal(pool->stats.admitted, 3);
}

/* The checker must catch what it claims to: each corruption is named. */
static void the_pool_checker_catches_broken_lists_counts_and_hands(void **state)
{
	start("clock", 4, false);
	for (unsigned vp = 0; vp < 4; vp++)
		reference(vp);
	uint32_t second = mm_pages[pool->head[0]].next;
	uint32_t saved = mm_pages[second].prev;
	mm_pages[second].prev = second;         /* prev no longer next's inverse */
	assert_int_equal(policy_pool_check(pool), -ERR_BUG);
	assert_non_null(strstr(bug_last, "does not point back"));
	mm_pages[second].prev = saved;
	pool->count[0]--;                       /* P3 and P2 */
	assert_int_equal(policy_pool_check(pool), -ERR_BUG);
	pool->count[0]++;
	pool->pages++;                          /* P3 alone */
	assert_int_equal(policy_pool_check(pool), -ERR_BUG);
	assert_non_null(strstr(bug_last, "lists hold 4 frames, pages says 5"));
	pool->pages--;
	pool->hand = 100;                       /* P4 */
	assert_int_equal(policy_pool_check(pool), -ERR_BUG);
	assert_non_null(strstr(bug_last, "the hand"));
	pool->hand = pool->head[0];
	assert_int_equal(policy_pool_check(pool), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(fifo_shows_beladys_anomaly_9_faults_with_3_frames_10_with_4, setup, teardown),
		cmocka_unit_test_setup_teardown(clock_on_beladys_string_takes_10_faults_with_3_frames_8_with_4, setup, teardown),
		cmocka_unit_test_setup_teardown(clock_whose_new_pages_are_referenced_shows_the_anomaly_too, setup, teardown),
		cmocka_unit_test_setup_teardown(fifo_on_the_textbook_string_takes_15_faults_with_3_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(a_loop_one_page_too_big_faults_on_every_reference, setup, teardown),
		cmocka_unit_test_setup_teardown(fifo_and_clock_reproduce_the_reference_hit_ratios_on_cpp, setup, teardown),
		cmocka_unit_test_setup_teardown(a_victim_refused_once_is_not_offered_again_next, setup, teardown),
		cmocka_unit_test_setup_teardown(an_empty_pool_has_no_victim, setup, teardown),
		cmocka_unit_test_setup_teardown(policies_are_found_by_their_exact_name_only, setup, teardown),
		cmocka_unit_test_setup_teardown(switching_policy_keeps_every_frame_and_the_residency_order, setup, teardown),
		cmocka_unit_test_setup_teardown(clock_counts_its_scans_and_hand_movements, setup, teardown),
		cmocka_unit_test_setup_teardown(the_pool_checker_catches_broken_lists_counts_and_hands, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
