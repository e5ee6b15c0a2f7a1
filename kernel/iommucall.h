/*
 * iommucall.h - set-up for the memory server's IOMMU calls, and the
 * kernel's fault reports to it (iommucall.c).
 */
#ifndef KERNEL_IOMMUCALL_H
#define KERNEL_IOMMUCALL_H

#include <pagoda/types.h>
#include <pagoda/ipc.h>

struct boot_info;

/* The boot memory map and the kernel image: what "RAM the memory server
 * manages" is checked against. */
void iommucall_init(const struct boot_info *bi, paddr_t image_start, paddr_t image_end);

/* The next MM_IOMMU_FAULT message for the memory server: true and *m
 * filled, or false if no fault is waiting. */
bool iommucall_report(struct ipc_msg *m);

#endif
