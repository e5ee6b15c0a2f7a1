/*
 * test_vtd_table.c - the VT-d translation structures
 * (kernel/arch/x86_64/vtd_table.c) and their invariants (vtd_check.c), on
 * the host.
 *
 * Both sources are included unchanged; only x86.h is replaced, by a
 * clflush_range that counts what it is asked to flush. As in
 * test_pagetable.c, a "physical" address is a host address minus
 * PHYSMAP_BASE, so phys_to_virt() gives the host address back: table
 * frames come from an arena (filled with 0xa5, so the code must zero
 * them), while the frames a domain maps are plain numbers no one reads.
 * Every test runs vtd_tables_check() after each operation, every refusal
 * is checked to change nothing (the whole state and the arena compared
 * before and after), and what a device reaches is read the way the
 * hardware walks (vtd_translate), also checked entry by entry against
 * the spec's layouts (vtd_regs.h names the bits; the values here are the
 * spec's numbers).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define ARCH_X86_H              /* replace x86.h: no privileged instructions */
static uint64_t flushed;        /* bytes clflush_range was asked to flush */
static inline void clflush_range(const void *p, uint64_t len) { (void)p; flushed += len; }
#include "arch/x86_64/vtd_table.c"
#include "arch/x86_64/vtd_check.c"
#include "kstubs.h"
#include "rng.h"

#define NFRAMES 96
static uint8_t arena[NFRAMES][PAGE_SIZE] __attribute__((aligned(4096)));
static int next_frame;
static struct vtd_tables t;
static const paddr_t NONE3[MM_MAP_SPARES] = { PADDR_NONE, PADDR_NONE, PADDR_NONE };

static paddr_t pa_of(const void *p) { return (paddr_t)(uintptr_t)p - PHYSMAP_BASE; }

static paddr_t frame(void)
{
	assert_true(next_frame < NFRAMES);
	memset(arena[next_frame], 0xa5, PAGE_SIZE);
	return pa_of(arena[next_frame++]);
}

/* A frame a device may be given: any page-aligned number. */
static paddr_t data(unsigned i) { return 0x40000000ULL + (paddr_t)i * PAGE_SIZE; }

static void spares(paddr_t s[MM_MAP_SPARES])
{
	for (int i = 0; i < MM_MAP_SPARES; i++)
		s[i] = frame();
}

static int setup(void **state)
{
	next_frame = 0;
	flushed = 0;
	kstub_log_clear();
	vtd_tables_init(&t, 3, 39, 64, false);
	assert_int_equal(vtd_tables_set_root(&t, frame()), 0);
	vtd_tables_check(&t);
	return 0;
}

static const unsigned EDU = 0x20;       /* 00:04.0 */
static const uint64_t IOVA = 0x100000;

/* Domain dom with device bdf attached, its context table from a new frame
 * if the bus needs one. */
static void domain_with_device(uint64_t dom, unsigned bdf)
{
	assert_int_equal(vtd_domain_create(&t, dom, frame()), 0);
	assert_true(vtd_attach(&t, dom, bdf, frame()) >= 0);
	vtd_tables_check(&t);
}

static bool any_frame(paddr_t pa) { return true; }

/* As SYS_MM_IOMMU_MAP calls it: the spares gathered first (supply.c). */
static int map(uint64_t dom, uint64_t iova, paddr_t pa, uint64_t n, uint64_t rights,
	       const paddr_t s[MM_MAP_SPARES])
{
	struct mm_map_run run = { iova, pa, n, rights };
	struct frame_supply fs;
	if (!frame_supply_gather(&fs, s, any_frame))
		return -ERR_INVAL;
	int r = vtd_map(&t, dom, &run, &fs);
	vtd_tables_check(&t);
	return r;
}

static void assert_reaches(unsigned bdf, uint64_t iova, paddr_t want, bool writable)
{
	paddr_t pa;
	bool w;
	assert_true(vtd_translate(&t, bdf, iova, &pa, &w));
	assert_int_equal(pa, want);
	assert_int_equal(w, writable);
}

static void assert_blocked(unsigned bdf, uint64_t iova)
{
	paddr_t pa;
	bool w;
	assert_false(vtd_translate(&t, bdf, iova, &pa, &w));
}

