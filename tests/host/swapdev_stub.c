/*
 * swapdev_stub.c - an in-memory swap device for the host tests (see
 * swapdev_stub.h). A read copies the device page into the frame through
 * mm's window onto the host "physical memory", a write the other way,
 * as the ramdisk does through its transfer window.
 */
#include <stdlib.h>
#include <string.h>
#include <pagoda/error.h>
#include "page.h"
#include "swapdev_stub.h"

static uint8_t *store;
static uint64_t npages;
static unsigned reads, writes;
static uint64_t last_write;
static struct { bool armed; unsigned skip; int err; } fail_rd, fail_wr;

void swapdev_stub_reset(uint64_t pages)
{
	free(store);
	store = pages ? calloc(pages, PAGE_SIZE) : NULL;
	npages = pages;
	reads = writes = 0;
	last_write = UINT64_MAX;
	fail_rd.armed = fail_wr.armed = false;
}

void swapdev_stub_fail_read(unsigned skip, int err)
{
	fail_rd.armed = true;
	fail_rd.skip = skip;
	fail_rd.err = err;
}

void swapdev_stub_fail_write(unsigned skip, int err)
{
	fail_wr.armed = true;
	fail_wr.skip = skip;
	fail_wr.err = err;
}

static int forced(void *f)
{
	struct { bool armed; unsigned skip; int err; } *x = f;
	if (!x->armed)
		return 0;
	if (x->skip) {
		x->skip--;
		return 0;
	}
	x->armed = false;
	return x->err;
}

unsigned swapdev_stub_reads(void) { return reads; }
unsigned swapdev_stub_writes(void) { return writes; }
uint64_t swapdev_stub_last_write(void) { return last_write; }

const uint8_t *swapdev_stub_page(uint64_t slot)
{
	return slot < npages ? store + slot * PAGE_SIZE : NULL;
}

int swapdev_start(uint64_t pages)
{
	swapdev_stub_reset(pages);
	return 0;
}

uint64_t swapdev_pages(void)
{
	return npages;
}

int swapdev_pid(void)
{
	return 0;
}

int swapdev_read(uint64_t slot, pfn_t pfn)
{
	int err = forced(&fail_rd);
	if (err)
		return err;
	if (slot >= npages || !pfn_valid(pfn))
		return -ERR_INVAL;
	memcpy(pfn_to_virt(pfn), store + slot * PAGE_SIZE, PAGE_SIZE);
	reads++;
	return 0;
}

int swapdev_write(uint64_t slot, pfn_t pfn)
{
	int err = forced(&fail_wr);
	if (err)
		return err;
	if (slot >= npages || !pfn_valid(pfn))
		return -ERR_INVAL;
	memcpy(store + slot * PAGE_SIZE, pfn_to_virt(pfn), PAGE_SIZE);
	writes++;
	last_write = slot;
	return 0;
}

void swapdev_lost(void)
{
	swapdev_stub_reset(0);
}
