/*
 * slab_debug.c - debug mode of the slab caches: red zones, poison and tags
 * (the checks of Bonwick 1994's debugging features, with Linux SLUB's
 * slub_debug bytes). The caches themselves are in slab.c.
 *
 * A cache is in debug mode if it was created with SLAB_DEBUG, or with
 * MM_DEBUG_SLAB set in mm_debug and without SLAB_NO_DEBUG. Its buffers are
 * then laid out as
 *   | red zone | object | red zone | free pointer | tag |
 *     align     size     to 8 + 8    8              8
 * so that every write just past either end of an object lands in a red zone,
 * and the free pointer (which a free object needs) is kept out of the object.
 *
 * Bytes (Linux's values, so dumps look familiar): red zones hold 0xbb
 * (SLAB_RED_INACTIVE) while the object is free and 0xcc (SLAB_RED_ACTIVE)
 * while it is allocated. A cache without a constructor also poisons the
 * object itself (SLAB_POISON): 0x6b while free, 0x5a when freshly handed out.
 * A cache with a constructor is not poisoned: its free objects keep their
 * constructed state. The tag says free or allocated, so the state of an
 * object can be read without walking any free list.
 *
 * Algorithm: slab.c calls in at four points. A new slab's objects are
 * initialised free (slab_debug_init_object). On allocation
 * (slab_debug_on_alloc) a free object whose poison changed is reported as a
 * use after free and one whose red zone changed as an overflow; either way
 * the object is handed out, re-poisoned and marked allocated. On free,
 * slab_debug_free_ok decides, before anything changes, whether to refuse:
 * a pointer that is not an object start, a double free (tag says free), or
 * an overflow (red zone or tag damaged); each is reported naming cache and
 * object, and slab_free returns -ERR_BUG. Only then does slab_debug_on_free
 * mark the object free again. slab_check() uses the same tests on every
 * object (slab_debug_check_*).
 *
 * Invariants: a free object is tagged TAG_FREE, has 0xbb red zones and (if
 * poisoned) 0x6b throughout; an allocated object is tagged TAG_ALLOC and has
 * 0xcc red zones. Debug code never panics: a bug is reported through mm_bug
 * and the caller carries on or refuses.
 *
 * Not supported: no allocation/free call-site tracking (SLUB's store_user),
 * no quarantine of freed objects, and writes far from an object (past its
 * red zones) are caught only if they land in another object's red zone or
 * poison.
 */
#include <string.h>
#include "slab_internal.h"
#include "mm_env.h"

#define TAG_FREE  0x5ee5f7eef7eef7eeull
#define TAG_ALLOC 0x5ee5a110ca7eda7aull

#define CHECK(cond, ...) do { if (!(cond)) { mm_bug(__VA_ARGS__); bugs++; } } while (0)

static uint64_t *tag_of(const struct slab_cache *c, void *obj)
{
	return (uint64_t *)((uint8_t *)obj + c->free_off + sizeof(void *));
}

bool slab_debug_wanted(unsigned flags)
{
	if (flags & SLAB_NO_DEBUG)
		return false;
	return (flags & SLAB_DEBUG) || (mm_debug & MM_DEBUG_SLAB);
}

size_t slab_debug_layout(struct slab_cache *c)
{
	c->obj_offset = c->align;                     /* left red zone */
	c->free_off = slab_round_up(c->size, 8) + 8;  /* right red zone */
	if (!c->ctor)
		c->flags |= SLAB_POISON;
	return c->obj_offset + c->free_off + sizeof(void *) + sizeof(uint64_t);
}

/* ---- red zones and poison ----------------------------------------------- */

static void fill_red_zones(const struct slab_cache *c, uint8_t *obj, uint8_t byte)
{
	memset(obj - c->obj_offset, byte, c->obj_offset);
	memset(obj + c->size, byte, c->free_off - c->size);
}

/* The first red-zone byte that is not `byte`, as an offset from the object
 * start (negative: before it), or 0 if both zones are intact. */
static long red_zone_damage(const struct slab_cache *c, const uint8_t *obj, uint8_t byte)
{
	for (size_t i = 0; i < c->obj_offset; i++)
		if (obj[-(long)c->obj_offset + (long)i] != byte)
			return -(long)c->obj_offset + (long)i;
	for (size_t i = c->size; i < c->free_off; i++)
		if (obj[i] != byte)
			return (long)i;
	return 0;
}

