/*
 * lapic.c - the local APIC, as far as message-signalled interrupts need
 * it: the IOMMU's fault event and the drivers' devices (kernel/device.c)
 * arrive as MSIs written to the LAPIC, which interrupts the CPU with the
 * vector the message names and wants an end-of-interrupt write afterwards
 * (Intel SDM vol. 3A, chapter 11). An MSI's address is 0xFEE0_0000 | APIC
 * id << 12, its data the vector, fixed delivery, edge triggered
 * (lapic_msi_address, lapic_msi_data: what pci.c programs a device with).
 *
 * The timer and the serial port still come from the 8259 PIC, through
 * the LAPIC's LINT0 pin in virtual-wire mode (ExtINT), which the BIOS sets
 * up. lapic_init keeps that: if the BIOS left the LAPIC software-disabled
 * (every LVT masked), enabling it also points LINT0 at ExtINT, so the PIC's
 * interrupts keep coming. Its registers are reached through the physmap,
 * made uncached first.
 *
 * Minimal on purpose: no LAPIC timer, no IPIs, no x2APIC, one CPU, no
 * IOAPIC (INTx routing would need ACPI's tables).
 */
#include "kernel.h"
#include "arch/x86_64/arch.h"
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/x86.h"

#define LAPIC_ID     0x20
#define LAPIC_EOI    0xb0
#define LAPIC_SVR    0xf0
#define LAPIC_LINT0  0x350
#define SVR_ENABLE   (1u << 8)
#define LVT_EXTINT   (7u << 8)
#define APIC_BASE_ENABLE (1ULL << 11)
#define APIC_BASE_ADDR   0xffffff000ULL
#define MSI_ADDRESS      0xfee00000u
#define MSI_DEST_SHIFT   12

static volatile uint8_t *regs;          /* NULL: no usable LAPIC */

/* true once the LAPIC can take MSIs (a second call changes nothing). */
bool lapic_init(void)
{
	if (regs)
		return true;
	uint64_t msr = rdmsr(MSR_APIC_BASE);
	paddr_t pa = msr & APIC_BASE_ADDR;
	if (!(msr & APIC_BASE_ENABLE) || pa < CHIPSET_MMIO_LO || pa >= CHIPSET_MMIO_HI) {
		kprintf("lapic: not enabled, or its registers (%#lx) lie outside the chipset "
			"window: no MSIs\n", pa);
		return false;
	}
	paging_uncached(pa);
	regs = phys_to_virt(pa);
	if (!(mmio_read32(regs + LAPIC_SVR) & SVR_ENABLE))
		mmio_write32(regs + LAPIC_LINT0, LVT_EXTINT);
	mmio_write32(regs + LAPIC_SVR, SVR_ENABLE | T_SPURIOUS);
	return true;
}

void lapic_eoi(void)
{
	if (regs)
		mmio_write32(regs + LAPIC_EOI, 0);
}

unsigned lapic_id(void)
{
	return regs ? mmio_read32(regs + LAPIC_ID) >> 24 : 0;
}

uint32_t lapic_msi_address(void)
{
	return MSI_ADDRESS | lapic_id() << MSI_DEST_SHIFT;
}

uint32_t lapic_msi_data(unsigned vector)
{
	return vector & 0xff;       /* fixed delivery, edge triggered */
}
