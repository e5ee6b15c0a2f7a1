/*
 * pci.c - PCI configuration space, the bus-0 enumeration and MSI, on
 * x86 (the interface is in arch.h; the portable device table that uses
 * it is kernel/device.c).
 *
 * Configuration space through configuration mechanism #1, the legacy
 * ports: a 32-bit address written to 0xCF8 (enable bit 31, bus, device,
 * function, the dword offset) selects a dword of one function's space,
 * which is then read or written at 0xCFC + (offset & 3) with the access's
 * width. q35 answers them as the i440FX did (its ECAM window at
 * 0xb0000000 would reach the extended 4 KiB space, which nothing here
 * needs). Every access is one address write plus one data access, with
 * interrupts off (the kernel is not preemptible), so no two can
 * interleave on our one CPU.
 *
 * Enumeration (pci_scan): every device slot of bus 0; function 0 first,
 * the other seven only when its header says multifunction; a vendor of
 * 0xffff means nobody is there. For a type-0 header, each BAR is sized
 * the classic way - write all ones, read back which address bits stick,
 * write the old value back - with the function's memory and I/O
 * decoding off meanwhile (a half-written BAR must never decode), and
 * decoded by pci_bar_decode: I/O or memory, 32 or 64 bits (a 64-bit BAR
 * takes two slots), prefetchable; the size is the lowest address bit
 * that sticks. Bridges (type 1, 2) are listed with no BARs and not
 * followed: only bus 0 exists here. The capability list is walked
 * (bounded: a looping list ends the walk) for MSI.
 *
 * MSI (PCI 3.0, 6.8.1; Intel SDM vol. 3A, 10.11): the message address
 * names the local APIC of the CPU to interrupt, the data the vector, edge
 * triggered, fixed delivery; one message (multiple-message enable 0);
 * per-vector masking is not used. pci_stop turns bus mastering and MSI
 * off and reads them back: the only evidence the kernel has that a
 * device has stopped.
 *
 * Not supported: buses behind bridges, the extended configuration space
 * (ECAM), MSI-X, INTx (its routing needs ACPI's tables), expansion ROMs.
 * Citation: PCI Local Bus Specification 3.0, 3.2.2.3.2 (mechanism #1),
 * 6.2.5.1 (BARs), 6.7 (capabilities).
 */
#include "kernel.h"
#include "arch/x86_64/arch.h"
#include "arch/x86_64/x86.h"
#include <pagoda/dev.h>

#define PCI_ADDR_PORT 0xcf8
#define PCI_DATA_PORT 0xcfc
#define PCI_ADDR_ENABLE 0x80000000u
#define CAP_WALK_MAX  48            /* capabilities fit 192 bytes at 4 each */

#define BAR_IO        0x1u          /* bit 0: I/O space */
#define BAR_MEM_TYPE  0x6u          /* bits 2:1 of a memory BAR */
#define BAR_MEM_64    0x4u
#define BAR_PREFETCH  0x8u
#define BAR_IO_MASK   0xfffffffcu
#define BAR_MEM_MASK  0xfffffff0u

static void select(uint16_t bdf, unsigned off)
{
	outl(PCI_ADDR_PORT, PCI_ADDR_ENABLE | (uint32_t)bdf << 8 | (off & 0xfc));
}

uint32_t pci_cfg_read(uint16_t bdf, unsigned off, unsigned width)
{
	uint16_t port = (uint16_t)(PCI_DATA_PORT + (off & 3));
	select(bdf, off);
	if (width == 1)
		return inb(port);
	if (width == 2)
		return inw(port);
	return inl(port);
}

void pci_cfg_write(uint16_t bdf, unsigned off, unsigned width, uint32_t v)
{
	uint16_t port = (uint16_t)(PCI_DATA_PORT + (off & 3));
	select(bdf, off);
	if (width == 1)
		outb(port, (uint8_t)v);
	else if (width == 2)
		outw(port, (uint16_t)v);
	else
		outl(port, v);
}

/* The BAR in slot i from its value (lo, and hi: the next slot's, for a
 * 64-bit BAR) and what read back after writing all ones (probe_lo,
 * probe_hi). Returns the slots it takes: 2 for a 64-bit BAR, else 1. A
 * slot that keeps no address bit is no BAR (size 0). */
