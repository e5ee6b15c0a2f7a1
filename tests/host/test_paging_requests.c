/*
 * test_paging_requests.c - the paging requests on the host: MM_VMSTAT,
 * MM_POLICY and MM_PROCINFO's paging words (servers/mm/stat.c), MM_EVENTS
 * (event.c), and the frame budgets of MM_MMAP and MM_SPAWN (budget.c),
 * against docs/mm-protocol.md: each malformed field gets its documented
 * error and changes nothing (free frames, processes, the kernel model's
 * mappings, the pools, the active policy, the event ring), and the
 * well-formed requests do what the protocol says.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <pagoda/error.h>
#include "mm_env.h"
#include "policy.h"
#include "reclaim.h"
#include "vmstat.h"
#include "check.h"
#include "mm_stubs.h"
#include "mm_fixture.h"

#define NO_REGION 0x10000000ULL     /* inside no region of the fixture's program */

/* ---- "changes nothing" --------------------------------------------------- */

struct snapshot {
	uint64_t free, mapped, resident;
	int procs, live, pools;
	const struct mm_policy *policy;
};

static int pool_count(void)
{
	int n = 0;
	while (reclaim_pool_nth((unsigned)n))
		n++;
	return n;
}

static void take(struct snapshot *s, int pid)
{
	memset(s, 0, sizeof *s);
	s->free = free_at_rest();
	s->mapped = stub_mapped(pid);
	s->resident = proc(pid)->resident;
	s->procs = mm_proc_count();
	s->live = stub_live_count();
	s->pools = pool_count();
	s->policy = reclaim_policy;
}

/* A request of five words (MM_MMAP's budget is w4). */
static int64_t request5(int pid, int64_t tag, const uint64_t w[5], struct ipc_msg *reply)
{
	struct ipc_msg req = { .tag = tag, .w = { w[0], w[1], w[2], w[3], w[4] } };
	struct ipc_msg r = { .tag = -ERR_NOSYS };
	struct ipc_from from = { .pid = pid, .handle = 4242 };
	mm_handlers[tag](&req, &from, &r);
	if (reply)
		*reply = r;
	return r.tag;
}

static void assert_refused5(int pid, int64_t tag, const uint64_t w[5], int err)
{
	struct snapshot before, after;
	take(&before, pid);
	assert_int_equal(request5(pid, tag, w, NULL), err);
	take(&after, pid);
	assert_memory_equal(&after, &before, sizeof after);
	assert_mm_consistent();
}

static void assert_refused(int pid, int64_t tag, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3,
			   int err)
{
	const uint64_t w[5] = { w0, w1, w2, w3, 0 };
	assert_refused5(pid, tag, w, err);
}

/* A writable page of pid holding bytes (already touched, so nothing is filled later). */
static vaddr_t put(int pid, const void *bytes, size_t len)
{
	vaddr_t va = map_anon(pid, PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	assert_int_equal(user_write(pid, va, bytes, len ? len : 1), 0);
	return va;
}

/* ---- MM_VMSTAT (stat.c) --------------------------------------------------- */

static void vmstat_with_a_wrong_size_is_invalid_and_changes_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t buf = put(pid, "", 0);
	assert_refused(pid, MM_VMSTAT, buf, 0, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_VMSTAT, buf, sizeof(struct mm_vmstat_info) - 1, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_VMSTAT, buf, sizeof(struct mm_vmstat_info) + 1, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_VMSTAT, buf, (uint64_t)-1, 0, 0, -ERR_INVAL);
}

static void vmstat_of_a_pool_past_the_last_is_noent_and_changes_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t buf = put(pid, "", 0);
	uint64_t pools = (uint64_t)pool_count();
	assert_refused(pid, MM_VMSTAT, buf, sizeof(struct mm_vmstat_info), pools, 0, -ERR_NOENT);
	assert_refused(pid, MM_VMSTAT, buf, sizeof(struct mm_vmstat_info), 99, 0, -ERR_NOENT);
	assert_refused(pid, MM_VMSTAT, buf, sizeof(struct mm_vmstat_info), (uint64_t)-1, 0, -ERR_NOENT);
}

