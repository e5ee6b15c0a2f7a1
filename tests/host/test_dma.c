/*
 * test_dma.c - DMA grants on the host (servers/mm/grant.c, dma_frames.c,
 * backend_dma.c, dma_info.c and buddy_alloc_below), against
 * docs/mm-protocol.md and docs/dma.md: grants are contiguous, below their
 * mask, zeroed, pinned and never chosen by reclaim; shares map the same
 * frames and revoking or freeing unmaps them; exit frees everything
 * (devices stopped) or quarantines it (a device not shown stopped); every
 * malformed or forbidden request gets its error and changes nothing. The
 * kernel model (kcall_stub.c) plays the device table and the exit report.
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
#include "buddy.h"
#include "dma.h"
#include "reclaim.h"
#include "check.h"
#include "mm_stubs.h"
#include "mm_maps.h"
#include "dma_fixture.h"

#define NO_REGION 0x10000000ULL     /* inside no region of the fixture's program */

static bool frames_are_grant(const struct grant_reply *g)
{
	for (uint64_t i = 0; i < g->pages; i++) {
		const struct page *pg = pfn_to_page(pa_to_pfn(g->bus) + i);
		if (pg->state != PAGE_ALLOCATED || pg->use != PAGE_USE_DMA || !(pg->flags & PG_PINNED) ||
		    reclaim_pool_of(pa_to_pfn(g->bus) + i))
			return false;
	}
	return true;
}

/* Every page of the grant is mapped in pid at va to its frame. */
static bool mapped_in(int pid, vaddr_t va, const struct grant_reply *g)
{
	for (uint64_t i = 0; i < g->pages; i++) {
		int64_t e = stub_pte(pid, va + i * PAGE_SIZE);
		if (e < 0 || (paddr_t)(e & (int64_t)PAGE_MASK) != g->bus + i * PAGE_SIZE)
			return false;
	}
	return true;
}

static bool unmapped_in(int pid, vaddr_t va, uint64_t pages)
{
	for (uint64_t i = 0; i < pages; i++)
		if (stub_pte(pid, va + i * PAGE_SIZE) >= 0)
			return false;
	return true;
}

static int64_t share(int owner, uint64_t id, int pid, uint64_t prot, vaddr_t *va)
{
	struct ipc_msg r;
	int64_t tag = req7(owner, MM_DMA_SHARE, id, (uint64_t)pid, prot, 0, 0, 0, 0, &r);
	if (va)
		*va = r.w[0];
	return tag;
}

/* ---- what a grant is --------------------------------------------------- */

static void a_24_bit_grant_is_contiguous_zeroed_pinned_below_16_mib_and_mapped(void **state)
{
	(void)state;
	int pid = driver(EDU_BDF);
	dirty_free_frames(pa_to_pfn(ZONE_DMA_LIMIT), 0xab);
	struct grant_reply g = grant_alloc(pid, EDU_BDF, 3 * PAGE_SIZE + 1, 24);
	assert_int_equal(g.pages, 4);
	assert_int_equal(g.zone, ZONE_DMA);
	assert_true(g.bus + g.pages * PAGE_SIZE - 1 <= 0xffffff);
	assert_int_equal(g.bus & ~PAGE_MASK, 0);
	assert_true(g.va >= USER_MMAP_BASE);
	assert_true(frames_are_grant(&g));         /* bus = pa: frames bus/4K .. +3, contiguous */
	assert_true(mapped_in(pid, g.va, &g));
	uint8_t buf[4 * PAGE_SIZE], zero[4 * PAGE_SIZE] = { 0 };
	assert_int_equal(user_read(pid, g.va, buf, sizeof buf), 0);
	assert_memory_equal(buf, zero, sizeof buf);         /* the dirt was zeroed */
	assert_int_equal(dma_frames_in_memory(), 4);        /* the block's tail went back */
	assert_mm_consistent();
}

static void grants_stay_below_masks_that_end_inside_a_zone(void **state)
{
	(void)state;
	int pid = driver(EDU_BDF);
	static const unsigned bits[] = { 25, 25, 25, 25, 25, 26, 32, 32, 64, 24, 25 };
	for (size_t i = 0; i < ARRAY_LEN(bits); i++) {
		struct grant_reply g = grant_alloc(pid, EDU_BDF, (i + 1) * 3 * PAGE_SIZE, bits[i]);
		uint64_t mask = bits[i] == 64 ? ~0ULL : (1ULL << bits[i]) - 1;
		assert_true(g.bus + g.pages * PAGE_SIZE - 1 <= mask);
		assert_true(frames_are_grant(&g));
		assert_int_equal(g.zone, pfn_zone(pa_to_pfn(g.bus)));
		if (bits[i] == 24)
			assert_int_equal(g.zone, ZONE_DMA);
	}
	assert_mm_consistent();
}

