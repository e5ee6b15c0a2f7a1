/*
 * vtd_check.c - the invariants T1 - T4 of the VT-d structures
 * (vtd_table.c states them), walked from the root table down:
 * vtd_tables_check. The host tests call it after every operation; a
 * broken invariant is a kernel bug and panics, naming it.
 *
 * T2 is checked as: every leaf entry's frame is held as a leaf, and the
 * leaves' counts sum to the leaf entries (not frame by frame).
 */
#include "kernel.h"
#include "arch/x86_64/vtd_table_internal.h"

struct tally {
	unsigned devices[VTD_DOMAINS];
	unsigned tables[VTD_DOMAINS];
	uint64_t pages[VTD_DOMAINS];
	unsigned contexts;
};

static void check_table_frame(const struct vtd_tables *t, paddr_t pa, const char *what)
{
	if (frameset_use(&t->frames, pa) != FRAME_TABLE)
		panic("vtd_tables_check: %s %#lx is not held as a table (T1)", what, pa);
}

/* Domain dom's tree below the table at pa, of `level`. */
static void check_tree(const struct vtd_tables *t, unsigned dom, paddr_t pa, int level,
		       struct tally *n)
{
	const uint64_t *tab = sl_table(pa);
	for (unsigned i = 0; i < SL_ENTRIES; i++) {
		if (!(tab[i] & (SL_R | SL_W)))
			continue;
		paddr_t to = tab[i] & SL_ADDR;
		if (level == 1) {
			if (frameset_use(&t->frames, to) != FRAME_LEAF)
				panic("vtd_tables_check: domain %u maps %#lx, not held as a leaf (T2)",
				      dom, to);
			n->pages[dom]++;
			continue;
		}
		check_table_frame(t, to, "second-level table");
		if (sl_empty(sl_table(to)))
			panic("vtd_tables_check: domain %u keeps an empty table %#lx (T3)", dom, to);
		n->tables[dom]++;
		check_tree(t, dom, to, level - 1, n);
	}
}

static void check_context(const struct vtd_tables *t, unsigned bdf, const struct entry128 *ce,
			  struct tally *n)
{
	unsigned did = CTX_DID_OF(ce->hi);
	if (!id_ok(t, did) || t->dom[did].root == PADDR_NONE ||
	    (ce->lo & SL_ADDR) != t->dom[did].root || (ce->hi & 7) != CTX_AW(t->levels))
		panic("vtd_tables_check: device %#x's context entry %#lx:%#lx names no domain "
		      "of ours (T4)", bdf, ce->hi, ce->lo);
	n->devices[did]++;
}

static void check_contexts(const struct vtd_tables *t, struct tally *n)
{
	const struct entry128 *rt = table16(t->root);
	for (unsigned bus = 0; bus < ENTRIES_16; bus++) {
		if (!(rt[bus].lo & ROOT_P))
			continue;
		check_table_frame(t, rt[bus].lo, "context table");
		n->contexts++;
		const struct entry128 *ct = table16(rt[bus].lo);
		for (unsigned devfn = 0; devfn < ENTRIES_16; devfn++)
			if (ct[devfn].lo & CTX_P)
				check_context(t, bus << 8 | devfn, &ct[devfn], n);
	}
}

/* Frames held as leaves, and the mappings they count. */
static unsigned leaf_frames(const struct frameset *f, uint64_t *refs)
{
	unsigned frames = 0;
	*refs = 0;
	for (unsigned i = 0; i < FRAMESET_SLOTS; i++)
		if (f->key[i] && f->refs[i] > 0) {
			frames++;
			*refs += (uint64_t)f->refs[i];
		}
	return frames;
}

void vtd_tables_check(const struct vtd_tables *t)
{
	static struct tally n;
	memset(&n, 0, sizeof n);
	frameset_check(&t->frames);
	if (t->root == PADDR_NONE) {
		if (t->frames.used)
			panic("vtd_tables_check: %u frames held without a root table", t->frames.used);
		return;
	}
	check_table_frame(t, t->root, "root table");
	check_contexts(t, &n);
	unsigned tables = 1 + n.contexts;
	uint64_t pages = 0;
	for (unsigned d = 1; d < VTD_DOMAINS; d++) {
		const struct vtd_domain *dom = &t->dom[d];
		if (dom->root == PADDR_NONE)
			continue;
		check_table_frame(t, dom->root, "domain root");
		check_tree(t, d, dom->root, (int)t->levels, &n);
		if (n.devices[d] != dom->devices || n.pages[d] != dom->pages ||
		    n.tables[d] != dom->tables)
			panic("vtd_tables_check: domain %u counts %u devices, %lu pages, %u tables; "
			      "its tables hold %u, %lu, %u (T4)", d, dom->devices, dom->pages,
			      dom->tables, n.devices[d], n.pages[d], n.tables[d]);
		tables += 1 + dom->tables;
		pages += dom->pages;
	}
	uint64_t refs;
	unsigned leaves = leaf_frames(&t->frames, &refs);
	if (n.contexts != t->contexts || pages != t->mapped || refs != pages ||
	    t->frames.used != tables + leaves || t->frames.tables != tables)
		panic("vtd_tables_check: %u context tables, %lu pages mapped, %lu leaf counts, "
		      "%u frames held; expected %u, %lu, %lu, %u (T1, T2, T4)", t->contexts,
		      t->mapped, refs, t->frames.used, n.contexts, pages, pages, tables + leaves);
}
