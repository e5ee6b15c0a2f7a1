/*
 * test_refgen.c - the generated reference strings (tools/policysim/refgen.c)
 * that `replay gen` runs in the OS and tracegen writes for policysim:
 * each kind makes the string its comment promises (Belady's string and
 * the loop exactly, the random pages in range, the shifting set inside
 * its window), a seed always makes the same string and a longer string
 * begins with the shorter one (so the OS and the simulator agree), and
 * every bad argument is refused with its reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "refgen.h"

#define N 4096

struct string {
	uint32_t page[N];
	bool write[N];
	size_t n;
};

static void make(struct string *s, const char *kind, uint64_t seed, uint64_t len, uint64_t pages)
{
	struct refgen g;
	const char *why = NULL;
	assert_true(len <= N);
	assert_int_equal(refgen_init(&g, kind, seed, len, pages, &why), 0);
	s->n = 0;
	while (refgen_next(&g, &s->page[s->n], &s->write[s->n]))
		s->n++;
	assert_int_equal(s->n, len);
	uint32_t p;
	bool w;
	assert_false(refgen_next(&g, &p, &w));          /* and stays at the end */
}

static struct string a, b;

static void belady_is_belady_string_repeated(void **state)
{
	(void)state;
	static const uint32_t want[] = { 0, 1, 2, 3, 0, 1, 4, 0, 1, 2, 3, 4 };
	make(&a, "belady", 9, 36, 5);
	for (size_t i = 0; i < a.n; i++)
		assert_int_equal(a.page[i], want[i % 12]);
}

static void loop_walks_every_page_in_order_again_and_again(void **state)
{
	(void)state;
	make(&a, "loop", 1, 1000, 7);
	for (size_t i = 0; i < a.n; i++)
		assert_int_equal(a.page[i], i % 7);
}

static void random_pages_are_in_range_and_cover_them(void **state)
{
	(void)state;
	bool seen[50] = { false };
	make(&a, "random", 3, 2000, 50);
	for (size_t i = 0; i < a.n; i++) {
		assert_true(a.page[i] < 50);
		seen[a.page[i]] = true;
	}
	for (int p = 0; p < 50; p++)
		assert_true(seen[p]);
}

/* pages 96: a set of 24, moving on by 12 every 192 references. */
static void shift_stays_in_its_moving_window(void **state)
{
	(void)state;
	make(&a, "shift", 7, 3000, 96);
	for (size_t i = 0; i < a.n; i++) {
		uint32_t base = (uint32_t)((i / 192) * 12 % 96);
		assert_true((a.page[i] + 96 - base) % 96 < 24);
	}
	bool moved = false;
	for (size_t i = 0; i < a.n; i++)
		moved = moved || a.page[i] >= 24;
	assert_true(moved);
}

static void a_quarter_or_so_of_the_references_are_writes(void **state)
{
	(void)state;
	size_t w = 0;
	make(&a, "random", 5, 4000, 100);
	for (size_t i = 0; i < a.n; i++)
		w += a.write[i];
	assert_true(w > 4000 / 4 - 200 && w < 4000 / 4 + 200);
}

static void a_seed_makes_one_string_and_a_longer_one_extends_it(void **state)
{
	(void)state;
	static const char *const kinds[] = { "loop", "random", "shift" };
	for (size_t k = 0; k < 3; k++) {
		make(&a, kinds[k], 42, 3000, 80);
		make(&b, kinds[k], 42, 1000, 80);
		assert_memory_equal(a.page, b.page, b.n * sizeof a.page[0]);
		assert_memory_equal(a.write, b.write, b.n * sizeof a.write[0]);
	}
	make(&a, "random", 1, 1000, 80);
	make(&b, "random", 2, 1000, 80);
	assert_true(memcmp(a.page, b.page, 1000 * sizeof a.page[0]) != 0);
	make(&b, "random", 0, 1000, 80);                /* seed 0 works too */
	assert_true(memcmp(a.page, b.page, 1000 * sizeof a.page[0]) != 0);
}

static void bad_arguments_are_refused_with_a_reason(void **state)
{
	(void)state;
	struct refgen g;
	const char *why;
	static const struct {
		const char *kind;
		uint64_t len, pages;
		const char *want;
	} bad[] = {
		{ "lru", 10, 10, "unknown kind of workload (loop, random, shift or belady)" },
		{ "", 10, 10, "unknown kind of workload (loop, random, shift or belady)" },
		{ "loop", 0, 10, "LEN must be 1 .. 100000000 references" },
		{ "loop", REFGEN_LEN_MAX + 1, 10, "LEN must be 1 .. 100000000 references" },
		{ "loop", 10, 0, "PAGES must be 1 .. 16777216" },
		{ "random", 10, REFGEN_PAGES_MAX + 1ULL, "PAGES must be 1 .. 16777216" },
		{ "belady", 10, 4, "Belady's string has 5 pages: PAGES must be 5" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why = NULL;
		assert_int_equal(refgen_init(&g, bad[i].kind, 1, bad[i].len, bad[i].pages, &why), -1);
		assert_string_equal(why, bad[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(belady_is_belady_string_repeated),
		cmocka_unit_test(loop_walks_every_page_in_order_again_and_again),
		cmocka_unit_test(random_pages_are_in_range_and_cover_them),
		cmocka_unit_test(shift_stays_in_its_moving_window),
		cmocka_unit_test(a_quarter_or_so_of_the_references_are_writes),
		cmocka_unit_test(a_seed_makes_one_string_and_a_longer_one_extends_it),
		cmocka_unit_test(bad_arguments_are_refused_with_a_reason),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
