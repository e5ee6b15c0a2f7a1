/*
 * test_policy_classic.c - the classic replacement policies NRU
 * (policy_nru.c), aging (policy_aging.c), Random (policy_random.c) and
 * WSClock (policy_wsclock.c), compiled unchanged against the
 * simulator's model of the machine (tools/policysim/machine.c), as
 * test_policy.c does for FIFO and Clock.
 *
 * Every reference goes through the model (a hit sets the frame's
 * accessed bit, and its dirty bit for a write; a miss asks the policy
 * for a victim when the pool is full) and policy_pool_check() runs after
 * every step. Expected fault counts and victims are computed by hand in
 * the comment above each test. Notation there: a pool is written from
 * its first frame (the hand, for NRU and WSClock) round, each page with
 * its (R, M) bits or its counter; "new bit clear" means a page faulted
 * in enters with its accessed bit clear (the textbook convention, as in
 * the traces' README), "new bit set" that the faulting access sets it
 * (the hardware). The larger checks compare a policy with another one
 * run here (WSClock with tau = 0 against Clock), never with figures
 * copied from a run of the code under test.
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
#define FRAMES_MAX 128
#define NO_PAGE UINT32_MAX

static struct policy_pool *const pool = &machine.pool;

static unsigned bugs;

void mm_bug(const char *fmt, ...)
{
	bugs++;
}

void mm_print(const char *fmt, ...)
{
}

/* The page each frame held before the last fault, to name victims. */
static uint32_t held[FRAMES_MAX];
static uint32_t evicted;        /* the page the last fault evicted, or NO_PAGE */

/* A fresh machine of `frames` frames run by the policy choice `text`
 * ("aging:bits=1"); a new frame enters with its accessed bit set if
 * miss_sets_bit. */
static void start(const char *text, unsigned frames, bool miss_sets_bit)
{
	struct policy_choice c;
	char why[80];
	assert_true(frames <= FRAMES_MAX);
	assert_int_equal(policy_parse(text, strlen(text), &c, why, sizeof why), 0);
	machine_fini();
	machine_init(frames, VPAGES, &c, miss_sets_bit);
	for (unsigned i = 0; i < FRAMES_MAX; i++)
		held[i] = NO_PAGE;
	bugs = 0;
}

static int teardown(void **state)
{
	machine_fini();
	return 0;
}

/* Reference vp (a write if write): 1 on a fault; the pool is checked. */
static int touch(unsigned vp, bool write)
{
	int fault = machine_reference(vp, write);
	evicted = NO_PAGE;
	if (fault) {
		uint32_t pfn = machine.frame_of[vp];
		evicted = held[pfn];
		held[pfn] = vp;
	}
	assert_int_equal(policy_pool_check(pool), 0);
	assert_int_equal(bugs, 0);
	return fault;
}

static int reading(unsigned vp)
{
	return touch(vp, false);
}

static int writing(unsigned vp)
{
	return touch(vp, true);
}

static bool resident(unsigned vp)
{
	return machine.frame_of[vp] != PAGE_LINK_NONE;
}

/* A fresh machine (as start) that has read refs[0..n): its faults. */
static unsigned replay(const char *text, unsigned frames, bool miss_sets_bit,
		       const unsigned *refs, size_t n)
{
	start(text, frames, miss_sets_bit);
	unsigned faults = 0;
	for (size_t i = 0; i < n; i++)
		faults += (unsigned)reading(refs[i]);
	return faults;
}

/* Faults of refs (read only) under choice `text`, then the pool emptied
 * through remove with the checker after each. */
static unsigned faults_of(const char *text, const unsigned *refs, size_t n, unsigned frames,
			  bool miss_sets_bit)
{
	unsigned faults = replay(text, frames, miss_sets_bit, refs, n);
	while (pool->pages) {
		machine.pol->remove(pool, pool->head[0], POLICY_FREED);
		assert_int_equal(policy_pool_check(pool), 0);
	}
	return faults;
}

static const unsigned belady[] = { 1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5 };
#define BELADY_N (sizeof belady / sizeof belady[0])

/* ---- NRU ------------------------------------------------------------------- */