/* ---- snapshots: a refused call changes nothing ---- */

static struct vtd_tables before;
static uint8_t arena_before[NFRAMES][PAGE_SIZE];

static void snapshot(void)
{
	before = t;
	memcpy(arena_before, arena, sizeof arena);
}

static void assert_unchanged(void)
{
	assert_memory_equal(&before, &t, sizeof t);
	assert_memory_equal(arena_before, arena, sizeof arena);
}

/* ---- the root table and devices ---- */

static void vtd_root_table_is_set_once_from_an_unused_frame(void **state)
{
	struct vtd_tables fresh;
	vtd_tables_init(&fresh, 3, 39, 64, true);
	assert_int_equal(vtd_domain_create(&fresh, 1, frame()), -ERR_NOENT);   /* not enabled */
	assert_int_equal(vtd_tables_set_root(&fresh, frame() + 8), -ERR_INVAL);
	assert_int_equal(vtd_tables_set_root(&fresh, PADDR_NONE), -ERR_INVAL);
	paddr_t root = frame();
	assert_int_equal(vtd_tables_set_root(&fresh, root), 0);
	assert_true(sl_empty(sl_table(root)));
	assert_int_equal(vtd_tables_set_root(&fresh, frame()), -ERR_BUSY);
	assert_int_equal(frameset_use(&fresh.frames, root), FRAME_TABLE);
	vtd_tables_check(&fresh);
}

static void vtd_attach_writes_root_and_context_entries_as_the_spec_lays_them_out(void **state)
{
	paddr_t dom_root = frame(), ctx = frame();
	assert_int_equal(vtd_domain_create(&t, 5, dom_root), 0);
	assert_int_equal(vtd_attach(&t, 5, EDU, ctx), 1);
	const uint64_t *rt = sl_table(t.root), *ct = sl_table(ctx);
	assert_int_equal(rt[0], ctx | 1);                   /* root entry of bus 0: CTP | P */
	assert_int_equal(rt[1], 0);
	assert_int_equal(ct[2 * EDU], dom_root | 1);        /* SLPTPTR | TT 0 | P */
	assert_int_equal(ct[2 * EDU + 1], 5 << 8 | 1);      /* DID 5, AW 1: 39 bits */
	assert_true(sl_empty(sl_table(dom_root)));
	assert_blocked(EDU, IOVA);                          /* nothing mapped yet */
	assert_int_equal(t.dom[5].devices, 1);
	assert_int_equal(t.contexts, 1);
	vtd_tables_check(&t);
}

static void vtd_second_device_on_a_bus_needs_no_context_table(void **state)
{
	domain_with_device(1, EDU);
	paddr_t spare = frame();
	assert_int_equal(vtd_attach(&t, 1, 0xf8, spare), 0);       /* 00:1f.0 */
	assert_int_equal(frameset_use(&t.frames, spare), FRAME_UNUSED);
	assert_int_equal(vtd_attach(&t, 1, 0x100, PADDR_NONE), -ERR_NOMEM);  /* bus 1 has none */
	assert_int_equal(vtd_attach(&t, 1, 0x100, spare), 1);
	assert_int_equal(t.contexts, 2);
	assert_int_equal(t.dom[1].devices, 3);
	vtd_tables_check(&t);
}

static void vtd_attach_refusals_change_nothing(void **state)
{
	domain_with_device(1, EDU);
	assert_int_equal(vtd_domain_create(&t, 2, frame()), 0);
	paddr_t spare = frame();
	snapshot();
	assert_int_equal(vtd_attach(&t, 3, 0x28, spare), -ERR_NOENT);        /* no domain 3 */
	assert_int_equal(vtd_attach(&t, 0, 0x28, spare), -ERR_NOENT);        /* id 0 */
	assert_int_equal(vtd_attach(&t, 64, 0x28, spare), -ERR_NOENT);       /* past the ids */
	assert_int_equal(vtd_attach(&t, 2, EDU, spare), -ERR_BUSY);          /* attached to 1 */
	assert_int_equal(vtd_attach(&t, 2, 0x10000, spare), -ERR_INVAL);     /* no such bdf */
	assert_int_equal(vtd_attach(&t, 2, 0x300, t.root), -ERR_INVAL);      /* spare is a table */
	assert_int_equal(vtd_attach(&t, 2, 0x300, t.dom[1].root), -ERR_INVAL);
	assert_int_equal(vtd_attach(&t, 2, 0x300, spare + 0x10), -ERR_INVAL);
	assert_unchanged();
	vtd_tables_check(&t);
}

