/*
 * test_fault.c - the fault path (servers/mm/fault.c) on the host: demand
 * zero, ELF fill (file bytes, then zeros), stack growth, and every reason
 * illegal() gives for a kill, each followed through the kernel model to the
 * exit that returns every frame. mm_check_all() and the model comparison
 * (assert_mm_consistent) run after every step.
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
#include "vmstat.h"
#include "rng.h"
#include "mm_stubs.h"
#include "mm_maps.h"
#include "mm_fixture.h"

static int64_t sbrk(int pid, int64_t incr)
{
	struct ipc_msg r;
	assert_int_equal(request(pid, MM_SBRK, (uint64_t)incr, 0, 0, 0, &r, NULL), 0);
	return (int64_t)r.w[0];
}

static const uint8_t *frame_at(int pid, vaddr_t va)
{
	int64_t e = stub_pte(pid, va);
	assert_true(e >= 0);
	return mm_phys_to_virt((paddr_t)e & PAGE_MASK);
}

/* ---- filling pages ------------------------------------------------------- */

static void first_touch_of_a_heap_page_maps_one_zeroed_frame(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	vaddr_t brk = (vaddr_t)sbrk(p->pid, 3 * PAGE_SIZE);
	vaddr_t page = page_round_up(brk) + PAGE_SIZE;      /* a heap page wherever the break began */
	uint64_t resident = p->resident, free_before = zone_free_pages();
	assert_int_equal(touch(p->pid, page + 8, MM_FAULT_WRITE), MM_FAULT_RESUME);
	assert_int_equal(p->resident, resident + 1);
	assert_int_equal(p->faults, 1);
	assert_true(zone_free_pages() < free_before);
	const uint8_t *f = frame_at(p->pid, page);
	for (size_t i = 0; i < PAGE_SIZE; i++)
		assert_int_equal(f[i], 0);
	assert_int_equal(touch(p->pid, page + 100, MM_FAULT_WRITE), MM_FAULT_RESUME);
	assert_int_equal(p->faults, 1);              /* present now: no second fault */
	assert_int_equal(stub_pte(p->pid, page + PAGE_SIZE), -ERR_NOENT);   /* its neighbour untouched */
	assert_mm_consistent();
}

static void elf_text_page_holds_the_file_bytes_then_zeros_and_is_read_exec(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	assert_int_equal(touch(p->pid, PROG_ENTRY, MM_FAULT_EXEC), MM_FAULT_RESUME);
	const uint8_t *f = frame_at(p->pid, PROG_TEXT_VA);
	for (size_t i = 0; i < PAGE_SIZE; i++)
		assert_int_equal(f[i], i < PROG_TEXT_LEN ? PROG_TEXT_BYTE : 0);
	int64_t e = stub_pte(p->pid, PROG_TEXT_VA);
	assert_true(e & MM_PTE_EXEC);
	assert_false(e & MM_PTE_WRITE);
	assert_mm_consistent();
}

/* The data segment starts 0x100 into its first page, its file bytes end
 * 0x200 into the second, and bss fills the rest up to 0x405100. */
static void elf_data_pages_hold_file_bytes_where_the_file_has_them_and_zeros_elsewhere(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	vaddr_t seg = PROG_DATA_VA, file_end = PROG_DATA_VA + PROG_DATA_FILE;
	for (vaddr_t page = 0x402000; page < PROG_END; page += PAGE_SIZE) {
		uint8_t bytes[PAGE_SIZE];
		assert_int_equal(user_read(p->pid, page, bytes, PAGE_SIZE), 0);
		for (size_t i = 0; i < PAGE_SIZE; i++) {
			vaddr_t va = page + i;
			uint8_t want = va >= seg && va < file_end ? PROG_DATA_BYTE(va - seg) : 0;
			assert_int_equal(bytes[i], want);
		}
		assert_true(stub_pte(p->pid, page) & MM_PTE_WRITE);
		assert_mm_consistent();
	}
	assert_int_equal(p->faults, 4);
}