static void a_32_bit_grant_comes_from_dma32_while_it_has_memory(void **state)
{
	(void)state;
	int pid = driver(EDU_BDF);
	struct grant_reply g32 = grant_alloc(pid, EDU_BDF, PAGE_SIZE, 32);
	struct grant_reply g64 = grant_alloc(pid, EDU_BDF, PAGE_SIZE, 64);
	assert_int_equal(g32.zone, ZONE_DMA32);    /* the class zone first, as GFP_DMA32 */
	assert_int_equal(g64.zone, ZONE_DMA32);    /* no NORMAL zone in 64 MiB: the fallback */
	assert_mm_consistent();
}

static void alloc_below_takes_only_blocks_under_the_limit_and_changes_nothing_when_none(void **state)
{
	(void)state;
	pfn_t limit = pa_to_pfn(MiB(17));
	uint64_t before = zone_free_pages();
	pfn_t pfn = buddy_alloc_below(2, MM_ZONE_DMA32, limit);
	assert_true(pfn != PFN_NONE && pfn + 4 <= limit);
	assert_int_equal(buddy_check(), 0);
	assert_int_equal(buddy_free(pfn, 2), 0);
	assert_int_equal(zone_free_pages(), before);
	assert_int_equal(buddy_alloc_below(0, MM_ZONE_DMA32, 0), PFN_NONE);    /* nothing lies below 0 */
	assert_int_equal(buddy_alloc_below(MM_MAX_ORDER, MM_ZONE_DMA, 1023), PFN_NONE);
	assert_int_equal(zone_free_pages(), before);
	assert_int_equal(buddy_check(), 0);
}

static void grants_are_never_chosen_by_reclaim(void **state)
{
	(void)state;
	int pid = driver(EDU_BDF);
	struct grant_reply g = grant_alloc(pid, EDU_BDF, 2 * PAGE_SIZE, 32);
	assert_int_equal(user_write(pid, g.va, "keep", 4), 0);
	vaddr_t anon = map_anon(pid, 8 * PAGE_SIZE, RW);
	for (int i = 0; i < 8; i++)
		assert_int_equal(touch(pid, anon + i * PAGE_SIZE, MM_FAULT_READ), 0);
	reclaim_evict_from(&reclaim_global, 1000);  /* everything that can go */
	struct mm_region *r = region_find(proc(pid), g.va);
	assert_non_null(r);
	assert_int_equal(region_evict_page(proc(pid), r, g.va), -ERR_BUSY);
	assert_true(frames_are_grant(&g));
	assert_true(mapped_in(pid, g.va, &g));
	char word[5] = "";
	assert_int_equal(stub_user_read(pid, g.va, word, 4), 0);
	assert_string_equal(word, "keep");
	assert_mm_consistent();
}

/* ---- sharing, revoking, freeing ------------------------------------------ */

static void a_read_only_share_maps_the_same_frames_and_a_write_there_kills(void **state)
{
	(void)state;
	int drv = driver(EDU_BDF), client = spawn("prog")->pid;
	struct grant_reply g = grant_alloc(drv, EDU_BDF, 2 * PAGE_SIZE, 32);
	vaddr_t at;
	assert_int_equal(share(drv, g.id, client, MM_PROT_READ, &at), 0);
	assert_true(mapped_in(client, at, &g));
	assert_int_equal(user_write(drv, g.va + PAGE_SIZE + 5, "data", 4), 0);
	char got[5] = "";
	assert_int_equal(user_read(client, at + PAGE_SIZE + 5, got, 4), 0);
	assert_string_equal(got, "data");
	assert_mm_consistent();
	assert_int_equal(touch(client, at, MM_FAULT_WRITE), MM_FAULT_KILL);
	stub_deliver_exits();
	assert_true(mapped_in(drv, g.va, &g));      /* the driver keeps it */
	assert_int_equal(grant_frames(), 2);
	assert_mm_consistent();
}

