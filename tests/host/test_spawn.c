/*
 * test_spawn.c - creating processes from boot modules (servers/mm/spawn.c):
 * the regions a program gets, what is mapped up front (only the argv
 * page), argv itself, and the one unwind path: a failure after the kernel
 * created the process kills it, and its exit report frees everything.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <pagoda/error.h>
#include "mm_env.h"
#include "check.h"
#include "mm_stubs.h"
#include "mm_maps.h"
#include "mm_fixture.h"

static void assert_region(struct mm_proc *p, vaddr_t start, vaddr_t end, unsigned prot, enum region_kind kind)
{
	struct mm_region *r = region_find(p, start);
	assert_non_null(r);
	assert_int_equal(r->start, start);
	assert_int_equal(r->end, end);
	assert_int_equal(r->prot, prot);
	assert_int_equal(r->kind, kind);
}

static void a_program_gets_a_region_per_segment_and_a_stack_and_only_its_argv_page(void **state)
{
	(void)state;
	uint8_t module[64];
	memcpy(module, mm_phys_to_virt(MiB(8) + PROG_DATA_OFF), sizeof module);
	struct mm_proc *p = spawn("prog");
	assert_region(p, PROG_TEXT_VA, PROG_TEXT_VA + PAGE_SIZE, MM_PROT_READ | MM_PROT_EXEC, REGION_ELF);
	assert_region(p, 0x402000, PROG_END, MM_PROT_READ | MM_PROT_WRITE, REGION_ELF);
	assert_region(p, USER_STACK_TOP - MM_STACK_MAX, USER_STACK_TOP, MM_PROT_READ | MM_PROT_WRITE,
		      REGION_STACK);
	assert_null(region_of_kind(p, REGION_HEAP));         /* the heap starts empty */
	assert_true(p->brk_start >= PROG_DATA_VA + PROG_DATA_MEM);
	assert_int_equal(p->brk, p->brk_start);
	assert_int_equal(p->resident, 1);
	assert_int_equal(stub_mapped(p->pid), 1);
	assert_true(stub_pte(p->pid, USER_STACK_TOP - PAGE_SIZE) >= 0);
	assert_int_equal(p->faults, 0);
	/* nothing is copied from the module until a page is touched */
	assert_memory_equal(module, mm_phys_to_virt(MiB(8) + PROG_DATA_OFF), sizeof module);
	assert_string_equal(stub_name(p->pid), "prog");
	assert_string_equal(p->name, "prog");
	assert_int_equal(stub_entry(p->pid), PROG_ENTRY);
	assert_mm_consistent();
}

static uint64_t argc_of(int pid)
{
	uint64_t argc = 0;
	assert_int_equal(stub_user_read(pid, stub_rsp(pid), &argc, sizeof argc), 0);
	return argc;
}

static void argv_is_the_words_of_the_line_at_most_sixteen(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("  prog   a  b ");
	assert_int_equal(argc_of(p->pid), 3);
	p = spawn("prog 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19");
	assert_int_equal(argc_of(p->pid), 16);
	vaddr_t argv15;
	char word[4] = { 0 };
	assert_int_equal(stub_user_read(p->pid, stub_rsp(p->pid) + 8 * 16, &argv15, 8), 0);
	assert_int_equal(stub_user_read(p->pid, argv15, word, 3), 0);
	assert_string_equal(word, "15");
	assert_mm_consistent();
}

static void a_line_naming_no_module_mm_itself_or_nothing_is_refused_and_leaves_nothing(void **state)
{
	(void)state;
	assert_int_equal(mm_spawn_program("nosuch", 0, 0), -ERR_NOENT);
	assert_int_equal(mm_spawn_program("mm", 0, 0), -ERR_NOENT);
	assert_int_equal(mm_spawn_program("   ", 0, 0), -ERR_INVAL);
	assert_int_equal(mm_spawn_program("", 0, 0), -ERR_INVAL);
	assert_int_equal(mm_spawn_program("progx", 0, 0), -ERR_NOENT);
	assert_int_equal(stub_calls(STUB_PROC_CREATE), 0);
	assert_null(mm_proc_first());
	assert_int_equal(free_at_rest(), baseline);
}

