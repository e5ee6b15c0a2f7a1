/*
 * frameset.c - the record of the frames the IOMMU code holds (frameset.h).
 *
 * Algorithm: open addressing with linear probing over FRAMESET_SLOTS
 * slots, keyed by pfn + 1 (so an all-zero slot is empty), hashed by
 * Fibonacci hashing (Knuth, TAOCP vol. 3, 6.4: multiply by 2^64 / phi and
 * keep the top bits). Deletion shifts the following entries of the
 * cluster back instead of leaving tombstones (Knuth's Algorithm R), so a
 * lookup always stops at the first empty slot and the table never fills
 * with dead entries.
 *
 * Invariants (frameset_check):
 *   F1  used = the number of occupied slots <= FRAMESET_MAX, and tables =
 *       the number of them that hold a table;
 *   F2  every occupied slot has refs == -1 (a table) or refs > 0 (a
 *       leaf), never 0;
 *   F3  every key is reachable: no empty slot lies between its home slot
 *       and the slot that holds it (the probe would stop there);
 *   F4  no key appears twice.
 * The load factor stays at or below 1/2 (FRAMESET_MAX = SLOTS / 2), so
 * probes are short. Callers check frameset_room before an operation that
 * adds frames, so an add never fails halfway through one.
 *
 * Not supported: more than FRAMESET_MAX frames (the IOMMU calls answer
 * ERR_NOSPC before changing anything).
 */
#include "kernel.h"
#include "frameset.h"

#define HASH_BITS 12
#define GOLDEN    0x9e3779b97f4a7c15ULL

_Static_assert(FRAMESET_SLOTS == 1u << HASH_BITS, "the hash covers the slots");

static unsigned home(pfn_t key)
{
	return (unsigned)((key * GOLDEN) >> (64 - HASH_BITS));
}

static unsigned next(unsigned i)
{
	return (i + 1) & (FRAMESET_SLOTS - 1);
}

/* The slot holding pa, or the empty slot where it would go. */
static unsigned find(const struct frameset *s, paddr_t pa)
{
	pfn_t key = pa_to_pfn(pa) + 1;
	unsigned i = home(key);
	while (s->key[i] && s->key[i] != key)
		i = next(i);
	return i;
}

void frameset_init(struct frameset *s)
{
	memset(s, 0, sizeof *s);
}

enum frame_use frameset_use(const struct frameset *s, paddr_t pa)
{
	unsigned i = find(s, pa);
	if (!s->key[i])
		return FRAME_UNUSED;
	return s->refs[i] < 0 ? FRAME_TABLE : FRAME_LEAF;
}

unsigned frameset_refs(const struct frameset *s, paddr_t pa)
{
	unsigned i = find(s, pa);
	return s->key[i] && s->refs[i] > 0 ? (unsigned)s->refs[i] : 0;
}

unsigned frameset_room(const struct frameset *s)
{
	return FRAMESET_MAX - s->used;
}

static bool insert(struct frameset *s, unsigned i, paddr_t pa, int32_t refs)
{
	if (s->used == FRAMESET_MAX)
		return false;
	s->key[i] = pa_to_pfn(pa) + 1;
	s->refs[i] = refs;
	s->used++;
	return true;
}

/* Empty slot i and move back the entries of its cluster that could no
 * longer be found (their home lies cyclically outside (i, j]). */
static void erase(struct frameset *s, unsigned i)
{
	s->key[i] = 0;
	s->used--;
	for (unsigned j = next(i); s->key[j]; j = next(j)) {
		unsigned h = home(s->key[j]);
		bool reachable = i <= j ? (h > i && h <= j) : (h > i || h <= j);
		if (reachable)
			continue;
		s->key[i] = s->key[j];
		s->refs[i] = s->refs[j];
		s->key[j] = 0;
		i = j;
	}
}

bool frameset_add_table(struct frameset *s, paddr_t pa)
{
	unsigned i = find(s, pa);
	if (s->key[i])
		panic("frameset_add_table: frame %#lx is already held", pa);
	if (!insert(s, i, pa, -1))
		return false;
	s->tables++;
	return true;
}

void frameset_remove_table(struct frameset *s, paddr_t pa)
{
	unsigned i = find(s, pa);
	if (!s->key[i] || s->refs[i] >= 0)
		panic("frameset_remove_table: frame %#lx is not a table", pa);
	erase(s, i);
	s->tables--;
}

bool frameset_ref_leaf(struct frameset *s, paddr_t pa)
{
	unsigned i = find(s, pa);
	if (!s->key[i])
		return insert(s, i, pa, 1);
	if (s->refs[i] < 0)
		panic("frameset_ref_leaf: frame %#lx is a table", pa);
	s->refs[i]++;
	return true;
}

void frameset_unref_leaf(struct frameset *s, paddr_t pa)
{
	unsigned i = find(s, pa);
	if (!s->key[i] || s->refs[i] <= 0)
		panic("frameset_unref_leaf: frame %#lx is not a leaf", pa);
	if (--s->refs[i] == 0)
		erase(s, i);
}

void frameset_check(const struct frameset *s)
{
	unsigned used = 0, tables = 0;
	for (unsigned i = 0; i < FRAMESET_SLOTS; i++) {
		if (!s->key[i])
			continue;
		used++;
		tables += s->refs[i] < 0;
		if (s->refs[i] == 0 || s->refs[i] < -1)
			panic("frameset_check: slot %u has refs %d (F2)", i, s->refs[i]);
		for (unsigned j = home(s->key[i]); j != i; j = next(j)) {
			if (!s->key[j])
				panic("frameset_check: pfn %#lx lies past an empty slot (F3)",
				      s->key[i] - 1);
			if (s->key[j] == s->key[i])
				panic("frameset_check: pfn %#lx is held twice (F4)", s->key[i] - 1);
		}
	}
	if (used != s->used || used > FRAMESET_MAX || tables != s->tables)
		panic("frameset_check: %u slots used, %u tables; the counts say %u, %u (F1)",
		      used, tables, s->used, s->tables);
}
