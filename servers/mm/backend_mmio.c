/*
 * backend_mmio.c - MM_DEV_MMIO regions: a driver's window onto one memory
 * BAR of a device it owns (backend.h).
 *
 * Device memory is not RAM. Its pages have no descriptor in mm_pages[]
 * (or, where the descriptor array happens to cover the address, a
 * reserved one: check.c verifies it), they belong to no process's frame
 * list and no shared object, they are never counted as resident, never
 * entered into a replacement policy, never evicted and never swapped.
 * So this backend has no fill: on a fault, map() asks the kernel to map
 * the device page itself (SYS_MM_MAP_MMIO), which maps it uncached and
 * checks again that the page lies in that BAR of a device the process
 * owns; the page tables the kernel takes for it are the process's like
 * any others. The region's page at start + off is the BAR's byte off.
 *
 * A region's present pages are found by asking the kernel (the BAR is
 * small next to a frame list: edu's is 256 pages); unmapping one frees
 * nothing. The region lives until its process ends; when the device is
 * taken from a process (it ends), its mappings go with its page tables.
 *
 * Not supported: partial windows onto a BAR, write-combining, read-only
 * device mappings, unmapping an MMIO region before exit (MM_MUNMAP takes
 * MM_MMAP regions only).
 */
#include "backend.h"
#include "kcall.h"

static int mmio_map(struct mm_proc *p, struct mm_region *r, vaddr_t va)
{
	paddr_t spares[MM_MAP_SPARES];
	if (mm_proc_spares(spares) < 0)
		return -ERR_NOMEM;
	int used = kcall_map_mmio(p->pid, va, r->mmio_pa + (va - r->start), r->mmio_dev, spares);
	if (used == -ERR_BUSY)
		return 0;               /* another thread of p mapped it first */
	if (used < 0)
		return used;
	mm_proc_spares_used(p, used);
	return 0;
}

static int mmio_for_each(struct mm_proc *p, struct mm_region *r, vaddr_t from, vaddr_t to,
			 backend_page_fn fn, uint64_t arg)
{
	for (vaddr_t va = from; va < to; va += PAGE_SIZE) {
		int64_t e = kcall_lookup(p->pid, va);
		if (e == -ERR_SRCH)
			return -ERR_SRCH;
		int err = e < 0 ? 0 : fn(p, r, va, pa_to_pfn((paddr_t)e), arg);
		if (err)
			return err;
	}
	return 0;
}

static int mmio_unmap(struct mm_proc *p, struct mm_region *r, vaddr_t va, pfn_t pfn)
{
	int64_t old = kcall_unmap(p->pid, va);
	return old == -ERR_SRCH ? -ERR_SRCH : 0;    /* the device page is nobody's to free */
}

static int mmio_evict(struct mm_proc *p, struct mm_region *r, vaddr_t va, pfn_t pfn)
{
	return -ERR_NOSYS;      /* device registers hold no data a disk could keep */
}

static void mmio_detach(struct mm_proc *p, struct mm_region *r)
{
}

const struct mm_backend backend_mmio = {
	.name = "mmio",
	.private_frames = false,
	.fill = NULL,
	.map = mmio_map,
	.for_each_present = mmio_for_each,
	.unmap = mmio_unmap,
	.evict = mmio_evict,
	.detach = mmio_detach,
};
