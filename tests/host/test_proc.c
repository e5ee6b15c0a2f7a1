/*
 * test_proc.c - process records and the frames they own
 * (servers/mm/proc.c, the exit path of requests.c) and their checkers,
 * mm_proc_check() and mm_frames_check() (servers/mm/check.c).
 *
 * Exit must give every frame back: after it the free frames are exactly
 * what they were before the process was spawned. Each checker invariant
 * is broken once on purpose and must be reported. A randomised run of
 * spawn / mmap / touch / munmap / sbrk / exit over several processes is
 * compared with a model of what each process wrote, with the checkers and
 * the kernel model comparison after every step.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <pagoda/error.h>
#include "mm_env.h"
#include "buddy.h"
#include "check.h"
#include "mm_stubs.h"
#include "mm_fixture.h"
#include "rng.h"

#define RW (MM_PROT_READ | MM_PROT_WRITE)

static vaddr_t sbrk(int pid, int64_t incr)
{
	struct ipc_msg r;
	assert_int_equal(request(pid, MM_SBRK, (uint64_t)incr, 0, 0, 0, &r, NULL), 0);
	return r.w[0];
}

/* A process with pages everywhere: ELF text and data, heap, stack, an
 * anonymous and a shared mapping. */
static struct mm_proc *busy_process(void)
{
	struct mm_proc *p = spawn("prog");
	int pid = p->pid;
	uint8_t page[2 * PAGE_SIZE];
	memset(page, 0x77, sizeof page);
	assert_int_equal(touch(pid, PROG_ENTRY, MM_FAULT_EXEC), 0);
	assert_int_equal(user_write(pid, PROG_DATA_VA, page, 2 * PAGE_SIZE), 0);
	vaddr_t heap = sbrk(pid, 5 * PAGE_SIZE);
	assert_int_equal(user_write(pid, heap, page, PAGE_SIZE), 0);
	assert_int_equal(touch(pid, heap + 4 * PAGE_SIZE, MM_FAULT_WRITE), 0);
	for (vaddr_t va = USER_STACK_TOP - 40 * PAGE_SIZE; va < USER_STACK_TOP; va += 3 * PAGE_SIZE)
		assert_int_equal(touch(pid, va, MM_FAULT_WRITE), 0);
	vaddr_t a = map_anon(pid, 16 * PAGE_SIZE, RW);
	for (int i = 0; i < 16; i += 5)
		assert_int_equal(touch(pid, a + i * PAGE_SIZE, MM_FAULT_WRITE), 0);
	vaddr_t s = map_shared(pid, 3 * PAGE_SIZE, RW, 0xabc);
	assert_int_equal(touch(pid, s + PAGE_SIZE, MM_FAULT_WRITE), 0);
	assert_mm_consistent();
	return p;
}

/* ---- exit ----------------------------------------------------------------- */

static void exit_returns_every_frame_to_the_buddy_allocator(void **state)
{
	(void)state;
	struct mm_proc *p = busy_process();
	int pid = p->pid;
	assert_true(p->resident > 20);
	assert_true(p->pagetables > 3);
	exit_proc(pid, 3);
	assert_null(mm_proc_find(pid));              /* no parent: the record goes */
	assert_int_equal(stub_state(pid), STUB_FREE);   /* mm destroyed it in the kernel */
	assert_int_equal(free_at_rest(), baseline);
	assert_int_equal(buddy_check(), 0);
	assert_mm_consistent();
}

static void killed_process_returns_every_frame_once_its_exit_is_reported(void **state)
{
	(void)state;
	struct mm_proc *a = busy_process(), *b = busy_process();
	int pa = a->pid, pb = b->pid;
	assert_int_equal(kcall_kill(pa, -1), 0);
	assert_int_equal(kcall_kill(pb, -1), 0);
	assert_mm_consistent();                      /* dead in the kernel, not yet in mm */
	assert_int_equal(stub_deliver_exits(), 2);
	assert_null(mm_proc_find(pa));
	assert_null(mm_proc_find(pb));
	assert_int_equal(free_at_rest(), baseline);
}

