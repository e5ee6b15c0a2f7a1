/*
 * test_requests.c - the memory server's requests (servers/mm/requests.c)
 * against docs/mm-protocol.md section 1: every malformed request gets its
 * documented error and changes nothing (a snapshot of the caller, the
 * kernel model and the free frames before and after, and the checkers),
 * and the well-formed ones do what the table says.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <pagoda/error.h>
#include "mm_env.h"
#include "buddy.h"
#include "zone.h"
#include "check.h"
#include "mm_stubs.h"
#include "mm_maps.h"
#include "mm_fixture.h"
#include "rng.h"

#define ARGV_PAGE  (USER_STACK_TOP - PAGE_SIZE)
#define LINE_VA    (ARGV_PAGE + 0x100)      /* present from spawn on */
#define NO_REGION  0x10000000ULL

/* ---- "changes nothing" --------------------------------------------------- */

struct snapshot {
	uint64_t free, resident, pagetables, faults, mapped, tables;
	vaddr_t brk, brk_start;
	int procs, live, replies, nregions;
	struct { vaddr_t start, end; unsigned prot; int kind; } regions[16];
};

static void take(struct snapshot *s, int pid)
{
	struct mm_proc *p = mm_proc_find(pid);
	memset(s, 0, sizeof *s);
	s->free = free_at_rest();
	s->procs = mm_proc_count();
	s->live = stub_live_count();
	s->replies = (int)stub_replies();
	s->mapped = stub_mapped(pid);
	s->tables = stub_tables(pid);
	if (!p)
		return;
	s->resident = p->resident;
	s->pagetables = p->pagetables;
	s->faults = p->faults;
	s->brk = p->brk;
	s->brk_start = p->brk_start;
	for (struct mm_region *r = p->regions; r && s->nregions < 16; r = r->next, s->nregions++) {
		s->regions[s->nregions].start = r->start;
		s->regions[s->nregions].end = r->end;
		s->regions[s->nregions].prot = r->prot;
		s->regions[s->nregions].kind = (int)r->kind;
	}
}

static void assert_unchanged(const struct snapshot *before, int pid)
{
	struct snapshot now;
	take(&now, pid);
	assert_memory_equal(&now, before, sizeof now);
	assert_mm_consistent();
}

/* The request gets `err` and changes nothing. */
static void assert_refused(int pid, int64_t tag, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3,
			   int err)
{
	struct snapshot s;
	take(&s, pid);
	assert_int_equal(request(pid, tag, w0, w1, w2, w3, NULL, NULL), err);
	assert_unchanged(&s, pid);
}

static vaddr_t put_line(int pid, const char *line)
{
	assert_int_equal(stub_user_write(pid, LINE_VA, line, strlen(line)), 0);
	return LINE_VA;
}

/* A child of parent that has exited; its record waits for the parent. */
static int zombie_child_of(int parent)
{
	int pid = mm_spawn_program("prog", parent, 0);
	assert_true(pid > 0);
	exit_proc(pid, 5);
	assert_non_null(mm_proc_find(pid));
	assert_false(mm_proc_find(pid)->alive);
	return pid;
}

/* ---- every request from a process mm does not know ---------------------- */

static void requests_from_unknown_or_exited_callers_get_srch_and_change_nothing(void **state)
{
	(void)state;
	struct mm_proc *parent = spawn("prog");
	int zombie = zombie_child_of(parent->pid);
	for (int pid = 0; pid < 2; pid++) {
		int caller = pid ? zombie : 999;
		assert_refused(caller, MM_SPAWN, LINE_VA, 4, 0, 0, -ERR_SRCH);
		assert_refused(caller, MM_WAIT, (uint64_t)-1, 0, 0, 0, -ERR_SRCH);
		assert_refused(caller, MM_SBRK, PAGE_SIZE, 0, 0, 0, -ERR_SRCH);
		assert_refused(caller, MM_MMAP, PAGE_SIZE, MM_PROT_READ, 0, 0, -ERR_SRCH);
		assert_refused(caller, MM_MUNMAP, USER_MMAP_BASE, PAGE_SIZE, 0, 0, -ERR_SRCH);
		assert_refused(caller, MM_MPROTECT, USER_MMAP_BASE, PAGE_SIZE, 1, 0, -ERR_SRCH);
		assert_refused(caller, MM_PROCINFO, MM_PROCINFO_SELF, 0, 0, 0, -ERR_SRCH);
	}
}

