/*
 * test_policy_adaptive.c - the adaptive replacement policies (CAR,
 * CLOCK-Pro, 2Q, linux: servers/mm/policy_car.c, policy_clockpro.c,
 * policy_2q.c, policy_linux.c) and the history they share
 * (policy_ghost.c), compiled unchanged against the simulator's model of
 * the machine (tools/policysim/machine.c), as test_policy.c does.
 *
 * Every reference string is paged through one budgeted pool; after every
 * step the pool checker (policy_pool_check, which runs policy_ghost_check)
 * must pass and the history must hold no more than the policy's bound.
 * The fault counts of the small strings are computed by hand in the
 * comments (the textbook convention: a new page enters with its accessed
 * bit clear, faultbit=0). The scan tests run both conventions.
 */
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <pagoda/error.h>
#include "machine.h"
#include "mm_stubs.h"           /* mm_bug records: stub_bug_count, stub_bug_last */

#define VPAGES 4096

static struct policy_pool *const pool = &machine.pool;

static const char *const adaptive[] = { "car", "clockpro", "2q", "linux" };
#define NADAPTIVE 4

/* A fresh machine of `limit` frames run by the policy `text` (NAME:K=V);
 * miss_sets_bit: the faulting access sets the new frame's bit (mm). */
static void start(const char *text, unsigned limit, bool miss_sets_bit)
{
	struct policy_choice c;
	char why[80];
	assert_int_equal(policy_parse(text, strlen(text), &c, why, sizeof why), 0);
	machine_fini();
	machine_init(limit, VPAGES, &c, miss_sets_bit);
	stub_bug_reset();
}

static int teardown(void **state)
{
	machine_fini();
	return 0;
}

static uint64_t ghosts(void)
{
	return policy_ghost_count(pool, 0) + policy_ghost_count(pool, 1);
}

/* The most names the policy's history may hold: CAR reserves c+1 (the
 * victim is taken before the page that faulted is admitted). */
static uint64_t history_bound(void)
{
	return pool->limit + !strcmp(machine.pol->name, "car");
}

/* Reference page vp: 1 on a fault. The pool and its history are checked. */
static int reference(unsigned vp)
{
	int fault = machine_reference(vp, false);
	assert_int_equal(policy_pool_check(pool), 0);
	assert_int_equal(stub_bug_count, 0);
	assert_true(ghosts() <= history_bound());
	assert_true(pool->pages <= pool->limit);
	return fault;
}

static unsigned run(const unsigned *refs, size_t n)
{
	unsigned faults = 0;
	for (size_t i = 0; i < n; i++)
		faults += (unsigned)reference(refs[i]);
	return faults;
}

#define RUN(...) run((const unsigned[]){ __VA_ARGS__ }, \
		     sizeof((const unsigned[]){ __VA_ARGS__ }) / sizeof(unsigned))

/* ---- small strings, by hand ------------------------------------------------ */

/* 2Q, 4 frames, kin=50 (A1in may keep 2), kout=100 (A1out keeps 4).
 *   1 2 3 4      miss x4          A1in 1 2 3 4
 *   1 2          hits in A1in: nothing changes (correlated)
 *   5            A1in 4 > 2: 1 -> A1out [1]          A1in 2 3 4 5
 *   6            2 -> A1out [1 2]                     A1in 3 4 5 6
 *   1            3 -> A1out [1 2 3]; 1 found: Am [1]  A1in 4 5 6
 *   2            4 -> A1out [3 4]... 2 found: Am [1 2] A1in 5 6
 *   1 2          hits in Am: their bits are set
 *   7            A1in 2, not > 2: Am's clock: 1 and 2 spared (bits
 *                cleared), a full turn: 1 goes (not remembered)
 *   8            A1in 5 6 7 > 2: 5 -> A1out [3 4 5]   A1in 6 7 8
 *   3            6 -> A1out [3 4 5 6]; 3 found: Am [2 3], the hand at 2
 *   2            hit in Am: bit set
 *   1            A1in 7 8, not > 2: Am's clock: 2 spared, 3 clear: 3 goes
 * 12 faults in 17 references; 3 ghost hits, each an activation. */
