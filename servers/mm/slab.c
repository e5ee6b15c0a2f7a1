/*
 * slab.c - object caches (Jeff Bonwick, "The Slab Allocator: An
 * Object-Caching Kernel Memory Allocator", USENIX Summer 1994).
 *
 * A cache hands out objects of one size. It gets memory from the buddy
 * allocator a slab at a time: 2^order frames cut into objs_per_slab equal
 * buffers. Each slab sits on one of three lists by how many of its objects
 * are handed out: full (all), partial (some), empty (none). Allocation takes
 * from the first partial slab, else an empty one, else grows the cache by
 * one slab; this keeps objects packed into few slabs so that empty slabs
 * appear and can be given back. A slab's free objects form a LIFO list
 * linked through the objects themselves, so alloc and free are a few loads
 * and stores; the common case (a partial slab that stays partial, no debug)
 * has its own short path, and everything else goes through alloc_slow and
 * free_slow. Freeing finds the slab from the object's frame descriptor
 * (use PAGE_USE_SLAB, private = struct slab *), as Linux does, instead of
 * Bonwick's hash table.
 *
 *   slab of order 0, header on the slab (small objects):
 *   +--------------+--------+-------+-------+-- ... --+-------+-------+
 *   | struct slab  | colour | obj 0 | obj 1 |         | obj n |unused |
 *   +--------------+--------+-------+-------+-- ... --+-------+-------+
 *   Objects of a stride >= PAGE_SIZE/8 keep struct slab off the slab, in the
 *   bootstrap cache "slab", so large objects pack the pages exactly.
 *
 * Order: the smallest order whose unused tail is at most 1/8 of the slab and
 * that holds at least 16 objects, unless it is already 8 pages (else the one
 * that wastes least). Linux SLUB also asks for a minimum object count: the
 * more objects per slab, the rarer the list moves and buddy calls. Colouring: that tail is spent on
 * shifting successive slabs' objects by 0, 64, 128 ... bytes, so that the
 * same object index in different slabs maps to different cache lines.
 *
 * Constructors run once per object, when its slab is created; a freed object
 * goes back in its constructed state and is handed out again without the
 * constructor (Bonwick's object caching). The free pointer of a cache with a
 * constructor is stored after the object so it does not clobber that state.
 *
 * Debug mode (SLAB_DEBUG, or MM_DEBUG_SLAB in mm_debug when the cache is
 * created) surrounds each object with red zones, poisons free objects and
 * tags each buffer free or allocated, so that double frees, frees of
 * pointers that are not objects, overflows and uses after free are reported
 * naming cache and object. It lives in slab_debug.c (its design comment has
 * the buffer layout and the bytes); this file calls its hooks, declared in
 * slab_internal.h, when a slab is built and on the slow alloc and free paths.
 *
 * Invariants (slab_check() verifies them): each slab is on the list its
 * inuse count says; list counts and active_objs add up; a slab's free list
 * holds exactly objs_per_slab - inuse distinct objects of that slab; every
 * frame of a slab says PAGE_USE_SLAB and points back to it; in debug mode
 * tags, red zones and poison agree with each object's state (checked by
 * slab_debug.c).
 *
 * Differences from Bonwick: no per-CPU magazines (mm is one thread), no
 * destructors, no hash table, empty slabs beyond SLAB_EMPTY_LIMIT go back to
 * the buddy allocator at once instead of waiting for a reclaim pass. Without
 * debug mode only the cheap checks run: the pointer must be in a slab of this
 * cache, and freeing the free-list head or into an empty slab is a double free.
 *
 * Lab 2 (docs/labs/slab.md) is fenced in this file (docs/teaching.md): the
 * student writes create_args_valid, pop_object, push_object,
 * build_free_list, slab_grow, slab_release, alloc_slow, free_ok, free_slow
 * and slab_cache_shrink; layout, the fast paths, slab_check and debug mode
 * (slab_debug.c) are given.
 */
#include <string.h>
#include <pagoda/error.h>
#include "slab_internal.h"
#include "buddy.h"
#include "mm_env.h"
#include "lab.h"

static struct slab_cache cache_cache;  /* holds every struct slab_cache */
static struct slab_cache slab_headers; /* holds off-slab struct slabs */
static struct slab_cache *all_caches;

static const char *const list_names[SLAB_NR_LISTS] = { "full", "partial", "empty" };

