/*
 * pagetable.c - x86_64 four-level page tables of user address spaces
 * (the interface is kernel/pagetable.h).
 *
 * A user address space is a top-level table (PML4) whose slots 0..255 map
 * the user half and whose slots 256..511 are copied from the kernel's own
 * table (paging.c). The kernel reads and writes every table through the
 * physmap, so it never needs the table mapped in the current space.
 *
 * One walk (walk()) serves every operation: it descends from the root to
 * the entry for an address at a given level (the PT for 4 KiB pages, the
 * PD for the memory server's 2 MiB window), creating missing tables from
 * a frame supply when it is given one, and otherwise reporting how many
 * tables are missing. Pruning (pt_prune) sweeps the range once per level
 * with the same walk, bottom up - the PTs that map nothing, then the PDs
 * that (now) hold no PT, then the PDPTs - so a PD whose only PT was just
 * pruned goes in the same call. The root is never pruned.
 *
 * Rights: a user page is always PTE_U|PTE_P; VM_WRITE sets PTE_W; no
 * VM_EXEC sets PTE_NX; VM_UNCACHED (device memory, SYS_MM_MAP_MMIO) sets
 * PTE_PCD|PTE_PWT. pt_protect keeps the caching bits of the entry. Intermediate tables are created user-writable and
 * executable so that the leaf entry alone decides the rights.
 *
 * TLB: pt_unmap and pt_protect invalidate the address in the current
 * space; another space's entries (the memory server edits its clients')
 * are flushed when the CPU next loads that space's CR3 (one CPU, no PCID).
 * The same holds for the paging-structure caches after pt_prune.
 *
 * Not supported: large pages in user spaces (only the memory server's
 * window uses them, and nothing but pt_map_2m ever writes one).
 */
#include "kernel.h"
#include "pagetable.h"
#include "arch/x86_64/arch.h"
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/x86.h"

#define USER_SLOTS (PTES_PER_TABLE / 2)  /* PML4 slots of the user half */

static uint64_t *table(paddr_t pa)
{
	return phys_to_virt(pa & PTE_ADDR);
}

void pt_space_init(paddr_t root)
{
	uint64_t *pml4 = table(root);
	const uint64_t *kernel = table(paging_kernel_root());
	memset(pml4, 0, USER_SLOTS * sizeof(uint64_t));
	memcpy(pml4 + USER_SLOTS, kernel + USER_SLOTS, USER_SLOTS * sizeof(uint64_t));
}

/* Make empty entry e point to a fresh table from s; false if s has none. */
static bool take_table(uint64_t *e, struct frame_supply *s)
{
	if (!s || s->used >= s->count)
		return false;
	paddr_t pa = s->frames[s->used++];
	memset(table(pa), 0, PAGE_SIZE);
	*e = pa | PTE_P | PTE_W | PTE_U;
	return true;
}

/* The one walk: the entry for va in its table at `level`, descending from
 * the root and creating missing tables from s (when given). NULL if a
 * table is missing and cannot be made (*missing = how many are missing
 * from there down) or a large page is in the way (*missing = 0). */
static uint64_t *walk(paddr_t root, vaddr_t va, int level, struct frame_supply *s,
		      unsigned *missing)
{
	uint64_t *t = table(root);
	unsigned dummy;
	if (!missing)
		missing = &dummy;
	for (int l = LEVEL_PML4; l > level; l--) {
		uint64_t *e = &t[LEVEL_INDEX(l, va)];
		if (!(*e & PTE_P) && !take_table(e, s)) {
			*missing = (unsigned)(l - level);
			return NULL;
		}
		if (*e & PTE_PS) {
			*missing = 0;
			return NULL;
		}
		t = table(*e);
	}
	*missing = 0;
	return &t[LEVEL_INDEX(level, va)];
}

/* The present 4 KiB leaf entry for user address va, or NULL. */
static uint64_t *present_pte(paddr_t root, vaddr_t va)
{
	uint64_t *pte = va_is_user(va) ? walk(root, va, LEVEL_PT, NULL, NULL) : NULL;
	return pte && (*pte & PTE_P) ? pte : NULL;
}

static uint64_t pte_rights(unsigned rights)
{
	uint64_t f = PTE_P | PTE_U;
	if (rights & VM_WRITE)
		f |= PTE_W;
	if (!(rights & VM_EXEC))
		f |= PTE_NX;
	if (rights & VM_UNCACHED)
		f |= PTE_PCD | PTE_PWT;     /* PAT entry 3: uncacheable */
	return f;
}

static void describe(uint64_t pte, struct pt_page *out)
{
	out->pa = pte & PTE_ADDR;
	out->rights = VM_READ | ((pte & PTE_W) ? VM_WRITE : 0) | ((pte & PTE_NX) ? 0 : VM_EXEC);
	out->accessed = (pte & PTE_A) != 0;
	out->dirty = (pte & PTE_D) != 0;
}

void pt_mark_written(paddr_t root, vaddr_t va)
{
	uint64_t *pte = present_pte(root, va);
	if (pte)
		*pte |= PTE_A | PTE_D;
}

