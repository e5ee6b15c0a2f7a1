/*
 * test_region.c - a process's regions (servers/mm/region.c) and their
 * checker, region_check() (servers/mm/check.c): what region_add accepts
 * and refuses, that the list stays sorted and disjoint (a randomised run
 * against a model, region_check after every step), and that
 * region_check catches each way the list can be broken.
 *
 * Most tests use a record with no process in the kernel (pid 500): regions
 * alone need no system call until a page is present.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <pagoda/error.h>
#include "mm_env.h"
#include "check.h"
#include "mm_stubs.h"
#include "mm_fixture.h"
#include "rng.h"

#define RW (MM_PROT_READ | MM_PROT_WRITE)
#define PG(n) ((vaddr_t)(n) * PAGE_SIZE)

static struct mm_proc *bare(void)
{
	struct mm_proc *p = mm_proc_new(500, 0, "bare");
	assert_non_null(p);
	return p;
}

static void drop(struct mm_proc *p)
{
	region_remove_all(p);
	mm_proc_free(p);
}

static int add(struct mm_proc *p, vaddr_t start, vaddr_t end)
{
	return region_add(p, start, end, RW, REGION_ANON, NULL);
}

/* ---- region_add ----------------------------------------------------------- */

static void region_add_refuses_empty_unaligned_and_non_user_ranges(void **state)
{
	(void)state;
	struct mm_proc *p = bare();
	assert_int_equal(add(p, PG(16), PG(16)), -ERR_INVAL);
	assert_int_equal(add(p, PG(17), PG(16)), -ERR_INVAL);
	assert_int_equal(add(p, PG(16) + 1, PG(17)), -ERR_INVAL);
	assert_int_equal(add(p, PG(16), PG(17) - 1), -ERR_INVAL);
	assert_int_equal(add(p, 0, PG(1)), -ERR_INVAL);                      /* page 0 */
	assert_int_equal(add(p, USER_TOP - PAGE_SIZE, USER_TOP + PAGE_SIZE), -ERR_INVAL);
	assert_null(p->regions);
	assert_int_equal(add(p, USER_MIN, PG(2)), 0);                       /* both ends exactly */
	assert_int_equal(add(p, USER_TOP - PAGE_SIZE, USER_TOP), 0);
	assert_int_equal(region_check(p), 0);
	drop(p);
}

static void region_add_refuses_any_overlap_with_busy_and_changes_nothing(void **state)
{
	(void)state;
	struct mm_proc *p = bare();
	assert_int_equal(add(p, PG(20), PG(30)), 0);
	assert_int_equal(add(p, PG(25), PG(26)), -ERR_BUSY);    /* inside */
	assert_int_equal(add(p, PG(15), PG(21)), -ERR_BUSY);    /* meets the start */
	assert_int_equal(add(p, PG(29), PG(40)), -ERR_BUSY);    /* meets the end */
	assert_int_equal(add(p, PG(10), PG(50)), -ERR_BUSY);    /* contains it */
	assert_int_equal(add(p, PG(10), PG(20)), 0);            /* touching is fine */
	assert_int_equal(add(p, PG(30), PG(31)), 0);
	int n = 0;
	for (struct mm_region *r = p->regions; r; r = r->next)
		n++;
	assert_int_equal(n, 3);
	assert_int_equal(region_check(p), 0);
	drop(p);
}

static void regions_added_in_any_order_are_kept_sorted_and_found(void **state)
{
	(void)state;
	struct mm_proc *p = bare();
	struct mm_region *mid;
	assert_int_equal(add(p, PG(100), PG(110)), 0);
	assert_int_equal(add(p, PG(10), PG(20)), 0);
	assert_int_equal(region_add(p, PG(50), PG(60), MM_PROT_READ, REGION_HEAP, &mid), 0);
	assert_int_equal(p->regions->start, PG(10));
	assert_int_equal(p->regions->next->start, PG(50));
	assert_int_equal(p->regions->next->next->start, PG(100));
	assert_ptr_equal(region_find(p, PG(50)), mid);
	assert_ptr_equal(region_find(p, PG(60) - 1), mid);
	assert_null(region_find(p, PG(60)));
	assert_null(region_find(p, PG(9)));
	assert_ptr_equal(region_of_kind(p, REGION_HEAP), mid);
	assert_true(region_range_free(p, PG(20), PG(50), NULL));
	assert_false(region_range_free(p, PG(20), PG(51), NULL));
	assert_true(region_range_free(p, PG(20), PG(70), mid));   /* except itself */
	region_remove(p, mid);
	assert_null(region_find(p, PG(55)));
	assert_int_equal(region_check(p), 0);
	drop(p);
}

