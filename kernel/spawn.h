/*
 * spawn.h - building a process from a boot module at boot time.
 */
#ifndef KERNEL_SPAWN_H
#define KERNEL_SPAWN_H

#include "bootinfo.h"
#include "proc.h"

#define USER_STACK_PAGES 16     /* 64 KiB; the page below is the guard */
#define USER_ARGV_MAX    16

struct proc *spawn_boot_module(const struct boot_module *m);

#endif
