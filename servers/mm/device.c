/*
 * device.c - the memory server's side of devices (docs/drivers.md).
 *
 * Three jobs, none of them ownership itself (the kernel keeps that; the
 * enumerator decides it):
 *
 *   Boot order. With a module named DEVMGR_MODULE in the boot image, mm
 *   starts it (device_boot) with PROC_FLAG_DEVMGR and the words of its
 *   module line, and holds init back until it answers MM_DEV_READY: by
 *   then every device has its driver, so init - and the tests it runs -
 *   starts on a settled system. If the enumerator ends before that, init
 *   starts anyway (device_proc_exit): a broken device manager must not
 *   stop the boot. Without the module, init starts at once, as before.
 *
 *   MM_DEV_MMIO. A driver asks for one memory BAR of a device it owns.
 *   The kernel's answer to SYS_DEV_INFO says who owns the device and
 *   what the BAR is; mm checks the caller is the owner and the BAR is
 *   mappable, checks that no frame of it is one mm manages (device
 *   memory is never RAM: that would be a kernel bug, mm_bug), and adds a
 *   REGION_MMIO region (backend_mmio.c) as long as the BAR, first fit
 *   among the MM_MMAP regions. Its pages are mapped on first touch.
 *   Asked again for the same BAR, the same region is the answer.
 *
 *   MM_DEV_OPEN. A client asks for the driver of a device named by its
 *   vendor and device ids: mm finds it on bus 0 (SYS_DEV_INFO of each
 *   bdf), and lets the client send to the owner (SYS_MM_IPC_ALLOW). The
 *   driver checks its clients' requests itself.
 *
 * Not supported: devices on other buses (MM_DEV_OPEN looks at bus 0),
 * restarting the enumerator, taking an MMIO region back before exit.
 */
#include <stdio.h>
#include <string.h>
#include <pagoda/dev.h>
#include "mm.h"
#include "backend.h"
#include "kcall.h"
#include "mm_env.h"

#define BUS0_BDFS (DEV_SLOTS * DEV_FUNCTIONS)

static struct {
	int pid;                /* the enumerator, while it lives; 0: none */
	bool ready;             /* init has been started */
} devmgr;

static void boot_continues(void)
{
	devmgr.ready = true;
	mm_start_init();
}

bool device_boot(void)
{
	devmgr = (typeof(devmgr)){ 0 };
	int pid = mm_spawn_module(DEVMGR_MODULE, MM_SPAWN_DEVMGR);
	if (pid == -ERR_NOENT)
		return false;           /* no enumerator in this boot */
	if (pid < 0) {
		printf("mm: cannot start the device manager: %s; devices stay unowned\n",
		       pagoda_strerror(pid));
		return false;
	}
	devmgr.pid = pid;
	return true;
}

void device_proc_exit(int pid)
{
	if (pid != devmgr.pid || pid == 0)
		return;
	devmgr.pid = 0;
	if (devmgr.ready)
		return;
	printf("mm: the device manager (pid %d) ended before it was ready; starting init\n", pid);
	boot_continues();
}

int mm_handle_dev_ready(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	struct mm_proc *p = mm_caller(from);
	if (!p)
		return mm_reply(reply, -ERR_SRCH);
	if (!(p->flags & PROC_FLAG_DEVMGR))
		return mm_reply(reply, -ERR_PERM);
	if (devmgr.ready)
		return mm_reply(reply, -ERR_BUSY);
	boot_continues();
	return mm_reply(reply, 0);
}

/* ---- MM_DEV_MMIO ---- */

/* p's region onto this BAR, if it has one already. */
static struct mm_region *mmio_region(struct mm_proc *p, uint32_t dev)
{
	for (struct mm_region *r = p->regions; r; r = r->next)
		if (r->kind == REGION_MMIO && r->mmio_dev == dev)
			return r;
	return NULL;
}

/* No frame of the BAR is one mm manages (or even describes but as
 * reserved): device memory must never be taken for RAM. */
static bool bar_is_not_ram(const struct dev_bar *b)
{
	pfn_t first = pa_to_pfn(b->base), end = pa_to_pfn(b->base + b->size);
	for (pfn_t pfn = first; pfn < end && pfn_valid(pfn); pfn++)
		if (pfn_to_page(pfn)->state != PAGE_RESERVED) {
			mm_bug("mm_handle_dev_mmio: BAR [%#lx, %#lx) holds pfn %#lx, a frame mm manages",
			       (unsigned long)b->base, (unsigned long)(b->base + b->size),
			       (unsigned long)pfn);
			return false;
		}
	return true;
}

static int mmio_answer(struct ipc_msg *reply, const struct mm_region *r)
{
	reply->w[0] = r->start;
	reply->w[1] = r->end - r->start;
	return mm_reply(reply, 0);
}

int mm_handle_dev_mmio(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	struct mm_proc *p = mm_caller(from);
	uint64_t bdf = req->w[0], bar = req->w[1];
	struct dev_info info;
	if (!p)
		return mm_reply(reply, -ERR_SRCH);
	if (bdf > DEV_BDF_MAX || bar >= DEV_BARS)
		return mm_reply(reply, -ERR_INVAL);
	int err = kcall_dev_info((uint16_t)bdf, &info);
	if (err < 0)
		return mm_reply(reply, err);
	if (info.owner != p->pid)
		return mm_reply(reply, -ERR_PERM);
	const struct dev_bar *b = &info.bar[bar];
	if (!(b->flags & DEV_BAR_MAPPABLE))
		return mm_reply(reply, -ERR_INVAL);
	uint32_t dev = (uint32_t)(bdf | bar << 16);
	struct mm_region *r = mmio_region(p, dev);
	if (r)
		return mmio_answer(reply, r);
	if (!bar_is_not_ram(b))
		return mm_reply(reply, -ERR_BUG);
	vaddr_t start = region_find_gap(p, b->size, USER_MMAP_BASE, MMAP_TOP);
	if (!start)
		return mm_reply(reply, -ERR_NOMEM);
	err = region_add(p, start, start + b->size, MM_PROT_READ | MM_PROT_WRITE, REGION_MMIO, &r);
	if (err < 0)
		return mm_reply(reply, err);
	r->mmio_pa = b->base;
	r->mmio_dev = dev;
	return mmio_answer(reply, r);
}

/* ---- MM_DEV_OPEN ---- */

int mm_handle_dev_open(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	struct mm_proc *p = mm_caller(from);
	uint64_t ids = req->w[0], want = req->w[1];
	struct dev_info info;
	if (!p)
		return mm_reply(reply, -ERR_SRCH);
	if (ids > 0xffffffffu)
		return mm_reply(reply, -ERR_INVAL);
	for (unsigned bdf = 0; bdf < BUS0_BDFS; bdf++) {
		if (kcall_dev_info((uint16_t)bdf, &info) < 0 ||
		    ((uint32_t)info.vendor << 16 | info.device) != ids)
			continue;
		if (want > 0) {
			want--;                 /* an earlier one of the same kind */
			continue;
		}
		if (info.owner == 0)
			return mm_reply(reply, -ERR_AGAIN);
		int err = kcall_ipc_allow(p->pid, info.owner);
		if (err < 0)
			return mm_reply(reply, err);
		reply->w[0] = bdf;
		return mm_reply(reply, info.owner);
	}
	return mm_reply(reply, -ERR_NOENT);
}
