/*
 * iommucall.c - the memory server's IOMMU calls, SYS_MM_IOMMU_INFO ..
 * SYS_MM_IOMMU_UNMAP (pagoda/syscall.h), and the kernel's MM_IOMMU_FAULT
 * reports (pagoda/mm.h).
 *
 * Decode, then invoke, as mmcall.c: syscall_dispatch lets only the memory
 * server in; each handler here copies its structures in, checks what is
 * portable - the operation code, the bdf's range, an output buffer being
 * writable server memory, and that every frame is RAM the memory server
 * manages (dma_frames_ok) - and hands the rest to kernel/iommu.h, whose
 * implementation checks the domain, the IOVAs, the rights and that no
 * device could reach an IOMMU table, all before changing anything. Only
 * after the operation (and its invalidations) completed are results
 * copied out: UNMAP's table frames reach the memory server only once no
 * device can reach them.
 *
 * "RAM the memory server manages": inside one usable range of the cleaned
 * boot memory map (so never device memory, which is never usable RAM),
 * and outside the kernel image, the boot modules and the frames the
 * kernel built the memory server from (its boot-info pages and page
 * tables among them): exactly the frames mmboot.h lets it hand out.
 *
 * Fault reports: iommucall_report turns the oldest recorded fault into
 * an MM_IOMMU_FAULT message; ipc.c calls it when the memory server
 * receives (see ipc.c's pending_for).
 */
#include "kernel.h"
#include "bootinfo.h"
#include "bootmem.h"
#include "sched.h"
#include "vm.h"
#include "syscall.h"
#include "iommu.h"
#include "iommucall.h"
#include "arch/x86_64/syscall_regs.h"
#include <pagoda/mm.h>

static const struct boot_info *boot;
static paddr_t kernel_lo, kernel_hi;

void iommucall_init(const struct boot_info *bi, paddr_t image_start, paddr_t image_end)
{
	boot = bi;
	kernel_lo = image_start;
	kernel_hi = image_end;
}

static bool overlaps(paddr_t a, paddr_t a_end, paddr_t b, paddr_t b_end)
{
	return a < b_end && b < a_end;
}

/* [pa, pa + len) is page aligned RAM the memory server manages. */
static bool dma_frames_ok(paddr_t pa, uint64_t len)
{
	if (!boot || (pa & ~PAGE_MASK) || len == 0 || pa + len < pa ||
	    !bootinfo_usable(boot, pa, pa + len) || overlaps(pa, pa + len, kernel_lo, kernel_hi))
		return false;
	for (int i = 0; i < boot->nmodules; i++)
		if (overlaps(pa, pa + len, page_round_down(boot->modules[i].start),
			     page_round_up(boot->modules[i].end)))
			return false;
	const struct bootmem_run *runs;
	int n = bootmem_runs(&runs);
	for (int i = 0; i < n; i++)
		if (overlaps(pa, pa + len, runs[i].start, runs[i].end))
			return false;
	return true;
}

static bool frame_ok(paddr_t pa)
{
	return dma_frames_ok(pa, PAGE_SIZE);
}

/* (struct mm_iommu_info *out) -> 0 */
int64_t sys_mm_iommu_info(struct trapframe *tf)
{
	struct mm_iommu_info info;
	paddr_t mm_root = current_proc()->root;
	if (vm_check_user(mm_root, sc_arg(tf, 0), sizeof info, VM_WRITE) < 0)
		return -ERR_FAULT;
	iommu_info(&info);
	vm_copy_out(mm_root, sc_arg(tf, 0), &info, sizeof info);
	return 0;
}

/* (root frame) -> 0 */
int64_t sys_mm_iommu_enable(struct trapframe *tf)
{
	paddr_t root = sc_arg(tf, 0);
	struct mm_iommu_info info;
	iommu_info(&info);
	if (!(info.flags & MM_IOMMU_PRESENT))
		return -ERR_NOENT;
	if (!frame_ok(root))
		return -ERR_INVAL;
	return iommu_enable(root);
}

/* (op, domain, bdf, frame) -> by op */
int64_t sys_mm_iommu_domain(struct trapframe *tf)
{
	uint64_t op = sc_arg(tf, 0), dom = sc_arg(tf, 1), bdf = sc_arg(tf, 2);
	paddr_t frame = sc_arg(tf, 3);
	switch (op) {
	case MM_IOMMU_CREATE:
		return frame_ok(frame) ? iommu_domain_create(dom, frame) : -ERR_INVAL;
	case MM_IOMMU_DESTROY:
		return iommu_domain_destroy(dom);
	case MM_IOMMU_ATTACH:
		if (bdf > IOMMU_BDF_MAX || (frame != PADDR_NONE && !frame_ok(frame)))
			return -ERR_INVAL;
		return iommu_attach(dom, bdf, frame);
	case MM_IOMMU_DETACH:
		return bdf > IOMMU_BDF_MAX ? -ERR_INVAL : iommu_detach(dom, bdf);
	default:
		return -ERR_INVAL;
	}
}

/* (domain, const struct mm_map_run *run, spare0, spare1, spare2) -> spares used */
int64_t sys_mm_iommu_map(struct trapframe *tf)
{
	struct mm_map_run run;
	uint64_t spares[MM_MAP_SPARES] = { sc_arg(tf, 2), sc_arg(tf, 3), sc_arg(tf, 4) };
	struct frame_supply s;
	if (vm_copy_in(current_proc()->root, &run, sc_arg(tf, 1), sizeof run) < 0)
		return -ERR_FAULT;
	if (run.npages == 0 || run.npages > MM_MAP_RUN_MAX ||
	    !dma_frames_ok(run.pa, run.npages * PAGE_SIZE) || !frame_supply_gather(&s, spares, frame_ok))
		return -ERR_INVAL;
	return iommu_map(sc_arg(tf, 0), &run, &s);
}

/* (domain, iova, npages, uint64_t out[MM_MAP_SPARES]) -> n tables handed back */
int64_t sys_mm_iommu_unmap(struct trapframe *tf)
{
	paddr_t out[MM_MAP_SPARES];
	paddr_t mm_root = current_proc()->root;
	vaddr_t buf = sc_arg(tf, 3);
	if (vm_check_user(mm_root, buf, sizeof out, VM_WRITE) < 0)
		return -ERR_FAULT;
	int n = iommu_unmap(sc_arg(tf, 0), sc_arg(tf, 1), sc_arg(tf, 2), out);
	if (n > 0)
		vm_copy_out(mm_root, buf, out, (size_t)n * sizeof out[0]);
	return n;
}

bool iommucall_report(struct ipc_msg *m)
{
	struct iommu_fault f;
	if (!iommu_fault_take(&f))
		return false;
	uint64_t lost = (f.lost > 0xffffffffu ? 0xffffffffu : f.lost) |
			(f.overflows > 0xffffffffu ? 0xffffffffu : f.overflows) << 32;
	*m = (struct ipc_msg){ .tag = MM_IOMMU_FAULT, .w = {
		f.addr, f.bdf, f.write ? MM_IOMMU_FAULT_WRITE : MM_IOMMU_FAULT_READ, f.reason,
		f.hw_reason, f.count, lost } };
	return true;
}
