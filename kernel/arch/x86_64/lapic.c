/*
 * lapic.c - the local APIC, for message-signalled interrupts only: the
 * IOMMU's fault event (vtd_fault.c) and the drivers' device interrupts
 * (pci.c programs them, device.c routes them) both arrive as an MSI the
 * local APIC turns into a vector, and both want an end-of-interrupt write
 * afterwards.
 *
 * The scheduler tick and the console still come through the 8259 PIC
 * (timer.c), through the LAPIC's LINT0 pin in virtual-wire mode (ExtINT).
 * lapic_init makes the LAPIC usable without disturbing the PIC: globally
 * enabled (MSR IA32_APIC_BASE), its registers reached through the
 * physmap, whose 2 MiB page there is made uncached first (paging_uncached:
 * they must lie in the chipset window, where a PC has no RAM), then
 * software-enabled with the spurious vector T_SPURIOUS, task priority 0
 * (every vector accepted), LINT0 as ExtINT (the PIC's interrupts pass
 * through) and LINT1 as NMI. It runs once; later calls only answer
 * whether there is a LAPIC (device_init and iommu_init both ask).
 *
 * An MSI is a memory write to 0xFEE0_0000 | APIC id << 12 whose data is
 * the vector (fixed delivery, edge): lapic_msi_address/lapic_msi_data
 * give a device - or the IOMMU's fault-event registers - what to write.
 * The handler acknowledges with lapic_eoi; the spurious vector needs none.
 * Each vector's priority class is vector / 16, so the device vectors
 * 48..61, the IOMMU's 62 and the spurious 63 share class 3 and wait for
 * one another, never for the PIC's (trapframe.h has the allocation).
 *
 * Not supported: more than one CPU, the APIC timer, x2APIC mode, IPIs,
 * the IOAPIC (INTx routing needs ACPI). Citation: Intel SDM vol. 3A,
 * ch. 10 (11 in later editions).
 */
#include "kernel.h"
#include "arch/x86_64/arch.h"
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/x86.h"

#define APIC_BASE_ENABLE  (1ULL << 11)
#define APIC_BASE_ADDR    0xffffff000ULL
#define CPUID_EDX_APIC    (1u << 9)

#define LAPIC_ID    0x020
#define LAPIC_TPR   0x080
#define LAPIC_EOI   0x0b0
#define LAPIC_SVR   0x0f0
#define LAPIC_LINT0 0x350
#define LAPIC_LINT1 0x360
#define SVR_ENABLE  0x100u
#define LVT_EXTINT  0x700u
#define LVT_NMI     0x400u

#define MSI_ADDRESS    0xfee00000u
#define MSI_DEST_SHIFT 12

static volatile uint8_t *regs;      /* NULL: no usable local APIC */
static bool tried;

/* The LAPIC's physical registers, or 0 if there is none we can use. */
static paddr_t find_lapic(void)
{
	uint32_t a, b, c, d;
	cpuid(1, &a, &b, &c, &d);
	if (!(d & CPUID_EDX_APIC)) {
		kprintf("lapic: none (CPUID): no MSIs\n");
		return 0;
	}
	uint64_t base = rdmsr(MSR_APIC_BASE);
	paddr_t pa = base & APIC_BASE_ADDR;
	if (pa < CHIPSET_MMIO_LO || pa >= CHIPSET_MMIO_HI) {
		kprintf("lapic: its registers (%#lx) lie outside the chipset window: no MSIs\n", pa);
		return 0;
	}
	if (!(base & APIC_BASE_ENABLE))
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	return pa;
}

bool lapic_init(void)
{
	if (tried)
		return regs != NULL;
	tried = true;
	paddr_t pa = find_lapic();
	if (!pa)
		return false;
	paging_uncached(pa);
	regs = phys_to_virt(pa);
	mmio_write32(regs + LAPIC_TPR, 0);
	mmio_write32(regs + LAPIC_LINT0, LVT_EXTINT);
	mmio_write32(regs + LAPIC_LINT1, LVT_NMI);
	mmio_write32(regs + LAPIC_SVR, SVR_ENABLE | T_SPURIOUS);
	return true;
}

void lapic_eoi(void)
{
	if (regs)
		mmio_write32(regs + LAPIC_EOI, 0);
}

uint32_t lapic_msi_address(void)
{
	unsigned id = regs ? mmio_read32(regs + LAPIC_ID) >> 24 : 0;
	return MSI_ADDRESS | (uint32_t)id << MSI_DEST_SHIFT;
}

uint32_t lapic_msi_data(unsigned vector)
{
	return vector & 0xff;       /* fixed delivery, edge triggered */
}