static void vmstat_to_an_address_outside_every_region_is_a_fault(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	assert_refused(pid, MM_VMSTAT, NO_REGION, sizeof(struct mm_vmstat_info), 0, 0, -ERR_FAULT);
	assert_refused(pid, MM_VMSTAT, 8, sizeof(struct mm_vmstat_info), 0, 0, -ERR_FAULT);
}

static void vmstat_fills_the_global_pool_and_the_active_policy(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t buf = put(pid, "", 0);
	struct mm_vmstat_info v;
	assert_int_equal(request(pid, MM_VMSTAT, buf, sizeof v, 0, 0, NULL, NULL), 0);
	assert_int_equal(user_read(pid, buf, &v, sizeof v), 0);
	assert_string_equal(v.pool_name, "global");
	assert_string_equal(v.policy, reclaim_policy->name);
	assert_int_equal(v.pools, pool_count());
	assert_int_equal(v.pool_pages, reclaim_global.pages);
	assert_int_equal(v.pool_limit, 0);
	assert_mm_consistent();
}

/* ---- MM_POLICY (stat.c) --------------------------------------------------- */

static void policy_with_a_bad_length_is_invalid_and_changes_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t name = put(pid, "fifo", 4);
	assert_refused(pid, MM_POLICY, name, 0, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_POLICY, name, MM_POLICY_NAME_LEN, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_POLICY, name, (uint64_t)-1, 0, 0, -ERR_INVAL);
}

static void policy_with_an_unknown_name_is_invalid_and_changes_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t name = put(pid, "clockwork", 9);
	assert_refused(pid, MM_POLICY, name, 9, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_POLICY, name, 6, 0, 0, -ERR_INVAL);    /* "clockw" */
	assert_refused(pid, MM_POLICY, name, 3, 0, 0, -ERR_INVAL);    /* "clo" */
}

static void policy_name_outside_every_region_is_a_fault(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	assert_refused(pid, MM_POLICY, NO_REGION, 4, 0, 0, -ERR_FAULT);
}

static void policy_switches_every_pool_and_back(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	struct policy_choice was = reclaim_choice;
	vaddr_t fifo = put(pid, "fifo", 4), clock = put(pid, "clock", 5);
	assert_int_equal(request(pid, MM_POLICY, fifo, 4, 0, 0, NULL, NULL), 0);
	assert_ptr_equal(reclaim_policy, &policy_fifo);
	assert_mm_consistent();
	assert_int_equal(request(pid, MM_POLICY, clock, 5, 0, 0, NULL, NULL), 0);
	assert_ptr_equal(reclaim_policy, &policy_clock);
	assert_mm_consistent();
	reclaim_set_policy(&was);
}

/* ---- MM_PROCINFO's paging words (stat.c) ---------------------------------- */

static void procinfo_of_another_kind_is_invalid_and_paging_reports_the_budget(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	struct ipc_msg r;
	assert_refused(pid, MM_PROCINFO, MM_PROCINFO_SELF, 2, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_PROCINFO, MM_PROCINFO_SELF, (uint64_t)-1, 0, 0, -ERR_INVAL);
	assert_int_equal(request(pid, MM_PROCINFO, MM_PROCINFO_SELF, MM_PROCINFO_PAGING, 0, 0, &r, NULL), pid);
	assert_int_equal(r.w[0], 0);            /* no major faults */
	assert_int_equal(r.w[2], 0);            /* nothing on swap */
	assert_int_equal(r.w[3], 0);            /* no budget */
	assert_int_equal(r.w[4], 0);
}

/* ---- MM_EVENTS (event.c) -------------------------------------------------- */

