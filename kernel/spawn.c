/*
 * spawn.c - turning a boot module (an ELF64 executable) into a process,
 * with frames from the boot-only allocator.
 *
 * Steps: validate the whole ELF image (elf.c) before touching anything;
 * make an address space; map each loadable segment page by page with its
 * rights (read always, write if PF_W, execute only if PF_X: no page is
 * writable and executable unless the ELF asks), copying the file bytes and
 * leaving the rest zero; map a USER_STACK_PAGES stack under
 * USER_STACK_TOP with the page below it left unmapped as a guard; lay out
 * argc/argv on the stack as the System V ABI describes; start one thread
 * at the entry point.
 *
 * Two segments may share a page at their edges; that page gets the union
 * of their rights.
 */
#include "spawn.h"
#include "bootmem.h"
#include "elf.h"
#include "vm.h"
#include "arch/x86_64/mmu.h"

static void refill(struct frame_supply *s)
{
	unsigned keep = s->count - s->used;
	for (unsigned i = 0; i < keep; i++)
		s->frames[i] = s->frames[s->used + i];
	s->count = keep;
	s->used = 0;
	while (s->count < 3)
		s->frames[s->count++] = bootmem_alloc();
}

/* Map one page at va (if not yet mapped) and return its physical address. */
static paddr_t map_page(paddr_t root, vaddr_t va, unsigned rights, struct frame_supply *s)
{
	paddr_t pa = vm_translate(root, va, 0);
	if (pa != VM_NO_PADDR) {
		vm_protect_add(root, va, rights);
		return pa;
	}
	refill(s);
	pa = bootmem_alloc();
	if (vm_map(root, va, pa, rights, s) < 0)
		panic("spawn: cannot map %#lx", va);
	return pa;
}

static void load_segment(paddr_t root, const uint8_t *file, const struct elf_segment *seg,
			 struct frame_supply *s)
{
	unsigned rights = VM_READ | (seg->write ? VM_WRITE : 0) | (seg->exec ? VM_EXEC : 0);
	vaddr_t end = seg->vaddr + seg->memsz;
	for (vaddr_t va = page_round_down(seg->vaddr); va < end; va += PAGE_SIZE) {
		uint8_t *page = phys_to_virt(map_page(root, va, rights, s));
		/* file bytes that fall in [va, va + PAGE_SIZE) */
		vaddr_t lo = va > seg->vaddr ? va : seg->vaddr;
		vaddr_t hi = seg->vaddr + seg->filesz;
		if (hi > va + PAGE_SIZE)
			hi = va + PAGE_SIZE;
		if (lo < hi)
			memcpy(page + (lo - va), file + seg->offset + (lo - seg->vaddr), hi - lo);
	}
}

/* Split "path a b" into words, copy them onto the stack page, and build
 * argc, argv[], NULL, envp NULL below them. Returns the initial rsp. */
static vaddr_t push_args(uint8_t *top_page, const char *args)
{
	vaddr_t page_va = USER_STACK_TOP - PAGE_SIZE;
	size_t len = strnlen(args, BOOT_MODARGS_MAX);
	uint8_t *strs = top_page + PAGE_SIZE - (len + 1);
	memcpy(strs, args, len);
	strs[len] = '\0';
	vaddr_t argv[USER_ARGV_MAX];
	int argc = 0;
	for (size_t i = 0; i < len; i++) {
		if (strs[i] == ' ') {
			strs[i] = '\0';
		} else if ((i == 0 || strs[i - 1] == '\0') && argc < USER_ARGV_MAX) {
			argv[argc++] = page_va + (vaddr_t)(strs + i - top_page);
		}
	}
	uint64_t *sp = (uint64_t *)((uintptr_t)strs & ~(uintptr_t)15);
	sp -= (argc + 3 + 1) & ~1;          /* argc, argv[], NULL, envp NULL; 16-aligned */
	sp[0] = (uint64_t)argc;
	for (int i = 0; i < argc; i++)
		sp[1 + i] = argv[i];
	sp[1 + argc] = 0;
	sp[2 + argc] = 0;
	return page_va + (vaddr_t)((uint8_t *)sp - top_page);
}

struct proc *spawn_boot_module(const struct boot_module *m)
{
	const uint8_t *file = phys_to_virt(m->start);
	struct elf_image img;
	const char *why;
	if (elf_parse(file, m->end - m->start, USER_MIN, USER_STACK_TOP - (USER_STACK_PAGES + 1) * PAGE_SIZE,
		      &img, &why) < 0) {
		kprintf("boot: module '%s': %s; skipped\n", m->name, why);
		return NULL;
	}
	paddr_t root = bootmem_alloc();
	vm_space_init(root);
	struct proc *p = proc_create(m->name, root);
	if (!p) {
		kprintf("boot: module '%s': process table full; skipped\n", m->name);
		return NULL;
	}
	struct frame_supply s = { .count = 0 };
	for (int i = 0; i < img.nsegs; i++)
		load_segment(root, file, &img.segs[i], &s);
	paddr_t top = 0;
	for (int i = 1; i <= USER_STACK_PAGES; i++)
		top = map_page(root, USER_STACK_TOP - (vaddr_t)i * PAGE_SIZE, VM_READ | VM_WRITE, &s);
	top = vm_translate(root, USER_STACK_TOP - PAGE_SIZE, 0);
	vaddr_t rsp = push_args(phys_to_virt(top), m->args);
	if (!thread_create(p, img.entry, rsp)) {
		kprintf("boot: module '%s': thread table full; skipped\n", m->name);
		p->state = PROC_ZOMBIE;
		return NULL;
	}
	return p;
}
