/*
 * test_slab.c - slab caches and kmalloc size classes (servers/mm/slab.c,
 * kmalloc.c) over the real buddy allocator, against tests/host/mm_stubs.c:
 * layout, lists, shrinking, constructors, slab_dump, kmalloc, and a
 * randomised run against a model. Debug mode and the reports of bugs
 * (double free, use after free, overflow, bad pointers) are in
 * test_slab_debug.c; the set-up both share is slab_fixture.c.
 *
 * Memory: one usable range [0, 64 MiB): DMA below 16 MiB, DMA32 above, no
 * NORMAL zone, so ordinary slabs come from DMA32.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdint.h>
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
#include "mm_maps.h"
#include "slab_fixture.h"
#include "rng.h"

static size_t page_offset(const void *p)
{
	return mm_virt_to_phys(p) & (PAGE_SIZE - 1);
}

/* ---- layout: alignment, order, colouring -------------------------------- */

static void slab_objects_are_aligned_and_do_not_overlap(void **state)
{
	(void)state;
	static const struct { size_t size, align; } shapes[] = {
		{ 24, 0 }, { 24, 16 }, { 100, 64 }, { 200, 256 }, { 3000, 8 },
		{ 64, 4096 }, { 5, 0 },
	};
	for (size_t k = 0; k < ARRAY_LEN(shapes); k++) {
		struct slab_cache *c = must_cache("shape", shapes[k].size,
		                                         shapes[k].align, NULL);
		size_t align = shapes[k].align < 8 ? 8 : shapes[k].align;
		uint8_t *objs[100];
		assert_non_null(c);
		for (int i = 0; i < 100; i++) {
			objs[i] = must_obj(c, 0);
			assert_non_null(objs[i]);
			assert_int_equal((uintptr_t)objs[i] % align, 0);
			memset(objs[i], i, shapes[k].size);
		}
		for (int i = 0; i < 100; i++) {
			for (size_t b = 0; b < shapes[k].size; b++)
				assert_int_equal(objs[i][b], i); /* nobody overlapped it */
			assert_int_equal(slab_free(c, objs[i]), ERR_OK);
		}
		assert_int_equal(slab_check(), 0);
		assert_int_equal(slab_cache_destroy(c), ERR_OK);
	}
}

/* Order: smallest with at most 1/8 of the slab unused and 16 objects, or 8
 * pages. 3000-byte objects: orders 0 and 1 waste 27%; order 2 wastes 8.4%
 * but holds only 5; order 3 holds 10 and wastes 2768 of 32768. 200-byte
 * objects: order 0 holds 20 (after a 64-byte header), wasting 32 bytes. */
static void slab_order_is_chosen_to_limit_waste(void **state)
{
	(void)state;
	struct slab_cache *c = must_cache("three-k", 3000, 0, NULL);

	assert_int_equal(c->order, 3);
	assert_int_equal(c->objs_per_slab, 10);
	assert_true(c->flags & SLAB_OFF_SLAB);
	struct slab_cache *small = must_cache("two-hundred", 200, 0, NULL);
	assert_int_equal(small->order, 0);
	assert_int_equal(small->objs_per_slab, 20);
	assert_false(small->flags & SLAB_OFF_SLAB);
	assert_int_equal(kmalloc_init(), ERR_OK);
	for (size_t sz = 32; sz <= KMALLOC_MAX_CACHE_SIZE; sz++) {
		if (kmalloc_size_class(sz) != sz)
			continue;
		void *p = kmalloc(sz, 0);
		struct slab_cache *k = slab_cache_of(p);
		size_t bytes = PAGE_SIZE << k->order;
		size_t waste = bytes - k->header - (size_t)k->objs_per_slab * k->stride;
		assert_true(waste * 8 <= bytes);
		assert_int_equal(kfree(p), ERR_OK);
	}
}

