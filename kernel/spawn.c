/*
 * spawn.c - building the memory server, the one process the kernel makes,
 * from its boot module (an ELF64 executable), with frames from the
 * boot-only allocator. Every other process is the memory server's work.
 *
 * Steps: validate the whole ELF image (elf.c) and check that the boot
 * allocator has every frame the build will take (frames_needed, an upper
 * bound: too little memory is a clean failure naming the need, not a
 * panic halfway) before touching anything; make an address space; map each loadable segment page by page with its
 * rights (read always, write if PF_W, execute only if PF_X: no page is
 * writable and executable unless the ELF asks), copying the file bytes and
 * leaving the rest zero; map a USER_STACK_PAGES stack under
 * USER_STACK_TOP with the page below it left unmapped as a guard; lay out
 * argc/argv on the stack (ustack.c); start one thread
 * at the entry point.
 *
 * Two segments may share a page at their edges; that page gets the union
 * of their rights.
 *
 * The memory server additionally gets (pagoda/mmboot.h): all of physical
 * memory mapped read-write, no-execute, with 2 MiB pages at
 * MM_PHYS_WINDOW, and a read-only struct mm_boot_info at MM_BOOT_INFO_VA
 * listing the memory map, the modules and every range it must not hand
 * out (the kernel image, the modules, the frames used here).
 */
#include "spawn.h"
#include "bootmem.h"
#include "elf.h"
#include "ustack.h"
#include "vm.h"
#include "arch/x86_64/mmu.h"
#include <pagoda/mmboot.h>
#include <pagoda/mm.h>

#define WINDOW_PAGE     (2ULL << 20)    /* the window is mapped with 2 MiB pages */
#define BOOT_INFO_PAGES 2               /* struct mm_boot_info's pages */

static void refill(struct frame_supply *s)
{
	unsigned keep = s->count - s->used;
	for (unsigned i = 0; i < keep; i++)
		s->frames[i] = s->frames[s->used + i];
	s->count = keep;
	s->used = 0;
	while (s->count < MM_MAP_SPARES)
		s->frames[s->count++] = bootmem_alloc();
}

/* Map one page at va (if not yet mapped) and return its physical address. */
static paddr_t map_page(paddr_t root, vaddr_t va, unsigned rights, struct frame_supply *s)
{
	paddr_t pa = vm_translate(root, va, 0);
	if (pa != PADDR_NONE) {
		pt_protect_add(root, va, rights);
		return pa;
	}
	refill(s);
	pa = bootmem_alloc();
	if (pt_map(root, va, pa, rights, s) < 0)
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
		elf_copy_page(page, va, seg->vaddr, file + seg->offset, seg->filesz);
	}
}

/* Load module m (its ELF image checked into img) into a new address
 * space with one thread. */
static struct proc *load_module(const struct boot_module *m, const struct elf_image *img,
				unsigned flags, struct frame_supply *s)
{
	const uint8_t *file = phys_to_virt(m->start);
	paddr_t root = bootmem_alloc();
	pt_space_init(root);
	struct proc *p = proc_create(m->name, root, flags);
	for (int i = 0; i < img->nsegs; i++)
		load_segment(root, file, &img->segs[i], s);
	for (int i = 1; i <= USER_STACK_PAGES; i++)
		map_page(root, USER_STACK_TOP - (vaddr_t)i * PAGE_SIZE, VM_READ | VM_WRITE, s);
	paddr_t top = vm_translate(root, USER_STACK_TOP - PAGE_SIZE, 0);
	vaddr_t rsp = ustack_init(phys_to_virt(top), USER_STACK_TOP - PAGE_SIZE, m->args);
	thread_create(p, img->entry, rsp);
	return p;
}

/* An upper bound on the frames building the memory server takes: its
 * root, the pages of its segments and stack, the two boot-info pages,
 * the tables all of these and the window need, and the spares the last
 * refill leaves unused. */
static uint64_t frames_needed(const struct elf_image *img, paddr_t window)
{
	struct pt_tally t = { .tables = 0 };
	uint64_t leaves = 0;
	for (int i = 0; i < img->nsegs; i++) {
		const struct elf_segment *seg = &img->segs[i];
		for (vaddr_t va = page_round_down(seg->vaddr); va < seg->vaddr + seg->memsz;
		     va += PAGE_SIZE, leaves++)
			pt_tally_page(&t, va, false);
	}
	for (int i = USER_STACK_PAGES; i >= 1; i--, leaves++)
		pt_tally_page(&t, USER_STACK_TOP - (vaddr_t)i * PAGE_SIZE, false);
	for (paddr_t pa = 0; pa < window; pa += WINDOW_PAGE)
		pt_tally_page(&t, MM_PHYS_WINDOW + pa, true);
	for (int i = 0; i < BOOT_INFO_PAGES; i++, leaves++)
		pt_tally_page(&t, MM_BOOT_INFO_VA + (vaddr_t)i * PAGE_SIZE, false);
	return 1 + leaves + t.tables + MM_MAP_SPARES;
}

/* Decode before building: the module is a valid program and the boot
 * allocator has the frames it takes. False, with a message, if not. */