/* ---- mapping ---- */

static void vtd_map_one_page_takes_two_tables_and_translates(void **state)
{
	domain_with_device(1, EDU);
	paddr_t s[MM_MAP_SPARES];
	spares(s);
	assert_int_equal(map(1, IOVA, data(7), 1, MM_RIGHT_READ | MM_RIGHT_WRITE, s), 2);
	assert_int_equal(frameset_use(&t.frames, s[2]), FRAME_UNUSED);   /* returned unused */
	assert_reaches(EDU, IOVA, data(7), true);
	assert_reaches(EDU, IOVA + 0x123, data(7), true);
	assert_blocked(EDU, IOVA + PAGE_SIZE);
	assert_blocked(0x28, IOVA);                         /* another device: no domain */
	const uint64_t *l3 = sl_table(t.dom[1].root);
	assert_int_equal(l3[0], s[0] | 3);                  /* non-leaf: R | W */
	assert_int_equal(sl_table(s[0])[0], s[1] | 3);
	assert_int_equal(sl_table(s[1])[IOVA >> 12], data(7) | 3);
	assert_int_equal(t.dom[1].pages, 1);
	assert_int_equal(t.dom[1].tables, 2);
	assert_int_equal(frameset_refs(&t.frames, data(7)), 1);
	/* the next page in the same leaf table needs none */
	assert_int_equal(map(1, IOVA + PAGE_SIZE, data(8), 1, MM_RIGHT_READ, NONE3), 0);
}

static void vtd_read_only_mapping_does_not_translate_writes(void **state)
{
	domain_with_device(1, EDU);
	paddr_t s[MM_MAP_SPARES];
	spares(s);
	assert_int_equal(map(1, IOVA, data(0), 4, MM_RIGHT_READ, s), 2);
	for (int i = 0; i < 4; i++)
		assert_reaches(EDU, IOVA + i * PAGE_SIZE, data(i), false);
	assert_int_equal(sl_table(s[1])[IOVA >> 12], data(0) | 1);   /* leaf: R only */
}

