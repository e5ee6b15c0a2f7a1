/*
 * test_gen.c - the workload generator (tools/policysim/gen.c), the one
 * file the simulator and the in-OS replay both compile: each kind's
 * shape, reproducibility from a seed (pinned to the first values, since
 * a change would silently make the OS and the simulator replay different
 * strings), slices, and the parser's answers to every bad spec.
 * (mk/policysim.mk also compiles gen.c freestanding, without a C library,
 * before building this suite.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "gen.h"
#include "policysim_fixture.h"

static void a_loop_touches_page_i_mod_pages(void **state)
{
	struct gen_spec s = fixture_spec("loop:pages=7,len=30");
	assert_int_equal(s.len, 30);
	for (uint64_t i = 0; i < 30; i++) {
		assert_int_equal(gen_page(&s, i), i % 7);
		assert_false(gen_write(&s, i));
	}
}

static void beladys_string_is_1_2_3_4_1_2_5_1_2_3_4_5_on_pages_0_to_4_repeated(void **state)
{
	static const unsigned b[12] = { 0, 1, 2, 3, 0, 1, 4, 0, 1, 2, 3, 4 };
	struct gen_spec s = fixture_spec("belady:len=24");
	assert_int_equal(s.pages, 5);
	for (uint64_t i = 0; i < 24; i++)
		assert_int_equal(gen_page(&s, i), b[i % 12]);
}

/* The first references of each random kind, pinned: the OS's replay and
 * the simulator must agree on them, on any machine, for ever. */
static void the_same_spec_gives_the_same_string_pinned_to_its_first_values(void **state)
{
	static const unsigned rnd[8] = { 832, 474, 582, 907, 841, 733, 47, 926 };
	static const unsigned sh[8] = { 408, 390, 396, 907, 481, 475, 441, 926 };
	struct gen_spec r = fixture_spec("random:pages=1000,seed=1");
	struct gen_spec s = fixture_spec("shift:pages=1000,hot=50,phase=4,seed=1");
	struct gen_spec w = fixture_spec("random:pages=1000,seed=1,writes=50");
	for (unsigned i = 0; i < 8; i++) {
		assert_int_equal(gen_page(&r, i), rnd[i]);
		assert_int_equal(gen_page(&s, i), sh[i]);
		assert_int_equal(gen_page(&w, i), rnd[i]);   /* writes= draws from its own stream */
		assert_int_equal(gen_write(&w, i), i == 1 || i == 3);
	}
}

static void another_seed_gives_another_string(void **state)
{
	struct gen_spec a = fixture_spec("random:pages=1000,seed=1"), b = fixture_spec("random:pages=1000,seed=2");
	unsigned same = 0;
	for (uint64_t i = 0; i < 1000; i++)
		same += gen_page(&a, i) == gen_page(&b, i);
	assert_true(same < 10);     /* about 1 expected */
}

/* 100,000 draws over 10 pages: each within 5 % of 10,000 (the standard
 * deviation is 95). */
static void random_pages_are_uniform(void **state)
{
	struct gen_spec s = fixture_spec("random:pages=10,len=100000,seed=3");
	unsigned count[10] = { 0 };
	for (uint64_t i = 0; i < s.len; i++) {
		uint32_t p = gen_page(&s, i);
		assert_true(p < 10);
		count[p]++;
	}
	for (unsigned p = 0; p < 10; p++)
		assert_in_range(count[p], 9500, 10500);
}

/* In each phase about local % of the references fall in one window of
 * `hot` consecutive pages, and the window moves from phase to phase. */
static void a_shift_keeps_each_phase_in_its_own_hot_set(void **state)
{
	struct gen_spec s = fixture_spec("shift:pages=1000,hot=20,phase=5000,local=90,len=50000,seed=5");
	unsigned moved = 0, prev_base = 0;
	for (uint64_t k = 0; k < 10; k++) {
		unsigned count[1000] = { 0 }, best = 0, base = 0;
		for (uint64_t i = k * 5000; i < (k + 1) * 5000; i++)
			count[gen_page(&s, i)]++;
		for (unsigned b = 0; b < 1000; b++) {   /* the fullest window of 20 */
			unsigned in = 0;
			for (unsigned j = 0; j < 20; j++)
				in += count[(b + j) % 1000];
			if (in > best)
				best = in, base = b;
		}
		/* 90 % local, plus the 2 % of the other 500 that land there: 4,510 */
		assert_in_range(best, 4400, 4800);
		moved += k > 0 && base != prev_base;
		prev_base = base;
	}
	assert_true(moved >= 8);
}

static void writes_is_the_percent_of_references_that_write(void **state)
{
	struct gen_spec s0 = fixture_spec("loop:len=10000"), s30 = fixture_spec("loop:len=10000,writes=30");
	struct gen_spec s100 = fixture_spec("loop:len=10000,writes=100");
	unsigned w0 = 0, w30 = 0, w100 = 0;
	for (uint64_t i = 0; i < 10000; i++) {
		w0 += gen_write(&s0, i);
		w30 += gen_write(&s30, i);
		w100 += gen_write(&s100, i);
	}
	assert_int_equal(w0, 0);
	assert_in_range(w30, 2850, 3150);
	assert_int_equal(w100, 10000);
}