/* Each failure after SYS_MM_PROC_CREATE: the child is killed (status -1),
 * nobody waits for it, and its exit frees it all. */
static void assert_spawn_unwinds(int parent, unsigned flags, int err)
{
	uint64_t before = free_at_rest();
	int procs = mm_proc_count();
	assert_int_equal(mm_spawn_program("prog", parent, flags), err);
	assert_int_equal(stub_exits_pending(), 1);
	assert_mm_consistent();
	assert_int_equal(stub_deliver_exits(), 1);
	assert_int_equal(mm_proc_count(), procs);
	assert_int_equal(free_at_rest(), before);
	assert_int_equal(stub_replies(), 0);
	assert_mm_consistent();
}

static void a_failed_ipc_permission_kills_the_child_and_its_exit_frees_everything(void **state)
{
	(void)state;
	int parent = spawn("prog")->pid;
	stub_fail(STUB_IPC_ALLOW, 0, -ERR_NOSPC);
	assert_spawn_unwinds(parent, MM_SPAWN_IPC_PARENT, -ERR_NOSPC);
	stub_fail(STUB_IPC_ALLOW, 1, -ERR_NOSPC);                /* the second direction */
	assert_spawn_unwinds(parent, MM_SPAWN_IPC_PARENT, -ERR_NOSPC);
}

static void no_page_tables_for_the_argv_page_kills_the_child_and_frees_everything(void **state)
{
	(void)state;
	stub_fail(STUB_MAP, 0, -ERR_NOMEM);
	assert_spawn_unwinds(0, 0, -ERR_NOMEM);
	stub_fail(STUB_THREAD_START, 0, -ERR_NOSPC);
	assert_spawn_unwinds(0, 0, -ERR_NOSPC);
	assert_int_equal(free_at_rest(), baseline);
}

/* The kernel refusing to kill a process mm just created is a broken
 * invariant (mm_bug), not an error for the parent to see. */
static void a_kill_the_kernel_refuses_while_unwinding_is_reported_as_a_bug(void **state)
{
	(void)state;
	stub_fail(STUB_THREAD_START, 0, -ERR_NOSPC);
	stub_fail(STUB_KILL, 0, -ERR_SRCH);
	assert_int_equal(mm_spawn_program("prog", 0, 0), -ERR_NOSPC);
	assert_int_equal(stub_bug_count, 1);
	assert_non_null(strstr(stub_bug_last, "mm_spawn_program: the kernel cannot kill pid 2 it just created"));
	stub_bug_reset();
}

static void a_child_of_a_parent_is_recorded_with_it(void **state)
{
	(void)state;
	int parent = spawn("prog")->pid;
	int child = mm_spawn_program("prog", parent, MM_SPAWN_IPC_PARENT);
	assert_true(child > parent);
	assert_int_equal(proc(child)->parent, parent);
	assert_true(stub_allowed(child, parent));
	assert_true(stub_allowed(parent, child));
	/* without the flag, no permission either way */
	int other = mm_spawn_program("prog", parent, 0);
	assert_false(stub_allowed(other, parent));
	assert_false(stub_allowed(parent, other));
	assert_mm_consistent();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		MM_TEST(a_program_gets_a_region_per_segment_and_a_stack_and_only_its_argv_page),
		MM_TEST(argv_is_the_words_of_the_line_at_most_sixteen),
		MM_TEST(a_line_naming_no_module_mm_itself_or_nothing_is_refused_and_leaves_nothing),
		MM_TEST(a_failed_ipc_permission_kills_the_child_and_its_exit_frees_everything),
		MM_TEST(no_page_tables_for_the_argv_page_kills_the_child_and_frees_everything),
		MM_TEST(a_kill_the_kernel_refuses_while_unwinding_is_reported_as_a_bug),
		MM_TEST(a_child_of_a_parent_is_recorded_with_it),
	};
	return MM_RUN(tests);
}
