/*
 * mm_fixture.c - the memory server's policy code booted on the host. See
 * mm_fixture.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <pagoda/error.h>
#include <pagoda/mmboot.h>
#include "mm_env.h"
#include "zone.h"
#include "buddy.h"
#include "slab.h"
#include "kmalloc.h"
#include "check.h"
#include "reclaim.h"
#include "swap.h"
#include "dma.h"
#include "mm_stubs.h"
#include "mm_maps.h"
#include "elf_builder.h"
#include "mm_fixture.h"

static const struct mm_range ram[] = {
	{ 0, MiB(64), MM_RANGE_USABLE },
};

#define MODULES_PA  MiB(8)
#define MODULE_SLOT KiB(16)

static const struct mm_range modules_reserved[] = {
	{ MODULES_PA, 8 * MODULE_SLOT, MM_RANGE_RESERVED },
};

static struct mm_boot_info boot_info;
uint64_t baseline;
static uint64_t requests_made;

/* ---- the boot image ------------------------------------------------------- */

/* prog: see mm_fixture.h. Returns its size. */
static uint64_t build_prog(uint8_t *file)
{
	elf_build_header(file, PROG_ENTRY, 2);
	elf_build_load(file, 0, PF_R | PF_X, PROG_TEXT_OFF, PROG_TEXT_VA, PROG_TEXT_LEN, PROG_TEXT_LEN);
	elf_build_load(file, 1, PF_R | PF_W, PROG_DATA_OFF, PROG_DATA_VA, PROG_DATA_FILE, PROG_DATA_MEM);
	memset(file + PROG_TEXT_OFF, PROG_TEXT_BYTE, PROG_TEXT_LEN);
	for (uint64_t i = 0; i < PROG_DATA_FILE; i++)
		file[PROG_DATA_OFF + i] = PROG_DATA_BYTE(i);
	return PROG_DATA_OFF + PROG_DATA_FILE;
}

static uint64_t build_overlap(uint8_t *file)
{
	elf_build_header(file, 0x401010, 2);
	elf_build_load(file, 0, PF_R | PF_X, 0x1000, 0x401000, 0x100, 0x100);
	elf_build_load(file, 1, PF_R | PF_W, 0x1800, 0x401800, 0x10, 0x10);
	return 0x1810;
}

static void add_module(const char *name, uint64_t (*build)(uint8_t *))
{
	uint32_t i = boot_info.nmodules++;
	struct mm_boot_module *m = &boot_info.modules[i];
	paddr_t start = MODULES_PA + i * MODULE_SLOT;
	uint8_t *file = mm_phys_to_virt(start);
	uint64_t size;
	memset(file, 0, MODULE_SLOT);
	if (build) {
		size = build(file);
	} else {
		static const char junk[] = "#!/bin/sh\necho not an ELF\n";
		memcpy(file, junk, sizeof junk);
		size = 256;             /* big enough for a header: the magic is wrong */
	}
	m->start = start;
	m->end = start + size;
	snprintf(m->name, sizeof m->name, "%s", name);
	snprintf(m->args, sizeof m->args, "build/user/%s.elf", name);
}

/* ---- set-up ----------------------------------------------------------------- */

int mm_fixture_boot(void **state)
{
	(void)state;
	mm_debug = 0;
	stub_phys_setup(ram, ARRAY_LEN(ram), NULL, 0);   /* modules stay readable */
	if (zone_init(ram, ARRAY_LEN(ram), modules_reserved, ARRAY_LEN(modules_reserved)) < 0)
		return -1;
	slab_init();
	if (kmalloc_init() < 0)
		return -1;
	mm_proc_init();
	region_init();
	shm_init();
	grant_init();
	dma_stream_init();
	reclaim_init();
	swap_init();
	memset(&boot_info, 0, sizeof boot_info);
	boot_info.magic = MM_BOOT_MAGIC;
	add_module("prog", build_prog);
	add_module("overlap", build_overlap);
	add_module("junk", NULL);
	add_module("mm", build_prog);
	add_module("ramdisk", build_prog);
	add_module("devmgr", build_prog);
	add_module("init", build_prog);
	spawn_init(&boot_info);
	stub_kernel_reset();
	return 0;
}

