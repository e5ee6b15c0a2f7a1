/*
 * test_iommu_domain.c - mm's IOMMU policy on the host: the IOVA
 * allocator (servers/mm/iova.c) and the per-device domains
 * (iommu_domain.c) and their faults (iommu_fault.c), over the real
 * allocators and a model of the kernel's IOMMU calls
 * (kcall_iommu_stub.c), each checked against a simple model beside it,
 * with iova_check / iommu_domain_check after every step.
 *
 * What a device can reach is asked of the kernel model as a device would
 * find it (stub_iommu_dma): exactly the mappings mm made, nothing after
 * an unmap, nothing at all after its driver's exit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <pagoda/error.h>
#include <pagoda/dev.h>
#include "mm_env.h"
#include "buddy.h"
#include "check.h"
#include "iova.h"
#include "iommu_domain.h"
#include "mm_stubs.h"
#include "mm_fixture.h"
#include "kcall_iommu_stub.h"
#include "rng.h"

#define EDU   DEV_BDF(0, 4, 0)
#define ROGUE DEV_BDF(0, 5, 0)
#define MASK28 28

static const struct mm_iommu_info info39 = { .flags = MM_IOMMU_PRESENT | MM_IOMMU_ENABLED,
					     .iova_bits = STUB_IOVA_BITS, .levels = 3,
					     .domains = STUB_IOMMU_DOMAINS };

static int setup(void **state)
{
	mm_fixture_setup(state);
	stub_iommu_reset();
	iommu_fault_reset();
	iommu_domains_init(&info39);
	return 0;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, mm_fixture_teardown)

static void add_edu(uint16_t bdf, int owner)
{
	struct dev_info d = { .bdf = bdf, .vendor = 0x1234, .device = 0x11e8, .owner = owner };
	stub_dev_add(&d);
}

/* npages DMA frames of object, as a grant's would be. */
static pfn_t dma_frames(uint64_t npages, const void *object)
{
	unsigned order = 0;
	while ((1ULL << order) < npages)
		order++;
	pfn_t pfn = buddy_alloc(order, MM_ZERO);
	assert_int_not_equal(pfn, PFN_NONE);
	assert_int_equal(buddy_split(pfn, order), 0);
	for (uint64_t i = 0; i < (1ULL << order); i++) {
		struct page *pg = pfn_to_page(pfn + i);
		if (i >= npages) {
			buddy_free(pfn + i, 0);
			continue;
		}
		pg->use = PAGE_USE_DMA;
		pg->object = (uint64_t)(uintptr_t)object;
	}
	return pfn;
}

static void free_frames(pfn_t pfn, uint64_t npages)
{
	for (uint64_t i = 0; i < npages; i++)
		assert_int_equal(buddy_free(pfn + i, 0), 0);
}

/* A driver process owning bdf with its domain opened. */
static int driver_with_domain(uint16_t bdf, const char *name)
{
	int pid = spawn("prog")->pid;
	add_edu(bdf, pid);
	assert_int_equal(iommu_device_open(bdf, pid, name), 0);
	return pid;
}

/* ---- iova.c against a model --------------------------------------------------- */

#define MODEL_PAGES 256

/* The model: a page bitmap of [0, MODEL_PAGES); the first fit below a limit. */
static uint64_t model_first_fit(const bool *used, uint64_t n, uint64_t limit_pages)
{
	for (uint64_t p = IOVA_BASE >> PAGE_SHIFT; p + n <= limit_pages; p++) {
		uint64_t k = 0;
		while (k < n && !used[p + k])
			k++;
		if (k == n)
			return p << PAGE_SHIFT;
	}
	return IOVA_NONE;
}

