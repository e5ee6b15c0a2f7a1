/*
 * test_vtd_fault.c - the IOMMU fault interrupt (kernel/arch/x86_64/
 * vtd_fault.c) against a model of a VT-d unit's fault registers, on the
 * host.
 *
 * The source is included unchanged; x86.h is replaced by register
 * accessors over a fake register page that behave as the spec says (and
 * as QEMU 7.2 does): writing 1 to bit 31 of a fault-recording register's
 * top dword clears its F bit, FSTS's error bits are write-1-to-clear,
 * and a fault that arrives while the only record is still pending is
 * dropped and sets PFO. The tests raise faults one at a time, run the
 * interrupt handler after each, and drain what the memory server would
 * receive (iommu_fault_take): nothing may be counted twice, and nothing
 * the hardware recorded may go uncounted, whether faults coalesce, fill
 * the ring, or overflow the hardware.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#define ARCH_X86_H              /* replace x86.h: the registers are a model */
static uint8_t regs[4096] __attribute__((aligned(8)));
#define FRCD_AT 0x220
static unsigned off_of(volatile void *p) { return (unsigned)((volatile uint8_t *)p - regs); }
static inline uint32_t mmio_read32(volatile void *p) { return *(volatile uint32_t *)p; }
static inline uint64_t mmio_read64(volatile void *p) { return *(volatile uint64_t *)p; }
static inline void mmio_write64(volatile void *p, uint64_t v) { *(volatile uint64_t *)p = v; }
static void mmio_write32(volatile void *p, uint32_t v);
#include "arch/x86_64/vtd_fault.c"
#include "kstubs.h"

struct vtd_state vtd;
static unsigned reports;                /* ipc_kernel_report calls */

void ipc_kernel_report(void) { reports++; }
unsigned lapic_id(void) { return 3; }

static uint32_t *reg32(unsigned off) { return (uint32_t *)&regs[off]; }
static uint64_t *reg64(unsigned off) { return (uint64_t *)&regs[off]; }

static void mmio_write32(volatile void *p, uint32_t v)
{
	unsigned off = off_of(p);
	if (off == FRCD_AT + 12)
		*reg32(off) &= ~(v & FRCD_CLEAR);           /* F: write 1 to clear */
	else if (off == VTD_FSTS)
		*reg32(off) &= ~(v & FSTS_W1C);
	else
		*reg32(off) = v;
}

/* The hardware records a fault: in the one register if it is free, else
 * the fault is dropped and PFO set. */
static void hw_fault(unsigned bdf, uint64_t addr, bool write, unsigned reason)
{
	if (*reg64(FRCD_AT + 8) & FRCD_F) {
		*reg32(VTD_FSTS) |= FSTS_PFO;
		return;
	}
	*reg64(FRCD_AT) = addr & ~0xfffULL;
	*reg64(FRCD_AT + 8) = FRCD_F | (write ? 0 : FRCD_T_READ) | (uint64_t)reason << 32 | bdf;
	*reg32(VTD_FSTS) |= FSTS_PPF;
}

static int setup(void **state)
{
	memset(regs, 0, sizeof regs);
	memset(&vtd, 0, sizeof vtd);
	vtd.nunits = 1;
	vtd.units[0] = (struct vtd_unit){ .regs = regs, .base = 0xfed90000, .frcd = FRCD_AT, .nfr = 1 };
	head = tail = 0;
	lost_pending = overflow_pending = faults_total = lost_total = overflow_total = 0;
	reports = 0;
	return 0;
}

/* Everything the memory server would receive: sum of counts, sum of
 * lost, sum of overflows, number of messages. */
struct drained {
	uint64_t count, lost, overflows;
	unsigned messages;
	struct iommu_fault first;
};

static struct drained drain_all(void)
{
	struct drained d = { 0 };
	struct iommu_fault f;
	while (iommu_fault_take(&f)) {
		if (d.messages++ == 0)
			d.first = f;
		d.count += f.count;
		d.lost += f.lost;
		d.overflows += f.overflows;
	}
	return d;
}

static void vtd_fault_init_points_the_event_at_the_lapic_and_clears_stale_state(void **state)
{
	*reg64(FRCD_AT + 8) = FRCD_F | 5ULL << 32;
	*reg32(VTD_FSTS) = FSTS_PFO | FSTS_PPF;
	*reg32(VTD_FECTL) = FECTL_IM;
	vtd_fault_init(&vtd.units[0]);
	assert_int_equal(*reg32(VTD_FEDATA), 62);               /* T_IOMMU_FAULT */
	assert_int_equal(*reg32(VTD_FEADDR), 0xfee00000u | 3u << 12);
	assert_int_equal(*reg32(VTD_FEUADDR), 0);
	assert_int_equal(*reg32(VTD_FECTL), 0);                 /* unmasked */
	assert_false(*reg64(FRCD_AT + 8) & FRCD_F);
	assert_false(*reg32(VTD_FSTS) & FSTS_PFO);
}

