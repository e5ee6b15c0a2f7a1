/*
 * test_policy.c - the replacement policies (servers/mm/policy.c,
 * policy_fifo.c, policy_clock.c), compiled unchanged against a small
 * model of the machine: a handful of frames (this file's mm_pages[]),
 * a page table from virtual page to frame, and the hardware's accessed
 * and dirty bits, set on each reference and read-and-cleared by the
 * policy through policy_referenced()/policy_dirty().
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
#include "policy.h"

#define FRAMES 128
#define VPAGES 2048             /* virtual pages: the cpp trace's blocks are 1..1223 */

struct page *mm_pages;
pfn_t mm_max_pfn;

static struct page frames[FRAMES];
static bool accessed[FRAMES], written[FRAMES];
static uint32_t frame_of[VPAGES];       /* the page table: PAGE_LINK_NONE if absent */
static uint32_t page_in[FRAMES];        /* the reverse map */
static unsigned used;                   /* frames handed out so far */
static bool miss_sets_bit;              /* the faulting access sets the bit too */
static struct policy_pool pool;
static const struct mm_policy *pol;     /* the policy under test */

static void pool_init(uint64_t limit)
{
	memset(&pool, 0, sizeof pool);
	pool.name = "test";
	pool.limit = limit;
	pool.hand = PAGE_LINK_NONE;
	for (int l = 0; l < POLICY_LISTS; l++)
		pool.head[l] = PAGE_LINK_NONE;
}

static void use(const char *name)
{
	pol = policy_find(name);
	assert_non_null(pol);
}

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

bool policy_referenced(pfn_t pfn)
{
	assert_true(pfn < FRAMES && page_in[pfn] != PAGE_LINK_NONE);
	bool was = accessed[pfn];
	accessed[pfn] = false;
	return was;
}

bool policy_dirty(pfn_t pfn)
{
	return written[pfn];
}

static int setup(void **state)
{
	mm_pages = frames;
	mm_max_pfn = FRAMES;
	for (unsigned i = 0; i < FRAMES; i++) {
		frames[i] = (struct page){ .next = PAGE_LINK_NONE, .prev = PAGE_LINK_NONE };
		accessed[i] = written[i] = false;
		page_in[i] = PAGE_LINK_NONE;
	}
	for (unsigned i = 0; i < VPAGES; i++)
		frame_of[i] = PAGE_LINK_NONE;
	used = 0;
	bugs = 0;
	miss_sets_bit = false;
	pol = &policy_clock;
	pool_init(0);
	return 0;
}

/* Reference virtual page vp with a pool of `limit` frames: 1 on a fault. */
static int reference(unsigned vp, uint64_t limit)
{
	assert_true(vp < VPAGES);
	uint32_t pfn = frame_of[vp];
	if (pfn != PAGE_LINK_NONE) {
		accessed[pfn] = true;
		return 0;
	}
	if (pool.pages < limit) {
		pfn = used++;
	} else {
		pfn = pol->victim(&pool);
		assert_true(pfn < FRAMES);
		pol->remove(&pool, pfn);
		frame_of[page_in[pfn]] = PAGE_LINK_NONE;
	}
	assert_true(pfn < FRAMES);
	frame_of[vp] = pfn;
	page_in[pfn] = vp;
	accessed[pfn] = miss_sets_bit;
	pol->admit(&pool, pfn);
	assert_int_equal(policy_pool_check(&pool), 0);
	return 1;
}

/* Faults of the whole string under policy `name` with `limit` frames. */
static unsigned faults_of(const char *name, const unsigned *refs, size_t n, uint64_t limit)
{
	setup(NULL);
	use(name);
	pool_init(limit);
	unsigned faults = 0;
	for (size_t i = 0; i < n; i++) {
		faults += (unsigned)reference(refs[i], limit);
		assert_int_equal(policy_pool_check(&pool), 0);
		assert_int_equal(pool.pages, used < limit ? used : limit);
	}
	assert_int_equal(bugs, 0);
	/* empty it again, checking after every removal */
	while (pool.pages) {
		pol->remove(&pool, pool.head[0]);
		assert_int_equal(policy_pool_check(&pool), 0);
	}
	assert_int_equal(pool.pages, 0);
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
	setup(NULL);
	use("clock");
	pool_init(3);
	miss_sets_bit = true;
	unsigned faults = 0;
	for (size_t i = 0; i < BELADY_N; i++)
		faults += (unsigned)reference(belady[i], 3);
	assert_int_equal(faults, 9);
	setup(NULL);
	pool_init(4);
	miss_sets_bit = true;
	faults = 0;
	for (size_t i = 0; i < BELADY_N; i++)
		faults += (unsigned)reference(belady[i], 4);
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

/* The trace, read once. */
static unsigned *trace;
static size_t trace_n;

static void load_trace(void)
{
	if (trace)
		return;
	FILE *f = fopen("tests/traces/cpp.txt", "r");
	assert_non_null(f);
	size_t cap = 16384;
	trace = malloc(cap * sizeof *trace);
	unsigned v;
	while (fscanf(f, "%u", &v) == 1) {
		assert_true(trace_n < cap);
		trace[trace_n++] = v;
	}
	fclose(f);
	assert_int_equal(trace_n, 9047);
}

/* Hit ratio in tenths of a percent, rounded as the README's table. */
static unsigned hit_permille(const char *name, uint64_t frames_n)
{
	load_trace();
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
		setup(NULL);
		use(policy_table[i]->name);
		pool_init(3);
		for (unsigned vp = 0; vp < 3; vp++)
			reference(vp, 3);
		pfn_t first = pol->victim(&pool), second = pol->victim(&pool);
		assert_true(first != PFN_NONE && second != PFN_NONE);
		assert_int_not_equal(first, second);
		assert_int_equal(policy_pool_check(&pool), 0);
		pol->remove(&pool, second);
		assert_int_equal(policy_pool_check(&pool), 0);
		assert_int_equal(pool.pages, 2);
	}
}