/* First objects of successive slabs sit at header + 0, 64, 128, 0 ... */
static void slab_colouring_offsets_successive_slabs(void **state)
{
	(void)state;
	/* 296 B on-slab: order 1, (8192 - 64) / 296 = 27 objects, 136 B left:
	 * 3 colours. 1000 B off-slab: order 2, 16 objects, 384 B left: 7. */
	static const struct { size_t size; unsigned colours; size_t header; } cases[] = {
		{ 296, 3, 64 }, { 1000, 7, 0 },
	};
	for (size_t k = 0; k < ARRAY_LEN(cases); k++) {
		struct slab_cache *c = must_cache("colour", cases[k].size, 0, NULL);
		assert_int_equal(c->colour_count, cases[k].colours);
		assert_int_equal(c->header, cases[k].header);
		for (unsigned s = 0; s < 2 * c->colour_count + 1; s++) {
			void *first = must_obj(c, 0);
			assert_int_equal(page_offset(first),
			                 cases[k].header + (s % c->colour_count) * SLAB_COLOUR_ALIGN);
			for (unsigned i = 1; i < c->objs_per_slab; i++)
				assert_non_null(slab_alloc(c, 0)); /* fill the slab */
		}
		assert_int_equal(slab_check(), 0);
	}
}

/* ---- lists, growth, shrink ---------------------------------------------- */

static void assert_lists(const struct slab_cache *c, unsigned full, unsigned partial,
                         unsigned empty)
{
	assert_int_equal(c->nr_slabs[SLAB_FULL], full);
	assert_int_equal(c->nr_slabs[SLAB_PARTIAL], partial);
	assert_int_equal(c->nr_slabs[SLAB_EMPTY], empty);
	assert_int_equal(slab_check(), 0);
}

static void slab_moves_slabs_between_full_partial_and_empty(void **state)
{
	(void)state;
	/* 8000-byte objects: 4 to an order-3 slab */
	struct slab_cache *c = must_cache("quad", 8000, 0, NULL);
	void *o[8];

	assert_int_equal(c->objs_per_slab, 4);
	assert_lists(c, 0, 0, 0);
	o[0] = must_obj(c, 0);
	assert_lists(c, 0, 1, 0);
	for (int i = 1; i < 4; i++)
		o[i] = must_obj(c, 0);
	assert_lists(c, 1, 0, 0);
	o[4] = must_obj(c, 0);
	assert_lists(c, 1, 1, 0);
	slab_free(c, o[4]);
	assert_lists(c, 1, 0, 1);
	slab_free(c, o[0]);
	assert_lists(c, 0, 1, 1);
	/* partial first: the next object comes from o[0]'s slab, not the empty one */
	void *again = must_obj(c, 0);
	assert_ptr_equal(again, o[0]);
	assert_lists(c, 1, 0, 1);
	assert_int_equal(c->active_objs, 4);
}

static void slab_keeps_at_most_empty_limit_empty_slabs(void **state)
{
	(void)state;
	struct slab_cache *c = must_cache("quad", 8000, 0, NULL);
	void *o[40];

	for (int i = 0; i < 40; i++)
		o[i] = must_obj(c, 0);
	assert_lists(c, 10, 0, 0);
	for (int i = 0; i < 40; i++)
		assert_int_equal(slab_free(c, o[i]), ERR_OK);
	assert_lists(c, 0, 0, SLAB_EMPTY_LIMIT);
	assert_int_equal(c->nr_reaped_pages, (10 - SLAB_EMPTY_LIMIT) << c->order);
}

static void slab_shrink_returns_pages_to_buddy(void **state)
{
	(void)state;
	struct slab_cache *c = must_cache("shrinkme", 200, 0, NULL);
	uint64_t start = zone_free_pages();
	void *o[1000];

	for (int i = 0; i < 1000; i++)
		o[i] = must_obj(c, 0);
	uint64_t slabs = c->nr_slabs[SLAB_FULL] + c->nr_slabs[SLAB_PARTIAL];
	assert_int_equal(zone_free_pages(), start - (slabs << c->order));
	for (int i = 0; i < 1000; i++)
		slab_free(c, o[i]);
	assert_int_equal(slab_cache_shrink(c), (size_t)SLAB_EMPTY_LIMIT << c->order);
	assert_lists(c, 0, 0, 0);
	assert_int_equal(zone_free_pages(), start);
	assert_int_equal(buddy_check(), 0);
}

/* Large objects keep struct slab in the "slab" cache; shrinking all caches
 * gives back those header slabs too. */
static void slab_shrink_all_returns_off_slab_headers_too(void **state)
{
	(void)state;
	uint64_t start = zone_free_pages();
	struct slab_cache *c = must_cache("big", 8192, 0, NULL);
	void *o[64];

	assert_true(c->flags & SLAB_OFF_SLAB);
	for (int i = 0; i < 64; i++)
		o[i] = must_obj(c, 0);
	for (int i = 0; i < 64; i++)
		slab_free(c, o[i]);
	assert_int_equal(slab_cache_destroy(c), ERR_OK);
	slab_shrink_all();
	assert_int_equal(zone_free_pages(), start);
	assert_int_equal(slab_check(), 0);
}

