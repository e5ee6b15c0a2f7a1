/*
 * pagoda/layout.h - the user half of every address space, as the kernel
 * enforces it and the memory server lays it out (see the full map in
 * kernel/arch/x86_64/mmu.h).
 */
#ifndef PAGODA_LAYOUT_H
#define PAGODA_LAYOUT_H

#define USER_MIN        0x0000000000001000ULL  /* page 0 is never mapped */
#define USER_TOP        0x00007ffffffff000ULL  /* first address users may not map */
#define USER_STACK_TOP  0x00007ffffff00000ULL  /* stacks grow down from here */
#define USER_MMAP_BASE  0x0000001000000000ULL  /* MM_MMAP regions go up from here */

#endif