static size_t colour_step(const struct slab_cache *c)
{
	return c->align > SLAB_COLOUR_ALIGN ? c->align : SLAB_COLOUR_ALIGN;
}

/* ---- lists --------------------------------------------------------------
 * (the helpers are inline because in the slab lab's handout only the
 * student's code calls them: docs/labs/slab.md) */

static inline void list_add(struct slab_cache *c, struct slab *s, enum slab_list l)
{
	s->list = (uint8_t)l;
	s->prev = NULL;
	s->next = c->lists[l];
	if (s->next)
		s->next->prev = s;
	c->lists[l] = s;
	c->nr_slabs[l]++;
}

static inline void list_del(struct slab_cache *c, struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		c->lists[s->list] = s->next;
	if (s->next)
		s->next->prev = s->prev;
	c->nr_slabs[s->list]--;
}

static inline enum slab_list list_for(const struct slab_cache *c, const struct slab *s)
{
	if (s->inuse == 0)
		return SLAB_EMPTY;
	return s->inuse == c->objs_per_slab ? SLAB_FULL : SLAB_PARTIAL;
}

static inline void relist(struct slab_cache *c, struct slab *s)
{
	enum slab_list want = list_for(c, s);

	if (want != s->list) {
		list_del(c, s);
		list_add(c, s, want);
	}
}

/* ---- cache layout ------------------------------------------------------- */

static void compute_layout(struct slab_cache *c)
{
	size_t buffer;

	if (slab_is_debug(c)) {
		buffer = slab_debug_layout(c);
	} else {
		c->obj_offset = 0;
		c->free_off = c->ctor ? slab_round_up(c->size, 8) : 0;
		buffer = c->ctor ? c->free_off + sizeof(void *) : c->size;
	}
	c->stride = slab_round_up(buffer, c->align);
	if (c->stride >= PAGE_SIZE / 8 && c != &slab_headers)
		c->flags |= SLAB_OFF_SLAB;
	c->header = (c->flags & SLAB_OFF_SLAB) ? 0 : slab_round_up(sizeof(struct slab), c->align);
}

/*
 * The smallest order whose unused tail is at most 1/8 of the slab and that
 * holds at least SLAB_MIN_OBJECTS objects (or is already 2^SLAB_MIN_OBJS_ORDER
 * pages: big objects need not come 16 to a slab); else the least wasteful.
 * More objects per slab means fewer list moves and fewer buddy calls.
 */
static bool choose_order(struct slab_cache *c)
{
	size_t best_waste = 0, best_bytes = 0;
	unsigned best = MM_MAX_ORDER + 1;

	for (unsigned o = 0; o <= MM_MAX_ORDER; o++) {
		size_t bytes = PAGE_SIZE << o;
		if (bytes < c->header + c->stride)
			continue;
		size_t waste = (bytes - c->header) % c->stride;
		size_t n = (bytes - c->header) / c->stride;
		bool enough = n >= SLAB_MIN_OBJECTS || o >= SLAB_MIN_OBJS_ORDER;
		if (enough && waste * 8 <= bytes) {
			best = o;
			best_waste = waste;
			best_bytes = bytes;
			break;
		}
		if (best > MM_MAX_ORDER || waste * best_bytes < best_waste * bytes) {
			best = o;
			best_waste = waste;
			best_bytes = bytes;
		}
	}
	if (best > MM_MAX_ORDER)
		return false;
	c->order = best;
	c->objs_per_slab = (unsigned)((best_bytes - c->header) / c->stride);
	c->colour_count = (unsigned)(best_waste / colour_step(c)) + 1;
	return true;
}

static bool cache_setup(struct slab_cache *c, const char *name, size_t size,
                        size_t align, slab_ctor_t ctor, unsigned flags)
{
	memset(c, 0, sizeof(*c));
	strncpy(c->name, name, SLAB_NAME_MAX - 1);
	c->size = size;
	c->align = align < SLAB_MIN_ALIGN ? SLAB_MIN_ALIGN : align;
	c->ctor = ctor;
	c->flags = (flags & (SLAB_ZONE_DMA | SLAB_ZONE_DMA32)) |
	           (slab_debug_wanted(flags) ? SLAB_DEBUG : 0);
	c->page_flags = ((flags & SLAB_ZONE_DMA) ? MM_ZONE_DMA : 0) |
	                ((flags & SLAB_ZONE_DMA32) ? MM_ZONE_DMA32 : 0);
	c->empty_limit = SLAB_EMPTY_LIMIT;
	compute_layout(c);
	if (!choose_order(c))
		return false;
	c->next = all_caches;
	all_caches = c;
	return true;
}

