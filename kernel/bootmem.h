/*
 * bootmem.h - the boot-only frame allocator.
 */
#ifndef KERNEL_BOOTMEM_H
#define KERNEL_BOOTMEM_H

#include "bootinfo.h"

#define BOOTMEM_MAX_RUNS 16

/* A run of frames the boot allocator handed out: [start, end). */
struct bootmem_run {
	paddr_t start, end;
};

void bootmem_init(const struct boot_info *bi, paddr_t kernel_end);
paddr_t bootmem_alloc(void);
uint64_t bootmem_frames_left(uint64_t enough);
void bootmem_seal(void);
uint64_t bootmem_used_frames(void);
int bootmem_runs(const struct bootmem_run **runs);

#endif
