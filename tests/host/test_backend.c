/*
 * test_backend.c - the memory backends (servers/mm/backend*.c) and the
 * shared-frame reverse map (shm.c), on the host: the real backend,
 * region, fault, proc and shm code over the real allocators and the
 * project's model of the kernel (kcall_stub.c, booted by mm_fixture.c),
 * so a test can have the process write a page, or exit it (ERR_SRCH from
 * then on), and see what the backend does.
 *
 * Guards: a clean ELF page is given up and refilled from the module; a
 * written one is kept (and remembered as written); anonymous and shared
 * pages are not given up (no swap yet); unmapping stops quietly when the
 * process is gone; the reverse map finds every region mapping a shared
 * frame, and shm teardown reports a frame still mapped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <pagoda/error.h>
#include "mm.h"
#include "backend.h"
#include "buddy.h"
#include "mm_env.h"
#include "zone.h"
#include "mm_stubs.h"
#include "mm_fixture.h"

/* ---- fixture ------------------------------------------------------------ */

#define ELF_VA    0x400000UL
#define FILE_LEN  5000u         /* a page and a bit of file bytes, then .bss */

static pfn_t module;            /* "the boot module": the segment's file bytes */

static int setup(void **state)
{
	mm_fixture_setup(state);
	module = buddy_alloc(1, 0);
	assert_int_not_equal(module, PFN_NONE);
	uint8_t *bytes = pfn_to_virt(module);
	for (unsigned i = 0; i < 2 * PAGE_SIZE; i++)
		bytes[i] = (uint8_t)(i * 7 + 1);
	return 0;
}

static int teardown(void **state)
{
	assert_int_equal(stub_bug_count, 0);
	buddy_free(module, 1);
	return mm_fixture_teardown(state);
}

/* A process the kernel knows, with its root table and nothing else: the
 * tests give it regions by hand. */
static struct mm_proc *new_proc(void)
{
	pfn_t root = buddy_alloc(0, MM_ZERO);
	assert_int_not_equal(root, PFN_NONE);
	int pid = kcall_proc_create("test", pfn_to_pa(root), 0);
	assert_true(pid > 0);
	struct mm_proc *p = mm_proc_new(pid, 0, "test");
	assert_non_null(p);
	p->root = root;
	mm_proc_own(p, root, PAGE_USE_PAGETABLE, 0);
	return p;
}

/* The frame the kernel maps at va in pid (asserting there is one). */
static paddr_t mapped_pa(int pid, vaddr_t va)
{
	int64_t e = stub_pte(pid, va);
	assert_true(e >= 0);
	return (paddr_t)e & PAGE_MASK;
}

static bool is_mapped(int pid, vaddr_t va)
{
	return stub_pte(pid, va) >= 0;
}

static struct mm_region *elf_region(struct mm_proc *p)
{
	struct mm_region *r;
	assert_int_equal(region_add(p, ELF_VA, ELF_VA + 2 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE,
				    REGION_ELF, &r), 0);
	r->file_pa = pfn_to_pa(module);
	r->file_va = ELF_VA;
	r->file_len = FILE_LEN;
	return r;
}

/* The frame mapped at va, checked against the expected bytes: the
 * module's below file_len, zeros above. */
static void assert_elf_page(int pid, vaddr_t va)
{
	const uint8_t *got = mm_phys_to_virt(mapped_pa(pid, va)), *file = pfn_to_virt(module);
	for (unsigned i = 0; i < PAGE_SIZE; i++) {
		uint64_t off = va - ELF_VA + i;
		assert_int_equal(got[i], off < FILE_LEN ? file[off] : 0);
	}
}

/* ---- ELF ------------------------------------------------------------------ */

static void elf_clean_page_is_given_up_and_the_next_fault_reads_the_module_again(void **state)
{
	struct mm_proc *p = new_proc();
	struct mm_region *r = elf_region(p);
	vaddr_t va = ELF_VA + PAGE_SIZE;
	assert_int_equal(mm_fill_page(p, r, va), 0);
	assert_elf_page(p->pid, va);
	assert_int_equal(p->resident, 1);
	uint64_t free_before = zone_free_pages();

	assert_int_equal(region_evict_page(p, r, va), 0);
	assert_false(is_mapped(p->pid, va));
	assert_int_equal(p->resident, 0);
	assert_int_equal(zone_free_pages(), free_before + 1);

	assert_int_equal(mm_fill_page(p, r, va), 0);
	assert_elf_page(p->pid, va);
}

