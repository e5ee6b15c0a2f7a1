/*
 * dma_victim - the client of dmadrv (dma_tests.sh): it gets dmadrv's grant
 * shared with it, sees the driver's bytes there, tells the driver to die,
 * and checks what the memory server did when the driver was killed
 * holding DMA memory:
 *   - every grant, share, streaming mapping and bounce page is gone, and
 *     nothing is quarantined (the kernel showed the device stopped):
 *     MM_DMA_INFO's totals all zero;
 *   - the grant is no longer mapped here either: the memory server cannot
 *     copy into its address any more (ERR_FAULT).
 * Prints "dma_victim: PASS" (exit 0) or "dma_victim: FAIL" (exit 1).
 */
#include <stdio.h>
#include <string.h>
#include <pagoda/sys.h>
#include <pagoda/dma.h>
#include <pagoda/edu.h>

#define DMADRV_SHARE 1
#define DMADRV_DIE   2
#define DMADRV_PATTERN 0x5a
#define WAIT_YIELDS 20000

static bool all_gone(const struct mm_dma_totals *t)
{
	return !t->grants && !t->grant_pages && !t->streams && !t->stream_pages && !t->bounce_pages &&
	       !t->quarantined && !t->quarantined_pages;
}

int main(void)
{
	uint16_t bdf;
	int drv = mm_dev_open(EDU_VENDOR, EDU_DEVICE, 0, &bdf);
	struct ipc_msg m = { .tag = DMADRV_SHARE };
	int err = drv < 0 ? drv : ipc_call(drv, &m);
	if (err < 0 || m.tag < 0) {
		printf("dma_victim: no share from the driver: %s\n", pagoda_strerror(err < 0 ? err : (int)m.tag));
		return 1;
	}
	volatile uint8_t *shared = (volatile uint8_t *)(uintptr_t)m.w[0];
	bool seen = shared[0] == DMADRV_PATTERN && shared[4095] == DMADRV_PATTERN;
	struct mm_dma_totals t;
	dma_info_totals(&t);
	printf("dma_victim: the driver's grant is here at %p: %s; %llu grants, %llu streaming mappings\n",
	       (void *)shared, seen ? "its bytes" : "WRONG bytes", (unsigned long long)t.grants,
	       (unsigned long long)t.streams);
	m = (struct ipc_msg){ .tag = DMADRV_DIE };
	ipc_call(drv, &m);
	int yields = 0;
	while (dma_info_totals(&t) == 0 && !all_gone(&t) && yields < WAIT_YIELDS) {
		sys_yield();
		yields++;
	}
	bool gone = all_gone(&t);
	int probe = dma_info_totals((struct mm_dma_totals *)(uintptr_t)shared);
	printf("dma_victim: after the driver's death: %llu grants, %llu pages, %llu mappings, %llu bounce "
	       "pages, %llu quarantined\n", (unsigned long long)t.grants, (unsigned long long)t.grant_pages,
	       (unsigned long long)t.streams, (unsigned long long)t.bounce_pages,
	       (unsigned long long)t.quarantined);
	printf("dma_victim: the shared grant here: %s\n", probe == -ERR_FAULT ? "unmapped" : "STILL MAPPED");
	bool ok = seen && gone && probe == -ERR_FAULT;
	printf("dma_victim: %s\n", ok ? "PASS" : "FAIL");
	return ok ? 0 : 1;
}
