/*
 * test_swapdev.c - the memory server's side of the swap device
 * (servers/mm/swapdev.c, lend.c and the resident spawn of spawn.c, all
 * unchanged) over the model of the kernel, with the device played by the
 * REAL ramdisk request handler (servers/ramdisk/ramdisk.c): the stub
 * server gathers the frames mm lent into the window (as the device's page
 * tables would show them), runs the handler, and writes back what it may.
 *
 * What is guarded: the device is resident and pinned before it runs; a
 * page comes back as written; a frame is lent only for one request, with
 * no more rights than the request needs; an error - refused, dead device
 * - leaves the frame exactly as it was; the device's death is noticed and
 * gives every frame back; a device that answers wrongly is not used.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <pagoda/blk.h>
#include "mm_env.h"
#include "buddy.h"
#include "check.h"
#include "mm_stubs.h"
#include "mm_maps.h"
#include "mm_fixture.h"
#include "swapdev.h"
#include "ramdisk.h"

#define DEV_PAGES 64

static uint8_t disk[DEV_PAGES * PAGE_SIZE];
static uint8_t window[BLK_WINDOW_PAGES * PAGE_SIZE];
static struct ramdisk rd;
static int64_t refuse_with;         /* != 0: the device answers this instead */
static uint64_t info_pages;         /* what BLK_INFO reports */
static unsigned calls;
static int64_t lent_pte;            /* window page 0 as the device saw it */

/* The device: the real handler over `disk`, the window made of the
 * frames lent in the model's page tables. */
static int device(int pid, struct ipc_msg *m)
{
	struct ipc_from from = { .pid = MM_PID, .handle = 99 };
	struct ipc_msg reply;
	int64_t pte[BLK_WINDOW_PAGES];
	calls++;
	lent_pte = stub_pte(pid, BLK_WINDOW_VA);
	for (int i = 0; i < BLK_WINDOW_PAGES; i++) {
		pte[i] = stub_pte(pid, BLK_WINDOW_VA + i * PAGE_SIZE);
		if (pte[i] >= 0)
			memcpy(window + i * PAGE_SIZE, mm_phys_to_virt((paddr_t)pte[i] & PAGE_MASK), PAGE_SIZE);
	}
	rd.pages = m->tag == BLK_INFO ? info_pages : DEV_PAGES;
	assert_int_equal(ramdisk_handle(&rd, m, &from, &reply), 1);
	if (refuse_with)
		reply.tag = refuse_with;
	for (int i = 0; i < BLK_WINDOW_PAGES; i++)
		if (pte[i] >= 0 && (pte[i] & MM_PTE_WRITE) && reply.tag == 0)
			memcpy(mm_phys_to_virt((paddr_t)pte[i] & PAGE_MASK), window + i * PAGE_SIZE, PAGE_SIZE);
	*m = reply;
	return 0;
}

static void start_quietly(void *arg)
{
	*(int *)arg = swapdev_start(DEV_PAGES);
}

/* Start the device (the fixture's "ramdisk" module is a small program). */
static int start(void)
{
	char said[512];
	int err;
	rd = (struct ramdisk){ disk, DEV_PAGES, window, 0 };
	info_pages = DEV_PAGES;
	refuse_with = 0;
	calls = 0;
	stub_set_server(device);
	capture_stdout(start_quietly, &err, said, sizeof said);
	return err;
}

static pfn_t patterned(uint8_t seed)
{
	pfn_t pfn = buddy_alloc(0, 0);
	assert_int_not_equal(pfn, PFN_NONE);
	uint8_t *b = pfn_to_virt(pfn);
	for (unsigned i = 0; i < PAGE_SIZE; i++)
		b[i] = (uint8_t)(i * 31 + seed);
	return pfn;
}

static void assert_patterned(pfn_t pfn, uint8_t seed)
{
	const uint8_t *b = pfn_to_virt(pfn);
	for (unsigned i = 0; i < PAGE_SIZE; i++)
		assert_int_equal(b[i], (uint8_t)(i * 31 + seed));
}

static void assert_window_empty(void)
{
	for (int i = 0; i < BLK_WINDOW_PAGES; i++)
		assert_int_equal(stub_pte(swapdev_pid(), BLK_WINDOW_VA + i * PAGE_SIZE), -ERR_NOENT);
}

static void stop(void *arg)
{
	exit_proc(*(int *)arg, -1);
}

