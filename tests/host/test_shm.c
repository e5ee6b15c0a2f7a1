/*
 * test_shm.c - shared memory (servers/mm/shm.c and the MM_MAP_SHARED path
 * of requests.c and fault.c): two processes see the same frame, shared
 * pages are nobody's resident pages, and the object's frames go back to
 * the buddy allocator when its last mapping goes, by MM_MUNMAP or by exit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <pagoda/error.h>
#include "mm_env.h"
#include "buddy.h"
#include "check.h"
#include "mm_stubs.h"
#include "mm_fixture.h"

#define KEY 0x5348u
#define RW  (MM_PROT_READ | MM_PROT_WRITE)

static paddr_t frame_of(int pid, vaddr_t va)
{
	int64_t e = stub_pte(pid, va);
	assert_true(e >= 0);
	return (paddr_t)e & PAGE_MASK;
}

static void two_processes_mapping_one_key_see_the_same_frame_and_bytes(void **state)
{
	(void)state;
	int a = spawn("prog")->pid, b = spawn("prog")->pid;
	vaddr_t va = map_shared(a, 2 * PAGE_SIZE, RW, KEY), vb = map_shared(b, 2 * PAGE_SIZE, RW, KEY);
	char got[6] = { 0 };
	assert_int_equal(user_write(a, va + PAGE_SIZE + 9, "hello", 5), 0);
	assert_int_equal(user_read(b, vb + PAGE_SIZE + 9, got, 5), 0);
	assert_string_equal(got, "hello");
	assert_int_equal(frame_of(a, va + PAGE_SIZE), frame_of(b, vb + PAGE_SIZE));
	assert_int_equal(user_write(b, vb, "x", 1), 0);               /* b touches first here */
	assert_int_equal(user_read(a, va, got, 1), 0);
	assert_int_equal(got[0], 'x');
	assert_int_equal(frame_of(a, va), frame_of(b, vb));
	assert_mm_consistent();
}

static void shared_pages_are_not_counted_as_resident(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	uint64_t resident = p->resident;
	vaddr_t va = map_shared(p->pid, 3 * PAGE_SIZE, RW, KEY);
	for (int i = 0; i < 3; i++)
		assert_int_equal(touch(p->pid, va + i * PAGE_SIZE, MM_FAULT_WRITE), MM_FAULT_RESUME);
	assert_int_equal(p->resident, resident);
	assert_int_equal(p->faults, 3);
	assert_mm_consistent();
}

static void another_key_is_another_object(void **state)
{
	(void)state;
	int a = spawn("prog")->pid;
	vaddr_t x = map_shared(a, PAGE_SIZE, RW, 1), y = map_shared(a, PAGE_SIZE, RW, 2);
	assert_int_equal(user_write(a, x, "1", 1), 0);
	char c = 0;
	assert_int_equal(user_read(a, y, &c, 1), 0);
	assert_int_equal(c, 0);
	assert_int_not_equal(frame_of(a, x), frame_of(a, y));
	assert_mm_consistent();
}

static void the_frames_go_when_the_last_mapping_is_unmapped(void **state)
{
	(void)state;
	int a = spawn("prog")->pid, b = spawn("prog")->pid;
	vaddr_t va = map_shared(a, 4 * PAGE_SIZE, RW, KEY), vb = map_shared(b, 4 * PAGE_SIZE, RW, KEY);
	uint8_t bytes[4 * PAGE_SIZE];
	memset(bytes, 0x3c, sizeof bytes);
	assert_int_equal(user_write(a, va, bytes, sizeof bytes), 0);
	assert_int_equal(user_read(b, vb, bytes, 1), 0);
	pfn_t frames[4];
	for (int i = 0; i < 4; i++)
		frames[i] = pa_to_pfn(frame_of(a, va + i * PAGE_SIZE));
	uint64_t with_object = free_at_rest();
	assert_int_equal(request(a, MM_MUNMAP, va, 4 * PAGE_SIZE, 0, 0, NULL, NULL), 0);
	assert_int_equal(stub_pte(a, va), -ERR_NOENT);
	for (int i = 0; i < 4; i++)                                    /* b still maps them */
		assert_int_equal(pfn_to_page(frames[i])->state, PAGE_ALLOCATED);
	memset(bytes, 0, sizeof bytes);
	assert_int_equal(user_read(b, vb + 3 * PAGE_SIZE, bytes, 8), 0);
	assert_int_equal(bytes[7], 0x3c);
	assert_mm_consistent();
	assert_int_equal(request(b, MM_MUNMAP, vb, 4 * PAGE_SIZE, 0, 0, NULL, NULL), 0);
	/* the object's 4 frames, and the slab pages of its record if they emptied */
	assert_true(free_at_rest() >= with_object + 4);
	for (int i = 0; i < 4; i++)
		assert_int_not_equal(pfn_to_page(frames[i])->state, PAGE_ALLOCATED);
	assert_mm_consistent();
	/* a new object with the old key starts from zeros */
	vaddr_t again = map_shared(a, 4 * PAGE_SIZE, RW, KEY);
	assert_int_equal(user_read(a, again, bytes, 1), 0);
	assert_int_equal(bytes[0], 0);
	assert_mm_consistent();
	exit_proc(a, 0);
	exit_proc(b, 0);
	assert_int_equal(free_at_rest(), baseline);
}