static void twoq_by_hand_takes_12_faults_on_a_string_of_17(void **state)
{
	start("2q:kin=50,kout=100", 4, false);
	assert_int_equal(RUN(1, 2, 3, 4, 1, 2, 5, 6, 1, 2, 1, 2, 7, 8, 3, 2, 1), 12);
	assert_int_equal(pool->stats.ghost_hits, 3);
	assert_int_equal(pool->stats.activated, 3);
	assert_int_equal(pool->count[1], 1);            /* Am: 2 */
	assert_int_not_equal(machine.frame_of[2], PAGE_LINK_NONE);
	assert_int_equal(pool->count[0], 3);            /* A1in: 7 8 1 */
	assert_int_equal(policy_ghost_count(pool, 0), 3); /* A1out: 4 5 6 */
}

/* linux, 4 frames, ratio=1. R = the referenced mark; age = evictions +
 * activations; a shadow holds the age after its page's eviction.
 *   1 2 3 4   miss x4                      inactive 1 2 3 4
 *   1 2       bits set
 *   5         1: bit, no R -> R, kept; 2 likewise; 3: clear -> evicted
 *             (age 1, shadow 3=1)           inactive 4 1 2 5
 *   1 2       bits set again
 *   6         4: clear -> evicted (age 2)   inactive 1 2 5 6
 *   3         1: bit and R -> active (age 3); 2 likewise (age 4);
 *             5: clear -> evicted (age 5, shadow 5=5); 3 refaults at
 *             distance 5-1 = 4 > 2 active: inactive 6 3
 *   5         6: clear -> evicted (age 6); 5 refaults at distance 6-5
 *             = 1 <= 2 active: activated (age 7)   active 1 2 5, inactive 3
 *   7         active 3 > inactive 1: 1 deactivated (keeps R), inactive
 *             3 1; 3: clear -> evicted         inactive 1 7
 *   1         bit set
 *   8         1: bit and R -> active again (age 9), active 2 5 1 > 1
 *             inactive: 2 deactivated; 7: clear -> evicted
 * 10 faults in 15; activated 4 (1, 2, 5 by refault, 1 again), deactivated
 * 2, one refault activation. */
static void linux_by_hand_takes_10_faults_on_a_string_of_15(void **state)
{
	start("linux", 4, false);
	assert_int_equal(RUN(1, 2, 3, 4, 1, 2, 5, 1, 2, 6, 3, 5, 7, 1, 8), 10);
	assert_int_equal(pool->stats.activated, 4);
	assert_int_equal(pool->stats.deactivated, 2);
	assert_int_equal(pool->stats.ghost_hits, 1);
	assert_int_equal(pool->count[1], 2);            /* active: 5 1 */
	assert_int_equal(pool->count[0], 2);            /* inactive: 2 8 */
}

/* linux, 8 frames, ratio=3 (active may be 3 times inactive): a refault
 * farther than the inactive list but within the active one is activated.
 *   0..7        miss x8
 *   0..5        bits set
 *   100         0..5 marked and kept; 6 evicted (age 1)
 *   0..5        bits set again
 *   101         7 evicted (age 2)
 *   102         0..5 activated (age 8): active 6, inactive 100 101 -
 *               6 <= 3 * 2, balanced; 100 evicted (age 9, shadow 9)
 *   103 104 105 101, 102, 103 evicted (ages 10, 11, 12)
 *   100         104 evicted (age 13): distance 13 - 9 = 4 <= 6 active
 *               (though > 2 inactive): activated
 * 15 faults; activated 7, one of them by refault. */
static void linux_activates_a_refault_within_the_active_lists_length(void **state)
{
	start("linux:ratio=3", 8, false);
	assert_int_equal(RUN(0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 100,
			     0, 1, 2, 3, 4, 5, 101, 102, 103, 104, 105, 100), 15);
	assert_int_equal(pool->stats.ghost_hits, 1);
	assert_int_equal(pool->stats.activated, 7);
	assert_int_equal(pool->stats.deactivated, 0);
	assert_int_equal(pool->count[1], 7);
}