void slab_init(void)
{
	all_caches = NULL;
	cache_setup(&slab_headers, "slab", sizeof(struct slab), 0, NULL, 0);
	cache_setup(&cache_cache, "slab_cache", sizeof(struct slab_cache), 0, NULL, 0);
}

static bool create_args_valid(const char *name, size_t size, size_t align,
                              unsigned flags)
{
	/* LAB slab: create_args_valid - a name, 0 < size <= the largest buddy block, align 0 or a power of two <= PAGE_SIZE, known flags */
	if (!name || size == 0 || size > (PAGE_SIZE << MM_MAX_ORDER))
		return false;
	if (align > PAGE_SIZE || (align & (align - 1)) || (flags & ~SLAB_FLAGS_VALID))
		return false;
	return true;
	/* LAB slab STUB: LAB_MISSING("slab", "create_args_valid"); */
	/* LAB slab STUB: return name != NULL && size != 0; */
	/* LAB slab END */
}

struct slab_cache *slab_cache_create_flags(const char *name, size_t size, size_t align,
                                           slab_ctor_t ctor, unsigned flags)
{
	if (!create_args_valid(name, size, align, flags))
		return NULL;
	struct slab_cache *c = slab_alloc(&cache_cache, 0);
	if (!c)
		return NULL;
	if (!cache_setup(c, name, size, align, ctor, flags)) {
		slab_free(&cache_cache, c);
		return NULL;
	}
	return c;
}

struct slab_cache *slab_cache_create(const char *name, size_t size, size_t align,
                                     slab_ctor_t ctor)
{
	return slab_cache_create_flags(name, size, align, ctor, 0);
}

/* ---- growing and releasing slabs ---------------------------------------- */

/* Every frame of the slab at pfn says it is (s) or is no longer (NULL) a
 * slab page, and which one: slab_of() reads it back on every free. */
static inline void mark_pages(pfn_t pfn, unsigned order, struct slab *s)
{
	for (pfn_t i = 0; i < ((pfn_t)1 << order); i++) {
		struct page *pg = pfn_to_page(pfn + i);
		pg->use = s ? PAGE_USE_SLAB : PAGE_USE_NONE;
		pg->private = (uint64_t)(uintptr_t)s;
	}
}

/* Thread a new slab's objects onto its free list, object 0 first, running
 * the debug set-up and the constructor on each, once. */
/* LAB slab: static void build_free_list(struct slab_cache *c, struct slab *s) */
static void build_free_list(struct slab_cache *c, struct slab *s)
{
	s->free = NULL;
	for (unsigned i = c->objs_per_slab; i-- > 0;) {
		uint8_t *obj = slab_object_at(c, s, i);
		if (slab_is_debug(c))
			slab_debug_init_object(c, obj);
		if (c->ctor)
			c->ctor(obj);
		*slab_free_ptr(c, obj) = s->free;
		s->free = obj;
	}
}
/* LAB slab END */

/* One more slab for c, on its empty list: 2^order frames from the buddy
 * allocator in the cache's zone (with the request's MM_HIGH/MM_EMERGENCY),
 * struct slab at its start or from the "slab" cache (SLAB_OFF_SLAB), the
 * next colour, its frames marked, its free list built. NULL, with nothing
 * kept, if either allocation fails. */
/* LAB slab: static struct slab *slab_grow(struct slab_cache *c, mm_flags_t flags) */
static struct slab *slab_grow(struct slab_cache *c, mm_flags_t flags)
{
	mm_flags_t urgency = flags & (MM_HIGH | MM_EMERGENCY);
	pfn_t pfn = buddy_alloc(c->order, c->page_flags | urgency);
	if (pfn == PFN_NONE)
		return NULL;
	uint8_t *base = pfn_to_virt(pfn);
	struct slab *s = (c->flags & SLAB_OFF_SLAB) ? slab_alloc(&slab_headers, urgency)
	                                           : (struct slab *)base;
	if (!s) {
		buddy_free(pfn, c->order);
		return NULL;
	}
	s->cache = c;
	s->pfn = pfn;
	s->inuse = 0;
	s->colour = (uint32_t)(c->colour_next * colour_step(c));
	c->colour_next = (c->colour_next + 1) % c->colour_count;
	s->mem = base + c->header + s->colour;
	mark_pages(pfn, c->order, s);
	build_free_list(c, s);
	list_add(c, s, SLAB_EMPTY);
	c->nr_grows++;
	return s;
}
/* LAB slab END */