/* Each bad run is refused with its error and changes nothing. */
static void vtd_map_refusals_change_nothing(void **state)
{
	domain_with_device(1, EDU);
	paddr_t s[MM_MAP_SPARES];
	spares(s);
	assert_int_equal(map(1, 0x200000, data(50), 1, MM_RIGHT_READ, s), 2);
	spares(s);
	const uint64_t RW = MM_RIGHT_READ | MM_RIGHT_WRITE;
	const struct { uint64_t dom, iova; paddr_t pa; uint64_t n, rights; int err; } bad[] = {
		{ 2, IOVA, data(0), 1, RW, -ERR_NOENT },                  /* no such domain */
		{ 1, IOVA + 8, data(0), 1, RW, -ERR_INVAL },              /* unaligned IOVA */
		{ 1, IOVA, data(0) + 8, 1, RW, -ERR_INVAL },              /* unaligned frame */
		{ 1, 1ULL << 39, data(0), 1, RW, -ERR_INVAL },            /* beyond the AGAW */
		{ 1, (1ULL << 39) - PAGE_SIZE, data(0), 2, RW, -ERR_INVAL },
		{ 1, 0x1ff000, data(0), 2, RW, -ERR_INVAL },              /* across a leaf table */
		{ 1, IOVA, data(0), 0, RW, -ERR_INVAL },
		{ 1, 0, data(0), 513, RW, -ERR_INVAL },
		{ 1, IOVA, data(0), 1, 0, -ERR_INVAL },                   /* rights */
		{ 1, IOVA, data(0), 1, MM_RIGHT_WRITE, -ERR_INVAL },
		{ 1, IOVA, data(0), 1, RW | MM_RIGHT_EXEC, -ERR_INVAL },
		{ 1, IOVA, data(0), 1, 0x10, -ERR_INVAL },
		{ 1, IOVA, t.root, 1, RW, -ERR_INVAL },                   /* a table */
		{ 1, IOVA, t.dom[1].root, 1, RW, -ERR_INVAL },
		{ 1, IOVA, sl_table(t.dom[1].root)[0] & SL_ADDR, 1, RW, -ERR_INVAL },
		{ 1, 0x200000, data(1), 1, RW, -ERR_BUSY },               /* mapped */
		{ 1, 0x1fe000, data(1), 3, RW, -ERR_INVAL },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snapshot();
		assert_int_equal(map(bad[i].dom, bad[i].iova, bad[i].pa, bad[i].n, bad[i].rights, s),
				 bad[i].err);
		assert_unchanged();
	}
	/* Spares: a table, a leaf, a frame of the run, the same one twice,
	 * unaligned, or too few. */
	paddr_t dup[MM_MAP_SPARES] = { s[0], s[0], PADDR_NONE };
	paddr_t tab[MM_MAP_SPARES] = { t.dom[1].root, s[1], PADDR_NONE };
	paddr_t leaf_spare[MM_MAP_SPARES] = { data(50), s[1], PADDR_NONE };
	paddr_t in_run[MM_MAP_SPARES] = { s[0], s[1], PADDR_NONE };
	paddr_t odd[MM_MAP_SPARES] = { s[0] + 1, s[1], PADDR_NONE };
	paddr_t one[MM_MAP_SPARES] = { s[0], PADDR_NONE, PADDR_NONE };
	const paddr_t *sets[] = { dup, tab, leaf_spare, odd };
	for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
		snapshot();
		assert_int_equal(map(1, 1ULL << 30, data(3), 1, MM_RIGHT_READ, sets[i]), -ERR_INVAL);
		assert_unchanged();
	}
	snapshot();
	assert_int_equal(map(1, 1ULL << 30, s[0], 1, MM_RIGHT_READ, in_run), -ERR_INVAL);
	assert_int_equal(map(1, 1ULL << 30, data(3), 1, MM_RIGHT_READ, one), -ERR_NOMEM);
	assert_int_equal(map(1, 1ULL << 30, data(3), 1, MM_RIGHT_READ, NONE3), -ERR_NOMEM);
	assert_unchanged();
}

/* What is a table is never mapped, and what is mapped never becomes a table. */
static void vtd_no_frame_is_ever_both_a_table_and_a_leaf(void **state)
{
	domain_with_device(1, EDU);
	paddr_t s[MM_MAP_SPARES], leafy = frame();
	spares(s);
	assert_int_equal(map(1, IOVA, leafy, 1, MM_RIGHT_READ, s), 2);
	assert_int_equal(vtd_domain_create(&t, 2, leafy), -ERR_INVAL);
	assert_int_equal(vtd_attach(&t, 1, 0x200, leafy), -ERR_INVAL);
	assert_int_equal(vtd_tables_set_root(&t, leafy), -ERR_BUSY);
	paddr_t with_leaf[MM_MAP_SPARES] = { leafy, PADDR_NONE, PADDR_NONE };
	assert_int_equal(map(1, 1ULL << 30, data(1), 1, MM_RIGHT_READ, with_leaf), -ERR_INVAL);
	assert_int_equal(map(1, IOVA + PAGE_SIZE, s[0], 1, MM_RIGHT_READ, NONE3), -ERR_INVAL);
	assert_int_equal(map(1, IOVA + PAGE_SIZE, t.root, 1, MM_RIGHT_READ, NONE3), -ERR_INVAL);
}

/* ---- unmapping ---- */