/* ---- MM_SPAWN -------------------------------------------------------------- */

static void spawn_with_bad_length_or_flags_is_invalid_and_changes_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t line = put_line(pid, "prog");
	assert_refused(pid, MM_SPAWN, line, 0, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_SPAWN, line, MM_ARGV_MAX, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_SPAWN, line, (uint64_t)-1, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_SPAWN, line, 4, 0x4, 0, -ERR_INVAL);
	assert_refused(pid, MM_SPAWN, line, 4, 1ULL << 40, 0, -ERR_INVAL);
}

static void spawn_power_from_a_caller_without_power_is_refused(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	assert_refused(pid, MM_SPAWN, put_line(pid, "prog"), 4, MM_SPAWN_POWER, 0, -ERR_PERM);
}

static void spawn_line_outside_every_region_is_a_fault_and_changes_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	assert_refused(pid, MM_SPAWN, NO_REGION, 4, 0, 0, -ERR_FAULT);
	assert_refused(pid, MM_SPAWN, 0, 4, 0, 0, -ERR_FAULT);
	assert_refused(pid, MM_SPAWN, USER_TOP - 2, 4, 0, 0, -ERR_FAULT);
	/* straddling the end of the stack region into nothing */
	assert_refused(pid, MM_SPAWN, USER_STACK_TOP - 2, 4, 0, 0, -ERR_FAULT);
}

static void spawn_line_without_words_is_invalid(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	assert_refused(pid, MM_SPAWN, put_line(pid, "    "), 4, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_SPAWN, put_line(pid, "\0rog"), 4, 0, 0, -ERR_INVAL);
}

/* The line lies on an anonymous page never touched: mm fills it (zeros,
 * so the line is empty, ERR_INVAL) instead of refusing with ERR_FAULT. */
static void spawn_line_on_an_untouched_page_is_filled_not_refused(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t a = map_anon(pid, PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	uint64_t resident = proc(pid)->resident;
	assert_int_equal(request(pid, MM_SPAWN, a, 4, 0, 0, NULL, NULL), -ERR_INVAL);
	assert_int_equal(proc(pid)->resident, resident + 1);
	assert_true(stub_pte(pid, a) >= 0);
	assert_mm_consistent();
}

static void spawn_of_unknown_program_or_of_mm_itself_is_noent(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	assert_refused(pid, MM_SPAWN, put_line(pid, "nosuch"), 6, 0, 0, -ERR_NOENT);
	assert_refused(pid, MM_SPAWN, put_line(pid, "mm arg"), 6, 0, 0, -ERR_NOENT);
}

struct spawn_call {
	int pid;
	int64_t tag;
};

static void call_spawn(void *arg)
{
	struct spawn_call *c = arg;
	c->tag = request(c->pid, MM_SPAWN, LINE_VA, 4, 0, 0, NULL, NULL);
}

static void spawn_of_a_module_that_is_not_elf_is_invalid_and_logged(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	put_line(pid, "junk");
	struct snapshot s;
	take(&s, pid);
	char said[256];
	struct spawn_call c = { pid, 0 };
	capture_stdout(call_spawn, &c, said, sizeof said);
	assert_int_equal(c.tag, -ERR_INVAL);
	assert_string_equal(said, "mm: cannot run 'junk': not an ELF file (bad magic)\n");
	assert_unchanged(&s, pid);
}

/* The kernel refuses the process: nothing is left behind. */
static void spawn_with_a_full_process_table_is_nospc_and_leaves_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	put_line(pid, "prog");
	stub_fail(STUB_PROC_CREATE, 0, -ERR_NOSPC);
	assert_refused(pid, MM_SPAWN, LINE_VA, 4, 0, 0, -ERR_NOSPC);
}

/* Failures after the kernel created the process kill it; its exit gives
 * everything back (one unwind path). */