/* CAR, 4 frames (c = 4), faultbit=0, p = 0 at first.
 *   1 2 3 4   miss x4                          T1 1 2 3 4
 *   1         bit set
 *   5         |T1| >= 1: 1 referenced -> T2; 2 clear -> B1 [2]
 *                                              T1 3 4 5, T2 1
 *   2         3 -> B1 [2 3]; 2 in B1: p += max(1, 0/2) = 1; 2 -> T2
 *                                              T1 4 5, T2 1 2
 *   6         |T1| 2 >= 1: 4 -> B1 [3 4]       T1 5 6
 *   1 2       bits set (T2)
 *   7         5 -> B1 [3 4 5]; |T1| + |B1| = 4 >= c: 3 forgotten; T1 6 7
 *   3         6 -> B1 [4 5 6]; 3 is new: 4 forgotten; T1 7 3
 *   5         7 -> B1 [5 6 7]; 5 in B1: p += max(1, 0/3) = 2; T2 1 2 5
 *   8         |T1| 1 < p 2: T2's hand: 1, 2 spared (bits cleared), 5
 *             clear -> B2 [5]                   T1 3 8
 *   5         |T1| 2 >= 2: 3 -> B1 [6 7 3]; 5 in B2: p -= max(1, 3/1)
 *             = 3, so p = 0; T2 1 2 5           T1 8
 * 12 faults in 15; 3 ghost hits; activated 4 (1 by its bit, three from
 * the ghost lists). */
static void car_by_hand_takes_12_faults_on_a_string_of_15(void **state)
{
	start("car:faultbit=0", 4, false);
	assert_int_equal(RUN(1, 2, 3, 4, 1, 5, 2, 6, 1, 2, 7, 3, 5), 10);
	assert_int_equal(pool->words[0], 2);            /* p, words[W_P] */
	assert_int_equal(RUN(8, 5), 2);
	assert_int_equal(pool->words[0], 0);
	assert_int_equal(pool->stats.ghost_hits, 3);
	assert_int_equal(pool->stats.activated, 4);
	assert_int_equal(pool->count[0], 1);            /* T1: 8 */
	assert_int_equal(pool->count[1], 3);            /* T2: 1 2 5 */
	assert_int_equal(policy_ghost_count(pool, 0), 3); /* B1: 6 7 3 */
	assert_int_equal(policy_ghost_count(pool, 1), 0);
}

/* CLOCK-Pro, 4 frames (m = 4, mincold = 1, so m_c stays in 1..3 and
 * starts at 1), faultbit=0. @n is a page's position on the clock; m_c is
 * words[W_TARGET] = words[2].
 *   1 2 3     warming up: hot @1 @2 @3
 *   4         cold, in test @4
 *   5         HAND_cold: 4 clear -> evicted, non-resident; 5 cold @5
 *   4         5 evicted, non-resident. 4 refaults in its test period:
 *             m_c = 2; hot 3 + 2 >= 4: HAND_hot demotes 1 (-> cold @6);
 *             2 + 2 >= 4: demotes 2 (@7); 1 + 2 < 4: 4 turns hot @8
 *   1         bit set
 *   6         HAND_cold: 1 referenced, not in test -> cold @9, in test;
 *             2 clear -> evicted (not in test: forgotten); 6 @10
 *   5         1 clear -> evicted, non-resident. 5 refaults: m_c = 3;
 *             HAND_hot demotes 3 (-> @11) and stops at 4 @8, passing 5's
 *             position @5: its test period ends unused, m_c = 2; hot 1 +
 *             2 < 4: 5 turns hot @12
 *   7         6 clear -> evicted, non-resident; 7 @13
 * 9 faults in 10; ghost hits 2, activations 2, demotions 3; m_c 2. */
