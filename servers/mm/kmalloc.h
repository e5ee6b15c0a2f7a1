/*
 * kmalloc.h - variable-size allocations for mm's own data: generic slab
 * caches of fixed size classes, 32 bytes to 128 KiB. See kmalloc.c.
 */
#ifndef MM_KMALLOC_H
#define MM_KMALLOC_H

#include <stddef.h>
#include "mm_flags.h"

#define KMALLOC_MIN_SIZE  32u
#define KMALLOC_MAX_CACHE_SIZE (128u << 10)
#define KMALLOC_NR_CLASSES 15

/* Create the size-class caches; call after slab_init(). ERR_OK or -ERR_NOMEM. */
int kmalloc_init(void);

/* size bytes, or NULL (size 0, or no memory). Flags: MM_ZERO, MM_HIGH,
 * MM_EMERGENCY, and the zone flags for sizes above KMALLOC_MAX_CACHE_SIZE,
 * which come straight from the buddy allocator (up to 4 MiB). */
void *kmalloc(size_t size, mm_flags_t flags);

/* Free what kmalloc returned (NULL is ignored). Anything else is a bug,
 * reported and refused: ERR_OK or -ERR_BUG. */
int kfree(void *ptr);

/* The size class that serves `size` (its object size), 0 if none. */
size_t kmalloc_size_class(size_t size);

#endif
