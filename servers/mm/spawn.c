/*
 * spawn.c - creating processes from the programs in the boot image.
 *
 * The boot modules (other than the server itself) are the programs a
 * process can run, named by their file name ("hello"). Spawning:
 *   1. validate the program's ELF completely (lib/elf.c, shared code);
 *   2. a frame for the top-level page table; SYS_MM_PROC_CREATE;
 *   3. regions: one per loadable segment (pages come from the module on
 *      first touch - nothing is copied up front), an empty heap whose break
 *      starts at the end of the last segment (the rest of that page is the
 *      segment's, zeroed like .bss; the heap region begins at the next page
 *      boundary), a stack of MM_STACK_MAX under USER_STACK_TOP;
 *   4. the stack's top page, filled now with argc/argv (System V layout);
 *   5. IPC permissions the parent asked for; SYS_MM_THREAD_START.
 * A failure after step 2 kills the new process, and the normal exit path
 * (mm_handle_exit) frees whatever it had: one unwind path.
 *
 * A resident spawn (mm_spawn_resident: the swap device, servers/mm/
 * swapdev.c) is for a server mm will CALL and wait for, which must never
 * fault (a fault is a message to mm, which is not receiving: a deadlock).
 * It differs in three ways: its stack is MM_RESIDENT_STACK_PAGES, fixed;
 * before its thread starts, every page of every region is filled and
 * mapped (not through the fault path: these frames never enter a
 * replacement policy) and every frame is marked PG_PINNED; and a setup
 * hook maps what else it needs (the device's storage). Its module cannot
 * be started by MM_SPAWN.
 *
 * The processes mm starts itself at boot (mm_spawn_module) take their
 * arguments from their module line: init, and the device enumerator
 * (DEVMGR_MODULE, with PROC_FLAG_DEVMGR; nobody else may start that
 * module: ERR_PERM).
 */
#include <stdio.h>
#include <string.h>
#include <pagoda/mmboot.h>
#include "mm.h"
#include "reclaim.h"
#include "buddy.h"
#include "mm_env.h"
#include "kcall.h"
#include "elf.h"
#include "ustack.h"
#include "swapdev.h"
#include "backend.h"

static const struct mm_boot_info *boot;

void spawn_init(const void *boot_info)
{
	boot = boot_info;
}

const struct mm_boot_module *spawn_boot_module(const char *name)
{
	for (uint32_t i = 0; boot && i < boot->nmodules; i++)
		if (!strcmp(boot->modules[i].name, name))
			return &boot->modules[i];
	return NULL;
}

const struct mm_boot_module *spawn_boot_module_nth(unsigned index, unsigned *count)
{
	uint32_t n = boot ? boot->nmodules : 0;
	if (n > MM_BOOT_MODULES)
		n = MM_BOOT_MODULES;
	if (count)
		*count = n;
	return index < n ? &boot->modules[index] : NULL;
}

static int parse_module(const struct mm_boot_module *m, struct elf_image *img, const char **why)
{
	return elf_parse(mm_phys_to_virt(m->start), m->end - m->start, USER_MIN,
			 USER_STACK_TOP - MM_STACK_MAX - PAGE_SIZE, img, why);
}

bool spawn_module_is_program(const struct mm_boot_module *m)
{
	struct elf_image img;
	const char *why;
	return parse_module(m, &img, &why) == 0;
}

/* mm itself never runs twice; the swap device only resident, by mm. */
static const struct mm_boot_module *find_module(const char *name, unsigned flags)
{
	if (!strcmp(name, "mm") || (!(flags & MM_SPAWN_RESIDENT) && !strcmp(name, SWAPDEV_MODULE)))
		return NULL;
	return spawn_boot_module(name);
}

/* The program name: the first word of line, or "" (bounded by size). */
static void first_word(const char *line, char *name, size_t size)
{
	line += strspn(line, " ");
	size_t n = strcspn(line, " ");
	if (n >= size)
		n = size - 1;
	memcpy(name, line, n);
	name[n] = '\0';
}

