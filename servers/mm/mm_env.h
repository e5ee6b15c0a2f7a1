/*
 * mm_env.h - what the physical-memory code needs from the world around it.
 *
 * zone.c, buddy.c, slab.c and kmalloc.c are plain algorithms over a
 * descriptor array and a set of frames. They touch physical memory, report
 * bugs and print tables only through the hooks below, so the very same files
 * run in two places:
 *
 *   the memory server   mm has all of RAM mapped at one fixed window, so
 *                       mm_phys_to_virt(pa) is window + pa; mm_bug reports
 *                       on the serial console and stops the machine;
 *                       mm_print is printf.
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

/*
 * The window: every byte of RAM described by the boot memory map is mapped,
 * contiguously, at mm_phys_window + pa, for pa < mm_phys_limit. The
 * environment sets both before zone_init() (the server from its boot info,
 * the host stubs from their mapping). Translation is one add or subtract,
 * so it is inline: slab_free() does it on every call.
 */
extern uint8_t *mm_phys_window;
extern paddr_t mm_phys_limit;

static inline void *mm_phys_to_virt(paddr_t pa)
{
	return mm_phys_window + pa;
}

static inline paddr_t mm_virt_to_phys(const void *va)
{
	paddr_t off = (paddr_t)((uintptr_t)va - (uintptr_t)mm_phys_window);
	return off < mm_phys_limit ? off : PADDR_NONE;   /* outside: no frame */
}

/*
 * An internal invariant is broken (double free, wrong order, red zone
 * overwritten, a checker's finding...). The message names the function and
 * the frame or object. The rule, in two places:
 *
 *   the memory server   a bug stops the machine. mm_bug prints
 *                       "mm: BUG: <message>" and powers off with a failure
 *                       (QEMU exits 35): a memory server whose books are
 *                       wrong cannot be trusted with another request, and a
 *                       stopped machine is impossible to miss (STYLE.md,
 *                       tier one: the kernel's panic, in user space).
 *   host tests          mm_bug records the message and returns, so a test
 *                       can assert that the bug was caught and named.
 *
 * So code after mm_bug runs only on the host, and is written for it: the
 * caller refuses the operation (-ERR_BUG) and leaves state alone, so the
 * test sees the refusal and the structures stay checkable. A client's bad
 * input is never an mm_bug: that is an error code (tier two), and so is a
 * target process that died meanwhile (the kernel's ERR_SRCH).
 */
void mm_bug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Output for the *_dump() tables (buddyinfo, slabinfo, zoneinfo). */
void mm_print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Run-time debug switches, always compiled (STYLE.md: no #if 0).
 *   MM_DEBUG_SLAB   caches created while set get poisoning, red zones and
 *                   double-free / use-after-free / overflow detection
 *                   (a cache's layout is fixed when it is created).
 *   MM_DEBUG_PAGES  read by zone_init(): every free frame is filled with
 *                   MM_PAGE_POISON and checked when it is next allocated,
 *                   so a write to a frame after buddy_free() is reported;
 *                   an allocated frame (without MM_ZERO) is then filled
 *                   with MM_PAGE_ALLOC_POISON, so a reader of memory it
 *                   never initialised sees that pattern, not stale data.
 *   MM_DEBUG_CHECK  the server's request loop runs every checker
 *                   (check.h) after every message it handles.
 * Set them before zone_init() / slab_init() (the kmalloc caches too).
 * Defined by the environment, like the window variables.
 */
#define MM_DEBUG_SLAB  0x1u
#define MM_DEBUG_PAGES 0x2u
#define MM_DEBUG_CHECK 0x4u     /* the server runs mm_check_all() after every message */
#define MM_DEBUG_SWAPTEST 0x8u  /* the server tests the swap device at start-up (swapdev.h) */
#define MM_DEBUG_DEMO     0x10u /* MM_DEMO_PADDR answers (the rogue-DMA demo: iommu_fault.c) */
#define MM_DEBUG_FAULTLOG 0x20u /* DMA faults do not kill the driver (iommu_fault.c) */
#define MM_PAGE_POISON       0x6b   /* a free frame (Linux slab's POISON_FREE) */
#define MM_PAGE_ALLOC_POISON 0x5a   /* a frame just handed out (POISON_INUSE) */
extern unsigned mm_debug;

/* The switches named on mm's module line ("mm.elf check pages"): the words
 * after the first; unknown words are reported with mm_print and ignored
 * (options.c; the KEY=VALUE settings there are config.h's). */
unsigned mm_debug_parse(const char *line);

#endif