/* Give an empty slab back: off its list, its frames unmarked, its
 * off-slab header freed, its pages to the buddy allocator (counted in
 * nr_reaped_pages). */
/* LAB slab: static void slab_release(struct slab_cache *c, struct slab *s) */
static void slab_release(struct slab_cache *c, struct slab *s)
{
	pfn_t pfn = s->pfn;

	list_del(c, s);
	mark_pages(pfn, c->order, NULL);
	if (c->flags & SLAB_OFF_SLAB)
		slab_free(&slab_headers, s);
	buddy_free(pfn, c->order);
	c->nr_reaped_pages += (uint64_t)1 << c->order;
}
/* LAB slab END */

/* ---- alloc and free ------------------------------------------------------ */

/*
 * Each operation has a short fast path for the common case, as SLUB does:
 * allocating from a partial slab that stays partial, or freeing into one,
 * with no flags and no debug mode. Everything else, including every check
 * that can report a bug, is on the general path (alloc_slow, free_slow),
 * kept out of line so the fast path needs no stack frame.
 */

static inline void *pop_object(struct slab_cache *c, struct slab *s)
{
	/* LAB slab: pop_object - take the head of s's free list, count it in s and c */
	void *obj = s->free;

	s->free = *slab_free_ptr(c, obj);
	s->inuse++;
	c->active_objs++;
	c->nr_allocs++;
	return obj;
	/* LAB slab STUB: LAB_MISSING("slab", "pop_object"); */
	/* LAB slab STUB: return NULL; */
	/* LAB slab END */
}

static inline void push_object(struct slab_cache *c, struct slab *s, void *obj)
{
	/* LAB slab: push_object - put obj back at the head of s's free list, count it in s and c */
	*slab_free_ptr(c, obj) = s->free;
	s->free = obj;
	s->inuse--;
	c->active_objs--;
	c->nr_frees++;
	/* LAB slab STUB: LAB_MISSING("slab", "push_object"); */
	/* LAB slab END */
}

static __attribute__((noinline)) void *alloc_slow(struct slab_cache *c, mm_flags_t flags)
{
	/* LAB slab: alloc_slow - refuse MM_ZERO with a ctor; a partial slab, else an empty one, else grow; relist; debug hook; zero */
	struct slab *s = c->lists[SLAB_PARTIAL];

	if ((flags & MM_ZERO) && c->ctor) {
		c->nr_fails++;
		return NULL;
	}
	if (!s)
		s = c->lists[SLAB_EMPTY];
	if (!s)
		s = slab_grow(c, flags);
	if (!s) {
		c->nr_fails++;
		return NULL;
	}
	uint8_t *obj = pop_object(c, s);
	relist(c, s);
	if (slab_is_debug(c))
		slab_debug_on_alloc(c, obj);
	if (flags & MM_ZERO)
		memset(obj, 0, c->size);
	return obj;
	/* LAB slab STUB: LAB_MISSING("slab", "alloc_slow"); */
	/* LAB slab STUB: c->nr_fails++; */
	/* LAB slab STUB: return NULL; */
	/* LAB slab END */
}

void *slab_alloc(struct slab_cache *c, mm_flags_t flags)
{
	struct slab *s = c->lists[SLAB_PARTIAL];

	if (!s || flags || slab_is_debug(c) || s->inuse + 1 == c->objs_per_slab)
		return alloc_slow(c, flags);
	return pop_object(c, s);
}

static inline struct slab *slab_of(const void *obj)
{
	pfn_t pfn = virt_to_pfn(obj);

	if (!pfn_valid(pfn) || pfn_to_page(pfn)->use != PAGE_USE_SLAB)
		return NULL;
	return (struct slab *)(uintptr_t)pfn_to_page(pfn)->private;
}

struct slab_cache *slab_cache_of(const void *obj)
{
	struct slab *s = slab_of(obj);
	return s ? s->cache : NULL;
}

/* Decode-then-act: every reason to refuse freeing obj (whose slab, from
 * its frame, is s, or NULL) into c, reported through mm_bug with the
 * messages of docs/labs/slab.md, before anything changes. */
