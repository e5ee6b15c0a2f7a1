/*
 * iommu_fault.c - what mm does when the IOMMU blocks a DMA, what it
 * tells memstat, and the rogue demo's teaching aid (docs/iommu.md).
 *
 * Fault path: the kernel reads the fault records and sends MM_IOMMU_FAULT
 * (kernel/arch/x86_64/vtd_fault.c, kernel/iommucall.c); here every fault
 * is counted against its device (a record is made for a device mm had
 * not heard of) and logged as one line naming the device (bdf, name),
 * its driver (pid, name), the address, the direction and the reason:
 *
 *   mm: iommu: DMA fault: device 00:05.0 (edu), driver pid 5 (rogue): write at 0x7f3000: not mapped writable (hardware reason 5), x1
 *
 * The first IOMMU_LOG_LINES faults get a line each, then a summary line
 * every IOMMU_SUMMARY_EVERY faults, so a storm costs the console little;
 * no count is lost: the kernel's own losses (its ring was full, or the
 * hardware overflowed) ride on each message and are added and reported.
 *
 * Policy: the first fault of a device kills its driver (status -1,
 * logged). A driver that aims its device outside its grants is buggy or
 * hostile, and killing it is what stops the device: the kernel turns bus
 * mastering off and reads it back before it reports the exit, and then
 * the domain is torn down (iommu_proc_exit) before any frame is freed.
 * Faults already in flight are still counted; the driver is killed once.
 * The mm option `faultlog` keeps drivers alive (faults only logged and
 * counted): for the fault-storm test and for trying every demo target in
 * one boot.
 *
 * MM_DEMO_PADDR (mm option `demo` only): the physical addresses a rogue
 * driver needs to aim at memory that is not its own. A real attacker
 * finds them by other means; the demo asks, so that the lab is about
 * what the IOMMU does, not about finding addresses.
 *
 * Not supported: a fault policy per driver, restarting a killed driver.
 */
#include <stdio.h>
#include <pagoda/dev.h>
#include "iommu_domain.h"
#include "kcall.h"
#include "mm_env.h"

static struct {
	uint64_t faults, lost, overflows;
	unsigned lines;
	uint64_t next_summary;
} fs = { .next_summary = IOMMU_SUMMARY_EVERY };

void iommu_fault_reset(void)
{
	fs = (typeof(fs)){ .next_summary = IOMMU_SUMMARY_EVERY };
}

void iommu_fault_totals(uint64_t *faults, uint64_t *lost, uint64_t *overflows)
{
	*faults = fs.faults;
	*lost = fs.lost;
	*overflows = fs.overflows;
}

static const char *reason_name(uint64_t r)
{
	static const char *const names[] = {
		[MM_IOMMU_REASON_NO_DOMAIN] = "the device has no domain",
		[MM_IOMMU_REASON_NO_WRITE] = "not mapped writable",
		[MM_IOMMU_REASON_NO_READ] = "not mapped",
		[MM_IOMMU_REASON_ADDRESS] = "beyond the address width",
		[MM_IOMMU_REASON_TABLES] = "malformed tables",
		[MM_IOMMU_REASON_OTHER] = "other",
	};
	return r < sizeof names / sizeof names[0] && names[r] ? names[r] : "unknown";
}

static int owner_of(uint16_t bdf)
{
	struct dev_info info;
	return kcall_dev_info(bdf, &info) < 0 ? 0 : info.owner;
}

/* The driver of d now: the domain's, else the kernel's owner. */
static int driver_of(const struct iommu_device *d, const char **name)
{
	int pid = d->driver ? d->driver : owner_of(d->bdf);
	const struct mm_proc *p = pid > 0 ? mm_proc_find(pid) : NULL;
	*name = p ? p->name : "none";
	return pid > 0 ? pid : 0;
}

static void log_fault(const struct iommu_device *d, const struct ipc_msg *m)
{
	const char *dname;
	int pid = driver_of(d, &dname);
	mm_print("mm: iommu: DMA fault: device %02x:%02x.%x (%s), driver pid %d (%s): %s at %#lx: "
	       "%s (hardware reason %lu), x%lu\n", d->bdf >> 8, d->bdf >> 3 & 0x1f, d->bdf & 7,
	       d->name, pid, dname, m->w[2] == MM_IOMMU_FAULT_WRITE ? "write" : "read",
	       (unsigned long)m->w[0], reason_name(m->w[3]), (unsigned long)m->w[4],
	       (unsigned long)m->w[5]);
}

/* The policy: kill the driver of d at its first fault (unless faultlog). */
static void apply_policy(struct iommu_device *d)
{
	const char *dname;
	int pid = driver_of(d, &dname);
	if ((mm_debug & MM_DEBUG_FAULTLOG) || pid <= 0 || d->kills > 0)
		return;
	const struct mm_proc *p = mm_proc_find(pid);
	if (!p || !p->alive)
		return;
	d->kills++;
	mm_print("mm: iommu: policy: killing pid %d (%s), the driver of %02x:%02x.%x, at its "
	       "device's first DMA fault (the kernel stops the device first)\n", pid, dname,
	       d->bdf >> 8, d->bdf >> 3 & 0x1f, d->bdf & 7);
	kcall_kill(pid, -1);
}

