/*
 * vtd_table.c - the VT-d translation structures (interface: vtd_table.h;
 * entry formats: vtd_regs.h; the spec's chapter 3 and 9).
 *
 *   RTADDR -> root table (4 KiB: 256 entries of 16 bytes, one per bus)
 *               lo = context table | P
 *          -> context table (4 KiB: 256 entries, one per devfn)
 *               lo = second-level root | TT (0: translate) | P
 *               hi = domain id << 8 | AW (levels - 2)
 *          -> second-level tables, x86-64 shaped: 512 entries of 8 bytes,
 *             9 bits of IOVA a level, 3 levels for a 39-bit AGAW
 *               entry = frame | W? | R   (non-leaf entries: R | W, so
 *               the leaf alone decides the rights)
 *
 * All of it lives in frames the memory server hands in; nothing is
 * allocated. A domain is one second-level tree, shared by the devices
 * whose context entries name it. The walk (sl_walk) descends from a
 * domain's root to the entry for an IOVA at a level, creating missing
 * tables from a frame supply when given one and otherwise counting them,
 * as kernel/arch/x86_64/pagetable.c does for CPU page tables. A mapping
 * is a run of pages inside one 2 MiB span, so it has one leaf table and
 * needs at most levels - 1 new tables; an unmap clears its run and then
 * unlinks, bottom up, the tables of that one chain that it left empty.
 *
 * Ordering for the hardware: a new table is zeroed before it is linked,
 * a context entry's high half (domain, width) is written before its low
 * half sets P, and on detach P goes first. When the hardware does not
 * snoop the CPU caches (ECAP.C = 0, as QEMU reports), every entry written
 * is flushed with clflush before the caller invalidates the hardware's
 * caches. Those invalidations are the caller's (vtd.c): this file
 * changes memory only.
 *
 * Invariants (vtd_tables_check, in vtd_check.c):
 *   T1  every frame a present entry points to as a table (context table,
 *       domain root, second-level table) is a FRAME_TABLE in `frames`, and
 *       every table frame in `frames` is so pointed to (or is the root
 *       table or a domain's root);
 *   T2  every leaf frame is a FRAME_LEAF whose count is the number of
 *       leaf entries pointing to it: no device can reach a table;
 *   T3  no second-level table below a root is empty;
 *   T4  a present context entry names an existing domain, that domain's
 *       root and the AW of `levels`; each domain's `devices`, `pages`,
 *       `tables` and the totals `contexts` and `mapped` match the tables.
 *
 * Not supported: superpages, pass-through and device-IOTLB context
 * types, scalable mode (PASID tables), context tables given back (one
 * per bus stays until power-off), more than VTD_DOMAINS domains.
 */
#include "kernel.h"
#include "pagetable.h"          /* struct frame_supply */
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/x86.h"
#include "arch/x86_64/vtd_regs.h"
#include "arch/x86_64/vtd_table.h"
#include "arch/x86_64/vtd_table_internal.h"


/* Make what was written at p visible to a hardware walk. */
static void publish(const struct vtd_tables *t, const void *p, size_t len)
{
	if (!t->coherent)
		clflush_range(p, len);
}

static void zero_frame(const struct vtd_tables *t, paddr_t pa)
{
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	publish(t, phys_to_virt(pa), PAGE_SIZE);
}

void vtd_tables_init(struct vtd_tables *t, unsigned levels, unsigned iova_bits,
		     unsigned ndomains, bool coherent)
{
	memset(t, 0, sizeof *t);
	t->root = PADDR_NONE;
	t->levels = levels;
	t->iova_bits = iova_bits;
	t->ndomains = ndomains < VTD_DOMAINS ? ndomains : VTD_DOMAINS;
	t->coherent = coherent;
	for (unsigned d = 0; d < VTD_DOMAINS; d++)
		t->dom[d].root = PADDR_NONE;
	frameset_init(&t->frames);
}

/* A frame that may become a table: page aligned and neither a table nor
 * mapped for a device. */
static bool table_frame_ok(const struct vtd_tables *t, paddr_t pa)
{
	return pa != PADDR_NONE && !(pa & ~PAGE_MASK) && frameset_use(&t->frames, pa) == FRAME_UNUSED;
}