static void vtd_fault_record_is_read_cleared_and_reported(void **state)
{
	hw_fault(0x20, 0x2345678, true, FR_WRITE);
	vtd_fault_irq();
	assert_int_equal(reports, 1);
	assert_false(*reg64(FRCD_AT + 8) & FRCD_F);             /* cleared at once */
	struct iommu_fault f;
	assert_true(iommu_fault_take(&f));
	assert_int_equal(f.addr, 0x2345000);
	assert_int_equal(f.bdf, 0x20);
	assert_true(f.write);
	assert_int_equal(f.hw_reason, FR_WRITE);
	assert_int_equal(f.reason, MM_IOMMU_REASON_NO_WRITE);
	assert_int_equal(f.count, 1);
	assert_int_equal(f.lost + f.overflows, 0);
	assert_false(iommu_fault_take(&f));
	vtd_fault_irq();                                        /* nothing new: no report */
	assert_int_equal(reports, 1);
}

static void vtd_fault_hardware_reasons_map_to_portable_ones(void **state)
{
	const struct { unsigned hw; uint8_t want; bool write; } cases[] = {
		{ FR_ROOT_NOT_PRESENT, MM_IOMMU_REASON_NO_DOMAIN, false },
		{ FR_CONTEXT_NOT_PRESENT, MM_IOMMU_REASON_NO_DOMAIN, true },
		{ FR_READ, MM_IOMMU_REASON_NO_READ, false },
		{ FR_BEYOND_MGAW, MM_IOMMU_REASON_ADDRESS, false },
		{ FR_CONTEXT_INVALID, MM_IOMMU_REASON_TABLES, false },
		{ 0xd, MM_IOMMU_REASON_TABLES, false },
		{ 0x20, MM_IOMMU_REASON_OTHER, false },
	};
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct iommu_fault f;
		hw_fault(0x20, 0x1000 * (i + 1), cases[i].write, cases[i].hw);
		vtd_fault_irq();
		assert_true(iommu_fault_take(&f));
		assert_int_equal(f.reason, cases[i].want);
		assert_int_equal(f.write, cases[i].write);
		assert_int_equal(f.hw_reason, cases[i].hw);
	}
}

static void vtd_fault_storm_of_1000_identical_faults_is_one_record_counting_all(void **state)
{
	for (int i = 0; i < 1000; i++) {
		hw_fault(0x20, 0x7000, false, FR_READ);
		vtd_fault_irq();
	}
	struct drained d = drain_all();
	assert_int_equal(d.messages, 1);
	assert_int_equal(d.count, 1000);
	assert_int_equal(d.lost + d.overflows, 0);
}

static void vtd_fault_storm_of_1000_distinct_faults_fills_the_ring_and_counts_the_rest(void **state)
{
	for (uint64_t i = 0; i < 1000; i++) {
		hw_fault(0x20, i << 12, true, FR_WRITE);
		vtd_fault_irq();
	}
	uint64_t faults, lost, overflows;
	vtd_fault_counts(&faults, &lost, &overflows);
	assert_int_equal(faults, 1000);
	assert_int_equal(lost, 1000 - FAULT_RING);
	struct drained d = drain_all();
	assert_int_equal(d.messages, FAULT_RING);
	assert_int_equal(d.count, FAULT_RING);
	assert_int_equal(d.lost, 1000 - FAULT_RING);            /* rides on the first message */
	assert_int_equal(d.first.lost, 1000 - FAULT_RING);
	assert_int_equal(d.first.addr, 0);                      /* the oldest first */
	assert_int_equal(d.count + d.lost, 1000);
}

static void vtd_fault_storm_drained_as_it_comes_loses_nothing(void **state)
{
	uint64_t got = 0;
	for (uint64_t i = 0; i < 1000; i++) {
		hw_fault(0x20 + (unsigned)(i % 3), i << 12, i % 2, i % 2 ? FR_WRITE : FR_READ);
		vtd_fault_irq();
		if (i % 10 == 9) {                          /* mm takes them in bursts */
			struct drained d = drain_all();
			got += d.count + d.lost;
			assert_int_equal(d.lost, 0);
		}
	}
	assert_int_equal(got, 1000);
}

static void vtd_fault_hardware_overflow_is_counted_and_cleared(void **state)
{
	hw_fault(0x20, 0x1000, true, FR_WRITE);
	hw_fault(0x28, 0x2000, true, FR_WRITE);     /* the register is busy: dropped, PFO */
	vtd_fault_irq();
	assert_false(*reg32(VTD_FSTS) & FSTS_PFO);
	struct iommu_fault f;
	assert_true(iommu_fault_take(&f));
	assert_int_equal(f.count, 1);
	assert_int_equal(f.overflows, 1);
	assert_false(iommu_fault_take(&f));
	/* An overflow with no record left to carry it comes on its own. */
	*reg32(VTD_FSTS) |= FSTS_PFO;
	vtd_fault_irq();
	assert_true(iommu_fault_take(&f));
	assert_int_equal(f.count, 0);
	assert_int_equal(f.overflows, 1);
	uint64_t faults, lost, overflows;
	vtd_fault_counts(&faults, &lost, &overflows);
	assert_int_equal(overflows, 2);
	assert_int_equal(faults, 1);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(vtd_fault_init_points_the_event_at_the_lapic_and_clears_stale_state),
		T(vtd_fault_record_is_read_cleared_and_reported),
		T(vtd_fault_hardware_reasons_map_to_portable_ones),
		T(vtd_fault_storm_of_1000_identical_faults_is_one_record_counting_all),
		T(vtd_fault_storm_of_1000_distinct_faults_fills_the_ring_and_counts_the_rest),
		T(vtd_fault_storm_drained_as_it_comes_loses_nothing),
		T(vtd_fault_hardware_overflow_is_counted_and_cleared),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