static void an_exited_child_keeps_only_its_record_until_the_parent_waits(void **state)
{
	(void)state;
	int parent = spawn("prog")->pid;
	uint64_t with_parent = free_at_rest();
	int child = mm_spawn_program("prog", parent, 0);
	assert_int_equal(touch(child, PROG_DATA_VA, MM_FAULT_WRITE), 0);
	exit_proc(child, 9);
	struct mm_proc *c = proc(child);
	assert_false(c->alive);
	assert_int_equal(c->status, 9);
	assert_int_equal(c->resident, 0);
	assert_int_equal(c->pagetables, 0);
	assert_int_equal(c->frames, PAGE_LINK_NONE);
	assert_null(c->regions);
	assert_int_equal(mm_proc_count(), 1);
	assert_mm_consistent();
	struct ipc_msg r;
	assert_int_equal(request(parent, MM_WAIT, (uint64_t)child, 0, 0, 0, &r, NULL), child);
	assert_int_equal(free_at_rest(), with_parent);
}

static void a_parent_exit_orphans_live_children_and_frees_exited_ones(void **state)
{
	(void)state;
	int parent = spawn("prog")->pid;
	int live = mm_spawn_program("prog", parent, 0), dead = mm_spawn_program("prog", parent, 0);
	exit_proc(dead, 0);
	exit_proc(parent, 0);
	assert_null(mm_proc_find(dead));
	assert_null(mm_proc_find(parent));
	assert_int_equal(proc(live)->parent, 0);
	assert_mm_consistent();
	exit_proc(live, 0);
	assert_null(mm_proc_find(live));             /* an orphan frees itself */
	assert_int_equal(free_at_rest(), baseline);
}

/* ---- the frame list ------------------------------------------------------------ */

static void page_tables_the_kernel_used_become_the_process_s(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	/* root + PDPT/PD/PT for the stack top */
	assert_int_equal(p->pagetables, 4);
	assert_int_equal(stub_tables(p->pid), 3);
	assert_int_equal(touch(p->pid, PROG_DATA_VA, MM_FAULT_READ), 0);    /* another 512 GiB */
	assert_int_equal(p->pagetables, 7);
	assert_int_equal(touch(p->pid, PROG_TEXT_VA, MM_FAULT_READ), 0);    /* same 2 MiB */
	assert_int_equal(p->pagetables, 7);
	vaddr_t a = map_anon(p->pid, PAGE_SIZE, MM_PROT_READ);             /* 64 GiB: same 512 GiB */
	assert_int_equal(touch(p->pid, a, MM_FAULT_READ), 0);               /* new PD and PT */
	assert_int_equal(p->pagetables, 9);
	assert_mm_consistent();
}

static void own_and_disown_keep_the_list_and_the_counts(void **state)
{
	(void)state;
	struct mm_proc *p = mm_proc_new(500, 0, "bare");
	pfn_t f[3];
	for (int i = 0; i < 3; i++) {
		f[i] = buddy_alloc(0, 0);
		mm_proc_own(p, f[i], i ? PAGE_USE_USER : PAGE_USE_PAGETABLE, i * PAGE_SIZE);
	}
	assert_int_equal(p->resident, 2);
	assert_int_equal(p->pagetables, 1);
	assert_int_equal(p->frames, f[2]);
	mm_proc_disown(p, f[1]);                     /* from the middle */
	assert_int_equal(pfn_to_page(f[2])->own.next, f[0]);
	assert_int_equal(pfn_to_page(f[0])->own.prev, f[2]);
	assert_int_equal(pfn_to_page(f[1])->owner, PAGE_OWNER_MM);
	assert_int_equal(p->resident, 1);
	buddy_free(f[1], 0);
	mm_proc_release(p);
	assert_int_equal(p->frames, PAGE_LINK_NONE);
	assert_int_equal(p->resident + p->pagetables, 0);
	mm_proc_free(p);
	assert_int_equal(free_at_rest(), baseline);
	assert_int_equal(buddy_check(), 0);
}

/* ---- the checkers can fail ---------------------------------------------------- */

static void assert_one_bug(unsigned found, const char *what)
{
	assert_int_equal(found, 1);
	assert_int_equal(stub_bug_count, 1);
	assert_non_null(strstr(stub_bug_last, what));
	stub_bug_reset();
}

