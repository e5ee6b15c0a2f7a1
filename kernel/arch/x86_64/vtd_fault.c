/*
 * vtd_fault.c - the IOMMU's fault event: a blocked DMA, recorded by the
 * hardware, read by the kernel and reported to the memory server.
 *
 * Set-up (vtd_fault_init): FEDATA = T_IOMMU_FAULT, FEADDR = the MSI
 * address of this CPU's local APIC, stale records and status cleared,
 * then FECTL unmasked. On the interrupt (vtd_fault_irq, from trap.c):
 * every fault-recording register with F set is read - source id, page
 * address, read or write, reason - and cleared (write 1 to F), then the
 * status bits (PFO: the hardware had to drop a fault; the other error
 * bits), and the pass repeats while faults are pending (PPF), a bounded
 * number of times. The records go into a ring the memory server drains
 * one MM_IOMMU_FAULT message at a time (iommu_fault_take, through
 * iommucall.c and ipc.c's kernel reports); if it waits in RECV it is
 * woken at once (ipc_kernel_report).
 *
 * A storm cannot stop the system: the interrupt does a bounded amount of
 * work per fault and never waits for the memory server; a fault identical
 * to the newest one still in the ring (same device, page, direction and
 * reason) only bumps its count (coalescing); when the ring is full a
 * fault is only counted (`lost`), and that count rides on the next
 * message, as do the hardware's own overflows (PFO, which it sets but
 * does not count). So no fault the hardware recorded goes uncounted.
 * The hardware itself drops faults while a record is pending (QEMU also
 * collapses a device's faults while one of its records has F set): that
 * is why the handler clears records at once.
 *
 * Not supported: advanced fault logging, the invalidation-queue error
 * bits' causes (queued invalidation is never on), more than one CPU.
 */
#include "kernel.h"
#include "iommu.h"
#include "ipc.h"
#include "arch/x86_64/arch.h"
#include "arch/x86_64/vtd.h"
#include <pagoda/mm.h>

#define FAULT_RING   32         /* records awaiting the memory server */
#define PASSES_MAX   4          /* rounds over the registers per interrupt */

static struct iommu_fault ring[FAULT_RING];
static unsigned head, tail;     /* head: next to take; tail - head = records held */
static uint64_t lost_pending, overflow_pending;   /* since the last record taken */
static uint64_t faults_total, lost_total, overflow_total;

void vtd_fault_counts(uint64_t *faults, uint64_t *lost, uint64_t *overflows)
{
	*faults = faults_total;
	*lost = lost_total;
	*overflows = overflow_total;
}

/* Clear every record and error bit, then unmask the fault event. */
void vtd_fault_init(const struct vtd_unit *u)
{
	vtd_wr32(u, VTD_FECTL, FECTL_IM);
	vtd_wr32(u, VTD_FEDATA, T_IOMMU_FAULT);
	vtd_wr32(u, VTD_FEADDR, MSI_ADDR_BASE | MSI_DEST(lapic_id()));
	vtd_wr32(u, VTD_FEUADDR, 0);
	for (unsigned i = 0; i < u->nfr; i++)
		vtd_wr32(u, u->frcd + 16 * i + 12, FRCD_CLEAR);
	vtd_wr32(u, VTD_FSTS, FSTS_W1C);
	vtd_wr32(u, VTD_FECTL, 0);
}

static uint8_t portable_reason(unsigned hw)
{
	switch (hw) {
	case FR_ROOT_NOT_PRESENT:
	case FR_CONTEXT_NOT_PRESENT:
		return MM_IOMMU_REASON_NO_DOMAIN;
	case FR_WRITE:
		return MM_IOMMU_REASON_NO_WRITE;
	case FR_READ:
		return MM_IOMMU_REASON_NO_READ;
	case FR_BEYOND_MGAW:
		return MM_IOMMU_REASON_ADDRESS;
	default:
		return hw == FR_CONTEXT_INVALID || (hw > FR_READ && hw <= FR_TABLES_LAST)
		       ? MM_IOMMU_REASON_TABLES : MM_IOMMU_REASON_OTHER;
	}
}

static bool same(const struct iommu_fault *a, const struct iommu_fault *b)
{
	return a->addr == b->addr && a->bdf == b->bdf && a->write == b->write &&
	       a->hw_reason == b->hw_reason;
}

/* One recorded fault into the ring: coalesced, stored, or only counted. */
static void record(const struct iommu_fault *f)
{
	faults_total++;
	if (tail != head && same(&ring[(tail - 1) % FAULT_RING], f)) {
		ring[(tail - 1) % FAULT_RING].count++;
	} else if (tail - head < FAULT_RING) {
		ring[tail++ % FAULT_RING] = *f;
	} else {
		lost_pending++;
		lost_total++;
	}
}

/* Read and clear unit u's records; true if any was set. */
static bool drain(const struct vtd_unit *u)
{
	bool any = false;
	for (unsigned i = 0; i < u->nfr; i++) {
		unsigned off = u->frcd + 16 * i;
		uint64_t hi = vtd_rd64(u, off + 8);
		if (!(hi & FRCD_F))
			continue;
		uint64_t lo = vtd_rd64(u, off);
		struct iommu_fault f = {
			.addr = lo & PAGE_MASK, .bdf = (uint16_t)FRCD_SID(hi),
			.write = !(hi & FRCD_T_READ), .hw_reason = (uint8_t)FRCD_REASON(hi),
			.reason = portable_reason(FRCD_REASON(hi)), .count = 1 };
		vtd_wr32(u, off + 12, FRCD_CLEAR);
		record(&f);
		any = true;
	}
	uint32_t fsts = vtd_rd32(u, VTD_FSTS);
	if (fsts & FSTS_PFO) {
		overflow_pending++;
		overflow_total++;
	}
	if (fsts & FSTS_W1C)
		vtd_wr32(u, VTD_FSTS, fsts & FSTS_W1C);
	return any || (fsts & FSTS_PFO);
}

void vtd_fault_irq(void)
{
	bool news = false;
	for (unsigned i = 0; i < vtd.nunits; i++)
		for (unsigned pass = 0; pass < PASSES_MAX && drain(&vtd.units[i]); pass++)
			news = true;
	if (news)
		ipc_kernel_report();
}

bool iommu_fault_take(struct iommu_fault *out)
{
	if (tail == head && !lost_pending && !overflow_pending)
		return false;
	if (tail != head)
		*out = ring[head++ % FAULT_RING];
	else
		*out = (struct iommu_fault){ .count = 0 };
	out->lost = lost_pending;
	out->overflows = overflow_pending;
	lost_pending = overflow_pending = 0;
	return true;
}
