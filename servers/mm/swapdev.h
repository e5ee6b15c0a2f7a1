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

#define SWAPDEV_MODULE "ramdisk"    /* the boot module mm starts as the device */

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
/* mm_handle_exit calls this right after swapdev_lost(): swap.c ends every
 * process that had pages on the device, each with a logged reason. */
void swap_device_lost(void);
/* The `swaptest` boot option: write `pages` patterned pages through the
 * device, read them back into other frames, compare; a write past the end
 * must fail and leave its frame as it was. Logs "swapdev: N pages
 * verified", or what went wrong. 0 or -ERR_x. */
int swapdev_selftest(unsigned pages);

#endif
