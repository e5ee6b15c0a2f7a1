/*
 * vm.h - user address spaces as page tables: the kernel's mechanism.
 *
 * The kernel has no frame allocator. Every operation that may need new
 * page-table pages takes a struct frame_supply: zeroed frames handed over
 * by whoever asks (the boot code now; the memory server later), of which
 * the call consumes what it needs and reports the rest unused.
 */
#ifndef KERNEL_VM_H
#define KERNEL_VM_H

#include "kernel.h"

struct frame_supply {
	paddr_t frames[4];
	unsigned count;         /* frames[0..count) are available */
	unsigned used;          /* how many of them the call consumed */
};

/* Rights of a user mapping, independent of the PTE encoding. */
#define VM_READ  0x1
#define VM_WRITE 0x2
#define VM_EXEC  0x4


void vm_space_init(paddr_t root);
int vm_map(paddr_t root, vaddr_t va, paddr_t pa, unsigned rights, struct frame_supply *s);
int vm_protect_add(paddr_t root, vaddr_t va, unsigned rights);
int vm_protect(paddr_t root, vaddr_t va, unsigned rights);
int vm_unmap(paddr_t root, vaddr_t va, uint64_t *old);
unsigned vm_tables_needed(paddr_t root, vaddr_t va);
uint64_t vm_accessed(paddr_t root, vaddr_t va, unsigned n);
int vm_map_2m(paddr_t root, vaddr_t va, paddr_t pa, unsigned rights, struct frame_supply *s);
paddr_t vm_translate(paddr_t root, vaddr_t va, unsigned need);
int vm_check_user(paddr_t root, vaddr_t va, size_t len, unsigned need);
int vm_copy_in(paddr_t root, void *dst, vaddr_t src, size_t len);
int vm_copy_out(paddr_t root, vaddr_t dst, const void *src, size_t len);

#endif