int pci_bar_decode(uint32_t lo, uint32_t hi, uint32_t probe_lo, uint32_t probe_hi,
		   struct dev_bar *out)
{
	*out = (struct dev_bar){ 0 };
	if (lo & BAR_IO) {
		uint32_t mask = probe_lo & BAR_IO_MASK;
		if (mask == 0)
			return 1;
		out->base = lo & BAR_IO_MASK;
		out->size = mask & -mask;
		out->flags = DEV_BAR_IO;
		return 1;
	}
	bool wide = (lo & BAR_MEM_TYPE) == BAR_MEM_64;
	uint64_t mask = (uint64_t)(probe_lo & BAR_MEM_MASK) | (wide ? (uint64_t)probe_hi << 32 : 0);
	if (mask == 0)
		return wide ? 2 : 1;
	if (!wide)
		mask |= 0xffffffff00000000ULL;  /* the address bits above 32 do not exist */
	out->base = (lo & BAR_MEM_MASK) | (wide ? (uint64_t)hi << 32 : 0);
	out->size = mask & -mask;
	out->flags = DEV_BAR_MEM | (wide ? DEV_BAR_64 : 0) | ((lo & BAR_PREFETCH) ? DEV_BAR_PREFETCH : 0);
	return wide ? 2 : 1;
}

/* Write all ones to the BAR register at off, read back, restore. */
static uint32_t probe_bar(uint16_t bdf, unsigned off, uint32_t old)
{
	pci_cfg_write(bdf, off, 4, 0xffffffffu);
	uint32_t probe = pci_cfg_read(bdf, off, 4);
	pci_cfg_write(bdf, off, 4, old);
	return probe;
}

/* Size and decode the six BARs of a type-0 function, decoding off. */
static void size_bars(uint16_t bdf, struct dev_bar bar[DEV_BARS])
{
	uint32_t cmd = pci_cfg_read(bdf, PCI_CFG_COMMAND, 2);
	pci_cfg_write(bdf, PCI_CFG_COMMAND, 2, cmd & ~(uint32_t)(PCI_CMD_IO | PCI_CMD_MEMORY));
	for (int i = 0; i < DEV_BARS; ) {
		unsigned off = PCI_CFG_BAR0 + 4 * (unsigned)i;
		uint32_t lo = pci_cfg_read(bdf, off, 4), hi = 0, probe_hi = 0;
		bool wide = !(lo & BAR_IO) && (lo & BAR_MEM_TYPE) == BAR_MEM_64;
		if (wide && i + 1 == DEV_BARS) {
			bar[i] = (struct dev_bar){ 0 };     /* a 64-bit BAR without its upper half */
			break;
		}
		uint32_t probe_lo = probe_bar(bdf, off, lo);
		if (wide) {
			hi = pci_cfg_read(bdf, off + 4, 4);
			probe_hi = probe_bar(bdf, off + 4, hi);
		}
		int used = pci_bar_decode(lo, hi, probe_lo, probe_hi, &bar[i]);
		if (used == 2)
			bar[i + 1] = (struct dev_bar){ 0 };
		i += used;
	}
	pci_cfg_write(bdf, PCI_CFG_COMMAND, 2, cmd);
}

/* The config offset of capability `id`, or 0. */
static uint8_t find_cap(uint16_t bdf, unsigned id)
{
	if (!(pci_cfg_read(bdf, PCI_CFG_STATUS, 2) & PCI_STATUS_CAPS))
		return 0;
	unsigned at = pci_cfg_read(bdf, PCI_CFG_CAP_PTR, 1) & 0xfc;
	for (int n = 0; at >= 0x40 && n < CAP_WALK_MAX; n++) {
		if (pci_cfg_read(bdf, at, 1) == id)
			return (uint8_t)at;
		at = pci_cfg_read(bdf, at + 1, 1) & 0xfc;
	}
	return 0;
}

/* Bytes of an MSI capability with this control word (PCI 3.0, 6.8.1):
 * 10, 4 more with a 64-bit address, 10 more with per-vector masking. */
static uint8_t msi_length(uint32_t ctrl)
{
	return (uint8_t)(10 + ((ctrl & PCI_MSI_64BIT) ? 4 : 0) + ((ctrl & PCI_MSI_MASKABLE) ? 10 : 0));
}