static void vtd_unmap_hands_back_emptied_tables_leaf_first(void **state)
{
	domain_with_device(1, EDU);
	paddr_t s[MM_MAP_SPARES], out[MM_MAP_SPARES];
	spares(s);
	assert_int_equal(map(1, IOVA, data(0), 3, MM_RIGHT_READ | MM_RIGHT_WRITE, s), 2);
	assert_int_equal(vtd_unmap(&t, 1, IOVA, 3, out), 2);
	vtd_tables_check(&t);
	assert_int_equal(out[0], s[1]);                     /* the leaf table first */
	assert_int_equal(out[1], s[0]);
	for (int i = 0; i < 3; i++)
		assert_blocked(EDU, IOVA + i * PAGE_SIZE);
	assert_int_equal(frameset_use(&t.frames, s[0]), FRAME_UNUSED);
	assert_int_equal(frameset_use(&t.frames, data(0)), FRAME_UNUSED);
	assert_int_equal(t.dom[1].tables, 0);
	assert_int_equal(t.mapped, 0);
	assert_true(sl_empty(sl_table(t.dom[1].root)));
	assert_int_equal(vtd_unmap(&t, 1, IOVA, 1, out), -ERR_NOENT);
	/* mapping there again takes two tables again */
	assert_int_equal(map(1, IOVA, data(0), 1, MM_RIGHT_READ, NONE3), -ERR_NOMEM);
}

static void vtd_unmap_keeps_tables_that_still_map(void **state)
{
	domain_with_device(1, EDU);
	paddr_t s[MM_MAP_SPARES], s2[MM_MAP_SPARES], out[MM_MAP_SPARES];
	spares(s);
	spares(s2);
	assert_int_equal(map(1, IOVA, data(0), 2, MM_RIGHT_READ, s), 2);
	assert_int_equal(map(1, 0x600000, data(9), 1, MM_RIGHT_READ, s2), 1);   /* same L2 */
	assert_int_equal(vtd_unmap(&t, 1, IOVA, 1, out), 0);                     /* one left */
	vtd_tables_check(&t);
	assert_blocked(EDU, IOVA);
	assert_reaches(EDU, IOVA + PAGE_SIZE, data(1), false);
	assert_int_equal(vtd_unmap(&t, 1, IOVA + PAGE_SIZE, 1, out), 1);         /* its leaf table */
	assert_int_equal(out[0], s[1]);
	assert_reaches(EDU, 0x600000, data(9), false);
	assert_int_equal(vtd_unmap(&t, 1, 0x600000, 1, out), 2);
	assert_int_equal(out[0], s2[0]);
	assert_int_equal(out[1], s[0]);
	vtd_tables_check(&t);
}

static void vtd_unmap_of_a_range_with_a_hole_changes_nothing(void **state)
{
	domain_with_device(1, EDU);
	paddr_t s[MM_MAP_SPARES], out[MM_MAP_SPARES];
	spares(s);
	assert_int_equal(map(1, IOVA, data(0), 2, MM_RIGHT_READ, s), 2);
	assert_int_equal(map(1, IOVA + 3 * PAGE_SIZE, data(3), 1, MM_RIGHT_READ, NONE3), 0);
	snapshot();
	assert_int_equal(vtd_unmap(&t, 1, IOVA, 4, out), -ERR_NOENT);
	assert_int_equal(vtd_unmap(&t, 2, IOVA, 1, out), -ERR_NOENT);
	assert_int_equal(vtd_unmap(&t, 1, IOVA + 1, 1, out), -ERR_INVAL);
	assert_int_equal(vtd_unmap(&t, 1, IOVA, 0, out), -ERR_INVAL);
	assert_int_equal(vtd_unmap(&t, 1, 0x1ff000, 2, out), -ERR_INVAL);
	assert_int_equal(vtd_unmap(&t, 1, 1ULL << 39, 1, out), -ERR_INVAL);
	assert_unchanged();
}

