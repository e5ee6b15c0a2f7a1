/*
 * device.h - the kernel's device table: the PCI functions found at boot,
 * who owns each, and each one's interrupt (device.c; the system calls
 * are in devcall.c and mmcall.c, the ABI in pagoda/dev.h).
 */
#ifndef KERNEL_DEVICE_H
#define KERNEL_DEVICE_H

#include "proc.h"
#include "bootinfo.h"
#include <pagoda/dev.h>

#define DEV_MAX 32              /* functions the table holds */

struct device {
	uint16_t bdf;
	uint16_t vendor, device_id;
	uint32_t class_code;
	uint8_t msi_cap;            /* 0: no MSI */
	uint8_t msi_len;            /* bytes of the MSI capability */
	struct dev_bar bar[DEV_BARS];   /* DEV_BAR_MAPPABLE set by device_init */
	int owner;                  /* pid; 0: unowned */
	int irq_slot;               /* -1: no interrupt bound */
	uint64_t irq_bits;          /* what an interrupt ORs into the owner's notifications */
	uint64_t interrupts;        /* delivered since boot */
};

/* Boot: enumerate bus 0, mark the BARs a driver may map (physmap_top:
 * where the kernel's physical map ends), bring up the local APIC. */
void device_init(const struct boot_info *bi, paddr_t physmap_top);
int device_count(void);
struct device *device_at(int index);

/* The device named by a system call's bdf argument, or NULL. */
struct device *device_find(uint64_t bdf);

/* SYS_MM_DEVICE: owner pid, 0 unowned, -ERR_NOENT, -ERR_INVAL. */
int device_owner(uint64_t bdf);
/* SYS_MM_MAP_MMIO's device checks for the page at pa: 0 or -ERR_x. */
int device_mmio_check(int pid, uint64_t dev, paddr_t pa);

/* The driver calls, for the calling process `caller` (devcall.c). */
int device_config_read(const struct proc *caller, uint64_t bdf, uint64_t off, uint64_t width,
		       uint32_t *value);
int device_config_write(const struct proc *caller, uint64_t bdf, uint64_t off, uint64_t width,
			uint64_t value);
int device_info(const struct proc *caller, uint64_t bdf, struct dev_info *out);
int device_irq_bind(const struct proc *caller, uint64_t bdf, uint64_t bits);
int device_irq_unbind(const struct proc *caller, uint64_t bdf);
int device_assign(const struct proc *caller, uint64_t bdf, uint64_t pid);

/* Process p is ending: stop and release every device it owns; returns
 * how many could not be shown stopped (MM_PROC_EXIT's w2). */
unsigned device_proc_gone(struct proc *p);

/* Device interrupt slot `slot` fired (trap.c; the APIC is acknowledged
 * there). */
void device_interrupt(int slot);

#endif
