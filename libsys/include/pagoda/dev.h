/*
 * pagoda/dev.h - devices for user-space drivers: how a device is named,
 * the PCI configuration-space layout the driver system calls refer to,
 * and what SYS_DEV_INFO reports. The system calls themselves are in
 * pagoda/syscall.h (SYS_DEV_*, SYS_MM_DEVICE, SYS_MM_MAP_MMIO); the model
 * - ownership, the enumerator, interrupts, exit - is docs/drivers.md.
 *
 * A device is a PCI function named by its bdf, 16 bits:
 *
 *     bdf = bus << 8 | device << 3 | function     (bus 0..255, device
 *                                                   0..31, function 0..7)
 *
 * the same number an IOMMU (VT-d) calls the function's source id. Written
 * bb:dd.f in hexadecimal (edu is 00:04.0 = 0x0020). Only bus 0 exists for
 * now: the kernel enumerates no bridges.
 *
 * Who may touch a device:
 *   - its owner, the one driver process the enumerator assigned it to
 *     (SYS_DEV_ASSIGN): configuration space, its memory BARs (through the
 *     memory server, MM_DEV_MMIO), its interrupt;
 *   - the enumerator (the process spawned with PROC_FLAG_DEVMGR, one at a
 *     time): reads the configuration space of every bus-0 function, even
 *     absent ones (they read all ones, as the hardware answers), reads
 *     SYS_DEV_INFO of every device, and assigns owners;
 *   - the memory server: SYS_DEV_INFO of every device, and the mm-only
 *     SYS_MM_DEVICE and SYS_MM_MAP_MMIO;
 *   - nobody else: ERR_PERM.
 * When the owner ends, the kernel stops the device first (bus mastering
 * and MSI off, read back), then releases it (owner 0), then reports the
 * exit to the memory server (MM_PROC_EXIT, w2: pagoda/mm.h).
 */
#ifndef PAGODA_DEV_H
#define PAGODA_DEV_H

#include <stdint.h>

#define DEV_BDF(bus, dev, fn) ((uint16_t)(((bus) << 8) | ((dev) << 3) | (fn)))
#define DEV_BUS(bdf)  (((bdf) >> 8) & 0xff)
#define DEV_SLOT(bdf) (((bdf) >> 3) & 0x1f)
#define DEV_FN(bdf)   ((bdf) & 0x7)
#define DEV_BDF_MAX   0xffffu           /* a system call's bdf above this is ERR_INVAL */
#define DEV_SLOTS     32                /* devices on one bus */
#define DEV_FUNCTIONS 8                 /* functions of one device */

/* ---- PCI configuration space (PCI Local Bus Specification 3.0, 6.1) ----
 * Type-0 header offsets. SYS_DEV_CONFIG_READ/WRITE take an offset below
 * PCI_CFG_SIZE and a width of 1, 2 or 4 bytes, the offset a multiple of
 * the width. Writes that overlap the BARs, the expansion ROM BAR or the
 * MSI capability are refused (ERR_PERM): those decide where the device
 * decodes and where it writes its interrupts, which is the kernel's. */
#define PCI_CFG_SIZE      256
#define PCI_CFG_VENDOR    0x00          /* 16 bits; PCI_VENDOR_NONE: no function here */
#define PCI_CFG_DEVICE    0x02          /* 16 bits */
#define PCI_CFG_COMMAND   0x04          /* 16 bits, PCI_CMD_* */
#define PCI_CFG_STATUS    0x06          /* 16 bits, PCI_STATUS_* */
#define PCI_CFG_REVISION  0x08          /* 8 bits; 0x09 prog-if, 0x0a subclass, 0x0b class */
#define PCI_CFG_CLASS     0x08          /* 32 bits read: class << 24 | subclass << 16 | prog-if << 8 | rev */
#define PCI_CFG_HEADER    0x0e          /* 8 bits: layout (0x7f) | multifunction (0x80) */
#define PCI_CFG_BAR0      0x10          /* six 32-bit BARs, 0x10 .. 0x27 */
#define PCI_CFG_BAR_END   0x28
#define PCI_CFG_ROM       0x30          /* expansion ROM BAR, 0x30 .. 0x33 */
#define PCI_CFG_CAP_PTR   0x34          /* 8 bits: first capability (with PCI_STATUS_CAPS) */
#define PCI_CFG_IRQ_LINE  0x3c
#define PCI_CFG_IRQ_PIN   0x3d