/* LAB slab: static bool free_ok(const struct slab_cache *c, const struct slab *s, void *obj) */
static bool free_ok(const struct slab_cache *c, const struct slab *s, void *obj)
{
	if (!s) {
		mm_bug("slab_free: %p is not an object of any slab cache (freed to %s)",
		       obj, c->name);
		return false;
	}
	if (s->cache != c) {
		mm_bug("slab_free: object %p belongs to cache %s, not %s",
		       obj, s->cache->name, c->name);
		return false;
	}
	if (slab_is_debug(c))
		return slab_debug_free_ok(c, s, obj);
	if (obj == s->free || s->inuse == 0) {
		mm_bug("slab_free: double free of object %p in cache %s", obj, c->name);
		return false;
	}
	return true;
}
/* LAB slab END */

static __attribute__((noinline)) int free_slow(struct slab_cache *c, struct slab *s,
                                               void *obj)
{
	/* LAB slab: free_slow - free_ok, debug hook, push, relist, release an empty slab beyond empty_limit */
	if (!free_ok(c, s, obj))
		return -ERR_BUG;
	if (slab_is_debug(c))
		slab_debug_on_free(c, obj);
	push_object(c, s, obj);
	relist(c, s);
	if (s->inuse == 0 && c->nr_slabs[SLAB_EMPTY] > c->empty_limit)
		slab_release(c, s);
	return ERR_OK;
	/* LAB slab STUB: LAB_MISSING("slab", "free_slow"); */
	/* LAB slab STUB: return -ERR_BUG; */
	/* LAB slab END */
}

int slab_free(struct slab_cache *c, void *obj)
{
	struct slab *s = slab_of(obj);

	if (!s || s->cache != c || slab_is_debug(c) || s->list != SLAB_PARTIAL ||
	    s->inuse == 1 || obj == s->free)
		return free_slow(c, s, obj);
	push_object(c, s, obj);
	return ERR_OK;
}

/* ---- shrink and destroy -------------------------------------------------- */

size_t slab_cache_shrink(struct slab_cache *c)
{
	/* LAB slab: slab_cache_shrink - release every empty slab, return the pages given back */
	size_t pages = 0;

	while (c->lists[SLAB_EMPTY]) {
		slab_release(c, c->lists[SLAB_EMPTY]);
		pages += (size_t)1 << c->order;
	}
	return pages;
	/* LAB slab STUB: LAB_MISSING("slab", "slab_cache_shrink"); */
	/* LAB slab STUB: return 0; */
	/* LAB slab END */
}

size_t slab_shrink_all(void)
{
	size_t pages = 0;

	for (struct slab_cache *c = all_caches; c; c = c->next)
		if (c != &slab_headers)
			pages += slab_cache_shrink(c);
	return pages + slab_cache_shrink(&slab_headers);
}