static void spawn_failing_after_creation_kills_the_child_and_its_exit_frees_all(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	uint64_t free_before = free_at_rest();
	put_line(pid, "overlap");
	assert_int_equal(request(pid, MM_SPAWN, LINE_VA, 7, 0, 0, NULL, NULL), -ERR_BUSY);
	assert_int_equal(stub_exits_pending(), 1);
	assert_mm_consistent();
	assert_int_equal(stub_deliver_exits(), 1);
	assert_int_equal(free_at_rest(), free_before);
	assert_int_equal(mm_proc_count(), 1);

	put_line(pid, "prog");
	stub_fail(STUB_THREAD_START, 0, -ERR_NOSPC);
	assert_int_equal(request(pid, MM_SPAWN, LINE_VA, 4, 0, 0, NULL, NULL), -ERR_NOSPC);
	assert_mm_consistent();
	assert_int_equal(stub_deliver_exits(), 1);
	assert_int_equal(free_at_rest(), free_before);
	assert_int_equal(mm_proc_count(), 1);
	assert_mm_consistent();
}

static void spawn_without_memory_for_the_root_is_nomem_and_changes_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	static pfn_t got[MiB(64) / PAGE_SIZE];
	size_t n = 0;
	put_line(pid, "prog");
	while ((got[n] = buddy_alloc(0, MM_EMERGENCY)) != PFN_NONE)
		n++;
	assert_refused(pid, MM_SPAWN, LINE_VA, 4, 0, 0, -ERR_NOMEM);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(buddy_free(got[i], 0), ERR_OK);
}

static void spawn_starts_the_child_with_its_argv_parent_and_permissions(void **state)
{
	(void)state;
	int parent = mm_spawn_program("prog", 0, MM_SPAWN_POWER);
	const char line[] = "prog alpha beta";
	put_line(parent, line);
	int64_t child = request(parent, MM_SPAWN, LINE_VA, sizeof line - 1,
				MM_SPAWN_IPC_PARENT | MM_SPAWN_POWER, 0, NULL, NULL);
	assert_true(child > parent);
	struct mm_proc *c = proc((int)child);
	assert_int_equal(c->parent, parent);
	assert_true(stub_allowed((int)child, parent) && stub_allowed(parent, (int)child));
	assert_int_equal(stub_flags((int)child), PROC_FLAG_POWER);
	assert_int_equal(stub_entry((int)child), PROG_ENTRY);
	assert_int_equal(stub_threads((int)child), 1);
	/* argc and argv on the stack, where the thread starts */
	uint64_t argc, argv2;
	char word[8] = { 0 };
	assert_int_equal(stub_user_read((int)child, stub_rsp((int)child), &argc, 8), 0);
	assert_int_equal(argc, 3);
	assert_int_equal(stub_user_read((int)child, stub_rsp((int)child) + 24, &argv2, 8), 0);
	assert_int_equal(stub_user_read((int)child, argv2, word, 5), 0);
	assert_string_equal(word, "beta");
	assert_int_equal(c->resident, 1);            /* only the stack's top page */
	assert_mm_consistent();
}

/* ---- MM_WAIT --------------------------------------------------------------- */

static void wait_for_a_bad_pid_is_invalid_and_for_a_stranger_is_srch(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid, other = spawn("prog")->pid;
	assert_refused(pid, MM_WAIT, 0, 0, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_WAIT, (uint64_t)-2, 0, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_WAIT, (uint64_t)-1, 0, 0, 0, -ERR_SRCH);     /* no children */
	assert_refused(pid, MM_WAIT, (uint64_t)other, 0, 0, 0, -ERR_SRCH);   /* not its child */
}

static void wait_for_an_exited_child_answers_at_once_and_frees_its_record(void **state)
{
	(void)state;
	int parent = spawn("prog")->pid;
	int child = zombie_child_of(parent);
	struct ipc_msg r;
	int answered;
	assert_int_equal(request(parent, MM_WAIT, (uint64_t)child, 0, 0, 0, &r, &answered), child);
	assert_int_equal(answered, 1);
	assert_int_equal((int64_t)r.w[0], 5);
	assert_null(mm_proc_find(child));
	assert_refused(parent, MM_WAIT, (uint64_t)-1, 0, 0, 0, -ERR_SRCH);
}