static void clockpro_by_hand_takes_9_faults_on_a_string_of_10(void **state)
{
	start("clockpro:faultbit=0", 4, false);
	assert_int_equal(RUN(1, 2, 3, 4, 5, 4, 1, 6, 5, 7), 9);
	assert_int_equal(pool->stats.ghost_hits, 2);
	assert_int_equal(pool->stats.activated, 2);
	assert_int_equal(pool->stats.deactivated, 3);
	assert_int_equal(pool->words[2], 2);
	assert_int_equal(pool->count[1], 2);            /* hot: 4 5 */
	assert_int_equal(policy_ghost_count(pool, 0), 2); /* non-resident: 1 6 */
}

/* The same, continued: HAND_hot ends test periods as it passes, and
 * HAND_test ends the oldest when more than m pages are non-resident.
 *   4 5       hits: bits set
 *   8         HAND_cold: 3 (not in test) clear -> forgotten; 8 @14
 *   9         7 clear -> evicted, non-resident; 9 @15
 *   8         bit set
 *   10        HAND_cold: 8 referenced in its test period: m_c = 3; hot 2
 *             + 3 >= 4: HAND_hot spares 4 (-> @16) and 5 (@17), passing
 *             1 @9, 6 @10 and 7 @13 (non-resident: gone, -1 each), 8 @14
 *             (used: +1) and 9 @15 (unused: -1) - m_c ends at its floor,
 *             1 - and stops at 4 @16, past 8: 8 stays cold @18.
 *             HAND_cold: 9, behind HAND_hot now and out of its test
 *             period, is clear -> forgotten; 10 @19
 *   20        8 clear -> non-resident; 20 @20
 *   8         10 -> non-resident. 8 refaults: m_c = 2; HAND_hot demotes 4
 *             (-> @21); 8 turns hot @22
 *   21..25    20, 4 (forgotten), 21, 22 evicted: 4 non-resident; at 23's
 *             eviction HAND_test ends 10's test period: m_c = 1
 *   10        not found: its test period had ended
 * 20 faults in 24; ghost hits 3, activations 3. */
static void clockpro_hands_end_test_periods_as_they_pass(void **state)
{
	start("clockpro:faultbit=0", 4, false);
	RUN(1, 2, 3, 4, 5, 4, 1, 6, 5, 7);
	assert_int_equal(RUN(4, 5, 8, 9, 8, 10), 3);
	assert_int_equal(pool->words[2], 1);
	assert_int_equal(pool->stats.activated, 2);
	assert_int_equal(policy_ghost_count(pool, 0), 0);
	assert_int_equal(pool->count[0] + pool->count[2], 2);   /* cold: 8 10 */
	assert_int_equal(RUN(20, 8), 2);
	assert_int_equal(pool->stats.ghost_hits, 3);
	assert_int_equal(pool->stats.activated, 3);
	assert_int_equal(pool->words[2], 2);
	assert_int_equal(RUN(21, 22, 23, 24, 25), 5);
	assert_int_equal(policy_ghost_count(pool, 0), 4);
	assert_int_equal(pool->words[2], 1);
	assert_int_equal(RUN(10), 1);
	assert_int_equal(pool->stats.ghost_hits, 3);
}

/* ---- scan resistance -------------------------------------------------------- */

#define SCAN_FRAMES 10
#define HOT_PAGES 4

/* Rounds of: the hot pages, then 3 pages never used again; then one
 * sequential scan of 3 x SCAN_FRAMES new pages; then the hot pages once
 * more: the faults of that last round. */
static unsigned hot_faults_after_a_scan(const char *text, bool miss_sets_bit)
{
	unsigned next = 100;
	start(text, SCAN_FRAMES, miss_sets_bit);
	for (int round = 0; round < 12; round++) {
		for (unsigned h = 0; h < HOT_PAGES; h++)
			reference(h);
		for (int i = 0; i < 3; i++)
			reference(next++);
	}
	for (unsigned i = 0; i < 3 * SCAN_FRAMES; i++)
		reference(next++);
	unsigned faults = 0;
	for (unsigned h = 0; h < HOT_PAGES; h++)
		faults += (unsigned)reference(h);
	return faults;
}

