/*
 * test_swap.c - the swap core on the host: the slot allocator against a
 * model, eviction and refault byte for byte, clean pages dropped without a
 * write, shared pages evicted from every process, the usermem cap and the
 * background reclaimer (which leaves budgets alone), device errors, the device dying, and the OOM
 * killer's choice. The real servers/mm sources run against the kernel
 * model (kcall_stub.c) and an in-memory swap device (swapdev_stub.c);
 * every step is followed by mm_check_all (which runs swap_check and
 * reclaim_check) and the model comparison, and every test ends with the
 * frames and the slots it started with.
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
#include "buddy.h"
#include "zone.h"
#include "check.h"
#include "swap.h"
#include "oom.h"
#include "reclaim.h"
#include "config.h"
#include "vmstat.h"
#include "mm_stubs.h"
#include "mm_maps.h"
#include "mm_fixture.h"
#include "swapdev_stub.h"

#define SLOTS 64

static int with_slots(uint64_t n)
{
	swap_slots_forget();
	swapdev_stub_reset(n);
	mm_config = (struct mm_config){ 0 };
	memset(&mm_vmstat, 0, sizeof mm_vmstat);
	swap_slots_setup();             /* its maps are part of the baseline */
	return mm_fixture_setup(NULL);
}

static int setup(void **state)
{
	(void)state;
	return with_slots(SLOTS);
}

static int setup_small(void **state)
{
	(void)state;
	return with_slots(8);
}

