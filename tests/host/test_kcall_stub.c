/*
 * test_kcall_stub.c - the model of the kernel (tests/host/kcall_stub.c)
 * against the contract it stands in for: pagoda/syscall.h and section 3
 * of docs/mm-protocol.md. The other policy suites trust the model; these
 * tests are why they may.
 *
 * Most tests make processes directly with kcall_proc_create (the server
 * knows nothing of them) and hand-picked frames from the buddy allocator.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <pagoda/error.h>
#include "mm_env.h"
#include "buddy.h"
#include "mm_stubs.h"
#include "mm_fixture.h"

#define NONE3 ((const paddr_t[]){ PADDR_NONE, PADDR_NONE, PADDR_NONE })

static paddr_t frame(void)
{
	pfn_t pfn = buddy_alloc(0, MM_ZERO);
	assert_int_not_equal(pfn, PFN_NONE);
	return pfn_to_pa(pfn);
}

static int new_proc(void)
{
	int pid = kcall_proc_create("t", frame(), 0);
	assert_true(pid > 1);
	return pid;
}

/* Map with three fresh spares; how many were used. */
static int map3(int pid, vaddr_t va, paddr_t pa, uint64_t rights)
{
	paddr_t s[3] = { frame(), frame(), frame() };
	return kcall_map(pid, va, pa, rights, s);
}

/* ---- SYS_MM_MAP: spares, by 512 GiB / 1 GiB / 2 MiB span ----------------- */

static void map_needs_a_table_per_level_missing_on_the_path(void **state)
{
	(void)state;
	int pid = new_proc();
	vaddr_t va = 0x400000;
	assert_int_equal(map3(pid, va, frame(), MM_RIGHT_READ), 3);                 /* PDPT, PD, PT */
	assert_int_equal(map3(pid, va + PAGE_SIZE, frame(), MM_RIGHT_READ), 0);    /* same 2 MiB */
	assert_int_equal(map3(pid, va + (2ULL << 20), frame(), MM_RIGHT_READ), 1); /* new PT */
	assert_int_equal(map3(pid, va + (1ULL << 30), frame(), MM_RIGHT_READ), 2); /* new PD, PT */
	assert_int_equal(map3(pid, va + (512ULL << 30), frame(), MM_RIGHT_READ), 3);
	assert_int_equal(stub_tables(pid), 9);
	assert_int_equal(stub_mapped(pid), 5);
}

static void map_uses_the_given_spares_in_order_and_zeroes_them(void **state)
{
	(void)state;
	int pid = new_proc();
	paddr_t s[3] = { PADDR_NONE, frame(), frame() };
	memset(mm_phys_to_virt(s[1]), 0xee, PAGE_SIZE);
	assert_int_equal(kcall_map(pid, 0x600000, frame(), MM_RIGHT_READ, (paddr_t[]){ frame(), s[1], s[2] }),
			 3);
	assert_int_equal(map3(pid, 0x600000 + (1ULL << 30), frame(), 0), 2);
	/* PADDR_NONE entries are dropped: two real spares cover a new PD + PT */
	paddr_t two[3] = { PADDR_NONE, frame(), frame() };
	memset(mm_phys_to_virt(two[1]), 0xee, PAGE_SIZE);
	assert_int_equal(kcall_map(pid, 0x600000 + (2ULL << 30), frame(), 0, two), 2);
	assert_true(stub_is_table(pid, two[1]) && stub_is_table(pid, two[2]));
	assert_int_equal(((uint8_t *)mm_phys_to_virt(two[1]))[100], 0);
	assert_int_equal(stub_spares_held(), 0);
}

static void map_with_too_few_spares_fails_nomem_and_uses_none(void **state)
{
	(void)state;
	int pid = new_proc();
	paddr_t s[3] = { frame(), frame(), PADDR_NONE };
	assert_int_equal(kcall_map(pid, 0x400000, frame(), 0, s), -ERR_NOMEM);
	assert_int_equal(stub_tables(pid), 0);
	assert_int_equal(stub_mapped(pid), 0);
	assert_int_equal(stub_spares_held(), 2);     /* still mm's */
	assert_int_equal(kcall_map(pid, 0x400000, frame(), 0, NONE3), -ERR_NOMEM);
}

