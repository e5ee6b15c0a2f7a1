/*
 * dma_probe NOT-A-DRIVER - the memory server's DMA requests from a process
 * that owns no device: each gets its documented error (docs/mm-protocol.md)
 * and nothing is granted, pinned or mapped.
 *
 * NOT-A-DRIVER is the error the device check must give this process for a
 * request that names edu's bdf 00:04.0: "perm" when edu is present (and
 * someone else's or nobody's), "noent" when the machine has no such
 * device. A kernel without SYS_MM_DEVICE (it answers ERR_NOSYS to the
 * probe's own call, where one with it answers ERR_PERM: only mm may make
 * it) makes every such request ERR_NOSYS instead, and the probe expects
 * that. Words that are wrong whatever the device (size 0, a 23-bit mask,
 * unknown flags) are refused before the device is looked at; ids that name
 * nothing are ERR_NOENT. Prints each check that fails, then
 * "dma_probe: PASS" (exit 0) or "dma_probe: FAIL" (exit 1).
 */
#include <stdio.h>
#include <string.h>
#include <pagoda/sys.h>
#include <pagoda/dma.h>

static int failures;

static void expect(const char *what, int64_t got, int64_t want)
{
	if (got == want)
		return;
	printf("dma_probe: %s: got %s (%lld), expected %s\n", what, pagoda_strerror((int)got),
	       (long long)got, pagoda_strerror((int)want));
	failures++;
}

static int64_t request(int64_t tag, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3,
		       uint64_t w4, uint64_t w5, uint64_t w6)
{
	struct ipc_msg m = { .tag = tag, .w = { w0, w1, w2, w3, w4, w5, w6 } };
	int err = ipc_call(MM_PID, &m);
	return err < 0 ? err : m.tag;
}

static const struct dma_device edu = { DEV_BDF(0, 4, 0), 28 };

static void device_checks(int64_t not_a_driver)
{
	static char buf[8192];
	struct dma_grant g;
	struct dma_map map;
	expect("MM_DMA_ALLOC of a device it does not own", dma_grant_alloc(&edu, 4096, &g), not_a_driver);
	expect("MM_DMA_MAP for a device it does not own",
	       dma_map_single(&edu, buf, 100, MM_DMA_TO_DEVICE, &map), not_a_driver);
	expect("MM_DMA_ALLOC with bdf 0x10000", request(MM_DMA_ALLOC, 0x10000, 4096, 28, 0, 0, 0, 0),
	       -ERR_INVAL);
}

static void word_checks(void)
{
	static char buf[8192];
	uint64_t bdf = edu.bdf, va = (uint64_t)(uintptr_t)buf;
	expect("MM_DMA_ALLOC of 0 bytes", request(MM_DMA_ALLOC, bdf, 0, 28, 0, 0, 0, 0), -ERR_INVAL);
	expect("MM_DMA_ALLOC above 4 MiB", request(MM_DMA_ALLOC, bdf, MM_DMA_GRANT_MAX + 1, 28, 0, 0, 0, 0),
	       -ERR_INVAL);
	expect("MM_DMA_ALLOC with a 23-bit mask", request(MM_DMA_ALLOC, bdf, 4096, 23, 0, 0, 0, 0), -ERR_INVAL);
	expect("MM_DMA_ALLOC with flags", request(MM_DMA_ALLOC, bdf, 4096, 32, 1, 0, 0, 0), -ERR_INVAL);
	expect("MM_DMA_MAP of 0 bytes", request(MM_DMA_MAP, va, 0, MM_DMA_TO_DEVICE, bdf, 28, 0, 0),
	       -ERR_INVAL);
	expect("MM_DMA_MAP with no direction", request(MM_DMA_MAP, va, 16, 0, bdf, 28, 0, 0), -ERR_INVAL);
}

static void id_checks(void)
{
	expect("MM_DMA_FREE of no grant", request(MM_DMA_FREE, 999, 0, 0, 0, 0, 0, 0), -ERR_NOENT);
	expect("MM_DMA_SHARE of no grant", request(MM_DMA_SHARE, 999, 1, MM_PROT_READ, 0, 0, 0, 0), -ERR_NOENT);
	expect("MM_DMA_REVOKE of no grant", request(MM_DMA_REVOKE, 999, 1, 0, 0, 0, 0, 0), -ERR_NOENT);
	expect("MM_DMA_SYNC of no mapping", request(MM_DMA_SYNC, 999, MM_DMA_SYNC_FOR_CPU, 0, 0, 0, 0, 0),
	       -ERR_NOENT);
	expect("MM_DMA_UNMAP of no mapping", request(MM_DMA_UNMAP, 999, 0, 0, 0, 0, 0, 0), -ERR_NOENT);
}

static void info_checks(void)
{
	static struct mm_dma_totals t;
	uint64_t at = (uint64_t)(uintptr_t)&t;
	expect("MM_DMA_INFO of kind 7", request(MM_DMA_INFO, 7, 0, at, sizeof t, 0, 0, 0), -ERR_INVAL);
	expect("MM_DMA_INFO with a short buffer",
	       request(MM_DMA_INFO, MM_DMA_INFO_TOTALS, 0, at, sizeof t - 8, 0, 0, 0), -ERR_INVAL);
	expect("MM_DMA_INFO of totals 1", request(MM_DMA_INFO, MM_DMA_INFO_TOTALS, 1, at, sizeof t, 0, 0, 0),
	       -ERR_NOENT);
	expect("MM_DMA_INFO into page 0", request(MM_DMA_INFO, MM_DMA_INFO_TOTALS, 0, 8, sizeof t, 0, 0, 0),
	       -ERR_FAULT);
	expect("MM_DMA_INFO of the totals", dma_info_totals(&t), 0);
	if (t.grants || t.streams || t.bounce_pages) {
		printf("dma_probe: %llu grants, %llu mappings, %llu bounce pages after the refusals\n",
		       (unsigned long long)t.grants, (unsigned long long)t.streams,
		       (unsigned long long)t.bounce_pages);
		failures++;
	}
}

int main(int argc, char **argv)
{
	if (argc != 2 || (strcmp(argv[1], "perm") && strcmp(argv[1], "noent"))) {
		printf("usage: dma_probe perm|noent\n");
		return 2;
	}
	bool devices = sys_call6(SYS_MM_DEVICE, edu.bdf, 0, 0, 0, 0, 0) == -ERR_PERM;
	int64_t not_a_driver = !devices ? -ERR_NOSYS : !strcmp(argv[1], "perm") ? -ERR_PERM : -ERR_NOENT;
	printf("dma_probe: the kernel %s devices to the memory server\n", devices ? "names" : "cannot name");
	device_checks(not_a_driver);
	word_checks();
	id_checks();
	info_checks();
	printf("dma_probe: %s\n", failures ? "FAIL" : "PASS");
	return failures ? 1 : 0;
}