static void a_read_write_share_sees_and_makes_the_drivers_bytes(void **state)
{
	(void)state;
	int drv = driver(EDU_BDF), client = spawn("prog")->pid;
	struct grant_reply g = grant_alloc(drv, EDU_BDF, PAGE_SIZE, 28);
	vaddr_t at;
	assert_int_equal(share(drv, g.id, client, RW, &at), 0);
	assert_int_equal(user_write(client, at + 100, "from client", 11), 0);
	char got[12] = "";
	assert_int_equal(user_read(drv, g.va + 100, got, 11), 0);
	assert_string_equal(got, "from client");
	assert_mm_consistent();
}

static void revoke_unmaps_the_share_and_the_driver_keeps_the_grant(void **state)
{
	(void)state;
	int drv = driver(EDU_BDF), client = spawn("prog")->pid;
	struct grant_reply g = grant_alloc(drv, EDU_BDF, 3 * PAGE_SIZE, 32);
	vaddr_t at;
	assert_int_equal(share(drv, g.id, client, RW, &at), 0);
	uint64_t tables = stub_tables(client);
	assert_int_equal(req7(drv, MM_DMA_REVOKE, g.id, (uint64_t)client, 0, 0, 0, 0, 0, NULL), 0);
	assert_true(unmapped_in(client, at, g.pages));
	assert_null(region_find(proc(client), at));
	assert_true(stub_tables(client) < tables);  /* its page tables were pruned */
	assert_true(mapped_in(drv, g.va, &g));
	assert_int_equal(touch(client, at, MM_FAULT_READ), MM_FAULT_KILL);  /* not its memory now */
	stub_deliver_exits();
	assert_mm_consistent();
}

static void free_unmaps_the_grant_from_the_driver_and_every_share(void **state)
{
	(void)state;
	int drv = driver(EDU_BDF), a = spawn("prog")->pid, b = spawn("prog")->pid;
	uint64_t before = free_at_rest();
	struct grant_reply g = grant_alloc(drv, EDU_BDF, 5 * PAGE_SIZE, 25);
	assert_int_equal(dma_frames_in_memory(), 5);        /* of an 8-page block: 3 went back */
	vaddr_t at_a, at_b;
	assert_int_equal(share(drv, g.id, a, MM_PROT_READ, &at_a), 0);
	assert_int_equal(share(drv, g.id, b, RW, &at_b), 0);
	assert_mm_consistent();
	assert_int_equal(req7(drv, MM_DMA_FREE, g.id, 0, 0, 0, 0, 0, 0, NULL), 0);
	assert_true(unmapped_in(drv, g.va, g.pages));
	assert_true(unmapped_in(a, at_a, g.pages));
	assert_true(unmapped_in(b, at_b, g.pages));
	assert_int_equal(dma_frames_in_memory(), 0);
	assert_int_equal(free_at_rest(), before);   /* frames and page tables back */
	assert_mm_consistent();
}

/* ---- exit ---------------------------------------------------------------------- */

static void a_driver_that_exits_returns_every_frame_and_is_unmapped_from_its_client(void **state)
{
	(void)state;
	int drv = driver(EDU_BDF), client = spawn("prog")->pid;
	struct grant_reply g1 = grant_alloc(drv, EDU_BDF, PAGE_SIZE, 24);
	struct grant_reply g2 = grant_alloc(drv, EDU_BDF, 9 * PAGE_SIZE, 32);
	vaddr_t at;
	assert_int_equal(share(drv, g2.id, client, RW, &at), 0);
	assert_int_equal(user_write(client, at, "x", 1), 0);
	exit_proc(drv, 0);
	assert_int_equal(stub_dev_owner(EDU_BDF), 0);   /* the kernel stopped and released it */
	assert_true(unmapped_in(client, at, g2.pages));
	assert_null(region_find(proc(client), at));
	assert_int_equal(dma_frames_in_memory(), 0);
	assert_int_equal(grant_frames(), 0);
	(void)g1;
	assert_mm_consistent();
	exit_proc(client, 0);
	assert_int_equal(free_at_rest(), baseline);
	assert_mm_consistent();
}

