/*
 * vm.c - copies between kernel buffers and user memory.
 *
 * Copies translate one page at a time through the page-table interface
 * (pagetable.h) and check the page's rights first, so a bad pointer is an
 * error code, never a kernel page fault. Every range is checked
 * completely before any byte moves: a failing call changes nothing.
 */
#include "vm.h"
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

int vm_check_user(paddr_t root, vaddr_t va, size_t len, unsigned need)
{
	if (len == 0)
		return 0;
	if (va + len < va || !va_is_user(va) || !va_is_user(va + len - 1))
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
		if (out)
			memcpy(u, kbuf, chunk);
		else
			memcpy(kbuf, u, chunk);
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