static void map_checks_target_then_arguments_then_busy(void **state)
{
	(void)state;
	int pid = new_proc();
	paddr_t pa = frame(), s[3] = { frame(), frame(), frame() };
	assert_int_equal(kcall_map(MM_PID, 0x400000, pa, 0, s), -ERR_SRCH);
	assert_int_equal(kcall_map(999, 0x400000, pa, 0, s), -ERR_SRCH);
	assert_int_equal(kcall_map(pid, 0x400800, pa, 0, s), -ERR_INVAL);          /* unaligned */
	assert_int_equal(kcall_map(pid, 0, pa, 0, s), -ERR_INVAL);                 /* page 0 */
	assert_int_equal(kcall_map(pid, USER_TOP, pa, 0, s), -ERR_INVAL);
	assert_int_equal(kcall_map(pid, 0x400000, pa + 8, 0, s), -ERR_INVAL);      /* frame */
	assert_int_equal(kcall_map(pid, 0x400000, mm_phys_limit, 0, s), -ERR_INVAL);
	assert_int_equal(kcall_map(pid, 0x400000, pa, 8, s), -ERR_INVAL);          /* rights */
	assert_int_equal(kcall_map(pid, 0x400000, pa, 0, (paddr_t[]){ s[0], s[0], s[1] }), -ERR_INVAL);
	assert_int_equal(kcall_map(pid, 0x400000, pa, 0, (paddr_t[]){ s[0], 12, s[1] }), -ERR_INVAL);
	assert_int_equal(stub_mapped(pid), 0);
	assert_int_equal(kcall_map(pid, 0x400000, pa, 0, s), 3);
	assert_int_equal(map3(pid, 0x400000, frame(), 0), -ERR_BUSY);
	assert_int_equal(stub_mapped(pid), 1);
}

/* ---- UNMAP, PROTECT, ACCESSED, LOOKUP --------------------------------------- */

static void unmap_returns_the_frame_with_its_accessed_and_dirty_bits(void **state)
{
	(void)state;
	int pid = new_proc();
	paddr_t a = frame(), b = frame();
	uint64_t why;
	map3(pid, 0x400000, a, MM_RIGHT_WRITE);
	map3(pid, 0x401000, b, MM_RIGHT_WRITE);
	assert_int_equal(kcall_unmap(pid, 0x401000), (int64_t)b);                  /* untouched */
	assert_true(stub_access(pid, 0x400010, MM_FAULT_WRITE, &why));
	assert_int_equal(kcall_unmap(pid, 0x400000), (int64_t)(a | MM_PTE_ACCESSED | MM_PTE_DIRTY));
	assert_int_equal(kcall_unmap(pid, 0x400000), -ERR_NOENT);
	assert_int_equal(kcall_unmap(pid, 0x400010), -ERR_INVAL);
	assert_int_equal(kcall_unmap(MM_PID, 0x400000), -ERR_SRCH);
	assert_int_equal(stub_tables(pid), 3);       /* tables stay until pruned */
}

static void protect_changes_what_a_user_access_may_do(void **state)
{
	(void)state;
	int pid = new_proc();
	uint64_t why = 0;
	map3(pid, 0x400000, frame(), MM_RIGHT_READ);
	assert_true(stub_access(pid, 0x400000, MM_FAULT_READ, &why));
	assert_false(stub_access(pid, 0x400000, MM_FAULT_WRITE, &why));
	assert_int_equal(why, MM_FAULT_WRITE | MM_FAULT_PRESENT);
	assert_false(stub_access(pid, 0x400000, MM_FAULT_EXEC, &why));
	assert_int_equal(why, MM_FAULT_EXEC | MM_FAULT_PRESENT);
	assert_int_equal(kcall_protect(pid, 0x400000, MM_RIGHT_WRITE | MM_RIGHT_EXEC), 0);
	assert_true(stub_access(pid, 0x400000, MM_FAULT_WRITE, &why));
	assert_true(stub_access(pid, 0x400000, MM_FAULT_EXEC, &why));
	assert_false(stub_access(pid, 0x500000, MM_FAULT_READ, &why));
	assert_int_equal(why, MM_FAULT_READ);        /* not present */
	assert_int_equal(kcall_protect(pid, 0x500000, 0), -ERR_NOENT);
	assert_int_equal(kcall_protect(pid, 0x400000, 0x10), -ERR_INVAL);
}