/* Zero pa and hold it as a table (room was checked). */
static void hold_table(struct vtd_tables *t, paddr_t pa)
{
	zero_frame(t, pa);
	if (!frameset_add_table(&t->frames, pa))
		panic("hold_table: no room for %#lx after the check", pa);
}

int vtd_tables_set_root(struct vtd_tables *t, paddr_t root)
{
	if (t->root != PADDR_NONE)
		return -ERR_BUSY;
	if (!table_frame_ok(t, root))
		return -ERR_INVAL;
	if (!frameset_room(&t->frames))
		return -ERR_NOSPC;
	hold_table(t, root);
	t->root = root;
	return 0;
}

/* ---- domains ---- */

/* The existing domain dom, or NULL. */
static struct vtd_domain *domain(struct vtd_tables *t, uint64_t dom)
{
	return id_ok(t, dom) && t->dom[dom].root != PADDR_NONE ? &t->dom[dom] : NULL;
}

int vtd_domain_create(struct vtd_tables *t, uint64_t dom, paddr_t root)
{
	if (t->root == PADDR_NONE)
		return -ERR_NOENT;
	if (!id_ok(t, dom) || !table_frame_ok(t, root))
		return -ERR_INVAL;
	if (t->dom[dom].root != PADDR_NONE)
		return -ERR_BUSY;
	if (!frameset_room(&t->frames))
		return -ERR_NOSPC;
	hold_table(t, root);
	t->dom[dom] = (struct vtd_domain){ .root = root };
	return 0;
}

int vtd_domain_destroy(struct vtd_tables *t, uint64_t dom)
{
	struct vtd_domain *d = t->root == PADDR_NONE ? NULL : domain(t, dom);
	if (!d)
		return -ERR_NOENT;
	if (d->devices || d->pages)
		return -ERR_BUSY;
	frameset_remove_table(&t->frames, d->root);
	d->root = PADDR_NONE;
	return 0;
}

/* ---- devices: root and context entries ---- */

static struct entry128 *root_entry(const struct vtd_tables *t, unsigned bdf)
{
	return &table16(t->root)[bdf >> 8];
}

/* Device bdf's context entry, or NULL if its bus has no context table. */
static struct entry128 *context_entry(const struct vtd_tables *t, unsigned bdf)
{
	const struct entry128 *re = root_entry(t, bdf);
	return (re->lo & ROOT_P) ? &table16(re->lo)[bdf & 0xff] : NULL;
}

/* Give bus (bdf >> 8) the context table `spare` (checked). */
static void add_context_table(struct vtd_tables *t, unsigned bdf, paddr_t spare)
{
	hold_table(t, spare);
	struct entry128 *re = root_entry(t, bdf);
	re->hi = 0;
	re->lo = spare | ROOT_P;
	publish(t, re, sizeof *re);
	t->contexts++;
}

/* Check attach's arguments: 0 and *need (a context table is needed), or -ERR_x. */
static int attach_check(struct vtd_tables *t, uint64_t dom, unsigned bdf, paddr_t spare,
			bool *need)
{
	if (t->root == PADDR_NONE || !domain(t, dom))
		return -ERR_NOENT;
	if (bdf > VTD_BDF_MAX)
		return -ERR_INVAL;
	const struct entry128 *ce = context_entry(t, bdf);
	*need = ce == NULL;
	if (ce && (ce->lo & CTX_P))
		return -ERR_BUSY;
	if (*need && spare == PADDR_NONE)
		return -ERR_NOMEM;
	if (*need && !table_frame_ok(t, spare))
		return -ERR_INVAL;
	if (*need && !frameset_room(&t->frames))
		return -ERR_NOSPC;
	return 0;
}

int vtd_attach(struct vtd_tables *t, uint64_t dom, unsigned bdf, paddr_t spare)
{
	bool need;
	int err = attach_check(t, dom, bdf, spare, &need);
	if (err < 0)
		return err;
	if (need)
		add_context_table(t, bdf, spare);
	struct entry128 *ce = context_entry(t, bdf);
	struct vtd_domain *d = &t->dom[dom];
	ce->hi = CTX_DID(dom) | CTX_AW(t->levels);
	ce->lo = d->root | CTX_TT_SL | CTX_P;
	publish(t, ce, sizeof *ce);
	d->devices++;
	return need ? 1 : 0;
}