/* Belady's string, 3 frames, new bit clear, read only. Pass 1 never
 * clears a bit, so the first unreferenced frame from the hand goes:
 *   1 2 3 miss            [1 2 3]
 *   4: 1 goes             [2 3 4]     1: 2 goes  [3 4 1]
 *   2: 3 goes             [4 1 2]     5: 4 goes  [1 2 5]
 *   1 2 hit (R set)
 *   3: 1, 2 referenced, 5 goes [1 2 3];  4: 3 goes [1 2 4];  5: 4 goes
 * 10 faults. Written first (1W), page 1 is class 1 and is spared:
 *   4: 1 dirty, 2 goes    [3 1 4]     1 hits     2: 3 goes [1 4 2]
 *   5: 1 referenced, 4 goes [2 1 5]   1 2 hit
 *   3: 5 goes [2 1 3];  4: 3 goes [2 1 4];  5: 4 goes
 * 9 faults: 1 never leaves. */
static void nru_spares_a_written_page_on_beladys_string_10_faults_read_only_9_with_1_written(void **state)
{
	assert_int_equal(replay("nru", 3, false, belady, BELADY_N), 10);
	start("nru", 3, false);
	unsigned faults = (unsigned)writing(belady[0]);
	for (size_t i = 1; i < BELADY_N; i++) {
		faults += (unsigned)reading(belady[i]);
		assert_true(resident(1));
	}
	assert_int_equal(faults, 9);
}

/* 4 frames, new bit clear. 1W 2 3W 4W, then 1 2 4 hit:
 *   [1(1,1) 2(1,0) 3(0,1) 4(1,1)]: classes 3 2 1 3, no class 0.
 *   5: pass 1 looks at all four (1, 2, 4 referenced), finds no class 0;
 *      pass 2 clears 1 and 2 and takes 3 (class 1), two steps from the
 *      hand: scanned 4 + 3 = 7, referenced 3 + 2 = 5, moves 2.
 *      [4(1,1) 1(0,1) 2(0,0) 5(0,0)]
 *   6: pass 1: 4 referenced, 1 dirty, 2 class 0 now: 2 goes (its bit was
 *      cleared by pass 2; 4's was not reached).   [5 4 1 6]
 *   7: 5 is class 0: it goes.                     [4 1 6 7]
 *   1, 6W, 7W, 4 hit: every frame is class 3.
 *   8: passes 1 and 2 find nothing (pass 2 clears every bit), pass 3
 *      finds no clean frame, pass 4 takes the hand's frame: 4. */
static void nru_takes_the_first_frame_of_the_lowest_class_from_the_hand(void **state)
{
	start("nru", 4, false);
	writing(1);
	reading(2);
	writing(3);
	writing(4);
	reading(1);
	reading(2);
	reading(4);
	assert_int_equal(reading(5), 1);
	assert_int_equal(evicted, 3);
	assert_int_equal(pool->stats.scanned, 7);
	assert_int_equal(pool->stats.referenced, 5);
	assert_int_equal(pool->stats.moves, 2);
	assert_int_equal(pool->stats.victims, 1);
	assert_int_equal(reading(6), 1);
	assert_int_equal(evicted, 2);
	assert_int_equal(reading(7), 1);
	assert_int_equal(evicted, 5);
	reading(1);
	writing(6);
	writing(7);
	reading(4);
	assert_int_equal(reading(8), 1);
	assert_int_equal(evicted, 4);
	assert_int_equal(pool->stats.admitted, 8);
}

/* ---- aging ----------------------------------------------------------------- */

/* 3 frames, new bit set, period 1: the sampling owed after each fault is
 * taken at the next one, before its victim. String 1 2 1 3 4 1.
 * bits=8 (counters in decimal, 128 = the top bit):
 *   2: sample: c1 = 128                     1 hits
 *   3: sample: c1 = 64+128 = 192, c2 = 128
 *   4: sample: c1 = 96, c2 = 64, c3 = 128: 2 goes (the smallest)
 *   1 hits: 4 faults; samplings at faults 2, 3, 4; bits found set:
 *   1 + 2 + 1 = 4.
 * bits=1 (a counter is the last interval's bit):
 *   2: c1 = 1;  3: c1 = 1, c2 = 1;  4: c1 = 0, c2 = 0, c3 = 1: a tie, the
 *   oldest (1) goes; 1 faults again: 5 faults. (LRU, too, evicts 2.) */
static void aging_with_8_bits_remembers_an_older_use_1_bit_forgets_it(void **state)
{
	static const unsigned s[] = { 1, 2, 1, 3, 4, 1 };
	unsigned faults = 0;
	start("aging:bits=8", 3, true);
	for (unsigned i = 0; i < 6; i++) {
		faults += (unsigned)reading(s[i]);
		if (i == 4)
			assert_int_equal(evicted, 2);
	}
	assert_int_equal(faults, 4);
	assert_int_equal(pool->stats.samples, 3);
	assert_int_equal(pool->stats.referenced, 4);
	faults = 0;
	start("aging:bits=1", 3, true);
	for (unsigned i = 0; i < 6; i++) {
		faults += (unsigned)reading(s[i]);
		if (i == 4)
			assert_int_equal(evicted, 1);
	}
	assert_int_equal(faults, 5);
}