static void an_empty_pool_has_no_victim(void **state)
{
	pool_init(3);
	assert_int_equal(pol->victim(&pool), PFN_NONE);
	use("fifo");
	assert_int_equal(pol->victim(&pool), PFN_NONE);
	assert_int_equal(pool.pages, 0);
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
	use("fifo");
	pool_init(8);
	for (unsigned vp = 0; vp < 8; vp++)
		reference(vp, 8);
	policy_hand_over(&pool, &policy_fifo, &policy_clock);
	pol = &policy_clock;
	assert_int_equal(policy_pool_check(&pool), 0);
	assert_int_equal(pool.pages, 8);
	assert_int_equal(pool.hand, pool.head[0]);
	policy_hand_over(&pool, &policy_clock, &policy_fifo);
	pol = &policy_fifo;
	assert_int_equal(policy_pool_check(&pool), 0);
	for (unsigned vp = 0; vp < 8; vp++) {
		pfn_t v = pol->victim(&pool);
		assert_int_equal(page_in[v], vp);
		pol->remove(&pool, v);
		assert_int_equal(policy_pool_check(&pool), 0);
	}
	assert_int_equal(pool.pages, 0);
}

static void clock_counts_its_scans_and_hand_movements(void **state)
{
	pool_init(3);
	for (unsigned vp = 0; vp < 3; vp++)
		reference(vp, 3);
	reference(0, 3);
	reference(1, 3);        /* 0 and 1 referenced: the hand spares both */
	pfn_t v = pol->victim(&pool);
	assert_int_equal(page_in[v], 2);
	assert_int_equal(pool.stats.scanned, 3);
	assert_int_equal(pool.stats.referenced, 2);
	assert_int_equal(pool.stats.moves, 2);
	assert_int_equal(pool.stats.victims, 1);
	assert_int_equal(pool.stats.admitted, 3);
}

/* The checker must catch what it claims to: each corruption is named. */
static void the_pool_checker_catches_broken_lists_counts_and_hands(void **state)
{
	pool_init(4);
	for (unsigned vp = 0; vp < 4; vp++)
		reference(vp, 4);
	assert_int_equal(bugs, 0);
	uint32_t second = frames[pool.head[0]].next;
	uint32_t saved = frames[second].prev;
	frames[second].prev = second;           /* prev no longer next's inverse */
	assert_int_equal(policy_pool_check(&pool), -ERR_BUG);
	assert_non_null(strstr(bug_last, "does not point back"));
	frames[second].prev = saved;
	pool.count[0]--;                        /* P3 and P2 */
	assert_int_equal(policy_pool_check(&pool), -ERR_BUG);
	pool.count[0]++;
	pool.pages++;                           /* P3 alone */
	assert_int_equal(policy_pool_check(&pool), -ERR_BUG);
	assert_non_null(strstr(bug_last, "lists hold 4 frames, pages says 5"));
	pool.pages--;
	pool.hand = 100;                        /* P4 */
	assert_int_equal(policy_pool_check(&pool), -ERR_BUG);
	assert_non_null(strstr(bug_last, "the hand"));
	pool.hand = pool.head[0];
	assert_int_equal(policy_pool_check(&pool), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(fifo_shows_beladys_anomaly_9_faults_with_3_frames_10_with_4, setup),
		cmocka_unit_test_setup(clock_on_beladys_string_takes_10_faults_with_3_frames_8_with_4, setup),
		cmocka_unit_test_setup(clock_whose_new_pages_are_referenced_shows_the_anomaly_too, setup),
		cmocka_unit_test_setup(fifo_on_the_textbook_string_takes_15_faults_with_3_frames, setup),
		cmocka_unit_test_setup(a_loop_one_page_too_big_faults_on_every_reference, setup),
		cmocka_unit_test_setup(fifo_and_clock_reproduce_the_reference_hit_ratios_on_cpp, setup),
		cmocka_unit_test_setup(a_victim_refused_once_is_not_offered_again_next, setup),
		cmocka_unit_test_setup(an_empty_pool_has_no_victim, setup),
		cmocka_unit_test_setup(policies_are_found_by_their_exact_name_only, setup),
		cmocka_unit_test_setup(switching_policy_keeps_every_frame_and_the_residency_order, setup),
		cmocka_unit_test_setup(clock_counts_its_scans_and_hand_movements, setup),
		cmocka_unit_test_setup(the_pool_checker_catches_broken_lists_counts_and_hands, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