static void events_with_a_bad_command_or_count_are_invalid_and_change_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t buf = put(pid, "", 0);
	struct ipc_msg r;
	assert_int_equal(request(pid, MM_EVENTS, MM_EVENTS_START, 0, 0, 0, NULL, NULL), 0);
	mm_event(MM_EV_EVICT_CLEAN, pid, 0x1000, 7, 3);
	assert_refused(pid, MM_EVENTS, 3, 0, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_EVENTS, (uint64_t)-1, 0, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_EVENTS, MM_EVENTS_READ, buf, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_EVENTS, MM_EVENTS_READ, buf, MM_EVENT_RING + 1, 0, -ERR_INVAL);
	assert_refused(pid, MM_EVENTS, MM_EVENTS_READ, NO_REGION, 1, 0, -ERR_FAULT);
	/* the one event is still there, and still recording */
	assert_int_equal(request(pid, MM_EVENTS, MM_EVENTS_READ, buf, 1, 0, &r, NULL), 1);
	assert_int_equal(r.w[0], 0);
	assert_int_equal(r.w[1], 1);
	struct mm_event_rec e;
	assert_int_equal(user_read(pid, buf, &e, sizeof e), 0);
	assert_int_equal(e.seq, 0);
	assert_int_equal(e.kind, MM_EVENT_EVICT_CLEAN);
	assert_int_equal(e.va, 0x1000);
	assert_int_equal(e.slot, 3);
	assert_int_equal(request(pid, MM_EVENTS, MM_EVENTS_STOP, 0, 0, 0, &r, NULL), 0);
	assert_int_equal(r.w[1], 0);
	mm_event(MM_EV_EVICT_CLEAN, pid, 0x2000, 7, 4);     /* not recorded */
	assert_int_equal(request(pid, MM_EVENTS, MM_EVENTS_READ, buf, 1, 0, NULL, NULL), 0);
}

static void events_overflowing_the_ring_count_the_lost_ones(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t buf = put(pid, "", 0);
	struct ipc_msg r;
	assert_int_equal(request(pid, MM_EVENTS, MM_EVENTS_START, 0, 0, 0, NULL, NULL), 0);
	for (uint64_t i = 0; i < MM_EVENT_RING + 5; i++)
		mm_event(MM_EV_EVICT_CLEAN, pid, i * PAGE_SIZE, 7, i);
	assert_int_equal(request(pid, MM_EVENTS, MM_EVENTS_READ, buf, 1, 0, &r, NULL), 1);
	assert_int_equal(r.w[0], 5);
	struct mm_event_rec e;
	assert_int_equal(user_read(pid, buf, &e, sizeof e), 0);
	assert_int_equal(e.seq, 5);             /* the oldest kept */
	assert_int_equal(request(pid, MM_EVENTS, MM_EVENTS_STOP, 0, 0, 0, NULL, NULL), 0);
}

/* ---- budgets: MM_MMAP and MM_SPAWN (budget.c) ----------------------------- */

static uint64_t managed(void)
{
	uint64_t n = 0;
	for (int z = 0; z < MM_NR_ZONES; z++)
		n += mm_zones[z].managed_pages;
	return n;
}

static void mmap_with_a_malformed_budget_is_invalid_and_changes_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	const unsigned rw = MM_PROT_READ | MM_PROT_WRITE;
	const uint64_t zero[5] = { PAGE_SIZE, rw, MM_MAP_ANON | MM_MAP_BUDGET, 0, 0 };
	const uint64_t above[5] = { PAGE_SIZE, rw, MM_MAP_ANON | MM_MAP_BUDGET, 0, managed() + 1 };
	const uint64_t shared[5] = { PAGE_SIZE, rw, MM_MAP_SHARED | MM_MAP_BUDGET, 0x77, 1 };
	const uint64_t noflag[5] = { PAGE_SIZE, rw, MM_MAP_ANON, 0, 3 };
	const uint64_t stack[5] = { PAGE_SIZE, rw, MM_MAP_STACK, 0, 3 };
	assert_refused5(pid, MM_MMAP, zero, -ERR_INVAL);
	assert_refused5(pid, MM_MMAP, above, -ERR_INVAL);
	assert_refused5(pid, MM_MMAP, shared, -ERR_INVAL);
	assert_refused5(pid, MM_MMAP, noflag, -ERR_INVAL);
	assert_refused5(pid, MM_MMAP, stack, -ERR_INVAL);
}