static void a_one_time_scan_evicts_clocks_hot_pages_but_not_the_adaptive_ones(void **state)
{
	assert_int_equal(hot_faults_after_a_scan("clock", false), HOT_PAGES);
	assert_int_equal(hot_faults_after_a_scan("clock", true), HOT_PAGES);
	for (int i = 0; i < NADAPTIVE; i++) {
		assert_int_equal(hot_faults_after_a_scan(adaptive[i], true), 0);  /* as in mm */
		assert_int_equal(hot_faults_after_a_scan(adaptive[i], false), 0); /* textbook */
	}
	assert_int_equal(hot_faults_after_a_scan("car:faultbit=0", false), 0);
	assert_int_equal(hot_faults_after_a_scan("clockpro:faultbit=0", false), 0);
}

/* With the hardware's convention, reading a new page's own fault bit as a
 * use promotes the scan itself: faultbit=1 is what keeps CAR and CLOCK-Pro
 * scan resistant in mm. */
static void without_faultbit_the_faults_own_bit_lets_a_scan_in(void **state)
{
	assert_int_equal(hot_faults_after_a_scan("car:faultbit=0", true), HOT_PAGES);
	assert_int_equal(hot_faults_after_a_scan("clockpro:faultbit=0", true), HOT_PAGES);
}

/* ---- ghost hits ------------------------------------------------------------- */

/* The page the next fault (on page vp) evicts. */
static unsigned evicted_by(unsigned vp)
{
	bool was[VPAGES];
	for (unsigned p = 0; p < VPAGES; p++)
		was[p] = machine.frame_of[p] != PAGE_LINK_NONE;
	assert_int_equal(reference(vp), 1);
	for (unsigned p = 0; p < VPAGES; p++)
		if (was[p] && machine.frame_of[p] == PAGE_LINK_NONE)
			return p;
	fail_msg("the fault on page %u evicted nothing", vp);
	return 0;
}

/* A page evicted and faulted straight back is found in the history (for
 * linux: within refault distance of its two active pages, 0 and 1, used
 * twice; the hand computation above has one that is not). */
static void a_page_evicted_and_faulted_back_is_a_ghost_hit(void **state)
{
	for (int i = 0; i < NADAPTIVE; i++) {
		start(adaptive[i], 4, false);
		RUN(0, 1, 2, 3, 0, 1, 50, 0, 1, 51);
		unsigned gone = evicted_by(52);
		uint64_t hits = pool->stats.ghost_hits;
		assert_int_equal(reference(gone), 1);
		assert_int_equal(pool->stats.ghost_hits, hits + 1);
	}
}

/* A page freed, not evicted, is forgotten: no ghost hit when it comes back. */
static void a_freed_page_leaves_no_trace(void **state)
{
	for (int i = 0; i < NADAPTIVE; i++) {
		start(adaptive[i], 4, false);
		for (unsigned vp = 0; vp < 4; vp++)
			reference(vp);
		uint64_t before = ghosts();
		pfn_t f = machine.frame_of[2];
		machine.pol->remove(pool, f, POLICY_FREED);
		assert_int_equal(policy_pool_check(pool), 0);
		assert_int_equal(ghosts(), before);
		machine.pol->admit(pool, f);            /* page 2 again, same frame */
		assert_int_equal(pool->stats.ghost_hits, 0);
		assert_int_equal(policy_pool_check(pool), 0);
	}
}

/* ---- bounds, by random strings ---------------------------------------------- */

static uint64_t lcg = 12345;

static unsigned rnd(unsigned n)
{
	lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((lcg >> 33) % n);
}

/* A mix of a small hot set, a looping set and one-time pages. */
static unsigned random_page(unsigned frames)
{
	unsigned r = rnd(100);
	if (r < 40)
		return rnd(frames / 2 + 1);
	if (r < 80)
		return frames + rnd(2 * frames);
	return 1000 + rnd(3000);
}

/* CAR's invariants of the paper after every fault: |T1| + |B1| <= c and
 * the directory |T1| + |T2| + |B1| + |B2| <= 2c. */
