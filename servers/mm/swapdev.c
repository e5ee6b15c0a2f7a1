/*
 * swapdev.c - the memory server's side of the swap device (swapdev.h).
 *
 * The device is the ramdisk server (servers/ramdisk/), a boot module named
 * SWAPDEV_MODULE that mm starts itself, before init, when its `swap=MiB`
 * option asks for one (main.c): "ramdisk PAGES", with no parent, as a
 * resident spawn (spawn.c: every page present and pinned before it runs,
 * since mm will wait for it synchronously and a fault of the device then
 * would deadlock the two). setup_device, the spawn's setup hook, gives it
 * its storage - PAGES frames at BLK_STORAGE_VA, one anonymous region,
 * pinned - and makes the page tables of its transfer window
 * (lend_window_init). The frames are taken as they come and not zeroed:
 * at boot they hold no one's data, and mm never reads a slot it has not
 * written. Then a BLK_INFO must answer with the size asked for, or the
 * device is killed and mm runs without swap.
 *
 * A transfer is one request of the block protocol (pagoda/blk.h) with
 * the frame lent in window page 0 (lend.c): writable for BLK_READ,
 * read-only for BLK_WRITE. Nothing here changes the frame's descriptor or
 * its mappings, so an error - the device refusing, or dying - leaves the
 * frame as it was: a failed swapdev_write loses nothing.
 *
 * When the device's process ends, mm_handle_exit calls swapdev_lost (no
 * device from then on: every call answers ERR_NOENT) and then
 * swap_device_lost (swap.c), which ends the processes that had pages on
 * it. Until swap.c exists, the weak definition below only logs.
 *
 * Not supported: more than one device, asynchronous transfers, several
 * pages per request (the protocol has them; nothing here uses them yet).
 */
#include <stdio.h>
#include <pagoda/blk.h>
#include "mm.h"
#include "reclaim.h"
#include "swapdev.h"
#include "lend.h"
#include "buddy.h"
#include "kcall.h"

static struct {
	int pid;                    /* 0: no device */
	uint64_t pages;
} dev;

/* The spawn's setup hook: storage and window, before the device runs. */
static int setup_device(struct mm_proc *p, void *arg)
{
	uint64_t pages = *(const uint64_t *)arg;
	struct mm_region *r;
	int err = region_add(p, BLK_STORAGE_VA, BLK_STORAGE_VA + pages * PAGE_SIZE,
			     MM_PROT_READ | MM_PROT_WRITE, REGION_ANON, &r);
	for (uint64_t i = 0; err == 0 && i < pages; i++) {
		pfn_t pfn = buddy_alloc(0, 0);
		if (pfn == PFN_NONE)
			return -ERR_NOMEM;
		err = mm_proc_map(p, r->start + i * PAGE_SIZE, pfn, r->prot);
		if (err < 0) {
			buddy_free(pfn, 0);
			return err;
		}
		mm_proc_own(p, pfn, PAGE_USE_USER, r->start + i * PAGE_SIZE);
		pfn_to_page(pfn)->flags |= PG_PINNED;
		reclaim_forget(pfn);    /* never evicted: out of its pool */
	}
	return err ? err : lend_window_init(p, BLK_WINDOW_VA, BLK_WINDOW_PAGES);
}

static int info(int pid, uint64_t *pages)
{
	struct ipc_msg m = { .tag = BLK_INFO };
	int err = kcall_call(pid, &m);
	if (err == 0)
		err = (int)m.tag;
	if (err == 0 && (m.w[1] != BLK_WINDOW_VA || m.w[2] != BLK_WINDOW_PAGES))
		err = -ERR_INVAL;
	*pages = m.w[0];
	return err;
}

int swapdev_start(uint64_t pages)
{
	char line[48];
	if (dev.pid)
		return -ERR_BUSY;
	if (pages == 0 || pages > BLK_PAGES_MAX)
		return -ERR_INVAL;
	snprintf(line, sizeof line, "%s %lu", SWAPDEV_MODULE, (unsigned long)pages);
	int pid = mm_spawn_resident(line, setup_device, &pages);
	if (pid < 0)
		return pid;
	uint64_t got = 0;
	int err = info(pid, &got);
	if (err == 0 && got != pages)
		err = -ERR_INVAL;
	if (err < 0) {
		kcall_kill(pid, -1);    /* its exit report frees it (not a device) */
		return err;
	}
	dev.pid = pid;
	dev.pages = pages;
	printf("swapdev: %s (pid %d): %lu pages (%lu MiB), window %d pages at %#lx\n",
	       SWAPDEV_MODULE, pid, (unsigned long)pages, (unsigned long)(pages >> 8),
	       BLK_WINDOW_PAGES, (unsigned long)BLK_WINDOW_VA);
	return 0;
}

uint64_t swapdev_pages(void)
{
	return dev.pages;
}

int swapdev_pid(void)
{
	return dev.pid;
}

static int transfer(int64_t tag, uint64_t slot, pfn_t pfn)
{
	if (!dev.pid)
		return -ERR_NOENT;
	if (slot >= dev.pages || !pfn_valid(pfn))
		return -ERR_INVAL;
	struct ipc_msg m = { .tag = tag, .w = { slot, 0, 1 } };
	return lend_call(dev.pid, BLK_WINDOW_VA, &pfn, 1, tag == BLK_READ, &m);
}

int swapdev_read(uint64_t slot, pfn_t pfn)
{
	return transfer(BLK_READ, slot, pfn);
}

int swapdev_write(uint64_t slot, pfn_t pfn)
{
	return transfer(BLK_WRITE, slot, pfn);
}

void swapdev_lost(void)
{
	if (!dev.pid)
		return;
	printf("swapdev: the swap device (pid %d, %lu pages) has died: no swap from now on\n",
	       dev.pid, (unsigned long)dev.pages);
	dev.pid = 0;
	dev.pages = 0;
}

/* swap.c's, once it exists: end the processes that had pages on the device. */
__attribute__((weak)) void swap_device_lost(void)
{
	printf("swap: the swap device is gone (no swap slots are kept yet: nothing to end)\n");
}
