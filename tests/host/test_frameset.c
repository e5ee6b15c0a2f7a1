/*
 * test_frameset.c - the record of the IOMMU's frames (kernel/frameset.c),
 * compiled unchanged against tests/host/kstubs.c: tables and counted
 * leaves, misuse caught as a panic, the limit, and a randomised run
 * against a plain array model with frameset_check() after every step -
 * the deletions by backward shift are where a hash table goes wrong.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "kernel.h"
#include "frameset.h"
#include "kstubs.h"
#include "rng.h"

static struct frameset fs;

static int setup(void **state)
{
	frameset_init(&fs);
	kstub_log_clear();
	return 0;
}

static const paddr_t A = 0x1000, B = 0x7fe3000;

static void frameset_tables_and_leaves_are_told_apart(void **state)
{
	assert_int_equal(frameset_use(&fs, A), FRAME_UNUSED);
	assert_true(frameset_add_table(&fs, A));
	assert_true(frameset_ref_leaf(&fs, B));
	assert_true(frameset_ref_leaf(&fs, B));
	assert_int_equal(frameset_use(&fs, A), FRAME_TABLE);
	assert_int_equal(frameset_use(&fs, B), FRAME_LEAF);
	assert_int_equal(frameset_refs(&fs, B), 2);
	assert_int_equal(frameset_refs(&fs, A), 0);
	assert_int_equal(fs.used, 2);
	assert_int_equal(fs.tables, 1);
	frameset_unref_leaf(&fs, B);
	assert_int_equal(frameset_use(&fs, B), FRAME_LEAF);
	frameset_unref_leaf(&fs, B);
	assert_int_equal(frameset_use(&fs, B), FRAME_UNUSED);
	frameset_remove_table(&fs, A);
	assert_int_equal(frameset_use(&fs, A), FRAME_UNUSED);
	assert_int_equal(frameset_room(&fs), FRAMESET_MAX);
	frameset_check(&fs);
}

static void frameset_frame_zero_is_a_frame_like_any(void **state)
{
	assert_true(frameset_add_table(&fs, 0));
	assert_int_equal(frameset_use(&fs, 0), FRAME_TABLE);
	assert_int_equal(frameset_use(&fs, PAGE_SIZE), FRAME_UNUSED);
	frameset_check(&fs);
}

static void frameset_table_twice_panics(void **state)
{
	assert_true(frameset_add_table(&fs, A));
	expect_assert_failure(frameset_add_table(&fs, A));
}

static void frameset_leaf_of_a_table_panics(void **state)
{
	assert_true(frameset_add_table(&fs, A));
	expect_assert_failure(frameset_ref_leaf(&fs, A));
}

static void frameset_removing_what_is_not_held_panics(void **state)
{
	expect_assert_failure(frameset_remove_table(&fs, A));
	expect_assert_failure(frameset_unref_leaf(&fs, B));
	assert_true(frameset_ref_leaf(&fs, B));
	expect_assert_failure(frameset_remove_table(&fs, B));
}

static void frameset_refuses_past_its_limit_and_changes_nothing(void **state)
{
	for (unsigned i = 0; i < FRAMESET_MAX; i++)
		assert_true(frameset_ref_leaf(&fs, (paddr_t)i * 3 * PAGE_SIZE));
	assert_int_equal(frameset_room(&fs), 0);
	assert_false(frameset_ref_leaf(&fs, 1ULL << 40));
	assert_false(frameset_add_table(&fs, 1ULL << 40));
	assert_true(frameset_ref_leaf(&fs, 0));      /* another mapping of a held leaf */
	assert_int_equal(fs.used, FRAMESET_MAX);
	assert_int_equal(frameset_use(&fs, 1ULL << 40), FRAME_UNUSED);
	frameset_check(&fs);
}

static void frameset_check_finds_a_broken_count(void **state)
{
	assert_true(frameset_add_table(&fs, A));
	fs.used++;
	expect_assert_failure(frameset_check(&fs));
}

/* ---- randomised, against a model ---- */

#define MODEL_FRAMES 600        /* frames drawn from; clustered keys collide */

static int model[MODEL_FRAMES];         /* -1 table, n >= 0 leaf mappings */

static paddr_t frame_of(unsigned i)
{
	/* A few sparse ones, most dense: both shapes of cluster. */
	return i % 7 == 0 ? (paddr_t)i << 30 : (paddr_t)i * PAGE_SIZE;
}

static void step(void)
{
	unsigned i = rng() % MODEL_FRAMES;
	paddr_t pa = frame_of(i);
	switch (rng() % 4) {
	case 0:
		if (model[i] == 0 && frameset_add_table(&fs, pa))
			model[i] = -1;
		break;
	case 1:
		if (model[i] == -1) {
			frameset_remove_table(&fs, pa);
			model[i] = 0;
		}
		break;
	case 2:
		if (model[i] >= 0 && frameset_ref_leaf(&fs, pa))
			model[i]++;
		break;
	default:
		if (model[i] > 0) {
			frameset_unref_leaf(&fs, pa);
			model[i]--;
		}
	}
}

static void assert_matches_model(void)
{
	unsigned held = 0;
	for (unsigned i = 0; i < MODEL_FRAMES; i++) {
		enum frame_use want = model[i] < 0 ? FRAME_TABLE : model[i] ? FRAME_LEAF : FRAME_UNUSED;
		assert_int_equal(frameset_use(&fs, frame_of(i)), want);
		assert_int_equal(frameset_refs(&fs, frame_of(i)), model[i] > 0 ? model[i] : 0);
		held += model[i] != 0;
	}
	assert_int_equal(fs.used, held);
}

static void frameset_random_operations_match_a_model(void **state)
{
	rng_state = 20241;
	memset(model, 0, sizeof model);
	for (int n = 0; n < 20000; n++) {
		step();
		frameset_check(&fs);
		if (n % 500 == 0)
			assert_matches_model();
	}
	assert_matches_model();
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(frameset_tables_and_leaves_are_told_apart),
		T(frameset_frame_zero_is_a_frame_like_any),
		T(frameset_table_twice_panics),
		T(frameset_leaf_of_a_table_panics),
		T(frameset_removing_what_is_not_held_panics),
		T(frameset_refuses_past_its_limit_and_changes_nothing),
		T(frameset_check_finds_a_broken_count),
		T(frameset_random_operations_match_a_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
