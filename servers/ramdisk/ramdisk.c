/*
 * ramdisk.c - the ramdisk: a block device made of memory, the swap device
 * (the block protocol, pagoda/blk.h and docs/block-protocol.md).
 *
 * The ramdisk is its own process, spawned by the memory server at start-up
 * when mm's `swap=MiB` option asks for one (servers/mm/swapdev.c). Its
 * storage is memory mm handed it at spawn: `pages` frames mapped at
 * BLK_STORAGE_VA. A request names device pages (slots) and pages of the
 * transfer window; the frames behind the window are lent by mm for that
 * one request (servers/mm/lend.c). BLK_READ copies storage to window,
 * BLK_WRITE window to storage: one memcpy of 4 KiB a page, nothing else.
 *
 * The rule that shapes everything here: the ramdisk never takes a page
 * fault. mm CALLs it synchronously, from the middle of a swap-out or a
 * swap-in, and a page fault of any process is a message to mm; while mm
 * waits in its CALL for the ramdisk's reply, it receives nothing, so a
 * fault of the ramdisk would wait for mm and mm for the ramdisk, for ever
 * (a deadlock no timeout breaks: both are blocked in the kernel). So
 *   - mm populates every page of the ramdisk before it runs: its ELF
 *     segments, a small fixed stack (no growth on demand), the storage,
 *     and the page tables of the window; and pins those frames (PG_PINNED),
 *     so no replacement policy ever takes one away;
 *   - the ramdisk allocates nothing at run time: no malloc, no printf or
 *     stdio (their buffers come from the heap); its few messages go out
 *     with sys_write of constant strings;
 *   - a request touches only storage and window pages it has checked.
 * mm keeps the other half of the rule: the window pages a request names
 * are mapped (and writable, for BLK_READ) for its duration.
 *
 * Validation: decode, then invoke. The sender must be mm (ERR_PERM), the
 * tag known (ERR_NOSYS), the slots and window pages inside the device and
 * the window, the count at least 1, unused words 0 (ERR_INVAL); only then
 * is anything copied. A request without a reply handle (a SEND) is not
 * executed: whoever sent it could not learn the result.
 *
 * Not supported: more than one client, asynchronous requests, discard
 * (mm never reads a slot it did not write; an unwritten slot holds
 * whatever the frame held at boot).
 */
#include <string.h>
#include <pagoda/blk.h>
#include <pagoda/mm.h>
#include "ramdisk.h"

#define RAMDISK_PAGE 4096u

static int64_t check_info(const struct ipc_msg *req)
{
	for (int i = 0; i < IPC_WORDS; i++)
		if (req->w[i])
			return -ERR_INVAL;
	return 0;
}

/* w0 = first slot, w1 = first window page, w2 = count; w3.. must be 0. */
static int64_t check_transfer(const struct ramdisk *rd, const struct ipc_msg *req)
{
	uint64_t slot = req->w[0], win = req->w[1], n = req->w[2];
	for (int i = 3; i < IPC_WORDS; i++)
		if (req->w[i])
			return -ERR_INVAL;
	if (n == 0 || n > BLK_WINDOW_PAGES || win >= BLK_WINDOW_PAGES || n > BLK_WINDOW_PAGES - win)
		return -ERR_INVAL;
	if (slot >= rd->pages || n > rd->pages - slot)
		return -ERR_INVAL;
	return 0;
}

static void transfer(struct ramdisk *rd, const struct ipc_msg *req)
{
	uint8_t *disk = rd->storage + req->w[0] * RAMDISK_PAGE;
	uint8_t *win = rd->window + req->w[1] * RAMDISK_PAGE;
	size_t len = req->w[2] * RAMDISK_PAGE;
	if (req->tag == BLK_READ)
		memcpy(win, disk, len);
	else
		memcpy(disk, win, len);
}

static int64_t serve(struct ramdisk *rd, const struct ipc_msg *req, struct ipc_msg *reply)
{
	int64_t err;
	switch (req->tag) {
	case BLK_INFO:
		if ((err = check_info(req)) < 0)
			return err;
		reply->w[0] = rd->pages;
		reply->w[1] = BLK_WINDOW_VA;
		reply->w[2] = BLK_WINDOW_PAGES;
		return 0;
	case BLK_READ:
	case BLK_WRITE:
		if ((err = check_transfer(rd, req)) < 0)
			return err;
		transfer(rd, req);
		return 0;
	default:
		return -ERR_NOSYS;
	}
}

int ramdisk_handle(struct ramdisk *rd, const struct ipc_msg *req, const struct ipc_from *from,
		   struct ipc_msg *reply)
{
	if (from->pid == PID_KERNEL || from->handle == IPC_NO_REPLY)
		return 0;
	*reply = (struct ipc_msg){ 0 };
	reply->tag = from->pid == MM_PID ? serve(rd, req, reply) : -ERR_PERM;
	rd->requests++;
	return 1;
}
