/*
 * pagetable.h - what the portable kernel asks of the page-table hardware.
 *
 * One implementation per architecture (kernel/arch/x86_64/pagetable.c);
 * nothing here names an entry bit. A user address space is named by its
 * root: the physical address of its top-level table. Rights and page
 * state are portable (VM_* rights, struct pt_page); the implementation
 * translates them to and from entry bits.
 *
 * The kernel has no frame allocator. Every operation that may need new
 * page-table frames takes a struct frame_supply: frames (zeroed here)
 * handed over by whoever asks (the boot code, or the memory server's
 * SYS_MM_MAP spares), of which the call consumes, in order, what it needs
 * and reports how many in `used`.
 */
#ifndef KERNEL_PAGETABLE_H
#define KERNEL_PAGETABLE_H

#include <pagoda/types.h>
#include <pagoda/syscall.h>     /* MM_MAP_SPARES */

/* Rights of a user mapping (read is implied by a mapping). */
#define VM_READ  0x1
#define VM_WRITE 0x2
#define VM_EXEC  0x4
#define VM_UNCACHED 0x8         /* device memory: no caching (pt_map only) */

struct frame_supply {
	paddr_t frames[MM_MAP_SPARES];
	unsigned count;         /* frames[0..count) are available */
	unsigned used;          /* how many of them the call consumed */
};

/* Gather a system call's spares into s (supply.c): in order, PADDR_NONE
 * dropped; false if one fails ok() or two are the same. */
bool frame_supply_gather(struct frame_supply *s, const uint64_t in[MM_MAP_SPARES],
			 bool (*ok)(paddr_t pa));

/* A present 4 KiB user mapping, as pt_lookup and pt_unmap report it. */
struct pt_page {
	paddr_t pa;             /* the frame (page aligned) */
	unsigned rights;        /* VM_READ | VM_WRITE? | VM_EXEC? */
	bool accessed;          /* the hardware's accessed bit */
	bool dirty;             /* the hardware's dirty bit */
};

/* A fresh address space at root: empty user half, the kernel's own half. */
void pt_space_init(paddr_t root);

/* Map the 4 KiB page va -> pa with rights, taking new tables from s.
 * -ERR_INVAL (va not a page-aligned user address), -ERR_NOMEM (s ran
 * out), -ERR_BUSY (va is mapped). */
int pt_map(paddr_t root, vaddr_t va, paddr_t pa, unsigned rights, struct frame_supply *s);

/* Map a 2 MiB page (the memory server's window onto physical memory). */
int pt_map_2m(paddr_t root, vaddr_t va, paddr_t pa, unsigned rights, struct frame_supply *s);

/* What pt_map(root, va) would meet: -ERR_BUSY if a page is mapped at
 * va, else how many new tables it would need (0..MM_MAP_SPARES). */
int pt_map_probe(paddr_t root, vaddr_t va);

/* The present 4 KiB page at user address va (any offset): true and *out
 * filled, or false. Changes nothing. */
bool pt_lookup(paddr_t root, vaddr_t va, struct pt_page *out);

/* Remove the mapping at va; *old gets what it was. -ERR_NOENT. */
int pt_unmap(paddr_t root, vaddr_t va, struct pt_page *old);

/* Set (pt_protect) or widen (pt_protect_add) the rights of the mapping
 * at va. -ERR_NOENT if nothing is mapped there. */
int pt_protect(paddr_t root, vaddr_t va, unsigned rights);
int pt_protect_add(paddr_t root, vaddr_t va, unsigned rights);

/* The kernel wrote the page at va through its own window (vm_copy_out):
 * set its accessed and dirty bits as a user store would, so the memory
 * server, which learns of writes only from those bits, never takes the
 * page for clean and drops it (swap). Nothing if va is not mapped. */
void pt_mark_written(paddr_t root, vaddr_t va);

/* Read and clear the accessed bits of n pages from va: bit i for page i. */
uint64_t pt_accessed(paddr_t root, vaddr_t va, unsigned n);

/* Unlink every table below the root that maps nothing and whose span
 * meets the user range [va, end), bottom up; write their frames to
 * out[0..n), at most max. Returns n. */
unsigned pt_prune(paddr_t root, vaddr_t va, vaddr_t end, paddr_t *out, unsigned max);

/* Counting, before building an address space, the tables its mappings
 * will need (the boot code checks its frame budget first). Add the pages
 * in ascending address order within each group; a table is counted
 * again when a later group comes back to it, so the count is an upper
 * bound. Start from a zeroed tally. */
struct pt_tally {
	uint64_t last[MM_MAP_SPARES];   /* last table seen per level, plus one */
	unsigned tables;
};
void pt_tally_page(struct pt_tally *t, vaddr_t va, bool large);

#endif