/* The same string with period=2: one sampling, owed after fault 2 and
 * taken at fault 3 (c1 = 128, c2 = 128, then 3 comes in with 0); at
 * fault 4 nothing is owed, so the counters are 128 128 0 and page 3,
 * in since the last sampling, goes. */
static void aging_samples_once_every_period_faults(void **state)
{
	static const unsigned s[] = { 1, 2, 1, 3, 4, 1 };
	unsigned faults = 0;
	start("aging:bits=8,period=2", 3, true);
	for (unsigned i = 0; i < 6; i++) {
		faults += (unsigned)reading(s[i]);
		if (i == 4)
			assert_int_equal(evicted, 3);
	}
	assert_int_equal(faults, 4);
	assert_int_equal(pool->stats.samples, 1);
}

/* 3 frames, new bit set, period 1, string 1 2 1 3 2 4. The access that
 * faulted a page in belongs to the interval after its fault (the
 * sampling at its own fault runs before it is linked):
 *   2: c1 = 128;  1 hits;  3: c1 = 192, c2 = 128;  2 hits
 *   4: c1 = 96, c2 = 64+128 = 192, c3 = 128 (3's own fault): 1 goes,
 * as under LRU (last uses: 1 at the third reference, 3 at the fourth, 2
 * at the fifth). Had 3's bit been read at its own fault, c3 would be 64
 * here and 3 would go. */
static void aging_counts_a_faulting_access_in_the_interval_after_its_fault(void **state)
{
	static const unsigned s[] = { 1, 2, 1, 3, 2, 4 };
	replay("aging", 3, true, s, 5);
	assert_int_equal(reading(4), 1);
	assert_int_equal(evicted, 1);
}

/* 3 frames, new bit clear, period 1, bits=2 (top bit 2): a page comes
 * in with counter 0.
 *   1 2 3 in (no bit set at samplings 1 and 2: every counter 0)
 *   1 2 3 hit;  4: c1 = c2 = c3 = 2, the oldest (1) goes; 4 has 0
 *   5: c2 = c3 = 1, c4 = 0 (not used since it came in): 4 goes.
 * (Had 4 come in with the top bit, c4 = 1 would tie and 2 would go.) */
static void aging_starts_a_new_page_at_0_so_one_unused_since_goes_first(void **state)
{
	static const unsigned s[] = { 1, 2, 3, 1, 2, 3, 4 };
	replay("aging:bits=2", 3, false, s, 7);
	assert_int_equal(evicted, 1);
	assert_int_equal(reading(5), 1);
	assert_int_equal(evicted, 4);
}

/* With no sampling every counter stays 0, and the oldest frame goes:
 * FIFO, with Belady's anomaly (9 faults with 3 frames, 10 with 4). */
static void aging_with_a_period_longer_than_the_run_is_fifo(void **state)
{
	for (int set = 0; set < 2; set++) {
		assert_int_equal(faults_of("aging:period=1000000", belady, BELADY_N, 3, set), 9);
		assert_int_equal(faults_of("aging:period=1000000", belady, BELADY_N, 4, set), 10);
		assert_int_equal(pool->stats.samples, 0);
	}
}

/* 2 frames, new bit clear: 0 and 1 in, both class 0, the hand on 0.
 * Offered 0; asked again, 1 (0 refused). Then 0 is used (class 2) and
 * the question comes again: 1 is refused too, so every frame is; the
 * marks are wiped but the last one's, and 0 is offered - not 1, which
 * is class 0 and under the hand, but was refused just now. */
static void nru_passes_over_the_last_refused_frame_even_when_all_were_refused(void **state)
{
	start("nru", 2, false);
	reading(0);
	reading(1);
	pfn_t a = policy_nru.victim(pool);
	assert_int_equal(machine.page_in[a], 0);
	pfn_t b = policy_nru.victim(pool);
	assert_int_equal(machine.page_in[b], 1);
	reading(0);
	pfn_t c = policy_nru.victim(pool);
	assert_int_equal(machine.page_in[c], 0);
	assert_int_equal(policy_pool_check(pool), 0);
}

/* ---- Random ---------------------------------------------------------------- */