static void slab_destroy_refuses_cache_with_live_objects(void **state)
{
	(void)state;
	struct slab_cache *c = must_cache("busy", 64, 0, NULL);
	void *o = must_obj(c, 0);

	assert_int_equal(slab_cache_destroy(c), -ERR_BUSY);
	assert_non_null(strstr(stub_bug_last, "cache busy still has 1 objects"));
	stub_bug_reset();
	slab_free(c, o);
	assert_int_equal(slab_cache_destroy(c), ERR_OK);
	assert_int_equal(slab_check(), 0);
}

static void slab_zone_flag_puts_slabs_below_16_mib(void **state)
{
	(void)state;
	struct slab_cache *dma = must_cache_flags("dma-bufs", 512, 512, NULL, SLAB_ZONE_DMA);
	struct slab_cache *any = must_cache("bufs", 512, 512, NULL);

	for (int i = 0; i < 50; i++) {
		assert_true(mm_virt_to_phys(slab_alloc(dma, 0)) < ZONE_DMA_LIMIT);
		assert_true(mm_virt_to_phys(slab_alloc(any, 0)) >= ZONE_DMA_LIMIT);
	}
}

/* Bad arguments are refused before anything is made: the "slab_cache"
 * cache that holds every cache keeps its count, and no page moves. */
static void slab_cache_create_rejects_bad_arguments(void **state)
{
	(void)state;
	struct slab_cache *good = must_cache("good", 64, 0, NULL);
	struct slab_cache *caches = slab_cache_of(good);
	assert_non_null(caches);
	assert_string_equal(caches->name, "slab_cache");
	uint64_t nr_caches = caches->active_objs, free_pages = zone_free_pages();

	assert_null(slab_cache_create_flags("x", 0, 0, NULL, 0));
	assert_null(slab_cache_create_flags("x", 64, 3, NULL, 0));
	assert_null(slab_cache_create_flags("x", 64, 2 * PAGE_SIZE, NULL, 0));
	assert_null(slab_cache_create_flags("x", 64, 0, NULL, 0x80));
	assert_null(slab_cache_create_flags("x", (PAGE_SIZE << MM_MAX_ORDER) + 1, 0, NULL, 0));
	assert_null(slab_cache_create_flags(NULL, 64, 0, NULL, 0));
	assert_null(slab_cache_create_flags("x", SIZE_MAX, 0, NULL, 0));
	assert_null(slab_cache_create_flags("x", 64, 12, NULL, 0));
	assert_int_equal(stub_bug_count, 0);
	assert_int_equal(caches->active_objs, nr_caches);
	assert_int_equal(zone_free_pages(), free_pages);
	/* the edges that are allowed */
	assert_non_null(must_cache("page-aligned", 64, PAGE_SIZE, NULL));
	assert_non_null(must_cache("one-byte", 1, 0, NULL));
	assert_int_equal(caches->active_objs, nr_caches + 2);
	assert_int_equal(slab_check(), 0);
}

/* ---- constructors -------------------------------------------------------- */

static unsigned ctor_calls;

struct widget {
	uint32_t magic;
	uint32_t refs;
	char name[40];
};

static void widget_ctor(void *obj)
{
	struct widget *w = obj;
	w->magic = 0x77696467;
	w->refs = 0;
	memset(w->name, 'w', sizeof(w->name));
	ctor_calls++;
}

static void slab_constructor_runs_once_per_object_lifetime(void **state)
{
	(void)state;
	ctor_calls = 0;
	struct slab_cache *c = must_cache("widget", sizeof(struct widget), 0,
	                                         widget_ctor);
	unsigned per = c->objs_per_slab;
	struct widget *w[200];

	assert_int_equal(ctor_calls, 0);         /* nothing until a slab exists */
	w[0] = must_obj(c, 0);
	assert_int_equal(ctor_calls, per);       /* the whole slab, once */
	for (unsigned i = 1; i < per; i++)
		w[i] = must_obj(c, 0);
	assert_int_equal(ctor_calls, per);
	for (int round = 0; round < 5; round++) { /* reuse: no constructor, state kept */
		slab_free(c, w[3]);
		w[3] = must_obj(c, 0);
		assert_int_equal(w[3]->magic, 0x77696467);
		assert_int_equal(w[3]->name[0], 'w');
		assert_int_equal(w[3]->name[39], 'w');
	}
	assert_int_equal(ctor_calls, per);
	w[per] = must_obj(c, 0);               /* a second slab */
	assert_int_equal(ctor_calls, 2 * per);
	for (unsigned i = 0; i <= per; i++)
		slab_free(c, w[i]);
	slab_cache_shrink(c);                    /* objects' lifetime ends */
	slab_alloc(c, 0);
	assert_int_equal(ctor_calls, 3 * per);
	assert_null(slab_alloc(c, MM_ZERO));     /* would destroy constructed state */
}