static void the_device_is_resident_and_pinned_before_it_runs(void **state)
{
	(void)state;
	assert_int_equal(start(), 0);
	int pid = swapdev_pid();
	assert_int_equal(pid, 2);               /* before anything else */
	assert_int_equal(swapdev_pages(), DEV_PAGES);
	struct mm_proc *p = proc(pid);
	assert_int_equal(p->parent, 0);
	assert_int_equal(calls, 1);             /* BLK_INFO */
	struct mm_region *stack = region_of_kind(p, REGION_STACK);
	assert_int_equal(stack->end - stack->start, MM_RESIDENT_STACK_PAGES * PAGE_SIZE);
	struct mm_region *store = region_find(p, BLK_STORAGE_VA);
	assert_non_null(store);
	assert_int_equal(store->end, BLK_STORAGE_VA + DEV_PAGES * PAGE_SIZE);
	for (struct mm_region *r = p->regions; r; r = r->next)
		for (vaddr_t va = r->start; va < r->end; va += PAGE_SIZE)
			assert_true(stub_pte(pid, va) >= 0);        /* no fault can ever happen */
	for (uint32_t f = p->frames; f != PAGE_LINK_NONE; f = pfn_to_page(f)->own.next)
		if (pfn_to_page(f)->use == PAGE_USE_USER)
			assert_true(pfn_to_page(f)->flags & PG_PINNED);
	assert_int_equal(p->resident, stub_mapped(pid));
	assert_int_equal(p->faults, 0);
	assert_window_empty();
	assert_int_equal(stub_threads(pid), 1);
	assert_mm_consistent();
}

static void a_page_written_then_read_comes_back_and_is_lent_only_meanwhile(void **state)
{
	(void)state;
	assert_int_equal(start(), 0);
	pfn_t out = patterned(3), in = buddy_alloc(0, MM_ZERO);
	assert_int_equal(swapdev_write(17, out), 0);
	assert_int_equal((paddr_t)lent_pte & PAGE_MASK, pfn_to_pa(out));
	assert_false(lent_pte & MM_PTE_WRITE);  /* the device only reads it */
	assert_window_empty();
	assert_int_equal(swapdev_read(17, in), 0);
	assert_int_equal((paddr_t)lent_pte & PAGE_MASK, pfn_to_pa(in));
	assert_true(lent_pte & MM_PTE_WRITE);
	assert_window_empty();
	assert_patterned(in, 3);
	assert_patterned(out, 3);
	buddy_free(out, 0);
	buddy_free(in, 0);
	assert_mm_consistent();
}

static void a_write_the_device_refuses_leaves_the_frame_as_it_was(void **state)
{
	(void)state;
	assert_int_equal(start(), 0);
	pfn_t f = patterned(9);
	struct page before = *pfn_to_page(f);
	refuse_with = -ERR_BUG;
	assert_int_equal(swapdev_write(5, f), -ERR_BUG);
	assert_patterned(f, 9);
	assert_memory_equal(pfn_to_page(f), &before, sizeof before);
	assert_window_empty();
	buddy_free(f, 0);
}

static void a_read_the_device_refuses_writes_nothing_into_the_frame(void **state)
{
	(void)state;
	assert_int_equal(start(), 0);
	pfn_t f = patterned(4);
	refuse_with = -ERR_INVAL;
	assert_int_equal(swapdev_read(5, f), -ERR_INVAL);
	assert_patterned(f, 4);
	assert_window_empty();
	buddy_free(f, 0);
}

static void a_slot_past_the_end_is_refused_without_asking_the_device(void **state)
{
	(void)state;
	assert_int_equal(start(), 0);
	pfn_t f = patterned(1);
	unsigned before = calls;
	assert_int_equal(swapdev_write(DEV_PAGES, f), -ERR_INVAL);
	assert_int_equal(swapdev_read(UINT64_MAX, f), -ERR_INVAL);
	assert_int_equal(swapdev_write(0, PFN_NONE), -ERR_INVAL);
	assert_int_equal(calls, before);
	assert_patterned(f, 1);
	buddy_free(f, 0);
}

static void a_device_that_died_during_the_call_loses_nothing(void **state)
{
	(void)state;
	assert_int_equal(start(), 0);
	pfn_t f = patterned(6);
	stub_set_server(NULL);                  /* CALL -> ERR_DEAD */
	assert_int_equal(swapdev_write(2, f), -ERR_DEAD);
	assert_patterned(f, 6);
	assert_window_empty();
	buddy_free(f, 0);
}