/* seed=0: the draws are SplitMix64's published first outputs
 * 0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f,
 * 0xf88bb8a8724c81ec. 16 = 1 (mod 3), so each is, mod 3, the sum of its
 * hex digits: 130, 135, 94, 139 -> 1, 0, 1, 1. 3 frames, pages 0..6 each
 * once, the list oldest first:
 *   3: [0 1 2] index 1: 1 goes   [0 2 3]
 *   4: index 0: 0 goes           [2 3 4]
 *   5: index 1: 3 goes           [2 4 5]
 *   6: index 1: 4 goes           [2 5 6] */
static void random_with_seed_0_evicts_the_frames_splitmix64_draws(void **state)
{
	static const unsigned victims[] = { 1, 0, 3, 4 };
	start("random:seed=0", 3, false);
	for (unsigned vp = 0; vp < 3; vp++)
		reading(vp);
	for (unsigned vp = 3; vp < 7; vp++) {
		assert_int_equal(reading(vp), 1);
		assert_int_equal(evicted, victims[vp - 3]);
	}
	assert_true(resident(2) && resident(5) && resident(6));
	assert_int_equal(pool->stats.victims, 4);
}

/* The cpp trace under choice text with frames frames: its faults, and
 * the pages it evicted in order into out[] (up to max). */
static unsigned run_trace(const char *text, unsigned frames, bool miss_sets_bit,
			  uint32_t *out, size_t max)
{
	size_t trace_n;
	const unsigned *trace = cpp_trace(&trace_n);
	start(text, frames, miss_sets_bit);
	unsigned faults = 0, n = 0;
	for (size_t i = 0; i < trace_n; i++) {
		faults += (unsigned)reading(trace[i]);
		if (evicted != NO_PAGE && out && n < max)
			out[n++] = evicted;
	}
	return faults;
}

#define VICTIMS_MAX 10000

static void random_gives_the_same_victims_for_a_seed_and_others_for_another(void **state)
{
	static uint32_t a[VICTIMS_MAX], b[VICTIMS_MAX], c[VICTIMS_MAX];
	unsigned fa = run_trace("random:seed=1", 50, true, a, VICTIMS_MAX);
	unsigned fb = run_trace("random:seed=1", 50, true, b, VICTIMS_MAX);
	unsigned fc = run_trace("random:seed=2", 50, true, c, VICTIMS_MAX);
	assert_int_equal(fa, fb);
	assert_memory_equal(a, b, sizeof a);
	assert_memory_not_equal(a, c, sizeof a);
	/* the cold misses at least, never more than every reference */
	assert_true(fa >= CPP_TRACE_PAGES && fa <= CPP_TRACE_REFS);
	assert_true(fc >= CPP_TRACE_PAGES && fc <= CPP_TRACE_REFS);
}

/* ---- WSClock --------------------------------------------------------------- */

/* With tau = 0 every unreferenced page is old: on clean pages the hand
 * takes the first unreferenced frame, clearing bits on the way, which is
 * Clock (policy_clock.c, run here beside it). */
static void wsclock_with_tau_0_is_clock_on_clean_pages(void **state)
{
	for (int set = 0; set < 2; set++) {
		for (unsigned frames = 3; frames <= 4; frames++)
			assert_int_equal(faults_of("wsclock:tau=0", belady, BELADY_N, frames, set),
					 faults_of("clock", belady, BELADY_N, frames, set));
		static const unsigned sizes[] = { 50, 80, 100 };
		for (unsigned i = 0; i < 3; i++)
			assert_int_equal(run_trace("wsclock:tau=0", sizes[i], set, NULL, 0),
					 run_trace("clock", sizes[i], set, NULL, 0));
	}
}

/* 3 frames, new bit clear, string 1 2 3 2 4 5 2.
 * Clock: 4: 1 unreferenced, goes [2(R) 3 4]; 5: 2 spared (bit cleared),
 *   3 goes [4 2 5]; 2 hits: 5 faults. tau=0 is the same.
 * tau huge: 4 (now 3): 1 young and clean (remembered), 2 referenced
 *   (its bit cleared, last use 3), 3 young: once round, the first clean
 *   unreferenced page, 1, goes [2 3 4]; 5 (now 4): 2 is unreferenced now:
 *   it goes [3 4 5]; 2 faults again: 6 faults. */
static void wsclock_with_a_huge_tau_clears_every_bit_each_round_and_parts_from_clock(void **state)
{
	static const unsigned s[] = { 1, 2, 3, 2, 4, 5, 2 };
	assert_int_equal(faults_of("clock", s, 7, 3, false), 5);
	assert_int_equal(faults_of("wsclock:tau=0", s, 7, 3, false), 5);
	assert_int_equal(faults_of("wsclock:tau=1000000000", s, 7, 3, false), 6);
	replay("wsclock:tau=1000000000", 3, false, s, 5);
	assert_int_equal(reading(5), 1);
	assert_int_equal(evicted, 2);
}