/* Any slice is the same as the whole string's references there. */
static void a_slice_filled_on_its_own_equals_the_whole_strings(void **state)
{
	struct gen_spec s = fixture_spec("shift:len=3000,writes=40,seed=9");
	uint32_t whole[3000], part[100];
	bool wwhole[3000], wpart[100];
	gen_fill(&s, 0, 3000, whole, wwhole);
	gen_fill(&s, 1234, 100, part, wpart);
	for (unsigned i = 0; i < 100; i++) {
		assert_int_equal(part[i], whole[1234 + i]);
		assert_int_equal(wpart[i], wwhole[1234 + i]);
		assert_int_equal(part[i], gen_page(&s, 1234 + i));
	}
	gen_fill(&s, 0, 100, part, NULL);           /* write[] may be NULL */
	assert_memory_equal(part, whole, sizeof part);
}

static bool same_spec(const struct gen_spec *a, const struct gen_spec *b)
{
	return a->kind == b->kind && a->pages == b->pages && a->len == b->len &&
	       a->seed == b->seed && a->hot == b->hot && a->phase == b->phase &&
	       a->local == b->local && a->writes == b->writes;
}

static void a_spec_is_written_canonically_with_every_key_and_reads_back(void **state)
{
	static const char *const in[] = { "loop", "random:pages=5", "shift pages=300 hot=7 seed=4",
					  "belady:writes=25,len=36", "shift:local=0,phase=1" };
	static const char *const out[] = {
		"loop:pages=100,len=10000,seed=1,writes=0",
		"random:pages=5,len=10000,seed=1,writes=0",
		"shift:pages=300,len=20000,hot=7,phase=2000,local=90,seed=4,writes=0",
		"belady:len=36,seed=1,writes=25",
		"shift:pages=1000,len=20000,hot=50,phase=1,local=0,seed=1,writes=0",
	};
	for (unsigned i = 0; i < 5; i++) {
		char text[GEN_TEXT_MAX];
		struct gen_spec s = fixture_spec(in[i]), back;
		gen_format(&s, text, sizeof text);
		assert_string_equal(text, out[i]);
		back = fixture_spec(text);
		assert_true(same_spec(&back, &s));
	}
}

/* Fewer pages than the default hot set: the hot set is every page. */
static void a_small_shift_takes_all_its_pages_as_the_hot_set(void **state)
{
	struct gen_spec s = fixture_spec("shift:pages=20");
	assert_int_equal(s.hot, 20);
}

static void refused(const char *text, const char *why)
{
	struct gen_spec s, before;
	char err[160];
	memset(&s, 0x5a, sizeof s);
	before = s;
	assert_int_equal(gen_parse(text, strlen(text), &s, err, sizeof err), -1);
	if (!strstr(err, why))
		fail_msg("gen_parse(%s): '%s' not in '%s'", text, why, err);
	assert_memory_equal(&s, &before, sizeof s);
}

static void every_bad_spec_is_refused_with_its_reason_and_changes_nothing(void **state)
{
	refused("", "unknown workload ''");
	refused("lop", "unknown workload 'lop' (loop, random, shift, belady)");
	refused("loop:pages=0", "pages wants a number from 1 to 16777216, not '0'");
	refused("loop:pages=16777217", "pages wants a number from 1 to 16777216");
	refused("loop:len=x", "len wants a number");
	refused("loop:len=", "len wants a number");
	refused("loop:len=99999999999999999999", "len wants a number");
	refused("loop:hot=3", "unknown key for this workload: 'hot'");
	refused("belady:pages=6", "unknown key for this workload: 'pages'");
	refused("loop:pages=3,pages=4", "key given twice: 'pages'");
	refused("loop:len", "a workload key needs K=V, not 'len'");
	refused("shift:hot=2000", "the hot set (hot=2000) is larger than the pages (pages=1000)");
	refused("shift:local=101", "local wants a number from 0 to 100");
	refused("random:writes=101", "writes wants a number from 0 to 100");
	refused("shift:phase=0", "phase wants a number from 1");
}

/* A short error buffer is cut, never overrun, and stays a string. */
static void a_short_error_buffer_is_cut_and_terminated(void **state)
{
	char err[8] = "xxxxxxx";
	struct gen_spec s;
	assert_int_equal(gen_parse("nothing", 7, &s, err, 6), -1);
	assert_string_equal(err, "unkno");
	assert_int_equal(err[6], 'x');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_loop_touches_page_i_mod_pages),
		cmocka_unit_test(beladys_string_is_1_2_3_4_1_2_5_1_2_3_4_5_on_pages_0_to_4_repeated),
		cmocka_unit_test(the_same_spec_gives_the_same_string_pinned_to_its_first_values),
		cmocka_unit_test(another_seed_gives_another_string),
		cmocka_unit_test(random_pages_are_uniform),
		cmocka_unit_test(a_shift_keeps_each_phase_in_its_own_hot_set),
		cmocka_unit_test(writes_is_the_percent_of_references_that_write),
		cmocka_unit_test(a_slice_filled_on_its_own_equals_the_whole_strings),
		cmocka_unit_test(a_spec_is_written_canonically_with_every_key_and_reads_back),
		cmocka_unit_test(a_small_shift_takes_all_its_pages_as_the_hot_set),
		cmocka_unit_test(every_bad_spec_is_refused_with_its_reason_and_changes_nothing),
		cmocka_unit_test(a_short_error_buffer_is_cut_and_terminated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
