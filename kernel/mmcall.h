/*
 * mmcall.h - set-up for the memory server's system calls (mmcall.c).
 */
#ifndef KERNEL_MMCALL_H
#define KERNEL_MMCALL_H

#include <pagoda/types.h>

void mmcall_init(paddr_t ram_top, paddr_t image_start, paddr_t image_end);

#endif