static void elf_written_page_is_kept_and_remembered_as_written(void **state)
{
	struct mm_proc *p = new_proc();
	struct mm_region *r = elf_region(p);
	assert_int_equal(mm_fill_page(p, r, ELF_VA), 0);
	paddr_t pa = mapped_pa(p->pid, ELF_VA);
	uint64_t why;
	assert_true(stub_access(p->pid, ELF_VA, MM_FAULT_WRITE, &why));   /* the program wrote to it */

	assert_int_equal(region_evict_page(p, r, ELF_VA), -ERR_BUSY);
	assert_int_equal(mapped_pa(p->pid, ELF_VA), pa);  /* mapped again, same frame */
	assert_int_equal(p->resident, 1);
	assert_true(pfn_to_page(pa_to_pfn(pa))->flags & PG_DIRTY);

	unsigned before = stub_calls(STUB_UNMAP);   /* the fresh PTE is clean, but */
	assert_int_equal(region_evict_page(p, r, ELF_VA), -ERR_BUSY);
	assert_int_equal(stub_calls(STUB_UNMAP), before);  /* PG_DIRTY says no at once */
}

static void evicting_a_page_that_is_not_present_is_noent(void **state)
{
	struct mm_proc *p = new_proc();
	struct mm_region *r = elf_region(p);
	assert_int_equal(region_evict_page(p, r, ELF_VA), -ERR_NOENT);
}

/* ---- anonymous -------------------------------------------------------------- */

static void anonymous_page_is_not_given_up_without_swap(void **state)
{
	struct mm_proc *p = new_proc();
	struct mm_region *r;
	assert_int_equal(region_add(p, USER_MMAP_BASE, USER_MMAP_BASE + PAGE_SIZE,
				    MM_PROT_READ | MM_PROT_WRITE, REGION_ANON, &r), 0);
	assert_ptr_equal(r->backend, &backend_anon);
	assert_int_equal(mm_fill_page(p, r, USER_MMAP_BASE), 0);
	uint64_t fault;
	assert_true(stub_access(p->pid, USER_MMAP_BASE, MM_FAULT_WRITE, &fault));  /* its data exists only here */
	assert_int_equal(region_evict_page(p, r, USER_MMAP_BASE), -ERR_NOSYS);
	assert_true(is_mapped(p->pid, USER_MMAP_BASE));
	assert_int_equal(p->resident, 1);
}

