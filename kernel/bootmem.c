/*
 * bootmem.c - the boot-only frame allocator.
 *
 * The kernel has no memory allocator. This is the one exception, and it
 * lives only until the first processes exist: it hands out zeroed frames
 * from the usable ranges, bottom up, skipping the first MiB (firmware and
 * BIOS data), the kernel image and every boot module. It never frees.
 * bootmem_seal() ends it; any later call is a kernel bug and panics.
 * It builds exactly one process, the memory server, and then reports the
 * runs of frames it used so the server treats them as taken.
 *
 * Physical memory at boot (QEMU `pc`, -m 128M), as this file, the linker
 * script (boot/kernel.ld) and the loader leave it:
 *
 *   0x00000000  +---------------------------+
 *               | real-mode IVT, BIOS data  |  usable: mm manages it (zone DMA)
 *   0x0009fc00  | EBDA, VGA, option ROMs,   |  reserved (firmware)
 *               | BIOS                      |
 *   0x00100000  +---------------------------+  LOW_MEMORY_END: never handed out here
 *               | kernel image: .boot .text |  [1 MiB, _kernel_phys_end); .bss holds
 *               | .rodata .data .bss        |  the process/thread tables, kernel stacks
 *   end of image+---------------------------+
 *               | boot modules (programs)   |  placed by the loader, page aligned
 *               +---------------------------+
 *               | frames for the memory     |  this allocator, bottom up
 *               | server (image, stack,     |
 *               | page tables, boot info)   |
 *               |  free: managed by mm      |  (zones: servers/mm/zone.h)
 *   top of RAM  +---------------------------+
 *   0xfffc0000  | BIOS ROM                  |  reserved
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
static struct bootmem_run runs[BOOTMEM_MAX_RUNS];
static int nruns;

/* Remember pa as used, extending the last run when contiguous. */
static void record(paddr_t pa)
{
	if (nruns && runs[nruns - 1].end == pa) {
		runs[nruns - 1].end = pa + PAGE_SIZE;
		return;
	}
	if (nruns == BOOTMEM_MAX_RUNS)
		panic("bootmem: more than %d separate runs", BOOTMEM_MAX_RUNS);
	runs[nruns++] = (struct bootmem_run){ pa, pa + PAGE_SIZE };
}

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

/* The next free frame at or after the cursor (*r, *pa), which moves onto
 * it; false when memory is exhausted. */
static bool next_free(int *r, paddr_t *pa)
{
	for (; *r < info->nranges; (*r)++) {
		const struct mem_range *m = &info->ranges[*r];
		if (m->type != MEM_USABLE)
			continue;
		paddr_t p = skip_reserved(*pa > m->base ? *pa : m->base);
		if (p + PAGE_SIZE <= m->base + m->len && p < PHYSMAP_MAX_GIB << 30) {
			*pa = p;
			return true;
		}
	}
	return false;
}

/* Callers check bootmem_frames_left() first (spawn.c): running out here
 * is a kernel bug. */
paddr_t bootmem_alloc(void)
{
	if (sealed)
		panic("bootmem_alloc: called after bootmem_seal()");
	if (!next_free(&range, &next))
		panic("bootmem_alloc: out of memory after %lu frames", used);
	paddr_t pa = next;
	next = pa + PAGE_SIZE;
	used++;
	record(pa);
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return pa;
}

/* How many frames bootmem_alloc can still hand out, counting no further
 * than `enough` (the caller's need). */
uint64_t bootmem_frames_left(uint64_t enough)
{
	int r = range;
	paddr_t pa = next;
	uint64_t n = 0;
	for (; n < enough && next_free(&r, &pa); pa += PAGE_SIZE)
		n++;
	return n;
}

void bootmem_seal(void)
{
	sealed = true;
}

uint64_t bootmem_used_frames(void)
{
	return used;
}

/* The runs handed out so far, for the memory server's reserved list. */
int bootmem_runs(const struct bootmem_run **out)
{
	*out = runs;
	return nruns;
}