static pfn_t first_user_frame(struct mm_proc *p)
{
	for (uint32_t f = p->frames; f != PAGE_LINK_NONE; f = pfn_to_page(f)->own.next)
		if (pfn_to_page(f)->use == PAGE_USE_USER)
			return f;
	fail();
	return PFN_NONE;
}

static void proc_check_catches_a_resident_count_that_disagrees_with_the_list(void **state)
{
	(void)state;
	struct mm_proc *p = busy_process();
	p->resident++;
	assert_one_bug(mm_proc_check(p), "counts");
	p->resident--;
	p->pagetables--;
	assert_one_bug(mm_proc_check(p), "page tables, its list holds");
	p->pagetables++;
	assert_mm_consistent();
}

static void proc_check_catches_a_frame_that_names_another_owner(void **state)
{
	(void)state;
	struct mm_proc *p = busy_process();
	struct page *pg = pfn_to_page(first_user_frame(p));
	pg->owner = 4242;
	assert_one_bug(mm_proc_check(p), "owner 4242");
	assert_true(mm_frames_check() >= 1);         /* F1: a pid mm does not know */
	assert_non_null(strstr(stub_bug_last, "names pid 4242, which mm does not know") ||
			strstr(stub_bug_last, "frame lists hold"));
	stub_bug_reset();
	pg->owner = (uint32_t)p->pid;
	pg->order = 1;
	assert_one_bug(mm_proc_check(p), "is allocated order 1, user");
	pg->order = 0;
	assert_mm_consistent();
}

static void proc_check_catches_a_broken_back_link_and_a_cycle(void **state)
{
	(void)state;
	struct mm_proc *p = busy_process();
	struct page *second = pfn_to_page(pfn_to_page(p->frames)->own.next);
	uint32_t saved = second->own.prev;
	second->own.prev = PAGE_LINK_NONE;
	assert_one_bug(mm_proc_check(p), "on its frame list, not");
	second->own.prev = saved;
	uint32_t next = second->own.next;
	second->own.next = p->frames;                /* back to the head: a cycle */
	assert_true(mm_proc_check(p) >= 1);
	assert_non_null(strstr(stub_bug_last, "does not end"));
	stub_bug_reset();
	second->own.next = next;
	assert_mm_consistent();
}

static void proc_check_catches_a_user_frame_outside_the_process_regions(void **state)
{
	(void)state;
	struct mm_proc *p = busy_process();
	struct page *pg = pfn_to_page(first_user_frame(p));
	vaddr_t va = pg->index;
	pg->index = USER_MMAP_BASE - PAGE_SIZE;      /* a hole */
	assert_true(mm_proc_check(p) == 1);
	assert_non_null(strstr(stub_bug_last, "outside its private regions"));
	stub_bug_reset();
	pg->index = va;
	assert_mm_consistent();
}

/* P6: the kernel's page tables disagree with the frame list. */
static void proc_check_catches_a_page_the_kernel_no_longer_maps_or_maps_with_other_rights(void **state)
{
	(void)state;
	struct mm_proc *p = busy_process();
	pfn_t f = first_user_frame(p);
	vaddr_t va = pfn_to_page(f)->index;
	int64_t e = kcall_unmap(p->pid, va);         /* behind mm's back */
	assert_one_bug(mm_proc_check(p), "but the kernel maps nothing there");
	paddr_t other = pfn_to_pa(buddy_alloc(0, 0));
	paddr_t none[3] = { PADDR_NONE, PADDR_NONE, PADDR_NONE };
	assert_int_equal(kcall_map(p->pid, va, other, mm_rights(region_find(p, va)->prot), none), 0);
	assert_one_bug(mm_proc_check(p), "but the kernel maps another frame there");
	kcall_unmap(p->pid, va);
	buddy_free(pa_to_pfn(other), 0);
	uint64_t rights = mm_rights(region_find(p, va)->prot);
	assert_int_equal(kcall_map(p->pid, va, (paddr_t)e & PAGE_MASK, rights ^ MM_RIGHT_WRITE, none), 0);
	assert_one_bug(mm_proc_check(p), "but its region's prot is");
	kcall_protect(p->pid, va, rights);
	assert_mm_consistent();
}

