/*
 * slab.h - object caches over buddy pages (Bonwick 1994). See slab.c.
 */
#ifndef MM_SLAB_H
#define MM_SLAB_H

#include <pagoda/types.h>
#include "mm_flags.h"

#define SLAB_NAME_MAX 24

/* slab_cache_create_flags() flags */
#define SLAB_DEBUG      0x01u /* poison, red zones, double-free detection */
#define SLAB_NO_DEBUG   0x02u /* never debug, even under MM_DEBUG_SLAB */
#define SLAB_ZONE_DMA   0x04u /* slab pages below 16 MiB (small DMA buffers) */
#define SLAB_ZONE_DMA32 0x08u /* slab pages below 4 GiB */
#define SLAB_FLAGS_VALID 0x0fu

/* set by slab.c and slab_debug.c in cache->flags */
#define SLAB_OFF_SLAB   0x100u /* struct slab kept outside the slab's pages */
#define SLAB_POISON     0x200u /* free objects filled with SLAB_POISON_FREE */

#define SLAB_MIN_ALIGN      8u  /* objects hold a free pointer */
#define SLAB_COLOUR_ALIGN  64u  /* colour step: one cache line */
#define SLAB_EMPTY_LIMIT    2u  /* empty slabs a cache keeps before freeing */
#define SLAB_MIN_OBJECTS   16u  /* objects per slab the order aims for ... */
#define SLAB_MIN_OBJS_ORDER 3u  /* ... unless the slab is already this order */

/* Debug-mode bytes (Linux's values, so dumps look familiar). */
#define SLAB_POISON_FREE   0x6b /* every byte of a free object */
#define SLAB_POISON_INUSE  0x5a /* a fresh object nobody has written yet */
#define SLAB_RED_INACTIVE  0xbb /* red zones around a free object */
#define SLAB_RED_ACTIVE    0xcc /* red zones around an allocated object */

typedef void (*slab_ctor_t)(void *obj);

enum slab_list { SLAB_FULL, SLAB_PARTIAL, SLAB_EMPTY, SLAB_NR_LISTS };

/* One slab: 2^order frames cut into equal objects. */
struct slab {
	struct slab *next, *prev;  /* on one of the cache's three lists */
	struct slab_cache *cache;
	uint8_t *mem;              /* first object (after header and colour) */
	void *free;                /* free objects, linked through themselves */
	uint32_t inuse;            /* objects handed out */
	uint32_t colour;           /* bytes of colour before the first object */
	pfn_t pfn;                 /* first frame */
	uint8_t list;              /* enum slab_list */
};

struct slab_cache {
	char name[SLAB_NAME_MAX];
	size_t size;               /* object size asked for */
	size_t align;              /* object alignment */
	size_t stride;             /* bytes from one object to the next */
	size_t obj_offset;         /* object start within its stride (red zone) */
	size_t free_off;           /* free pointer, from the object start */
	unsigned flags;            /* SLAB_* */
	unsigned order;            /* slab size: 2^order frames */
	unsigned objs_per_slab;
	size_t header;             /* bytes of on-slab struct slab, 0 if off */
	unsigned colour_count;     /* distinct colours: offsets 0, 64, ... */
	unsigned colour_next;
	mm_flags_t page_flags;     /* zone flags for buddy_alloc */
	slab_ctor_t ctor;
	struct slab *lists[SLAB_NR_LISTS];
	unsigned nr_slabs[SLAB_NR_LISTS];
	unsigned empty_limit;
	/* statistics */
	uint64_t active_objs;
	uint64_t nr_allocs, nr_frees, nr_grows, nr_reaped_pages, nr_fails;
	struct slab_cache *next;   /* all caches, for check, dump, shrink */
};

/* Set up the bootstrap caches; call once after zone_init() (again to start
 * over in host tests). */
void slab_init(void);

/*
 * A new cache of objects of `size` bytes, aligned to `align` (a power of two
 * up to PAGE_SIZE; 0 or less than 8 means 8). `ctor`, if not NULL, runs once
 * per object when its slab is created, never on each allocation: objects are
 * freed back in their constructed state (Bonwick). Returns NULL if the
 * arguments are invalid or memory is short.
 */
struct slab_cache *slab_cache_create(const char *name, size_t size, size_t align,
                                     slab_ctor_t ctor);

/* The same, with SLAB_* flags: SLAB_DEBUG / SLAB_NO_DEBUG, SLAB_ZONE_DMA /
 * SLAB_ZONE_DMA32 (where the slab pages come from). */
struct slab_cache *slab_cache_create_flags(const char *name, size_t size, size_t align,
                                           slab_ctor_t ctor, unsigned flags);

/* An object, or NULL. flags: MM_ZERO (refused for caches with a
 * constructor), MM_HIGH / MM_EMERGENCY (passed to the buddy allocator). */
void *slab_alloc(struct slab_cache *c, mm_flags_t flags);

/* Give an object back. A pointer that is not a live object of c is a bug:
 * reported through mm_bug naming cache and object, refused, -ERR_BUG. */
int slab_free(struct slab_cache *c, void *obj);

/* Return every empty slab's pages to the buddy allocator; pages returned. */
size_t slab_cache_shrink(struct slab_cache *c);
size_t slab_shrink_all(void);

/* Destroy a cache with no objects in use (-ERR_BUSY and a bug report if it
 * still has some). */
int slab_cache_destroy(struct slab_cache *c);

/* The cache an object belongs to, or NULL if obj is not in a slab. */
struct slab_cache *slab_cache_of(const void *obj);

/* Verify every cache, slab and free list; violations go to mm_bug. */
unsigned slab_check(void);

/* A /proc/slabinfo-style table. */
void slab_dump(void);

/* The index-th cache (0, 1, ... in the order slab_dump lists them), or
 * NULL past the last; *count (if not NULL) = how many caches there are.
 * For MM_SLABINFO (meminfo.c). */
const struct slab_cache *slab_cache_nth(unsigned index, unsigned *count);

/* Slabs of c on all three lists. */
unsigned slab_cache_slabs(const struct slab_cache *c);

#endif