/* Offset of the first byte of a free object that lost its poison, or -1. */
static long poison_damage(const struct slab_cache *c, const uint8_t *obj)
{
	if (!(c->flags & SLAB_POISON))
		return -1;
	for (size_t i = 0; i < c->size; i++)
		if (obj[i] != SLAB_POISON_FREE)
			return (long)i;
	return -1;
}

/* ---- the hooks slab.c calls --------------------------------------------- */

void slab_debug_init_object(const struct slab_cache *c, uint8_t *obj)
{
	fill_red_zones(c, obj, SLAB_RED_INACTIVE);
	*tag_of(c, obj) = TAG_FREE;
	if (c->flags & SLAB_POISON)
		memset(obj, SLAB_POISON_FREE, c->size);
}

void slab_debug_on_alloc(const struct slab_cache *c, uint8_t *obj)
{
	long at = poison_damage(c, obj);

	if (at >= 0)
		mm_bug("slab_alloc: use after free: object %p in cache %s was written "
		       "at offset %ld while free", (void *)obj, c->name, at);
	at = red_zone_damage(c, obj, SLAB_RED_INACTIVE);
	if (at != 0)
		mm_bug("slab_alloc: red zone of free object %p in cache %s overwritten "
		       "at offset %ld", (void *)obj, c->name, at);
	fill_red_zones(c, obj, SLAB_RED_ACTIVE);
	*tag_of(c, obj) = TAG_ALLOC;
	if (c->flags & SLAB_POISON)
		memset(obj, SLAB_POISON_INUSE, c->size);
}

/* Decode-then-act for a debug free: every reason to refuse, before changes. */
bool slab_debug_free_ok(const struct slab_cache *c, const struct slab *s, uint8_t *obj)
{
	size_t off = (size_t)(obj - s->mem) - c->obj_offset;

	if (obj < s->mem + c->obj_offset || off % c->stride ||
	    off / c->stride >= c->objs_per_slab) {
		mm_bug("slab_free: %p is not the start of an object in cache %s "
		       "(slab at pfn 0x%lx)", (void *)obj, c->name, (unsigned long)s->pfn);
		return false;
	}
	if (*tag_of(c, obj) == TAG_FREE) {
		mm_bug("slab_free: double free of object %p in cache %s", (void *)obj, c->name);
		return false;
	}
	long at = red_zone_damage(c, obj, SLAB_RED_ACTIVE);
	if (*tag_of(c, obj) != TAG_ALLOC || at != 0) {
		mm_bug("slab_free: overflow: red zone of object %p in cache %s (size %zu) "
		       "overwritten at offset %ld", (void *)obj, c->name, c->size,
		       at != 0 ? at : (long)(c->free_off + sizeof(void *)));
		return false;
	}
	return true;
}

void slab_debug_on_free(const struct slab_cache *c, uint8_t *obj)
{
	fill_red_zones(c, obj, SLAB_RED_INACTIVE);
	*tag_of(c, obj) = TAG_FREE;
	if (c->flags & SLAB_POISON)
		memset(obj, SLAB_POISON_FREE, c->size);
}

/* ---- for slab_check() ---------------------------------------------------- */

unsigned slab_debug_check_free_object(const struct slab_cache *c, uint8_t *obj)
{
	unsigned bugs = 0;

	CHECK(*tag_of(c, obj) == TAG_FREE, "slab_check: cache %s: object %p "
	      "on the free list is not tagged free", c->name, (void *)obj);
	CHECK(poison_damage(c, obj) < 0, "slab_check: cache %s: use after "
	      "free: free object %p was written", c->name, (void *)obj);
	return bugs;
}

unsigned slab_debug_check_red_zones(const struct slab_cache *c, const struct slab *s)
{
	unsigned bugs = 0;

	for (unsigned i = 0; i < c->objs_per_slab; i++) {
		uint8_t *obj = slab_object_at(c, s, i);
		uint8_t red = *tag_of(c, obj) == TAG_ALLOC ? SLAB_RED_ACTIVE : SLAB_RED_INACTIVE;
		long at = red_zone_damage(c, obj, red);
		CHECK(at == 0, "slab_check: cache %s: red zone of object %p overwritten "
		      "at offset %ld", c->name, (void *)obj, at);
	}
	return bugs;
}
