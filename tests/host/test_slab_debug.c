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
#include "rng.h"

/* ---- debug mode: poison, red zones, tags --------------------------------- */

static void slab_debug_is_switched_at_run_time(void **state)
{
	(void)state;
	struct slab_cache *plain = must_cache("plain", 64, 0, NULL);
	mm_debug = MM_DEBUG_SLAB;
	struct slab_cache *dbg = must_cache("dbg", 64, 0, NULL);
	struct slab_cache *opt_out = must_cache_flags("opt-out", 64, 0, NULL, SLAB_NO_DEBUG);
	mm_debug = 0;

	assert_false(plain->flags & SLAB_DEBUG);
	assert_true(dbg->flags & SLAB_DEBUG);
	assert_false(opt_out->flags & SLAB_DEBUG);
	uint8_t *p = must_obj(dbg, 0);
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
	struct slab_cache *c = must_cache_flags("dbl", 48, 0, NULL, SLAB_DEBUG);
	void *p = must_obj(c, 0), *q = must_obj(c, 0);

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
	struct slab_cache *c = must_cache_flags("uaf", 128, 0, NULL, SLAB_DEBUG);
	uint8_t *p = must_obj(c, 0);

	slab_free(c, p);
	p[77] = 1;                               /* write after free */
	assert_int_equal(slab_check(), 1);
	assert_bug_names("use after free", "uaf", p);
	uint8_t *again = must_obj(c, 0);       /* LIFO: the same object */
	assert_ptr_equal(again, p);
	assert_bug_names("use after free", "uaf", p);
	assert_int_equal(slab_check(), 0);
}

static void slab_debug_names_offset_of_use_after_free(void **state)
{
	(void)state;
	struct slab_cache *c = must_cache_flags("uaf2", 128, 0, NULL, SLAB_DEBUG);
	uint8_t *p = must_obj(c, 0);

	slab_free(c, p);
	p[77] = 1;
	slab_alloc(c, 0);
	assert_non_null(strstr(stub_bug_last, "offset 77"));
}

static void slab_debug_catches_overflow_and_underflow(void **state)
{
	(void)state;
	struct slab_cache *c = must_cache_flags("ovf", 100, 0, NULL, SLAB_DEBUG);
	uint8_t *p = must_obj(c, 0), *q = must_obj(c, 0);

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
	struct slab_cache *c = must_cache_flags("mid", 64, 0, NULL, SLAB_DEBUG);
	uint8_t *p = must_obj(c, 0);

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
	struct slab_cache *c = must_cache("nodbg", 48, 0, NULL);
	void *p = must_obj(c, 0), *q = must_obj(c, 0);

	assert_int_equal(slab_free(c, p), ERR_OK);
	assert_int_equal(slab_free(c, p), -ERR_BUG);
	assert_bug_names("double free", "nodbg", p);
	assert_int_equal(slab_free(c, q), ERR_OK);
	assert_int_equal(slab_check(), 0);
}

static void slab_free_to_wrong_cache_or_non_slab_memory_is_refused(void **state)
{
	(void)state;
	struct slab_cache *a = must_cache("cache-a", 64, 0, NULL);
	struct slab_cache *b = must_cache("cache-b", 64, 0, NULL);
	void *p = must_obj(a, 0);
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
	struct slab_cache *c = must_cache("corrupt", 64, 0, NULL);
	void **p = must_obj(c, 0);
	void **q = must_obj(c, 0);

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

/*
 * Hostile frees among real ones (seed fixed). Three caches - "h-plain"
 * (64 B), "h-debug" (64 B, SLAB_DEBUG), "h-big" (3000 B, off-slab) - and
 * 4000 rounds of a real allocation or free, or a bad free: an object of
 * one cache freed to another, a page that is no slab, a stack address, a
 * pointer into the middle of a debug object, or the object just freed
 * freed again. Each bad free must be refused with -ERR_BUG and one report
 * naming the cache it was freed to, and leave every cache as it was.
 */
#define HOSTILE_CACHES 3
#define HOSTILE_LIVE 400

struct hostile_obj { int cache; uint8_t *p; };

static void hostile_refused(struct slab_cache **c, struct slab_cache *to, void *obj)
{
	struct slab_cache before[HOSTILE_CACHES];

	for (int k = 0; k < HOSTILE_CACHES; k++)
		before[k] = *c[k];
	stub_bug_reset();
	assert_int_equal(slab_free(to, obj), -ERR_BUG);
	assert_int_equal(stub_bug_count, 1);
	assert_non_null(strstr(stub_bug_last, "slab_free"));
	assert_non_null(strstr(stub_bug_last, to->name));
	for (int k = 0; k < HOSTILE_CACHES; k++)
		assert_memory_equal(c[k], &before[k], sizeof(before[k]));
	stub_bug_reset();
}

static void slab_hostile_frees_are_refused_and_change_nothing(void **state)
{
	(void)state;
	struct slab_cache *c[HOSTILE_CACHES] = {
		must_cache("h-plain", 64, 0, NULL),
		must_cache_flags("h-debug", 64, 0, NULL, SLAB_DEBUG),
		must_cache("h-big", 3000, 0, NULL),
	};
	struct hostile_obj *live = calloc(HOSTILE_LIVE, sizeof(*live));
	struct hostile_obj freed = { -1, NULL };
	pfn_t page = buddy_alloc(0, 0);
	size_t n = 0;
	unsigned refused = 0;
	int on_stack = 0;

	assert_int_not_equal(page, PFN_NONE);
	rng_state = 0xbb67ae8584caa73bull;
	for (int op = 0; op < 4000; op++) {
		uint32_t r = rng() % 100;
		if (n == 0 || (r < 35 && n < HOSTILE_LIVE)) {
			int k = (int)(rng() % HOSTILE_CACHES);
			live[n].cache = k;
			live[n++].p = must_obj(c[k], 0);
			freed.p = NULL;                  /* it may be the one just freed */
			continue;
		}
		size_t i = rng() % n;
		struct hostile_obj o = live[i];
		if (r < 60) {
			assert_int_equal(slab_free(c[o.cache], o.p), ERR_OK);
			freed = o;
			live[i] = live[--n];
			continue;
		}
		refused++;
		switch (r % 5) {
		case 0: /* to another cache */
			hostile_refused(c, c[(o.cache + 1 + (int)(rng() % 2)) % HOSTILE_CACHES], o.p);
			break;
		case 1: /* not slab memory at all */
			hostile_refused(c, c[o.cache], rng() % 2 ? pfn_to_virt(page) : (void *)&on_stack);
			break;
		case 2: /* the middle of a debug object */
			if (o.cache == 1) {
				hostile_refused(c, c[1], o.p + 1 + rng() % 63);
				break;
			}
			/* fall through */
		default: /* the object just freed, again */
			if (freed.p)
				hostile_refused(c, c[freed.cache], freed.p);
			else
				refused--;
		}
		if (op % 50 == 0)
			assert_int_equal(slab_check(), 0);
	}
	assert_true(refused > 800);
	while (n > 0) {
		n--;
		assert_int_equal(slab_free(c[live[n].cache], live[n].p), ERR_OK);
	}
	for (int k = 0; k < HOSTILE_CACHES; k++) {
		assert_int_equal(c[k]->active_objs, 0);
		assert_int_equal(slab_cache_destroy(c[k]), ERR_OK);
	}
	assert_int_equal(slab_check(), 0);
	assert_int_equal(stub_bug_count, 0);
	free(live);
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
		TEST(slab_hostile_frees_are_refused_and_change_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