int mm_fixture_shutdown(void **state)
{
	(void)state;
	stub_kernel_reset();
	stub_phys_teardown();
	return 0;
}

/* Every process exits, every record goes. */
static void clean_up(void)
{
	for (int round = 0; round < 8 && mm_proc_first(); round++) {
		for (struct mm_proc *p = mm_proc_first(); p; p = p->next)
			if (p->alive)
				stub_exit(p->pid, -1);
		stub_deliver_exits();
		struct mm_proc *p = mm_proc_first();
		while (p && p->alive)
			p = p->next;
		if (p)
			mm_proc_free(p);    /* a zombie nobody waits for any more */
	}
	while (mm_proc_first())
		mm_proc_free(mm_proc_first());
}

int mm_fixture_setup(void **state)
{
	(void)state;
	clean_up();
	stub_kernel_reset();
	stub_bug_reset();
	stub_print_reset();
	requests_made = 0;
	baseline = free_at_rest();
	return 0;
}

int mm_fixture_teardown(void **state)
{
	(void)state;
	clean_up();
	stub_kernel_reset();
	return 0;
}

uint64_t free_at_rest(void)
{
	slab_shrink_all();
	return zone_free_pages() + stub_spares_held();
}

/* ---- processes and requests ---------------------------------------------- */

struct mm_proc *proc(int pid)
{
	struct mm_proc *p = mm_proc_find(pid);
	assert_non_null(p);
	return p;
}

struct mm_proc *spawn(const char *line)
{
	int pid = mm_spawn_program(line, 0, 0);
	assert_true(pid > 0);
	return proc(pid);
}

int64_t request(int pid, int64_t tag, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3,
		struct ipc_msg *reply, int *answered)
{
	struct ipc_msg req = { .tag = tag, .w = { w0, w1, w2, w3 } };
	struct ipc_msg r = { .tag = -ERR_NOSYS };
	struct ipc_from from = { .pid = pid, .handle = 1000 + ++requests_made };
	int a = 1;
	if (tag >= 0 && tag < MM__REQUESTS && mm_handlers[tag])
		a = mm_handlers[tag](&req, &from, &r);
	if (answered)
		*answered = a;
	if (reply)
		*reply = r;
	return r.tag;
}

uint64_t last_handle(void)
{
	return 1000 + requests_made;
}

vaddr_t map_anon(int pid, uint64_t len, unsigned prot)
{
	struct ipc_msg r;
	assert_int_equal(request(pid, MM_MMAP, len, prot, MM_MAP_ANON, 0, &r, NULL), 0);
	return r.w[0];
}

vaddr_t map_shared(int pid, uint64_t len, unsigned prot, uint64_t key)
{
	struct ipc_msg r;
	assert_int_equal(request(pid, MM_MMAP, len, prot, MM_MAP_SHARED, key, &r, NULL), 0);
	return r.w[0];
}

/* ---- faults and user accesses --------------------------------------------- */

struct fault_call {
	struct ipc_msg req, reply;
	struct ipc_from from;
};

static void call_fault(void *arg)
{
	struct fault_call *c = arg;
	mm_handle_fault(&c->req, &c->from, &c->reply);
}

void capture_stdout(void (*fn)(void *), void *arg, char *buf, size_t size)
{
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	fflush(stdout);
	int saved = dup(STDOUT_FILENO);
	dup2(fileno(tmp), STDOUT_FILENO);
	fn(arg);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	rewind(tmp);
	size_t n = size ? fread(buf, 1, size - 1, tmp) : 0;
	if (size)
		buf[n] = '\0';
	fclose(tmp);
}

int64_t fault(int pid, vaddr_t va, uint64_t bits, char *said, size_t said_size)
{
	struct fault_call c = {
		.req = { .tag = MM_FAULT, .w = { va, bits, 0x401234 } },
		.reply = { .tag = -ERR_NOSYS },
		.from = { .pid = pid, .handle = 77 },
	};
	char sink[512];
	capture_stdout(call_fault, &c, said ? said : sink, said ? said_size : sizeof sink);
	if (c.reply.tag == MM_FAULT_KILL)
		stub_exit(pid, -1);         /* the kernel ends the process */
	return c.reply.tag;
}

