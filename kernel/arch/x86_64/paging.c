/*
 * paging.c - the kernel half of every address space.
 *
 * The boot code (boot/entry.S) maps physical 0..1 GiB at 0 and at
 * KERNEL_VMA with 2 MiB pages. paging_init() builds the tables the kernel
 * keeps for good, all in the kernel image (no allocator needed):
 *   PML4[256]  physmap: physical 0..max(4 GiB, top of RAM) at PHYSMAP_BASE,
 *              2 MiB pages, global, no-execute (capped at PHYSMAP_MAX_GIB);
 *   PML4[511]  the boot tables' higher-half map of the kernel image.
 * paging_uncached() turns off caching for the 2 MiB pages that hold
 * device registers (the IOMMU's, the local APIC's).
 * Slot 0 (the identity map) is dropped: the user half of the kernel's own
 * table is empty. Every process's top-level table copies slots 256..511,
 * and since these tables never change after boot the copies stay valid.
 */
#include "kernel.h"
#include "arch/x86_64/arch.h"
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/x86.h"

extern uint64_t boot_pdpt_high[512];

static uint64_t kernel_pml4[512] __attribute__((aligned(4096)));
static uint64_t physmap_pdpt[512] __attribute__((aligned(4096)));
static uint64_t physmap_pd[PHYSMAP_MAX_GIB][512] __attribute__((aligned(4096)));
static uint64_t physmap_gib;            /* GiB the physmap covers */

static paddr_t boot_phys(const void *p)
{
	return (paddr_t)(uintptr_t)p;      /* .boot symbols are linked at their physical address */
}

void paging_init(paddr_t top_of_ram)
{
	uint64_t gib = (top_of_ram + (1ULL << 30) - 1) >> 30;
	if (gib < 4)
		gib = 4;
	if (gib > PHYSMAP_MAX_GIB) {
		kprintf("paging: RAM above %lu GiB is not mapped and will not be used\n",
			PHYSMAP_MAX_GIB);
		gib = PHYSMAP_MAX_GIB;
	}
	physmap_gib = gib;
	for (uint64_t g = 0; g < gib; g++) {
		for (int i = 0; i < 512; i++) {
			paddr_t pa = (g << 30) + ((uint64_t)i << 21);
			physmap_pd[g][i] = pa | PTE_P | PTE_W | PTE_PS | PTE_G | PTE_NX;
		}
		physmap_pdpt[g] = kimage_to_phys(physmap_pd[g]) | PTE_P | PTE_W;
	}
	kernel_pml4[PML4_INDEX(PHYSMAP_BASE)] = kimage_to_phys(physmap_pdpt) | PTE_P | PTE_W;
	kernel_pml4[511] = boot_phys(boot_pdpt_high) | PTE_P | PTE_W;
	write_cr3(kimage_to_phys(kernel_pml4));
}

paddr_t paging_kernel_root(void)
{
	return kimage_to_phys(kernel_pml4);
}

void paging_activate(paddr_t root)
{
	if (read_cr3() != root)
		write_cr3(root);
}

paddr_t paging_physmap_end(void)
{
	return physmap_gib << 30;
}

/* Device registers must not be cached: make the physmap's 2 MiB page
 * holding pa uncached (PCD | PWT: the default PAT's UC). The callers map
 * only the chipset's window 0xfe000000..0xffffffff, where a PC has no
 * RAM, so no RAM loses its caching. */
void paging_uncached(paddr_t pa)
{
	if (pa >= paging_physmap_end())
		panic("paging_uncached: %#lx is outside the physmap", pa);
	physmap_pd[pa >> 30][(pa >> 21) & 511] |= PTE_PCD | PTE_PWT;
	invlpg((uint64_t)(uintptr_t)phys_to_virt(pa & ~((1ULL << 21) - 1)));
}