#define PCI_VENDOR_NONE   0xffff
#define PCI_HEADER_MULTI  0x80
#define PCI_HEADER_TYPE   0x7f          /* 0: a device; 1, 2: bridges */

#define PCI_CMD_IO        0x0001        /* decode its I/O BARs */
#define PCI_CMD_MEMORY    0x0002        /* decode its memory BARs */
#define PCI_CMD_MASTER    0x0004        /* bus mastering: DMA, and MSI (a write) */
#define PCI_CMD_INTX_OFF  0x0400        /* INTx disabled */
#define PCI_STATUS_CAPS   0x0010        /* the capability list exists */

#define PCI_CAP_ID_MSI    0x05
#define PCI_MSI_CTRL      0x02          /* from the capability: 16 bits */
#define PCI_MSI_ENABLE    0x0001
#define PCI_MSI_64BIT     0x0080
#define PCI_MSI_MASKABLE  0x0100

#define PCI_CLASS_BRIDGE  0x06          /* class byte of bridges: never assigned */

/* ---- SYS_DEV_INFO's answer -------------------------------------------- */
#define DEV_BARS 6

/* One BAR as the kernel found it at boot (sized with the device's memory
 * and I/O decoding off). The slot after a 64-bit BAR is its upper half:
 * size 0, flags 0 there. */
struct dev_bar {
	uint64_t base;          /* bus address (memory) or port (I/O) */
	uint64_t size;          /* bytes, a power of two; 0: no BAR in this slot */
	uint32_t flags;         /* DEV_BAR_* */
	uint32_t reserved;
};

#define DEV_BAR_MEM      0x1    /* memory space: MM_DEV_MMIO can map it */
#define DEV_BAR_IO       0x2    /* I/O space: listed, not usable (no port access) */
#define DEV_BAR_64       0x4    /* a 64-bit BAR (uses this slot and the next) */
#define DEV_BAR_PREFETCH 0x8
#define DEV_BAR_MAPPABLE 0x10   /* memory, page aligned, at least a page, clear
				   of RAM and inside the kernel's physical map:
				   SYS_MM_MAP_MMIO accepts its pages */

struct dev_info {
	uint16_t bdf;
	uint16_t vendor;
	uint16_t device;
	uint8_t msi_cap;        /* config offset of the MSI capability; 0: none */
	uint8_t irq_vector;     /* CPU vector of the bound MSI; 0: not bound */
	uint32_t class_code;    /* class << 16 | subclass << 8 | prog-if */
	int32_t owner;          /* pid of the owner; 0: unowned */
	uint64_t irq_bits;      /* notification bits an interrupt delivers; 0: none */
	uint64_t interrupts;    /* interrupts delivered to owners since boot */
	struct dev_bar bar[DEV_BARS];
};
_Static_assert(sizeof(struct dev_bar) == 24, "dev_bar is 24 bytes");
_Static_assert(sizeof(struct dev_info) == 32 + DEV_BARS * 24, "dev_info has no hidden padding");

/* Every driver answers this request (a CALL with tag 0) once it has
 * brought its device up and serves: tag = 0. The enumerator asks each
 * driver it started before it reports MM_DEV_READY, so init starts with
 * every driver up; a driver that ended instead answers ERR_DEAD. */
#define DEV_DRIVER_HELLO 0

#endif