static void a_write_to_elf_data_stays_private_to_the_writer(void **state)
{
	(void)state;
	struct mm_proc *a = spawn("prog"), *b = spawn("prog");
	uint8_t seen;
	assert_int_equal(user_write(a->pid, PROG_DATA_VA, "A", 1), 0);
	assert_int_equal(user_read(b->pid, PROG_DATA_VA, &seen, 1), 0);
	assert_int_equal(seen, PROG_DATA_BYTE(0));               /* b sees the file */
	assert_int_not_equal(stub_pte(a->pid, 0x402000) & PAGE_MASK, stub_pte(b->pid, 0x402000) & PAGE_MASK);
	assert_int_equal(((uint8_t *)mm_phys_to_virt(MiB(8)))[PROG_DATA_OFF], PROG_DATA_BYTE(0));
	assert_mm_consistent();
}

static void stack_grows_down_one_page_per_fault_to_its_full_size(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	uint64_t resident = p->resident;            /* the argv page */
	vaddr_t bottom = USER_STACK_TOP - MM_STACK_MAX;
	for (vaddr_t va = USER_STACK_TOP - 2 * PAGE_SIZE; va >= bottom; va -= 64 * PAGE_SIZE) {
		assert_int_equal(touch(p->pid, va + 8, MM_FAULT_WRITE), MM_FAULT_RESUME);
		assert_mm_consistent();
	}
	assert_int_equal(touch(p->pid, bottom, MM_FAULT_WRITE), MM_FAULT_RESUME);
	assert_int_equal(p->resident, resident + p->faults);
	assert_int_equal(stub_state(p->pid), STUB_ALIVE);
	assert_mm_consistent();
}

static void a_fault_on_a_page_another_thread_filled_resumes_without_a_second_frame(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	vaddr_t heap = (vaddr_t)sbrk(p->pid, PAGE_SIZE);
	assert_int_equal(fault(p->pid, heap, MM_FAULT_WRITE, NULL, 0), MM_FAULT_RESUME);
	uint64_t resident = p->resident, free_now = free_at_rest();
	/* the second thread's fault was queued before the first was served */
	assert_int_equal(fault(p->pid, heap, MM_FAULT_WRITE, NULL, 0), MM_FAULT_RESUME);
	assert_int_equal(p->resident, resident);
	assert_int_equal(free_at_rest(), free_now);
	assert_mm_consistent();
}

/* ---- kills: every reason illegal() gives --------------------------------- */

/* pid faults at va with bits and is killed for `why`; then its exit gives
 * every frame back. */
static void assert_killed_for(int pid, vaddr_t va, uint64_t bits, const char *access, const char *why)
{
	char said[512], want[256];
	assert_int_equal(fault(pid, va, bits, said, sizeof said), MM_FAULT_KILL);
	snprintf(want, sizeof want, "kill: pid %d (prog): page fault: %s at address 0x%lx (%s), ip 0x401234\n",
		 pid, access, (unsigned long)va, why);
	assert_string_equal(said, want);
	assert_int_equal(stub_state(pid), STUB_DEAD);
	assert_mm_consistent();                      /* still consistent while the report travels */
	assert_int_equal(stub_deliver_exits(), 1);
	assert_null(mm_proc_find(pid));              /* no parent: the record goes too */
	assert_int_equal(free_at_rest(), baseline);
	assert_mm_consistent();
}

static void null_pointer_dereference_is_killed_as_such(void **state)
{
	(void)state;
	assert_killed_for(spawn("prog")->pid, 0x10, MM_FAULT_READ, "read", "NULL pointer dereference");
}

static void a_kernel_address_is_killed_as_non_user(void **state)
{
	(void)state;
	assert_killed_for(spawn("prog")->pid, USER_TOP, MM_FAULT_WRITE, "write", "kernel or non-user address");
	assert_killed_for(spawn("prog")->pid, 0xffff800000001000ULL, MM_FAULT_EXEC | MM_FAULT_PRESENT,
			  "execute", "kernel or non-user address");
}

