/*
 * refgen.h - reference strings made from a seed (refgen.c): the generated
 * workloads of the page-replacement lab, one source for both sides.
 *
 * The same file compiles into the OS's `replay gen KIND SEED LEN PAGES
 * FRAMES` (user/replay.c, against newlib) and into the host's
 * `tracegen KIND SEED LEN PAGES` (tools/tracegen.c, which writes the
 * string as a trace file for policysim), so both replay exactly the same
 * references. It uses only integer arithmetic and its own generator
 * (splitmix64), never the C library's rand(): the string is the same on
 * any machine and any C library.
 *
 * Kinds (pages are 0 .. PAGES - 1):
 *   loop    0, 1, ..., PAGES - 1, 0, 1, ... - a sequential loop; larger
 *           than memory it defeats LRU, FIFO and Clock alike
 *   random  each page uniformly at random
 *   shift   a working set of max(1, PAGES / 4) consecutive pages (mod
 *           PAGES), each reference uniform in it; every 8 * set-size
 *           references the set moves on by max(1, set-size / 2) pages
 *   belady  Belady's string 0 1 2 3 0 1 4 0 1 2 3 4 repeated (PAGES must
 *           be 5): with FIFO 9 faults in 3 frames, 10 in 4
 * Every reference of every kind is a write (W) with probability 1/4,
 * drawn after the page; the rest are reads.
 */
#ifndef POLICYSIM_REFGEN_H
#define POLICYSIM_REFGEN_H

#include <stdbool.h>
#include <stdint.h>

enum refgen_kind { REFGEN_LOOP, REFGEN_RANDOM, REFGEN_SHIFT, REFGEN_BELADY, REFGEN_KINDS };

#define REFGEN_LEN_MAX   100000000ULL   /* references at most */
#define REFGEN_PAGES_MAX (1u << 24)     /* pages at most */

struct refgen {
	enum refgen_kind kind;
	uint64_t len;               /* references in all */
	uint32_t pages;
	uint64_t done;              /* references made so far */
	uint64_t state;             /* splitmix64 */
};

/* "loop", "random", "shift", "belady", by kind. */
extern const char *const refgen_kind_names[REFGEN_KINDS];

/* Set g up for len references of kind over pages pages from seed: 0, or
 * -1 with *why set to a line saying what is wrong (unknown kind, len or
 * pages out of range). */
int refgen_init(struct refgen *g, const char *kind, uint64_t seed, uint64_t len,
		uint64_t pages, const char **why);
/* The next reference: true with *page and *write, false after the last. */
bool refgen_next(struct refgen *g, uint32_t *page, bool *write);

#endif