/* 3 frames, tau 2, new bit clear, string 1 2 3 1 4 5.
 *   4 (now 3): 1 referenced: its last use becomes 3; 2 (age 1) and 3
 *     (age 0) are young: once round, the first young clean page, 2,
 *     goes.  [3 1 4], 4 in at time 4
 *   5 (now 4): 3 (age 1) young; 1 (last use 3, age 1) young; 4 young:
 *     3 goes. Without the new last use, 1 (age 3) would be old and go. */
static void wsclock_gives_a_page_found_referenced_a_new_last_use(void **state)
{
	static const unsigned s[] = { 1, 2, 3, 1 };
	replay("wsclock:tau=2", 3, false, s, 4);
	assert_int_equal(reading(4), 1);
	assert_int_equal(evicted, 2);
	assert_int_equal(reading(5), 1);
	assert_int_equal(evicted, 3);
	assert_int_equal(pool->stats.referenced, 1);
}

/* 4 frames, tau 2, new bit clear: 1W 2 3 4 in at times 1..4.
 *   5 (now 4): 1 is old (age 3) but dirty: remembered; 2 (age 2) is old
 *     and clean: it goes. scanned 2, moves 1.   [3 4 1 5]
 *   6 (now 5): 3 (age 2) goes  [4 1 5 6];  7: 4 goes  [1 5 6 7]
 *   8 (now 7): 1 dirty, passed; 5 (age 2) goes   [6 7 1 8]
 * 8 faults, and 1 still hits. (Clock takes 1 at the fifth fault.) */
static void wsclock_keeps_an_old_dirty_page_while_old_clean_ones_remain(void **state)
{
	static const unsigned victims[] = { 2, 3, 4, 5 };
	start("wsclock:tau=2", 4, false);
	writing(1);
	for (unsigned vp = 2; vp <= 4; vp++)
		reading(vp);
	for (unsigned vp = 5; vp <= 8; vp++) {
		assert_int_equal(reading(vp), 1);
		assert_int_equal(evicted, victims[vp - 5]);
		if (vp == 5) {
			assert_int_equal(pool->stats.scanned, 2);
			assert_int_equal(pool->stats.moves, 1);
			assert_int_equal(pool->stats.referenced, 0);
		}
	}
	assert_int_equal(reading(1), 0);
}

/* 3 frames, new bit clear: 1W 2W 3 in at times 1..3; then 4 (now 3).
 *   tau 2: 1 (age 2) is old and dirty, 2 young dirty, 3 young clean:
 *     once round, the old dirty page goes before the young clean one: 1.
 *   tau 3: 1 is young too: the first young clean page, 3, goes.
 *   tau 3 with 3 written too: nothing old, nothing clean: the frame
 *     under the hand, 1. */
static void wsclock_offers_an_old_dirty_page_before_a_young_clean_one_with_tau_deciding_age(void **state)
{
	static const struct {
		const char *choice;
		bool third_written;
		unsigned victim;
	} cases[] = {
		{ "wsclock:tau=2", false, 1 },
		{ "wsclock:tau=3", false, 3 },
		{ "wsclock:tau=3", true, 1 },
	};
	for (unsigned i = 0; i < 3; i++) {
		start(cases[i].choice, 3, false);
		writing(1);
		writing(2);
		touch(3, cases[i].third_written);
		assert_int_equal(reading(4), 1);
		assert_int_equal(evicted, cases[i].victim);
	}
}

/* ---- all four -------------------------------------------------------------- */

static const char *const classic[] = { "nru", "aging", "random", "wsclock" };
#define CLASSIC_N 4

