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
 * the module, so it is given up without a write (unmapped and freed; the
 * next fault reads it again). A written page is anonymous memory from
 * then on: it goes to swap like one (backend_private_evict), and its fill
 * asks swap first. The kernel's dirty bit, returned by SYS_MM_UNMAP, says
 * which; PG_DIRTY remembers it when a page has to be mapped back (the
 * new mapping's bit starts clear). Without swap, a written page is kept
 * (ERR_BUSY).
 */
#include "backend.h"
#include "buddy.h"
#include "kcall.h"
#include "mm_env.h"
#include "elf.h"
#include "reclaim.h"
#include "lab.h"

static pfn_t elf_fill(struct mm_proc *p, struct mm_region *r, vaddr_t va)
{
	/* LAB fault: elf_fill: the page from swap if it has a slot, else a zeroed frame with the file bytes */
	int err;
	pfn_t pfn = backend_private_swapin(p, r, va, &err);
	if (pfn != PFN_NONE || err)
		return pfn;
	pfn = reclaim_alloc_user(MM_ZERO);
	if (pfn != PFN_NONE)
		elf_copy_page(pfn_to_virt(pfn), va, r->file_va, mm_phys_to_virt(r->file_pa), r->file_len);
	return pfn;
	/* LAB fault STUB: LAB_MISSING("fault", "elf_fill"); */
	/* LAB fault STUB: (void)p; (void)r; (void)va; */
	/* LAB fault STUB: return PFN_NONE; */
	/* LAB fault END */
}

static int elf_evict(struct mm_proc *p, struct mm_region *r, vaddr_t va, pfn_t pfn)
{
	int err = backend_private_evict(p, r, va, pfn, true);
	return err == -ERR_NOSYS || err == -ERR_NOSPC ? -ERR_BUSY : err;
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