static void car_keeps_the_papers_directory_invariants(void **state)
{
	for (unsigned frames = 1; frames <= 33; frames += 8) {
		start("car", frames, true);
		for (int i = 0; i < 4000; i++) {
			if (!reference(random_page(frames)))
				continue;
			assert_true(pool->count[0] + policy_ghost_count(pool, 0) <= frames);
			assert_true(pool->pages + ghosts() <= 2 * frames);
		}
	}
}

/* Every policy, both conventions, several sizes: the checkers hold after
 * every step (reference() asserts them) and the history stays within its
 * bound: 2Q's A1out within kout, CLOCK-Pro's non-resident pages within m. */
static void the_history_stays_within_its_bound_on_random_strings(void **state)
{
	for (int i = 0; i < NADAPTIVE; i++)
		for (unsigned frames = 1; frames <= 41; frames += 10)
			for (int bit = 0; bit < 2; bit++) {
				start(adaptive[i], frames, bit);
				for (int n = 0; n < 3000; n++)
					reference(random_page(frames));
				assert_true(ghosts() <= history_bound());
				if (!strcmp(adaptive[i], "2q"))
					assert_true(ghosts() <= (frames / 2 ? frames / 2 : 1));
			}
}

/* mm refuses a victim (it could not evict it) and asks again: the policy
 * offers another frame, and the one refused stays resident. */
static void a_refused_victim_is_not_offered_again_on_random_strings(void **state)
{
	for (int i = 0; i < NADAPTIVE; i++)
		for (unsigned frames = 2; frames <= 12; frames += 5) {
			start(adaptive[i], frames, true);
			for (int n = 0; n < 2000; n++) {
				unsigned vp = random_page(frames);
				if (machine.used == frames && machine.frame_of[vp] == PAGE_LINK_NONE &&
				    rnd(3) == 0) {
					pfn_t refused = machine.pol->victim(pool);
					unsigned held = machine.page_in[refused];
					assert_int_equal(reference(vp), 1);  /* asks again, evicts that one */
					assert_int_equal(machine.page_in[refused], held);
					assert_int_equal(machine.frame_of[held], refused);
				} else {
					reference(vp);
				}
			}
		}
}

/* A pool can switch from each adaptive policy and back without losing a
 * frame; the history is dropped and rebuilt. */
static void switching_to_and_from_each_adaptive_policy_keeps_every_frame(void **state)
{
	struct policy_choice fifo = { .policy = policy_find("fifo") };
	for (int i = 0; i < NADAPTIVE; i++) {
		struct policy_choice c;
		char why[80];
		start(adaptive[i], 16, true);
		for (int n = 0; n < 500; n++)
			reference(random_page(16));
		assert_int_equal(policy_parse(adaptive[i], strlen(adaptive[i]), &c, why, sizeof why), 0);
		policy_hand_over(pool, machine.pol, &fifo);
		machine.pol = fifo.policy;
		assert_null(pool->ghosts);
		assert_int_equal(policy_pool_check(pool), 0);
		assert_int_equal(pool->pages, 16);
		policy_hand_over(pool, machine.pol, &c);
		machine.pol = c.policy;
		assert_int_equal(policy_pool_check(pool), 0);
		assert_int_equal(pool->pages, 16);
		for (int n = 0; n < 500; n++)
			reference(random_page(16));
	}
}

/* ---- parameters --------------------------------------------------------------- */

static int parse(const char *text, struct policy_choice *c, char *why)
{
	return policy_parse(text, strlen(text), c, why, 80);
}