static void unmapping_stops_quietly_when_the_process_is_gone(void **state)
{
	struct mm_proc *p = new_proc();
	struct mm_region *r;
	assert_int_equal(region_add(p, USER_MMAP_BASE, USER_MMAP_BASE + 4 * PAGE_SIZE,
				    MM_PROT_READ | MM_PROT_WRITE, REGION_ANON, &r), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(mm_fill_page(p, r, USER_MMAP_BASE + i * PAGE_SIZE), 0);
	stub_exit(p->pid, -1);                  /* another thread exited it */
	unsigned before = stub_calls(STUB_UNMAP);
	assert_int_equal(region_unmap_pages(p, r, r->start, r->end), -ERR_SRCH);
	assert_int_equal(stub_calls(STUB_UNMAP), before + 1);  /* stopped at the first refusal */
	assert_int_equal(stub_bug_count, 0);
	assert_int_equal(p->resident, 4);       /* the exit report frees them */
	mm_proc_release(p);
	assert_int_equal(p->resident, 0);
}

/* ---- shared: the reverse map -------------------------------------------------- */

struct seen {
	int n;
	int pid[4];
	vaddr_t va[4];
};

static int record(struct mm_proc *p, struct mm_region *r, vaddr_t va, void *arg)
{
	struct seen *s = arg;
	s->pid[s->n] = p->pid;
	s->va[s->n++] = va;
	return 0;
}

static struct mm_region *shared_region(struct mm_proc *p, struct shm_obj *o, vaddr_t start)
{
	struct mm_region *r;
	assert_int_equal(region_add(p, start, start + 4 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE,
				    REGION_SHARED, &r), 0);
	shm_attach(o, r);
	return r;
}

static void reverse_map_finds_every_region_mapping_a_shared_frame(void **state)
{
	struct mm_proc *a = new_proc(), *b = new_proc();
	struct shm_obj *o = shm_get(0x1234, 4);
	assert_non_null(shm_get(0x1234, 4));    /* second reference, for b */
	struct mm_region *ra = shared_region(a, o, USER_MMAP_BASE);
	struct mm_region *rb = shared_region(b, o, USER_MMAP_BASE + 0x100000);
	assert_int_equal(mm_fill_page(a, ra, ra->start + 2 * PAGE_SIZE), 0);
	assert_int_equal(mm_fill_page(b, rb, rb->start + 2 * PAGE_SIZE), 0);
	pfn_t pfn = shm_page(o, 2);
	assert_int_equal(mapped_pa(a->pid, ra->start + 2 * PAGE_SIZE), pfn_to_pa(pfn));
	assert_int_equal(mapped_pa(b->pid, rb->start + 2 * PAGE_SIZE), pfn_to_pa(pfn));
	assert_int_equal(a->resident + b->resident, 0);  /* the object's frame */

	struct seen s = { 0 };
	assert_int_equal(shm_rmap_walk(pfn, record, &s), 0);
	assert_int_equal(s.n, 2);
	for (int i = 0; i < 2; i++)
		assert_true((s.pid[i] == a->pid && s.va[i] == ra->start + 2 * PAGE_SIZE) ||
			    (s.pid[i] == b->pid && s.va[i] == rb->start + 2 * PAGE_SIZE));

	assert_int_equal(region_unmap_pages(a, ra, ra->start, ra->end), 0);
	region_remove(a, ra);                   /* detach: off the reverse map */
	s = (struct seen){ 0 };
	assert_int_equal(shm_rmap_walk(pfn, record, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.pid[0], b->pid);
	assert_true(is_mapped(b->pid, rb->start + 2 * PAGE_SIZE));  /* b keeps it */

	uint64_t free_before = zone_free_pages();
	assert_int_equal(region_unmap_pages(b, rb, rb->start, rb->end), 0);
	region_remove(b, rb);                   /* last reference: frames freed */
	assert_true(zone_free_pages() > free_before);
}

static void shm_teardown_reports_a_frame_a_region_still_maps(void **state)
{
	struct mm_proc *a = new_proc(), *b = new_proc();
	struct shm_obj *o = shm_get(0x99, 4);   /* one reference for two regions: */
	struct mm_region *ra = shared_region(a, o, USER_MMAP_BASE);
	struct mm_region *rb = shared_region(b, o, USER_MMAP_BASE);
	assert_int_equal(mm_fill_page(b, rb, rb->start), 0);
	shm_detach(ra);                         /* the count says last; b maps it */
	assert_int_equal(stub_bug_count, 1);
	assert_non_null(strstr(stub_bug_last, "shm_put"));
	assert_non_null(strstr(stub_bug_last, "is freed while 1 regions map it"));
	stub_bug_reset();
	ra->backend = &backend_anon;            /* the object is gone: forget it */
	rb->shm = NULL;
	rb->backend = &backend_anon;
}

static void shared_and_private_pages_refuse_or_allow_eviction_honestly(void **state)
{
	struct mm_proc *a = new_proc();
	struct shm_obj *o = shm_get(0x77, 4);
	struct mm_region *r = shared_region(a, o, USER_MMAP_BASE);
	assert_int_equal(mm_fill_page(a, r, r->start), 0);
	pfn_to_page(shm_page(o, 0))->flags |= PG_DIRTY;    /* written: no swap to keep it in */
	assert_int_equal(region_evict_page(a, r, r->start), -ERR_NOSYS);
	assert_true(is_mapped(a->pid, r->start));
	assert_int_equal(region_unmap_pages(a, r, r->start, r->end), 0);
	region_remove(a, r);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(elf_clean_page_is_given_up_and_the_next_fault_reads_the_module_again),
		T(elf_written_page_is_kept_and_remembered_as_written),
		T(evicting_a_page_that_is_not_present_is_noent),
		T(anonymous_page_is_not_given_up_without_swap),
		T(unmapping_stops_quietly_when_the_process_is_gone),
		T(reverse_map_finds_every_region_mapping_a_shared_frame),
		T(shm_teardown_reports_a_frame_a_region_still_maps),
		T(shared_and_private_pages_refuse_or_allow_eviction_honestly),
	};
	return MM_RUN(tests);
}
