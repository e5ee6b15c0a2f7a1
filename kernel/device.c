/*
 * device.c - the device table: which PCI functions exist, who owns each,
 * and where each one's interrupt goes. Mechanism only: which driver gets
 * which device is the enumerator's choice (servers/devmgr), what memory
 * a driver gets the memory server's; the kernel enforces the ownership
 * they set up (docs/drivers.md).
 *
 * At boot device_init copies what pci_scan (arch) found on bus 0 into a
 * fixed table - no allocation, DEV_MAX entries - and marks each memory
 * BAR that may be mapped into a driver (DEV_BAR_MAPPABLE): page aligned,
 * at least a page, inside the kernel's physical map, overlapping no
 * usable RAM of the boot memory map. Device memory is never RAM, and the
 * check makes sure a driver can never be handed a RAM frame as "MMIO".
 *
 * Invariants:
 *   D1  a device's owner is 0 or the pid of a live process (released in
 *       device_proc_gone before that process's exit is reported);
 *   D2  a device has an interrupt slot only while it has an owner, and
 *       slot_dev[s] == d exactly when d->irq_slot == s;
 *   D3  a bridge (class 0x06) never has an owner: the host bridge and the
 *       ISA bridge behind which the timer and the console sit stay the
 *       kernel's.
 *
 * Who may do what (decode every argument first - ERR_INVAL - then the
 * device - ERR_NOENT - then the caller - ERR_PERM; then act):
 *   the owner          config read and write, info, interrupt bind/unbind;
 *   the enumerator     (PROC_FLAG_DEVMGR) config read of any bus-0 bdf,
 *                      info, assign;
 *   the memory server  info, SYS_MM_DEVICE, SYS_MM_MAP_MMIO (mmcall.c).
 * Config writes that overlap a BAR, the ROM BAR or the MSI capability
 * are refused: where the device decodes and where its interrupt message
 * is written are the kernel's (an MSI is a DMA write).
 *
 * Interrupts: a bound device gets one of IRQ_SLOTS vectors; its MSI is
 * programmed to raise it; device_interrupt turns it into notification
 * bits for the owner (ipc_notify_kernel), like any notification.
 *
 * Exit: device_proc_gone stops each device of the dying process (bus
 * mastering and MSI off, read back: pci_stop), frees its vector and
 * releases it; what could not be shown stopped is counted for the memory
 * server (MM_PROC_EXIT w2), which must not reuse memory such a device
 * may still write.
 *
 * Not supported: hot plug, buses behind bridges, INTx, MSI-X, sharing a
 * device between processes, handing a device from one owner to another
 * (it is released only when its owner ends).
 */
#include "device.h"
#include "ipc.h"
#include "arch/x86_64/arch.h"

static struct device devices[DEV_MAX];
static int ndevices;
static struct device *slot_dev[IRQ_SLOTS];
static bool have_msi;               /* a local APIC to deliver MSIs */

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* A memory BAR a driver may map: see the top of the file. */
static bool bar_mappable(const struct dev_bar *b, const struct boot_info *bi, paddr_t physmap_top)
{
	if (!(b->flags & DEV_BAR_MEM) || b->size < PAGE_SIZE || (b->base & ~PAGE_MASK) ||
	    b->base >= physmap_top || b->size > physmap_top - b->base)
		return false;
	for (int i = 0; i < bi->nranges; i++)
		if (bi->ranges[i].type == MEM_USABLE &&
		    overlaps(b->base, b->size, bi->ranges[i].base, bi->ranges[i].len))
			return false;
	return true;
}

static void add(const struct pci_function *f, const struct boot_info *bi, paddr_t physmap_top)
{
	struct device *d = &devices[ndevices++];
	*d = (struct device){ .bdf = f->bdf, .vendor = f->vendor, .device_id = f->device,
			      .class_code = f->class_code, .msi_cap = f->msi_cap,
			      .msi_len = f->msi_len, .irq_slot = -1 };
	for (int i = 0; i < DEV_BARS; i++) {
		d->bar[i] = f->bar[i];
		if (bar_mappable(&d->bar[i], bi, physmap_top))
			d->bar[i].flags |= DEV_BAR_MAPPABLE;
	}
}