static void accessed_reads_and_clears_the_bits_of_up_to_63_pages(void **state)
{
	(void)state;
	int pid = new_proc();
	uint64_t why;
	for (int i = 0; i < 4; i++)
		map3(pid, 0x400000 + i * PAGE_SIZE, frame(), 0);
	assert_true(stub_access(pid, 0x401000, MM_FAULT_READ, &why));
	assert_true(stub_access(pid, 0x403fff, MM_FAULT_READ, &why));
	assert_int_equal(kcall_accessed(pid, 0x400000, 8), 0xa);
	assert_int_equal(kcall_accessed(pid, 0x400000, 8), 0);
	assert_int_equal(kcall_accessed(pid, 0x400000, 0), -ERR_INVAL);
	assert_int_equal(kcall_accessed(pid, 0x400000, 64), -ERR_INVAL);
	assert_int_equal(kcall_accessed(pid, USER_TOP - PAGE_SIZE, 2), -ERR_INVAL);
}

static void lookup_reports_frame_bits_and_rights_and_changes_nothing(void **state)
{
	(void)state;
	int pid = new_proc();
	paddr_t pa = frame();
	uint64_t why;
	map3(pid, 0x400000, pa, MM_RIGHT_WRITE);
	assert_int_equal(kcall_lookup(pid, 0x400000), (int64_t)(pa | MM_PTE_WRITE));
	assert_true(stub_access(pid, 0x400000, MM_FAULT_WRITE, &why));
	int64_t e = pa | MM_PTE_ACCESSED | MM_PTE_DIRTY | MM_PTE_WRITE;
	assert_int_equal(kcall_lookup(pid, 0x400000), e);
	assert_int_equal(kcall_lookup(pid, 0x400000), e);          /* still there */
	assert_int_equal(kcall_accessed(pid, 0x400000, 1), 1);
	kcall_protect(pid, 0x400000, MM_RIGHT_EXEC);
	assert_int_equal(kcall_lookup(pid, 0x400000), (int64_t)(pa | MM_PTE_DIRTY | MM_PTE_EXEC));
	assert_int_equal(kcall_lookup(pid, 0x401000), -ERR_NOENT);
	assert_int_equal(kcall_lookup(pid, 0x400001), -ERR_INVAL);
	assert_int_equal(kcall_lookup(MM_PID, 0x400000), -ERR_SRCH);
}

/* ---- PRUNE -------------------------------------------------------------------- */

static void prune_returns_only_tables_whose_span_maps_nothing(void **state)
{
	(void)state;
	int pid = new_proc();
	paddr_t out[MM_PRUNE_MAX];
	map3(pid, 0x400000, frame(), 0);                 /* PDPT, PD, PT0 */
	map3(pid, 0x600000, frame(), 0);                 /* PT1, same PD */
	assert_int_equal(kcall_prune(pid, 0x400000, 0x400000, out, MM_PRUNE_MAX), 0);
	kcall_unmap(pid, 0x600000);
	assert_int_equal(kcall_prune(pid, 0x400000, 0x400000, out, MM_PRUNE_MAX), 1);  /* PT1 only */
	assert_int_equal(stub_tables(pid), 3);
	assert_false(stub_is_table(pid, out[0]));
	kcall_unmap(pid, 0x400000);
	/* a range meeting the spans of PT0, its PD and its PDPT: all three, bottom up */
	assert_int_equal(kcall_prune(pid, 0x401000, PAGE_SIZE, out, MM_PRUNE_MAX), 3);
	assert_int_equal(stub_tables(pid), 0);
}

