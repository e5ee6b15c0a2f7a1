/*
 * slab_fixture.c - set-up, tear-down and bug assertions shared by the slab
 * suites. See slab_fixture.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <pagoda/error.h>
#include "mm_env.h"
#include "zone.h"
#include "slab.h"
#include "mm_stubs.h"
#include "mm_maps.h"
#include "slab_fixture.h"

static const struct mm_range ram64[] = {
	{ 0, MiB(64), MM_RANGE_USABLE },
};

int slab_test_setup(void **state)
{
	(void)state;
	mm_debug = 0;
	stub_phys_setup(ram64, ARRAY_LEN(ram64), NULL, 0);
	assert_int_equal(zone_init(ram64, ARRAY_LEN(ram64), NULL, 0), ERR_OK);
	slab_init();
	return 0;
}

int slab_test_teardown(void **state)
{
	(void)state;
	mm_debug = 0;
	stub_phys_teardown();
	return 0;
}

void assert_bug_names(const char *what, const char *cache, const void *obj)
{
	char ptr[32];
	snprintf(ptr, sizeof(ptr), "%p", obj);
	assert_int_equal(stub_bug_count, 1);
	assert_non_null(strstr(stub_bug_last, what));
	assert_non_null(strstr(stub_bug_last, cache));
	assert_non_null(strstr(stub_bug_last, ptr));
	stub_bug_reset();
}

struct slab_cache *must_cache_flags(const char *name, size_t size, size_t align,
                                    slab_ctor_t ctor, unsigned flags)
{
	struct slab_cache *c = slab_cache_create_flags(name, size, align, ctor, flags);

	if (!c)
		fail_msg("slab_cache_create_flags(\"%s\", %zu, %zu, ..., %#x) failed",
		         name, size, align, flags);
	return c;
}

struct slab_cache *must_cache(const char *name, size_t size, size_t align, slab_ctor_t ctor)
{
	return must_cache_flags(name, size, align, ctor, 0);
}

void *must_obj(struct slab_cache *c, mm_flags_t flags)
{
	void *obj = slab_alloc(c, flags);

	if (!obj)
		fail_msg("slab_alloc(cache %s, %#x) failed with memory to spare",
		         c->name, (unsigned)flags);
	return obj;
}
