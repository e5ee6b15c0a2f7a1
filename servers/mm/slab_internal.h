/*
 * slab_internal.h - what slab.c and slab_debug.c share: the layout helpers
 * every buffer access goes through, and the debug-mode hooks slab.c calls.
 * Not part of the slab interface (that is slab.h); nothing else includes it.
 */
#ifndef MM_SLAB_INTERNAL_H
#define MM_SLAB_INTERNAL_H

#include "slab.h"

static inline size_t slab_round_up(size_t x, size_t a)
{
	return (x + a - 1) & ~(a - 1);
}

static inline bool slab_is_debug(const struct slab_cache *c)
{
	return c->flags & SLAB_DEBUG;
}

/* Where a free object keeps the link to the next free object. */
static inline void **slab_free_ptr(const struct slab_cache *c, void *obj)
{
	return (void **)((uint8_t *)obj + c->free_off);
}

/* Object i of slab s (past its left red zone in debug mode). */
static inline uint8_t *slab_object_at(const struct slab_cache *c, const struct slab *s,
                                      unsigned i)
{
	return s->mem + (size_t)i * c->stride + c->obj_offset;
}

/* ---- slab_debug.c: debug mode (red zones, poison, tags) ----------------- */

/* Whether a cache created with these flags runs in debug mode. */
bool slab_debug_wanted(unsigned flags);

/* Buffer layout of a debug cache: sets obj_offset, free_off (and
 * SLAB_POISON); returns the bytes one buffer needs before alignment. */
size_t slab_debug_layout(struct slab_cache *c);

/* A new object of a fresh slab: red zones, free tag, free poison. */
void slab_debug_init_object(const struct slab_cache *c, uint8_t *obj);

/* An object about to be handed out: report a use after free or a damaged
 * red zone, then mark it allocated. */
void slab_debug_on_alloc(const struct slab_cache *c, uint8_t *obj);

/* Every reason to refuse freeing obj into slab s, reported; before changes. */
bool slab_debug_free_ok(const struct slab_cache *c, const struct slab *s, uint8_t *obj);

/* An object being freed (after slab_debug_free_ok): mark it free. */
void slab_debug_on_free(const struct slab_cache *c, uint8_t *obj);

/* slab_check() in debug mode: a free-list object's tag and poison, and every
 * object's red zones. Each returns the number of violations reported. */
unsigned slab_debug_check_free_object(const struct slab_cache *c, uint8_t *obj);
unsigned slab_debug_check_red_zones(const struct slab_cache *c, const struct slab *s);

#endif