static void prune_stops_at_max_and_checks_its_arguments(void **state)
{
	(void)state;
	int pid = new_proc();
	paddr_t out[MM_PRUNE_MAX];
	for (int i = 0; i < 4; i++) {
		map3(pid, 0x400000 + ((uint64_t)i << 21), frame(), 0);
		kcall_unmap(pid, 0x400000 + ((uint64_t)i << 21));
	}
	assert_int_equal(stub_tables(pid), 6);
	assert_int_equal(kcall_prune(pid, 0x400000, 8ULL << 20, out, 2), 2);     /* n == max */
	assert_int_equal(kcall_prune(pid, 0x400000, 8ULL << 20, out, 2), 2);
	assert_int_equal(kcall_prune(pid, 0x400000, 8ULL << 20, out, 2), 2);
	assert_int_equal(kcall_prune(pid, 0x400000, 8ULL << 20, out, 2), 0);
	assert_int_equal(kcall_prune(pid, 0x400000, 0, out, 2), -ERR_INVAL);
	assert_int_equal(kcall_prune(pid, 0x400000, PAGE_SIZE, out, 0), -ERR_INVAL);
	assert_int_equal(kcall_prune(pid, 0x400000, PAGE_SIZE, out, MM_PRUNE_MAX + 1), -ERR_INVAL);
	assert_int_equal(kcall_prune(pid, 0, PAGE_SIZE, out, 1), -ERR_INVAL);
	assert_int_equal(kcall_prune(pid, USER_TOP - PAGE_SIZE, 2 * PAGE_SIZE, out, 1), -ERR_INVAL);
	assert_int_equal(kcall_prune(pid, 0x400000, PAGE_SIZE, NULL, 1), -ERR_FAULT);
	assert_int_equal(kcall_prune(MM_PID, 0x400000, PAGE_SIZE, out, 1), -ERR_SRCH);
}

/* ---- COPY and user accesses ------------------------------------------------------ */

static void copy_goes_through_the_page_tables_into_physical_memory(void **state)
{
	(void)state;
	int a = new_proc(), b = new_proc();
	paddr_t pa = frame(), pb = frame(), pc = frame();
	char buf[32] = { 0 };
	map3(a, 0x400000, pa, MM_RIGHT_WRITE);
	map3(b, 0x800000, pb, MM_RIGHT_WRITE);
	map3(b, 0x801000, pc, MM_RIGHT_WRITE);
	memcpy((char *)mm_phys_to_virt(pa) + 0xf00, "across the pages", 17);
	assert_int_equal(kcall_copy(a, 0x400f00, b, 0x800ff8, 17), 0);
	assert_memory_equal((char *)mm_phys_to_virt(pb) + 0xff8, "across t", 8);
	assert_memory_equal(mm_phys_to_virt(pc), "he pages", 9);
	assert_int_equal(kcall_copy(b, 0x800ff8, MM_PID, (vaddr_t)(uintptr_t)buf, 17), 0);
	assert_string_equal(buf, "across the pages");
	assert_int_equal(stub_user_read(b, 0x800ff8, buf, 17), 0);
	assert_string_equal(buf, "across the pages");
}

static void copy_over_a_page_that_is_not_present_fails_and_copies_nothing(void **state)
{
	(void)state;
	int a = new_proc();
	paddr_t pa = frame();
	char buf[16];
	map3(a, 0x400000, pa, MM_RIGHT_WRITE);
	memset(buf, 'x', sizeof buf);
	assert_int_equal(kcall_copy(a, 0x400ff8, MM_PID, (vaddr_t)(uintptr_t)buf, 16), -ERR_FAULT);
	assert_int_equal(buf[0], 'x');
	assert_int_equal(kcall_copy(MM_PID, (vaddr_t)(uintptr_t)buf, a, 0x400ff8, 16), -ERR_FAULT);
	assert_int_equal(((char *)mm_phys_to_virt(pa))[0xff8], 0);
	kcall_protect(a, 0x400000, MM_RIGHT_READ);
	assert_int_equal(kcall_copy(MM_PID, (vaddr_t)(uintptr_t)buf, a, 0x400000, 16), -ERR_FAULT);
	assert_int_equal(stub_user_write(a, 0x400000, buf, 1), -ERR_FAULT);
	assert_int_equal(kcall_copy(a, 0x400000, MM_PID, (vaddr_t)(uintptr_t)buf, (1u << 20) + 1), -ERR_INVAL);
	assert_int_equal(kcall_copy(999, 0x400000, MM_PID, (vaddr_t)(uintptr_t)buf, 1), -ERR_SRCH);
}