static void a_device_not_shown_stopped_quarantines_the_grants_and_they_are_never_reused(void **state)
{
	(void)state;
	int drv = driver(EDU_BDF), client = spawn("prog")->pid;
	struct grant_reply g = grant_alloc(drv, EDU_BDF, 4 * PAGE_SIZE, 24);
	vaddr_t at;
	assert_int_equal(share(drv, g.id, client, RW, &at), 0);
	stub_dev_stuck(EDU_BDF, true);
	exit_proc(drv, 0);
	assert_true(unmapped_in(client, at, g.pages));      /* nobody reaches it any more */
	assert_true(frames_are_grant(&g));                  /* but nobody gets it either */
	struct mm_dma_grant_info info;
	assert_true(dma_info_grant_at(0, &info));
	assert_int_equal(info.flags, MM_DMA_INFO_QUARANTINED);
	assert_int_equal(info.owner, drv);
	assert_int_equal(info.pages, 4);
	assert_int_equal(info.nshares, 0);
	assert_mm_consistent();
	int next = driver(EDU_BDF);
	for (int i = 0; i < 20; i++) {
		struct grant_reply n = grant_alloc(next, EDU_BDF, PAGE_SIZE, 24);
		assert_true(n.bus < g.bus || n.bus >= g.bus + g.pages * PAGE_SIZE);
	}
	assert_int_equal(req7(next, MM_DMA_FREE, g.id, 0, 0, 0, 0, 0, 0, NULL), -ERR_PERM);
	exit_proc(next, 0);
	exit_proc(client, 0);
	/* exactly the quarantined frames, and the slab page that keeps the
	 * grant's record (the first quarantined in the suite, alone in it) */
	assert_int_equal(free_at_rest(), baseline - 4 - 1);
	assert_int_equal(dma_frames_in_memory(), 4);
	assert_mm_consistent();
}

static void a_grant_whose_device_changes_owner_leaks_nothing(void **state)
{
	(void)state;
	int a = driver(EDU_BDF), b = spawn("prog")->pid;
	struct grant_reply g = grant_alloc(a, EDU_BDF, 2 * PAGE_SIZE, 32);
	give_device(EDU_BDF, b);                /* the device is b's now */
	assert_dma_refused(&a, 1, a, MM_DMA_ALLOC, EDU_BDF, PAGE_SIZE, 32, 0, 0, 0, 0, -ERR_PERM);
	struct grant_reply h = grant_alloc(b, EDU_BDF, PAGE_SIZE, 32);
	assert_int_equal(req7(a, MM_DMA_FREE, g.id, 0, 0, 0, 0, 0, 0, NULL), 0);  /* still a's to free */
	assert_int_equal(req7(a, MM_DMA_FREE, h.id, 0, 0, 0, 0, 0, 0, NULL), -ERR_PERM);
	grant_alloc(b, EDU_BDF, 3 * PAGE_SIZE, 24);
	exit_proc(b, 0);
	exit_proc(a, 0);
	assert_int_equal(dma_frames_in_memory(), 0);
	assert_int_equal(free_at_rest(), baseline);
	assert_mm_consistent();
}

static void a_client_that_exits_drops_its_share_and_the_grant_lives_on(void **state)
{
	(void)state;
	int drv = driver(EDU_BDF), client = spawn("prog")->pid;
	struct grant_reply g = grant_alloc(drv, EDU_BDF, PAGE_SIZE, 32);
	assert_int_equal(share(drv, g.id, client, RW, NULL), 0);
	exit_proc(client, 0);
	struct mm_dma_grant_info info;
	assert_true(dma_info_grant_at(0, &info));
	assert_int_equal(info.nshares, 0);
	assert_true(mapped_in(drv, g.va, &g));
	assert_int_equal(share(drv, g.id, spawn("prog")->pid, MM_PROT_READ, NULL), 0);
	assert_mm_consistent();
}

/* ---- bad requests: each gets its error and changes nothing ------------------- */

static void grant_requests_with_bad_words_are_invalid_and_change_nothing(void **state)
{
	(void)state;
	int pid = driver(EDU_BDF);
	grant_alloc(pid, EDU_BDF, PAGE_SIZE, 32);       /* something to keep */
	const int p[] = { pid };
	assert_dma_refused(p, 1, pid, MM_DMA_ALLOC, EDU_BDF, 0, 32, 0, 0, 0, 0, -ERR_INVAL);
	assert_dma_refused(p, 1, pid, MM_DMA_ALLOC, EDU_BDF, MM_DMA_GRANT_MAX + 1, 32, 0, 0, 0, 0,
			   -ERR_INVAL);                    /* larger than any block */
	assert_dma_refused(p, 1, pid, MM_DMA_ALLOC, EDU_BDF, (uint64_t)-1, 32, 0, 0, 0, 0, -ERR_INVAL);
	assert_dma_refused(p, 1, pid, MM_DMA_ALLOC, EDU_BDF, PAGE_SIZE, 23, 0, 0, 0, 0, -ERR_INVAL);
	assert_dma_refused(p, 1, pid, MM_DMA_ALLOC, EDU_BDF, PAGE_SIZE, 0, 0, 0, 0, 0, -ERR_INVAL);
	assert_dma_refused(p, 1, pid, MM_DMA_ALLOC, EDU_BDF, PAGE_SIZE, 65, 0, 0, 0, 0, -ERR_INVAL);
	assert_dma_refused(p, 1, pid, MM_DMA_ALLOC, EDU_BDF, PAGE_SIZE, 32, 1, 0, 0, 0, -ERR_INVAL);
	assert_dma_refused(p, 1, pid, MM_DMA_ALLOC, 0x10000, PAGE_SIZE, 32, 0, 0, 0, 0, -ERR_INVAL);
}