static void iova_alloc_takes_the_lowest_fit_below_the_mask_like_the_model(void **state)
{
	(void)state;
	static struct iova_space s;
	bool used[MODEL_PAGES] = { false };
	struct iova_range live[IOVA_RANGES_MAX];
	unsigned nlive = 0;
	rng_state = 11;
	iova_init(&s, MODEL_PAGES << PAGE_SHIFT);
	for (int step = 0; step < 20000; step++) {
		if (nlive > 0 && (rng64() % 3 == 0 || nlive == IOVA_RANGES_MAX)) {
			unsigned i = (unsigned)(rng64() % nlive);
			assert_int_equal(iova_free(&s, live[i].start, live[i].npages), 0);
			for (uint64_t k = 0; k < live[i].npages; k++)
				used[(live[i].start >> PAGE_SHIFT) + k] = false;
			live[i] = live[--nlive];
		} else {
			uint64_t n = 1 + rng64() % 8, mask_pages = 16 + rng64() % (MODEL_PAGES + 32);
			uint64_t mask = (mask_pages << PAGE_SHIFT) - 1;
			uint64_t limit = mask_pages < MODEL_PAGES ? mask_pages : MODEL_PAGES;
			uint64_t want = model_first_fit(used, n, limit);
			uint64_t got = iova_alloc(&s, n, mask);
			assert_int_equal(got, want);
			if (got != IOVA_NONE) {
				assert_true(got + (n << PAGE_SHIFT) - 1 <= mask);
				for (uint64_t k = 0; k < n; k++)
					used[(got >> PAGE_SHIFT) + k] = true;
				live[nlive++] = (struct iova_range){ got, n };
			}
		}
		assert_int_equal(iova_check(&s), 0);
		assert_int_equal(s.n, nlive);
	}
}

static void iova_bad_frees_and_reserves_are_refused_and_change_nothing(void **state)
{
	(void)state;
	static struct iova_space s, before;
	iova_init(&s, 64 << PAGE_SHIFT);
	uint64_t a = iova_alloc(&s, 4, ~0ULL);
	assert_int_equal(a, IOVA_BASE);
	assert_int_equal(iova_alloc(&s, 0, ~0ULL), IOVA_NONE);
	assert_int_equal(iova_alloc(&s, 64, ~0ULL), IOVA_NONE);     /* page 0 is never handed out */
	assert_int_equal(iova_alloc(&s, 1, 0xfff), IOVA_NONE);      /* nothing below one page */
	before = s;
	assert_int_equal(iova_free(&s, a, 3), -ERR_NOENT);          /* not the allocation's length */
	assert_int_equal(iova_free(&s, a + PAGE_SIZE, 3), -ERR_NOENT);
	assert_int_equal(iova_reserve(&s, a + PAGE_SIZE, 1), -ERR_BUSY);
	assert_int_equal(iova_reserve(&s, 0, 1), -ERR_INVAL);
	assert_int_equal(iova_reserve(&s, a + 4 * PAGE_SIZE + 1, 1), -ERR_INVAL);
	assert_int_equal(iova_reserve(&s, 63ULL << PAGE_SHIFT, 2), -ERR_INVAL);
	assert_memory_equal(&s, &before, sizeof s);
	assert_int_equal(iova_reserve(&s, 10ULL << PAGE_SHIFT, 2), 0);
	assert_int_equal(iova_check(&s), 0);
	assert_true(iova_allocated(&s, 11ULL << PAGE_SHIFT, 1));
	s.r[1].start = a;                                           /* the checker sees an overlap */
	assert_int_not_equal(iova_check(&s), 0);
}

/* ---- domains ------------------------------------------------------------------ */

static void opening_a_device_gives_it_an_empty_attached_domain_of_its_own(void **state)
{
	(void)state;
	int pid = driver_with_domain(EDU, "edu");
	const struct iommu_device *d = iommu_device_find(EDU);
	assert_non_null(d);
	assert_int_equal(stub_iommu_attached(EDU), (int)d->dom);
	assert_true(stub_iommu_domain_exists(d->dom));
	assert_int_equal(stub_iommu_mapped(d->dom), 0);
	assert_string_equal(d->name, "edu");
	assert_int_equal(iommu_device_open(EDU, pid, "edu"), 0);        /* again: the same */
	assert_int_equal(iommu_device_open(EDU, pid + 1, "other"), -ERR_BUSY);
	paddr_t pa;
	assert_int_equal(stub_iommu_dma(EDU, IOVA_BASE, true, &pa), MM_IOMMU_REASON_NO_WRITE);
	assert_int_equal(iommu_domain_check(), 0);
}