int pt_map(paddr_t root, vaddr_t va, paddr_t pa, unsigned rights, struct frame_supply *s)
{
	if (!va_is_user(va) || (va & ~PAGE_MASK) || (pa & ~PAGE_MASK))
		return -ERR_INVAL;
	uint64_t *pte = walk(root, va, LEVEL_PT, s, NULL);
	if (!pte)
		return -ERR_NOMEM;
	if (*pte & PTE_P)
		return -ERR_BUSY;
	*pte = pa | pte_rights(rights);
	return 0;
}

int pt_map_2m(paddr_t root, vaddr_t va, paddr_t pa, unsigned rights, struct frame_supply *s)
{
	uint64_t *pde = walk(root, va, LEVEL_PD, s, NULL);
	if (!pde)
		return -ERR_NOMEM;
	*pde = pa | pte_rights(rights) | PTE_PS;
	return 0;
}

int pt_map_probe(paddr_t root, vaddr_t va)
{
	unsigned missing;
	uint64_t *pte = walk(root, va, LEVEL_PT, NULL, &missing);
	return pte && (*pte & PTE_P) ? -ERR_BUSY : (int)missing;
}

bool pt_lookup(paddr_t root, vaddr_t va, struct pt_page *out)
{
	uint64_t *pte = present_pte(root, va);
	if (pte)
		describe(*pte, out);
	return pte != NULL;
}

int pt_unmap(paddr_t root, vaddr_t va, struct pt_page *old)
{
	uint64_t *pte = present_pte(root, va);
	if (!pte)
		return -ERR_NOENT;
	describe(*pte, old);
	*pte = 0;
	invlpg(va);
	return 0;
}

int pt_protect(paddr_t root, vaddr_t va, unsigned rights)
{
	uint64_t *pte = present_pte(root, va);
	if (!pte)
		return -ERR_NOENT;
	*pte = (*pte & (PTE_ADDR | PTE_A | PTE_D | PTE_PCD | PTE_PWT)) | pte_rights(rights);
	invlpg(va);
	return 0;
}

int pt_protect_add(paddr_t root, vaddr_t va, unsigned rights)
{
	uint64_t *pte = present_pte(root, va);
	if (!pte)
		return -ERR_NOENT;
	if (rights & VM_WRITE)
		*pte |= PTE_W;
	if (rights & VM_EXEC)
		*pte &= ~PTE_NX;
	invlpg(va);
	return 0;
}

uint64_t pt_accessed(paddr_t root, vaddr_t va, unsigned n)
{
	uint64_t bits = 0;
	for (unsigned i = 0; i < n; i++) {
		vaddr_t p = va + (vaddr_t)i * PAGE_SIZE;
		uint64_t *pte = present_pte(root, p);
		if (pte && (*pte & PTE_A)) {
			bits |= 1ULL << i;
			*pte &= ~PTE_A;
			invlpg(p);
		}
	}
	return bits;
}

/* Tables below the root that a 4 KiB page (PT, PD, PDPT) or a 2 MiB page
 * (PD, PDPT) at va needs: one per level whose span is new. */
void pt_tally_page(struct pt_tally *t, vaddr_t va, bool large)
{
	_Static_assert(MM_MAP_SPARES == LEVEL_PML4 - 1, "one spare per level below the root");
	for (int level = large ? LEVEL_PD : LEVEL_PT; level < LEVEL_PML4; level++) {
		uint64_t key = (va >> LEVEL_SHIFT(level + 1)) + 1;     /* the table's span */
		if (t->last[level - 1] != key) {
			t->last[level - 1] = key;
			t->tables++;
		}
	}
}

/* ---- pruning empty tables ---- */

struct prune_job {
	vaddr_t lo, hi;         /* the range [lo, hi) */
	paddr_t *out;
	unsigned n, max;
};

/* Bytes mapped by one entry at `level`. */
static uint64_t span_of(int level)
{
	return 1ULL << LEVEL_SHIFT(level);
}

static bool table_empty(const uint64_t *t)
{
	for (unsigned i = 0; i < PTES_PER_TABLE; i++)
		if (t[i] & PTE_P)
			return false;
	return true;
}

/* One sweep: every entry at `level` whose span meets the range and that
 * points to a table mapping nothing is cleared, its table reported. The
 * walk says how much is absent above, so absent spans are skipped whole. */
static void prune_level(paddr_t root, int level, struct prune_job *j)
{
	vaddr_t va = j->lo & ~(span_of(level) - 1);
	while (va < j->hi && j->n < j->max) {
		unsigned missing;
		uint64_t *e = walk(root, va, level, NULL, &missing);
		if (e && (*e & PTE_P) && !(*e & PTE_PS) && table_empty(table(*e))) {
			j->out[j->n++] = *e & PTE_ADDR;
			*e = 0;
		}
		uint64_t skip = span_of(level + (int)missing);
		va = (va & ~(skip - 1)) + skip;
	}
}

/* Bottom up: first the PTs, then the PDs (some just emptied), then the
 * PDPTs. The root's entries are the last level swept; the root stays. */
unsigned pt_prune(paddr_t root, vaddr_t va, vaddr_t end, paddr_t *out, unsigned max)
{
	struct prune_job j = { .lo = va, .hi = end < USER_TOP ? end : USER_TOP, .out = out,
				.n = 0, .max = max };
	for (int level = LEVEL_PD; level <= LEVEL_PML4; level++)
		prune_level(root, level, &j);
	return j.n;
}