int slab_cache_destroy(struct slab_cache *c)
{
	if (c == &cache_cache || c == &slab_headers)
		return -ERR_INVAL;
	if (c->active_objs) {
		mm_bug("slab_cache_destroy: cache %s still has %lu objects in use",
		       c->name, (unsigned long)c->active_objs);
		return -ERR_BUSY;
	}
	slab_cache_shrink(c);
	for (struct slab_cache **pp = &all_caches; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	return slab_free(&cache_cache, c);
}

/* ---- slab_check(): the invariants as code ------------------------------- */

#define CHECK(cond, ...) do { if (!(cond)) { mm_bug(__VA_ARGS__); bugs++; } } while (0)

static unsigned check_pages(const struct slab_cache *c, const struct slab *s)
{
	unsigned bugs = 0;
	const struct page *head = pfn_to_page(s->pfn);

	CHECK(head->state == PAGE_ALLOCATED && head->order == c->order,
	      "slab_check: cache %s slab at pfn 0x%lx is not an allocated order-%u block",
	      c->name, (unsigned long)s->pfn, c->order);
	for (pfn_t i = 0; i < ((pfn_t)1 << c->order); i++) {
		const struct page *pg = pfn_to_page(s->pfn + i);
		CHECK(pg->use == PAGE_USE_SLAB && pg->private == (uint64_t)(uintptr_t)s,
		      "slab_check: cache %s: pfn 0x%lx does not point back to its slab",
		      c->name, (unsigned long)(s->pfn + i));
	}
	return bugs;
}

static bool is_object_of(const struct slab_cache *c, const struct slab *s, const uint8_t *obj)
{
	size_t off = (size_t)(obj - s->mem) - c->obj_offset;
	return obj >= s->mem + c->obj_offset && off % c->stride == 0 &&
	       off / c->stride < c->objs_per_slab;
}

static unsigned check_free_list(const struct slab_cache *c, const struct slab *s)
{
	unsigned bugs = 0, n = 0;
	uint8_t *obj = s->free;

	while (obj && n <= c->objs_per_slab) {
		if (!is_object_of(c, s, obj)) {
			mm_bug("slab_check: cache %s slab pfn 0x%lx: free list holds %p, "
			       "not one of its objects", c->name, (unsigned long)s->pfn, (void *)obj);
			return bugs + 1;
		}
		if (slab_is_debug(c))
			bugs += slab_debug_check_free_object(c, obj);
		n++;
		obj = *slab_free_ptr(c, obj);
	}
	CHECK(n == c->objs_per_slab - s->inuse, "slab_check: cache %s slab pfn 0x%lx: "
	      "%u objects on its free list, expected %u", c->name, (unsigned long)s->pfn,
	      n, c->objs_per_slab - s->inuse);
	return bugs;
}

static unsigned check_slab(const struct slab_cache *c, const struct slab *s,
                           enum slab_list l)
{
	unsigned bugs = 0;

	CHECK(s->cache == c && s->list == l && list_for(c, s) == l,
	      "slab_check: cache %s slab pfn 0x%lx with %u/%u in use is on the %s list",
	      c->name, (unsigned long)s->pfn, s->inuse, c->objs_per_slab, list_names[l]);
	return bugs + check_pages(c, s) + check_free_list(c, s) +
	       (slab_is_debug(c) ? slab_debug_check_red_zones(c, s) : 0);
}

static unsigned check_cache(const struct slab_cache *c)
{
	unsigned bugs = 0;
	uint64_t active = 0;

	for (int l = 0; l < SLAB_NR_LISTS; l++) {
		unsigned n = 0;
		const struct slab *prev = NULL;
		for (const struct slab *s = c->lists[l]; s && n <= c->nr_slabs[l]; s = s->next) {
			CHECK(s->prev == prev, "slab_check: cache %s: %s list links disagree",
			      c->name, list_names[l]);
			bugs += check_slab(c, s, (enum slab_list)l);
			active += s->inuse;
			prev = s;
			n++;
		}
		CHECK(n == c->nr_slabs[l], "slab_check: cache %s: %u slabs on the %s list, "
		      "counted %u", c->name, n, list_names[l], c->nr_slabs[l]);
	}
	CHECK(active == c->active_objs, "slab_check: cache %s: %lu objects in use in "
	      "slabs, active_objs says %lu", c->name, (unsigned long)active,
	      (unsigned long)c->active_objs);
	return bugs;
}

unsigned slab_check(void)
{
	unsigned bugs = 0;

	for (const struct slab_cache *c = all_caches; c; c = c->next)
		bugs += check_cache(c);
	return bugs;
}

unsigned slab_cache_slabs(const struct slab_cache *c)
{
	return c->nr_slabs[SLAB_FULL] + c->nr_slabs[SLAB_PARTIAL] + c->nr_slabs[SLAB_EMPTY];
}

const struct slab_cache *slab_cache_nth(unsigned index, unsigned *count)
{
	const struct slab_cache *found = NULL;
	unsigned n = 0;
	for (const struct slab_cache *c = all_caches; c; c = c->next, n++)
		if (n == index)
			found = c;
	if (count)
		*count = n;
	return found;
}

void slab_dump(void)
{
	mm_print("slabinfo: name                  active   total objsize stride "
	         "per-slab pages : full partial empty  pages flags\n");
	for (const struct slab_cache *c = all_caches; c; c = c->next) {
		unsigned slabs = slab_cache_slabs(c);
		mm_print("%-30s %7lu %7lu %7zu %6zu %8u %5u : %4u %7u %5u %6lu %s%s%s\n",
		         c->name, (unsigned long)c->active_objs,
		         (unsigned long)slabs * c->objs_per_slab, c->size, c->stride,
		         c->objs_per_slab, 1u << c->order, c->nr_slabs[SLAB_FULL],
		         c->nr_slabs[SLAB_PARTIAL], c->nr_slabs[SLAB_EMPTY],
		         (unsigned long)slabs << c->order,
		         slab_is_debug(c) ? "debug " : "",
		         (c->flags & SLAB_OFF_SLAB) ? "off-slab " : "",
		         c->ctor ? "ctor" : "");
	}
}
