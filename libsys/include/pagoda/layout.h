/*
 * pagoda/layout.h - the user half of every address space, as the kernel
 * enforces it and the memory server lays it out. (The kernel half, from
 * 0xffff800000000000 up, is mapped in kernel/arch/x86_64/mmu.h.)
 *
 *   0x0000000000000000  +-------------------------------------+
 *                       | page 0: never mapped (NULL)         |
 *   USER_MIN 0x1000     +-------------------------------------+
 *   0x0000000000400000  | program: ELF segments, 4 KiB pages  |
 *                       | heap: from the end of .bss up, with |
 *                       |   MM_SBRK, at most MM_HEAP_MAX      |
 *   MM_BOOT_INFO_VA     | (mm only) boot information, r/o     |
 *     0x10000000        |   (pagoda/mmboot.h)                 |
 *   BLK_WINDOW_VA       | (swap device only) transfer window, |
 *     0x800000000       |   frames lent by mm (pagoda/blk.h)  |
 *   USER_MMAP_BASE      | MM_MMAP regions (anonymous, shared, |
 *     0x1000000000      |   thread stacks), upwards, an       |
 *                       |   unmapped page between regions     |
 *                       |   (swap device: its storage here,   |
 *                       |   BLK_STORAGE_VA; it never mmaps)   |
 *   MM_PHYS_WINDOW      | (mm only) all of physical memory,   |
 *     0x400000000000    |   2 MiB pages (pagoda/mmboot.h)     |
 *   USER_STACK_TOP      | main stack: MM_STACK_MAX below it,  |
 *     -MM_STACK_MAX     |   grows down on demand; one guard   |
 *                       |   page below that is never mapped   |
 *   USER_STACK_TOP      +-------------------------------------+
 *   USER_TOP            | top user page: never mapped         |
 *   0x0000800000000000  +-- non-canonical hole ---------------+
 *
 * The top user page is never mappable: `syscall` saves the address of the
 * next instruction in rcx, and `sysret` to a non-canonical rcx would fault
 * in ring 0. Keeping user code below USER_TOP rules that out.
 */
#ifndef PAGODA_LAYOUT_H
#define PAGODA_LAYOUT_H

#define USER_MIN        0x0000000000001000ULL  /* page 0 is never mapped */
#define USER_TOP        0x00007ffffffff000ULL  /* first address users may not map */
#define USER_STACK_TOP  0x00007ffffff00000ULL  /* stacks grow down from here */
#define USER_MMAP_BASE  0x0000001000000000ULL  /* MM_MMAP regions go up from here */

#endif