static int add_segments(struct mm_proc *p, const struct mm_boot_module *m, const struct elf_image *img)
{
	vaddr_t top = 0;            /* end of the highest segment's memory (.bss) */
	for (int i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->segs[i];
		struct mm_region *r;
		unsigned prot = MM_PROT_READ | (s->write ? MM_PROT_WRITE : 0) | (s->exec ? MM_PROT_EXEC : 0);
		vaddr_t end = page_round_up(s->vaddr + s->memsz);
		int err = region_add(p, page_round_down(s->vaddr), end, prot, REGION_ELF, &r);
		if (err < 0)
			return err;
		r->file_pa = m->start + s->offset;
		r->file_va = s->vaddr;
		r->file_len = s->filesz;
		if (s->vaddr + s->memsz > top)
			top = s->vaddr + s->memsz;
	}
	p->brk_start = p->brk = top;    /* as on Unix: the heap continues .bss */
	return 0;
}

static int add_stack(struct mm_proc *p, const char *line, uint64_t size, vaddr_t *rsp)
{
	struct mm_region *stack;
	int err = region_add(p, USER_STACK_TOP - size, USER_STACK_TOP,
			     MM_PROT_READ | MM_PROT_WRITE, REGION_STACK, &stack);
	if (err < 0)
		return err;
	stack->guard = true;
	pfn_t pfn = buddy_alloc(0, MM_ZERO);
	if (pfn == PFN_NONE)
		return -ERR_NOMEM;
	*rsp = ustack_init(mm_phys_to_virt(pfn_to_pa(pfn)), USER_STACK_TOP - PAGE_SIZE, line);
	pfn_to_page(pfn)->flags |= PG_DIRTY;    /* written by us: no dirty bit says so */
	err = mm_proc_map(p, USER_STACK_TOP - PAGE_SIZE, pfn, MM_PROT_READ | MM_PROT_WRITE);
	if (err < 0) {
		buddy_free(pfn, 0);
		return err;
	}
	mm_proc_own(p, pfn, PAGE_USE_USER, USER_STACK_TOP - PAGE_SIZE);
	return 0;
}

static int allow_parent(int child, int parent)
{
	int err = kcall_ipc_allow(child, parent);
	if (err == 0)
		err = kcall_ipc_allow(parent, child);
	return err;
}

struct spawn_setup {
	mm_spawn_setup_fn fn;
	void *arg;
};

/* Resident: every page of every region present now, and every frame
 * pinned. The stack's top page (argv) is there already (ERR_BUSY). */
static int make_resident(struct mm_proc *p)
{
	for (struct mm_region *r = p->regions; r; r = r->next) {
		for (vaddr_t va = r->start; va < r->end; va += PAGE_SIZE) {
			pfn_t pfn = r->backend->fill(p, r, va);
			if (pfn == PFN_NONE)
				return -ERR_NOMEM;
			int err = mm_proc_map(p, va, pfn, r->prot);
			if (err < 0)
				buddy_free(pfn, 0);
			if (err == -ERR_BUSY)
				continue;
			if (err < 0)
				return err;
			mm_proc_own(p, pfn, PAGE_USE_USER, va);
		}
	}
	for (uint32_t f = p->frames; f != PAGE_LINK_NONE; f = pfn_to_page(f)->own.next) {
		pfn_to_page(f)->flags |= PG_PINNED;
		reclaim_forget(f);      /* never evicted: out of its pool */
	}
	return 0;
}

/* Steps 3-5 for a created process; on failure the caller kills it. */
static int populate(struct mm_proc *p, const struct mm_boot_module *m, const struct elf_image *img,
		    const char *line, unsigned flags, const struct spawn_setup *setup)
{
	vaddr_t rsp;
	bool resident = flags & MM_SPAWN_RESIDENT;
	int err = add_segments(p, m, img);
	if (!err)
		err = add_stack(p, line, resident ? MM_RESIDENT_STACK_PAGES * PAGE_SIZE : MM_STACK_MAX, &rsp);
	if (!err && resident)
		err = make_resident(p);
	if (!err && setup)
		err = setup->fn(p, setup->arg);
	if (!err && (flags & MM_SPAWN_IPC_PARENT) && p->parent > 0)
		err = allow_parent(p->pid, p->parent);
	if (!err) {
		int tid = kcall_thread_start(p->pid, img->entry, rsp, 0);
		err = tid < 0 ? tid : 0;
	}
	return err;
}