static void the_device_exiting_leaves_no_device_and_gives_every_frame_back(void **state)
{
	(void)state;
	assert_int_equal(start(), 0);
	int pid = swapdev_pid();
	char said[512];
	capture_stdout(stop, &pid, said, sizeof said);
	assert_non_null(strstr(said, "swapdev: the swap device (pid 2, 64 pages) has died"));
	/* swap.c's swap_device_lost then ends the processes with pages there:
	 * none here, so it kills nothing */
	assert_null(strstr(said, "kill: pid"));
	assert_int_equal(swapdev_pid(), 0);
	assert_int_equal(swapdev_pages(), 0);
	pfn_t f = patterned(2);
	assert_int_equal(swapdev_read(0, f), -ERR_NOENT);
	assert_int_equal(swapdev_write(0, f), -ERR_NOENT);
	buddy_free(f, 0);
	assert_int_equal(free_at_rest(), baseline);
}

static void a_device_reporting_another_size_is_killed_and_not_used(void **state)
{
	(void)state;
	rd = (struct ramdisk){ disk, DEV_PAGES, window, 0 };
	info_pages = DEV_PAGES / 2;
	refuse_with = 0;
	stub_set_server(device);
	char said[256];
	int err;
	capture_stdout(start_quietly, &err, said, sizeof said);
	assert_int_equal(err, -ERR_INVAL);
	assert_int_equal(swapdev_pid(), 0);
	assert_int_equal(stub_state(2), STUB_DEAD);
	stub_deliver_exits();
	assert_int_equal(free_at_rest(), baseline);
}

static void storage_larger_than_memory_fails_and_frees_what_it_took(void **state)
{
	(void)state;
	calls = 0;
	stub_set_server(device);
	assert_int_equal(swapdev_start(MiB(64) / PAGE_SIZE), -ERR_NOMEM);
	assert_int_equal(swapdev_pid(), 0);
	assert_int_equal(calls, 0);
	stub_deliver_exits();
	assert_int_equal(free_at_rest(), baseline);
}

static void start_large(void *arg)
{
	*(int *)arg = swapdev_start(1024);
}

/* 1024 pages: two whole leaf tables, each one 2 MiB block split into frames. */
static void a_large_device_gets_split_blocks_that_exit_frees_frame_by_frame(void **state)
{
	(void)state;
	rd = (struct ramdisk){ disk, DEV_PAGES, window, 0 };
	info_pages = 1024;
	refuse_with = 0;
	stub_set_server(device);
	char said[512];
	int err;
	capture_stdout(start_large, &err, said, sizeof said);
	assert_int_equal(err, 0);
	int pid = swapdev_pid();
	struct mm_proc *p = proc(pid);
	for (vaddr_t va = BLK_STORAGE_VA; va < BLK_STORAGE_VA + 1024 * PAGE_SIZE; va += PAGE_SIZE) {
		int64_t pte = stub_pte(pid, va);
		assert_true(pte >= 0);
		struct page *pg = pfn_to_page(pa_to_pfn((paddr_t)pte & PAGE_MASK));
		assert_int_equal(pg->state, PAGE_ALLOCATED);
		assert_int_equal(pg->order, 0);
		assert_int_equal(pg->index, va);
		assert_true(pg->flags & PG_PINNED);
	}
	assert_true(p->resident >= 1024);
	assert_mm_consistent();                 /* P2: every frame an order-0 block */
	capture_stdout(stop, &pid, said, sizeof said);
	assert_int_equal(free_at_rest(), baseline);
}

static void programs_cannot_start_the_device(void **state)
{
	(void)state;
	assert_int_equal(mm_spawn_program("ramdisk 64", 0, 0), -ERR_NOENT);
	assert_int_equal(mm_spawn_program("ramdisk 64", 0, MM_SPAWN_RESIDENT), -ERR_NOENT);
	assert_int_equal(free_at_rest(), baseline);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		MM_TEST(the_device_is_resident_and_pinned_before_it_runs),
		MM_TEST(a_page_written_then_read_comes_back_and_is_lent_only_meanwhile),
		MM_TEST(a_write_the_device_refuses_leaves_the_frame_as_it_was),
		MM_TEST(a_read_the_device_refuses_writes_nothing_into_the_frame),
		MM_TEST(a_slot_past_the_end_is_refused_without_asking_the_device),
		MM_TEST(a_device_that_died_during_the_call_loses_nothing),
		MM_TEST(the_device_exiting_leaves_no_device_and_gives_every_frame_back),
		MM_TEST(a_device_reporting_another_size_is_killed_and_not_used),
		MM_TEST(storage_larger_than_memory_fails_and_frees_what_it_took),
		MM_TEST(a_large_device_gets_split_blocks_that_exit_frees_frame_by_frame),
		MM_TEST(programs_cannot_start_the_device),
	};
	return MM_RUN(tests);
}