static void describe(uint16_t bdf, struct pci_function *f)
{
	*f = (struct pci_function){ .bdf = bdf };
	f->vendor = (uint16_t)pci_cfg_read(bdf, PCI_CFG_VENDOR, 2);
	f->device = (uint16_t)pci_cfg_read(bdf, PCI_CFG_DEVICE, 2);
	f->class_code = pci_cfg_read(bdf, PCI_CFG_CLASS, 4) >> 8;
	f->header = (uint8_t)pci_cfg_read(bdf, PCI_CFG_HEADER, 1);
	if ((f->header & PCI_HEADER_TYPE) == 0)
		size_bars(bdf, f->bar);
	f->msi_cap = find_cap(bdf, PCI_CAP_ID_MSI);
	if (f->msi_cap)
		f->msi_len = msi_length(pci_cfg_read(bdf, f->msi_cap + PCI_MSI_CTRL, 2));
}

int pci_scan(struct pci_function *out, int max)
{
	int n = 0;
	for (unsigned slot = 0; slot < DEV_SLOTS; slot++) {
		uint16_t first = DEV_BDF(0, slot, 0);
		if (pci_cfg_read(first, PCI_CFG_VENDOR, 2) == PCI_VENDOR_NONE)
			continue;
		bool multi = pci_cfg_read(first, PCI_CFG_HEADER, 1) & PCI_HEADER_MULTI;
		for (unsigned fn = 0; fn < (multi ? DEV_FUNCTIONS : 1u); fn++) {
			uint16_t bdf = DEV_BDF(0, slot, fn);
			if (pci_cfg_read(bdf, PCI_CFG_VENDOR, 2) == PCI_VENDOR_NONE)
				continue;
			if (n == max) {
				kprintf("pci: more than %d functions on bus 0; %02x:%02x.%x and later ignored\n",
					max, 0, slot, fn);
				return n;
			}
			describe(bdf, &out[n++]);
		}
	}
	return n;
}

/* MSI's data register: after the 32- or 64-bit address. */
static unsigned msi_data_off(uint16_t bdf, uint8_t cap)
{
	return cap + ((pci_cfg_read(bdf, cap + PCI_MSI_CTRL, 2) & PCI_MSI_64BIT) ? 12u : 8u);
}

void pci_msi_program(uint16_t bdf, uint8_t cap, unsigned vector)
{
	uint32_t ctrl = pci_cfg_read(bdf, cap + PCI_MSI_CTRL, 2);
	ctrl &= ~(uint32_t)(PCI_MSI_ENABLE | 0x70);     /* one message (MME = 0) */
	pci_cfg_write(bdf, cap + PCI_MSI_CTRL, 2, ctrl);
	pci_cfg_write(bdf, cap + 4u, 4, lapic_msi_address());
	if (ctrl & PCI_MSI_64BIT)
		pci_cfg_write(bdf, cap + 8u, 4, 0);
	pci_cfg_write(bdf, msi_data_off(bdf, cap), 2, lapic_msi_data(vector));
	pci_cfg_write(bdf, cap + PCI_MSI_CTRL, 2, ctrl | PCI_MSI_ENABLE);
}

void pci_msi_disable(uint16_t bdf, uint8_t cap)
{
	uint32_t ctrl = pci_cfg_read(bdf, cap + PCI_MSI_CTRL, 2);
	pci_cfg_write(bdf, cap + PCI_MSI_CTRL, 2, ctrl & ~(uint32_t)PCI_MSI_ENABLE);
}

bool pci_stop(uint16_t bdf, uint8_t msi_cap)
{
	uint32_t cmd = pci_cfg_read(bdf, PCI_CFG_COMMAND, 2);
	pci_cfg_write(bdf, PCI_CFG_COMMAND, 2, cmd & ~(uint32_t)PCI_CMD_MASTER);
	if (msi_cap)
		pci_msi_disable(bdf, msi_cap);
	if (pci_cfg_read(bdf, PCI_CFG_VENDOR, 2) == PCI_VENDOR_NONE)
		return false;           /* gone: nothing can be shown */
	if (pci_cfg_read(bdf, PCI_CFG_COMMAND, 2) & PCI_CMD_MASTER)
		return false;
	return !msi_cap || !(pci_cfg_read(bdf, msi_cap + PCI_MSI_CTRL, 2) & PCI_MSI_ENABLE);
}