/* Belady's string as tests/progs/belady.c touches it in the OS (QEMU
 * test policy_classic_tests.sh): every reference a write, and the
 * faulting access sets the new page's bit (the hardware).
 *   nru: every page is dirty, so pass 1 never takes one and pass 2 is
 *     Clock's sweep: Clock, which here is FIFO (test_policy.c): 9, 10.
 *   aging (bits 8, period 1), 3 frames: samplings give the pages resident
 *     since the last faults 128, 64, 32, so the oldest goes at faults 4
 *     to 7 (1, 2, 3, 4); 1 and 2 hit; at 3: c1 = 160, c2 = 192, c5 = 128
 *     (5 goes); at 4: c1 = 80 (1 goes); at 5: c2 = 48 (2 goes): 10.
 *     4 frames: 1 2 hit; at 5: c1 = 144, c2 = 160, c3 = 64, c4 = 128
 *     (3 goes); 1 2 hit; at 3: c4 = 64 (4 goes); at 4: c5 = 64 (5
 *     goes); at 5: c1 = 50, c2 = 52 (1 goes): 8 - LRU's counts.
 *   random:seed=0: draws mod 3 are 1 0 1 1 1 0 2 (the hex digit sums of
 *     SplitMix64's outputs), so with 3 frames 2 1 4 2 5 3 4 go: 10; mod
 *     4 (the last hex digit) 3 0: with 4 frames 4 and 1 go: 6.
 *   wsclock:tau=2, 3 frames: at 4 every page is referenced: a full round
 *     and the frame under the hand (1) goes; at 1 (now 4) 2 and 3 are
 *     young (age 1) and dirty: 2 goes; at 2 (now 5) 3 is old (age 2) and
 *     dirty: it goes; at 5, 4 (age 2) goes; 1 2 hit; at 3 all are
 *     referenced: 1 goes; at 4, 2 (young) goes; 5 hits: 9. 4 frames, the
 *     same way: 1, 2 (a full round, then young), then 3 4 5 1 (each the
 *     first old dirty page) go: 10. */
static void beladys_string_written_as_in_the_os_takes_the_faults_worked_out_by_hand(void **state)
{
	static const struct {
		const char *choice;
		unsigned faults3, faults4;
	} cases[] = {
		{ "nru", 9, 10 },
		{ "aging", 10, 8 },
		{ "random:seed=0", 10, 6 },
		{ "wsclock:tau=2", 9, 10 },
	};
	for (unsigned i = 0; i < 4; i++) {
		for (unsigned frames = 3; frames <= 4; frames++) {
			start(cases[i].choice, frames, true);
			unsigned faults = 0;
			for (size_t r = 0; r < BELADY_N; r++)
				faults += (unsigned)writing(belady[r]);
			assert_int_equal(faults, frames == 3 ? cases[i].faults3 : cases[i].faults4);
		}
	}
}

/* 4 frames, new bit clear: 0 1W 2W 3, then 1 and 2 hit (classes 0 3 3 0
 * for NRU). mm refuses every frame offered: the first four offers are
 * four different frames (for NRU, aging and WSClock), and no offer
 * repeats the one before (all four). Only marking refusals gets there:
 * NRU's hand alone would offer 0 and 3 in turn, for ever. */
static void refused_frames_are_passed_over_until_every_frame_has_been_offered(void **state)
{
	for (unsigned p = 0; p < CLASSIC_N; p++) {
		start(classic[p], 4, false);
		reading(0);
		writing(1);
		writing(2);
		reading(3);
		reading(1);
		reading(2);
		unsigned seen = 0;
		pfn_t last = PFN_NONE;
		for (unsigned call = 0; call < 8; call++) {
			pfn_t v = machine.pol->victim(pool);
			assert_true(v < 4);
			assert_int_not_equal(v, last);
			if (call < 4 && strcmp(classic[p], "random"))
				assert_false(seen & (1u << v));
			seen |= 1u << v;
			last = v;
			assert_int_equal(policy_pool_check(pool), 0);
		}
		assert_int_equal(pool->pages, 4);
		assert_int_equal(bugs, 0);
	}
}

/* 3 frames, new bit clear, 0 1 2 in, none used again. Offered 0, mm
 * keeps it; 3 faults and the question comes again: 0 is passed over, 1
 * goes. The marks last until the pool's next fault (aging: its next
 * sampling, owed after that fault), so after 3 comes in 0 is a
 * candidate again:
 *   nru, wsclock:tau=0 (the hand): [2 0 3] 4: 2 goes [0 3 4] 5: 0 goes
 *   aging (oldest counter 0): [0 2 3] 4: 0 goes [2 3 4] 5: 2 goes
 * Aging samples at faults 2 and 3, at the first question (owed after
 * fault 3), and at faults 5 and 6 (owed after 4 and 5): 5. */
static void a_refused_frame_is_offered_again_after_the_pools_next_fault(void **state)
{
	static const struct {
		const char *choice;
		unsigned victims[3];
	} cases[] = {
		{ "nru", { 1, 2, 0 } },
		{ "wsclock:tau=0", { 1, 2, 0 } },
		{ "aging", { 1, 0, 2 } },
	};
	for (unsigned i = 0; i < 3; i++) {
		start(cases[i].choice, 3, false);
		for (unsigned vp = 0; vp < 3; vp++)
			reading(vp);
		pfn_t kept = machine.pol->victim(pool);
		assert_int_equal(machine.page_in[kept], 0);
		for (unsigned vp = 3; vp < 6; vp++) {
			assert_int_equal(reading(vp), 1);
			assert_int_equal(evicted, cases[i].victims[vp - 3]);
		}
	}
	assert_int_equal(pool->stats.samples, 5);
}

