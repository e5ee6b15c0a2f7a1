/*
 * syscall.h - the system call handlers, one per number in
 * libsys/include/pagoda/syscall.h. Each takes the caller's registers and
 * returns a value >= 0 or -ERR_x.
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include "proc.h"

typedef int64_t (*syscall_fn)(struct trapframe *tf);

/* mmcall.c: allowed to the memory server only */
int64_t sys_mm_proc_create(struct trapframe *tf);
int64_t sys_mm_thread_start(struct trapframe *tf);
int64_t sys_mm_map(struct trapframe *tf);
int64_t sys_mm_unmap(struct trapframe *tf);
int64_t sys_mm_protect(struct trapframe *tf);
int64_t sys_mm_accessed(struct trapframe *tf);
int64_t sys_mm_lookup(struct trapframe *tf);
int64_t sys_mm_prune(struct trapframe *tf);
int64_t sys_mm_map_run(struct trapframe *tf);
int64_t sys_mm_copy(struct trapframe *tf);
int64_t sys_mm_kill(struct trapframe *tf);
int64_t sys_mm_proc_destroy(struct trapframe *tf);
int64_t sys_mm_ipc_allow(struct trapframe *tf);
int64_t sys_mm_device(struct trapframe *tf);
int64_t sys_mm_map_mmio(struct trapframe *tf);

/* devcall.c: the driver calls (device.c decides who may) */
int64_t sys_dev_config_read(struct trapframe *tf);
int64_t sys_dev_config_write(struct trapframe *tf);
int64_t sys_dev_info(struct trapframe *tf);
int64_t sys_dev_irq_bind(struct trapframe *tf);
int64_t sys_dev_irq_unbind(struct trapframe *tf);
int64_t sys_dev_assign(struct trapframe *tf);

/* iommucall.c: allowed to the memory server only */
int64_t sys_mm_iommu_info(struct trapframe *tf);
int64_t sys_mm_iommu_enable(struct trapframe *tf);
int64_t sys_mm_iommu_domain(struct trapframe *tf);
int64_t sys_mm_iommu_map(struct trapframe *tf);
int64_t sys_mm_iommu_unmap(struct trapframe *tf);

#endif