int64_t touch(int pid, vaddr_t va, uint64_t bits)
{
	uint64_t why;
	if (stub_access(pid, va, bits, &why))
		return MM_FAULT_RESUME;
	int64_t tag = fault(pid, va, why, NULL, 0);
	if (tag != MM_FAULT_RESUME)
		return tag;
	assert_true(stub_access(pid, va, bits, &why));   /* resumed: it must go through */
	return MM_FAULT_RESUME;
}

static int64_t touch_range(int pid, vaddr_t va, size_t len, uint64_t bits)
{
	for (vaddr_t a = page_round_down(va); a < va + len; a += PAGE_SIZE) {
		int64_t tag = touch(pid, a < va ? va : a, bits);
		if (tag != MM_FAULT_RESUME)
			return tag;
	}
	return 0;
}

int64_t user_write(int pid, vaddr_t va, const void *buf, size_t len)
{
	int64_t tag = touch_range(pid, va, len, MM_FAULT_WRITE);
	if (tag)
		return tag;
	assert_int_equal(stub_user_write(pid, va, buf, len), 0);
	return 0;
}

int64_t user_read(int pid, vaddr_t va, void *buf, size_t len)
{
	int64_t tag = touch_range(pid, va, len, MM_FAULT_READ);
	if (tag)
		return tag;
	assert_int_equal(stub_user_read(pid, va, buf, len), 0);
	return 0;
}

void exit_proc(int pid, int status)
{
	stub_exit(pid, status);
	assert_true(stub_deliver_exits() >= 1);
}

/* ---- consistency with the kernel model ------------------------------------- */

struct tally {
	struct mm_proc *p;
	int pid;
	uint64_t private_pages, shared_pages, device_pages, grant_pages, strangers;
};

static void tally_mapping(vaddr_t va, paddr_t pa, uint64_t rights, bool accessed, bool dirty, void *arg)
{
	struct tally *t = arg;
	const struct mm_region *r = region_find(t->p, va);
	if (!pfn_valid(pa_to_pfn(pa))) {        /* device memory: only in MMIO regions */
		if (r && r->kind == REGION_MMIO && pa == r->mmio_pa + (va - r->start))
			t->device_pages++;
		else
			t->strangers++;
		return;
	}
	const struct page *pg = pfn_to_page(pa_to_pfn(pa));
	if (pg->state == PAGE_ALLOCATED && pg->use == PAGE_USE_USER && pg->owner == (uint32_t)t->pid &&
	    pg->index == va)
		t->private_pages++;
	else if (pg->state == PAGE_ALLOCATED && pg->use == PAGE_USE_USER && pg->owner == PAGE_OWNER_MM &&
		 pg->object != 0)
		t->shared_pages++;
	else if (pg->state == PAGE_ALLOCATED && pg->use == PAGE_USE_DMA && grant_maps(pa_to_pfn(pa), t->pid, va))
		t->grant_pages++;
	else
		t->strangers++;
}

void assert_mm_consistent(void)
{
	assert_int_equal(mm_check_all(), 0);
	assert_int_equal(stub_bug_count, 0);
	for (struct mm_proc *p = mm_proc_first(); p; p = p->next) {
		if (!p->alive || stub_state(p->pid) != STUB_ALIVE)
			continue;
		struct tally t = { .p = p, .pid = p->pid };
		stub_for_each_mapping(p->pid, tally_mapping, &t);
		assert_int_equal(t.strangers, 0);       /* only frames it owns or shares, or its devices' */
		assert_int_equal(t.private_pages, p->resident);
		assert_int_equal(stub_tables(p->pid) + 1, p->pagetables);
		assert_int_equal(stub_root(p->pid), pfn_to_pa(p->root));
		for (uint32_t f = p->frames; f != PAGE_LINK_NONE; f = pfn_to_page(f)->own.next)
			if (pfn_to_page(f)->use == PAGE_USE_PAGETABLE && f != p->root)
				assert_true(stub_is_table(p->pid, pfn_to_pa(f)));
	}
}