/* Every reference of cpp, every third a write, at 50 frames: the pool
 * checker after each step, the faults between the cold misses and the
 * references, and the pool emptied cleanly. */
static void every_classic_policy_keeps_its_pool_consistent_on_cpp_with_writes(void **state)
{
	size_t trace_n;
	const unsigned *trace = cpp_trace(&trace_n);
	for (unsigned p = 0; p < CLASSIC_N; p++) {
		for (int set = 0; set < 2; set++) {
			start(classic[p], 50, set);
			unsigned faults = 0;
			for (size_t i = 0; i < trace_n; i++)
				faults += (unsigned)touch(trace[i], i % 3 == 0);
			assert_true(faults >= CPP_TRACE_PAGES && faults < trace_n);
			assert_int_equal(pool->pages, 50);
			assert_int_equal(pool->stats.admitted, faults);
			assert_int_equal(pool->stats.victims, faults - 50);
			while (pool->pages) {
				machine.pol->remove(pool, pool->head[0], POLICY_FREED);
				assert_int_equal(policy_pool_check(pool), 0);
			}
		}
	}
}

static void an_empty_pool_has_no_victim_under_any_classic_policy(void **state)
{
	for (unsigned p = 0; p < CLASSIC_N; p++) {
		start(classic[p], 3, false);
		assert_int_equal(machine.pol->victim(pool), PFN_NONE);
		assert_int_equal(pool->pages, 0);
	}
}

/* fifo -> X -> fifo keeps every frame and evicts in residency order. */
static void switching_through_a_classic_policy_keeps_the_residency_order(void **state)
{
	struct policy_choice fifo = { .policy = &policy_fifo };
	for (unsigned p = 0; p < CLASSIC_N; p++) {
		struct policy_choice to;
		char why[80];
		assert_int_equal(policy_parse(classic[p], strlen(classic[p]), &to, why, sizeof why), 0);
		start("fifo", 8, true);
		for (unsigned vp = 0; vp < 8; vp++)
			reading(vp);
		policy_hand_over(pool, &policy_fifo, &to);
		machine.pol = to.policy;
		assert_int_equal(policy_pool_check(pool), 0);
		assert_int_equal(pool->pages, 8);
		assert_memory_equal(pool->param, to.param, sizeof pool->param);
		policy_hand_over(pool, to.policy, &fifo);
		machine.pol = &policy_fifo;
		for (unsigned vp = 0; vp < 8; vp++) {
			pfn_t v = policy_fifo.victim(pool);
			assert_int_equal(machine.page_in[v], vp);
			policy_fifo.remove(pool, v, POLICY_EVICTED);
			assert_int_equal(policy_pool_check(pool), 0);
		}
	}
}

/* ---- parameters ------------------------------------------------------------ */

static void good_parameters_are_parsed_with_their_defaults_and_formatted_back(void **state)
{
	static const struct {
		const char *text;
		const struct mm_policy *policy;
		uint64_t p0, p1;
		const char *formatted;
	} cases[] = {
		{ "nru", &policy_nru, 0, 0, "nru" },
		{ "aging", &policy_aging, 8, 1, "aging:bits=8,period=1" },
		{ "aging:period=16", &policy_aging, 8, 16, "aging:bits=8,period=16" },
		{ "aging bits=32 period=1000000", &policy_aging, 32, 1000000, "aging:bits=32,period=1000000" },
		{ "aging:bits=1", &policy_aging, 1, 1, "aging:bits=1,period=1" },
		{ "random", &policy_random, 1, 0, "random:seed=1" },
		{ "random:seed=4294967295", &policy_random, 4294967295u, 0, "random:seed=4294967295" },
		{ "random:seed=0", &policy_random, 0, 0, "random:seed=0" },
		{ "wsclock", &policy_wsclock, 50, 0, "wsclock:tau=50" },
		{ "wsclock:tau=0", &policy_wsclock, 0, 0, "wsclock:tau=0" },
		{ "wsclock tau=1000000000", &policy_wsclock, 1000000000, 0, "wsclock:tau=1000000000" },
	};
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct policy_choice c;
		char why[80], text[POLICY_ARG_MAX];
		assert_int_equal(policy_parse(cases[i].text, strlen(cases[i].text), &c, why, sizeof why), 0);
		assert_ptr_equal(c.policy, cases[i].policy);
		assert_int_equal(c.param[0], cases[i].p0);
		assert_int_equal(c.param[1], cases[i].p1);
		policy_format(&c, text, sizeof text);
		assert_string_equal(text, cases[i].formatted);
	}
	assert_ptr_equal(policy_find("nru"), &policy_nru);
	assert_ptr_equal(policy_find("aging"), &policy_aging);
	assert_ptr_equal(policy_find("random"), &policy_random);
	assert_ptr_equal(policy_find("wsclock"), &policy_wsclock);
}