static void grants_for_devices_the_caller_does_not_own_are_refused(void **state)
{
	(void)state;
	int drv = driver(EDU_BDF), plain = spawn("prog")->pid;
	give_device(OTHER_BDF, 0);                  /* a device nobody owns */
	const int p[] = { drv, plain };
	assert_dma_refused(p, 2, drv, MM_DMA_ALLOC, OTHER_BDF, PAGE_SIZE, 32, 0, 0, 0, 0, -ERR_PERM);
	assert_dma_refused(p, 2, plain, MM_DMA_ALLOC, EDU_BDF, PAGE_SIZE, 32, 0, 0, 0, 0, -ERR_PERM);
	assert_dma_refused(p, 2, plain, MM_DMA_ALLOC, OTHER_BDF, PAGE_SIZE, 32, 0, 0, 0, 0, -ERR_PERM);
	assert_dma_refused(p, 2, drv, MM_DMA_ALLOC, DEV_BDF(0, 9, 1), PAGE_SIZE, 32, 0, 0, 0, 0,
			   -ERR_NOENT);                    /* no such device */
	stub_fail(STUB_DEVICE, 0, -ERR_NOSYS);          /* a kernel without SYS_MM_DEVICE */
	assert_dma_refused(p, 2, drv, MM_DMA_ALLOC, EDU_BDF, PAGE_SIZE, 32, 0, 0, 0, 0, -ERR_NOSYS);
	assert_int_equal(req7(99, MM_DMA_ALLOC, EDU_BDF, PAGE_SIZE, 32, 0, 0, 0, 0, NULL), -ERR_SRCH);
}

static void a_grant_no_zone_can_give_contiguously_now_is_nomem_and_changes_nothing(void **state)
{
	(void)state;
	int pid = driver(EDU_BDF);
	const int p[] = { pid };
	int made = 0;
	for (;; made++) {
		struct dma_snapshot before;
		dma_snapshot_take(&before, p, 1);
		struct ipc_msg r;
		if (req7(pid, MM_DMA_ALLOC, EDU_BDF, MM_DMA_GRANT_MAX, 24, 0, 0, 0, 0, &r) == 0)
			continue;
		assert_int_equal(r.tag, -ERR_NOMEM);
		struct dma_snapshot after;
		dma_snapshot_take(&after, p, 1);
		assert_memory_equal(&after, &before, sizeof after);
		break;
	}
	assert_true(made >= 1 && made <= 3);    /* 16 MiB less the modules' block */
	assert_mm_consistent();
}

static void more_grants_than_a_process_may_hold_are_nospc(void **state)
{
	(void)state;
	int pid = driver(EDU_BDF);
	for (int i = 0; i < MM_DMA_GRANTS_MAX; i++)
		grant_alloc(pid, EDU_BDF, PAGE_SIZE, 64);
	assert_dma_refused(&pid, 1, pid, MM_DMA_ALLOC, EDU_BDF, PAGE_SIZE, 64, 0, 0, 0, 0, -ERR_NOSPC);
	exit_proc(pid, 0);
	assert_int_equal(free_at_rest(), baseline);
}

