/*
 * mm_maps.h - boot memory maps shared by the servers/mm host tests.
 *
 * Each map is what a multiboot loader could hand mm. Addresses are chosen so
 * the expected zone contents can be worked out by hand; the tests that use
 * them show the arithmetic.
 */
#ifndef MM_MAPS_H
#define MM_MAPS_H

#include "zone.h"

#define KiB(x) ((uint64_t)(x) << 10)
#define MiB(x) ((uint64_t)(x) << 20)
#define GiB(x) ((uint64_t)(x) << 30)
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* QEMU -m 128M with a kernel at 1 MiB and one boot module at 4 MiB whose
 * length is not a whole number of pages. */
static const struct mm_range pc_map[] = {
	{ 0,              0x9fc00,              MM_RANGE_USABLE },
	{ 0x9fc00,        0x400,                MM_RANGE_RESERVED },
	{ 0xf0000,        0x10000,              MM_RANGE_RESERVED },
	{ MiB(1),         MiB(127) - KiB(128),  MM_RANGE_USABLE },
	{ MiB(128) - KiB(128), KiB(128),        MM_RANGE_RESERVED },
	{ 0xfffc0000,     0x40000,              MM_RANGE_RESERVED },
};
static const struct mm_range pc_boot[] = {
	{ MiB(1), MiB(2),          MM_RANGE_RESERVED }, /* kernel image */
	{ MiB(4), KiB(512) + 1,    MM_RANGE_RESERVED }, /* module: 129 frames */
};

/* Holes, a PCI window below 4 GiB and two RAM ranges above it; the highest
 * range is too small for the descriptor array (34.25 MiB). */
static const struct mm_range big_map[] = {
	{ 0,                       0x9fc00,   MM_RANGE_USABLE },
	{ MiB(1),                  MiB(63),   MM_RANGE_USABLE },
	{ GiB(3),                  GiB(1),    MM_RANGE_RESERVED },
	{ GiB(4),                  MiB(64),   MM_RANGE_USABLE },
	{ GiB(4) + MiB(256),       MiB(32),   MM_RANGE_USABLE },
};

/* DMA holds exactly one order-10 block, at frame 0; the descriptor array
 * (4352 frames -> 34 pages) goes to the top of the small DMA32 range. */
static const struct mm_range one_block_map[] = {
	{ 0,       MiB(4), MM_RANGE_USABLE },
	{ MiB(16), MiB(1), MM_RANGE_USABLE },
};

#endif