static void exit_drops_the_reference_and_the_last_exit_frees_the_object(void **state)
{
	(void)state;
	int a = spawn("prog")->pid, b = spawn("prog")->pid;
	vaddr_t va = map_shared(a, 2 * PAGE_SIZE, RW, KEY), vb = map_shared(b, 2 * PAGE_SIZE, RW, KEY);
	assert_int_equal(user_write(a, va, "keep", 4), 0);
	exit_proc(a, 0);
	char got[5] = { 0 };
	assert_int_equal(user_read(b, vb, got, 4), 0);
	assert_string_equal(got, "keep");
	assert_mm_consistent();
	exit_proc(b, 0);
	assert_int_equal(free_at_rest(), baseline);
	assert_mm_consistent();
}

static void mprotect_of_a_shared_mapping_changes_only_that_process(void **state)
{
	(void)state;
	int a = spawn("prog")->pid, b = spawn("prog")->pid;
	vaddr_t va = map_shared(a, PAGE_SIZE, RW, KEY), vb = map_shared(b, PAGE_SIZE, RW, KEY);
	assert_int_equal(touch(a, va, MM_FAULT_WRITE), MM_FAULT_RESUME);
	assert_int_equal(touch(b, vb, MM_FAULT_WRITE), MM_FAULT_RESUME);
	assert_int_equal(request(a, MM_MPROTECT, va, PAGE_SIZE, MM_PROT_READ, 0, NULL, NULL), 0);
	assert_false(stub_pte(a, va) & MM_PTE_WRITE);
	assert_true(stub_pte(b, vb) & MM_PTE_WRITE);
	assert_mm_consistent();
	assert_int_equal(touch(a, va, MM_FAULT_WRITE), MM_FAULT_KILL);
	stub_deliver_exits();
	assert_int_equal(touch(b, vb, MM_FAULT_WRITE), MM_FAULT_RESUME);
	assert_mm_consistent();
}

/* P7 sees a shared page whose descriptor no longer names its object. */
static void proc_check_catches_a_shared_page_that_forgot_its_object(void **state)
{
	(void)state;
	int a = spawn("prog")->pid;
	vaddr_t va = map_shared(a, 2 * PAGE_SIZE, RW, KEY);
	assert_int_equal(touch(a, va + PAGE_SIZE, MM_FAULT_READ), MM_FAULT_RESUME);
	struct page *pg = pfn_to_page(pa_to_pfn(frame_of(a, va + PAGE_SIZE)));
	pg->index = 0;
	assert_int_equal(mm_proc_check(proc(a)), 1);
	assert_non_null(strstr(stub_bug_last, "does not name object"));
	pg->index = 1;
	stub_bug_reset();
	assert_mm_consistent();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		MM_TEST(two_processes_mapping_one_key_see_the_same_frame_and_bytes),
		MM_TEST(shared_pages_are_not_counted_as_resident),
		MM_TEST(another_key_is_another_object),
		MM_TEST(the_frames_go_when_the_last_mapping_is_unmapped),
		MM_TEST(exit_drops_the_reference_and_the_last_exit_frees_the_object),
		MM_TEST(mprotect_of_a_shared_mapping_changes_only_that_process),
		MM_TEST(proc_check_catches_a_shared_page_that_forgot_its_object),
	};
	return MM_RUN(tests);
}