static void user_accesses_set_accessed_and_dirty_bits(void **state)
{
	(void)state;
	int a = new_proc();
	paddr_t pa = frame();
	char c = 'q';
	map3(a, 0x400000, pa, MM_RIGHT_WRITE);
	assert_int_equal(stub_user_read(a, 0x400000, &c, 1), 0);
	assert_int_equal(stub_pte(a, 0x400000) & (MM_PTE_ACCESSED | MM_PTE_DIRTY), MM_PTE_ACCESSED);
	assert_int_equal(stub_user_write(a, 0x400001, "z", 1), 0);
	assert_int_equal(stub_pte(a, 0x400000) & (MM_PTE_ACCESSED | MM_PTE_DIRTY),
			 MM_PTE_ACCESSED | MM_PTE_DIRTY);
	assert_int_equal(((char *)mm_phys_to_virt(pa))[1], 'z');
}

/* ---- processes ------------------------------------------------------------------- */

static void kill_makes_the_process_dead_and_reports_its_exit_once(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	int pid = p->pid;
	assert_int_equal(kcall_kill(pid, -1), 0);
	assert_int_equal(stub_state(pid), STUB_DEAD);
	assert_int_equal(kcall_kill(pid, -1), -ERR_SRCH);          /* not a target now */
	assert_int_equal(kcall_lookup(pid, USER_STACK_TOP - PAGE_SIZE), -ERR_SRCH);
	assert_int_equal(kcall_proc_destroy(pid), -ERR_BUSY);      /* not yet reported */
	assert_int_equal(stub_exits_pending(), 1);
	assert_int_equal(stub_deliver_exits(), 1);                 /* mm_handle_exit destroys it */
	assert_int_equal(stub_state(pid), STUB_FREE);
	assert_int_equal(stub_deliver_exits(), 0);
	assert_null(mm_proc_find(pid));
	assert_int_equal(free_at_rest(), baseline);
}

static void destroy_refuses_a_live_process_and_mm_itself(void **state)
{
	(void)state;
	int pid = new_proc();
	assert_int_equal(kcall_proc_destroy(pid), -ERR_BUSY);
	assert_int_equal(kcall_proc_destroy(MM_PID), -ERR_SRCH);
	assert_int_equal(kcall_proc_destroy(999), -ERR_SRCH);
}

static void proc_create_checks_flags_root_one_enumerator_and_the_table_size(void **state)
{
	(void)state;
	assert_int_equal(kcall_proc_create("t", frame(), 0x4), -ERR_INVAL);
	assert_int_equal(kcall_proc_create("t", 0x1234, 0), -ERR_INVAL);
	int enumerator = kcall_proc_create("devmgr", frame(), PROC_FLAG_DEVMGR);
	assert_true(enumerator > 1);
	assert_int_equal(kcall_proc_create("devmgr", frame(), PROC_FLAG_DEVMGR), -ERR_BUSY);
	assert_int_equal(kcall_kill(enumerator, 0), 0);
	assert_true(kcall_proc_create("devmgr", frame(), PROC_FLAG_DEVMGR) > enumerator);
	stub_kernel_reset();
	for (int i = 0; i < STUB_PROCS; i++)
		assert_true(kcall_proc_create("t", frame(), PROC_FLAG_POWER) > 1);
	assert_int_equal(kcall_proc_create("t", frame(), 0), -ERR_NOSPC);
	assert_int_equal(stub_live_count(), STUB_PROCS);
}