/* ---- pages in regions: unmap and protect ---------------------------------- */

static void region_unmap_pages_frees_exactly_the_present_pages_in_the_range(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	vaddr_t a = map_anon(p->pid, PG(8), RW);
	for (int i = 0; i < 8; i += 2)
		assert_int_equal(touch(p->pid, a + PG(i), MM_FAULT_WRITE), MM_FAULT_RESUME);
	uint64_t resident = p->resident, free_now = free_at_rest();
	region_unmap_pages(p, region_find(p, a), a + PG(2), a + PG(5));    /* pages 2 and 4 */
	assert_int_equal(p->resident, resident - 2);
	assert_int_equal(free_at_rest(), free_now + 2);
	assert_true(stub_pte(p->pid, a) >= 0);
	assert_int_equal(stub_pte(p->pid, a + PG(2)), -ERR_NOENT);
	assert_int_equal(stub_pte(p->pid, a + PG(4)), -ERR_NOENT);
	assert_true(stub_pte(p->pid, a + PG(6)) >= 0);
	assert_mm_consistent();
}

static void region_protect_changes_the_region_and_every_present_page(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	vaddr_t a = map_anon(p->pid, PG(4), RW);
	assert_int_equal(touch(p->pid, a + PG(1), MM_FAULT_WRITE), MM_FAULT_RESUME);
	assert_int_equal(touch(p->pid, a + PG(3), MM_FAULT_WRITE), MM_FAULT_RESUME);
	region_protect(p, region_find(p, a), MM_PROT_READ);
	assert_int_equal(region_find(p, a)->prot, MM_PROT_READ);
	assert_false(stub_pte(p->pid, a + PG(1)) & MM_PTE_WRITE);
	assert_false(stub_pte(p->pid, a + PG(3)) & MM_PTE_WRITE);
	assert_mm_consistent();
}

/* ---- region_check can fail ------------------------------------------------ */

static void region_check_catches_a_list_out_of_order(void **state)
{
	(void)state;
	struct mm_proc *p = bare();
	assert_int_equal(add(p, PG(10), PG(20)), 0);
	assert_int_equal(add(p, PG(30), PG(40)), 0);
	struct mm_region *first = p->regions, *second = first->next;
	p->regions = second;                     /* mis-sort: 30..40 before 10..20 */
	second->next = first;
	first->next = NULL;
	assert_int_equal(region_check(p), 1);
	assert_non_null(strstr(stub_bug_last, "region_check: pid 500 region [0xa000, 0x14000) is not after"));
	p->regions = first;
	first->next = second;
	second->next = NULL;
	stub_bug_reset();
	assert_int_equal(region_check(p), 0);
	drop(p);
}

static void region_check_catches_overlapping_regions(void **state)
{
	(void)state;
	struct mm_proc *p = bare();
	assert_int_equal(add(p, PG(10), PG(20)), 0);
	assert_int_equal(add(p, PG(30), PG(40)), 0);
	p->regions->end = PG(31);
	assert_int_equal(region_check(p), 1);
	assert_non_null(strstr(stub_bug_last, "is not after [0xa000, 0x1f000)"));
	p->regions->end = PG(20);
	stub_bug_reset();
	drop(p);
}

static void region_check_catches_unaligned_empty_and_non_user_regions(void **state)
{
	(void)state;
	struct mm_proc *p = bare();
	assert_int_equal(add(p, PG(10), PG(20)), 0);
	struct mm_region *r = p->regions;
	const vaddr_t bad[][2] = {
		{ PG(10) + 8, PG(20) }, { PG(10), PG(20) - 8 }, { PG(10), PG(10) },
		{ PG(20), PG(10) }, { 0, PG(20) }, { PG(10), USER_TOP + PAGE_SIZE },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		r->start = bad[i][0];
		r->end = bad[i][1];
		assert_int_equal(region_check(p), 1);
		assert_non_null(strstr(stub_bug_last, "is not page aligned inside user space"));
		stub_bug_reset();
	}
	r->start = PG(10);
	r->end = PG(20);
	assert_int_equal(region_check(p), 0);
	drop(p);
}