int vtd_detach(struct vtd_tables *t, uint64_t dom, unsigned bdf)
{
	if (t->root == PADDR_NONE || !domain(t, dom) || bdf > VTD_BDF_MAX)
		return -ERR_NOENT;
	struct entry128 *ce = context_entry(t, bdf);
	if (!ce || !(ce->lo & CTX_P) || CTX_DID_OF(ce->hi) != dom)
		return -ERR_NOENT;
	ce->lo = 0;                     /* not present first, then the rest */
	ce->hi = 0;
	publish(t, ce, sizeof *ce);
	t->dom[dom].devices--;
	return 0;
}

/* ---- second-level tables ---- */

/* Link a fresh table from s at empty entry e; false if s has none. */
static bool take_table(struct vtd_tables *t, struct vtd_domain *d, uint64_t *e,
		       struct frame_supply *s)
{
	if (!s || s->used >= s->count)
		return false;
	paddr_t pa = s->frames[s->used++];
	hold_table(t, pa);
	*e = pa | SL_R | SL_W;
	publish(t, e, sizeof *e);
	d->tables++;
	return true;
}

/* The entry for iova in its table at `level` of domain d, creating
 * missing tables from s when given. NULL if a table is missing
 * (*missing = how many, from there down). */
static uint64_t *sl_walk(struct vtd_tables *t, struct vtd_domain *d, uint64_t iova, int level,
			 struct frame_supply *s, unsigned *missing)
{
	uint64_t *tab = sl_table(d->root);
	for (int l = (int)t->levels; l > level; l--) {
		uint64_t *e = &tab[SL_INDEX(l, iova)];
		if (!(*e & (SL_R | SL_W)) && !take_table(t, d, e, s)) {
			*missing = (unsigned)(l - level);
			return NULL;
		}
		tab = sl_table(*e);
	}
	*missing = 0;
	return &tab[SL_INDEX(level, iova)];
}

/* The present leaf entry for iova in d, or NULL. */
static uint64_t *leaf(struct vtd_tables *t, struct vtd_domain *d, uint64_t iova)
{
	unsigned missing;
	uint64_t *e = sl_walk(t, d, iova, 1, NULL, &missing);
	return e && (*e & (SL_R | SL_W)) ? e : NULL;
}

/* npages pages from iova: page aligned, below the address width, in one
 * leaf table's span. */
static bool run_ok(const struct vtd_tables *t, uint64_t iova, uint64_t npages)
{
	if (npages == 0 || npages > MM_MAP_RUN_MAX || (iova & ~PAGE_MASK))
		return false;
	uint64_t last = iova + (npages - 1) * PAGE_SIZE;
	return last < (1ULL << t->iova_bits) && iova / LEAF_SPAN == last / LEAF_SPAN;
}

/* The spares (gathered: distinct, PADDR_NONE dropped) may become tables:
 * page aligned, unused, outside the run's frames [lo, hi). */
static bool spares_ok(const struct vtd_tables *t, const struct frame_supply *s, paddr_t lo,
		      paddr_t hi)
{
	for (unsigned i = 0; i < s->count; i++)
		if (!table_frame_ok(t, s->frames[i]) || (s->frames[i] >= lo && s->frames[i] < hi))
			return false;
	return true;
}

static bool frames_not_tables(const struct vtd_tables *t, paddr_t pa, uint64_t npages)
{
	for (uint64_t i = 0; i < npages; i++)
		if (frameset_use(&t->frames, pa + i * PAGE_SIZE) == FRAME_TABLE)
			return false;
	return true;
}

/* Every check of vtd_map: -ERR_x, or how many tables the run needs. */
static int map_check(struct vtd_tables *t, struct vtd_domain *d, const struct mm_map_run *run,
		     struct frame_supply *s)
{
	uint64_t len = run->npages * PAGE_SIZE;
	if (!run_ok(t, run->va, run->npages) || (run->pa & ~PAGE_MASK) ||
	    run->pa + len < run->pa ||
	    (run->rights != MM_RIGHT_READ && run->rights != (MM_RIGHT_READ | MM_RIGHT_WRITE)) ||
	    !frames_not_tables(t, run->pa, run->npages) ||
	    !spares_ok(t, s, run->pa, run->pa + len))
		return -ERR_INVAL;
	for (uint64_t i = 0; i < run->npages; i++)
		if (leaf(t, d, run->va + i * PAGE_SIZE))
			return -ERR_BUSY;
	unsigned missing;
	sl_walk(t, d, run->va, 1, NULL, &missing);
	if (missing > s->count)
		return -ERR_NOMEM;
	if (frameset_room(&t->frames) < missing + run->npages)
		return -ERR_NOSPC;
	return (int)missing;
}

