/*
 * test_slab_debug.c - how the slab caches (servers/mm/slab.c, slab_debug.c,
 * and kmalloc.c over them) catch their clients' bugs, against
 * tests/host/mm_stubs.c: debug mode switched per cache at run time, its
 * poison and red zones, and the reports of double free, use after free,
 * overflow and underflow, pointers into the middle of an object, frees to
 * the wrong cache, and a corrupted free list; plus the cheap double-free
 * check that runs without debug mode. Each report must name the cache and
 * the object (assert_bug_names, in slab_fixture.c) and the operation must be
 * refused.
 *
 * The other slab tests are in test_slab.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <pagoda/error.h>
#include "mm_env.h"
#include "zone.h"
#include "buddy.h"
#include "slab.h"
#include "kmalloc.h"
#include "mm_stubs.h"
#include "slab_fixture.h"

/* ---- debug mode: poison, red zones, tags --------------------------------- */

static void slab_debug_is_switched_at_run_time(void **state)
{
	(void)state;
	struct slab_cache *plain = slab_cache_create("plain", 64, 0, NULL);
	mm_debug = MM_DEBUG_SLAB;
	struct slab_cache *dbg = slab_cache_create("dbg", 64, 0, NULL);
	struct slab_cache *opt_out = slab_cache_create_flags("opt-out", 64, 0, NULL, SLAB_NO_DEBUG);
	mm_debug = 0;

	assert_false(plain->flags & SLAB_DEBUG);
	assert_true(dbg->flags & SLAB_DEBUG);
	assert_false(opt_out->flags & SLAB_DEBUG);
	uint8_t *p = slab_alloc(dbg, 0);
	for (int i = 0; i < 64; i++)
		assert_int_equal(p[i], SLAB_POISON_INUSE);
	assert_int_equal(p[-1], SLAB_RED_ACTIVE);
	assert_int_equal(p[64], SLAB_RED_ACTIVE);
	slab_free(dbg, p);
	for (int i = 0; i < 64; i++)
		assert_int_equal(p[i], SLAB_POISON_FREE);
	assert_int_equal(p[64], SLAB_RED_INACTIVE);
}

static void slab_debug_catches_double_free(void **state)
{
	(void)state;
	struct slab_cache *c = slab_cache_create_flags("dbl", 48, 0, NULL, SLAB_DEBUG);
	void *p = slab_alloc(c, 0), *q = slab_alloc(c, 0);

	assert_int_equal(slab_free(c, p), ERR_OK);
	assert_int_equal(slab_free(c, q), ERR_OK); /* p is no longer the list head */
	assert_int_equal(slab_free(c, p), -ERR_BUG);
	assert_bug_names("double free", "dbl", p);
	assert_int_equal(c->active_objs, 0);
	assert_int_equal(slab_check(), 0);
}

static void slab_debug_catches_use_after_free(void **state)
{
	(void)state;
	struct slab_cache *c = slab_cache_create_flags("uaf", 128, 0, NULL, SLAB_DEBUG);
	uint8_t *p = slab_alloc(c, 0);

	slab_free(c, p);
	p[77] = 1;                               /* write after free */
	assert_int_equal(slab_check(), 1);
	assert_bug_names("use after free", "uaf", p);
	uint8_t *again = slab_alloc(c, 0);       /* LIFO: the same object */
	assert_ptr_equal(again, p);
	assert_bug_names("use after free", "uaf", p);
	assert_int_equal(slab_check(), 0);
}

static void slab_debug_names_offset_of_use_after_free(void **state)
{
	(void)state;
	struct slab_cache *c = slab_cache_create_flags("uaf2", 128, 0, NULL, SLAB_DEBUG);
	uint8_t *p = slab_alloc(c, 0);

	slab_free(c, p);
	p[77] = 1;
	slab_alloc(c, 0);
	assert_non_null(strstr(stub_bug_last, "offset 77"));
}

static void slab_debug_catches_overflow_and_underflow(void **state)
{
	(void)state;
	struct slab_cache *c = slab_cache_create_flags("ovf", 100, 0, NULL, SLAB_DEBUG);
	uint8_t *p = slab_alloc(c, 0), *q = slab_alloc(c, 0);

	p[100] = 'x';                            /* one byte past the end */
	assert_int_equal(slab_free(c, p), -ERR_BUG);
	assert_non_null(strstr(stub_bug_last, "offset 100"));
	assert_bug_names("overflow", "ovf", p);
	assert_int_equal(c->active_objs, 2);     /* refused: still allocated */
	p[100] = SLAB_RED_ACTIVE;
	assert_int_equal(slab_free(c, p), ERR_OK);

	q[-3] = 'y';                             /* before the start */
	assert_int_equal(slab_free(c, q), -ERR_BUG);
	assert_bug_names("offset -3", "ovf", q);
}