static void bad_parameters_are_refused_with_a_message_and_change_nothing(void **state)
{
	static const struct {
		const char *text;
		const char *message;
	} cases[] = {
		{ "aging:bits=0", "parameter bits wants a number from 1 to 32, not '0'" },
		{ "aging:bits=33", "parameter bits wants a number from 1 to 32, not '33'" },
		{ "aging:period=0", "parameter period wants a number from 1 to 1000000, not '0'" },
		{ "aging:period=1000001", "parameter period wants a number from 1 to 1000000, not '1000001'" },
		{ "aging:bits=8,bits=9", "parameter given twice: 'bits'" },
		{ "aging:depth=3", "unknown parameter 'depth'" },
		{ "aging:bits", "a parameter needs K=V, not 'bits'" },
		{ "aging:", "parameters expected after 'aging:'" },
		{ "nru:tau=5", "unknown parameter 'tau'" },
		{ "random:seed=4294967296", "parameter seed wants a number from 0 to 4294967295, not '4294967296'" },
		{ "random:seed=-1", "parameter seed wants a number from 0 to 4294967295, not '-1'" },
		{ "random:seed=0x10", "parameter seed wants a number from 0 to 4294967295, not '0x10'" },
		{ "wsclock:tau=", "parameter tau wants a number from 0 to 1000000000, not ''" },
		{ "wsclock:tau=1000000001", "parameter tau wants a number from 0 to 1000000000, not '1000000001'" },
		{ "wsclock:tau=5,seed=1", "unknown parameter 'seed'" },
		{ "WSClock", "unknown policy 'WSClock'" },
	};
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct policy_choice c, before;
		char why[96];
		memset(&c, 0x5a, sizeof c);
		before = c;
		assert_int_equal(policy_parse(cases[i].text, strlen(cases[i].text), &c, why, sizeof why),
				 -ERR_INVAL);
		assert_string_equal(why, cases[i].message);
		assert_memory_equal(&c, &before, sizeof c);
	}
}

int main(void)
{
#define T(f) cmocka_unit_test_teardown(f, teardown)
	/* The parser's tests first: the policy lab's students write
	 * parse_item first, and a stubbed victim ends the suite. */
	const struct CMUnitTest tests[] = {
		T(good_parameters_are_parsed_with_their_defaults_and_formatted_back),
		T(bad_parameters_are_refused_with_a_message_and_change_nothing),
		T(nru_spares_a_written_page_on_beladys_string_10_faults_read_only_9_with_1_written),
		T(nru_takes_the_first_frame_of_the_lowest_class_from_the_hand),
		T(aging_with_8_bits_remembers_an_older_use_1_bit_forgets_it),
		T(aging_samples_once_every_period_faults),
		T(aging_counts_a_faulting_access_in_the_interval_after_its_fault),
		T(aging_starts_a_new_page_at_0_so_one_unused_since_goes_first),
		T(aging_with_a_period_longer_than_the_run_is_fifo),
		T(nru_passes_over_the_last_refused_frame_even_when_all_were_refused),
		T(random_with_seed_0_evicts_the_frames_splitmix64_draws),
		T(random_gives_the_same_victims_for_a_seed_and_others_for_another),
		T(wsclock_with_tau_0_is_clock_on_clean_pages),
		T(wsclock_with_a_huge_tau_clears_every_bit_each_round_and_parts_from_clock),
		T(wsclock_gives_a_page_found_referenced_a_new_last_use),
		T(wsclock_keeps_an_old_dirty_page_while_old_clean_ones_remain),
		T(wsclock_offers_an_old_dirty_page_before_a_young_clean_one_with_tau_deciding_age),
		T(beladys_string_written_as_in_the_os_takes_the_faults_worked_out_by_hand),
		T(refused_frames_are_passed_over_until_every_frame_has_been_offered),
		T(a_refused_frame_is_offered_again_after_the_pools_next_fault),
		T(every_classic_policy_keeps_its_pool_consistent_on_cpp_with_writes),
		T(an_empty_pool_has_no_victim_under_any_classic_policy),
		T(switching_through_a_classic_policy_keeps_the_residency_order),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