static bool check_module(const struct boot_module *m, const struct boot_info *info,
			 paddr_t window, struct elf_image *img)
{
	const char *why;
	vaddr_t hi = USER_STACK_TOP - (USER_STACK_PAGES + 1) * PAGE_SIZE;
	if (elf_parse(phys_to_virt(m->start), m->end - m->start, USER_MIN, hi, img, &why) < 0) {
		kprintf("boot: module '%s': %s; skipped\n", m->name, why);
		return false;
	}
	uint64_t need = frames_needed(img, window);
	uint64_t left = bootmem_frames_left(need);
	if (left < need) {
		kprintf("boot: not enough memory: building the memory server needs %lu KiB; "
			"%lu KiB are free (%lu KiB usable, the rest holds the kernel and the "
			"modules)\n", need * (PAGE_SIZE >> 10), left * (PAGE_SIZE >> 10),
			info->usable_bytes >> 10);
		return false;
	}
	return true;
}

static void map_phys_window(paddr_t root, paddr_t top, struct frame_supply *s)
{
	for (paddr_t pa = 0; pa < top; pa += WINDOW_PAGE) {
		refill(s);
		pt_map_2m(root, MM_PHYS_WINDOW + pa, pa, VM_READ | VM_WRITE, s);
	}
}

static void add_reserved(struct mm_boot_info *bi, paddr_t start, paddr_t end)
{
	if (bi->nreserved == MM_BOOT_RESERVED)
		panic("spawn: more than %d reserved ranges for the memory server", MM_BOOT_RESERVED);
	bi->reserved[bi->nreserved++] = (struct mm_boot_range){ start, end - start, MM_RANGE_RESERVED, 0 };
}

static void fill_boot_info(struct mm_boot_info *bi, const struct boot_info *info,
			   paddr_t kernel_start, paddr_t kernel_end, paddr_t window)
{
	bi->magic = MM_BOOT_MAGIC;
	bi->phys_window_size = window;
	for (int i = 0; i < info->nranges && i < MM_BOOT_RANGES; i++)
		bi->ranges[bi->nranges++] = (struct mm_boot_range){
			info->ranges[i].base, info->ranges[i].len, info->ranges[i].type, 0 };
	add_reserved(bi, kernel_start, kernel_end);
	for (int i = 0; i < info->nmodules && i < MM_BOOT_MODULES; i++) {
		const struct boot_module *m = &info->modules[i];
		struct mm_boot_module *o = &bi->modules[bi->nmodules++];
		o->start = m->start;
		o->end = m->end;
		strlcpy_k(o->name, m->name, sizeof o->name);
		strlcpy_k(o->args, m->args, sizeof o->args);
		add_reserved(bi, page_round_down(m->start), page_round_up(m->end));
	}
	const struct bootmem_run *runs;
	int n = bootmem_runs(&runs);
	for (int i = 0; i < n; i++)
		add_reserved(bi, runs[i].start, runs[i].end);
}

struct proc *spawn_memory_server(const struct boot_info *info, paddr_t kernel_start,
				 paddr_t kernel_end)
{
	const struct boot_module *m = NULL;
	for (int i = 0; i < info->nmodules; i++)
		if (!strcmp(info->modules[i].name, "mm"))
			m = &info->modules[i];
	if (!m) {
		kprintf("boot: no 'mm' module: the memory server is missing, nothing can run\n");
		return NULL;
	}
	_Static_assert(sizeof(struct mm_boot_info) <= BOOT_INFO_PAGES * PAGE_SIZE,
		       "boot info fits two pages");
	_Static_assert(BOOT_INFO_PAGES == 2, "the boot info is copied in two halves below");
	paddr_t window = (info->top_of_ram + WINDOW_PAGE - 1) & ~(WINDOW_PAGE - 1);
	struct elf_image img;
	if (!check_module(m, info, window, &img))
		return NULL;
	paddr_t info_pages[BOOT_INFO_PAGES] = { bootmem_alloc(), bootmem_alloc() };
	struct frame_supply s = { .count = 0 };
	struct proc *p = load_module(m, &img, PROC_FLAG_MM | PROC_FLAG_POWER, &s);
	if (p->pid != MM_PID)
		panic("spawn: the memory server got pid %d, not %d", p->pid, MM_PID);
	map_phys_window(p->root, window, &s);
	for (int i = 0; i < BOOT_INFO_PAGES; i++) {
		refill(&s);
		pt_map(p->root, MM_BOOT_INFO_VA + (vaddr_t)i * PAGE_SIZE, info_pages[i], VM_READ, &s);
	}
	/* Last: every bootmem frame is taken by now and can be listed. The
	 * two info pages are contiguous in the physmap only if the frames
	 * are, so fill a copy and split it. */
	static struct mm_boot_info bi;
	memset(&bi, 0, sizeof bi);
	fill_boot_info(&bi, info, kernel_start, kernel_end, window);
	memcpy(phys_to_virt(info_pages[0]), &bi, PAGE_SIZE);
	memcpy(phys_to_virt(info_pages[1]), (uint8_t *)&bi + PAGE_SIZE, sizeof bi - PAGE_SIZE);
	return p;
}