static void with_the_iommu_off_nothing_gets_a_domain_and_maps_are_refused(void **state)
{
	(void)state;
	static int grant;
	iommu_domains_init(NULL);
	int pid = spawn("prog")->pid;
	add_edu(EDU, pid);
	assert_false(iommu_domains_on());
	assert_int_equal(iommu_device_open(EDU, pid, "edu"), 0);
	assert_null(iommu_device_find(EDU));
	pfn_t pfn = dma_frames(1, &grant);
	uint64_t iova = 0;
	assert_int_equal(iommu_map(EDU, pfn, 1, MM_RIGHT_READ, 32, &grant, 1, &iova), -ERR_NOSYS);
	assert_int_equal(stub_iommu_calls(), 0);
	exit_proc(pid, 0);
	assert_int_equal(stub_iommu_calls(), 0);
	free_frames(pfn, 1);
}

static void a_mapping_reaches_exactly_its_frames_below_the_mask_until_unmapped(void **state)
{
	(void)state;
	static int grant;
	driver_with_domain(EDU, "edu");
	pfn_t pfn = dma_frames(3, &grant);
	uint64_t iova;
	assert_int_equal(iommu_map(EDU, pfn, 3, MM_RIGHT_READ | MM_RIGHT_WRITE, MASK28, &grant, 7,
				   &iova), 0);
	assert_true(iova >= IOVA_BASE && iova + 3 * PAGE_SIZE - 1 < (1ULL << MASK28));
	assert_int_equal(iommu_domain_check(), 0);
	for (int i = 0; i < 3; i++) {
		paddr_t pa = 0;
		assert_int_equal(stub_iommu_dma(EDU, iova + i * PAGE_SIZE + 8, true, &pa), 0);
		assert_int_equal(pa, pfn_to_pa(pfn + i) + 8);
	}
	paddr_t pa;
	assert_int_not_equal(stub_iommu_dma(EDU, iova + 3 * PAGE_SIZE, true, &pa), 0);  /* past the end */
	assert_int_not_equal(stub_iommu_dma(ROGUE, iova, false, &pa), 0);  /* another device */
	assert_true(iommu_maps_frames(pfn, 3));
	assert_int_equal(iommu_unmap(EDU, iova, 3), 0);
	assert_false(iommu_maps_frames(pfn, 3));
	assert_int_equal(stub_iommu_dma(EDU, iova, true, &pa), MM_IOMMU_REASON_NO_WRITE);
	assert_int_equal(stub_iommu_tables(iommu_device_find(EDU)->dom), 0);  /* handed back */
	assert_int_equal(iommu_domain_check(), 0);
	free_frames(pfn, 3);
}

static void a_read_only_mapping_refuses_the_devices_writes(void **state)
{
	(void)state;
	static int grant;
	driver_with_domain(EDU, "edu");
	pfn_t pfn = dma_frames(1, &grant);
	uint64_t iova;
	assert_int_equal(iommu_map(EDU, pfn, 1, MM_RIGHT_READ, 64, &grant, 1, &iova), 0);
	paddr_t pa;
	assert_int_equal(stub_iommu_dma(EDU, iova, false, &pa), 0);
	assert_int_equal(stub_iommu_dma(EDU, iova, true, &pa), MM_IOMMU_REASON_NO_WRITE);
	assert_int_equal(iommu_unmap(EDU, iova, 1), 0);
	free_frames(pfn, 1);
}

