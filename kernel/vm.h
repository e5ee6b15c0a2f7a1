/*
 * vm.h - copying between the kernel and user address spaces (vm.c), over
 * the page-table interface (pagetable.h). vm_copy_in/vm_copy_out see only
 * pages already there; vm_user_ready first asks the memory server for
 * the missing pages of a thread's buffer, as a page fault would.
 */
#ifndef KERNEL_VM_H
#define KERNEL_VM_H

#include "kernel.h"
#include "pagetable.h"

struct thread;

paddr_t vm_translate(paddr_t root, vaddr_t va, unsigned need);
int vm_check_user(paddr_t root, vaddr_t va, size_t len, unsigned need);
int vm_copy_in(paddr_t root, void *dst, vaddr_t src, size_t len);
int vm_copy_out(paddr_t root, vaddr_t dst, const void *src, size_t len);
int vm_user_ready(struct thread *t, vaddr_t va, size_t len, unsigned need);

#endif