/* Every process gone: no slot in use, every frame back. */
static int teardown(void **state)
{
	mm_fixture_teardown(state);
	assert_int_equal(swap_slots_used(), 0);
	assert_int_equal(swap_cache_pages(), 0);
	assert_int_equal(mm_check_all(), 0);
	assert_int_equal(free_at_rest(), baseline);
	mm_config = (struct mm_config){ 0 };
	return 0;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define T_SMALL(fn) cmocka_unit_test_setup_teardown(fn, setup_small, teardown)

static uint8_t pattern(uint64_t seed, vaddr_t va, size_t i)
{
	return (uint8_t)((va >> PAGE_SHIFT) * 31 + i * 7 + seed);
}

static void write_pattern(int pid, vaddr_t va, unsigned pages, uint64_t seed)
{
	static uint8_t buf[PAGE_SIZE];
	for (unsigned p = 0; p < pages; p++) {
		for (size_t i = 0; i < PAGE_SIZE; i++)
			buf[i] = pattern(seed, va + p * PAGE_SIZE, i);
		assert_int_equal(user_write(pid, va + p * PAGE_SIZE, buf, PAGE_SIZE), 0);
	}
}

static void assert_pattern(int pid, vaddr_t va, unsigned pages, uint64_t seed)
{
	static uint8_t buf[PAGE_SIZE];
	for (unsigned p = 0; p < pages; p++) {
		assert_int_equal(user_read(pid, va + p * PAGE_SIZE, buf, PAGE_SIZE), 0);
		for (size_t i = 0; i < PAGE_SIZE; i++)
			if (buf[i] != pattern(seed, va + p * PAGE_SIZE, i))
				fail_msg("pid %d page %#lx byte %zu is %#x, wrote %#x", pid,
					 (unsigned long)(va + p * PAGE_SIZE), i, buf[i],
					 pattern(seed, va + p * PAGE_SIZE, i));
		assert_mm_consistent();
	}
}

/* Evict pages of the global pool until none is left that can go (the
 * protection of each process's last fills, reclaim_note_fill, lifted). */
static unsigned evict_all(void)
{
	unsigned n = 0, got;
	for (struct mm_proc *p = mm_proc_first(); p; p = p->next)
		for (int i = 0; i < MM_RECENT_FILLS; i++)
			p->recent[i] = PFN_NONE;
	while ((got = reclaim_evict_from(&reclaim_global, 1)) != 0) {
		n += got;
		assert_mm_consistent();
	}
	return n;
}

static bool mapped(int pid, vaddr_t va)
{
	return stub_pte(pid, va) >= 0;
}

/* ---- the slot allocator --------------------------------------------------- */

static void fresh_slots_are_handed_out_in_order_a_cluster_at_a_time(void **state)
{
	(void)state;
	for (uint64_t s = 0; s < SLOTS; s++) {
		assert_int_equal(swap_slot_alloc(), s);
		assert_int_equal(swap_slot_check(), 0);
	}
	assert_int_equal(swap_slot_alloc(), SWAP_SLOT_NONE);        /* full */
	for (uint64_t s = 0; s < SLOTS; s++)
		swap_slot_put(s);
	assert_int_equal(swap_slots_used(), 0);
	assert_int_equal(swap_slot_check(), 0);
}

/* With one slot of every cluster in use but the third, a new run of
 * allocations fills the wholly free cluster in order first. */
static void allocation_prefers_a_wholly_free_cluster(void **state)
{
	(void)state;
	uint64_t got[SLOTS];
	for (int i = 0; i < SLOTS; i++)
		got[i] = swap_slot_alloc();
	for (int i = 0; i < SLOTS; i++)
		if (i % SWAP_CLUSTER != 0 || i / SWAP_CLUSTER == 2)
			swap_slot_put(got[i]);
	assert_int_equal(swap_slot_check(), 0);
	for (int i = 0; i < SWAP_CLUSTER; i++)
		assert_int_equal(swap_slot_alloc(), 2 * SWAP_CLUSTER + i);
	uint64_t s = swap_slot_alloc();                 /* no free cluster: any free slot */
	assert_true(s != SWAP_SLOT_NONE && s % SWAP_CLUSTER != 0);
	assert_int_equal(swap_slot_check(), 0);
	for (int i = 0; i < SLOTS; i++)
		while (swap_slot_refs(i))
			swap_slot_put(i);
	assert_int_equal(swap_slots_used(), 0);
}

/* 20000 random allocations, duplications and puts against a model of the
 * counts; the checker after every step. */
static void slot_counts_follow_a_model_under_random_operations(void **state)
{
	(void)state;
	unsigned model[SLOTS] = { 0 };
	uint64_t used = 0;
	srand(7);
	for (int step = 0; step < 20000; step++) {
		int op = rand() % 3;
		uint64_t s = (uint64_t)rand() % SLOTS;
		if (op == 0) {
			uint64_t got = swap_slot_alloc();
			if (used == SLOTS) {
				assert_int_equal(got, SWAP_SLOT_NONE);
			} else {
				assert_true(got < SLOTS);
				assert_int_equal(model[got], 0);
				model[got] = 1;
				used++;
			}
		} else if (op == 1 && model[s] && model[s] < 5) {
			swap_slot_dup(s);
			model[s]++;
		} else if (op == 2 && model[s]) {
			swap_slot_put(s);
			used -= --model[s] == 0;
		}
		assert_int_equal(swap_slot_check(), 0);
		assert_int_equal(swap_slots_used(), used);
		assert_int_equal(swap_slot_refs(s), model[s]);
	}
	for (uint64_t s = 0; s < SLOTS; s++)
		while (model[s]--)
			swap_slot_put(s);
	assert_int_equal(swap_slots_used(), 0);
	assert_int_equal(stub_bug_count, 0);
}

static void putting_a_free_slot_is_a_bug_and_changes_nothing(void **state)
{
	(void)state;
	uint64_t s = swap_slot_alloc();
	swap_slot_put(s);
	swap_slot_put(s);
	assert_int_equal(stub_bug_count, 1);
	assert_non_null(strstr(stub_bug_last, "swap_slot_put: slot 0 is free"));
	stub_bug_reset();
	assert_int_equal(swap_slots_used(), 0);
	assert_int_equal(swap_slot_check(), 0);
}

/* ---- eviction and refault ----------------------------------------------- */

static void evicted_anonymous_pages_come_back_byte_for_byte(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	vaddr_t va = map_anon(p->pid, 20 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	write_pattern(p->pid, va, 20, 1);
	assert_mm_consistent();
	uint64_t before = p->resident;
	unsigned n = evict_all();
	assert_true(n >= 20);
	assert_true(swapdev_stub_writes() >= 20);
	assert_int_equal(p->resident, before - n);
	assert_true(p->swapped >= 20);
	assert_false(mapped(p->pid, va));
	assert_pattern(p->pid, va, 20, 1);
	assert_true(p->major_faults >= 20);
	assert_true(mm_vmstat.swapins >= 20);
	exit_proc(p->pid, 0);
	assert_int_equal(swap_slots_used(), 0);         /* exit frees every slot */
}

static void neighbouring_pages_evicted_in_turn_get_neighbouring_slots(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	vaddr_t va = map_anon(p->pid, 8 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	write_pattern(p->pid, va, 8, 2);
	uint64_t prev = SWAP_SLOT_NONE;
	for (unsigned i = 0; i < 8; i++) {
		assert_int_equal(region_evict_page(p, region_find(p, va), va + i * PAGE_SIZE), 0);
		uint64_t s = swapdev_stub_last_write();
		if (prev != SWAP_SLOT_NONE)
			assert_int_equal(s, prev + 1);
		prev = s;
	}
	assert_pattern(p->pid, va, 8, 2);
	exit_proc(p->pid, 0);
}

static void a_clean_page_with_a_valid_copy_is_dropped_without_a_write(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	vaddr_t va = map_anon(p->pid, 4 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	struct mm_region *r = region_find(p, va);
	write_pattern(p->pid, va, 4, 3);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(region_evict_page(p, r, va + i * PAGE_SIZE), 0);
	assert_int_equal(swapdev_stub_writes(), 4);
	assert_pattern(p->pid, va, 4, 3);               /* read back: clean, cached */
	assert_int_equal(swapdev_stub_reads(), 4);
	assert_int_equal(swap_cache_pages(), 4);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(region_evict_page(p, r, va + i * PAGE_SIZE), 0);
	assert_int_equal(swapdev_stub_writes(), 4);     /* no write: the copies were valid */
	assert_int_equal(mm_vmstat.evict_clean, 4);
	write_pattern(p->pid, va + PAGE_SIZE, 1, 9);    /* one page written again */
	assert_int_equal(region_evict_page(p, r, va + PAGE_SIZE), 0);
	assert_int_equal(swapdev_stub_writes(), 5);     /* ... and only it is written */
	assert_pattern(p->pid, va, 1, 3);
	assert_pattern(p->pid, va + PAGE_SIZE, 1, 9);
	assert_pattern(p->pid, va + 2 * PAGE_SIZE, 2, 3);
	assert_int_equal(swap_slots_used(), 4);         /* one slot per page, reused */
	exit_proc(p->pid, 0);
}

static void a_page_never_written_is_dropped_and_comes_back_as_zeros(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	vaddr_t va = map_anon(p->pid, PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	uint8_t buf[64];
	assert_int_equal(user_read(p->pid, va, buf, sizeof buf), 0);
	assert_int_equal(region_evict_page(p, region_find(p, va), va), 0);
	assert_int_equal(swapdev_stub_writes(), 0);
	assert_int_equal(swap_slots_used(), 0);
	memset(buf, 0xff, sizeof buf);
	assert_int_equal(user_read(p->pid, va, buf, sizeof buf), 0);
	for (size_t i = 0; i < sizeof buf; i++)
		assert_int_equal(buf[i], 0);
	exit_proc(p->pid, 0);
}

static void a_page_the_kernel_wrote_is_not_taken_for_clean(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	vaddr_t va = map_anon(p->pid, PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	uint8_t buf[64];
	assert_int_equal(user_read(p->pid, va, buf, sizeof buf), 0);    /* present, clean */
	memset(buf, 0x5c, sizeof buf);
	assert_int_equal(kcall_copy(MM_PID, (vaddr_t)(uintptr_t)buf, p->pid, va, sizeof buf), 0);
	assert_int_equal(region_evict_page(p, region_find(p, va), va), 0);
	assert_int_equal(swapdev_stub_writes(), 1);
	memset(buf, 0, sizeof buf);
	assert_int_equal(user_read(p->pid, va, buf, sizeof buf), 0);
	assert_int_equal(buf[0], 0x5c);
	exit_proc(p->pid, 0);
}

static void written_elf_data_and_the_argument_page_go_to_swap_and_come_back(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog alpha beta");
	uint8_t want[PAGE_SIZE], got[PAGE_SIZE];
	vaddr_t top = USER_STACK_TOP - PAGE_SIZE;
	memcpy(want, mm_phys_to_virt(stub_pte(p->pid, top) & ~(int64_t)0xfff), PAGE_SIZE);
	uint8_t data = 0x42;
	assert_int_equal(user_write(p->pid, PROG_DATA_VA, &data, 1), 0);
	evict_all();
	assert_false(mapped(p->pid, top));
	assert_int_equal(user_read(p->pid, top, got, PAGE_SIZE), 0);
	assert_memory_equal(got, want, PAGE_SIZE);       /* argv survived (PG_DIRTY) */
	assert_int_equal(user_read(p->pid, PROG_DATA_VA, &data, 1), 0);
	assert_int_equal(data, 0x42);
	assert_int_equal(user_read(p->pid, PROG_DATA_VA + 1, &data, 1), 0);
	assert_int_equal(data, PROG_DATA_BYTE(1));
	assert_mm_consistent();
	exit_proc(p->pid, 0);
}

static void munmap_and_heap_shrink_free_the_slots_of_swapped_pages(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	vaddr_t va = map_anon(p->pid, 6 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	write_pattern(p->pid, va, 6, 4);
	evict_all();
	assert_pattern(p->pid, va, 2, 4);               /* two CACHED, four SWAPPED */
	assert_true(swap_slots_used() >= 6);
	uint64_t others = swap_slots_used() - 6;
	assert_int_equal(request(p->pid, MM_MUNMAP, va, 6 * PAGE_SIZE, 0, 0, NULL, NULL), 0);
	assert_int_equal(swap_slots_used(), others);
	assert_mm_consistent();
	exit_proc(p->pid, 0);
}

/* ---- shared pages --------------------------------------------------------- */

static void a_shared_page_is_evicted_from_both_processes_and_read_back_by_both(void **state)
{
	(void)state;
	struct mm_proc *a = spawn("prog"), *b = spawn("prog");
	vaddr_t va_a = map_shared(a->pid, 2 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE, 0x5a);
	vaddr_t va_b = map_shared(b->pid, 2 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE, 0x5a);
	write_pattern(a->pid, va_a, 2, 5);
	uint8_t byte;
	assert_int_equal(user_read(b->pid, va_b, &byte, 1), 0);     /* mapped in both */
	assert_true(mapped(a->pid, va_a) && mapped(b->pid, va_b));
	pfn_t pfn = pa_to_pfn((paddr_t)stub_pte(a->pid, va_a) & ~(paddr_t)0xfff);
	assert_non_null(reclaim_pool_of(pfn));
	unsigned writes = swapdev_stub_writes();
	assert_int_equal(region_evict_page(a, region_find(a, va_a), va_a), 0);
	assert_false(mapped(a->pid, va_a));
	assert_false(mapped(b->pid, va_b));             /* from every mapping */
	assert_int_equal(swapdev_stub_writes(), writes + 1);   /* one slot for both */
	assert_mm_consistent();
	unsigned reads = swapdev_stub_reads();
	assert_pattern(b->pid, va_b, 2, 5 - (int)((va_b - va_a) >> PAGE_SHIFT) * 31);
	assert_pattern(a->pid, va_a, 2, 5);
	assert_int_equal(swapdev_stub_reads(), reads + 1);     /* one read, one frame */
	assert_int_equal(b->major_faults, 1);
	assert_int_equal(a->major_faults, 0);
	exit_proc(a->pid, 0);
	exit_proc(b->pid, 0);
}

static void a_shared_page_written_by_an_exited_process_is_not_dropped(void **state)
{
	(void)state;
	struct mm_proc *a = spawn("prog"), *b = spawn("prog");
	vaddr_t va_a = map_shared(a->pid, PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE, 0x77);
	vaddr_t va_b = map_shared(b->pid, PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE, 0x77);
	uint8_t byte = 0;
	assert_int_equal(user_read(b->pid, va_b, &byte, 1), 0);
	assert_int_equal(region_evict_page(b, region_find(b, va_b), va_b), 0);   /* zeros: dropped */
	byte = 0x99;
	assert_int_equal(user_write(a->pid, va_a, &byte, 1), 0);
	exit_proc(a->pid, 0);                           /* its dirty bit is gone with it */
	evict_all();
	byte = 0;
	assert_int_equal(user_read(b->pid, va_b, &byte, 1), 0);
	assert_int_equal(byte, 0x99);
	exit_proc(b->pid, 0);
}

/* ---- when reclaim runs ------------------------------------------------------ */

static void user_pages_stay_within_the_usermem_cap_and_keep_their_data(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	mm_config.usermem_pages = 24;
	vaddr_t va = map_anon(p->pid, 40 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	for (unsigned i = 0; i < 40; i++) {
		write_pattern(p->pid, va + i * PAGE_SIZE, 1, 6);
		assert_true(reclaim_user_pages() <= 24);
	}
	assert_pattern(p->pid, va, 40, 6);
	assert_true(mm_vmstat.reclaim_direct >= 16);
	exit_proc(p->pid, 0);
}

static void below_the_low_watermark_the_background_reclaimer_frees_to_high(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	vaddr_t va = map_anon(p->pid, 60 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	write_pattern(p->pid, va, 60, 7);
	uint64_t low = 0, high = 0;
	for (int z = 0; z < MM_NR_ZONES; z++) {
		low += mm_zones[z].managed_pages ? mm_zones[z].watermark[WMARK_LOW] : 0;
		high += mm_zones[z].managed_pages ? mm_zones[z].watermark[WMARK_HIGH] : 0;
	}
	static pfn_t held[MiB(64) / PAGE_SIZE];
	size_t n = 0;
	while (zone_free_pages() >= low - 4)
		held[n++] = buddy_alloc(0, MM_EMERGENCY);
	reclaim_background();
	assert_true(zone_free_pages() >= high);
	assert_true(mm_vmstat.reclaim_background >= high - (low - 4));
	assert_mm_consistent();
	reclaim_background();                           /* above low: nothing to do */
	for (size_t i = 0; i < n; i++)
		buddy_free(held[i], 0);
	assert_pattern(p->pid, va, 60, 7);
	exit_proc(p->pid, 0);
}

/* An MM_MMAP of pages pages with a budget of frames (MM_MAP_BUDGET). */
static vaddr_t map_budget(int pid, unsigned pages, uint64_t frames)
{
	struct ipc_msg req = { .tag = MM_MMAP,
		.w = { pages * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE, MM_MAP_BUDGET, 0, frames } };
	struct ipc_msg r = { .tag = -ERR_NOSYS };
	struct ipc_from from = { .pid = pid, .handle = 77 };
	mm_handlers[MM_MMAP](&req, &from, &r);
	assert_int_equal(r.tag, 0);
	return r.w[0];
}

static uint64_t low_watermarks(void)
{
	uint64_t low = 0;
	for (int z = 0; z < MM_NR_ZONES; z++)
		low += mm_zones[z].managed_pages ? mm_zones[z].watermark[WMARK_LOW] : 0;
	return low;
}

/* Local replacement: below the low watermark the background reclaimer
 * evicts global pages, and once the global pool has nothing left it gives
 * up rather than take a budget's frames. */
static void background_reclaim_never_takes_a_budgets_frames(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	vaddr_t b = map_budget(p->pid, 20, 20), g = map_anon(p->pid, 40 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	write_pattern(p->pid, b, 20, 3);
	write_pattern(p->pid, g, 40, 4);
	const struct policy_pool *pool = budget_pool_of(region_find(p, b));
	uint64_t victims = pool->stats.victims;
	assert_int_equal(pool->pages, 20);
	static pfn_t held[MiB(64) / PAGE_SIZE];
	size_t n = 0;
	while (zone_free_pages() >= low_watermarks() - 4)
		held[n++] = buddy_alloc(0, MM_EMERGENCY);
	reclaim_background();
	assert_true(mm_vmstat.reclaim_background > 0);         /* the global pages went */
	assert_int_equal(pool->pages, 20);
	assert_int_equal(pool->stats.victims, victims);
	assert_mm_consistent();
	evict_all();                                            /* the global pool is empty */
	while (zone_free_pages() >= low_watermarks() - 4)
		held[n++] = buddy_alloc(0, MM_EMERGENCY);
	uint64_t freed = mm_vmstat.reclaim_background;
	reclaim_background();
	assert_int_equal(mm_vmstat.reclaim_background, freed);
	assert_int_equal(pool->pages, 20);
	assert_int_equal(pool->stats.victims, victims);
	for (size_t i = 0; i < n; i++)
		buddy_free(held[i], 0);
	assert_pattern(p->pid, b, 20, 3);
	assert_pattern(p->pid, g, 40, 4);
	exit_proc(p->pid, 0);
}

/* Direct reclaim, the last step before the OOM killer, turns to a budget
 * once the global pool has given all it can: under a cap of 24 user
 * pages a budget of 30 holds at most what the cap leaves. */
static void direct_reclaim_takes_a_budgets_frames_once_the_global_pool_is_exhausted(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	vaddr_t b = map_budget(p->pid, 30, 30);
	mm_config.usermem_pages = 24;
	write_pattern(p->pid, b, 30, 5);
	const struct policy_pool *pool = budget_pool_of(region_find(p, b));
	assert_true(reclaim_user_pages() <= 24);
	assert_true(pool->pages < 24);
	assert_int_equal(reclaim_global.pages, 0);
	assert_true(mm_vmstat.reclaim_direct >= 6);
	assert_pattern(p->pid, b, 30, 5);
	exit_proc(p->pid, 0);
}

static void pinned_frames_are_never_evicted(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	vaddr_t va = map_anon(p->pid, 2 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	write_pattern(p->pid, va, 2, 8);
	pfn_t pinned = pa_to_pfn((paddr_t)stub_pte(p->pid, va) & ~(paddr_t)0xfff);
	pfn_to_page(pinned)->flags |= PG_PINNED;
	evict_all();
	assert_true(mapped(p->pid, va));
	assert_false(mapped(p->pid, va + PAGE_SIZE));
	assert_null(reclaim_pool_of(pinned));
	pfn_to_page(pinned)->flags &= (uint8_t)~PG_PINNED;
	assert_pattern(p->pid, va, 2, 8);
	exit_proc(p->pid, 0);
}

/* An instruction whose two pages do not both fit in the cap: each fault
 * must not evict the page the other one just brought in (it would go on
 * for ever); the recent fill is kept and the OOM killer ends it. */
static void two_pages_that_do_not_fit_end_in_the_oom_killer_not_a_livelock(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	swap_slots_forget();
	swapdev_stub_reset(0);                          /* no swap at all */
	vaddr_t va = map_anon(p->pid, 2 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	write_pattern(p->pid, va, 1, 16);               /* dirty: it must stay */
	evict_all();
	mm_config.usermem_pages = reclaim_user_pages() + 1;
	assert_int_equal(touch(p->pid, va + PAGE_SIZE, MM_FAULT_READ), MM_FAULT_RESUME);
	char said[512];
	int64_t tag = fault(p->pid, PROG_TEXT_VA, MM_FAULT_EXEC, said, sizeof said);
	assert_int_equal(tag, MM_FAULT_KILL);
	assert_non_null(strstr(said, "oom: killed pid 2 (prog)"));
	assert_true(mapped(p->pid, va + PAGE_SIZE));    /* the recent fill was kept */
	assert_int_equal(stub_deliver_exits(), 1);
	swapdev_stub_reset(SLOTS);
	swap_slots_setup();
}

/* ---- errors ------------------------------------------------------------------ */

static void a_failed_write_keeps_the_page_resident_and_intact(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	vaddr_t va = map_anon(p->pid, PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	write_pattern(p->pid, va, 1, 10);
	swapdev_stub_fail_write(0, -ERR_DEAD);
	assert_int_equal(region_evict_page(p, region_find(p, va), va), -ERR_DEAD);
	assert_true(mapped(p->pid, va));
	assert_int_equal(swap_slots_used(), 0);         /* the new slot went back */
	assert_mm_consistent();
	assert_int_equal(region_evict_page(p, region_find(p, va), va), 0);  /* still dirty */
	assert_int_equal(swapdev_stub_writes(), 1);
	assert_pattern(p->pid, va, 1, 10);
	exit_proc(p->pid, 0);
}

static void a_failed_read_kills_the_process_that_needed_the_page(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	vaddr_t va = map_anon(p->pid, PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	write_pattern(p->pid, va, 1, 11);
	assert_int_equal(region_evict_page(p, region_find(p, va), va), 0);
	swapdev_stub_fail_read(0, -ERR_DEAD);
	char said[512];
	assert_int_equal(fault(p->pid, va, MM_FAULT_READ, said, sizeof said), MM_FAULT_KILL);
	assert_non_null(strstr(said, "could not be read back from swap"));
	assert_mm_consistent();
	assert_int_equal(stub_deliver_exits(), 1);
}

static void a_full_swap_keeps_pages_resident(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	vaddr_t va = map_anon(p->pid, 12 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	write_pattern(p->pid, va, 12, 12);
	evict_all();
	assert_int_equal(swap_slots_used(), 8);
	assert_int_equal(p->swapped, 8);
	assert_pattern(p->pid, va, 12, 12);
	exit_proc(p->pid, 0);
}

static void when_the_device_dies_exactly_the_processes_with_pages_on_it_are_killed(void **state)
{
	(void)state;
	struct mm_proc *a = spawn("prog"), *b = spawn("prog"), *c = spawn("prog");
	vaddr_t va = map_anon(a->pid, 2 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	write_pattern(a->pid, va, 2, 13);
	assert_int_equal(region_evict_page(a, region_find(a, va), va), 0);
	vaddr_t vb = map_anon(b->pid, PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	write_pattern(b->pid, vb, 1, 13);
	assert_int_equal(region_evict_page(b, region_find(b, vb), vb), 0);
	assert_pattern(b->pid, vb, 1, 13);              /* back: CACHED, none lost */
	vaddr_t vc = map_shared(c->pid, PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE, 0x33);
	write_pattern(c->pid, vc, 1, 13);
	assert_int_equal(region_evict_page(c, region_find(c, vc), vc), 0);
	char said[1024];
	swapdev_lost();
	capture_stdout((void (*)(void *))swap_device_lost, NULL, said, sizeof said);
	assert_non_null(strstr(said, "pid 2 (prog): 1 of its pages were on the swap device"));
	assert_non_null(strstr(said, "pid 4 (prog): 1 of its pages were on the swap device"));
	assert_null(strstr(said, "pid 3 "));
	assert_int_equal(stub_state(a->pid), STUB_DEAD);
	assert_int_equal(stub_state(b->pid), STUB_ALIVE);
	assert_int_equal(stub_state(c->pid), STUB_DEAD);
	assert_int_equal(swap_slots_total(), 0);
	assert_int_equal(stub_deliver_exits(), 2);
	assert_mm_consistent();
	assert_pattern(b->pid, vb, 1, 13);
	assert_int_equal(region_evict_page(b, region_find(b, vb), vb), -ERR_NOSYS);
	exit_proc(b->pid, 0);
	swapdev_stub_reset(SLOTS);
	swap_slots_setup();                             /* back to the baseline's maps */
}

/* ---- the OOM killer ------------------------------------------------------------ */

static void oom_kills_the_largest_unprotected_process_and_serves_the_fault(void **state)
{
	(void)state;
	struct mm_proc *init = spawn("prog"), *big = spawn("prog"), *small = spawn("prog");
	snprintf(init->name, sizeof init->name, "init");
	vaddr_t vi = map_anon(init->pid, 30 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	vaddr_t vb = map_anon(big->pid, 20 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	vaddr_t vs = map_anon(small->pid, 12 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	write_pattern(init->pid, vi, 30, 14);
	write_pattern(big->pid, vb, 20, 14);
	write_pattern(small->pid, vs, 12, 14);
	evict_all();                                    /* swap full, clean pages dropped */
	assert_int_equal(swap_slots_used(), 8);
	mm_config.usermem_pages = reclaim_user_pages();        /* and no room left */
	char said[1024];
	int64_t tag = fault(small->pid, USER_STACK_TOP - 2 * PAGE_SIZE, MM_FAULT_WRITE, said, sizeof said);
	assert_int_equal(tag, MM_FAULT_RESUME);         /* retry once the victim is gone */
	assert_non_null(strstr(said, "oom: killed pid 3 (prog), score "));
	assert_non_null(strstr(said, "runner-up pid 4 (prog), score "));
	assert_int_equal(mm_vmstat.oom_kills, 1);
	assert_int_equal(stub_state(big->pid), STUB_DEAD);
	assert_int_equal(fault(small->pid, USER_STACK_TOP - 2 * PAGE_SIZE, MM_FAULT_WRITE, NULL, 0),
			 MM_FAULT_RESUME);                  /* pending: not a second victim */
	assert_int_equal(stub_deliver_exits(), 1);
	assert_int_equal(touch(small->pid, USER_STACK_TOP - 2 * PAGE_SIZE, MM_FAULT_WRITE),
			 MM_FAULT_RESUME);
	assert_true(mapped(small->pid, USER_STACK_TOP - 2 * PAGE_SIZE));
	assert_pattern(small->pid, vs, 12, 14);
	assert_mm_consistent();
	exit_proc(small->pid, 0);
	exit_proc(init->pid, 0);
}

static void the_oom_score_counts_resident_swapped_and_page_tables_and_protects_init_and_sh(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	vaddr_t va = map_anon(p->pid, 4 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	write_pattern(p->pid, va, 4, 15);
	assert_int_equal(region_evict_page(p, region_find(p, va), va), 0);
	assert_int_equal(oom_score(p), p->resident + 1 + p->pagetables);
	snprintf(p->name, sizeof p->name, "sh");
	assert_int_equal(oom_score(p), 0);
	snprintf(p->name, sizeof p->name, "init");
	assert_int_equal(oom_score(p), 0);
	assert_int_equal(oom_kill(NULL), OOM_NOBODY);
	exit_proc(p->pid, 0);
}

/* ---- the lab's workloads (docs/labs/swap.md) --------------------------------- */

/* 48 pages written under a cap of 16 user frames: at least 32 must come
 * back from swap when they are read, each once, byte for byte; the exit
 * frees every slot. */
static void a_fill_three_times_the_usermem_cap_round_trips_with_major_faults_in_band(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	mm_config.usermem_pages = 16;
	vaddr_t va = map_anon(p->pid, 48 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	write_pattern(p->pid, va, 48, 24);
	assert_true(reclaim_user_pages() <= 16);
	assert_true(swap_slots_used() >= 32);
	uint64_t major = p->major_faults, swapins = mm_vmstat.swapins;
	assert_pattern(p->pid, va, 48, 24);
	uint64_t got = p->major_faults - major;
	assert_in_range(got, 32, 48);
	assert_int_equal(mm_vmstat.swapins - swapins, got);
	exit_proc(p->pid, 0);
	assert_int_equal(swap_slots_used(), 0);
}

/* A process killed (a NULL dereference) with pages on swap, some of them
 * read back (still holding their slots), gives back every slot and frame;
 * the other process keeps its slots and its data. */
static void a_process_killed_with_pages_on_swap_gives_back_every_slot_and_others_keep_theirs(void **state)
{
	(void)state;
	struct mm_proc *a = spawn("prog"), *b = spawn("prog");
	int pa = a->pid, pb = b->pid;
	vaddr_t va = map_anon(pa, 16 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	vaddr_t vb = map_anon(pb, 8 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	write_pattern(pa, va, 16, 21);
	write_pattern(pb, vb, 8, 22);
	evict_all();
	assert_true(a->swapped >= 16);
	assert_true(b->swapped >= 8);
	assert_pattern(pa, va, 4, 21);                  /* four back: CACHED, slots kept */
	assert_true(swap_cache_pages() >= 4);
	uint64_t b_slots = swap_slots_of(b);
	assert_true(swap_slots_used() > b_slots);
	char said[512];
	assert_int_equal(fault(pa, 0x10, MM_FAULT_READ, said, sizeof said), MM_FAULT_KILL);
	assert_non_null(strstr(said, "(NULL pointer dereference)"));
	assert_int_equal(stub_deliver_exits(), 1);
	assert_int_equal(swap_slots_used(), b_slots);
	assert_int_equal(swap_cache_pages(), 0);
	assert_int_equal(stub_state(pb), STUB_ALIVE);
	assert_mm_consistent();
	assert_pattern(pb, vb, 8, 22);
	exit_proc(pb, 0);
	assert_int_equal(swap_slots_used(), 0);
}

/* Every write fails, each with another error: each page stays mapped
 * with its data, no slot is held, the error is the device's. Once the
 * device works again the same pages go out and come back. */
static void a_device_failing_every_write_keeps_every_page_and_leaks_no_slot(void **state)
{
	(void)state;
	static const int errs[] = { -ERR_DEAD, -ERR_INVAL, -ERR_AGAIN, -ERR_FAULT };
	struct mm_proc *p = spawn("prog");
	vaddr_t va = map_anon(p->pid, 8 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	write_pattern(p->pid, va, 8, 23);
	uint64_t resident = p->resident;
	for (unsigned i = 0; i < 8; i++) {
		vaddr_t at = va + i * PAGE_SIZE;
		swapdev_stub_fail_write(0, errs[i % 4]);
		assert_int_equal(region_evict_page(p, region_find(p, at), at), errs[i % 4]);
		assert_true(mapped(p->pid, at));
		assert_int_equal(swap_slots_used(), 0);
		assert_int_equal(p->swapped, 0);
		assert_mm_consistent();
	}
	assert_int_equal(p->resident, resident);
	assert_int_equal(swapdev_stub_writes(), 0);
	assert_pattern(p->pid, va, 8, 23);
	for (unsigned i = 0; i < 8; i++) {
		vaddr_t at = va + i * PAGE_SIZE;
		assert_int_equal(region_evict_page(p, region_find(p, at), at), 0);
		assert_false(mapped(p->pid, at));
	}
	assert_int_equal(swap_slots_used(), 8);
	assert_int_equal(p->swapped, 8);
	assert_pattern(p->pid, va, 8, 23);
	exit_proc(p->pid, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(fresh_slots_are_handed_out_in_order_a_cluster_at_a_time),
		T(allocation_prefers_a_wholly_free_cluster),
		T(slot_counts_follow_a_model_under_random_operations),
		T(putting_a_free_slot_is_a_bug_and_changes_nothing),
		T(evicted_anonymous_pages_come_back_byte_for_byte),
		T(neighbouring_pages_evicted_in_turn_get_neighbouring_slots),
		T(a_clean_page_with_a_valid_copy_is_dropped_without_a_write),
		T(a_page_never_written_is_dropped_and_comes_back_as_zeros),
		T(a_page_the_kernel_wrote_is_not_taken_for_clean),
		T(written_elf_data_and_the_argument_page_go_to_swap_and_come_back),
		T(munmap_and_heap_shrink_free_the_slots_of_swapped_pages),
		T(a_shared_page_is_evicted_from_both_processes_and_read_back_by_both),
		T(a_shared_page_written_by_an_exited_process_is_not_dropped),
		T(user_pages_stay_within_the_usermem_cap_and_keep_their_data),
		T(below_the_low_watermark_the_background_reclaimer_frees_to_high),
		T(background_reclaim_never_takes_a_budgets_frames),
		T(direct_reclaim_takes_a_budgets_frames_once_the_global_pool_is_exhausted),
		T(pinned_frames_are_never_evicted),
		T(two_pages_that_do_not_fit_end_in_the_oom_killer_not_a_livelock),
		T(a_failed_write_keeps_the_page_resident_and_intact),
		T(a_failed_read_kills_the_process_that_needed_the_page),
		T_SMALL(a_full_swap_keeps_pages_resident),
		T(when_the_device_dies_exactly_the_processes_with_pages_on_it_are_killed),
		T_SMALL(oom_kills_the_largest_unprotected_process_and_serves_the_fault),
		T(the_oom_score_counts_resident_swapped_and_page_tables_and_protects_init_and_sh),
		T(a_fill_three_times_the_usermem_cap_round_trips_with_major_faults_in_band),
		T(a_process_killed_with_pages_on_swap_gives_back_every_slot_and_others_keep_theirs),
		T(a_device_failing_every_write_keeps_every_page_and_leaks_no_slot),
	};
	return MM_RUN(tests);
}
