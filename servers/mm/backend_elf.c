/*
 * backend_elf.c - a program segment backed by its boot module (backend.h).
 *
 * The region records where the segment's file bytes are (file_pa, in the
 * module, reached through mm's physical window), the virtual address they
 * start at (file_va) and how many there are (file_len); past them the
 * segment is zeros (.bss). A page is filled on first touch with
 * elf_copy_page (lib/elf.c, shared with the kernel's own loader) into a
 * zeroed private frame, kept like an anonymous page on the process's
 * frame list (backend_private_* in backend_anon.c).
 *
 * Eviction: a page that was never written since it was filled is a copy of
 * the module, so it can be given up: unmapped and freed, and the next
 * fault reads it again. A written page cannot (there is no swap to keep
 * its data): the kernel's dirty bit, returned by SYS_MM_UNMAP, says which,
 * and PG_DIRTY remembers it once seen, since re-mapping the page starts the
 * hardware bit afresh.
 */
#include "backend.h"
#include "buddy.h"
#include "kcall.h"
#include "mm_env.h"
#include "elf.h"

static pfn_t elf_fill(struct mm_proc *p, struct mm_region *r, vaddr_t va)
{
	pfn_t pfn = buddy_alloc(0, MM_ZERO);
	if (pfn != PFN_NONE)
		elf_copy_page(pfn_to_virt(pfn), va, r->file_va, mm_phys_to_virt(r->file_pa), r->file_len);
	return pfn;
}

/* Put back a page elf_evict found written. The leaf page table is still
 * there (nothing pruned it meanwhile), so the kernel needs no spare. */
static int elf_keep(struct mm_proc *p, struct mm_region *r, vaddr_t va, pfn_t pfn)
{
	static const paddr_t no_spares[MM_MAP_SPARES] = { PADDR_NONE, PADDR_NONE, PADDR_NONE };
	pfn_to_page(pfn)->flags |= PG_DIRTY;
	int err = kcall_map(p->pid, va, pfn_to_pa(pfn), mm_rights(r->prot), no_spares);
	if (err < 0 && err != -ERR_SRCH)
		mm_bug("elf_keep: cannot map pid %d page %#lx back: %s", p->pid, (unsigned long)va,
		       pagoda_strerror(-err));
	return -ERR_BUSY;
}

static int elf_evict(struct mm_proc *p, struct mm_region *r, vaddr_t va, pfn_t pfn)
{
	if (pfn_to_page(pfn)->flags & PG_DIRTY)
		return -ERR_BUSY;
	int64_t old = kcall_unmap(p->pid, va);
	if (old < 0)
		return (int)old;
	if (old & MM_PTE_DIRTY)
		return elf_keep(p, r, va, pfn);
	int err = mm_proc_disown(p, pfn);
	if (err == 0)
		buddy_free(pfn, 0);
	return err;
}

const struct mm_backend backend_elf = {
	.name = "elf",
	.private_frames = true,
	.fill = elf_fill,
	.for_each_present = backend_private_for_each,
	.unmap = backend_private_unmap,
	.evict = elf_evict,
	.detach = backend_private_detach,
};