static void free_of_a_bad_id_a_freed_grant_or_someone_elses_is_refused(void **state)
{
	(void)state;
	int a = driver(EDU_BDF), b = driver(OTHER_BDF);
	struct grant_reply g = grant_alloc(a, EDU_BDF, PAGE_SIZE, 32);
	struct grant_reply h = grant_alloc(a, EDU_BDF, PAGE_SIZE, 32);
	const int p[] = { a, b };
	assert_dma_refused(p, 2, a, MM_DMA_FREE, 0, 0, 0, 0, 0, 0, 0, -ERR_NOENT);
	assert_dma_refused(p, 2, a, MM_DMA_FREE, 12345, 0, 0, 0, 0, 0, 0, -ERR_NOENT);
	assert_dma_refused(p, 2, b, MM_DMA_FREE, g.id, 0, 0, 0, 0, 0, 0, -ERR_PERM);
	assert_int_equal(req7(a, MM_DMA_FREE, g.id, 0, 0, 0, 0, 0, 0, NULL), 0);
	assert_dma_refused(p, 2, a, MM_DMA_FREE, g.id, 0, 0, 0, 0, 0, 0, -ERR_NOENT);  /* double free */
	assert_true(mapped_in(a, h.va, &h));
}

static void bad_shares_and_revokes_are_refused_and_change_nothing(void **state)
{
	(void)state;
	int drv = driver(EDU_BDF), c = spawn("prog")->pid, other = driver(OTHER_BDF);
	struct grant_reply g = grant_alloc(drv, EDU_BDF, PAGE_SIZE, 32);
	const int p[] = { drv, c, other };
	assert_dma_refused(p, 3, drv, MM_DMA_SHARE, g.id, (uint64_t)c, 0, 0, 0, 0, 0, -ERR_INVAL);
	assert_dma_refused(p, 3, drv, MM_DMA_SHARE, g.id, (uint64_t)c, MM_PROT_WRITE, 0, 0, 0, 0, -ERR_INVAL);
	assert_dma_refused(p, 3, drv, MM_DMA_SHARE, g.id, (uint64_t)c, MM_PROT_ALL, 0, 0, 0, 0, -ERR_INVAL);
	assert_dma_refused(p, 3, drv, MM_DMA_SHARE, g.id, (uint64_t)drv, RW, 0, 0, 0, 0, -ERR_INVAL);
	assert_dma_refused(p, 3, drv, MM_DMA_SHARE, g.id, 77, RW, 0, 0, 0, 0, -ERR_SRCH);
	assert_dma_refused(p, 3, drv, MM_DMA_SHARE, g.id, (uint64_t)-1, RW, 0, 0, 0, 0, -ERR_SRCH);
	assert_dma_refused(p, 3, drv, MM_DMA_SHARE, g.id + 1, (uint64_t)c, RW, 0, 0, 0, 0, -ERR_NOENT);
	assert_dma_refused(p, 3, other, MM_DMA_SHARE, g.id, (uint64_t)c, RW, 0, 0, 0, 0, -ERR_PERM);
	assert_dma_refused(p, 3, drv, MM_DMA_REVOKE, g.id, (uint64_t)c, 0, 0, 0, 0, 0, -ERR_NOENT);
	assert_int_equal(share(drv, g.id, c, RW, NULL), 0);
	assert_dma_refused(p, 3, drv, MM_DMA_SHARE, g.id, (uint64_t)c, MM_PROT_READ, 0, 0, 0, 0, -ERR_BUSY);
	assert_dma_refused(p, 3, other, MM_DMA_REVOKE, g.id, (uint64_t)c, 0, 0, 0, 0, 0, -ERR_PERM);
	assert_dma_refused(p, 3, drv, MM_DMA_REVOKE, 999, (uint64_t)c, 0, 0, 0, 0, 0, -ERR_NOENT);
	for (int i = 1; i < MM_DMA_SHARES_MAX; i++)
		assert_int_equal(share(drv, g.id, spawn("prog")->pid, MM_PROT_READ, NULL), 0);
	int one_more = spawn("prog")->pid;
	assert_dma_refused(p, 3, drv, MM_DMA_SHARE, g.id, (uint64_t)one_more, RW, 0, 0, 0, 0, -ERR_NOSPC);
}

/* A revoke undone twice: the second is ERR_NOENT and changes nothing, the
 * share's slot is free again (the client can be given the grant anew),
 * and once the grant is freed a revoke of it is ERR_NOENT too - with
 * every frame and page table back at the end. */
