/*
 * ramdisk.h - the ramdisk server's request handler (ramdisk.c), apart
 * from its start-up (main.c) so the host tests can drive the real
 * handler with fake messages and fake storage.
 */
#ifndef RAMDISK_RAMDISK_H
#define RAMDISK_RAMDISK_H

#include <stdint.h>
#include <pagoda/sys.h>

struct ramdisk {
	uint8_t *storage;           /* pages * 4 KiB, all present */
	uint64_t pages;
	uint8_t *window;            /* BLK_WINDOW_PAGES * 4 KiB, lent by mm */
	uint64_t requests;          /* answered (any result) */
};

/* Answer one message: fills reply and returns 1 to send it, or 0 when
 * nothing may be answered (a SEND, a notification from the kernel). */
int ramdisk_handle(struct ramdisk *rd, const struct ipc_msg *req, const struct ipc_from *from,
		   struct ipc_msg *reply);

#endif