static void the_page_below_the_stack_is_killed_as_stack_overflow(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	vaddr_t guard = USER_STACK_TOP - MM_STACK_MAX - PAGE_SIZE;
	assert_killed_for(p->pid, guard + 0xff8, MM_FAULT_WRITE, "write", "stack overflow into the guard page");
}

static void an_address_in_no_region_is_killed_as_unmapped(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	sbrk(p->pid, PAGE_SIZE);
	/* above the largest heap, below the mmap area */
	assert_killed_for(p->pid, 0x800000000ULL, MM_FAULT_READ, "read", "unmapped address");
	assert_killed_for(spawn("prog")->pid, USER_STACK_TOP - MM_STACK_MAX - 2 * PAGE_SIZE, MM_FAULT_READ,
			  "read", "unmapped address");                       /* below the guard */
}

static void a_write_to_program_text_is_killed_as_read_only(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	assert_int_equal(touch(p->pid, PROG_TEXT_VA, MM_FAULT_READ), MM_FAULT_RESUME);
	uint64_t bits;
	assert_false(stub_access(p->pid, PROG_TEXT_VA, MM_FAULT_WRITE, &bits));
	assert_killed_for(p->pid, PROG_TEXT_VA + 4, bits, "write", "page is read-only");
	assert_killed_for(spawn("prog")->pid, PROG_TEXT_VA, MM_FAULT_WRITE, "write", "page is read-only");
}

static void executing_data_is_killed_as_not_executable(void **state)
{
	(void)state;
	assert_killed_for(spawn("prog")->pid, PROG_DATA_VA, MM_FAULT_EXEC, "execute", "page is not executable");
}

/* A present page the region allows the access to: the kernel should never
 * have reported it. */
static void a_fault_on_a_present_allowed_page_is_killed_as_protection_violation(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	assert_killed_for(p->pid, USER_STACK_TOP - 16, MM_FAULT_WRITE | MM_FAULT_PRESENT, "write",
			  "protection violation");
}

static void a_fill_without_memory_is_killed_as_out_of_memory(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	stub_fail(STUB_MAP, 0, -ERR_NOMEM);
	uint64_t resident = p->resident;
	char said[512];
	assert_int_equal(fault(p->pid, PROG_DATA_VA, MM_FAULT_WRITE, said, sizeof said), MM_FAULT_KILL);
	assert_non_null(strstr(said, "(out of memory)"));
	assert_int_equal(p->resident, resident);     /* the frame went back */
	assert_mm_consistent();
	stub_deliver_exits();
	assert_int_equal(free_at_rest(), baseline);
}

static void a_fill_when_ram_is_exhausted_is_killed_as_out_of_memory(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	static pfn_t got[MiB(64) / PAGE_SIZE];
	size_t n = 0;
	while ((got[n] = buddy_alloc(0, MM_EMERGENCY)) != PFN_NONE)
		n++;
	char said[512];
	int64_t tag = fault(p->pid, PROG_DATA_VA, MM_FAULT_WRITE, said, sizeof said);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(buddy_free(got[i], 0), ERR_OK);
	assert_int_equal(tag, MM_FAULT_KILL);
	assert_non_null(strstr(said, "(out of memory)"));
	assert_mm_consistent();
	assert_int_equal(stub_deliver_exits(), 1);
	assert_int_equal(free_at_rest(), baseline);
}

static void a_fault_of_a_process_that_died_meanwhile_is_answered_kill_quietly(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	int pid = p->pid;
	stub_exit(pid, 0);                          /* its other thread exited it */
	char said[512];
	assert_int_equal(fault(pid, PROG_DATA_VA, MM_FAULT_WRITE, said, sizeof said), MM_FAULT_KILL);
	assert_string_equal(said, "");
	assert_mm_consistent();
	stub_deliver_exits();
	assert_int_equal(free_at_rest(), baseline);
	/* and after the exit report, from a pid mm no longer knows */
	assert_int_equal(fault(pid, PROG_DATA_VA, MM_FAULT_READ, said, sizeof said), MM_FAULT_KILL);
	assert_string_equal(said, "");
}