static void a_second_revoke_is_noent_the_share_can_be_made_again_and_nothing_leaks(void **state)
{
	(void)state;
	int drv = driver(EDU_BDF), c = spawn("prog")->pid;
	uint64_t before = free_at_rest();
	struct grant_reply g = grant_alloc(drv, EDU_BDF, 2 * PAGE_SIZE, 32);
	const int p[] = { drv, c };
	vaddr_t at;
	assert_int_equal(share(drv, g.id, c, RW, &at), 0);
	assert_int_equal(req7(drv, MM_DMA_REVOKE, g.id, (uint64_t)c, 0, 0, 0, 0, 0, NULL), 0);
	assert_true(unmapped_in(c, at, g.pages));
	assert_dma_refused(p, 2, drv, MM_DMA_REVOKE, g.id, (uint64_t)c, 0, 0, 0, 0, 0, -ERR_NOENT);
	assert_true(mapped_in(drv, g.va, &g));
	assert_int_equal(share(drv, g.id, c, MM_PROT_READ, &at), 0);
	assert_int_equal(req7(drv, MM_DMA_FREE, g.id, 0, 0, 0, 0, 0, 0, NULL), 0);
	assert_true(unmapped_in(c, at, g.pages));
	assert_dma_refused(p, 2, drv, MM_DMA_REVOKE, g.id, (uint64_t)c, 0, 0, 0, 0, 0, -ERR_NOENT);
	assert_int_equal(dma_frames_in_memory(), 0);
	assert_int_equal(free_at_rest(), before);
	assert_mm_consistent();
}

static void a_grant_region_cannot_be_unmapped_or_reprotected_by_its_process(void **state)
{
	(void)state;
	int drv = driver(EDU_BDF);
	struct grant_reply g = grant_alloc(drv, EDU_BDF, 2 * PAGE_SIZE, 32);
	assert_dma_refused(&drv, 1, drv, MM_MUNMAP, g.va, 2 * PAGE_SIZE, 0, 0, 0, 0, 0, -ERR_INVAL);
	assert_dma_refused(&drv, 1, drv, MM_MPROTECT, g.va, 2 * PAGE_SIZE, MM_PROT_READ, 0, 0, 0, 0,
			   -ERR_INVAL);
}

/* ---- MM_DMA_INFO ------------------------------------------------------------------- */

static void dma_info_lists_grants_with_owner_device_range_and_shares(void **state)
{
	(void)state;
	int drv = driver(EDU_BDF), c = spawn("prog")->pid;
	struct grant_reply g = grant_alloc(drv, EDU_BDF, 5000, 28);
	assert_int_equal(share(drv, g.id, c, MM_PROT_READ, NULL), 0);
	vaddr_t buf = map_anon(c, PAGE_SIZE, RW);
	assert_int_equal(req7(c, MM_DMA_INFO, MM_DMA_INFO_GRANT, 0, buf,
			      sizeof(struct mm_dma_grant_info), 0, 0, 0, NULL), 0);
	struct mm_dma_grant_info info;
	assert_int_equal(user_read(c, buf, &info, sizeof info), 0);
	assert_int_equal(info.id, g.id);
	assert_int_equal(info.owner, drv);
	assert_int_equal(info.bdf, EDU_BDF);
	assert_int_equal(info.size, 5000);
	assert_int_equal(info.pages, 2);
	assert_int_equal(info.bus, g.bus);
	assert_int_equal(info.va, g.va);
	assert_int_equal(info.mask_bits, 28);
	assert_int_equal(info.nshares, 1);
	assert_int_equal(info.share_pid[0], c);
	assert_int_equal(info.share_prot[0], MM_PROT_READ);
	assert_int_equal(req7(c, MM_DMA_INFO, MM_DMA_INFO_TOTALS, 0, buf, sizeof(struct mm_dma_totals),
			      0, 0, 0, NULL), 0);
	struct mm_dma_totals t;
	assert_int_equal(user_read(c, buf, &t, sizeof t), 0);
	assert_int_equal(t.grants, 1);
	assert_int_equal(t.grant_pages, 2);
	assert_int_equal(t.quarantined, 0);
}

static void dma_info_with_a_bad_kind_size_index_or_buffer_is_refused(void **state)
{
	(void)state;
	int c = spawn("prog")->pid;
	vaddr_t buf = map_anon(c, PAGE_SIZE, RW);
	const int p[] = { c };
	assert_dma_refused(p, 1, c, MM_DMA_INFO, 3, 0, buf, sizeof(struct mm_dma_totals), 0, 0, 0, -ERR_INVAL);
	assert_dma_refused(p, 1, c, MM_DMA_INFO, MM_DMA_INFO_TOTALS, 0, buf,
			   sizeof(struct mm_dma_totals) - 1, 0, 0, 0, -ERR_INVAL);
	assert_dma_refused(p, 1, c, MM_DMA_INFO, MM_DMA_INFO_GRANT, 0, buf,
			   sizeof(struct mm_dma_totals), 0, 0, 0, -ERR_INVAL);
	assert_dma_refused(p, 1, c, MM_DMA_INFO, MM_DMA_INFO_GRANT, 0, buf,
			   sizeof(struct mm_dma_grant_info), 0, 0, 0, -ERR_NOENT);     /* no grant */
	assert_dma_refused(p, 1, c, MM_DMA_INFO, MM_DMA_INFO_TOTALS, 1, buf,
			   sizeof(struct mm_dma_totals), 0, 0, 0, -ERR_NOENT);
	assert_dma_refused(p, 1, c, MM_DMA_INFO, MM_DMA_INFO_TOTALS, 0, NO_REGION,
			   sizeof(struct mm_dma_totals), 0, 0, 0, -ERR_FAULT);
}