static void region_check_catches_a_record_inconsistent_with_its_kind(void **state)
{
	(void)state;
	struct mm_proc *p = bare();
	assert_int_equal(add(p, PG(10), PG(20)), 0);
	struct mm_region *r = p->regions;
	r->kind = REGION_SHARED;                 /* shared without an object */
	assert_int_equal(region_check(p), 1);
	r->kind = REGION_ANON;
	r->prot = 0x9;
	assert_int_equal(region_check(p), 1);
	r->prot = RW;
	r->kind = (enum region_kind)42;
	assert_int_equal(region_check(p), 1);
	assert_non_null(strstr(stub_bug_last, "kind 42"));
	r->kind = REGION_HEAP;
	assert_int_equal(region_add(p, PG(30), PG(31), RW, REGION_HEAP, NULL), 0);
	assert_int_equal(region_check(p), 1);
	assert_non_null(strstr(stub_bug_last, "has 2 heaps"));
	stub_bug_reset();
	r->kind = REGION_ANON;
	assert_int_equal(region_check(p), 0);
	drop(p);
}

static void region_check_catches_a_list_that_does_not_end(void **state)
{
	(void)state;
	struct mm_proc *p = bare();
	assert_int_equal(add(p, PG(10), PG(20)), 0);
	p->regions->next = p->regions;
	assert_true(region_check(p) >= 1);
	assert_non_null(strstr(stub_bug_last, "does not end"));
	p->regions->next = NULL;
	stub_bug_reset();
	drop(p);
}

/* ---- randomised: region_add / region_remove against a model --------------- */

#define WINDOW 256      /* pages, from PG(16) */

/* The model: which pages of the window are covered, and by which region
 * number (0: none). */
static void region_random_adds_and_removes_match_a_page_map_model(void **state)
{
	(void)state;
	struct mm_proc *p = bare();
	static int owner[WINDOW];
	memset(owner, 0, sizeof owner);
	int next_id = 1;
	rng_state = 0x5eed1234abcdull;
	for (int op = 0; op < 4000; op++) {
		if (rng() % 3) {
			unsigned s = rng() % WINDOW, len = 1 + rng() % 12;
			unsigned e = s + len > WINDOW ? WINDOW : s + len;
			bool free = true;
			for (unsigned i = s; i < e; i++)
				free &= owner[i] == 0;
			struct mm_region *r = NULL;
			int err = region_add(p, PG(16 + s), PG(16 + e), RW, REGION_ANON, &r);
			assert_int_equal(err, free ? 0 : -ERR_BUSY);
			for (unsigned i = s; free && i < e; i++)
				owner[i] = next_id;
			next_id += free;
		} else if (p->regions) {
			int n = 0;
			for (struct mm_region *r = p->regions; r; r = r->next)
				n++;
			struct mm_region *victim = p->regions;
			for (int k = (int)(rng() % n); k > 0; k--)
				victim = victim->next;
			for (vaddr_t va = victim->start; va < victim->end; va += PAGE_SIZE)
				owner[va / PAGE_SIZE - 16] = 0;
			region_remove(p, victim);
		}
		assert_int_equal(region_check(p), 0);
		/* the list covers exactly the model's pages, region by region */
		for (unsigned i = 0; i < WINDOW; i++) {
			struct mm_region *r = region_find(p, PG(16 + i));
			assert_int_equal(r != NULL, owner[i] != 0);
			if (r && i > 0 && owner[i - 1] == owner[i])
				assert_ptr_equal(region_find(p, PG(16 + i - 1)), r);
		}
	}
	assert_int_equal(stub_bug_count, 0);
	drop(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		MM_TEST(region_add_refuses_empty_unaligned_and_non_user_ranges),
		MM_TEST(region_add_refuses_any_overlap_with_busy_and_changes_nothing),
		MM_TEST(regions_added_in_any_order_are_kept_sorted_and_found),
		MM_TEST(region_unmap_pages_frees_exactly_the_present_pages_in_the_range),
		MM_TEST(region_protect_changes_the_region_and_every_present_page),
		MM_TEST(region_check_catches_a_list_out_of_order),
		MM_TEST(region_check_catches_overlapping_regions),
		MM_TEST(region_check_catches_unaligned_empty_and_non_user_regions),
		MM_TEST(region_check_catches_a_record_inconsistent_with_its_kind),
		MM_TEST(region_check_catches_a_list_that_does_not_end),
		MM_TEST(region_random_adds_and_removes_match_a_page_map_model),
	};
	return MM_RUN(tests);
}