static void vtd_frame_shared_by_two_domains_is_counted_twice(void **state)
{
	domain_with_device(1, EDU);
	domain_with_device(2, 0x28);
	paddr_t s[MM_MAP_SPARES], s2[MM_MAP_SPARES], out[MM_MAP_SPARES];
	spares(s);
	spares(s2);
	assert_int_equal(map(1, IOVA, data(4), 1, MM_RIGHT_READ | MM_RIGHT_WRITE, s), 2);
	assert_int_equal(map(2, 1ULL << 30, data(4), 1, MM_RIGHT_READ, s2), 2);
	assert_int_equal(frameset_refs(&t.frames, data(4)), 2);
	assert_reaches(EDU, IOVA, data(4), true);
	assert_reaches(0x28, 1ULL << 30, data(4), false);
	assert_blocked(EDU, 1ULL << 30);                    /* domains do not mix */
	assert_blocked(0x28, IOVA);
	assert_int_equal(vtd_unmap(&t, 1, IOVA, 1, out), 2);
	assert_int_equal(frameset_refs(&t.frames, data(4)), 1);
	assert_reaches(0x28, 1ULL << 30, data(4), false);
	vtd_tables_check(&t);
}

/* ---- detaching and destroying ---- */

static void vtd_detach_leaves_the_device_reaching_nothing(void **state)
{
	domain_with_device(1, EDU);
	paddr_t s[MM_MAP_SPARES];
	spares(s);
	assert_int_equal(map(1, IOVA, data(0), 1, MM_RIGHT_READ, s), 2);
	assert_int_equal(vtd_detach(&t, 2, EDU), -ERR_NOENT);       /* not its domain */
	assert_int_equal(vtd_detach(&t, 1, 0x28), -ERR_NOENT);      /* not attached */
	assert_int_equal(vtd_detach(&t, 1, EDU), 0);
	vtd_tables_check(&t);
	assert_blocked(EDU, IOVA);
	const uint64_t *ct = sl_table(sl_table(t.root)[0]);
	assert_int_equal(ct[2 * EDU], 0);
	assert_int_equal(ct[2 * EDU + 1], 0);
	assert_int_equal(vtd_detach(&t, 1, EDU), -ERR_NOENT);
	assert_int_equal(vtd_attach(&t, 1, EDU, PADDR_NONE), 0);    /* its bus keeps its table */
	assert_reaches(EDU, IOVA, data(0), false);
}

static void vtd_destroy_waits_for_devices_and_pages(void **state)
{
	paddr_t root = frame(), s[MM_MAP_SPARES], out[MM_MAP_SPARES];
	assert_int_equal(vtd_domain_create(&t, 3, root), 0);
	assert_int_equal(vtd_domain_create(&t, 3, frame()), -ERR_BUSY);
	assert_int_equal(vtd_domain_create(&t, 0, frame()), -ERR_INVAL);
	assert_int_equal(vtd_domain_create(&t, 64, frame()), -ERR_INVAL);
	assert_int_equal(vtd_domain_create(&t, 4, root), -ERR_INVAL);      /* already a table */
	assert_int_equal(vtd_attach(&t, 3, EDU, frame()), 1);
	spares(s);
	assert_int_equal(map(3, IOVA, data(0), 1, MM_RIGHT_READ, s), 2);
	assert_int_equal(vtd_domain_destroy(&t, 3), -ERR_BUSY);
	assert_int_equal(vtd_detach(&t, 3, EDU), 0);
	assert_int_equal(vtd_domain_destroy(&t, 3), -ERR_BUSY);            /* still maps */
	assert_int_equal(vtd_unmap(&t, 3, IOVA, 1, out), 2);
	assert_int_equal(vtd_domain_destroy(&t, 3), 0);
	vtd_tables_check(&t);
	assert_int_equal(frameset_use(&t.frames, root), FRAME_UNUSED);
	assert_int_equal(vtd_domain_destroy(&t, 3), -ERR_NOENT);
	assert_int_equal(vtd_attach(&t, 3, 0x28, PADDR_NONE), -ERR_NOENT);
}

/* ---- limits, flushing, geometry ---- */

static void vtd_full_record_is_nospc_before_any_change(void **state)
{
	domain_with_device(1, EDU);
	unsigned held = t.frames.used;              /* root, domain root, context table */
	paddr_t s[MM_MAP_SPARES];
	uint64_t iova = 0;
	unsigned page = 0;
	/* Runs of 512 (each with two new tables) until no room is left for one. */
	while (frameset_room(&t.frames) >= 512 + 2) {
		spares(s);
		assert_true(map(1, iova, data(page), 512, MM_RIGHT_READ, s) >= 1);
		iova += 2ULL << 20;
		page += 512;
		next_frame -= 1;                        /* the third spare is unused: reuse it */
	}
	spares(s);
	snapshot();
	assert_int_equal(map(1, iova, data(page), 512, MM_RIGHT_READ, s), -ERR_NOSPC);
	assert_unchanged();
	assert_true(t.frames.used > held);
}

