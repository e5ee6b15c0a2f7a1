/*
 * swapdev.h - the memory server's side of the swap device (swapdev.c).
 *
 * The swap device is a separate process, the ramdisk server
 * (servers/ramdisk/), which mm spawns at start-up when swap is configured
 * and which answers the block protocol of pagoda/blk.h. A page travels by
 * lending the frame: mm maps it into the ramdisk's transfer window for the
 * length of one request, the ramdisk copies, mm unmaps it again.
 *
 * Every function returns 0 or -ERR_x; on an error the frame and the device
 * page are as they were (so a failed write loses nothing: the caller keeps
 * the page resident).
 */
#ifndef MM_SWAPDEV_H
#define MM_SWAPDEV_H

#include <pagoda/types.h>

/* Spawn the ramdisk with `pages` pages of storage (resident and pinned). */
int swapdev_start(uint64_t pages);
/* Pages the device holds; 0 when there is none (not configured, or gone). */
uint64_t swapdev_pages(void);
/* The device's pid, 0 when there is none. */
int swapdev_pid(void);
/* Device page `slot` into frame pfn (swap-in). */
int swapdev_read(uint64_t slot, pfn_t pfn);
/* Frame pfn into device page `slot` (swap-out). */
int swapdev_write(uint64_t slot, pfn_t pfn);
/* Its process has died: from now on there is no device. */
void swapdev_lost(void);

#endif
