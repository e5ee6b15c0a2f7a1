/*
 * test_dmapool.c - DMA pools (libsys/src/dmapool.c), compiled unchanged
 * against a stand-in for the grant calls (dma_grant_alloc/_free here hand
 * out page-aligned host pages at made-up, non-contiguous bus addresses).
 *
 * Known layouts first (offsets for sizes, alignments and boundaries),
 * then a randomised run against a model - the set of buffers out, each
 * with a pattern written into it - with dma_pool_check after every step:
 * every buffer is zeroed, aligned on both sides, never crosses its
 * boundary on the bus, shares no cache line with another, keeps its
 * bytes until freed, and freed buffers are reused before a new page is
 * granted. Then the refusals: bad arguments, bad or double frees, destroy
 * while buffers are out, no grant to be had - each changes nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <pagoda/error.h>
#include <pagoda/dma.h>
#include "rng.h"

#define PAGE 4096

/* ---- the grant calls, played by the host ------------------------------------ */

static unsigned grants_live, grants_made, grants_allowed = ~0u;
static uint64_t next_bus;

int dma_grant_alloc(const struct dma_device *dev, size_t size, struct dma_grant *out)
{
	if (grants_made >= grants_allowed)
		return -ERR_NOMEM;
	void *cpu = aligned_alloc(PAGE, size);
	assert_non_null(cpu);
	memset(cpu, 0, size);                       /* grants are zeroed */
	*out = (struct dma_grant){ .cpu = cpu, .bus = next_bus, .id = ++grants_made, .size = size,
				   .pages = size / PAGE, .zone = 1 };
	next_bus += 3 * PAGE;                       /* pages are not contiguous on the bus */
	grants_live++;
	return 0;
}

int dma_grant_free(struct dma_grant *g)
{
	free(g->cpu);
	g->cpu = NULL;
	grants_live--;
	return 0;
}

static const struct dma_device edu = { DEV_BDF(0, 4, 0), 28 };

static int setup(void **state)
{
	(void)state;
	grants_live = grants_made = 0;
	grants_allowed = ~0u;
	next_bus = 0x5000000;
	return 0;
}

static struct dma_pool_stats stats(const struct dma_pool *pool)
{
	struct dma_pool_stats s;
	dma_pool_stats(pool, &s);
	return s;
}

static void assert_stats_equal(const struct dma_pool_stats *a, const struct dma_pool_stats *b)
{
	assert_int_equal(a->stride, b->stride);
	assert_int_equal(a->per_page, b->per_page);
	assert_int_equal(a->pages, b->pages);
	assert_int_equal(a->in_use, b->in_use);
}

/* ---- creation and layout ------------------------------------------------------ */

static void create_refuses_arguments_out_of_range(void **state)
{
	(void)state;
	assert_null(dma_pool_create("z", &edu, 0, 0, 0));
	assert_null(dma_pool_create("z", &edu, PAGE + 1, 0, 0));
	assert_null(dma_pool_create("z", &edu, 64, 3, 0));
	assert_null(dma_pool_create("z", &edu, 64, 2 * PAGE, 0));
	assert_null(dma_pool_create("z", &edu, 64, 0, 96));
	assert_null(dma_pool_create("z", &edu, 100, 0, 64));    /* a boundary below the size */
	assert_int_equal(grants_made, 0);
	struct dma_pool *p = dma_pool_create("ok", &edu, 100, 0, 128);
	assert_non_null(p);
	assert_int_equal(stats(p).align, 1);                    /* 0 means 1 */
	assert_int_equal(grants_made, 0);                       /* no page until the first alloc */
	assert_int_equal(dma_pool_destroy(p), 0);
}

static void layouts_keep_alignment_lines_and_boundaries(void **state)
{
	(void)state;
	static const struct { size_t size, align, boundary, stride; unsigned per_page; } cases[] = {
		{ 64, 0, 0, 64, 64 }, { 1, 1, 0, 64, 64 }, { 100, 0, 0, 128, 32 },
		{ 100, 256, 0, 256, 16 }, { 1000, 0, 1024, 1024, 4 }, { 600, 0, 1024, 640, 4 },
		{ 2048, 0, 0, 2048, 2 }, { PAGE, 0, 0, PAGE, 1 }, { 24, 32, 32, 64, 64 },
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		struct dma_pool *p = dma_pool_create("layout", &edu, cases[c].size, cases[c].align,
						     cases[c].boundary);
		assert_non_null(p);
		assert_int_equal(stats(p).stride, cases[c].stride);
		assert_int_equal(stats(p).per_page, cases[c].per_page);
		assert_int_equal(dma_pool_check(p), 0);
		assert_int_equal(dma_pool_destroy(p), 0);
	}
}