static void vtd_tables_are_flushed_only_when_walks_are_not_coherent(void **state)
{
	domain_with_device(1, EDU);
	paddr_t s[MM_MAP_SPARES];
	spares(s);
	flushed = 0;
	assert_int_equal(map(1, IOVA, data(0), 1, MM_RIGHT_READ, s), 2);
	assert_true(flushed >= 2 * PAGE_SIZE + 3 * 8);      /* two zeroed tables, three entries */
	t.coherent = true;
	flushed = 0;
	assert_int_equal(map(1, IOVA + PAGE_SIZE, data(1), 1, MM_RIGHT_READ, NONE3), 0);
	assert_int_equal(flushed, 0);
}

static void vtd_four_level_tables_use_three_spares(void **state)
{
	vtd_tables_init(&t, 4, 48, 64, false);
	assert_int_equal(vtd_tables_set_root(&t, frame()), 0);
	domain_with_device(1, EDU);
	const uint64_t *ct = sl_table(sl_table(t.root)[0]);
	assert_int_equal(ct[2 * EDU + 1] & 7, 2);           /* AW 2: 48 bits, 4 levels */
	paddr_t s[MM_MAP_SPARES], out[MM_MAP_SPARES];
	spares(s);
	assert_int_equal(map(1, 1ULL << 40, data(0), 1, MM_RIGHT_READ, s), 3);
	assert_reaches(EDU, 1ULL << 40, data(0), false);
	assert_int_equal(vtd_unmap(&t, 1, 1ULL << 40, 1, out), 3);
	assert_int_equal(out[0], s[2]);
	assert_int_equal(out[2], s[0]);
	vtd_tables_check(&t);
}

/* ---- the checker ---- */

static void vtd_checker_finds_an_empty_table_left_linked(void **state)
{
	domain_with_device(1, EDU);
	paddr_t s[MM_MAP_SPARES];
	spares(s);
	assert_int_equal(map(1, IOVA, data(0), 1, MM_RIGHT_READ, s), 2);
	sl_table(s[1])[IOVA >> 12] = 0;             /* cleared behind the code's back */
	expect_assert_failure(vtd_tables_check(&t));
}

static void vtd_checker_finds_a_device_reaching_a_table(void **state)
{
	domain_with_device(1, EDU);
	paddr_t s[MM_MAP_SPARES];
	spares(s);
	assert_int_equal(map(1, IOVA, data(0), 1, MM_RIGHT_READ, s), 2);
	sl_table(s[1])[IOVA >> 12] = t.root | 1;    /* a leaf pointing at the root table */
	expect_assert_failure(vtd_tables_check(&t));
}

static void vtd_checker_finds_a_context_entry_of_no_domain(void **state)
{
	domain_with_device(1, EDU);
	struct entry128 *ce = context_entry(&t, EDU);
	ce->hi = CTX_DID(9) | CTX_AW(3);
	expect_assert_failure(vtd_tables_check(&t));
}

/* ---- randomised, against a model ---- */

#define R_PAGES  48                     /* IOVA pages, spread over four leaf tables */
#define R_DOMS   3

static paddr_t model[R_DOMS + 1][R_PAGES];     /* 0: unmapped, else frame | 1 (| 2 writable) */

static uint64_t r_iova(unsigned p) { return (uint64_t)(p / 12) << 30 | (uint64_t)(p % 12) << 12; }

/* The memory server's spare frames: taken for a map, given back when
 * unused or unlinked. */
static paddr_t pool[NFRAMES];
static unsigned npool;

static paddr_t pool_take(void)
{
	return npool ? pool[--npool] : PADDR_NONE;
}

static void pool_give(paddr_t pa)
{
	if (pa != PADDR_NONE && frameset_use(&t.frames, pa) == FRAME_UNUSED)
		pool[npool++] = pa;
}