static void wait_for_a_running_child_is_answered_when_it_exits(void **state)
{
	(void)state;
	int parent = spawn("prog")->pid;
	int child = mm_spawn_program("prog", parent, 0);
	int answered;
	assert_int_equal(request(parent, MM_WAIT, (uint64_t)-1, 0, 0, 0, NULL, &answered), -ERR_NOSYS);
	assert_int_equal(answered, 0);                   /* deferred: no reply yet */
	uint64_t handle = last_handle();
	/* a second thread of the parent may not wait too */
	assert_refused(parent, MM_WAIT, (uint64_t)child, 0, 0, 0, -ERR_SRCH);
	assert_int_equal(stub_replies(), 0);
	exit_proc(child, -1);
	assert_int_equal(stub_replies(), 1);
	assert_int_equal(stub_reply_at(0)->handle, handle);
	assert_int_equal(stub_reply_at(0)->msg.tag, child);
	assert_int_equal((int64_t)stub_reply_at(0)->msg.w[0], -1);
	assert_null(mm_proc_find(child));
	assert_mm_consistent();
}

/* ---- MM_SBRK ---------------------------------------------------------------- */

static void sbrk_outside_zero_to_heap_max_is_nomem_and_changes_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	struct ipc_msg r;
	assert_int_equal(request(pid, MM_SBRK, 3 * PAGE_SIZE, 0, 0, 0, &r, NULL), 0);
	assert_refused(pid, MM_SBRK, (uint64_t)-(int64_t)(4 * PAGE_SIZE), 0, 0, 0, -ERR_NOMEM);
	assert_refused(pid, MM_SBRK, MM_HEAP_MAX - 3 * PAGE_SIZE + 1, 0, 0, 0, -ERR_NOMEM);
	assert_refused(pid, MM_SBRK, (uint64_t)INT64_MAX, 0, 0, 0, -ERR_NOMEM);       /* wraps */
	assert_refused(pid, MM_SBRK, (uint64_t)INT64_MIN, 0, 0, 0, -ERR_NOMEM);
	assert_int_equal(request(pid, MM_SBRK, MM_HEAP_MAX - 3 * PAGE_SIZE, 0, 0, 0, &r, NULL), 0);
	assert_mm_consistent();
}

static void sbrk_into_another_region_is_nomem_and_changes_nothing(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	vaddr_t brk = p->brk;
	assert_int_equal(region_add(p, page_round_up(brk) + 2 * PAGE_SIZE, page_round_up(brk) + 3 * PAGE_SIZE,
				    MM_PROT_READ, REGION_ANON, NULL), 0);
	assert_refused(p->pid, MM_SBRK, 3 * PAGE_SIZE, 0, 0, 0, -ERR_NOMEM);
	struct ipc_msg r;
	assert_int_equal(request(p->pid, MM_SBRK, 2 * PAGE_SIZE, 0, 0, 0, &r, NULL), 0);
	assert_mm_consistent();
}

static void sbrk_zero_reports_the_break_and_shrinking_frees_whole_pages(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	struct ipc_msg r;
	assert_int_equal(request(pid, MM_SBRK, 0, 0, 0, 0, &r, NULL), 0);
	vaddr_t start = r.w[0];
	assert_true(start >= PROG_DATA_VA + PROG_DATA_MEM);     /* above .bss */
	assert_int_equal(request(pid, MM_SBRK, 4 * PAGE_SIZE, 0, 0, 0, &r, NULL), 0);
	assert_int_equal(r.w[0], start);
	uint8_t ones[4 * PAGE_SIZE];
	memset(ones, 1, sizeof ones);
	assert_int_equal(user_write(pid, start, ones, sizeof ones), 0);
	uint64_t resident = proc(pid)->resident, free_full = free_at_rest();
	/* down to 1.5 pages: every heap page above the rounded new end goes */
	vaddr_t new_end = page_round_up(start + PAGE_SIZE + PAGE_SIZE / 2);
	uint64_t gone = (page_round_up(start + 4 * PAGE_SIZE) - new_end) / PAGE_SIZE;
	assert_int_equal(request(pid, MM_SBRK, (uint64_t)-(int64_t)(2 * PAGE_SIZE + PAGE_SIZE / 2), 0, 0, 0,
			 &r, NULL), 0);
	assert_int_equal(proc(pid)->resident, resident - gone);
	assert_true(free_at_rest() >= free_full + gone);        /* and maybe emptied page tables */
	assert_int_equal(stub_pte(pid, new_end), -ERR_NOENT);
	assert_true(stub_pte(pid, new_end - PAGE_SIZE) >= 0);
	assert_mm_consistent();
	/* grown again, the page comes back zeroed */
	assert_int_equal(request(pid, MM_SBRK, PAGE_SIZE, 0, 0, 0, &r, NULL), 0);
	uint8_t b = 1;
	assert_int_equal(user_read(pid, new_end + 5, &b, 1), 0);
	assert_int_equal(b, 0);
	assert_mm_consistent();
}

