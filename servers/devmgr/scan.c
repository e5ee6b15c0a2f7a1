/*
 * scan.c - the enumerator's walk over bus 0 and the listing it prints.
 *
 * The walk is the textbook one, done from user space with the
 * enumerator's right to read any bus-0 function's configuration space
 * (SYS_DEV_CONFIG_READ; PROC_FLAG_DEVMGR): for each of the 32 device
 * slots read the vendor id of function 0 (0xffff: nobody there); read
 * its header type, and if the multifunction bit is set try functions
 * 1..7 as well. For each function found it reads the ids, class and
 * header from configuration space, and the BARs and their sizes from the
 * kernel (SYS_DEV_INFO): sizing a BAR means writing it, which only the
 * kernel may do (it did at boot, with decoding off).
 *
 * Names: a small table of the functions QEMU's q35 machine has, edu
 * (1234:11e8) among them; anything else is named by its class.
 */
#include <stdbool.h>
#include <stdio.h>
#include <pagoda/sys.h>
#include <pagoda/dev.h>
#include "devmgr.h"

static const struct { uint16_t vendor, device; const char *name; } known[] = {
	{ 0x1234, 0x11e8, "edu" },
	{ 0x8086, 0x29c0, "q35 host bridge" },
	{ 0x8086, 0x2918, "ICH9 LPC/ISA bridge" },
	{ 0x8086, 0x2922, "ICH9 AHCI (SATA)" },
	{ 0x8086, 0x2930, "ICH9 SMBus" },
	{ 0x8086, 0x10d3, "e1000e network" },
	{ 0x8086, 0x100e, "e1000 network" },
	{ 0x1234, 0x1111, "VGA (Bochs)" },
	{ 0x8086, 0x1237, "i440FX host bridge" },
	{ 0x8086, 0x7000, "PIIX3 ISA bridge" },
};

static const char *const class_names[] = {
	"unclassified", "storage", "network", "display", "multimedia", "memory", "bridge",
	"communication", "system", "input", "docking", "processor", "serial bus",
};

const char *devmgr_name(uint16_t vendor, uint16_t device, uint32_t class_code)
{
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (known[i].vendor == vendor && known[i].device == device)
			return known[i].name;
	unsigned cls = class_code >> 16;
	return cls < sizeof class_names / sizeof class_names[0] ? class_names[cls] : "device";
}

static uint32_t cfg(uint16_t bdf, unsigned off, unsigned width)
{
	int64_t v = dev_config_read(bdf, off, width);
	return v < 0 ? 0xffffffffu : (uint32_t)v;
}

static void print_bars(const struct dev_info *info)
{
	for (int i = 0; i < DEV_BARS; i++) {
		const struct dev_bar *b = &info->bar[i];
		if (b->size == 0)
			continue;
		printf("devmgr:   BAR%d %s%s 0x%llx, %llu KiB%s\n", i,
		       (b->flags & DEV_BAR_IO) ? "io" : "mem",
		       (b->flags & DEV_BAR_64) ? "64" : (b->flags & DEV_BAR_MEM) ? "32" : "",
		       (unsigned long long)b->base, (unsigned long long)(b->size + 1023) / 1024,
		       (b->flags & DEV_BAR_PREFETCH) ? ", prefetchable" : "");
	}
}

/* Record and list the function at bdf (its vendor id read already). */
static void found(uint16_t bdf, struct devmgr_device *d)
{
	struct dev_info info;
	*d = (struct devmgr_device){ .bdf = bdf };
	d->vendor = (uint16_t)cfg(bdf, PCI_CFG_VENDOR, 2);
	d->device = (uint16_t)cfg(bdf, PCI_CFG_DEVICE, 2);
	d->class_code = cfg(bdf, PCI_CFG_CLASS, 4) >> 8;
	uint32_t header = cfg(bdf, PCI_CFG_HEADER, 1);
	printf("devmgr: %02x:%02x.%x %04x:%04x class %06x %s%s\n", DEV_BUS(bdf), DEV_SLOT(bdf),
	       DEV_FN(bdf), d->vendor, d->device, (unsigned)d->class_code,
	       devmgr_name(d->vendor, d->device, d->class_code),
	       (header & PCI_HEADER_TYPE) ? " (bridge header)" : "");
	int err = dev_info(bdf, &info);
	if (err < 0) {
		printf("devmgr:   the kernel does not know it: %s\n", pagoda_strerror(err));
		return;
	}
	d->msi_cap = info.msi_cap;
	print_bars(&info);
	if (info.msi_cap)
		printf("devmgr:   MSI capability at 0x%02x\n", info.msi_cap);
}

int devmgr_scan(struct devmgr_device *out, int max)
{
	int n = 0;
	for (unsigned slot = 0; slot < DEV_SLOTS; slot++) {
		if (cfg(DEV_BDF(0, slot, 0), PCI_CFG_VENDOR, 2) == PCI_VENDOR_NONE)
			continue;
		bool multi = cfg(DEV_BDF(0, slot, 0), PCI_CFG_HEADER, 1) & PCI_HEADER_MULTI;
		for (unsigned fn = 0; fn < (multi ? DEV_FUNCTIONS : 1u) && n < max; fn++) {
			uint16_t bdf = DEV_BDF(0, slot, fn);
			if (cfg(bdf, PCI_CFG_VENDOR, 2) != PCI_VENDOR_NONE)
				found(bdf, &out[n++]);
		}
	}
	printf("devmgr: bus 0: %d functions\n", n);
	return n;
}
