/*
 * bootmem.c - the boot-only frame allocator.
 *
 * The kernel has no memory allocator. This is the one exception, and it
 * lives only until the first processes exist: it hands out zeroed frames
 * from the usable ranges, bottom up, skipping the first MiB (firmware and
 * BIOS data), the kernel image and every boot module. It never frees.
 * bootmem_seal() ends it; any later call is a kernel bug and panics.
 * Once the memory server owns physical memory, the frames used here are
 * reported to it as taken.
 */
#include "kernel.h"
#include "bootmem.h"
#include "arch/x86_64/mmu.h"

#define LOW_MEMORY_END (1ULL << 20)

static const struct boot_info *info;
static paddr_t reserved_end;    /* kernel image end */
static int range;               /* current usable range */
static paddr_t next;            /* next candidate frame in it */
static uint64_t used;
static bool sealed;

void bootmem_init(const struct boot_info *bi, paddr_t kernel_end)
{
	info = bi;
	reserved_end = page_round_up(kernel_end);
	range = 0;
	next = 0;
}

/* The first byte at or after pa not covered by the kernel or a module. */
static paddr_t skip_reserved(paddr_t pa)
{
	bool moved = true;
	while (moved) {
		moved = false;
		if (pa < LOW_MEMORY_END || pa < reserved_end) {
			pa = reserved_end > LOW_MEMORY_END ? reserved_end : LOW_MEMORY_END;
			moved = true;
		}
		for (int i = 0; i < info->nmodules; i++) {
			const struct boot_module *m = &info->modules[i];
			if (pa + PAGE_SIZE > page_round_down(m->start) && pa < m->end) {
				pa = page_round_up(m->end);
				moved = true;
			}
		}
	}
	return pa;
}

paddr_t bootmem_alloc(void)
{
	if (sealed)
		panic("bootmem_alloc: called after bootmem_seal()");
	for (; range < info->nranges; range++) {
		const struct mem_range *r = &info->ranges[range];
		if (r->type != MEM_USABLE)
			continue;
		paddr_t pa = skip_reserved(next > r->base ? next : r->base);
		if (pa + PAGE_SIZE <= r->base + r->len && pa < PHYSMAP_MAX_GIB << 30) {
			next = pa + PAGE_SIZE;
			used++;
			memset(phys_to_virt(pa), 0, PAGE_SIZE);
			return pa;
		}
	}
	panic("bootmem_alloc: out of memory after %lu frames", used);
}

void bootmem_seal(void)
{
	sealed = true;
}

uint64_t bootmem_used_frames(void)
{
	return used;
}
