/*
 * kmalloc.c - generic size classes over slab caches, for mm's own
 * variable-size data (today: the page arrays of shared-memory objects).
 *
 * A request is rounded up to the smallest class that holds it and served by
 * that class's cache:
 *
 *   32 64 96 128 192 256 512 1K 2K 4K 8K 16K 32K 64K 128K   bytes
 *
 * Powers of two, plus 96 and 192 (as in Linux) because 65..96 and 129..192
 * byte requests are common and would waste a third in the next power of two.
 * Each class is aligned to its largest power-of-two divisor, up to a page,
 * so power-of-two sizes are naturally aligned (a 4 KiB kmalloc is a page).
 * Requests above 128 KiB skip the slab layer: the buddy allocator hands out
 * 2^order pages directly, marked PAGE_USE_KMALLOC so kfree() knows.
 *
 * kfree() needs no size: the frame descriptor says whether the pointer is in
 * a slab (and which cache) or is a large block (and its order).
 *
 * Not supported: a DMA variant of the classes, krealloc.
 */
#include <string.h>
#include <pagoda/error.h>
#include "kmalloc.h"
#include "slab.h"
#include "buddy.h"
#include "mm_env.h"

static const size_t class_size[KMALLOC_NR_CLASSES] = {
	32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096,
	8192, 16384, 32768, 65536, 131072,
};

static const char *const class_name[KMALLOC_NR_CLASSES] = {
	"kmalloc-32", "kmalloc-64", "kmalloc-96", "kmalloc-128", "kmalloc-192",
	"kmalloc-256", "kmalloc-512", "kmalloc-1k", "kmalloc-2k", "kmalloc-4k",
	"kmalloc-8k", "kmalloc-16k", "kmalloc-32k", "kmalloc-64k", "kmalloc-128k",
};

static struct slab_cache *class_cache[KMALLOC_NR_CLASSES];

static size_t natural_align(size_t size)
{
	size_t align = size & -size;
	return align < PAGE_SIZE ? align : PAGE_SIZE;
}

int kmalloc_init(void)
{
	for (int i = 0; i < KMALLOC_NR_CLASSES; i++) {
		size_t sz = class_size[i];
		class_cache[i] = slab_cache_create(class_name[i], sz, natural_align(sz), NULL);
		if (!class_cache[i])
			return -ERR_NOMEM;
	}
	return ERR_OK;
}

static int class_index(size_t size)
{
	for (int i = 0; i < KMALLOC_NR_CLASSES; i++)
		if (size <= class_size[i])
			return i;
	return -1;
}

size_t kmalloc_size_class(size_t size)
{
	int i = class_index(size);
	return size == 0 || i < 0 ? 0 : class_size[i];
}

static unsigned order_for(size_t size)
{
	unsigned order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

static void *kmalloc_large(size_t size, mm_flags_t flags)
{
	unsigned order = order_for(size);

	if (order > MM_MAX_ORDER)
		return NULL;
	pfn_t pfn = buddy_alloc(order, flags);
	if (pfn == PFN_NONE)
		return NULL;
	pfn_to_page(pfn)->use = PAGE_USE_KMALLOC;
	return pfn_to_virt(pfn);
}

void *kmalloc(size_t size, mm_flags_t flags)
{
	int i = class_index(size);

	if (size == 0)
		return NULL;
	if (i < 0)
		return kmalloc_large(size, flags);
	return slab_alloc(class_cache[i], flags & (MM_ZERO | MM_HIGH | MM_EMERGENCY));
}

int kfree(void *ptr)
{
	if (!ptr)
		return ERR_OK;
	struct slab_cache *c = slab_cache_of(ptr);
	if (c)
		return slab_free(c, ptr);
	pfn_t pfn = virt_to_pfn(ptr);
	if (pfn_valid(pfn) && pfn_to_page(pfn)->use == PAGE_USE_KMALLOC &&
	    pfn_to_page(pfn)->state == PAGE_ALLOCATED && pfn_to_virt(pfn) == ptr)
		return buddy_free(pfn, pfn_to_page(pfn)->order);
	mm_bug("kfree: %p was not returned by kmalloc (or was already freed)", ptr);
	return -ERR_BUG;
}