static void log_totals(uint64_t lost, uint64_t overflows)
{
	if (fs.lines < IOMMU_LOG_LINES && (lost || overflows))
		mm_print("mm: iommu: %lu faults counted without a record, %lu hardware overflows\n",
		       (unsigned long)lost, (unsigned long)overflows);
	if (fs.lines < IOMMU_LOG_LINES && ++fs.lines == IOMMU_LOG_LINES)
		mm_print("mm: iommu: further faults are counted, with a summary every %d\n",
		       IOMMU_SUMMARY_EVERY);
	if (fs.lines >= IOMMU_LOG_LINES && fs.faults >= fs.next_summary) {
		mm_print("mm: iommu: %lu DMA faults so far (%lu without a record, %lu hardware "
		       "overflows)\n", (unsigned long)fs.faults, (unsigned long)fs.lost,
		       (unsigned long)fs.overflows);
		fs.next_summary = fs.faults + IOMMU_SUMMARY_EVERY;
	}
}

void mm_handle_iommu_fault(const struct ipc_msg *m)
{
	uint64_t lost = m->w[6] & 0xffffffffu, overflows = m->w[6] >> 32;
	fs.faults += m->w[5] + lost;
	fs.lost += lost;
	fs.overflows += overflows;
	struct iommu_device *d = m->w[5] && m->w[1] <= 0xffff ? iommu_device_record((uint16_t)m->w[1])
							       : NULL;
	if (d) {
		d->faults += m->w[5];
		d->last_fault = m->w[0];
		if (fs.lines < IOMMU_LOG_LINES)
			log_fault(d, m);
		apply_policy(d);
	} else if (m->w[5] && fs.lines < IOMMU_LOG_LINES) {
		mm_print("mm: iommu: DMA fault from bdf %#lx at %#lx (no room to record the device)\n",
		       (unsigned long)m->w[1], (unsigned long)m->w[0]);
	}
	log_totals(lost, overflows);
}

/* ---- MM_IOMMU_STAT ------------------------------------------------------------- */

static void fill_info(const struct iommu_device *d, struct mm_iommu_dev_info *out)
{
	*out = (struct mm_iommu_dev_info){
		.bdf = d->bdf, .domain = d->dom, .driver = d->driver, .nmaps = d->nmaps,
		.faults = d->faults, .lost = d->lost, .last_fault = d->last_fault,
		.tables = d->tables, .kills = d->kills,
	};
	snprintf(out->name, sizeof out->name, "%s", d->name);
	snprintf(out->driver_name, sizeof out->driver_name, "%s", d->dom ? d->driver_name : "");
	for (unsigned i = 0; i < d->nmaps && i < MM_IOMMU_STAT_MAPS; i++) {
		const struct iommu_mapping *m = &d->map[i];
		out->map[i].iova = m->iova;
		out->map[i].npages = m->npages;
		out->map[i].pa = pfn_to_pa(m->pfn);
		out->map[i].rights = m->rights;
		out->map[i].grant = m->id;
	}
}

int mm_handle_iommu_stat(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	struct mm_proc *p = mm_caller(from);
	if (!p)
		return mm_reply(reply, -ERR_SRCH);
	if (req->w[2] != sizeof(struct mm_iommu_dev_info))
		return mm_reply(reply, -ERR_INVAL);
	unsigned n = 0;
	while (iommu_device_at(n))
		n++;
	reply->w[0] = n;
	iommu_fault_totals(&reply->w[1], &reply->w[2], &reply->w[3]);
	reply->w[4] = iommu_domains_on();
	const struct iommu_device *d = req->w[0] < n ? iommu_device_at((unsigned)req->w[0]) : NULL;
	if (!d)
		return mm_reply(reply, -ERR_NOENT);
	struct mm_iommu_dev_info info;
	fill_info(d, &info);
	int err = mm_copy_to(p, req->w[1], &info, sizeof info);
	return mm_reply(reply, err < 0 ? err : 0);
}

/* ---- MM_DEMO_PADDR --------------------------------------------------------------- */

#define KERNEL_LOAD_PA 0x100000ULL  /* boot/kernel.ld: the kernel image starts at 1 MiB */

static int demo_target(uint64_t kind, const struct mm_proc *t, vaddr_t va, paddr_t *pa)
{
	int64_t e;
	switch (kind) {
	case MM_DEMO_VICTIM:
		e = kcall_lookup(t->pid, page_round_down(va));
		if (e < 0)
			return -ERR_NOENT;
		*pa = ((paddr_t)e & PAGE_MASK) + (va & ~PAGE_MASK);
		return 0;
	case MM_DEMO_MM:
		*pa = mm_virt_to_phys(pfn_to_page(0));
		return 0;
	case MM_DEMO_PAGETABLE:
		*pa = pfn_to_pa(t->root);
		return 0;
	default:
		*pa = KERNEL_LOAD_PA;
		return 0;
	}
}

int mm_handle_demo_paddr(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	if (!mm_caller(from))
		return mm_reply(reply, -ERR_SRCH);
	if (!(mm_debug & MM_DEBUG_DEMO))
		return mm_reply(reply, -ERR_PERM);
	if (req->w[0] > MM_DEMO_KERNEL)
		return mm_reply(reply, -ERR_INVAL);
	const struct mm_proc *t = req->w[1] <= INT32_MAX ? mm_proc_find((int)req->w[1]) : NULL;
	if (!t || !t->alive)
		return mm_reply(reply, -ERR_SRCH);
	paddr_t pa = 0;
	int err = demo_target(req->w[0], t, (vaddr_t)req->w[2], &pa);
	reply->w[0] = pa;
	return mm_reply(reply, err);
}