static void mmap_with_a_budget_adds_a_pool_and_munmap_removes_it(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	int pools = pool_count();
	const uint64_t w[5] = { 2 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE, MM_MAP_ANON | MM_MAP_BUDGET, 0, 1 };
	struct ipc_msg r;
	assert_int_equal(request5(pid, MM_MMAP, w, &r), 0);
	vaddr_t va = r.w[0];
	assert_int_equal(pool_count(), pools + 1);
	const struct policy_pool *pool = reclaim_pool_nth((unsigned)pools);
	assert_int_equal(pool->limit, 1);
	assert_int_equal(touch(pid, va, MM_FAULT_WRITE), MM_FAULT_RESUME);
	assert_int_equal(pool->pages, 1);
	assert_mm_consistent();
	assert_int_equal(request(pid, MM_MUNMAP, va, 2 * PAGE_SIZE, 0, 0, NULL, NULL), 0);
	assert_int_equal(pool_count(), pools);
	assert_mm_consistent();
}

static void spawn_with_a_malformed_budget_is_invalid_and_changes_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t line = put(pid, "prog", 4);
	assert_refused(pid, MM_SPAWN, line, 4, MM_SPAWN_BUDGET, 0, -ERR_INVAL);
	assert_refused(pid, MM_SPAWN, line, 4, MM_SPAWN_BUDGET, managed() + 1, -ERR_INVAL);
	assert_refused(pid, MM_SPAWN, line, 4, MM_SPAWN_BUDGET, (uint64_t)-1, -ERR_INVAL);
	assert_refused(pid, MM_SPAWN, line, 4, 0, 64, -ERR_INVAL);     /* w3 without the flag */
}

static void spawn_with_a_budget_gives_the_child_its_pool(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t line = put(pid, "prog", 4);
	int pools = pool_count();
	int64_t child = request(pid, MM_SPAWN, line, 4, MM_SPAWN_BUDGET, 64, NULL, NULL);
	assert_true(child > 0);
	assert_int_equal(pool_count(), pools + 1);
	struct ipc_msg r;
	assert_int_equal(request((int)child, MM_PROCINFO, MM_PROCINFO_SELF, MM_PROCINFO_PAGING, 0, 0,
				 &r, NULL), child);
	assert_int_equal(r.w[3], 64);
	assert_mm_consistent();
	exit_proc((int)child, 0);
	assert_int_equal(pool_count(), pools);
	assert_mm_consistent();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		MM_TEST(vmstat_with_a_wrong_size_is_invalid_and_changes_nothing),
		MM_TEST(vmstat_of_a_pool_past_the_last_is_noent_and_changes_nothing),
		MM_TEST(vmstat_to_an_address_outside_every_region_is_a_fault),
		MM_TEST(vmstat_fills_the_global_pool_and_the_active_policy),
		MM_TEST(policy_with_a_bad_length_is_invalid_and_changes_nothing),
		MM_TEST(policy_with_an_unknown_name_is_invalid_and_changes_nothing),
		MM_TEST(policy_name_outside_every_region_is_a_fault),
		MM_TEST(policy_switches_every_pool_and_back),
		MM_TEST(procinfo_of_another_kind_is_invalid_and_paging_reports_the_budget),
		MM_TEST(events_with_a_bad_command_or_count_are_invalid_and_change_nothing),
		MM_TEST(events_overflowing_the_ring_count_the_lost_ones),
		MM_TEST(mmap_with_a_malformed_budget_is_invalid_and_changes_nothing),
		MM_TEST(mmap_with_a_budget_adds_a_pool_and_munmap_removes_it),
		MM_TEST(spawn_with_a_malformed_budget_is_invalid_and_changes_nothing),
		MM_TEST(spawn_with_a_budget_gives_the_child_its_pool),
	};
	return MM_RUN(tests);
}
