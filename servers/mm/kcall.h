/*
 * kcall.h - the memory server's calls into the kernel, in one place.
 *
 * Every SYS_MM_* system call (libsys/include/pagoda/syscall.h), the
 * deferred IPC reply and the CALLs to servers mm makes go through these functions, and
 * only servers/mm/kcall.c makes them. That is what lets the host tests
 * link the real region.c, fault.c, proc.c, requests.c, shm.c and spawn.c
 * against tests/host/kcall_stub.c, a model of the kernel's page tables
 * (present, rights, accessed, dirty) kept in ordinary memory.
 *
 * Each returns what the kernel answered: >= 0, or -ERR_x.
 */
#ifndef MM_KCALL_H
#define MM_KCALL_H

#include <pagoda/types.h>
#include <pagoda/ipc.h>
#include <pagoda/syscall.h>

/* A new process named name whose top-level table is the frame root. */
int kcall_proc_create(const char *name, paddr_t root, unsigned flags);
/* Start the first thread of pid at entry with this stack pointer. */
int kcall_thread_start(int pid, vaddr_t entry, vaddr_t rsp, uint64_t arg);
/* Map pa at va; spares[MM_MAP_SPARES] may be PADDR_NONE. -> spares used. */
int kcall_map(int pid, vaddr_t va, paddr_t pa, uint64_t rights, const paddr_t *spares);
/* Unmap va. -> the old pa | MM_PTE_ACCESSED | MM_PTE_DIRTY (>= 0), or -ERR_x. */
int64_t kcall_unmap(int pid, vaddr_t va);
/* Map npages contiguous frames from pa at va, inside one 2 MiB span. -> spares used. */
int kcall_map_run(int pid, vaddr_t va, paddr_t pa, uint64_t npages, uint64_t rights,
		  const paddr_t *spares);
int kcall_protect(int pid, vaddr_t va, uint64_t rights);
/* Read and clear the accessed bits of n <= 63 pages from va (bit i: page i). */
int64_t kcall_accessed(int pid, vaddr_t va, unsigned n);
/* The mapping at va: pa | MM_PTE_* bits, nothing changed; -ERR_NOENT. */
int64_t kcall_lookup(int pid, vaddr_t va);
/* Unlink empty page tables of pid meeting [va, va + len): their pa's to out. */
int kcall_prune(int pid, vaddr_t va, uint64_t len, paddr_t *out, unsigned max);
/* Copy len bytes from (src pid, src va) to (dst pid, dst va). */
int kcall_copy(int src_pid, vaddr_t src, int dst_pid, vaddr_t dst, size_t len);
int kcall_kill(int pid, int status);
int kcall_proc_destroy(int pid);
int kcall_ipc_allow(int pid, int target_pid);
/* The IOMMU calls (SYS_MM_IOMMU_*, docs/iommu.md). */
int kcall_iommu_info(struct mm_iommu_info *out);
int kcall_iommu_enable(paddr_t root);
/* op MM_IOMMU_CREATE / _DESTROY / _ATTACH / _DETACH; frame or PADDR_NONE. */
int kcall_iommu_domain(unsigned op, unsigned dom, unsigned bdf, paddr_t frame);
/* Map npages frames from pa at iova in dom. -> spares used. */
int kcall_iommu_map(unsigned dom, uint64_t iova, paddr_t pa, uint64_t npages, uint64_t rights,
		    const paddr_t *spares);
/* Unmap npages from iova; out[MM_MAP_SPARES] gets the freed tables. -> how many. */
int kcall_iommu_unmap(unsigned dom, uint64_t iova, uint64_t npages, paddr_t *out);
/* CALL a server (the swap device): m is replaced by the reply. The
 * CALL's own status: 0, or -ERR_x (ERR_DEAD: it died first). */
int kcall_call(int pid, struct ipc_msg *m);
/* Answer a request whose reply was deferred (MM_WAIT). */
int kcall_reply(uint64_t handle, const struct ipc_msg *m);

/* ---- devices (device.c, backend_mmio.c; pagoda/dev.h) ---- */
struct dev_info;
/* What the kernel knows of device bdf (SYS_DEV_INFO): 0, or -ERR_NOENT. */
int kcall_dev_info(uint16_t bdf, struct dev_info *out);
/* Map the device page pa (inside BAR dev >> 16 of device dev & 0xffff,
 * which pid owns) at va, uncached (SYS_MM_MAP_MMIO). -> spares used. */
int kcall_map_mmio(int pid, vaddr_t va, paddr_t pa, uint32_t dev, const paddr_t *spares);
/* Power the machine off (SYS_POWEROFF): code 0 clean, else a failure. */
int kcall_poweroff(int code);
/* The pid that owns PCI device bdf (> 0), 0 if nobody does; -ERR_NOENT
 * if there is no such device, -ERR_NOSYS from a kernel without
 * SYS_MM_DEVICE (SYS_MM_DEVICE; DMA, servers/mm/grant.c). */
int kcall_device_owner(uint32_t bdf);

#endif
