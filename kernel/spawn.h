/*
 * spawn.h - building the memory server from its boot module at boot time.
 */
#ifndef KERNEL_SPAWN_H
#define KERNEL_SPAWN_H

#include "bootinfo.h"
#include "proc.h"

#define USER_STACK_PAGES 16     /* 64 KiB; the page below is the guard */

struct proc *spawn_memory_server(const struct boot_info *info, paddr_t kernel_start,
				 paddr_t kernel_end);

#endif
