/*
 * mm_env.h - what the physical-memory code needs from the world around it.
 *
 * zone.c, buddy.c, slab.c and kmalloc.c are plain algorithms over a
 * descriptor array and a set of frames. They touch physical memory, report
 * bugs and print tables only through the hooks below, so the very same files
 * run in two places:
 *
 *   the memory server   mm has all of RAM mapped at one fixed window, so
 *                       mm_phys_to_virt(pa) is window + pa; mm_bug logs loudly
 *                       on the serial console; mm_print is printf.
 *   host tests, bench   tests/host/mm_stubs.c backs "physical memory" with a
 *                       sparse host mapping in which holes and boot-reserved
 *                       ranges are PROT_NONE (touching one crashes the test);
 *                       mm_bug records the message so a test can assert that
 *                       a bug was caught and what it said.
 *
 * The allocators run in one single-threaded server: there are no locks.
 */
#ifndef MM_ENV_H
#define MM_ENV_H

#include <pagoda/types.h>

/* The virtual address at which mm can reach physical address pa. Every byte
 * of RAM described by the boot memory map is reachable, contiguously. */
void *mm_phys_to_virt(paddr_t pa);

/* The inverse of mm_phys_to_virt; MM_PADDR_OUTSIDE (beyond any frame) for
 * an address outside the window, so a stray pointer is never taken for RAM. */
paddr_t mm_virt_to_phys(const void *va);
#define MM_PADDR_OUTSIDE (~(paddr_t)0 & PAGE_MASK)

/* An internal invariant is broken (double free, wrong order, red zone
 * overwritten...). The message names the function and the frame or object.
 * mm_bug returns: the caller refuses the operation and leaves state alone. */
void mm_bug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Output for the *_dump() tables (buddyinfo, slabinfo, zoneinfo). */
void mm_print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Run-time debug switches, always compiled (STYLE.md: no #if 0).
 *   MM_DEBUG_SLAB   caches created while set get poisoning, red zones and
 *                   double-free / use-after-free / overflow detection
 *                   (a cache's layout is fixed when it is created).
 * Set them before slab_init() to cover the generic kmalloc caches too.
 */
#define MM_DEBUG_SLAB 0x1u
extern unsigned mm_debug;

#endif