/* ---- the lab's workloads: counts, bystanders, copies (docs/labs/fault.md) ---- */

/* A fixed random workload (seeded): 600 reads and writes scattered over a
 * 256-page anonymous mapping. Each distinct page costs exactly one minor
 * fault, reads of fresh pages see zeros, untouched pages stay unmapped,
 * and the exit gives every frame back. */
static void touching_n_scattered_pages_takes_n_minor_faults_and_exit_returns_every_frame(void **state)
{
	(void)state;
	enum { PAGES = 256, TOUCHES = 600 };
	static bool touched[PAGES];
	memset(touched, 0, sizeof touched);
	struct mm_proc *p = spawn("prog");
	int pid = p->pid;
	vaddr_t va = map_anon(pid, PAGES * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	uint64_t faults = p->faults, minor = mm_vmstat.minor_faults, resident = p->resident;
	unsigned distinct = 0;
	rng_state = 0x5eed0003;
	for (int i = 0; i < TOUCHES; i++) {
		unsigned page = rng() % PAGES;
		vaddr_t at = va + page * PAGE_SIZE + (rng() % PAGE_SIZE & ~7u);
		bool write = rng() & 1;
		if (!touched[page]) {
			uint8_t byte = 0xff;
			assert_int_equal(user_read(pid, at, &byte, 1), 0);
			assert_int_equal(byte, 0);          /* demand zero */
			distinct++;
			touched[page] = true;
		}
		assert_int_equal(touch(pid, at, write ? MM_FAULT_WRITE : MM_FAULT_READ), MM_FAULT_RESUME);
	}
	assert_true(distinct > PAGES / 2);
	assert_int_equal(p->faults - faults, distinct);
	assert_int_equal(mm_vmstat.minor_faults - minor, distinct);
	assert_int_equal(p->resident - resident, distinct);
	for (unsigned page = 0; page < PAGES; page++)
		assert_int_equal(stub_pte(pid, va + page * PAGE_SIZE) >= 0, touched[page]);
	assert_mm_consistent();
	exit_proc(pid, 0);
	assert_int_equal(free_at_rest(), baseline);
}

/* No user page lives at these: the first non-canonical address, one deep
 * in the hole, the very last byte, just above USER_TOP. Each kills its
 * offender with the reason; a bystander keeps its pages and its data. */
static void non_canonical_and_top_addresses_kill_only_the_offender_as_non_user(void **state)
{
	(void)state;
	static const vaddr_t bad[] = { 0x0000800000000000ULL, 0xdead00000000beefULL, UINT64_MAX,
				       USER_TOP + 0x10 };
	int by = spawn("prog")->pid;
	vaddr_t heap = (vaddr_t)sbrk(by, PAGE_SIZE);
	assert_int_equal(user_write(by, heap, "keep", 4), 0);
	uint64_t resident = proc(by)->resident, free_before = free_at_rest();
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		int pid = spawn("prog")->pid;
		char said[512], want[256];
		assert_int_equal(fault(pid, bad[i], MM_FAULT_READ, said, sizeof said), MM_FAULT_KILL);
		snprintf(want, sizeof want, "kill: pid %d (prog): page fault: read at address 0x%lx "
			 "(kernel or non-user address), ip 0x401234\n", pid, (unsigned long)bad[i]);
		assert_string_equal(said, want);
		assert_int_equal(stub_state(pid), STUB_DEAD);
		assert_int_equal(stub_deliver_exits(), 1);
		assert_int_equal(free_at_rest(), free_before);
		assert_int_equal(stub_state(by), STUB_ALIVE);
		assert_int_equal(proc(by)->resident, resident);
		assert_mm_consistent();
	}
	char back[4];
	assert_int_equal(user_read(by, heap, back, 4), 0);
	assert_memory_equal(back, "keep", 4);
	exit_proc(by, 0);
	assert_int_equal(free_at_rest(), baseline);
}

