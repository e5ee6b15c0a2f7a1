/*
 * swapdev_stub.h - the swap device for host tests: servers/mm/swapdev.h
 * implemented over pages of ordinary memory, with counters and forced
 * failures, standing in for the ramdisk server (and its swapdev.c).
 */
#ifndef SWAPDEV_STUB_H
#define SWAPDEV_STUB_H

#include <pagoda/types.h>
#include "swapdev.h"

/* A fresh device of `pages` pages (0: none); counters and failures reset. */
void swapdev_stub_reset(uint64_t pages);
/* The next read / write after `skip` good ones fails with err. */
void swapdev_stub_fail_read(unsigned skip, int err);
void swapdev_stub_fail_write(unsigned skip, int err);
unsigned swapdev_stub_reads(void);
unsigned swapdev_stub_writes(void);
/* The device's copy of slot (PAGE_SIZE bytes). */
const uint8_t *swapdev_stub_page(uint64_t slot);
/* The last slot written. */
uint64_t swapdev_stub_last_write(void);

#endif
