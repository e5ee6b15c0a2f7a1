/*
 * kcall.c - the memory server's system calls to the kernel (kcall.h).
 *
 * One thin function per SYS_MM_* call: it puts the arguments in the
 * registers of pagoda/syscall.h and returns the kernel's answer. The
 * kernel checks every argument itself (kernel/mmcall.c), so nothing here
 * validates; what these functions add is one place that the host tests
 * replace with a model (tests/host/kcall_stub.c).
 */
#include <pagoda/sys.h>
#include "kcall.h"

int kcall_proc_create(const char *name, paddr_t root, unsigned flags)
{
	return (int)sys_call6(SYS_MM_PROC_CREATE, (uint64_t)(uintptr_t)name, root, flags, 0, 0, 0);
}

int kcall_thread_start(int pid, vaddr_t entry, vaddr_t rsp, uint64_t arg)
{
	return (int)sys_call6(SYS_MM_THREAD_START, (uint64_t)pid, entry, rsp, arg, 0, 0);
}

int kcall_map(int pid, vaddr_t va, paddr_t pa, uint64_t rights, const paddr_t *spares)
{
	_Static_assert(MM_MAP_SPARES == 3, "SYS_MM_MAP passes its spares in r8, r9, r12");
	return (int)sys_call7(SYS_MM_MAP, (uint64_t)pid, va, pa, rights,
			      spares[0], spares[1], spares[2]);
}

int kcall_map_run(int pid, vaddr_t va, paddr_t pa, uint64_t npages, uint64_t rights,
		  const paddr_t *spares)
{
	struct mm_map_run run = { va, pa, npages, rights };
	return (int)sys_call6(SYS_MM_MAP_RUN, (uint64_t)pid, (uint64_t)(uintptr_t)&run,
			      spares[0], spares[1], spares[2], 0);
}

int64_t kcall_unmap(int pid, vaddr_t va)
{
	return sys_call6(SYS_MM_UNMAP, (uint64_t)pid, va, 0, 0, 0, 0);
}

int kcall_protect(int pid, vaddr_t va, uint64_t rights)
{
	return (int)sys_call6(SYS_MM_PROTECT, (uint64_t)pid, va, rights, 0, 0, 0);
}

int64_t kcall_accessed(int pid, vaddr_t va, unsigned n)
{
	return sys_call6(SYS_MM_ACCESSED, (uint64_t)pid, va, n, 0, 0, 0);
}

int64_t kcall_lookup(int pid, vaddr_t va)
{
	return sys_call6(SYS_MM_LOOKUP, (uint64_t)pid, va, 0, 0, 0, 0);
}

int kcall_prune(int pid, vaddr_t va, uint64_t len, paddr_t *out, unsigned max)
{
	return (int)sys_call6(SYS_MM_PRUNE, (uint64_t)pid, va, len, (uint64_t)(uintptr_t)out, max, 0);
}

int kcall_copy(int src_pid, vaddr_t src, int dst_pid, vaddr_t dst, size_t len)
{
	return (int)sys_call6(SYS_MM_COPY, (uint64_t)src_pid, src, (uint64_t)dst_pid, dst, len, 0);
}

int kcall_kill(int pid, int status)
{
	return (int)sys_call6(SYS_MM_KILL, (uint64_t)pid, (uint64_t)(int64_t)status, 0, 0, 0, 0);
}

int kcall_proc_destroy(int pid)
{
	return (int)sys_call6(SYS_MM_PROC_DESTROY, (uint64_t)pid, 0, 0, 0, 0, 0);
}

int kcall_ipc_allow(int pid, int target_pid)
{
	return (int)sys_call6(SYS_MM_IPC_ALLOW, (uint64_t)pid, (uint64_t)target_pid, 0, 0, 0, 0);
}

int kcall_iommu_info(struct mm_iommu_info *out)
{
	return (int)sys_call6(SYS_MM_IOMMU_INFO, (uint64_t)(uintptr_t)out, 0, 0, 0, 0, 0);
}

int kcall_iommu_enable(paddr_t root)
{
	return (int)sys_call6(SYS_MM_IOMMU_ENABLE, root, 0, 0, 0, 0, 0);
}

int kcall_iommu_domain(unsigned op, unsigned dom, unsigned bdf, paddr_t frame)
{
	return (int)sys_call6(SYS_MM_IOMMU_DOMAIN, op, dom, bdf, frame, 0, 0);
}

int kcall_iommu_map(unsigned dom, uint64_t iova, paddr_t pa, uint64_t npages, uint64_t rights,
		    const paddr_t *spares)
{
	struct mm_map_run run = { iova, pa, npages, rights };
	return (int)sys_call6(SYS_MM_IOMMU_MAP, dom, (uint64_t)(uintptr_t)&run,
			      spares[0], spares[1], spares[2], 0);
}

int kcall_iommu_unmap(unsigned dom, uint64_t iova, uint64_t npages, paddr_t *out)
{
	return (int)sys_call6(SYS_MM_IOMMU_UNMAP, dom, iova, npages, (uint64_t)(uintptr_t)out, 0, 0);
}

int kcall_call(int pid, struct ipc_msg *m)
{
	return ipc_call(pid, m);
}

int kcall_reply(uint64_t handle, const struct ipc_msg *m)
{
	return ipc_reply(handle, m);
}

/* ---- devices ---- */

int kcall_dev_info(uint16_t bdf, struct dev_info *out)
{
	return (int)sys_call6(SYS_DEV_INFO, bdf, (uint64_t)(uintptr_t)out, 0, 0, 0, 0);
}

int kcall_map_mmio(int pid, vaddr_t va, paddr_t pa, uint32_t dev, const paddr_t *spares)
{
	return (int)sys_call7(SYS_MM_MAP_MMIO, (uint64_t)pid, va, pa, dev,
			      spares[0], spares[1], spares[2]);
}

int kcall_poweroff(int code)
{
	return (int)sys_poweroff(code);
}

/* ---- DMA: who owns a device ---- */

int kcall_device_owner(uint32_t bdf)
{
	return (int)sys_call6(SYS_MM_DEVICE, bdf, 0, 0, 0, 0, 0);
}
