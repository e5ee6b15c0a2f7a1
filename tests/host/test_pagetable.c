/*
 * test_pagetable.c - the x86_64 page-table walk, lookup and pruning
 * (kernel/arch/x86_64/pagetable.c), on the host.
 *
 * The real source is included unchanged. Its physmap arithmetic works on
 * the host too: a "physical" address here is a host address minus
 * PHYSMAP_BASE (modulo 2^64), so phys_to_virt() gives the host address
 * back, and such addresses fit the 52-bit PTE address field. Only invlpg
 * (a privileged instruction) and paging_kernel_root are replaced.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#define ARCH_X86_H              /* replace x86.h: no privileged instructions */
static inline void invlpg(uint64_t va) { (void)va; }
#include "arch/x86_64/pagetable.c"

#define NFRAMES 32
static uint64_t arena[NFRAMES][512] __attribute__((aligned(4096)));
static uint64_t kernel_root[512] __attribute__((aligned(4096)));
static int next_frame;

static paddr_t pa_of(const void *p) { return (paddr_t)(uintptr_t)p - PHYSMAP_BASE; }

paddr_t paging_kernel_root(void) { return pa_of(kernel_root); }

static paddr_t frame(void)
{
	assert_true(next_frame < NFRAMES);
	memset(arena[next_frame], 0xa5, PAGE_SIZE);     /* pt_map must zero new tables */
	return pa_of(arena[next_frame++]);
}

static void supply(struct frame_supply *s)
{
	s->count = MM_MAP_SPARES;
	s->used = 0;
	for (int i = 0; i < MM_MAP_SPARES; i++)
		s->frames[i] = frame();
}

static paddr_t fresh_space(void)
{
	next_frame = 0;
	for (int i = 256; i < 512; i++)
		kernel_root[i] = 0x1000 * (uint64_t)i | PTE_P;
	paddr_t root = frame();
	pt_space_init(root);
	return root;
}

static const vaddr_t VA = 0x400000;

static void lookup_reports_frame_rights_and_hardware_bits(void **state)
{
	paddr_t root = fresh_space();
	struct frame_supply s;
	supply(&s);
	assert_int_equal(pt_map(root, VA, 0x123000, VM_READ | VM_WRITE, &s), 0);
	assert_int_equal(s.used, 3);
	struct pt_page pg;
	assert_true(pt_lookup(root, VA + 0x10, &pg));
	assert_int_equal(pg.pa, 0x123000);
	assert_int_equal(pg.rights, VM_READ | VM_WRITE);
	assert_false(pg.accessed || pg.dirty);
	*present_pte(root, VA) |= PTE_A | PTE_D;
	assert_true(pt_lookup(root, VA, &pg));
	assert_true(pg.accessed && pg.dirty);
	assert_true(pt_lookup(root, VA, &pg));            /* lookup clears nothing */
	assert_true(pg.accessed && pg.dirty);
	assert_false(pt_lookup(root, VA + PAGE_SIZE, &pg));
	assert_false(pt_lookup(root, 0xffff800000000000ULL, &pg));
}

static void probe_counts_missing_tables_and_map_refuses_when_short(void **state)
{
	paddr_t root = fresh_space();
	assert_int_equal(pt_map_probe(root, VA), 3);
	struct frame_supply s = { .frames = { frame(), frame() }, .count = 2 };
	assert_int_equal(pt_map(root, VA, 0x5000, VM_READ, &s), -ERR_NOMEM);
	supply(&s);
	assert_int_equal(pt_map_probe(root, VA), 1);  /* PDPT and PD made above */
	assert_int_equal(pt_map(root, VA, 0x5000, VM_READ, &s), 0);
	assert_int_equal(s.used, 1);
	assert_int_equal(pt_map(root, VA, 0x6000, VM_READ, &s), -ERR_BUSY);
	assert_int_equal(pt_map_probe(root, VA), -ERR_BUSY);
	assert_int_equal(pt_map_probe(root, VA + (2ULL << 20)), 1);   /* next PT */
	assert_int_equal(pt_map_probe(root, VA + (1ULL << 30)), 2);   /* next PD */
	assert_int_equal(pt_map_probe(root, VA + (1ULL << 39)), 3);   /* next PDPT */
}