static void a_600_byte_pool_with_a_1k_boundary_skips_to_each_boundary(void **state)
{
	(void)state;
	struct dma_pool *p = dma_pool_create("skip", &edu, 600, 0, 1024);
	uint64_t bus[5];
	void *cpu[5];
	for (int i = 0; i < 5; i++)
		assert_non_null(cpu[i] = dma_pool_alloc(p, &bus[i]));
	for (int i = 0; i < 4; i++)
		assert_int_equal(bus[i] % PAGE, (uint64_t)i * 1024);   /* 0, 1024, 2048, 3072 */
	assert_int_equal(bus[4] % PAGE, 0);         /* the fifth starts a second page */
	assert_int_equal(stats(p).pages, 2);
	assert_int_equal(dma_pool_check(p), 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(dma_pool_free(p, cpu[i], bus[i]), 0);
	assert_int_equal(dma_pool_destroy(p), 0);
}

/* ---- against a model ------------------------------------------------------------- */

#define LIVE_MAX 300

struct live {
	uint8_t *cpu;
	uint64_t bus;
	uint8_t pattern;
};

struct model {
	struct live live[LIVE_MAX];
	unsigned n, peak;
	size_t size, align, boundary;
};

static size_t pick_power(unsigned max_log)
{
	return (size_t)1 << (rng() % (max_log + 1));
}

static void assert_lines_apart(const struct model *m, const uint8_t *cpu)
{
	uintptr_t lo = (uintptr_t)cpu & ~(uintptr_t)(DMA_POOL_LINE - 1);
	uintptr_t hi = ((uintptr_t)cpu + m->size + DMA_POOL_LINE - 1) & ~(uintptr_t)(DMA_POOL_LINE - 1);
	for (unsigned i = 0; i < m->n; i++) {
		uintptr_t olo = (uintptr_t)m->live[i].cpu & ~(uintptr_t)(DMA_POOL_LINE - 1);
		uintptr_t ohi = ((uintptr_t)m->live[i].cpu + m->size + DMA_POOL_LINE - 1) &
				~(uintptr_t)(DMA_POOL_LINE - 1);
		assert_true(hi <= olo || ohi <= lo);    /* no byte, no cache line in common */
	}
}

static void model_alloc(struct dma_pool *p, struct model *m)
{
	uint64_t bus;
	uint8_t *cpu = dma_pool_alloc(p, &bus);
	assert_non_null(cpu);
	assert_int_equal((uintptr_t)cpu % m->align, 0);
	assert_int_equal(bus % m->align, 0);
	assert_int_equal((uintptr_t)cpu % PAGE, bus % PAGE);   /* same place on both sides */
	if (m->boundary)
		assert_int_equal(bus / m->boundary, (bus + m->size - 1) / m->boundary);
	for (size_t k = 0; k < m->size; k++)
		assert_int_equal(cpu[k], 0);
	assert_lines_apart(m, cpu);
	uint8_t pattern = (uint8_t)(rng() | 1);
	memset(cpu, pattern, m->size);
	m->live[m->n++] = (struct live){ cpu, bus, pattern };
	m->peak = m->n > m->peak ? m->n : m->peak;
}

static void model_free(struct dma_pool *p, struct model *m)
{
	unsigned i = rng() % m->n;
	struct live b = m->live[i];
	for (size_t k = 0; k < m->size; k++)
		assert_int_equal(b.cpu[k], b.pattern);  /* nobody else wrote it */
	assert_int_equal(dma_pool_free(p, b.cpu, b.bus), 0);
	m->live[i] = m->live[--m->n];
}

static void one_random_pool(unsigned steps)
{
	struct model m = { .size = 1 + rng() % 2048 };
	m.align = pick_power(rng() % 2 ? 6 : 12);
	m.boundary = rng() % 3 == 0 ? 0 : m.size <= 1024 && rng() % 2 ? 1024 : 4096;
	struct dma_pool *p = dma_pool_create("rand", &edu, m.size, m.align, m.boundary);
	assert_non_null(p);
	unsigned per_page = stats(p).per_page;
	for (unsigned s = 0; s < steps; s++) {
		bool alloc = m.n == 0 || (m.n < LIVE_MAX && rng() % 100 < 55);
		if (alloc)
			model_alloc(p, &m);
		else
			model_free(p, &m);
		assert_int_equal(dma_pool_check(p), 0);
		assert_int_equal(stats(p).in_use, m.n);
		assert_int_equal(stats(p).pages, grants_live);
		/* freed buffers are reused before a page is added */
		assert_true(stats(p).pages <= (m.peak + per_page - 1) / per_page);
	}
	while (m.n)
		model_free(p, &m);
	assert_int_equal(dma_pool_destroy(p), 0);
	assert_int_equal(grants_live, 0);
}

static void random_pools_match_the_model_and_keep_every_rule(void **state)
{
	(void)state;
	rng_state = 0x5eed0d3a;
	for (int pool = 0; pool < 40; pool++)
		one_random_pool(600);
}

/* ---- refusals change nothing -------------------------------------------------------- */

static void bad_and_double_frees_are_refused_and_change_nothing(void **state)
{
	(void)state;
	struct dma_pool *p = dma_pool_create("frees", &edu, 200, 64, 0);
	uint64_t bus, bus2;
	uint8_t *a = dma_pool_alloc(p, &bus), *b = dma_pool_alloc(p, &bus2);
	memset(a, 0x11, 200);
	uint8_t elsewhere[256];
	struct dma_pool_stats before = stats(p);
	assert_int_equal(dma_pool_free(p, elsewhere, bus), -ERR_INVAL);
	assert_int_equal(dma_pool_free(p, a + 1, bus + 1), -ERR_INVAL);     /* inside a buffer */
	assert_int_equal(dma_pool_free(p, a, bus2), -ERR_INVAL);            /* the wrong bus address */
	assert_int_equal(dma_pool_free(p, a + 512, bus + 512), -ERR_INVAL); /* a buffer not out */
	struct dma_pool_stats after = stats(p);
	assert_stats_equal(&after, &before);
	assert_int_equal(a[199], 0x11);
	assert_int_equal(dma_pool_check(p), 0);
	assert_int_equal(dma_pool_free(p, b, bus2), 0);
	assert_int_equal(dma_pool_free(p, b, bus2), -ERR_INVAL);            /* double free */
	assert_int_equal(stats(p).in_use, 1);
	assert_int_equal(dma_pool_check(p), 0);
	assert_int_equal(dma_pool_free(p, a, bus), 0);
	assert_int_equal(dma_pool_destroy(p), 0);
}

static void a_write_to_a_freed_buffer_is_reported_by_the_check(void **state)
{
	(void)state;
	struct dma_pool *p = dma_pool_create("uaf", &edu, 128, 0, 0);
	uint64_t bus;
	uint8_t *a = dma_pool_alloc(p, &bus);
	assert_int_equal(dma_pool_free(p, a, bus), 0);
	assert_int_equal(dma_pool_check(p), 0);
	a[17] = 0;                                  /* a stale pointer, or a device's late write */
	assert_int_equal(dma_pool_check(p), 1);
	assert_int_equal(dma_pool_destroy(p), 0);
}

static void destroy_with_buffers_out_is_busy_and_keeps_the_pool(void **state)
{
	(void)state;
	struct dma_pool *p = dma_pool_create("busy", &edu, 512, 0, 0);
	uint64_t bus;
	uint8_t *a = dma_pool_alloc(p, &bus);
	assert_int_equal(dma_pool_destroy(p), -ERR_BUSY);
	assert_int_equal(grants_live, 1);
	assert_int_equal(dma_pool_check(p), 0);
	assert_int_equal(dma_pool_free(p, a, bus), 0);
	assert_int_equal(dma_pool_destroy(p), 0);
	assert_int_equal(grants_live, 0);
}

static void with_no_grant_to_be_had_alloc_fails_and_changes_nothing(void **state)
{
	(void)state;
	struct dma_pool *p = dma_pool_create("full", &edu, 2048, 0, 0);
	uint64_t bus[3];
	grants_allowed = 1;
	void *a = dma_pool_alloc(p, &bus[0]), *b = dma_pool_alloc(p, &bus[1]);
	assert_non_null(a);
	assert_non_null(b);
	struct dma_pool_stats before = stats(p);
	assert_null(dma_pool_alloc(p, &bus[2]));    /* the page is full and no grant comes */
	struct dma_pool_stats after = stats(p);
	assert_stats_equal(&after, &before);
	assert_int_equal(dma_pool_check(p), 0);
	assert_int_equal(grants_live, 1);
	assert_int_equal(dma_pool_free(p, a, bus[0]), 0);
	assert_int_equal(dma_pool_free(p, b, bus[1]), 0);
	assert_int_equal(dma_pool_destroy(p), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(create_refuses_arguments_out_of_range, setup),
		cmocka_unit_test_setup(layouts_keep_alignment_lines_and_boundaries, setup),
		cmocka_unit_test_setup(a_600_byte_pool_with_a_1k_boundary_skips_to_each_boundary, setup),
		cmocka_unit_test_setup(random_pools_match_the_model_and_keep_every_rule, setup),
		cmocka_unit_test_setup(bad_and_double_frees_are_refused_and_change_nothing, setup),
		cmocka_unit_test_setup(a_write_to_a_freed_buffer_is_reported_by_the_check, setup),
		cmocka_unit_test_setup(destroy_with_buffers_out_is_busy_and_keeps_the_pool, setup),
		cmocka_unit_test_setup(with_no_grant_to_be_had_alloc_fails_and_changes_nothing, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
