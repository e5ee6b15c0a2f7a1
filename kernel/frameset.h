/*
 * frameset.h - a fixed-size record of the frames the IOMMU code holds:
 * each one either a table (the hardware walks it) or a leaf (a device
 * may reach it through a mapping, counted once per mapping).
 *
 * The kernel allocates nothing, so the record is a static hash table of
 * FRAMESET_MAX frames; what it protects is the invariant that no device
 * can reach an IOMMU table: a table frame is never a leaf, and a frame
 * becomes a table only while it is neither. See frameset.c.
 */
#ifndef KERNEL_FRAMESET_H
#define KERNEL_FRAMESET_H

#include <pagoda/types.h>

#define FRAMESET_MAX   2048                 /* frames held at once */
#define FRAMESET_SLOTS (2 * FRAMESET_MAX)   /* a power of two: load <= 1/2 */

enum frame_use { FRAME_UNUSED, FRAME_TABLE, FRAME_LEAF };

struct frameset {
	pfn_t key[FRAMESET_SLOTS];      /* pfn + 1; 0: empty slot */
	int32_t refs[FRAMESET_SLOTS];   /* -1: a table; n > 0: a leaf of n mappings */
	unsigned used;                  /* frames held */
	unsigned tables;                /* ... of which tables */
};

void frameset_init(struct frameset *s);
enum frame_use frameset_use(const struct frameset *s, paddr_t pa);
/* Mappings of the leaf pa (0 if it is none). */
unsigned frameset_refs(const struct frameset *s, paddr_t pa);
/* Frames that can still be added. */
unsigned frameset_room(const struct frameset *s);

/* Record pa as a table (it must be FRAME_UNUSED) / forget it (it must be
 * a table). Adding fails only when the set is full: callers check room
 * first. */
bool frameset_add_table(struct frameset *s, paddr_t pa);
void frameset_remove_table(struct frameset *s, paddr_t pa);
/* One more / one fewer mapping of the leaf pa (never a table). */
bool frameset_ref_leaf(struct frameset *s, paddr_t pa);
void frameset_unref_leaf(struct frameset *s, paddr_t pa);

/* Walk the table and check its invariants (panics on a broken one). */
void frameset_check(const struct frameset *s);

#endif
