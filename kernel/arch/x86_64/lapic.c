/*
 * lapic.c - the local APIC, for message-signalled interrupts only.
 *
 * The scheduler tick and the console still come through the 8259 PIC
 * (timer.c); the local APIC is what an MSI lands on. lapic_init makes it
 * usable without disturbing the PIC: the APIC globally enabled (MSR
 * IA32_APIC_BASE), its registers reached through the physmap, whose 2 MiB
 * page there is made uncached (paging_map_device: the kernel maps its
 * own device page; no RAM is involved), software-enabled with the
 * spurious vector T_SPURIOUS, task priority 0 (every vector accepted),
 * LINT0 as ExtINT (the PIC's interrupts pass through, virtual-wire mode
 * as the BIOS left it) and LINT1 as NMI.
 *
 * An MSI is a memory write to 0xFEE0_0000 | APIC id << 12 whose data is
 * the vector (fixed delivery, edge): lapic_msi_address/lapic_msi_data
 * give the device what to write (pci.c programs it). The handler
 * acknowledges with lapic_eoi; the spurious vector needs none. Each
 * vector's priority class is vector / 16, so the device vectors 48..62
 * share class 3 and wait for one another, never for the PIC's.
 *
 * Not supported: more than one CPU, the APIC timer, x2APIC mode, the
 * IOAPIC (INTx routing needs ACPI). Citation: Intel SDM vol. 3A, ch. 10.
 */
#include "kernel.h"
#include "arch/x86_64/arch.h"
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/x86.h"

#define MSR_APIC_BASE     0x1bu
#define APIC_BASE_ENABLE  (1u << 11)
#define APIC_BASE_ADDR    0xfffff000ULL
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

#define MSI_ADDRESS 0xfee00000u
#define MSI_DEST_SHIFT 12

static volatile uint32_t *regs;     /* NULL: no local APIC */

static uint32_t rd(unsigned reg) { return regs[reg / 4]; }
static void wr(unsigned reg, uint32_t v) { regs[reg / 4] = v; }

bool lapic_init(void)
{
	uint32_t a, b, c, d;
	cpuid(1, &a, &b, &c, &d);
	if (!(d & CPUID_EDX_APIC))
		return false;
	uint64_t base = rdmsr(MSR_APIC_BASE);
	if (!(base & APIC_BASE_ENABLE))
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	paddr_t pa = base & APIC_BASE_ADDR;
	paging_map_device(pa);
	regs = phys_to_virt(pa);
	wr(LAPIC_TPR, 0);
	wr(LAPIC_LINT0, LVT_EXTINT);
	wr(LAPIC_LINT1, LVT_NMI);
	wr(LAPIC_SVR, SVR_ENABLE | T_SPURIOUS);
	return true;
}

void lapic_eoi(void)
{
	if (regs)
		wr(LAPIC_EOI, 0);
}

uint32_t lapic_msi_address(void)
{
	return MSI_ADDRESS | (rd(LAPIC_ID) >> 24) << MSI_DEST_SHIFT;
}

uint32_t lapic_msi_data(unsigned vector)
{
	return vector & 0xff;       /* fixed delivery, edge triggered */
}
