/*
 * pagoda/blk.h - the block protocol: what the memory server asks of a
 * block device server (today one: the ramdisk, servers/ramdisk/, the
 * swap device). Full tables: docs/block-protocol.md.
 *
 * A device holds `pages` pages of 4 KiB, numbered 0 .. pages-1 (slots).
 * Data never travels in messages: the memory server LENDS frames. Before
 * a BLK_READ or BLK_WRITE it maps the frames into the device's transfer
 * window - BLK_WINDOW_PAGES pages at BLK_WINDOW_VA of the device's
 * address space - CALLs the device, and unmaps them when the reply has
 * come (servers/mm/lend.c). Window page i is at BLK_WINDOW_VA + i * 4 KiB.
 *
 * Who may send: the memory server only (pid MM_PID). Anyone else gets
 * ERR_PERM and nothing happens; the kernel's IPC permissions stop
 * programs before that (no program is allowed to send to the device).
 * Requests must be CALLed: one that arrives without a reply handle
 * (SENT, IPC_NO_REPLY) is not executed and not answered. Every word a
 * request does not use must be 0 (ERR_INVAL otherwise), so that words can
 * gain meanings later. A refused request changes nothing.
 *
 * Replies: tag = 0 or -ERR_x; words as listed.
 */
#ifndef PAGODA_BLK_H
#define PAGODA_BLK_H

#include <stdint.h>

/* The transfer window in the device's address space: one page table's
 * span (2 MiB aligned), so its tables are made once, at spawn. */
#define BLK_WINDOW_VA    0x0000000800000000ULL
#define BLK_WINDOW_PAGES 8
/* Where the memory server maps the ramdisk's storage (pages * 4 KiB). */
#define BLK_STORAGE_VA   0x0000001000000000ULL
/* Most pages a device may hold (2^24 pages, 64 GiB: a slot fits 24 bits). */
#define BLK_PAGES_MAX    (1ULL << 24)

enum blk_request {
	/* -> tag 0, w0 = pages the device holds, w1 = BLK_WINDOW_VA,
	 * w2 = BLK_WINDOW_PAGES. */
	BLK_INFO = 1,
	/* w0 = first slot, w1 = first window page, w2 = page count (>= 1).
	 * Copies device pages [w0, w0 + w2) into window pages [w1, w1 + w2),
	 * which must be lent writable. -> tag 0. ERR_INVAL: a slot past the
	 * end, a window page past BLK_WINDOW_PAGES, count 0. */
	BLK_READ = 2,
	/* w0 = first slot, w1 = first window page, w2 = page count (>= 1).
	 * Copies window pages [w1, w1 + w2) into device pages [w0, w0 + w2).
	 * -> tag 0. Errors as for BLK_READ. */
	BLK_WRITE = 3,

	BLK__REQUESTS
};

#endif