static void bad_maps_are_refused_in_mm_before_any_kernel_call_and_change_nothing(void **state)
{
	(void)state;
	static int grant, other;
	driver_with_domain(EDU, "edu");
	pfn_t pfn = dma_frames(2, &grant), theirs = dma_frames(1, &other);
	pfn_t plain = buddy_alloc(0, MM_ZERO);
	uint64_t iova = 0, first;
	assert_int_equal(iommu_map(EDU, pfn, 1, MM_RIGHT_READ, 32, &grant, 1, &first), 0);
	unsigned calls = stub_iommu_calls();
	uint64_t free_before = zone_free_pages();
	const struct iommu_device *d = iommu_device_find(EDU);
	unsigned nmaps = d->nmaps;
	const uint64_t rw = MM_RIGHT_READ | MM_RIGHT_WRITE;
	assert_int_equal(iommu_map(EDU, theirs, 1, rw, 32, &grant, 1, &iova), -ERR_INVAL); /* not granted */
	assert_int_equal(iommu_map(EDU, plain, 1, rw, 32, &grant, 1, &iova), -ERR_INVAL);  /* not DMA */
	assert_int_equal(iommu_map(EDU, mm_max_pfn + 5, 1, rw, 32, &grant, 1, &iova), -ERR_INVAL); /* device memory */
	assert_int_equal(iommu_map(EDU, pfn, 2, rw, 32, &grant, 1, &iova), -ERR_INVAL);    /* frame 0 mapped */
	assert_int_equal(iommu_map(EDU, pfn + 1, 0, rw, 32, &grant, 1, &iova), -ERR_INVAL);
	assert_int_equal(iommu_map(EDU, pfn + 1, 1, MM_RIGHT_WRITE, 32, &grant, 1, &iova), -ERR_INVAL);
	assert_int_equal(iommu_map(EDU, pfn + 1, 1, rw | MM_RIGHT_EXEC, 32, &grant, 1, &iova), -ERR_INVAL);
	assert_int_equal(iommu_map(ROGUE, pfn + 1, 1, rw, 32, &grant, 1, &iova), -ERR_NOENT); /* no domain */
	assert_int_equal(iommu_map_at(EDU, 1ULL << 28, pfn + 1, 1, rw, 28, &grant, 1), -ERR_INVAL); /* above the mask */
	assert_int_equal(iommu_map_at(EDU, (1ULL << 28) - PAGE_SIZE, pfn + 1, 2, rw, 28, &grant, 1), -ERR_INVAL);
	assert_int_equal(iommu_map_at(EDU, first, pfn + 1, 1, rw, 28, &grant, 1), -ERR_BUSY); /* taken */
	assert_int_equal(iommu_map_at(EDU, 0, pfn + 1, 1, rw, 28, &grant, 1), -ERR_INVAL);  /* page 0 */
	assert_int_equal(iommu_unmap(EDU, first, 2), -ERR_NOENT);
	assert_int_equal(iommu_unmap(EDU, first + PAGE_SIZE, 1), -ERR_NOENT);
	assert_int_equal(stub_iommu_calls(), calls);
	assert_int_equal(zone_free_pages(), free_before);
	assert_int_equal(d->nmaps, nmaps);
	assert_int_equal(iova, 0);
	assert_int_equal(iommu_domain_check(), 0);
	assert_int_equal(iommu_map_at(EDU, (1ULL << 28) - PAGE_SIZE, pfn + 1, 1, rw, 28, &grant, 1), 0);
	paddr_t pa;
	assert_int_equal(stub_iommu_dma(EDU, (1ULL << 28) - PAGE_SIZE, true, &pa), 0);
	assert_int_equal(pa, pfn_to_pa(pfn + 1));
	iommu_proc_exit(d->driver);
	free_frames(pfn, 2);
	free_frames(theirs, 1);
	free_frames(plain, 1);
}