/* ---- MM_MMAP ---------------------------------------------------------------- */

static void mmap_with_bad_length_prot_or_flags_is_invalid_and_changes_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	assert_refused(pid, MM_MMAP, 0, MM_PROT_READ, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_MMAP, (1ULL << 30) + 1, MM_PROT_READ, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_MMAP, (uint64_t)-1, MM_PROT_READ, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_MMAP, PAGE_SIZE, 0x8, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_MMAP, PAGE_SIZE, MM_PROT_READ, 0x4, 0, -ERR_INVAL);
	assert_refused(pid, MM_MMAP, PAGE_SIZE, MM_PROT_READ, 0x80, 0, -ERR_INVAL);
}

static void mmap_shared_with_another_size_or_too_big_is_invalid(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	map_shared(pid, 2 * PAGE_SIZE, MM_PROT_READ, 0x5eed);
	assert_refused(pid, MM_MMAP, 3 * PAGE_SIZE, MM_PROT_READ, MM_MAP_SHARED, 0x5eed, -ERR_INVAL);
	assert_refused(pid, MM_MMAP, 16384 * PAGE_SIZE + 1, MM_PROT_READ, MM_MAP_SHARED, 0x77, -ERR_INVAL);
	/* the same size in whole pages is the same object */
	map_shared(pid, 2 * PAGE_SIZE - 100, MM_PROT_READ, 0x5eed);
}

static void mmap_gives_disjoint_page_aligned_regions_that_are_zero_on_first_touch(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	uint64_t mapped = stub_mapped(pid);
	vaddr_t a = map_anon(pid, 3 * PAGE_SIZE + 1, MM_PROT_READ | MM_PROT_WRITE);
	vaddr_t b = map_anon(pid, PAGE_SIZE, MM_PROT_READ);
	assert_int_equal(a & ~PAGE_MASK, 0);
	assert_true(a >= USER_MMAP_BASE && b >= USER_MMAP_BASE);
	assert_true(a + 4 * PAGE_SIZE <= b || b + PAGE_SIZE <= a);
	assert_int_equal(stub_mapped(pid), mapped);   /* nothing mapped now */
	struct mm_region *r = region_find(proc(pid), a);
	assert_int_equal(r->start, a);
	assert_int_equal(r->end, a + 4 * PAGE_SIZE);
	uint8_t byte = 1;
	assert_int_equal(user_read(pid, a + 3 * PAGE_SIZE + 77, &byte, 1), 0);
	assert_int_equal(byte, 0);
	assert_int_equal(touch(pid, b, MM_FAULT_WRITE), MM_FAULT_KILL);   /* read-only */
	stub_deliver_exits();
	assert_int_equal(free_at_rest(), baseline);
}

/* ---- MM_MUNMAP ---------------------------------------------------------------- */

static void munmap_of_anything_but_one_whole_mmap_region_is_refused_and_changes_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t a = map_anon(pid, 4 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	uint8_t ones[4 * PAGE_SIZE];
	memset(ones, 1, sizeof ones);
	assert_int_equal(user_write(pid, a, ones, sizeof ones), 0);
	struct ipc_msg r;
	assert_int_equal(request(pid, MM_SBRK, PAGE_SIZE, 0, 0, 0, &r, NULL), 0);
	vaddr_t heap = r.w[0];
	assert_refused(pid, MM_MUNMAP, a, 3 * PAGE_SIZE, 0, 0, -ERR_INVAL);            /* a part */
	assert_refused(pid, MM_MUNMAP, a + PAGE_SIZE, 3 * PAGE_SIZE, 0, 0, -ERR_INVAL); /* the tail */
	assert_refused(pid, MM_MUNMAP, a, 5 * PAGE_SIZE, 0, 0, -ERR_INVAL);            /* more */
	assert_refused(pid, MM_MUNMAP, a, 0, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_MUNMAP, a, (1ULL << 30) + 1, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_MUNMAP, a + 1, 4 * PAGE_SIZE, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_MUNMAP, NO_REGION, PAGE_SIZE, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_MUNMAP, heap, PAGE_SIZE, 0, 0, -ERR_INVAL);             /* not mmap's */
	assert_refused(pid, MM_MUNMAP, PROG_TEXT_VA, PAGE_SIZE, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_MUNMAP, USER_STACK_TOP - MM_STACK_MAX, MM_STACK_MAX, 0, 0, -ERR_INVAL);
}