static void parameters_are_checked_by_policy_parse(void **state)
{
	struct policy_choice c = { 0 };
	char why[80], text[POLICY_ARG_MAX];
	assert_int_equal(parse("2q", &c, why), 0);
	assert_int_equal(c.param[0], 25);
	assert_int_equal(c.param[1], 50);
	assert_int_equal(parse("2q:kin=10,kout=100", &c, why), 0);
	assert_int_equal(c.param[0], 10);
	assert_int_equal(c.param[1], 100);
	policy_format(&c, text, sizeof text);
	assert_string_equal(text, "2q:kin=10,kout=100");
	assert_int_equal(parse("2q:kin=101", &c, why), -ERR_INVAL);
	assert_non_null(strstr(why, "kin wants a number from 0 to 100"));
	assert_int_equal(parse("2q:kout=0", &c, why), -ERR_INVAL);
	assert_int_equal(parse("linux", &c, why), 0);
	assert_int_equal(c.param[0], 1);
	assert_int_equal(parse("linux ratio=3", &c, why), 0);
	assert_int_equal(c.param[0], 3);
	assert_int_equal(parse("linux:ratio=0", &c, why), -ERR_INVAL);
	assert_int_equal(parse("car:faultbit=2", &c, why), -ERR_INVAL);
	assert_int_equal(parse("car:faultbit=0", &c, why), 0);
	assert_int_equal(c.param[0], 0);
	assert_int_equal(parse("clockpro:p=3", &c, why), -ERR_INVAL);
	assert_non_null(strstr(why, "unknown parameter 'p'"));
	assert_int_equal(parse("clockpro", &c, why), 0);
	assert_int_equal(c.param[0], 1);
	assert_ptr_equal(c.policy, policy_find("clockpro"));
	for (int i = 0; i < NADAPTIVE; i++)
		assert_non_null(policy_find(adaptive[i]));
}

/* ---- policy_ghost.c ----------------------------------------------------------- */

static void ghost_start(unsigned cap)
{
	start("fifo", 4, false);
	assert_int_equal(policy_ghost_reserve(pool, cap), 0);
	assert_int_equal(policy_ghost_check(pool), 0);
}

static void ghost_history_adds_takes_and_drops_oldest_first(void **state)
{
	int list;
	uint64_t word, key;
	ghost_start(8);
	assert_int_equal(policy_ghost_reserve(pool, 100), 0);   /* made already: no-op */
	for (uint64_t k = 1; k <= 3; k++)
		policy_ghost_add(pool, 0, k, 10 * k);
	policy_ghost_add(pool, 1, 7, 70);
	assert_int_equal(policy_ghost_count(pool, 0), 3);
	assert_int_equal(policy_ghost_count(pool, 1), 1);
	assert_true(policy_ghost_oldest(pool, 0, &key, &word));
	assert_int_equal(key, 1);
	assert_int_equal(word, 10);
	assert_true(policy_ghost_take(pool, 2, &list, &word));
	assert_int_equal(list, 0);
	assert_int_equal(word, 20);
	assert_false(policy_ghost_take(pool, 2, &list, &word));  /* taken once */
	assert_true(policy_ghost_drop_oldest(pool, 0));          /* 1 */
	assert_false(policy_ghost_take(pool, 1, &list, &word));
	assert_true(policy_ghost_oldest(pool, 0, &key, &word));
	assert_int_equal(key, 3);
	policy_ghost_add(pool, 1, 3, 33);                        /* remembered once */
	assert_int_equal(policy_ghost_count(pool, 0), 0);
	assert_int_equal(policy_ghost_count(pool, 1), 2);
	assert_false(policy_ghost_drop_oldest(pool, 0));
	assert_false(policy_ghost_oldest(pool, 0, &key, &word));
	assert_true(policy_ghost_take(pool, 3, &list, &word));
	assert_int_equal(list, 1);
	assert_int_equal(word, 33);
	assert_int_equal(policy_ghost_check(pool), 0);
}

/* Full: the oldest entry of the longest list makes room. */
static void a_full_history_forgets_the_oldest_of_its_longest_list(void **state)
{
	int list;
	uint64_t word;
	ghost_start(4);
	for (uint64_t k = 1; k <= 3; k++)
		policy_ghost_add(pool, 0, k, 0);
	policy_ghost_add(pool, 1, 9, 0);
	policy_ghost_add(pool, 1, 10, 0);               /* full: 1 goes */
	assert_int_equal(policy_ghost_count(pool, 0) + policy_ghost_count(pool, 1), 4);
	assert_false(policy_ghost_take(pool, 1, &list, &word));
	assert_true(policy_ghost_take(pool, 10, &list, &word));
	assert_int_equal(policy_ghost_check(pool), 0);
	for (uint64_t k = 100; k < 200; k++) {          /* many more than cap */
		policy_ghost_add(pool, (int)(k & 1), k, k);
		assert_int_equal(policy_ghost_check(pool), 0);
		assert_true(policy_ghost_count(pool, 0) + policy_ghost_count(pool, 1) <= 4);
	}
	assert_true(policy_ghost_take(pool, 199, &list, &word));
	assert_int_equal(word, 199);
}