static void r_map(unsigned d, unsigned p, unsigned n)
{
	paddr_t s[MM_MAP_SPARES] = { pool_take(), pool_take(), PADDR_NONE };
	bool busy = false;
	n = n > 12 - p % 12 ? 12 - p % 12 : n;
	for (unsigned i = 0; i < n; i++)
		busy |= model[d][p + i] != 0;
	uint64_t rights = rng() % 2 ? MM_RIGHT_READ : MM_RIGHT_READ | MM_RIGHT_WRITE;
	paddr_t pa = data(rng() % 64);
	int r = map(d, r_iova(p), pa, n, rights, s);
	if (busy) {
		assert_int_equal(r, -ERR_BUSY);
	} else {
		assert_true(r >= 0);
		for (unsigned i = 0; i < n; i++)
			model[d][p + i] = (pa + i * PAGE_SIZE) | 1 | (rights & MM_RIGHT_WRITE);
	}
	pool_give(s[0]);
	pool_give(s[1]);
}

static void r_unmap(unsigned d, unsigned p)
{
	paddr_t out[MM_MAP_SPARES];
	int r = vtd_unmap(&t, d, r_iova(p), 1, out);
	vtd_tables_check(&t);
	assert_int_equal(r >= 0, model[d][p] != 0);
	for (int i = 0; i < r; i++)
		pool_give(out[i]);
	model[d][p] = 0;
}

/* Domain d's device is 00:0d.0 (bdf d << 3). */
static void assert_model(void)
{
	for (unsigned d = 1; d <= R_DOMS; d++)
		for (unsigned p = 0; p < R_PAGES; p++) {
			paddr_t pa;
			bool w;
			bool ok = vtd_translate(&t, d << 3, r_iova(p), &pa, &w);
			assert_int_equal(ok, model[d][p] != 0);
			if (ok) {
				assert_int_equal(pa, model[d][p] & ~3ULL);
				assert_int_equal(w, (model[d][p] & 2) != 0);
			}
		}
}

static void vtd_random_maps_and_unmaps_match_a_model(void **state)
{
	memset(model, 0, sizeof model);
	rng_state = 0x5eed;
	for (unsigned d = 1; d <= R_DOMS; d++)
		domain_with_device(d, d << 3);
	for (npool = 0; next_frame < NFRAMES; )
		pool[npool++] = frame();
	for (int n = 0; n < 3000; n++) {
		unsigned d = 1 + rng() % R_DOMS, p = rng() % R_PAGES;
		if (rng() % 2)
			r_map(d, p, 1 + rng() % 4);
		else
			r_unmap(d, p);
		if (n % 50 == 0)
			assert_model();
	}
	assert_model();
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(vtd_root_table_is_set_once_from_an_unused_frame),
		T(vtd_attach_writes_root_and_context_entries_as_the_spec_lays_them_out),
		T(vtd_second_device_on_a_bus_needs_no_context_table),
		T(vtd_attach_refusals_change_nothing),
		T(vtd_map_one_page_takes_two_tables_and_translates),
		T(vtd_read_only_mapping_does_not_translate_writes),
		T(vtd_map_refusals_change_nothing),
		T(vtd_no_frame_is_ever_both_a_table_and_a_leaf),
		T(vtd_unmap_hands_back_emptied_tables_leaf_first),
		T(vtd_unmap_keeps_tables_that_still_map),
		T(vtd_unmap_of_a_range_with_a_hole_changes_nothing),
		T(vtd_frame_shared_by_two_domains_is_counted_twice),
		T(vtd_detach_leaves_the_device_reaching_nothing),
		T(vtd_destroy_waits_for_devices_and_pages),
		T(vtd_full_record_is_nospc_before_any_change),
		T(vtd_tables_are_flushed_only_when_walks_are_not_coherent),
		T(vtd_four_level_tables_use_three_spares),
		T(vtd_checker_finds_an_empty_table_left_linked),
		T(vtd_checker_finds_a_device_reaching_a_table),
		T(vtd_checker_finds_a_context_entry_of_no_domain),
		T(vtd_random_maps_and_unmaps_match_a_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