static void a_streaming_mapping_takes_only_pinned_pages_of_the_driver(void **state)
{
	(void)state;
	int pid = driver_with_domain(EDU, "edu"), other = spawn("prog")->pid;
	vaddr_t va = map_anon(pid, 2 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	vaddr_t theirs = map_anon(other, PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	assert_int_equal(touch(pid, va, MM_FAULT_WRITE), MM_FAULT_RESUME);
	assert_int_equal(touch(pid, va + PAGE_SIZE, MM_FAULT_WRITE), MM_FAULT_RESUME);
	assert_int_equal(touch(other, theirs, MM_FAULT_WRITE), MM_FAULT_RESUME);
	pfn_t mine = pa_to_pfn((paddr_t)stub_pte(pid, va)), unpinned = pa_to_pfn((paddr_t)stub_pte(pid, va + PAGE_SIZE));
	pfn_t stranger = pa_to_pfn((paddr_t)stub_pte(other, theirs));
	pfn_to_page(mine)->flags |= PG_PINNED;
	pfn_to_page(stranger)->flags |= PG_PINNED;
	uint64_t iova;
	unsigned calls = stub_iommu_calls();
	assert_int_equal(iommu_map(EDU, unpinned, 1, MM_RIGHT_READ, 32, NULL, 0, &iova), -ERR_INVAL);
	assert_int_equal(iommu_map(EDU, stranger, 1, MM_RIGHT_READ, 32, NULL, 0, &iova), -ERR_INVAL);
	assert_int_equal(stub_iommu_calls(), calls);
	assert_int_equal(iommu_map(EDU, mine, 1, MM_RIGHT_READ | MM_RIGHT_WRITE, 32, NULL, 0, &iova), 0);
	assert_int_equal(iommu_domain_check(), 0);
	assert_int_equal(iommu_unmap(EDU, iova, 1), 0);
	pfn_to_page(mine)->flags &= (uint8_t)~PG_PINNED;
	pfn_to_page(stranger)->flags &= (uint8_t)~PG_PINNED;
}

static void the_dma_codes_door_opens_the_owners_device_and_maps_by_the_frames_object(void **state)
{
	(void)state;
	static int grant;
	int pid = spawn("prog")->pid;
	add_edu(EDU, pid);
	add_edu(ROGUE, 0);
	pfn_t pfn = dma_frames(2, &grant);
	uint64_t bus;
	assert_int_equal(iommu_bus_map(ROGUE, pfn, 2, 28, 3, &bus), -ERR_PERM);   /* unowned */
	assert_int_equal(iommu_bus_map(EDU, pfn, 2, 28, 3, &bus), 0);
	const struct iommu_device *d = iommu_device_find(EDU);
	assert_non_null(d);
	assert_int_equal(d->driver, pid);
	assert_int_equal(d->map[0].id, 3);
	assert_ptr_equal(d->map[0].object, &grant);
	assert_true(bus + 2 * PAGE_SIZE - 1 < (1ULL << 28));
	paddr_t pa;
	assert_int_equal(stub_iommu_dma(EDU, bus + PAGE_SIZE, true, &pa), 0);
	assert_int_equal(pa, pfn_to_pa(pfn + 1));
	exit_proc(pid, 0);
	assert_int_equal(stub_iommu_mapped_total(), 0);
	free_frames(pfn, 2);
}

static void a_failing_kernel_map_unwinds_everything(void **state)
{
	(void)state;
	static int grant;
	driver_with_domain(EDU, "edu");
	const struct iommu_device *d = iommu_device_find(EDU);
	pfn_t pfn = dma_frames(4, &grant);
	uint64_t free_before = zone_free_pages(), iova = 0;
	stub_iommu_fail(0, -ERR_NOSPC);
	assert_int_equal(iommu_map(EDU, pfn, 4, MM_RIGHT_READ, 64, &grant, 1, &iova), -ERR_NOSPC);
	assert_int_equal(d->nmaps, 0);
	assert_int_equal(d->iova.n, 0);
	assert_false(iommu_maps_frames(pfn, 4));
	assert_int_equal(zone_free_pages(), free_before);
	assert_int_equal(iommu_domain_check(), 0);
	free_frames(pfn, 4);
}

static void a_frame_still_mapped_for_a_device_cannot_be_freed(void **state)
{
	(void)state;
	static int grant;
	driver_with_domain(EDU, "edu");
	pfn_t pfn = dma_frames(1, &grant);
	uint64_t iova, free_before;
	assert_int_equal(iommu_map(EDU, pfn, 1, MM_RIGHT_READ | MM_RIGHT_WRITE, 32, &grant, 1, &iova), 0);
	free_before = zone_free_pages();
	unsigned bugs = stub_bug_count;
	assert_int_equal(buddy_free(pfn, 0), -ERR_BUG);
	assert_int_equal(stub_bug_count, bugs + 1);
	assert_non_null(strstr(stub_bug_last, "still mapped for a device"));
	assert_int_equal(zone_free_pages(), free_before);
	assert_int_equal(iommu_unmap(EDU, iova, 1), 0);
	assert_int_equal(buddy_free(pfn, 0), 0);
}

static void a_drivers_exit_detaches_and_unmaps_its_domain_before_frames_are_freed(void **state)
{
	(void)state;
	static int grant;
	int pid = driver_with_domain(EDU, "edu");
	unsigned dom = iommu_device_find(EDU)->dom;
	pfn_t pfn = dma_frames(8, &grant);
	uint64_t a, b;
	assert_int_equal(iommu_map(EDU, pfn, 5, MM_RIGHT_READ | MM_RIGHT_WRITE, 32, &grant, 1, &a), 0);
	assert_int_equal(iommu_map(EDU, pfn + 5, 3, MM_RIGHT_READ, 32, &grant, 2, &b), 0);
	exit_proc(pid, 0);
	assert_int_equal(stub_iommu_attached(EDU), 0);
	assert_false(stub_iommu_domain_exists(dom));
	assert_int_equal(stub_iommu_mapped_total(), 0);
	assert_int_equal(stub_iommu_tables(dom), 0);
	assert_false(iommu_maps_frames(pfn, 8));
	paddr_t pa;
	assert_int_equal(stub_iommu_dma(EDU, a, true, &pa), MM_IOMMU_REASON_NO_DOMAIN);
	assert_int_equal(iommu_domain_check(), 0);
	free_frames(pfn, 8);
	/* the context table of bus 0 stays the kernel's: one frame */
	assert_int_equal(free_at_rest(), baseline - 1);
}

/* ---- randomised: several devices against a model ----------------------------------- */

struct model_map { uint16_t bdf; uint64_t iova; pfn_t pfn; uint64_t npages; bool rw; };

static void model_matches(const struct model_map *mm, unsigned n)
{
	uint64_t pages = 0;
	for (unsigned i = 0; i < n; i++) {
		pages += mm[i].npages;
		for (uint64_t k = 0; k < mm[i].npages; k++) {
			paddr_t pa = 0;
			assert_int_equal(stub_iommu_dma(mm[i].bdf, mm[i].iova + (k << PAGE_SHIFT), mm[i].rw, &pa), 0);
			assert_int_equal(pa, pfn_to_pa(mm[i].pfn + k));
		}
	}
	assert_int_equal(stub_iommu_mapped_total(), pages);
}

static void random_maps_and_unmaps_of_two_devices_match_the_model(void **state)
{
	(void)state;
	static int grant;
	enum { POOL = 96, MAPS = 24 };
	driver_with_domain(EDU, "edu");
	driver_with_domain(ROGUE, "rogue");
	pfn_t pool = dma_frames(POOL, &grant);
	bool taken[POOL] = { false };
	struct model_map model[MAPS];
	unsigned n = 0;
	rng_state = 5;
	for (int step = 0; step < 3000; step++) {
		if (n > 0 && (rng64() % 2 || n == MAPS)) {
			unsigned i = (unsigned)(rng64() % n);
			assert_int_equal(iommu_unmap(model[i].bdf, model[i].iova, model[i].npages), 0);
			for (uint64_t k = 0; k < model[i].npages; k++)
				taken[model[i].pfn - pool + k] = false;
			model[i] = model[--n];
		} else {
			uint64_t np = 1 + rng64() % 4, at = rng64() % (POOL - np);
			bool free_run = true, rw = rng64() % 2;
			for (uint64_t k = 0; k < np; k++)
				free_run &= !taken[at + k];
			uint16_t bdf = rng64() % 2 ? EDU : ROGUE;
			unsigned bits = 24 + (unsigned)(rng64() % 40);
			uint64_t iova;
			int err = iommu_map(bdf, pool + at, np, rw ? MM_RIGHT_READ | MM_RIGHT_WRITE : MM_RIGHT_READ,
					    bits, &grant, 1, &iova);
			assert_int_equal(err, free_run ? 0 : -ERR_INVAL);
			if (!err) {
				assert_true(bits >= 64 || iova + (np << PAGE_SHIFT) - 1 < (1ULL << bits));
				for (uint64_t k = 0; k < np; k++)
					taken[at + k] = true;
				model[n++] = (struct model_map){ bdf, iova, pool + at, np, rw };
			}
		}
		assert_int_equal(iommu_domain_check(), 0);
		if (step % 50 == 0)
			model_matches(model, n);
	}
	model_matches(model, n);
	iommu_proc_exit(iommu_device_find(EDU)->driver);
	iommu_proc_exit(iommu_device_find(ROGUE)->driver);
	assert_int_equal(stub_iommu_mapped_total(), 0);
	free_frames(pool, POOL);
}

static void the_checker_catches_a_stray_mapped_flag_and_a_mapping_over_a_freed_frame(void **state)
{
	(void)state;
	static int grant;
	driver_with_domain(EDU, "edu");
	pfn_t pfn = dma_frames(2, &grant);
	uint64_t iova;
	assert_int_equal(iommu_map(EDU, pfn, 1, MM_RIGHT_READ, 32, &grant, 1, &iova), 0);
	pfn_to_page(pfn + 1)->flags |= PG_IOMAPPED;
	assert_int_not_equal(iommu_domain_check(), 0);
	pfn_to_page(pfn + 1)->flags &= (uint8_t)~PG_IOMAPPED;
	assert_int_equal(iommu_domain_check(), 0);
	pfn_to_page(pfn)->use = PAGE_USE_ANY;
	assert_int_not_equal(iommu_domain_check(), 0);
	pfn_to_page(pfn)->use = PAGE_USE_DMA;
	assert_int_equal(iommu_unmap(EDU, iova, 1), 0);
	free_frames(pfn, 2);
}

/* ---- faults ------------------------------------------------------------------------- */

static struct ipc_msg fault_msg(uint16_t bdf, uint64_t addr, bool write, uint64_t repeat, uint64_t lost)
{
	return (struct ipc_msg){ .tag = MM_IOMMU_FAULT,
				 .w = { addr, bdf, write, write ? MM_IOMMU_REASON_NO_WRITE : MM_IOMMU_REASON_NO_READ,
					write ? 5 : 6, repeat, lost } };
}

static void first_fault_logs_device_and_driver_and_kills_the_driver_once(void **state)
{
	(void)state;
	int pid = driver_with_domain(ROGUE, "rogue");
	stub_print_reset();
	struct ipc_msg m = fault_msg(ROGUE, 0x7f3000, true, 1, 0);
	mm_handle_iommu_fault(&m);
	assert_non_null(strstr(stub_print_buf, "mm: iommu: DMA fault: device 00:05.0 (edu), driver pid "));
	assert_non_null(strstr(stub_print_buf, "(prog): write at 0x7f3000: not mapped writable (hardware reason 5), x1"));
	assert_non_null(strstr(stub_print_buf, "policy: killing pid"));
	assert_int_equal(stub_state(pid), STUB_DEAD);
	m = fault_msg(ROGUE, 0x7f4000, false, 1, 0);
	mm_handle_iommu_fault(&m);                         /* in flight: counted, not killed again */
	assert_int_equal(iommu_device_find(ROGUE)->faults, 2);
	assert_int_equal(iommu_device_find(ROGUE)->kills, 1);
	assert_int_equal(stub_deliver_exits(), 1);
	assert_int_equal(stub_iommu_attached(ROGUE), 0);
	assert_int_equal(iommu_device_find(ROGUE)->faults, 2);   /* the count outlives the driver */
}

static void a_storm_of_1000_faults_is_counted_whole_and_logs_a_bounded_number_of_lines(void **state)
{
	(void)state;
	mm_debug |= MM_DEBUG_FAULTLOG;
	int pid = driver_with_domain(ROGUE, "rogue");
	stub_print_reset();
	uint64_t sent = 0;
	for (int i = 0; i < 1000; i++) {
		/* the kernel coalesces repeats and sometimes only counts (its ring was full) */
		uint64_t repeat = i % 7 == 0 ? 3 : 1, lost = i % 50 == 0 ? 2 : 0;
		struct ipc_msg m = fault_msg(ROGUE, 0x100000 + (uint64_t)i * PAGE_SIZE, i % 2, repeat, lost);
		mm_handle_iommu_fault(&m);
		sent += repeat + lost;
	}
	mm_debug &= ~MM_DEBUG_FAULTLOG;
	uint64_t faults, lost, overflows;
	iommu_fault_totals(&faults, &lost, &overflows);
	assert_int_equal(faults, sent);
	assert_int_equal(lost, 40);
	assert_int_equal(iommu_device_find(ROGUE)->faults, sent - 40);
	assert_int_equal(stub_state(pid), STUB_ALIVE);     /* faultlog: not killed */
	unsigned lines = 0;
	for (const char *s = stub_print_buf; (s = strchr(s, '\n')); s++)
		lines++;
	assert_true(lines >= IOMMU_LOG_LINES && lines < IOMMU_LOG_LINES + 16);
	assert_non_null(strstr(stub_print_buf, "DMA faults so far"));
}

static void iommu_stat_lists_the_domain_its_mappings_and_faults(void **state)
{
	(void)state;
	static int grant;
	int pid = driver_with_domain(EDU, "edu");
	pfn_t pfn = dma_frames(2, &grant);
	uint64_t iova;
	assert_int_equal(iommu_map(EDU, pfn, 2, MM_RIGHT_READ | MM_RIGHT_WRITE, 28, &grant, 9, &iova), 0);
	vaddr_t buf = map_anon(pid, PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	struct ipc_msg reply;
	assert_int_equal(request(pid, MM_IOMMU_STAT, 0, buf, sizeof(struct mm_iommu_dev_info), 0, &reply, NULL), 0);
	assert_int_equal(reply.w[0], 1);
	assert_int_equal(reply.w[4], 1);
	struct mm_iommu_dev_info info;
	assert_int_equal(user_read(pid, buf, &info, sizeof info), 0);
	assert_int_equal(info.bdf, EDU);
	assert_int_equal(info.driver, pid);
	assert_int_equal(info.nmaps, 1);
	assert_int_equal(info.map[0].iova, iova);
	assert_int_equal(info.map[0].pa, pfn_to_pa(pfn));
	assert_int_equal(info.map[0].grant, 9);
	assert_string_equal(info.name, "edu");
	assert_int_equal(request(pid, MM_IOMMU_STAT, 1, buf, sizeof info, 0, &reply, NULL), -ERR_NOENT);
	assert_int_equal(request(pid, MM_IOMMU_STAT, 0, buf, sizeof info - 1, 0, &reply, NULL), -ERR_INVAL);
	assert_int_equal(iommu_unmap(EDU, iova, 2), 0);
	free_frames(pfn, 2);
}

static void demo_paddr_answers_only_with_the_demo_option(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t va = map_anon(pid, PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	assert_int_equal(touch(pid, va, MM_FAULT_WRITE), MM_FAULT_RESUME);
	struct ipc_msg reply;
	assert_int_equal(request(pid, MM_DEMO_PADDR, MM_DEMO_VICTIM, pid, va, 0, &reply, NULL), -ERR_PERM);
	mm_debug |= MM_DEBUG_DEMO;
	assert_int_equal(request(pid, MM_DEMO_PADDR, MM_DEMO_VICTIM, pid, va + 8, 0, &reply, NULL), 0);
	assert_int_equal(reply.w[0], (stub_pte(pid, va) & PAGE_MASK) + 8);
	assert_int_equal(request(pid, MM_DEMO_PADDR, MM_DEMO_PAGETABLE, pid, 0, 0, &reply, NULL), 0);
	assert_int_equal(reply.w[0], stub_root(pid));
	assert_int_equal(request(pid, MM_DEMO_PADDR, 9, pid, 0, 0, &reply, NULL), -ERR_INVAL);
	assert_int_equal(request(pid, MM_DEMO_PADDR, MM_DEMO_VICTIM, 999, va, 0, &reply, NULL), -ERR_SRCH);
	assert_int_equal(request(pid, MM_DEMO_PADDR, MM_DEMO_VICTIM, pid, va + PAGE_SIZE * 64, 0, &reply, NULL),
			 -ERR_NOENT);
	mm_debug &= ~MM_DEBUG_DEMO;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(iova_alloc_takes_the_lowest_fit_below_the_mask_like_the_model),
		T(iova_bad_frees_and_reserves_are_refused_and_change_nothing),
		T(opening_a_device_gives_it_an_empty_attached_domain_of_its_own),
		T(with_the_iommu_off_nothing_gets_a_domain_and_maps_are_refused),
		T(a_mapping_reaches_exactly_its_frames_below_the_mask_until_unmapped),
		T(a_read_only_mapping_refuses_the_devices_writes),
		T(bad_maps_are_refused_in_mm_before_any_kernel_call_and_change_nothing),
		T(a_streaming_mapping_takes_only_pinned_pages_of_the_driver),
		T(the_dma_codes_door_opens_the_owners_device_and_maps_by_the_frames_object),
		T(a_failing_kernel_map_unwinds_everything),
		T(a_frame_still_mapped_for_a_device_cannot_be_freed),
		T(a_drivers_exit_detaches_and_unmaps_its_domain_before_frames_are_freed),
		T(random_maps_and_unmaps_of_two_devices_match_the_model),
		T(the_checker_catches_a_stray_mapped_flag_and_a_mapping_over_a_freed_frame),
		T(first_fault_logs_device_and_driver_and_kills_the_driver_once),
		T(a_storm_of_1000_faults_is_counted_whole_and_logs_a_bounded_number_of_lines),
		T(iommu_stat_lists_the_domain_its_mappings_and_faults),
		T(demo_paddr_answers_only_with_the_demo_option),
	};
	return MM_RUN(tests);
}
