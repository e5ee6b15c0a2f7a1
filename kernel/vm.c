/*
 * vm.c - copies between kernel buffers and user memory.
 *
 * Copies translate one page at a time through the page-table interface
 * (pagetable.h) and check the page's rights first, so a bad pointer is an
 * error code, never a kernel page fault. Every range is checked
 * completely before any byte moves: a failing call changes nothing.
 *
 * User memory is filled on first touch by the memory server, so a valid
 * buffer may simply not be there yet (a fresh heap block, an untouched
 * .bss array or string constant). Before a system call copies a thread's
 * buffer, vm_user_ready resolves every page that is missing (or, for an
 * output, read-only) the way a trap would: the thread CALLs the memory
 * server with an MM_FAULT marked MM_FAULT_COPY (fault_copy, fault.c) and
 * blocks until it answers; on MM_FAULT_RESUME the range is scanned again.
 * MM_FAULT_REFUSE makes the call fail with ERR_FAULT; MM_FAULT_KILL ends
 * the process. The rescans are bounded (twice the pages, plus one), so a
 * server that answers RESUME without mapping cannot loop us forever. The
 * memory server itself never takes this path: nobody could serve it.
 */
#include "vm.h"
#include "proc.h"
#include "fault.h"
#include "arch/x86_64/mmu.h"

/* The physical address backing va if its page allows `need`, else
 * PADDR_NONE (not 0: frame 0 is a real frame). */
paddr_t vm_translate(paddr_t root, vaddr_t va, unsigned need)
{
	struct pt_page pg;
	if (!pt_lookup(root, va, &pg))
		return PADDR_NONE;
	if ((need & VM_WRITE) && !(pg.rights & VM_WRITE))
		return PADDR_NONE;
	return pg.pa | (va & ~PAGE_MASK);
}

static bool range_is_user(vaddr_t va, size_t len)
{
	return va + len >= va && va_is_user(va) && va_is_user(va + len - 1);
}

int vm_check_user(paddr_t root, vaddr_t va, size_t len, unsigned need)
{
	if (len == 0)
		return 0;
	if (!range_is_user(va, len))
		return -ERR_FAULT;
	for (vaddr_t p = page_round_down(va); p < va + len; p += PAGE_SIZE)
		if (vm_translate(root, p, need) == PADDR_NONE)
			return -ERR_FAULT;
	return 0;
}

/* Copy between a kernel buffer and user memory that vm_check_user passed. */
static void copy_pages(paddr_t root, vaddr_t uva, uint8_t *kbuf, size_t len, bool out)
{
	while (len) {
		size_t chunk = PAGE_SIZE - (uva & ~PAGE_MASK);
		if (chunk > len)
			chunk = len;
		uint8_t *u = phys_to_virt(vm_translate(root, uva, 0));
		if (out) {
			memcpy(u, kbuf, chunk);
			pt_mark_written(root, uva);     /* as a user store would */
		} else {
			memcpy(kbuf, u, chunk);
		}
		uva += chunk;
		kbuf += chunk;
		len -= chunk;
	}
}

int vm_copy_in(paddr_t root, void *dst, vaddr_t src, size_t len)
{
	int err = vm_check_user(root, src, len, VM_READ);
	if (err)
		return err;
	copy_pages(root, src, dst, len, false);
	return 0;
}

int vm_copy_out(paddr_t root, vaddr_t dst, const void *src, size_t len)
{
	int err = vm_check_user(root, dst, len, VM_WRITE);
	if (err)
		return err;
	copy_pages(root, dst, (uint8_t *)src, len, true);
	return 0;
}

/* The first page of [va, va + len) that does not allow `need`; false if
 * every page does. */
static bool first_missing(paddr_t root, vaddr_t va, size_t len, unsigned need, vaddr_t *page)
{
	for (vaddr_t p = page_round_down(va); p < va + len; p += PAGE_SIZE) {
		if (vm_translate(root, p, need) == PADDR_NONE) {
			*page = p;
			return true;
		}
	}
	return false;
}

/* Make t's buffer [va, va + len) present with rights `need`: 0, or
 * -ERR_FAULT (not user memory, or the memory server refused a page). */
int vm_user_ready(struct thread *t, vaddr_t va, size_t len, unsigned need)
{
	paddr_t root = t->proc->root;
	if (len == 0)
		return 0;
	if (!range_is_user(va, len))
		return -ERR_FAULT;
	if (t->proc->flags & PROC_FLAG_MM)
		return vm_check_user(root, va, len, need);
	size_t pages = (page_round_up(va + len) - page_round_down(va)) / PAGE_SIZE;
	for (size_t round = 0; round <= 2 * pages; round++) {
		vaddr_t p;
		if (!first_missing(root, va, len, need, &p))
			return 0;
		struct pt_page pg;
		int err = fault_copy(p, (need & VM_WRITE) != 0, pt_lookup(root, p, &pg));
		if (err < 0)
			return err;
	}
	return -ERR_FAULT;
}