static void munmap_of_a_whole_region_frees_its_frames_and_later_access_is_killed(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	uint64_t free_before = free_at_rest(), resident = proc(pid)->resident;
	uint64_t tables = proc(pid)->pagetables;
	vaddr_t a = map_anon(pid, 4 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	uint8_t ones[4 * PAGE_SIZE];
	memset(ones, 1, sizeof ones);
	assert_int_equal(user_write(pid, a, ones, sizeof ones), 0);
	assert_int_equal(proc(pid)->resident, resident + 4);
	/* any length that rounds up to the same pages */
	assert_int_equal(request(pid, MM_MUNMAP, a, 3 * PAGE_SIZE + 1, 0, 0, NULL, NULL), 0);
	assert_int_equal(proc(pid)->resident, resident);
	assert_null(region_find(proc(pid), a));
	assert_int_equal(stub_pte(pid, a), -ERR_NOENT);
	assert_mm_consistent();
	/* every frame is back but the page tables the mappings needed */
	assert_int_equal(free_at_rest() + (proc(pid)->pagetables - tables), free_before);
	assert_int_equal(touch(pid, a, MM_FAULT_READ), MM_FAULT_KILL);
	stub_deliver_exits();
	assert_int_equal(free_at_rest(), baseline);
}

/* ---- MM_MPROTECT ---------------------------------------------------------------- */

static void mprotect_of_anything_but_one_whole_region_or_with_bad_prot_is_refused(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t a = map_anon(pid, 2 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	assert_int_equal(touch(pid, a, MM_FAULT_WRITE), MM_FAULT_RESUME);
	assert_refused(pid, MM_MPROTECT, a, PAGE_SIZE, MM_PROT_READ, 0, -ERR_INVAL);
	assert_refused(pid, MM_MPROTECT, a, 2 * PAGE_SIZE, 0x8, 0, -ERR_INVAL);
	assert_refused(pid, MM_MPROTECT, a, 0, MM_PROT_READ, 0, -ERR_INVAL);
	assert_refused(pid, MM_MPROTECT, PROG_DATA_VA & PAGE_MASK, 4 * PAGE_SIZE, MM_PROT_READ, 0, -ERR_INVAL);
	assert_refused(pid, MM_MPROTECT, NO_REGION, PAGE_SIZE, MM_PROT_READ, 0, -ERR_INVAL);
}

static void mprotect_changes_present_pages_and_later_faults_follow_it(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t a = map_anon(pid, 2 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	assert_int_equal(touch(pid, a, MM_FAULT_WRITE), MM_FAULT_RESUME);
	assert_int_equal(request(pid, MM_MPROTECT, a, 2 * PAGE_SIZE, MM_PROT_READ | MM_PROT_EXEC, 0, NULL, NULL),
			 0);
	int64_t e = stub_pte(pid, a);
	assert_false(e & MM_PTE_WRITE);
	assert_true(e & MM_PTE_EXEC);
	assert_mm_consistent();                      /* P6: rights agree with the region */
	assert_int_equal(touch(pid, a + PAGE_SIZE, MM_FAULT_EXEC), MM_FAULT_RESUME);
	assert_int_equal(touch(pid, a + PAGE_SIZE, MM_FAULT_WRITE), MM_FAULT_KILL);
	stub_deliver_exits();
	assert_int_equal(free_at_rest(), baseline);
}

/* ---- MM_STAT and MM_PROCINFO ------------------------------------------------------ */

static void stat_reports_free_pages_per_zone_the_total_and_the_processes(void **state)
{
	(void)state;
	spawn("prog");
	spawn("prog");
	struct ipc_msg r;
	assert_int_equal(request(999, MM_STAT, 0, 0, 0, 0, &r, NULL), 0);   /* anyone may ask */
	assert_int_equal(r.w[0] + r.w[1] + r.w[2], zone_free_pages());
	assert_int_equal(r.w[0], mm_zones[ZONE_DMA].free_pages);
	assert_int_equal(r.w[3], mm_zones[0].managed_pages + mm_zones[1].managed_pages + mm_zones[2].managed_pages);
	assert_int_equal(r.w[4], 2);
}

static void procinfo_reports_by_index_or_self_and_srch_past_the_end(void **state)
{
	(void)state;
	int a = spawn("prog")->pid, b = spawn("prog")->pid;
	struct ipc_msg r;
	assert_int_equal(touch(b, PROG_DATA_VA, MM_FAULT_READ), MM_FAULT_RESUME);
	assert_int_equal(request(b, MM_PROCINFO, MM_PROCINFO_SELF, 0, 0, 0, &r, NULL), b);
	assert_int_equal(r.w[0], 2);                   /* argv page + one data page */
	assert_int_equal(r.w[1], 1);
	assert_int_equal(r.w[2], proc(b)->pagetables);
	assert_string_equal((const char *)&r.w[3], "prog");
	assert_int_equal(request(999, MM_PROCINFO, 0, 0, 0, 0, &r, NULL), a);   /* oldest first */
	assert_int_equal(request(999, MM_PROCINFO, 1, 0, 0, 0, &r, NULL), b);
	assert_refused(999, MM_PROCINFO, 2, 0, 0, 0, -ERR_SRCH);
	assert_refused(999, MM_PROCINFO, 1024, 0, 0, 0, -ERR_SRCH);
	assert_refused(999, MM_PROCINFO, MM_PROCINFO_SELF, 0, 0, 0, -ERR_SRCH);
}

/* ---- randomised: any words at all -------------------------------------- */

/* Values near every boundary the handlers check, or anything at all. */
static uint64_t random_word(int pid)
{
	struct mm_proc *p = proc(pid);
	const struct mm_region *r = p->regions;
	for (uint64_t k = rng64() % 8; r && r->next && k > 0; k--)
		r = r->next;
	const uint64_t pick[] = {
		0, 1, 2, 3, 4, 7, 8, PAGE_SIZE - 1, PAGE_SIZE, PAGE_SIZE + 1, 3 * PAGE_SIZE,
		1ULL << 30, (1ULL << 30) + 1, MM_HEAP_MAX, (uint64_t)-1, (uint64_t)-PAGE_SIZE,
		(uint64_t)INT64_MIN, USER_TOP, USER_MMAP_BASE, MM_PROCINFO_SELF, 0x5eed,
		r ? r->start : 0, r ? r->end - r->start : 0, r ? r->start + PAGE_SIZE : 0,
	};
	return rng64() % 8 == 0 ? rng64() : pick[rng64() % (sizeof pick / sizeof pick[0])];
}

/* Half the time, words that pass decoding, so that requests also succeed. */
static void bias(int pid, int64_t tag, uint64_t w[4])
{
	if (rng64() % 2)
		return;
	const struct mm_region *mine = NULL;
	for (const struct mm_region *r = proc(pid)->regions; r; r = r->next)
		if ((r->kind == REGION_ANON || r->kind == REGION_SHARED) && (!mine || rng64() % 2))
			mine = r;
	if (tag == MM_SBRK) {
		w[0] = (rng64() % (16 * PAGE_SIZE)) - 6 * PAGE_SIZE;
	} else if (tag == MM_MMAP) {
		w[0] = 1 + rng64() % (8 * PAGE_SIZE);
		w[1] = rng64() % 4 ? rng64() % 8 : 8u << rng64() % 8;
		w[2] = rng64() % 4 ? rng64() % 2 : 4u << rng64() % 8;
		w[3] = rng64() % 3;                   /* few keys: sizes collide */
	} else if ((tag == MM_MUNMAP || tag == MM_MPROTECT) && mine) {
		w[0] = mine->start;
		w[1] = mine->end - mine->start - rng64() % (PAGE_SIZE + 1);
		w[2] = rng64() % 4 ? rng64() % 8 : 8u << rng64() % 8;     /* sometimes a bad prot */
	}
}

/* 3000 requests with random words (MM_SBRK, MM_MMAP, MM_MUNMAP,
 * MM_MPROTECT, MM_STAT, MM_PROCINFO) from two processes that also touch
 * their memory: each one either succeeds or is refused and changes
 * nothing; the checkers and the model agree after every one. (MM_SPAWN
 * and MM_WAIT are left out: a refused spawn may legitimately have faulted
 * in the line's pages, and a wait may be deferred.) */
static void random_requests_either_succeed_or_change_nothing(void **state)
{
	(void)state;
	static const int64_t tags[] = { MM_SBRK, MM_MMAP, MM_MUNMAP, MM_MPROTECT, MM_STAT, MM_PROCINFO };
	int pids[2] = { spawn("prog")->pid, spawn("prog")->pid };
	unsigned refused = 0;
	rng_state = 0x0123456789abcdefull;
	for (int op = 0; op < 3000; op++) {
		int pid = pids[rng64() % 2];
		int64_t tag = tags[rng64() % (sizeof tags / sizeof tags[0])];
		uint64_t w[4];
		for (int i = 0; i < 4; i++)
			w[i] = random_word(pid);
		bias(pid, tag, w);
		struct snapshot before;
		take(&before, pid);
		int64_t result = request(pid, tag, w[0], w[1], w[2], w[3], NULL, NULL);
		if (result < 0) {
			refused++;
			assert_unchanged(&before, pid);
		} else {
			assert_mm_consistent();
		}
		struct mm_region *r = proc(pid)->regions;
		for (uint64_t k = rng64() % 6; r && r->next && k > 0; k--)
			r = r->next;
		if (r && r->kind != REGION_STACK && (r->prot & MM_PROT_WRITE) && rng64() % 3 == 0) {
			vaddr_t va = r->start + (rng64() % ((r->end - r->start) / PAGE_SIZE)) * PAGE_SIZE;
			assert_int_equal(touch(pid, va, MM_FAULT_WRITE), MM_FAULT_RESUME);
			assert_mm_consistent();
		}
	}
	assert_true(refused > 500 && refused < 2900);  /* both kinds happened */
	exit_proc(pids[0], 0);
	exit_proc(pids[1], 0);
	assert_int_equal(free_at_rest(), baseline);
	assert_mm_consistent();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		MM_TEST(requests_from_unknown_or_exited_callers_get_srch_and_change_nothing),
		MM_TEST(spawn_with_bad_length_or_flags_is_invalid_and_changes_nothing),
		MM_TEST(spawn_power_from_a_caller_without_power_is_refused),
		MM_TEST(spawn_line_outside_every_region_is_a_fault_and_changes_nothing),
		MM_TEST(spawn_line_without_words_is_invalid),
		MM_TEST(spawn_line_on_an_untouched_page_is_filled_not_refused),
		MM_TEST(spawn_of_unknown_program_or_of_mm_itself_is_noent),
		MM_TEST(spawn_of_a_module_that_is_not_elf_is_invalid_and_logged),
		MM_TEST(spawn_with_a_full_process_table_is_nospc_and_leaves_nothing),
		MM_TEST(spawn_failing_after_creation_kills_the_child_and_its_exit_frees_all),
		MM_TEST(spawn_without_memory_for_the_root_is_nomem_and_changes_nothing),
		MM_TEST(spawn_starts_the_child_with_its_argv_parent_and_permissions),
		MM_TEST(wait_for_a_bad_pid_is_invalid_and_for_a_stranger_is_srch),
		MM_TEST(wait_for_an_exited_child_answers_at_once_and_frees_its_record),
		MM_TEST(wait_for_a_running_child_is_answered_when_it_exits),
		MM_TEST(sbrk_outside_zero_to_heap_max_is_nomem_and_changes_nothing),
		MM_TEST(sbrk_into_another_region_is_nomem_and_changes_nothing),
		MM_TEST(sbrk_zero_reports_the_break_and_shrinking_frees_whole_pages),
		MM_TEST(mmap_with_bad_length_prot_or_flags_is_invalid_and_changes_nothing),
		MM_TEST(mmap_shared_with_another_size_or_too_big_is_invalid),
		MM_TEST(mmap_gives_disjoint_page_aligned_regions_that_are_zero_on_first_touch),
		MM_TEST(munmap_of_anything_but_one_whole_mmap_region_is_refused_and_changes_nothing),
		MM_TEST(munmap_of_a_whole_region_frees_its_frames_and_later_access_is_killed),
		MM_TEST(mprotect_of_anything_but_one_whole_region_or_with_bad_prot_is_refused),
		MM_TEST(mprotect_changes_present_pages_and_later_faults_follow_it),
		MM_TEST(stat_reports_free_pages_per_zone_the_total_and_the_processes),
		MM_TEST(procinfo_reports_by_index_or_self_and_srch_past_the_end),
		MM_TEST(random_requests_either_succeed_or_change_nothing),
	};
	return MM_RUN(tests);
}
