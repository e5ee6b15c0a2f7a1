/*
 * mm_stubs.h - the host environment for servers/mm (see servers/mm/mm_env.h).
 *
 * "Physical memory" is one sparse host mapping: physical address pa lives at
 * host address mm_phys_window + pa. stub_phys_setup() maps usable ranges read-write
 * and leaves holes, firmware ranges and the extra reserved ranges PROT_NONE,
 * so an allocator that ever touches a frame it must not hand out crashes the
 * test under ASan instead of passing quietly. MAP_NORESERVE keeps maps that
 * reach above 4 GiB cheap: only frames that are touched cost host memory.
 *
 * mm_bug() records every message: tests assert that a bug was caught and
 * that the message names the frame, cache or object.
 */
#ifndef MM_STUBS_H
#define MM_STUBS_H

#include <pagoda/types.h>
#include "zone.h"

/* Map a fresh, zeroed physical address space for this map; PROT_NONE over
 * everything but the usable ranges, and over `reserved` too. Aborts on error. */
void stub_phys_setup(const struct mm_range *map, size_t nmap,
                     const struct mm_range *reserved, size_t nres);
void stub_phys_teardown(void);

/* Is the physical range inside a usable, non-reserved part of the map? */
bool stub_phys_is_ram(paddr_t pa, uint64_t len);

/* mm_bug() records. */
extern unsigned stub_bug_count;
extern char stub_bug_last[512];
void stub_bug_reset(void);

/* mm_print() appends here (truncated at the end); echoed to stdout when the
 * environment variable MM_STUB_ECHO is set. */
extern char stub_print_buf[65536];
void stub_print_reset(void);

#endif
