/*
 * main.c - the device enumerator (devmgr): finds the PCI functions of
 * bus 0, hands each device named in the boot configuration to one driver
 * process, and watches the drivers (docs/drivers.md).
 *
 * The memory server starts it, before init, as the one process with
 * PROC_FLAG_DEVMGR, with the words of its module line (boot/grub.cfg):
 *
 *     module /boot/devmgr.elf devmgr edu=00:04.0
 *
 * Each word NAME=bb:dd.f asks for program NAME (a boot module) to drive
 * the device at bb:dd.f. In order:
 *   1. list bus 0 (scan.c): bdf, vendor:device, class, name, BARs, MSI;
 *   2. for each NAME=bb:dd.f: spawn "NAME bb:dd.f" (its parent: devmgr,
 *      IPC both ways) and at once make it the device's owner
 *      (SYS_DEV_ASSIGN: the kernel allows one owner per device and never
 *      a bridge). A driver that finds it does not own its device yet
 *      yields a bounded number of times before it gives up: each yield
 *      lets every runnable thread run, devmgr included;
 *   3. wait until each driver started answers DEV_DRIVER_HELLO (it has
 *      brought its device up and serves), then MM_DEV_READY: the memory
 *      server starts init on a settled system;
 *   4. wait for the drivers; when one ends, read its device's command
 *      register and MSI control back and say what state the kernel left
 *      it in (stopped, released) - the evidence a test checks.
 * Devices no word names stay unowned. A bad word, a bdf with no device,
 * a second driver for one device, a program that cannot start, a device
 * the kernel will not give (a bridge; the driver then gives up by itself,
 * and devmgr waits for it to end): each is reported and skipped; the
 * rest go on.
 *
 * Not supported: restarting a driver that ended, devices behind bridges,
 * matching drivers by vendor/class instead of by bdf.
 */
#include <stdio.h>
#include <string.h>
#include <pagoda/sys.h>
#include <pagoda/dev.h>
#include "devmgr.h"
#include <pagoda/about.h>

PAGODA_ABOUT("the device enumerator: finds PCI devices, starts drivers");

static struct devmgr_device devs[DEVMGR_MAX];
static int ndevs;

static struct devmgr_device *by_bdf(uint16_t bdf)
{
	for (int i = 0; i < ndevs; i++)
		if (devs[i].bdf == bdf)
			return &devs[i];
	return NULL;
}

/* Spawn driver `name` for d and make it d's owner; its pid, or -ERR_x. */
static int start_for(struct devmgr_device *d, const char *name, const char *where)
{
	char line[MM_ARGV_MAX];
	snprintf(line, sizeof line, "%s %s", name, where);
	int pid = mm_spawn(line, MM_SPAWN_IPC_PARENT);
	if (pid < 0) {
		printf("devmgr: cannot start %s for %s: %s\n", name, where, pagoda_strerror(pid));
		return pid;
	}
	int err = dev_assign(d->bdf, pid);
	if (err < 0) {
		int status = 0;
		printf("devmgr: cannot give %s to %s (pid %d): %s\n", where, name, pid,
		       pagoda_strerror(err));
		mm_wait(pid, &status);  /* it gives up by itself: owning nothing */
		printf("devmgr: %s (pid %d) ended with status %d\n", name, pid, status);
		return err;
	}
	d->driver = pid;
	snprintf(d->driver_name, sizeof d->driver_name, "%s", name);
	printf("devmgr: %s -> %s (pid %d)\n", where, name, pid);
	return pid;
}

/* Every driver started has brought its device up (DEV_DRIVER_HELLO). */
static void wait_drivers_up(void)
{
	for (int i = 0; i < ndevs; i++) {
		if (!devs[i].driver)
			continue;
		struct ipc_msg m = { .tag = DEV_DRIVER_HELLO };
		int err = ipc_call(devs[i].driver, &m);
		if (err < 0 || m.tag < 0)
			printf("devmgr: %s (pid %d) is not serving: %s\n", devs[i].driver_name,
			       devs[i].driver, pagoda_strerror(err < 0 ? err : (int)m.tag));
	}
}

/* One option word, NAME=bb:dd.f. */
static void driver_option(const char *word)
{
	const char *eq = strchr(word, '=');
	char name[DEVMGR_NAME_MAX];
	uint16_t bdf;
	if (!eq || eq == word || (size_t)(eq - word) >= sizeof name || dev_bdf_parse(eq + 1, &bdf) < 0) {
		printf("devmgr: option '%s' is not NAME=bb:dd.f; ignored\n", word);
		return;
	}
	memcpy(name, word, (size_t)(eq - word));
	name[eq - word] = '\0';
	struct devmgr_device *d = by_bdf(bdf);
	if (!d)
		printf("devmgr: %s: no device at %s; %s not started\n", word, eq + 1, name);
	else if (d->driver)
		printf("devmgr: %s: %s is %s's already; ignored\n", word, eq + 1, d->driver_name);
	else
		start_for(d, name, eq + 1);
}

/* What the kernel left of d when its driver ended. */
static void report_end(const struct devmgr_device *d, int status)
{
	struct dev_info info;
	int64_t cmd = dev_config_read(d->bdf, PCI_CFG_COMMAND, 2);
	int64_t msi = d->msi_cap ? dev_config_read(d->bdf, d->msi_cap + PCI_MSI_CTRL, 2) : 0;
	int err = dev_info(d->bdf, &info);
	printf("devmgr: %s (pid %d) ended with status %d: %02x:%02x.%x bus mastering %s, MSI %s, ",
	       d->driver_name, d->driver, status, DEV_BUS(d->bdf), DEV_SLOT(d->bdf), DEV_FN(d->bdf),
	       cmd < 0 ? "unknown" : (cmd & PCI_CMD_MASTER) ? "ON" : "off",
	       msi < 0 ? "unknown" : (msi & PCI_MSI_ENABLE) ? "ON" : "off");
	if (err < 0)
		printf("owner unknown (%s)\n", pagoda_strerror(err));
	else if (info.owner == 0)
		printf("unowned\n");
	else
		printf("still owned by pid %d\n", (int)info.owner);
}

/* Wait for the drivers for ever: report each one's end. */
__attribute__((noreturn)) static void watch(void)
{
	int status, pid;
	while ((pid = mm_wait(-1, &status)) > 0) {
		for (int i = 0; i < ndevs; i++)
			if (devs[i].driver == pid) {
				report_end(&devs[i], status);
				devs[i].driver = 0;
			}
		fflush(stdout);
	}
	for (;;) {              /* no driver left: nothing more to do */
		struct ipc_msg m;
		struct ipc_from from;
		ipc_recv(PID_KERNEL, &m, &from);
	}
}

int main(int argc, char **argv)
{
	ndevs = devmgr_scan(devs, DEVMGR_MAX);
	int drivers = 0;
	for (int i = 1; i < argc; i++)
		driver_option(argv[i]);
	wait_drivers_up();
	for (int i = 0; i < ndevs; i++)
		drivers += devs[i].driver != 0;
	printf("devmgr: %d of %d functions have a driver; the others stay unowned\n", drivers, ndevs);
	fflush(stdout);
	int err = mm_dev_ready();
	if (err < 0)
		printf("devmgr: MM_DEV_READY refused: %s\n", pagoda_strerror(err));
	watch();
}