void device_init(const struct boot_info *bi, paddr_t physmap_top)
{
	static struct pci_function found[DEV_MAX];
	int n = pci_scan(found, DEV_MAX);
	ndevices = 0;
	for (int i = 0; i < n; i++)
		add(&found[i], bi, physmap_top);
	for (int s = 0; s < IRQ_SLOTS; s++)
		slot_dev[s] = NULL;
	have_msi = lapic_init();
}

int device_count(void)
{
	return ndevices;
}

struct device *device_at(int index)
{
	return index >= 0 && index < ndevices ? &devices[index] : NULL;
}

struct device *device_find(uint64_t bdf)
{
	for (int i = 0; i < ndevices; i++)
		if (devices[i].bdf == bdf)
			return &devices[i];
	return NULL;
}

/* The device bdf names for caller, or why not: an argument error, then
 * the device's absence, then the caller's lack of right. owner_only:
 * the enumerator and the memory server are not enough. */
static int lookup(const struct proc *caller, uint64_t bdf, bool owner_only, struct device **out)
{
	if (bdf > DEV_BDF_MAX)
		return -ERR_INVAL;
	struct device *d = device_find(bdf);
	if (!d)
		return -ERR_NOENT;
	bool privileged = caller->flags & (PROC_FLAG_DEVMGR | PROC_FLAG_MM);
	if (d->owner != caller->pid && (owner_only || !privileged))
		return -ERR_PERM;
	*out = d;
	return 0;
}

int device_owner(uint64_t bdf)
{
	if (bdf > DEV_BDF_MAX)
		return -ERR_INVAL;
	struct device *d = device_find(bdf);
	return d ? d->owner : -ERR_NOENT;
}

int device_mmio_check(int pid, uint64_t dev, paddr_t pa)
{
	uint64_t bdf = dev & DEV_BDF_MAX, bar = dev >> 16;
	if (bar >= DEV_BARS)
		return -ERR_INVAL;
	struct device *d = device_find(bdf);
	if (!d)
		return -ERR_NOENT;
	if (d->owner == 0 || d->owner != pid)
		return -ERR_PERM;
	const struct dev_bar *b = &d->bar[bar];
	if (!(b->flags & DEV_BAR_MAPPABLE) || pa < b->base || pa - b->base >= b->size)
		return -ERR_INVAL;
	return 0;
}

/* ---- configuration space ---- */

static int cfg_args(uint64_t bdf, uint64_t off, uint64_t width)
{
	if (bdf > DEV_BDF_MAX || (width != 1 && width != 2 && width != 4))
		return -ERR_INVAL;
	return off < PCI_CFG_SIZE && off % width == 0 ? 0 : -ERR_INVAL;
}

/* A write there would move a BAR or redirect the MSI. */
static bool cfg_protected(const struct device *d, uint64_t off, uint64_t width)
{
	return overlaps(off, width, PCI_CFG_BAR0, PCI_CFG_BAR_END - PCI_CFG_BAR0) ||
	       overlaps(off, width, PCI_CFG_ROM, 4) ||
	       (d->msi_cap && overlaps(off, width, d->msi_cap, d->msi_len));
}

int device_config_read(const struct proc *caller, uint64_t bdf, uint64_t off, uint64_t width,
		       uint32_t *value)
{
	int err = cfg_args(bdf, off, width);
	if (err)
		return err;
	if (caller->flags & PROC_FLAG_DEVMGR) {
		if (DEV_BUS(bdf) != 0)
			return -ERR_NOENT;      /* only bus 0 exists */
	} else {
		struct device *d;
		if ((err = lookup(caller, bdf, true, &d)) < 0)
			return err;
	}
	*value = pci_cfg_read((uint16_t)bdf, (unsigned)off, (unsigned)width);
	return 0;
}

int device_config_write(const struct proc *caller, uint64_t bdf, uint64_t off, uint64_t width,
			uint64_t value)
{
	struct device *d;
	int err = cfg_args(bdf, off, width);
	if (!err && value >> (8 * width))
		err = -ERR_INVAL;
	if (!err)
		err = lookup(caller, bdf, true, &d);
	if (!err && cfg_protected(d, off, width))
		err = -ERR_PERM;
	if (!err)
		pci_cfg_write((uint16_t)bdf, (unsigned)off, (unsigned)width, (uint32_t)value);
	return err;
}