/* Without a history every call is safe and finds nothing. */
static void without_a_history_every_ghost_call_is_safe(void **state)
{
	int list;
	uint64_t word, key;
	start("fifo", 4, false);
	assert_int_equal(policy_ghost_reserve(pool, 0), -ERR_INVAL);
	assert_null(pool->ghosts);
	policy_ghost_add(pool, 0, 5, 5);
	assert_false(policy_ghost_take(pool, 5, &list, &word));
	assert_false(policy_ghost_drop_oldest(pool, 0));
	assert_false(policy_ghost_oldest(pool, 0, &key, &word));
	assert_int_equal(policy_ghost_count(pool, 0), 0);
	assert_int_equal(policy_ghost_check(pool), 0);
	policy_ghost_release(pool);
}

/* The checker catches a broken link. The entries follow the table's header
 * in the block policy_env_alloc gave; each starts with its key and has
 * next, prev at bytes 16 and 20 (policy_ghost.c's struct ghost). */
static void the_ghost_checker_catches_a_corrupted_link(void **state)
{
	ghost_start(8);
	const uint64_t key = 0x5eed0fa11c0ffeeULL;
	policy_ghost_add(pool, 0, 1, 0);
	policy_ghost_add(pool, 0, key, 0);
	policy_ghost_add(pool, 0, 3, 0);
	unsigned char *at = (unsigned char *)pool->ghosts, *entry = NULL;
	for (size_t off = 0; off < 128 + 8 * 32 && !entry; off += 8)
		if (!memcmp(at + off, &key, sizeof key))
			entry = at + off;
	assert_non_null(entry);
	uint32_t prev;
	memcpy(&prev, entry + 20, sizeof prev);
	uint32_t broken = prev ^ 1;
	memcpy(entry + 20, &broken, sizeof broken);
	assert_int_equal(policy_ghost_check(pool), -ERR_BUG);
	assert_non_null(strstr(stub_bug_last, "is broken"));
	assert_int_equal(policy_pool_check(pool), -ERR_BUG);    /* the pool's checker runs it */
	memcpy(entry + 20, &prev, sizeof prev);
	assert_int_equal(policy_ghost_check(pool), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_teardown(f, teardown)
	const struct CMUnitTest tests[] = {
		T(twoq_by_hand_takes_12_faults_on_a_string_of_17),
		T(linux_by_hand_takes_10_faults_on_a_string_of_15),
		T(linux_activates_a_refault_within_the_active_lists_length),
		T(car_by_hand_takes_12_faults_on_a_string_of_15),
		T(clockpro_by_hand_takes_9_faults_on_a_string_of_10),
		T(clockpro_hands_end_test_periods_as_they_pass),
		T(a_one_time_scan_evicts_clocks_hot_pages_but_not_the_adaptive_ones),
		T(without_faultbit_the_faults_own_bit_lets_a_scan_in),
		T(a_page_evicted_and_faulted_back_is_a_ghost_hit),
		T(a_freed_page_leaves_no_trace),
		T(car_keeps_the_papers_directory_invariants),
		T(the_history_stays_within_its_bound_on_random_strings),
		T(a_refused_victim_is_not_offered_again_on_random_strings),
		T(switching_to_and_from_each_adaptive_policy_keeps_every_frame),
		T(parameters_are_checked_by_policy_parse),
		T(ghost_history_adds_takes_and_drops_oldest_first),
		T(a_full_history_forgets_the_oldest_of_its_longest_list),
		T(without_a_history_every_ghost_call_is_safe),
		T(the_ghost_checker_catches_a_corrupted_link),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