/* ---- slab_dump ----------------------------------------------------------- */

static void slab_dump_prints_a_slabinfo_row_per_cache(void **state)
{
	(void)state;
	struct slab_cache *c = must_cache("dumped", 1000, 0, NULL);
	for (int i = 0; i < 5; i++)
		slab_alloc(c, 0);
	stub_print_reset();
	slab_dump();

	/* 5 active of 16; 1000 B, stride 1000, 16 per 4-page slab; one partial */
	assert_non_null(strstr(stub_print_buf, "dumped"));
	assert_non_null(strstr(stub_print_buf,
	        "      5      16    1000   1000       16     4 :    0       1     0      4 off-slab"));
	assert_non_null(strstr(stub_print_buf, "slab_cache"));
}

/* ---- kmalloc ------------------------------------------------------------- */

static void kmalloc_rounds_requests_up_to_size_classes(void **state)
{
	(void)state;
	static const size_t want[][2] = {
		{ 1, 32 }, { 32, 32 }, { 33, 64 }, { 65, 96 }, { 97, 128 },
		{ 129, 192 }, { 193, 256 }, { 257, 512 }, { 4097, 8192 },
		{ 131072, 131072 }, { 131073, 0 }, { 0, 0 },
	};
	for (size_t i = 0; i < ARRAY_LEN(want); i++)
		assert_int_equal(kmalloc_size_class(want[i][0]), want[i][1]);
}

static void kmalloc_serves_every_class_naturally_aligned(void **state)
{
	(void)state;
	assert_int_equal(kmalloc_init(), ERR_OK);
	uint64_t start = zone_free_pages();

	for (size_t sz = 32; sz <= KMALLOC_MAX_CACHE_SIZE; sz *= 2) {
		uint8_t *p = kmalloc(sz, 0);
		size_t align = sz < PAGE_SIZE ? sz : PAGE_SIZE;
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % align, 0);
		memset(p, 0xee, sz);
		struct slab_cache *c = slab_cache_of(p);
		assert_int_equal(c->size, sz);
		assert_int_equal(strncmp(c->name, "kmalloc-", 8), 0);
		assert_int_equal(kfree(p), ERR_OK);
	}
	assert_int_equal((uintptr_t)kmalloc(96, 0) % 32, 0);
	assert_int_equal((uintptr_t)kmalloc(150, 0) % 64, 0);
	assert_null(kmalloc(0, 0));
	assert_int_equal(kfree(NULL), ERR_OK);
	assert_int_equal(slab_check(), 0);
	(void)start;
}

static void kmalloc_above_128k_comes_from_buddy(void **state)
{
	(void)state;
	assert_int_equal(kmalloc_init(), ERR_OK);
	uint64_t start = zone_free_pages();
	uint8_t *p = kmalloc(200 << 10, 0);      /* 50 pages -> order 6 */

	assert_non_null(p);
	assert_int_equal(page_offset(p), 0);
	pfn_t pfn = virt_to_pfn(p);
	assert_int_equal(pfn_to_page(pfn)->use, PAGE_USE_KMALLOC);
	assert_int_equal(pfn_to_page(pfn)->order, 6);
	assert_int_equal(zone_free_pages(), start - 64);
	memset(p, 1, 200 << 10);
	assert_int_equal(kfree(p + 8), -ERR_BUG);
	assert_bug_names("not returned by kmalloc", "kfree", p + 8);
	assert_int_equal(kfree(p), ERR_OK);
	assert_int_equal(zone_free_pages(), start);
	assert_int_equal(kfree(p), -ERR_BUG);    /* double free */
	assert_bug_names("not returned by kmalloc", "kfree", p);
	assert_null(kmalloc((PAGE_SIZE << MM_MAX_ORDER) + 1, 0));
}