int device_info(const struct proc *caller, uint64_t bdf, struct dev_info *out)
{
	struct device *d;
	int err = lookup(caller, bdf, false, &d);
	if (err)
		return err;
	*out = (struct dev_info){ .bdf = d->bdf, .vendor = d->vendor, .device = d->device_id,
				  .msi_cap = d->msi_cap, .class_code = d->class_code,
				  .owner = d->owner, .irq_bits = d->irq_bits,
				  .interrupts = d->interrupts };
	out->irq_vector = d->irq_slot >= 0 ? (uint8_t)irq_slot_vector(d->irq_slot) : 0;
	for (int i = 0; i < DEV_BARS; i++)
		out->bar[i] = d->bar[i];
	return 0;
}

/* ---- interrupts ---- */

int device_irq_bind(const struct proc *caller, uint64_t bdf, uint64_t bits)
{
	struct device *d;
	int err = bits == 0 ? -ERR_INVAL : lookup(caller, bdf, true, &d);
	if (err)
		return err;
	if (!d->msi_cap || !have_msi)
		return -ERR_NOSYS;
	if (d->irq_slot >= 0)
		return -ERR_BUSY;
	int s = 0;
	while (s < IRQ_SLOTS && slot_dev[s])
		s++;
	if (s == IRQ_SLOTS)
		return -ERR_NOSPC;
	slot_dev[s] = d;
	d->irq_slot = s;
	d->irq_bits = bits;
	pci_msi_program(d->bdf, d->msi_cap, irq_slot_vector(s));
	return (int)irq_slot_vector(s);
}

static void unbind(struct device *d)
{
	slot_dev[d->irq_slot] = NULL;
	d->irq_slot = -1;
	d->irq_bits = 0;
}

int device_irq_unbind(const struct proc *caller, uint64_t bdf)
{
	struct device *d;
	int err = lookup(caller, bdf, true, &d);
	if (err)
		return err;
	if (d->irq_slot < 0)
		return -ERR_NOENT;
	pci_msi_disable(d->bdf, d->msi_cap);
	unbind(d);
	return 0;
}

void device_interrupt(int slot)
{
	struct device *d = slot >= 0 && slot < IRQ_SLOTS ? slot_dev[slot] : NULL;
	struct proc *p = d ? proc_by_pid(d->owner) : NULL;
	if (!p || p->state != PROC_ALIVE)
		return;                 /* late: its owner is gone (D2 makes it rare) */
	d->interrupts++;
	ipc_notify_kernel(p, d->irq_bits);
}

/* ---- ownership ---- */

int device_assign(const struct proc *caller, uint64_t bdf, uint64_t pid)
{
	struct device *d;
	if (bdf > DEV_BDF_MAX)
		return -ERR_INVAL;
	if (!(d = device_find(bdf)))
		return -ERR_NOENT;
	if (!(caller->flags & PROC_FLAG_DEVMGR) || (d->class_code >> 16) == PCI_CLASS_BRIDGE)
		return -ERR_PERM;
	struct proc *p = pid <= PID_MAX ? proc_by_pid((int)pid) : NULL;
	if (!p || p->state != PROC_ALIVE || (p->flags & PROC_FLAG_MM))
		return -ERR_SRCH;
	if (d->owner)
		return -ERR_BUSY;
	d->owner = p->pid;
	return 0;
}

/* Stop d (its owner is ending) and release it; false if the read-back
 * could not show it stopped. */
static bool stop_and_release(struct device *d, const struct proc *p)
{
	bool stopped = pci_stop(d->bdf, d->msi_cap);
	if (d->irq_slot >= 0)
		unbind(d);
	d->owner = 0;
	kprintf("device: %02x:%02x.%x %s, released: pid %d (%s) ended\n", DEV_BUS(d->bdf),
		DEV_SLOT(d->bdf), DEV_FN(d->bdf),
		stopped ? "stopped (bus mastering and MSI read back off)"
			: "could NOT be shown stopped", p->pid, p->name);
	return stopped;
}

unsigned device_proc_gone(struct proc *p)
{
	unsigned unstopped = 0;
	for (int i = 0; i < ndevices; i++)
		if (devices[i].owner == p->pid && !stop_and_release(&devices[i], p))
			unstopped++;
	return unstopped;
}
