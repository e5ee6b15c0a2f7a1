/*
 * mmu.h - x86_64 paging constants and the kernel's virtual memory map.
 *
 * Virtual memory map (4-level paging, 48-bit addresses). The user half
 * is drawn in full next to the constants that define it, in
 * libsys/include/pagoda/layout.h; the kernel half is defined here:
 *
 *   0x0000000000000000  +------------------------------+
 *                       | user half: pagoda/layout.h   |
 *   0x0000800000000000  +-- non-canonical hole --------+
 *   0xffff800000000000  | physmap (PHYSMAP_BASE): all  |
 *                       |   RAM (and the low 4 GiB of  |
 *                       |   MMIO) at +offset, 2 MiB    |
 *                       |   pages, no-execute          |
 *   0xffffffff80000000  | kernel image (KERNEL_VMA):   |
 *                       |   physical 0..1G mapped at   |
 *                       |   KERNEL_VMA + pa            |
 *   0xffffffffffffffff  +------------------------------+
 *
 * The user half (PML4 slots 0..255) differs per address space; the kernel
 * half (slots 256..511) is the same static tables in every address space,
 * built once at boot, never changed afterwards.
 */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

#define KERNEL_VMA      0xffffffff80000000ULL
#define PHYSMAP_BASE    0xffff800000000000ULL
#define PHYSMAP_MAX_GIB 64UL              /* physmap covers at most this */
#include <pagoda/layout.h>    /* USER_MIN, USER_TOP, USER_STACK_TOP */

/* Page-table entry bits (Intel SDM vol. 3A, 4.5). */
#define PTE_P     (1ULL << 0)   /* present */
#define PTE_W     (1ULL << 1)   /* writable */
#define PTE_U     (1ULL << 2)   /* user accessible */
#define PTE_PWT   (1ULL << 3)
#define PTE_PCD   (1ULL << 4)
#define PTE_A     (1ULL << 5)   /* accessed */
#define PTE_D     (1ULL << 6)   /* dirty */
#define PTE_PS    (1ULL << 7)   /* 2 MiB / 1 GiB page */
#define PTE_G     (1ULL << 8)   /* global */
#define PTE_NX    (1ULL << 63)  /* no execute */
#define PTE_ADDR  0x000ffffffffff000ULL

/* Page-fault error code bits (Intel SDM vol. 3A, 4.7). */
#define X86_PF_PRESENT (1u << 0)  /* 0: not-present page; 1: protection violation */
#define X86_PF_WRITE   (1u << 1)
#define X86_PF_USER    (1u << 2)
#define X86_PF_RSVD    (1u << 3)
#define X86_PF_INSTR   (1u << 4)

/* Four levels of tables of PTES_PER_TABLE entries: level 4 is the PML4
 * (the root), 3 the PDPT, 2 the PD, 1 the PT. An entry at level l maps
 * 1 << LEVEL_SHIFT(l) bytes: 4 KiB at level 1, 2 MiB at 2, 1 GiB at 3. */
#define PTES_PER_TABLE 512
#define LEVEL_PT    1
#define LEVEL_PD    2
#define LEVEL_PDPT  3
#define LEVEL_PML4  4
#define LEVEL_SHIFT(l) (12 + 9 * ((l) - 1))

/* The slot of va's entry in its table at level l. */
#define LEVEL_INDEX(l, va) (((va) >> LEVEL_SHIFT(l)) & (PTES_PER_TABLE - 1))
#define PML4_INDEX(va) LEVEL_INDEX(LEVEL_PML4, va)
#define PDPT_INDEX(va) LEVEL_INDEX(LEVEL_PDPT, va)
#define PD_INDEX(va)   LEVEL_INDEX(LEVEL_PD, va)
#define PT_INDEX(va)   LEVEL_INDEX(LEVEL_PT, va)

#ifndef __ASSEMBLY__
#include <pagoda/types.h>

/* Physical address -> its alias in the physmap, and back. */
static inline void *phys_to_virt(paddr_t pa) { return (void *)(uintptr_t)(pa + PHYSMAP_BASE); }

/* Kernel-image virtual address -> physical (valid for kernel symbols only). */
static inline paddr_t kimage_to_phys(const void *p) { return (paddr_t)((uintptr_t)p - KERNEL_VMA); }

static inline bool va_is_user(vaddr_t va) { return va >= USER_MIN && va < USER_TOP; }
#endif

#endif
