/*
 * swapdev_selftest.c - the `swaptest` boot option: the device path
 * exercised end to end at start-up, before init runs (swapdev.h).
 *
 * Each of `pages` frames gets a pattern that names its slot and word, is
 * written to a slot spread over the whole device, then read back into a
 * different, zeroed frame and compared word by word. Then the refusal
 * path: a BLK_WRITE past the device's end, sent straight through
 * lend_call (swapdev_write would refuse it before the device could), must
 * come back ERR_INVAL with the frame's bytes untouched and the window
 * empty again. Every frame is freed, and the free count must be what it
 * was. The verdict is one line on the console.
 */
#include <stdio.h>
#include <string.h>
#include <pagoda/blk.h>
#include "mm.h"
#include "swapdev.h"
#include "lend.h"
#include "buddy.h"
#include "kcall.h"
#include "zone.h"

static uint64_t pattern(uint64_t slot, unsigned word)
{
	return (slot << 32 | word) * 0x9e3779b97f4a7c15ull;
}

static void fill(pfn_t pfn, uint64_t slot)
{
	uint64_t *w = pfn_to_virt(pfn);
	for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
		w[i] = pattern(slot, i);
}

static bool holds(pfn_t pfn, uint64_t slot)
{
	const uint64_t *w = pfn_to_virt(pfn);
	for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
		if (w[i] != pattern(slot, i))
			return false;
	return true;
}

/* Write page i's pattern to its slot and read it back into a new frame. */
static const char *round_trip(uint64_t slot)
{
	pfn_t out = buddy_alloc(0, 0), in = buddy_alloc(0, MM_ZERO);
	const char *why = NULL;
	if (out == PFN_NONE || in == PFN_NONE)
		why = "no frame";
	if (!why) {
		fill(out, slot);
		if (swapdev_write(slot, out) < 0)
			why = "write failed";
		else if (swapdev_read(slot, in) < 0)
			why = "read failed";
		else if (!holds(in, slot))
			why = "read back other bytes";
		else if (!holds(out, slot))
			why = "the written frame changed";
	}
	if (out != PFN_NONE)
		buddy_free(out, 0);
	if (in != PFN_NONE)
		buddy_free(in, 0);
	return why;
}

/* A write past the end: refused by the device, frame and window as before. */
static const char *refused_write(void)
{
	pfn_t f = buddy_alloc(0, 0);
	if (f == PFN_NONE)
		return "no frame";
	fill(f, 7);
	struct ipc_msg m = { .tag = BLK_WRITE, .w = { swapdev_pages(), 0, 1 } };
	int err = lend_call(swapdev_pid(), BLK_WINDOW_VA, &f, 1, false, &m);
	const char *why = NULL;
	if (err != -ERR_INVAL)
		why = "a write past the end was not refused with ERR_INVAL";
	else if (!holds(f, 7))
		why = "a refused write changed its frame";
	else if (kcall_lookup(swapdev_pid(), BLK_WINDOW_VA) != -ERR_NOENT)
		why = "the window still maps the frame";
	buddy_free(f, 0);
	return why;
}

int swapdev_selftest(unsigned pages)
{
	uint64_t size = swapdev_pages();
	if (size == 0) {
		printf("swapdev: swaptest: no swap device\n");
		return -ERR_NOENT;
	}
	if (pages > size)
		pages = (unsigned)size;
	uint64_t before = zone_free_pages(), stride = size / pages;
	const char *why = NULL;
	uint64_t slot = 0;
	for (unsigned i = 0; i < pages && !why; i++) {
		slot = i * stride + (i % stride);
		why = round_trip(slot);
	}
	if (!why)
		why = refused_write();
	if (!why && zone_free_pages() != before)
		why = "frames were not given back";
	if (why) {
		printf("swapdev: swaptest FAILED at slot %lu: %s\n", (unsigned long)slot, why);
		return -ERR_BUG;
	}
	printf("swapdev: %u pages verified (slots 0..%lu), a write past the end refused\n",
	       pages, (unsigned long)slot);
	return 0;
}