static void thread_start_checks_addresses_and_records_the_first_thread(void **state)
{
	(void)state;
	int pid = new_proc();
	assert_int_equal(kcall_thread_start(pid, 0, 0x7000, 0), -ERR_INVAL);
	assert_int_equal(kcall_thread_start(pid, 0x401000, USER_TOP, 0), -ERR_INVAL);
	assert_int_equal(kcall_thread_start(MM_PID, 0x401000, 0x7000, 0), -ERR_SRCH);
	assert_true(kcall_thread_start(pid, 0x401000, 0x7000, 0) > 0);
	assert_int_equal(stub_threads(pid), 1);
	assert_int_equal(stub_entry(pid), 0x401000);
	assert_int_equal(stub_rsp(pid), 0x7000);
}

static void ipc_allow_fills_a_table_of_eight(void **state)
{
	(void)state;
	int pid = new_proc(), others[9];
	for (int i = 0; i < 9; i++)
		others[i] = new_proc();
	for (int i = 0; i < 8; i++)
		assert_int_equal(kcall_ipc_allow(pid, others[i]), 0);
	assert_int_equal(kcall_ipc_allow(pid, others[0]), 0);      /* already there */
	assert_int_equal(kcall_ipc_allow(pid, others[8]), -ERR_NOSPC);
	assert_true(stub_allowed(pid, others[7]));
	assert_false(stub_allowed(pid, others[8]));
	assert_int_equal(kcall_ipc_allow(pid, 999), -ERR_SRCH);
	assert_int_equal(kcall_ipc_allow(MM_PID, pid), -ERR_SRCH);
}

static void reply_is_recorded_and_no_reply_handle_is_refused(void **state)
{
	(void)state;
	struct ipc_msg m = { .tag = 7, .w = { 1, 2 } };
	assert_int_equal(kcall_reply(42, &m), 0);
	assert_int_equal(kcall_reply(IPC_NO_REPLY, &m), -ERR_INVAL);
	assert_int_equal(stub_replies(), 1);
	assert_int_equal(stub_reply_at(0)->handle, 42);
	assert_int_equal(stub_reply_at(0)->msg.tag, 7);
	assert_int_equal(stub_reply_at(0)->msg.w[1], 2);
}

static void a_forced_failure_hits_the_chosen_call_once(void **state)
{
	(void)state;
	int pid = new_proc();
	stub_fail(STUB_MAP, 1, -ERR_NOMEM);
	assert_int_equal(map3(pid, 0x400000, frame(), 0), 3);
	assert_int_equal(map3(pid, 0x401000, frame(), 0), -ERR_NOMEM);
	assert_int_equal(stub_mapped(pid), 1);
	assert_int_equal(map3(pid, 0x401000, frame(), 0), 0);
	assert_int_equal(stub_calls(STUB_MAP), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		MM_TEST(map_needs_a_table_per_level_missing_on_the_path),
		MM_TEST(map_uses_the_given_spares_in_order_and_zeroes_them),
		MM_TEST(map_with_too_few_spares_fails_nomem_and_uses_none),
		MM_TEST(map_checks_target_then_arguments_then_busy),
		MM_TEST(unmap_returns_the_frame_with_its_accessed_and_dirty_bits),
		MM_TEST(protect_changes_what_a_user_access_may_do),
		MM_TEST(accessed_reads_and_clears_the_bits_of_up_to_63_pages),
		MM_TEST(lookup_reports_frame_bits_and_rights_and_changes_nothing),
		MM_TEST(prune_returns_only_tables_whose_span_maps_nothing),
		MM_TEST(prune_stops_at_max_and_checks_its_arguments),
		MM_TEST(copy_goes_through_the_page_tables_into_physical_memory),
		MM_TEST(copy_over_a_page_that_is_not_present_fails_and_copies_nothing),
		MM_TEST(user_accesses_set_accessed_and_dirty_bits),
		MM_TEST(kill_makes_the_process_dead_and_reports_its_exit_once),
		MM_TEST(destroy_refuses_a_live_process_and_mm_itself),
		MM_TEST(proc_create_checks_flags_root_one_enumerator_and_the_table_size),
		MM_TEST(thread_start_checks_addresses_and_records_the_first_thread),
		MM_TEST(ipc_allow_fills_a_table_of_eight),
		MM_TEST(reply_is_recorded_and_no_reply_handle_is_refused),
		MM_TEST(a_forced_failure_hits_the_chosen_call_once),
	};
	return MM_RUN(tests);
}