/* ---- the checkers know grant frames -------------------------------------------------- */

static void the_checkers_report_a_grant_frame_that_lost_its_pin_or_its_holder(void **state)
{
	(void)state;
	int drv = driver(EDU_BDF);
	struct grant_reply g = grant_alloc(drv, EDU_BDF, 2 * PAGE_SIZE, 32);
	struct page *pg = pfn_to_page(pa_to_pfn(g.bus) + 1);
	pg->flags &= (uint8_t)~PG_PINNED;
	assert_true(mm_check_all() >= 2);           /* grant_check G1 and mm_frames_check F3 */
	assert_non_null(strstr(stub_bug_last, "DMA frame"));
	pg->flags |= PG_PINNED;
	stub_bug_reset();
	pfn_t stray = buddy_alloc(0, 0);            /* a DMA frame no grant holds */
	pfn_to_page(stray)->use = PAGE_USE_DMA;
	pfn_to_page(stray)->flags = PG_PINNED;
	pfn_to_page(stray)->object = 1;
	assert_int_equal(mm_frames_check(), 1);
	assert_non_null(strstr(stub_bug_last, "grants and mappings hold"));
	pfn_to_page(stray)->use = PAGE_USE_ANY;
	buddy_free(stray, 0);
	stub_bug_reset();
	assert_mm_consistent();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		MM_TEST(a_24_bit_grant_is_contiguous_zeroed_pinned_below_16_mib_and_mapped),
		MM_TEST(grants_stay_below_masks_that_end_inside_a_zone),
		MM_TEST(a_32_bit_grant_comes_from_dma32_while_it_has_memory),
		MM_TEST(alloc_below_takes_only_blocks_under_the_limit_and_changes_nothing_when_none),
		MM_TEST(grants_are_never_chosen_by_reclaim),
		MM_TEST(a_read_only_share_maps_the_same_frames_and_a_write_there_kills),
		MM_TEST(a_read_write_share_sees_and_makes_the_drivers_bytes),
		MM_TEST(revoke_unmaps_the_share_and_the_driver_keeps_the_grant),
		MM_TEST(free_unmaps_the_grant_from_the_driver_and_every_share),
		MM_TEST(a_driver_that_exits_returns_every_frame_and_is_unmapped_from_its_client),
		MM_TEST(a_grant_whose_device_changes_owner_leaks_nothing),
		MM_TEST(a_client_that_exits_drops_its_share_and_the_grant_lives_on),
		MM_TEST(grant_requests_with_bad_words_are_invalid_and_change_nothing),
		MM_TEST(grants_for_devices_the_caller_does_not_own_are_refused),
		MM_TEST(a_grant_no_zone_can_give_contiguously_now_is_nomem_and_changes_nothing),
		MM_TEST(more_grants_than_a_process_may_hold_are_nospc),
		MM_TEST(free_of_a_bad_id_a_freed_grant_or_someone_elses_is_refused),
		MM_TEST(bad_shares_and_revokes_are_refused_and_change_nothing),
		MM_TEST(a_second_revoke_is_noent_the_share_can_be_made_again_and_nothing_leaks),
		MM_TEST(a_grant_region_cannot_be_unmapped_or_reprotected_by_its_process),
		MM_TEST(dma_info_lists_grants_with_owner_device_range_and_shares),
		MM_TEST(dma_info_with_a_bad_kind_size_index_or_buffer_is_refused),
		MM_TEST(the_checkers_report_a_grant_frame_that_lost_its_pin_or_its_holder),
		/* last: a quarantined grant stays until the end of the suite */
		MM_TEST(a_device_not_shown_stopped_quarantines_the_grants_and_they_are_never_reused),
	};
	return MM_RUN(tests);
}
