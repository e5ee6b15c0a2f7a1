/*
 * iommu.c - the memory server's side of the IOMMU (docs/iommu.md).
 *
 * mm is the policy: it decides whether translation is on, which device
 * is in which domain and what each domain maps; the kernel only builds
 * the tables from frames mm gives it and keeps the hardware's caches
 * honest (kernel/iommucall.c, kernel/arch/x86_64/vtd*.c). This file holds
 * what mm decides so far:
 *
 *   start-up   if the kernel found an IOMMU (SYS_MM_IOMMU_INFO) and was
 *              not booted with iommu=off, one frame becomes the root table
 *              and translation goes on (SYS_MM_IOMMU_ENABLE). From then on
 *              a device reaches only what a domain of it maps - and no
 *              device is in a domain yet, so none reaches memory at all.
 *              The root frame is never freed (translation stays on until
 *              power-off).
 *   faults     every MM_IOMMU_FAULT from the kernel is counted; the first
 *              IOMMU_LOG_LINES are logged one line each (device, address,
 *              direction, reason), then a summary line every
 *              IOMMU_SUMMARY_EVERY faults, so a storm costs the console
 *              little and loses no count (the kernel's own losses ride on
 *              the messages, w6).
 *
 * Not yet (issue 11, phase 2): per-device domains built from DMA grants,
 * IOVA choice below a device's mask, unmap-then-free on revoke, a policy
 * for the driver of a faulting device, and memstat's view of it all.
 */
#include <stdio.h>
#include <pagoda/mm.h>
#include "mm.h"
#include "buddy.h"
#include "kcall.h"
#include "iommu.h"

static struct {
	bool on;
	uint64_t faults;        /* every fault the kernel counted */
	uint64_t lost;          /* ... of which without a record */
	uint64_t overflows;     /* times the hardware dropped faults */
	unsigned lines;         /* detail lines logged */
	uint64_t next_summary;  /* fault count of the next summary line */
} io;

void mm_iommu_start(void)
{
	struct mm_iommu_info info;
	if (kcall_iommu_info(&info) < 0 || !(info.flags & MM_IOMMU_PRESENT)) {
		printf("mm: iommu: none; DMA is not isolated\n");
		return;
	}
	if (info.flags & MM_IOMMU_OFF) {
		printf("mm: iommu: translation left off (iommu=off); DMA is not isolated\n");
		return;
	}
	pfn_t root = buddy_alloc(0, MM_ZERO);
	int err = root == PFN_NONE ? -ERR_NOMEM : kcall_iommu_enable(pfn_to_pa(root));
	if (err < 0) {
		if (root != PFN_NONE)
			buddy_free(root, 0);
		printf("mm: iommu: cannot turn translation on: %s\n", pagoda_strerror(err));
		return;
	}
	io.on = true;
	io.next_summary = IOMMU_SUMMARY_EVERY;
	printf("mm: iommu: translation on (%u-level tables, IOVAs below 2^%u, domains 1..%u); "
	       "no device has a domain yet, so none reaches memory\n", info.levels,
	       info.iova_bits, info.domains - 1);
}

static const char *reason_name(uint64_t r)
{
	static const char *const names[] = {
		[MM_IOMMU_REASON_NO_DOMAIN] = "the device has no domain",
		[MM_IOMMU_REASON_NO_WRITE] = "not mapped writable",
		[MM_IOMMU_REASON_NO_READ] = "not mapped",
		[MM_IOMMU_REASON_ADDRESS] = "beyond the address width",
		[MM_IOMMU_REASON_TABLES] = "malformed tables",
		[MM_IOMMU_REASON_OTHER] = "other",
	};
	return r < sizeof names / sizeof names[0] && names[r] ? names[r] : "unknown";
}

static void log_fault(const struct ipc_msg *m)
{
	unsigned bdf = (unsigned)m->w[1];
	printf("mm: iommu: DMA fault: device %02x:%02x.%x %s at %#lx: %s (hardware reason %lu), "
	       "x%lu\n", bdf >> 8, bdf >> 3 & 0x1f, bdf & 7,
	       m->w[2] == MM_IOMMU_FAULT_WRITE ? "write" : "read", (unsigned long)m->w[0],
	       reason_name(m->w[3]), (unsigned long)m->w[4], (unsigned long)m->w[5]);
}

void mm_handle_iommu_fault(const struct ipc_msg *m)
{
	uint64_t lost = m->w[6] & 0xffffffffu, overflows = m->w[6] >> 32;
	io.faults += m->w[5] + lost;
	io.lost += lost;
	io.overflows += overflows;
	if (io.lines < IOMMU_LOG_LINES && m->w[5])
		log_fault(m);
	if (io.lines < IOMMU_LOG_LINES && (lost || overflows))
		printf("mm: iommu: %lu faults counted without a record, %lu hardware overflows\n",
		       (unsigned long)lost, (unsigned long)overflows);
	if (io.lines < IOMMU_LOG_LINES && ++io.lines == IOMMU_LOG_LINES)
		printf("mm: iommu: further faults are counted, with a summary every %d\n",
		       IOMMU_SUMMARY_EVERY);
	if (io.lines >= IOMMU_LOG_LINES && io.faults >= io.next_summary) {
		printf("mm: iommu: %lu DMA faults so far (%lu without a record, %lu hardware "
		       "overflows)\n", (unsigned long)io.faults, (unsigned long)io.lost,
		       (unsigned long)io.overflows);
		io.next_summary = io.faults + IOMMU_SUMMARY_EVERY;
	}
}
