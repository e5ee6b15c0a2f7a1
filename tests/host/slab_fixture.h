/*
 * slab_fixture.h - what the slab suites (test_slab.c, test_slab_debug.c)
 * share: each test starts from fresh zones over 64 MiB of "physical memory"
 * (tests/host/mm_stubs.c) and a fresh slab_init(), with mm_debug cleared.
 *
 * Memory: one usable range [0, 64 MiB): DMA below 16 MiB, DMA32 above, no
 * NORMAL zone, so ordinary slabs come from DMA32.
 */
#ifndef SLAB_FIXTURE_H
#define SLAB_FIXTURE_H

#include "slab.h"

int slab_test_setup(void **state);
int slab_test_teardown(void **state);
#define TEST(fn) cmocka_unit_test_setup_teardown(fn, slab_test_setup, slab_test_teardown)

/* Exactly one bug was reported, and its message says `what` and names the
 * cache and the object (as %p prints it); then forget it. */
void assert_bug_names(const char *what, const char *cache, const void *obj);

/* slab_cache_create(_flags) and slab_alloc for a test that goes on to use
 * the result: a NULL fails the test here, naming the call, instead of
 * crashing it further on (the slab lab's handout returns NULL). */
struct slab_cache *must_cache(const char *name, size_t size, size_t align, slab_ctor_t ctor);
struct slab_cache *must_cache_flags(const char *name, size_t size, size_t align,
                                    slab_ctor_t ctor, unsigned flags);
void *must_obj(struct slab_cache *c, mm_flags_t flags);

#endif