/* A system call's copy (MM_FAULT_COPY) that meets an illegal address is
 * refused: nothing logged, nothing mapped, no fault counted, the process
 * lives. A legal page met by a copy is filled as for a trap. */
static void a_bad_address_met_by_a_system_call_copy_is_refused_quietly_and_the_caller_lives(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	int pid = p->pid;
	vaddr_t heap = (vaddr_t)sbrk(pid, PAGE_SIZE);
	const struct { vaddr_t va; uint64_t bits; } bad[] = {
		{ 0x10, MM_FAULT_READ },                        /* NULL */
		{ USER_TOP, MM_FAULT_WRITE },                   /* not user memory */
		{ 0x0000800000000000ULL, MM_FAULT_READ },       /* non-canonical */
		{ 0x800000000ULL, MM_FAULT_WRITE },             /* in no region */
		{ USER_STACK_TOP - MM_STACK_MAX - PAGE_SIZE, MM_FAULT_WRITE },   /* the guard page */
		{ PROG_TEXT_VA, MM_FAULT_WRITE },               /* read-only */
	};
	uint64_t faults = p->faults, free_before = free_at_rest();
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		char said[512];
		assert_int_equal(fault(pid, bad[i].va, bad[i].bits | MM_FAULT_COPY, said, sizeof said),
				 MM_FAULT_REFUSE);
		assert_string_equal(said, "");
		assert_int_equal(stub_state(pid), STUB_ALIVE);
		assert_int_equal(stub_pte(pid, page_round_down(bad[i].va)) >= 0, false);
		assert_int_equal(p->faults, faults);
		assert_int_equal(free_at_rest(), free_before);
		assert_mm_consistent();
	}
	assert_int_equal(fault(pid, heap, MM_FAULT_WRITE | MM_FAULT_COPY, NULL, 0), MM_FAULT_RESUME);
	assert_true(stub_pte(pid, page_round_down(heap)) & MM_PTE_WRITE);
	assert_int_equal(p->faults, faults + 1);
	assert_mm_consistent();
	exit_proc(pid, 0);
	assert_int_equal(free_at_rest(), baseline);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		MM_TEST(first_touch_of_a_heap_page_maps_one_zeroed_frame),
		MM_TEST(elf_text_page_holds_the_file_bytes_then_zeros_and_is_read_exec),
		MM_TEST(elf_data_pages_hold_file_bytes_where_the_file_has_them_and_zeros_elsewhere),
		MM_TEST(a_write_to_elf_data_stays_private_to_the_writer),
		MM_TEST(stack_grows_down_one_page_per_fault_to_its_full_size),
		MM_TEST(a_fault_on_a_page_another_thread_filled_resumes_without_a_second_frame),
		MM_TEST(null_pointer_dereference_is_killed_as_such),
		MM_TEST(a_kernel_address_is_killed_as_non_user),
		MM_TEST(the_page_below_the_stack_is_killed_as_stack_overflow),
		MM_TEST(an_address_in_no_region_is_killed_as_unmapped),
		MM_TEST(a_write_to_program_text_is_killed_as_read_only),
		MM_TEST(executing_data_is_killed_as_not_executable),
		MM_TEST(a_fault_on_a_present_allowed_page_is_killed_as_protection_violation),
		MM_TEST(a_fill_without_memory_is_killed_as_out_of_memory),
		MM_TEST(a_fill_when_ram_is_exhausted_is_killed_as_out_of_memory),
		MM_TEST(a_fault_of_a_process_that_died_meanwhile_is_answered_kill_quietly),
		MM_TEST(touching_n_scattered_pages_takes_n_minor_faults_and_exit_returns_every_frame),
		MM_TEST(non_canonical_and_top_addresses_kill_only_the_offender_as_non_user),
		MM_TEST(a_bad_address_met_by_a_system_call_copy_is_refused_quietly_and_the_caller_lives),
	};
	return MM_RUN(tests);
}