/* P6 without SYS_MM_LOOKUP (a kernel answering ERR_NOSYS): the mappings
 * cannot be checked, which is not a bug; the rest still is checked. */
static void proc_check_without_lookup_skips_mappings_but_checks_the_list(void **state)
{
	(void)state;
	struct mm_proc *p = busy_process();
	vaddr_t va = pfn_to_page(first_user_frame(p))->index;
	int64_t e = kcall_unmap(p->pid, va);
	stub_fail(STUB_LOOKUP, 0, -ERR_NOSYS);
	assert_int_equal(mm_proc_check(p), 0);
	assert_int_equal(stub_bug_count, 0);
	p->resident++;
	stub_fail(STUB_LOOKUP, 0, -ERR_NOSYS);
	assert_one_bug(mm_proc_check(p), "counts");
	p->resident--;
	paddr_t none[3] = { PADDR_NONE, PADDR_NONE, PADDR_NONE };
	kcall_map(p->pid, va, (paddr_t)e & PAGE_MASK, mm_rights(region_find(p, va)->prot), none);
	assert_mm_consistent();
}

static void proc_check_catches_an_exited_record_that_still_owns_frames(void **state)
{
	(void)state;
	int parent = spawn("prog")->pid;
	int child = mm_spawn_program("prog", parent, 0);
	exit_proc(child, 0);
	struct mm_proc *c = proc(child);
	pfn_t f = buddy_alloc(0, 0);
	mm_proc_own(c, f, PAGE_USE_USER, 0x401000);
	assert_true(mm_proc_check(c) >= 1);
	assert_non_null(strstr(stub_bug_last, "has exited but still owns 1 frames"));
	stub_bug_reset();
	mm_proc_disown(c, f);
	buddy_free(f, 0);
	assert_mm_consistent();
}

/* F2: a frame names its owner but is on no list (a forgotten disown's
 * mirror image: an own that never linked it). */
static void frames_check_catches_an_owned_frame_on_no_list(void **state)
{
	(void)state;
	struct mm_proc *p = spawn("prog");
	pfn_t f = buddy_alloc(0, 0);
	struct page *pg = pfn_to_page(f);
	pg->owner = (uint32_t)p->pid;
	pg->use = PAGE_USE_USER;
	assert_one_bug(mm_frames_check(), "frames name a process as owner, the frame lists hold");
	assert_int_equal(mm_proc_check(p), 0);       /* its list is fine: only F2 sees it */
	pg->owner = PAGE_OWNER_MM;
	pg->use = PAGE_USE_ANY;
	buddy_free(f, 0);
	assert_mm_consistent();
}

/* ---- randomised: a workload against a model ------------------------------------ */

#define NPROC 4
#define NMAP  6

struct model_map {
	vaddr_t va;
	unsigned pages;
	uint8_t *bytes;     /* what the process wrote over each page (0: nothing) */
	bool *present;      /* which pages it has touched */
};

struct model_proc {
	int pid;
	struct model_map maps[NMAP];
	unsigned nmaps;
};

static void model_spawn(struct model_proc *m)
{
	memset(m, 0, sizeof *m);
	m->pid = spawn("prog")->pid;
}

static void model_exit(struct model_proc *m)
{
	for (unsigned i = 0; i < m->nmaps; i++) {
		free(m->maps[i].bytes);
		free(m->maps[i].present);
	}
	exit_proc(m->pid, 0);
	m->pid = 0;
}

static void model_mmap(struct model_proc *m)
{
	if (m->nmaps == NMAP)
		return;
	struct model_map *mm = &m->maps[m->nmaps++];
	mm->pages = 1 + rng() % 24;
	mm->va = map_anon(m->pid, mm->pages * PAGE_SIZE - rng() % PAGE_SIZE, RW);
	mm->bytes = calloc(mm->pages, 1);
	mm->present = calloc(mm->pages, sizeof(bool));
	for (unsigned i = 0; i + 1 < m->nmaps; i++) {   /* disjoint from the others */
		const struct model_map *o = &m->maps[i];
		assert_true(mm->va + mm->pages * PAGE_SIZE <= o->va || o->va + o->pages * PAGE_SIZE <= mm->va);
	}
}