static int spawn(const char *argv_line, int parent, unsigned flags, const struct spawn_setup *setup)
{
	char name[sizeof ((struct mm_boot_module *)0)->name];
	first_word(argv_line, name, sizeof name);
	if (!strcmp(name, DEVMGR_MODULE) && !(flags & MM_SPAWN_DEVMGR))
		return -ERR_PERM;       /* the enumerator is mm's to start, once */
	const struct mm_boot_module *m = name[0] ? find_module(name, flags) : NULL;
	if (!m)
		return name[0] ? -ERR_NOENT : -ERR_INVAL;
	struct elf_image img;
	const char *why;
	if (parse_module(m, &img, &why) < 0) {
		printf("mm: cannot run '%s': %s\n", m->name, why);
		return -ERR_INVAL;
	}
	pfn_t root = buddy_alloc(0, MM_ZERO);
	if (root == PFN_NONE)
		return -ERR_NOMEM;
	unsigned kflags = ((flags & MM_SPAWN_POWER) ? PROC_FLAG_POWER : 0) |
			  ((flags & MM_SPAWN_DEVMGR) ? PROC_FLAG_DEVMGR : 0);
	int pid = kcall_proc_create(m->name, pfn_to_pa(root), kflags);
	struct mm_proc *p = pid > 0 ? mm_proc_new(pid, parent, m->name) : NULL;
	if (!p) {
		if (pid > 0 && kcall_kill(pid, -1) < 0)
			mm_bug("mm_spawn_program: the kernel cannot kill pid %d it just created", pid);
		buddy_free(root, 0);
		return pid < 0 ? pid : -ERR_NOMEM;
	}
	p->flags = kflags;
	p->root = root;
	mm_proc_own(p, root, PAGE_USE_PAGETABLE, 0);
	int err = populate(p, m, &img, argv_line, flags, setup);
	if (err < 0) {
		p->parent = 0;          /* nobody waits for it: its exit frees it all */
		if (kcall_kill(pid, -1) < 0)
			mm_bug("mm_spawn_program: the kernel cannot kill pid %d it just created", pid);
		return err;
	}
	return pid;
}

/* Start the program named by the first word of argv_line. Returns the pid. */
int mm_spawn_program(const char *argv_line, int parent, unsigned flags)
{
	return spawn(argv_line, parent, flags & ~(unsigned)(MM_SPAWN_RESIDENT | MM_SPAWN_DEVMGR), NULL);
}

/* Start boot module `module` with its module line's words as arguments
 * (argv[0] = the module's name), no parent: the processes mm itself
 * starts (init, the device enumerator). Returns the pid, or -ERR_NOENT
 * without such a module. */
int mm_spawn_module(const char *module, unsigned flags)
{
	char line[MM_ARGV_MAX];
	const struct mm_boot_module *m = spawn_boot_module(module);
	if (!m)
		return -ERR_NOENT;
	const char *args = strchr(m->args, ' ');
	snprintf(line, sizeof line, "%s%s", module, args ? args : "");
	return spawn(line, 0, flags & ~(unsigned)MM_SPAWN_RESIDENT, NULL);
}

/* init, allowed to power off; without it the system cannot run: say so
 * and power off with a failure. */
void mm_start_init(void)
{
	int err = mm_spawn_module("init", MM_SPAWN_POWER);
	if (err >= 0)
		return;
	printf("mm: cannot start init: %s\n", pagoda_strerror(err));
	fflush(stdout);
	kcall_poweroff(1);
}

/* A server mm calls synchronously: resident and pinned (see the top of
 * this file), no parent; setup(p, arg) runs before its thread starts. */
int mm_spawn_resident(const char *argv_line, mm_spawn_setup_fn setup, void *arg)
{
	struct spawn_setup s = { setup, arg };
	return spawn(argv_line, 0, MM_SPAWN_RESIDENT, setup ? &s : NULL);
}