static void kmalloc_zero_flag_returns_zeroed_memory(void **state)
{
	(void)state;
	assert_int_equal(kmalloc_init(), ERR_OK);
	uint8_t *p = kmalloc(100, 0);

	memset(p, 0xff, 100);
	kfree(p);
	uint8_t *q = kmalloc(100, MM_ZERO);
	assert_ptr_equal(q, p);
	for (int i = 0; i < 100; i++)
		assert_int_equal(q[i], 0);
}

/* ---- randomised run against a model -------------------------------------- */

struct live_obj { int cache; uint8_t *p; uint8_t fill; };

#define NCACHES 5
#define MAX_LIVE 3000

/* Each live object is filled with its own byte; on free the fill must be
 * intact (no other object overlapped it). slab_check() after every op. */
static void slab_random_run_matches_model(void **state)
{
	(void)state;
	static const struct { const char *name; size_t size; unsigned flags; bool ctor; } spec[NCACHES] = {
		{ "r-32", 32, 0, false }, { "r-200", 200, SLAB_DEBUG, false },
		{ "r-1000", 1000, 0, false }, { "r-5000", 5000, SLAB_DEBUG, false },
		{ "r-widget", sizeof(struct widget), SLAB_DEBUG, true },
	};
	uint64_t start = zone_free_pages();
	struct slab_cache *c[NCACHES];
	struct live_obj *live = calloc(MAX_LIVE, sizeof(*live));
	size_t n = 0, active[NCACHES] = { 0 };

	for (int i = 0; i < NCACHES; i++)
		c[i] = must_cache_flags(spec[i].name, spec[i].size, 0,
		                               spec[i].ctor ? widget_ctor : NULL, spec[i].flags);
	rng_state = 0x2545f4914f6cdd1dull;
	for (int op = 0; op < 20000; op++) {
		if (n < MAX_LIVE && (n == 0 || rng() % 100 < 52)) {
			int k = (int)(rng() % NCACHES);
			uint8_t *p = must_obj(c[k], 0);
			assert_non_null(p);
			if (spec[k].ctor)
				assert_int_equal(((struct widget *)p)->magic, 0x77696467);
			live[n] = (struct live_obj){ k, p, (uint8_t)(rng() | 1) };
			memset(p, live[n].fill, spec[k].size);
			if (spec[k].ctor)
				widget_ctor(p);          /* leave it constructed */
			n++;
			active[k]++;
		} else {
			size_t i = rng() % n;
			struct live_obj o = live[i];
			if (!spec[o.cache].ctor)
				for (size_t b = 0; b < spec[o.cache].size; b++)
					assert_int_equal(o.p[b], o.fill);
			assert_int_equal(slab_free(c[o.cache], o.p), ERR_OK);
			live[i] = live[--n];
			active[o.cache]--;
		}
		for (int k = 0; k < NCACHES; k++)
			assert_int_equal(c[k]->active_objs, active[k]);
		assert_int_equal(slab_check(), 0);
	}
	while (n > 0)
		assert_int_equal(slab_free(c[live[n - 1].cache], live[n - 1].p), ERR_OK), n--;
	for (int k = 0; k < NCACHES; k++)
		assert_int_equal(slab_cache_destroy(c[k]), ERR_OK);
	slab_shrink_all();
	assert_int_equal(zone_free_pages(), start);
	assert_int_equal(stub_bug_count, 0);
	assert_int_equal(buddy_check(), 0);
	free(live);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(slab_objects_are_aligned_and_do_not_overlap),
		TEST(slab_order_is_chosen_to_limit_waste),
		TEST(slab_colouring_offsets_successive_slabs),
		TEST(slab_moves_slabs_between_full_partial_and_empty),
		TEST(slab_keeps_at_most_empty_limit_empty_slabs),
		TEST(slab_shrink_returns_pages_to_buddy),
		TEST(slab_shrink_all_returns_off_slab_headers_too),
		TEST(slab_destroy_refuses_cache_with_live_objects),
		TEST(slab_zone_flag_puts_slabs_below_16_mib),
		TEST(slab_cache_create_rejects_bad_arguments),
		TEST(slab_constructor_runs_once_per_object_lifetime),
		TEST(slab_dump_prints_a_slabinfo_row_per_cache),
		TEST(kmalloc_rounds_requests_up_to_size_classes),
		TEST(kmalloc_serves_every_class_naturally_aligned),
		TEST(kmalloc_above_128k_comes_from_buddy),
		TEST(kmalloc_zero_flag_returns_zeroed_memory),
		TEST(slab_random_run_matches_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