int vtd_map(struct vtd_tables *t, uint64_t dom, const struct mm_map_run *run,
	    struct frame_supply *s)
{
	struct vtd_domain *d = t->root == PADDR_NONE ? NULL : domain(t, dom);
	if (!d)
		return -ERR_NOENT;
	s->used = 0;
	int err = map_check(t, d, run, s);
	if (err < 0)
		return err;
	uint64_t rights = SL_R | ((run->rights & MM_RIGHT_WRITE) ? SL_W : 0);
	unsigned missing;
	for (uint64_t i = 0; i < run->npages; i++) {
		uint64_t *e = sl_walk(t, d, run->va + i * PAGE_SIZE, 1, s, &missing);
		paddr_t pa = run->pa + i * PAGE_SIZE;
		if (!e || !frameset_ref_leaf(&t->frames, pa))
			panic("vtd_map: page %lu failed after the checks", i);
		*e = pa | rights;
		publish(t, e, sizeof *e);
	}
	d->pages += run->npages;
	t->mapped += run->npages;
	return (int)s->used;
}

/* Unlink the tables of iova's chain that are empty, leaf table first;
 * their frames go to out. Returns how many. */
static int prune_chain(struct vtd_tables *t, struct vtd_domain *d, uint64_t iova,
		       paddr_t out[MM_MAP_SPARES])
{
	int n = 0;
	unsigned missing;
	for (int level = 2; level <= (int)t->levels; level++) {
		uint64_t *e = sl_walk(t, d, iova, level, NULL, &missing);
		if (!e || !sl_empty(sl_table(*e)))
			break;
		paddr_t pa = *e & SL_ADDR;
		*e = 0;
		publish(t, e, sizeof *e);
		frameset_remove_table(&t->frames, pa);
		d->tables--;
		out[n++] = pa;
	}
	return n;
}

int vtd_unmap(struct vtd_tables *t, uint64_t dom, uint64_t iova, uint64_t npages,
	      paddr_t out[MM_MAP_SPARES])
{
	struct vtd_domain *d = t->root == PADDR_NONE ? NULL : domain(t, dom);
	if (!d)
		return -ERR_NOENT;
	if (!run_ok(t, iova, npages))
		return -ERR_INVAL;
	for (uint64_t i = 0; i < npages; i++)
		if (!leaf(t, d, iova + i * PAGE_SIZE))
			return -ERR_NOENT;
	for (uint64_t i = 0; i < npages; i++) {
		uint64_t *e = leaf(t, d, iova + i * PAGE_SIZE);
		paddr_t pa = *e & SL_ADDR;
		*e = 0;
		publish(t, e, sizeof *e);
		frameset_unref_leaf(&t->frames, pa);
	}
	d->pages -= npages;
	t->mapped -= npages;
	return prune_chain(t, d, iova, out);
}

/* ---- as the hardware sees it ---- */

bool vtd_translate(const struct vtd_tables *t, unsigned bdf, uint64_t iova, paddr_t *pa,
		   bool *write)
{
	if (t->root == PADDR_NONE || bdf > VTD_BDF_MAX || iova >> t->iova_bits)
		return false;
	const struct entry128 *ce = context_entry(t, bdf);
	if (!ce || !(ce->lo & CTX_P))
		return false;
	const uint64_t *tab = sl_table(ce->lo);
	for (int l = (int)t->levels; l >= 1; l--) {
		uint64_t e = tab[SL_INDEX(l, iova)];
		if (!(e & SL_R))
			return false;
		if (l == 1) {
			*pa = e & SL_ADDR;
			*write = (e & SL_W) != 0;
			return true;
		}
		tab = sl_table(e);
	}
	return false;
}
