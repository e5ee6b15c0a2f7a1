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
 * (lend_window_init). Mapping 65536 pages one SYS_MM_MAP at a time cost
 * about a second of boot under TCG, so the storage is mapped with
 * SYS_MM_MAP_RUN, one call per run of contiguous frames inside one leaf
 * table: 2 MiB blocks split into frames (buddy_split), so 256 MiB take
 * 128 calls, and 128 allocations instead of 65536. The frames are not zeroed:
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
 * it.
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
#include "lab.h"

static struct {
	int pid;                    /* 0: no device */
	uint64_t pages;
} dev;

/* Map n contiguous frames from `first` at va (one leaf table's span) in
 * one SYS_MM_MAP_RUN; they become p's, pinned, and so do the page tables
 * the kernel took from our spares. On failure nothing is p's. */
static int map_run(struct mm_proc *p, vaddr_t va, pfn_t first, uint64_t n, unsigned prot)
{
	pfn_t spare[MM_MAP_SPARES];
	paddr_t spare_pa[MM_MAP_SPARES];
	for (int i = 0; i < MM_MAP_SPARES; i++) {
		spare[i] = buddy_alloc(0, 0);       /* the kernel zeroes what it uses */
		spare_pa[i] = spare[i] == PFN_NONE ? PADDR_NONE : pfn_to_pa(spare[i]);
	}
	int used = kcall_map_run(p->pid, va, pfn_to_pa(first), n, mm_rights(prot), spare_pa);
	for (int i = 0; i < MM_MAP_SPARES; i++) {
		if (spare[i] != PFN_NONE && i < used)
			mm_proc_own(p, spare[i], PAGE_USE_PAGETABLE, 0);
		else if (spare[i] != PFN_NONE)
			buddy_free(spare[i], 0);
	}
	if (used < 0)
		return used;
	for (uint64_t j = 0; j < n; j++) {
		mm_proc_own(p, first + j, PAGE_USE_USER, va + j * PAGE_SIZE);
		pfn_to_page(first + j)->flags |= PG_PINNED;
		reclaim_forget(first + j);      /* never evicted: out of its pool */
	}
	return 0;
}

/* Storage for [va, va + n pages), inside one leaf table's span: a whole
 * leaf table's worth is one order-9 block split into frames (buddy_split),
 * mapped in one call; failing that (memory fragmented, or the last short
 * chunk), frames as the allocator gives them, mapped run by run. On
 * failure the frames not yet p's are freed here. */
#define CHUNK_ORDER 9
_Static_assert((1u << CHUNK_ORDER) == MM_MAP_RUN_MAX, "a chunk is one leaf table");

static int map_chunk(struct mm_proc *p, vaddr_t va, uint64_t n, unsigned prot)
{
	static pfn_t chunk[MM_MAP_RUN_MAX];
	uint64_t got = 0, j = 0;
	int err = 0;
	pfn_t block = n == MM_MAP_RUN_MAX ? buddy_alloc(CHUNK_ORDER, 0) : PFN_NONE;
	if (block != PFN_NONE && buddy_split(block, CHUNK_ORDER) == 0)
		for (; got < n; got++)
			chunk[got] = block + got;
	while (got < n && (chunk[got] = buddy_alloc(0, 0)) != PFN_NONE)
		got++;
	if (got < n)
		err = -ERR_NOMEM;
	while (!err && j < n) {
		uint64_t k = j + 1;
		while (k < n && chunk[k] == chunk[k - 1] + 1)
			k++;
		err = map_run(p, va + j * PAGE_SIZE, chunk[j], k - j, prot);
		if (!err)
			j = k;
	}
	for (; j < got; j++)
		buddy_free(chunk[j], 0);
	return err;
}

/* The spawn's setup hook: storage and window, before the device runs. */
static int setup_device(struct mm_proc *p, void *arg)
{
	uint64_t pages = *(const uint64_t *)arg;
	struct mm_region *r;
	int err = region_add(p, BLK_STORAGE_VA, BLK_STORAGE_VA + pages * PAGE_SIZE,
			     MM_PROT_READ | MM_PROT_WRITE, REGION_ANON, &r);
	_Static_assert(BLK_STORAGE_VA % (MM_MAP_RUN_MAX * PAGE_SIZE) == 0, "chunks are leaf tables");
	for (uint64_t i = 0; err == 0 && i < pages; i += MM_MAP_RUN_MAX) {
		uint64_t n = pages - i < MM_MAP_RUN_MAX ? pages - i : MM_MAP_RUN_MAX;
		err = map_chunk(p, r->start + i * PAGE_SIZE, n, r->prot);
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
	/* LAB swap: transfer: one block request for one page, the frame lent in window page 0 */
	if (!dev.pid)
		return -ERR_NOENT;
	if (slot >= dev.pages || !pfn_valid(pfn))
		return -ERR_INVAL;
	struct ipc_msg m = { .tag = tag, .w = { slot, 0, 1 } };
	return lend_call(dev.pid, BLK_WINDOW_VA, &pfn, 1, tag == BLK_READ, &m);
	/* LAB swap STUB: LAB_MISSING("swap", "transfer (swapdev_read, swapdev_write)"); */
	/* LAB swap STUB: (void)tag; (void)slot; (void)pfn; */
	/* LAB swap STUB: return -ERR_NOSYS; */
	/* LAB swap END */
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