static void unmap_returns_the_old_entry_and_protect_changes_rights(void **state)
{
	paddr_t root = fresh_space();
	struct frame_supply s;
	supply(&s);
	assert_int_equal(pt_map(root, VA, 0x7000, VM_READ, &s), 0);
	assert_int_equal(pt_protect(root, VA, VM_READ | VM_EXEC), 0);
	struct pt_page pg;
	assert_true(pt_lookup(root, VA, &pg));
	assert_int_equal(pg.rights, VM_READ | VM_EXEC);
	assert_int_equal(pt_unmap(root, VA, &pg), 0);
	assert_int_equal(pg.pa, 0x7000);
	assert_int_equal(pt_unmap(root, VA, &pg), -ERR_NOENT);
	assert_int_equal(pt_protect(root, VA, VM_READ), -ERR_NOENT);
}

/* Map and unmap one page: three tables below the root map nothing. */
static paddr_t space_with_empty_chain(paddr_t tables[3])
{
	paddr_t root = fresh_space();
	struct frame_supply s;
	supply(&s);
	memcpy(tables, s.frames, 3 * sizeof(paddr_t));
	assert_int_equal(pt_map(root, VA, 0x8000, VM_READ, &s), 0);
	struct pt_page old;
	assert_int_equal(pt_unmap(root, VA, &old), 0);
	return root;
}

static void prune_unlinks_empty_tables_bottom_up(void **state)
{
	paddr_t tables[3], out[MM_PRUNE_MAX];
	paddr_t root = space_with_empty_chain(tables);
	assert_int_equal(pt_prune(root, VA, VA + PAGE_SIZE, out, MM_PRUNE_MAX), 3);
	assert_int_equal(out[0], tables[2]);      /* the PT first, then PD, PDPT */
	assert_int_equal(out[1], tables[1]);
	assert_int_equal(out[2], tables[0]);
	assert_int_equal(pt_map_probe(root, VA), 3);
	assert_int_equal(pt_prune(root, VA, VA + PAGE_SIZE, out, MM_PRUNE_MAX), 0);
	const uint64_t *pml4 = table(root);
	for (int i = 256; i < 512; i++)
		assert_int_equal(pml4[i], kernel_root[i]);
}

static void prune_stops_at_max_and_resumes(void **state)
{
	paddr_t tables[3], out[1];
	paddr_t root = space_with_empty_chain(tables);
	for (int i = 2; i >= 0; i--) {
		assert_int_equal(pt_prune(root, VA, VA + 1, out, 1), 1);
		assert_int_equal(out[0], tables[i]);
	}
	assert_int_equal(pt_prune(root, VA, VA + 1, out, 1), 0);
}

static void prune_keeps_tables_that_map_or_lie_outside(void **state)
{
	paddr_t tables[3], out[MM_PRUNE_MAX];
	paddr_t root = space_with_empty_chain(tables);
	struct frame_supply s;
	supply(&s);
	vaddr_t other = VA + (2ULL << 20);                 /* same PD, next PT */
	assert_int_equal(pt_map(root, other, 0x9000, VM_READ, &s), 0);
	assert_int_equal(pt_prune(root, 0x100000000ULL, 0x200000000ULL, out, MM_PRUNE_MAX), 0);
	assert_int_equal(pt_prune(root, USER_MIN, USER_TOP, out, MM_PRUNE_MAX), 1);
	assert_int_equal(out[0], tables[2]);               /* the empty PT only */
	struct pt_page pg;
	assert_true(pt_lookup(root, other, &pg));
	assert_int_equal(pg.pa, 0x9000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lookup_reports_frame_rights_and_hardware_bits),
		cmocka_unit_test(probe_counts_missing_tables_and_map_refuses_when_short),
		cmocka_unit_test(unmap_returns_the_old_entry_and_protect_changes_rights),
		cmocka_unit_test(prune_unlinks_empty_tables_bottom_up),
		cmocka_unit_test(prune_stops_at_max_and_resumes),
		cmocka_unit_test(prune_keeps_tables_that_map_or_lie_outside),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