static void slab_debug_rejects_pointer_inside_an_object(void **state)
{
	(void)state;
	struct slab_cache *c = slab_cache_create_flags("mid", 64, 0, NULL, SLAB_DEBUG);
	uint8_t *p = slab_alloc(c, 0);

	assert_int_equal(slab_free(c, p + 8), -ERR_BUG);
	assert_bug_names("not the start of an object", "mid", p + 8);
	assert_int_equal(slab_free(c, p), ERR_OK);
}

/* With MM_DEBUG_SLAB set before the generic caches exist, kmalloc memory is
 * red-zoned too: a 100-byte request is a kmalloc-128 object, and writing
 * byte 128 is caught when it is freed. */
static void kmalloc_caches_follow_run_time_debug_switch(void **state)
{
	(void)state;
	mm_debug = MM_DEBUG_SLAB;
	slab_init();
	assert_int_equal(kmalloc_init(), ERR_OK);
	uint8_t *p = kmalloc(100, 0);

	assert_true(slab_cache_of(p)->flags & SLAB_DEBUG);
	assert_int_equal(p[99], SLAB_POISON_INUSE);
	p[128] = 0;
	assert_int_equal(kfree(p), -ERR_BUG);
	assert_non_null(strstr(stub_bug_last, "offset 128"));
	assert_bug_names("overflow", "kmalloc-128", p);
	p[128] = SLAB_RED_ACTIVE;
	assert_int_equal(kfree(p), ERR_OK);
	assert_int_equal(kfree(p), -ERR_BUG);
	assert_bug_names("double free", "kmalloc-128", p);
	assert_int_equal(slab_check(), 0);
}

/* ---- without debug mode: the checks that always run --------------------- */

static void slab_without_debug_catches_naive_double_free(void **state)
{
	(void)state;
	struct slab_cache *c = slab_cache_create("nodbg", 48, 0, NULL);
	void *p = slab_alloc(c, 0), *q = slab_alloc(c, 0);

	assert_int_equal(slab_free(c, p), ERR_OK);
	assert_int_equal(slab_free(c, p), -ERR_BUG);
	assert_bug_names("double free", "nodbg", p);
	assert_int_equal(slab_free(c, q), ERR_OK);
	assert_int_equal(slab_check(), 0);
}

static void slab_free_to_wrong_cache_or_non_slab_memory_is_refused(void **state)
{
	(void)state;
	struct slab_cache *a = slab_cache_create("cache-a", 64, 0, NULL);
	struct slab_cache *b = slab_cache_create("cache-b", 64, 0, NULL);
	void *p = slab_alloc(a, 0);
	pfn_t page = buddy_alloc(0, 0);
	int on_stack;

	assert_int_equal(slab_free(b, p), -ERR_BUG);
	assert_bug_names("belongs to cache cache-a, not cache-b", "cache-a", p);
	assert_int_equal(slab_free(a, pfn_to_virt(page)), -ERR_BUG);
	assert_bug_names("not an object of any slab cache", "cache-a", pfn_to_virt(page));
	assert_int_equal(slab_free(a, &on_stack), -ERR_BUG);
	assert_bug_names("not an object", "cache-a", &on_stack);
	assert_int_equal(slab_free(a, p), ERR_OK);
}

static void slab_check_catches_corrupted_free_list(void **state)
{
	(void)state;
	struct slab_cache *c = slab_cache_create("corrupt", 64, 0, NULL);
	void **p = slab_alloc(c, 0);
	void **q = slab_alloc(c, 0);

	slab_free(c, q);
	void *saved = *q;                        /* q's free pointer */
	*q = (uint8_t *)p + 3;                   /* use after free, undetected by poison */
	assert_true(slab_check() > 0);
	assert_non_null(strstr(stub_bug_last, "corrupt"));
	stub_bug_reset();
	*q = saved;
	assert_int_equal(slab_check(), 0);
	c->active_objs++;
	assert_true(slab_check() > 0);
	c->active_objs--;
	stub_bug_reset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(slab_debug_is_switched_at_run_time),
		TEST(slab_debug_catches_double_free),
		TEST(slab_debug_catches_use_after_free),
		TEST(slab_debug_names_offset_of_use_after_free),
		TEST(slab_debug_catches_overflow_and_underflow),
		TEST(slab_debug_rejects_pointer_inside_an_object),
		TEST(kmalloc_caches_follow_run_time_debug_switch),
		TEST(slab_without_debug_catches_naive_double_free),
		TEST(slab_free_to_wrong_cache_or_non_slab_memory_is_refused),
		TEST(slab_check_catches_corrupted_free_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