static void model_touch(struct model_proc *m)
{
	if (m->nmaps == 0)
		return;
	struct model_map *mm = &m->maps[rng() % m->nmaps];
	unsigned page = rng() % mm->pages;
	vaddr_t va = mm->va + page * PAGE_SIZE + rng() % PAGE_SIZE;
	uint8_t seen, value = (uint8_t)(1 + rng() % 255);
	assert_int_equal(user_read(m->pid, va, &seen, 1), 0);
	assert_int_equal(seen, mm->bytes[page]);        /* zero, or what was written */
	mm->present[page] = true;
	if (rng() % 2) {
		/* write the value over the whole page, so any byte read later agrees */
		uint8_t buf[PAGE_SIZE];
		memset(buf, value, sizeof buf);
		assert_int_equal(user_write(m->pid, mm->va + page * PAGE_SIZE, buf, sizeof buf), 0);
		mm->bytes[page] = value;
	}
}

static void model_munmap(struct model_proc *m)
{
	if (m->nmaps == 0)
		return;
	unsigned i = rng() % m->nmaps;
	struct model_map *mm = &m->maps[i];
	assert_int_equal(request(m->pid, MM_MUNMAP, mm->va, mm->pages * PAGE_SIZE, 0, 0, NULL, NULL), 0);
	assert_null(region_find(proc(m->pid), mm->va));
	free(mm->bytes);
	free(mm->present);
	m->maps[i] = m->maps[--m->nmaps];
}

/* Pages the model says are present: every page touched and not unmapped. */
static uint64_t model_present(const struct model_proc *m)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < m->nmaps; i++)
		for (unsigned pg = 0; pg < m->maps[i].pages; pg++)
			n += m->maps[i].present[pg];
	return n;
}

static void random_mmap_touch_munmap_exit_runs_keep_every_invariant(void **state)
{
	(void)state;
	struct model_proc procs[NPROC] = { 0 };
	rng_state = 0xfeedfacecafebeefull;
	for (int op = 0; op < 1500; op++) {
		struct model_proc *m = &procs[rng() % NPROC];
		unsigned what = rng() % 100;
		if (!m->pid)
			model_spawn(m);
		else if (what < 25)
			model_mmap(m);
		else if (what < 80)
			model_touch(m);
		else if (what < 95)
			model_munmap(m);
		else
			model_exit(m);
		assert_mm_consistent();
		for (int i = 0; i < NPROC; i++)
			if (procs[i].pid)          /* argv page + what the mappings hold */
				assert_int_equal(proc(procs[i].pid)->resident, 1 + model_present(&procs[i]));
	}
	for (int i = 0; i < NPROC; i++)
		if (procs[i].pid)
			model_exit(&procs[i]);
	assert_int_equal(free_at_rest(), baseline);
	assert_mm_consistent();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		MM_TEST(exit_returns_every_frame_to_the_buddy_allocator),
		MM_TEST(killed_process_returns_every_frame_once_its_exit_is_reported),
		MM_TEST(an_exited_child_keeps_only_its_record_until_the_parent_waits),
		MM_TEST(a_parent_exit_orphans_live_children_and_frees_exited_ones),
		MM_TEST(page_tables_the_kernel_used_become_the_process_s),
		MM_TEST(own_and_disown_keep_the_list_and_the_counts),
		MM_TEST(proc_check_catches_a_resident_count_that_disagrees_with_the_list),
		MM_TEST(proc_check_catches_a_frame_that_names_another_owner),
		MM_TEST(proc_check_catches_a_broken_back_link_and_a_cycle),
		MM_TEST(proc_check_catches_a_user_frame_outside_the_process_regions),
		MM_TEST(proc_check_catches_a_page_the_kernel_no_longer_maps_or_maps_with_other_rights),
		MM_TEST(proc_check_without_lookup_skips_mappings_but_checks_the_list),
		MM_TEST(proc_check_catches_an_exited_record_that_still_owns_frames),
		MM_TEST(frames_check_catches_an_owned_frame_on_no_list),
		MM_TEST(random_mmap_touch_munmap_exit_runs_keep_every_invariant),
	};
	return MM_RUN(tests);
}
