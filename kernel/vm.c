/*
 * vm.c - walking and editing x86_64 4-level page tables of user spaces.
 *
 * A user address space is a top-level table (PML4) whose slots 0..255 map
 * the user half and whose slots 256..511 are copied from the kernel's own
 * table (paging.c). The kernel reads and writes every table through the
 * physmap, so it never needs the table mapped in the current space.
 *
 * Rights: a user page is always PTE_U|PTE_P; VM_WRITE sets PTE_W; no
 * VM_EXEC sets PTE_NX. Intermediate tables are created user-writable and
 * executable so that the leaf entry alone decides the rights.
 *
 * Copies to and from user memory translate one page at a time and check
 * the leaf's rights first, so a bad pointer is an error code, never a
 * kernel page fault. Every range is checked completely before any byte
 * moves: a failing call changes nothing.
 */
#include "vm.h"
#include "arch/x86_64/arch.h"
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/x86.h"

static uint64_t *table(paddr_t pa)
{
	return phys_to_virt(pa & PTE_ADDR);
}

void vm_space_init(paddr_t root)
{
	uint64_t *pml4 = table(root);
	const uint64_t *kernel = table(paging_kernel_root());
	memset(pml4, 0, 256 * sizeof(uint64_t));
	memcpy(pml4 + 256, kernel + 256, 256 * sizeof(uint64_t));
}

/* The leaf entry for va, creating missing tables from s when s != NULL. */
static uint64_t *walk(paddr_t root, vaddr_t va, struct frame_supply *s)
{
	static const int shifts[3] = { 39, 30, 21 };
	uint64_t *t = table(root);
	for (int level = 0; level < 3; level++) {
		uint64_t *e = &t[(va >> shifts[level]) & 511];
		if (!(*e & PTE_P)) {
			if (!s || s->used >= s->count)
				return NULL;
			paddr_t pa = s->frames[s->used++];
			memset(table(pa), 0, PAGE_SIZE);
			*e = pa | PTE_P | PTE_W | PTE_U;
		}
		if (*e & PTE_PS)
			return NULL;    /* user spaces never hold large pages */
		t = table(*e);
	}
	return &t[PT_INDEX(va)];
}

static uint64_t pte_rights(unsigned rights)
{
	uint64_t f = PTE_P | PTE_U;
	if (rights & VM_WRITE)
		f |= PTE_W;
	if (!(rights & VM_EXEC))
		f |= PTE_NX;
	return f;
}

int vm_map(paddr_t root, vaddr_t va, paddr_t pa, unsigned rights, struct frame_supply *s)
{
	if (!va_is_user(va) || (va & ~PAGE_MASK) || (pa & ~PAGE_MASK))
		return -ERR_INVAL;
	uint64_t *pte = walk(root, va, s);
	if (!pte)
		return -ERR_NOMEM;
	if (*pte & PTE_P)
		return -ERR_BUSY;
	*pte = pa | pte_rights(rights);
	return 0;
}

/* How many page-table pages vm_map(root, va) would have to create. */
unsigned vm_tables_needed(paddr_t root, vaddr_t va)
{
	static const int shifts[3] = { 39, 30, 21 };
	uint64_t *t = table(root);
	for (int level = 0; level < 3; level++) {
		uint64_t e = t[(va >> shifts[level]) & 511];
		if (!(e & PTE_P))
			return (unsigned)(3 - level);
		if (e & PTE_PS)
			return 0;
		t = table(e);
	}
	return 0;
}

/* The present leaf entry for user address va, or NULL. */
static uint64_t *present_pte(paddr_t root, vaddr_t va)
{
	uint64_t *pte = va_is_user(va) ? walk(root, va, NULL) : NULL;
	return pte && (*pte & PTE_P) ? pte : NULL;
}

/* Remove the mapping at va; *old gets the previous leaf entry. */
int vm_unmap(paddr_t root, vaddr_t va, uint64_t *old)
{
	uint64_t *pte = present_pte(root, va);
	if (!pte)
		return -ERR_NOENT;
	*old = *pte;
	*pte = 0;
	invlpg(va);
	return 0;
}

/* Set the rights of an existing mapping. */
int vm_protect(paddr_t root, vaddr_t va, unsigned rights)
{
	uint64_t *pte = present_pte(root, va);
	if (!pte)
		return -ERR_NOENT;
	*pte = (*pte & (PTE_ADDR | PTE_A | PTE_D)) | pte_rights(rights);
	invlpg(va);
	return 0;
}

/* Read and clear the accessed bits of n pages from va: bit i for page i. */
uint64_t vm_accessed(paddr_t root, vaddr_t va, unsigned n)
{
	uint64_t bits = 0;
	for (unsigned i = 0; i < n; i++) {
		vaddr_t p = va + (vaddr_t)i * PAGE_SIZE;
		uint64_t *pte = present_pte(root, p);
		if (pte && (*pte & PTE_A)) {
			bits |= 1ULL << i;
			*pte &= ~PTE_A;
			invlpg(p);
		}
	}
	return bits;
}

/* Map a 2 MiB page (user half, for the memory server's window onto
 * physical memory). Needs up to two new tables from s. */
int vm_map_2m(paddr_t root, vaddr_t va, paddr_t pa, unsigned rights, struct frame_supply *s)
{
	static const int shifts[2] = { 39, 30 };
	uint64_t *t = table(root);
	for (int level = 0; level < 2; level++) {
		uint64_t *e = &t[(va >> shifts[level]) & 511];
		if (!(*e & PTE_P)) {
			if (s->used >= s->count)
				return -ERR_NOMEM;
			paddr_t f = s->frames[s->used++];
			memset(table(f), 0, PAGE_SIZE);
			*e = f | PTE_P | PTE_W | PTE_U;
		}
		t = table(*e);
	}
	t[PD_INDEX(va)] = pa | pte_rights(rights) | PTE_PS;
	return 0;
}

/* Widen the rights of an existing mapping (two ELF segments sharing a page). */
int vm_protect_add(paddr_t root, vaddr_t va, unsigned rights)
{
	uint64_t *pte = present_pte(root, va);
	if (!pte)
		return -ERR_INVAL;
	if (rights & VM_WRITE)
		*pte |= PTE_W;
	if (rights & VM_EXEC)
		*pte &= ~PTE_NX;
	invlpg(va);
	return 0;
}

/* The physical address backing va if its page allows `need`, else
 * PADDR_NONE (not 0: frame 0 is a real frame). */
paddr_t vm_translate(paddr_t root, vaddr_t va, unsigned need)
{
	uint64_t *pte = present_pte(root, va);
	if (!pte)
		return PADDR_NONE;
	if ((need & VM_WRITE) && !(*pte & PTE_W))
		return PADDR_NONE;
	return (*pte & PTE_ADDR) | (va & ~PAGE_MASK);
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
