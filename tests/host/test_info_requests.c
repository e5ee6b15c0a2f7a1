/*
 * test_info_requests.c - memstat's and the shell's read-only requests on
 * the host: MM_BUDDYINFO and MM_SLABINFO (servers/mm/meminfo.c) and
 * MM_MODULE_INFO (module.c), against docs/mm-protocol.md.
 *
 * Every malformed field gets its documented error and changes nothing:
 * free frames, processes, the kernel model's mappings, the objects in
 * every slab cache, and the caller's buffer (a pattern written before is
 * still there). The answers are checked against the allocators' own
 * state: after a random alloc/free workload, each zone's free blocks
 * times their sizes add up to its free pages and to what MM_STAT says
 * (less mm's spare page-table frames, which MM_STAT counts as free); a
 * cache's in-use count rises by one per region a process maps. The boot
 * image is the fixture's seven modules plus one more, "about", a copy of
 * prog with a .pagoda.about section (elf_build_section).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <pagoda/error.h>
#include <pagoda/mmboot.h>
#include <pagoda/about.h>
#include "mm_env.h"
#include "buddy.h"
#include "slab.h"
#include "zone.h"
#include "mm_stubs.h"
#include "mm_maps.h"
#include "mm_fixture.h"
#include "elf_builder.h"
#include "rng.h"

#define NO_REGION 0x10000000ULL     /* inside no region of the fixture's program */
#define PATTERN 0xa5

static const char about_text[] = "a test program with a description";

/* ---- the boot image: the fixture's modules and "about" ---------------------- */

static struct mm_boot_info boot;

static void add_about_module(void)
{
	const struct mm_boot_module *prog = spawn_boot_module("prog");
	struct mm_boot_module *m = &boot.modules[boot.nmodules++];
	paddr_t start = MiB(8) + 7 * KiB(16);   /* the fixture's eighth reserved slot */
	uint8_t *file = mm_phys_to_virt(start);
	uint64_t size = prog->end - prog->start;
	memset(file, 0, KiB(16));
	memcpy(file, mm_phys_to_virt(prog->start), size);
	size = elf_build_section(file, (size + 15) & ~15ULL, PAGODA_ABOUT_SECTION, about_text,
				 sizeof about_text);
	assert_true(size <= KiB(16));
	*m = (struct mm_boot_module){ .start = start, .end = start + size };
	snprintf(m->name, sizeof m->name, "about");
}

static int boot_with_about(void **state)
{
	if (mm_fixture_boot(state) < 0)
		return -1;
	unsigned count;
	spawn_boot_module_nth(0, &count);
	memset(&boot, 0, sizeof boot);
	boot.magic = MM_BOOT_MAGIC;
	for (unsigned i = 0; i < count; i++)
		boot.modules[boot.nmodules++] = *spawn_boot_module_nth(i, NULL);
	add_about_module();
	spawn_init(&boot);
	return 0;
}

/* ---- "changes nothing" --------------------------------------------------- */

struct snapshot {
	uint64_t free, mapped, resident, slab_objs;
	int procs, live;
	uint8_t buf[512];
};

static uint64_t objects_in_slabs(void)
{
	uint64_t n = 0;
	const struct slab_cache *c;
	for (unsigned i = 0; (c = slab_cache_nth(i, NULL)); i++)
		n += c->active_objs;
	return n;
}

static void take(struct snapshot *s, int pid, vaddr_t buf)
{
	memset(s, 0, sizeof *s);
	s->free = free_at_rest();
	s->mapped = stub_mapped(pid);
	s->resident = proc(pid)->resident;
	s->slab_objs = objects_in_slabs();
	s->procs = mm_proc_count();
	s->live = stub_live_count();
	if (buf)
		assert_int_equal(user_read(pid, buf, s->buf, sizeof s->buf), 0);
}

/* The request gets err; nothing changes, the buffer at buf (if any) included. */
static void assert_refused(int pid, int64_t tag, uint64_t w0, uint64_t w1, uint64_t w2,
			   vaddr_t buf, int err)
{
	struct snapshot before, after;
	take(&before, pid, buf);
	assert_int_equal(request(pid, tag, w0, w1, w2, 0, NULL, NULL), err);
	take(&after, pid, buf);
	assert_memory_equal(&after, &before, sizeof after);
	assert_mm_consistent();
}

/* A writable page of pid, filled with PATTERN (touched: nothing is filled later). */
static vaddr_t buffer(int pid)
{
	static uint8_t pattern[PAGE_SIZE];
	memset(pattern, PATTERN, sizeof pattern);
	vaddr_t va = map_anon(pid, PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	assert_int_equal(user_write(pid, va, pattern, sizeof pattern), 0);
	return va;
}

/* A page of pid that is mapped but read-only. */
static vaddr_t read_only(int pid)
{
	vaddr_t va = map_anon(pid, PAGE_SIZE, MM_PROT_READ);
	assert_int_equal(touch(pid, va, MM_FAULT_READ), MM_FAULT_RESUME);
	return va;
}

static void read_back(int pid, vaddr_t va, void *out, size_t len)
{
	assert_int_equal(user_read(pid, va, out, len), 0);
}

/* ---- MM_BUDDYINFO ---------------------------------------------------------- */

static void buddyinfo_with_a_wrong_size_is_invalid_and_changes_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t buf = buffer(pid);
	const uint64_t size = sizeof(struct mm_buddyinfo);
	assert_refused(pid, MM_BUDDYINFO, buf, 0, 0, buf, -ERR_INVAL);
	assert_refused(pid, MM_BUDDYINFO, buf, size - 1, 0, buf, -ERR_INVAL);
	assert_refused(pid, MM_BUDDYINFO, buf, size + 1, 0, buf, -ERR_INVAL);
	assert_refused(pid, MM_BUDDYINFO, buf, (uint64_t)-1, 0, buf, -ERR_INVAL);
}

static void buddyinfo_to_a_bad_buffer_is_a_fault_and_changes_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	const uint64_t size = sizeof(struct mm_buddyinfo);
	assert_refused(pid, MM_BUDDYINFO, NO_REGION, size, 0, 0, -ERR_FAULT);
	assert_refused(pid, MM_BUDDYINFO, 0, size, 0, 0, -ERR_FAULT);
	assert_refused(pid, MM_BUDDYINFO, (uint64_t)-8, size, 0, 0, -ERR_FAULT);
	assert_refused(pid, MM_BUDDYINFO, read_only(pid), size, 0, 0, -ERR_FAULT);
}

static void info_requests_from_an_unknown_caller_get_srch(void **state)
{
	(void)state;
	assert_int_equal(request(999, MM_BUDDYINFO, NO_REGION, sizeof(struct mm_buddyinfo), 0, 0,
				 NULL, NULL), -ERR_SRCH);
	assert_int_equal(request(999, MM_SLABINFO, 0, NO_REGION, sizeof(struct mm_slabinfo), 0,
				 NULL, NULL), -ERR_SRCH);
	assert_int_equal(request(999, MM_MODULE_INFO, 0, NO_REGION, sizeof(struct mm_module_info),
				 0, NULL, NULL), -ERR_SRCH);
	assert_mm_consistent();
}

static void get_buddyinfo(int pid, vaddr_t buf, struct mm_buddyinfo *b)
{
	assert_int_equal(request(pid, MM_BUDDYINFO, buf, sizeof *b, 0, 0, NULL, NULL), 0);
	read_back(pid, buf, b, sizeof *b);
}

static uint64_t blocks_times_sizes(const struct mm_buddyinfo *b, int z)
{
	uint64_t pages = 0;
	for (unsigned k = 0; k <= MM_MAX_ORDER_INFO; k++)
		pages += b->free[z][k] << k;
	return pages;
}

/* Each zone: the blocks add up to its free pages, which are the allocator's,
 * and to what MM_STAT said just before (it shrank the caches and counts
 * the spare page-table frames as free). */
static void assert_buddyinfo_adds_up(int pid, vaddr_t buf)
{
	struct ipc_msg stat;
	struct mm_buddyinfo b;
	uint64_t spares[MM_NR_ZONES] = { 0 };
	assert_int_equal(request(pid, MM_STAT, 0, 0, 0, 0, &stat, NULL), 0);
	get_buddyinfo(pid, buf, &b);
	mm_proc_count_spares(spares);
	for (int z = 0; z < MM_NR_ZONES; z++) {
		assert_int_equal(blocks_times_sizes(&b, z), b.free_pages[z]);
		assert_int_equal(b.free_pages[z], mm_zones[z].free_pages);
		assert_int_equal(b.managed_pages[z], mm_zones[z].managed_pages);
		assert_int_equal(b.free_pages[z] + spares[z], stat.w[z]);
	}
	assert_true(b.free_pages[ZONE_DMA] > 0 && b.free_pages[ZONE_DMA32] > 0);
}

static void buddyinfo_names_the_zones_and_matches_the_free_lists(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t buf = buffer(pid);
	struct mm_buddyinfo b;
	get_buddyinfo(pid, buf, &b);
	assert_string_equal(b.zone_name[0], "DMA");
	assert_string_equal(b.zone_name[1], "DMA32");
	assert_string_equal(b.zone_name[2], "Normal");
	for (int z = 0; z < MM_NR_ZONES; z++)
		for (unsigned k = 0; k <= MM_MAX_ORDER; k++)
			assert_int_equal(b.free[z][k], mm_zones[z].free_area[k].nr_free);
	assert_buddyinfo_adds_up(pid, buf);
}

static void buddyinfo_blocks_add_up_to_the_free_pages_after_a_random_workload(void **state)
{
	(void)state;
	enum { HELD = 256 };
	static pfn_t pfn[HELD];
	static unsigned order[HELD];
	int pid = spawn("prog")->pid;
	vaddr_t buf = buffer(pid);
	static const mm_flags_t zone_flags[3] = { 0, MM_ZONE_DMA32, MM_ZONE_DMA };
	rng_state = 0x853c49e6748fea9bULL;
	memset(pfn, 0xff, sizeof pfn);
	for (int round = 0; round < 4000; round++) {
		unsigned i = rng() % HELD;
		if (pfn[i] != PFN_NONE) {
			assert_int_equal(buddy_free(pfn[i], order[i]), 0);
			pfn[i] = PFN_NONE;
		} else {
			order[i] = rng() % 11 < 8 ? rng() % 3 : rng() % (MM_MAX_ORDER + 1);
			pfn[i] = buddy_alloc(order[i], zone_flags[rng() % 3]);
		}
		if (round % 500 == 499)
			assert_buddyinfo_adds_up(pid, buf);
	}
	for (unsigned i = 0; i < HELD; i++)
		if (pfn[i] != PFN_NONE)
			assert_int_equal(buddy_free(pfn[i], order[i]), 0);
	assert_buddyinfo_adds_up(pid, buf);
	assert_int_equal(buddy_check(), 0);
}

/* ---- MM_SLABINFO ------------------------------------------------------------ */

static unsigned cache_count(void)
{
	unsigned n;
	slab_cache_nth(0, &n);
	return n;
}

static void slabinfo_with_a_wrong_size_is_invalid_and_changes_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t buf = buffer(pid);
	const uint64_t size = sizeof(struct mm_slabinfo);
	assert_refused(pid, MM_SLABINFO, 0, buf, 0, buf, -ERR_INVAL);
	assert_refused(pid, MM_SLABINFO, 0, buf, size - 1, buf, -ERR_INVAL);
	assert_refused(pid, MM_SLABINFO, 0, buf, size + 8, buf, -ERR_INVAL);
	assert_refused(pid, MM_SLABINFO, 0, buf, (uint64_t)-1, buf, -ERR_INVAL);
}

static void slabinfo_past_the_last_cache_is_noent_and_leaves_the_struct_alone(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t buf = buffer(pid);
	const uint64_t size = sizeof(struct mm_slabinfo);
	unsigned n = cache_count();
	assert_true(n >= 4);
	assert_refused(pid, MM_SLABINFO, n, buf, size, buf, -ERR_NOENT);
	assert_refused(pid, MM_SLABINFO, n + 100, buf, size, buf, -ERR_NOENT);
	assert_refused(pid, MM_SLABINFO, 1ULL << 32, buf, size, buf, -ERR_NOENT);
	assert_refused(pid, MM_SLABINFO, (uint64_t)-1, buf, size, buf, -ERR_NOENT);
}

static void slabinfo_to_a_bad_buffer_is_a_fault_and_changes_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	const uint64_t size = sizeof(struct mm_slabinfo);
	assert_refused(pid, MM_SLABINFO, 0, NO_REGION, size, 0, -ERR_FAULT);
	assert_refused(pid, MM_SLABINFO, 0, 0, size, 0, -ERR_FAULT);
	assert_refused(pid, MM_SLABINFO, 0, read_only(pid), size, 0, -ERR_FAULT);
}

/* The cache called name, through MM_SLABINFO; asserts it is there. */
static void slabinfo_of(int pid, vaddr_t buf, const char *name, struct mm_slabinfo *si)
{
	struct ipc_msg reply;
	unsigned n = cache_count();
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(request(pid, MM_SLABINFO, i, buf, sizeof *si, 0, &reply, NULL), 0);
		assert_int_equal(reply.w[0], n);
		read_back(pid, buf, si, sizeof *si);
		assert_int_equal(si->total_objs,
				 (si->slabs_full + si->slabs_partial + si->slabs_empty) * si->objs_per_slab);
		assert_int_equal(si->pages,
				 (si->slabs_full + si->slabs_partial + si->slabs_empty) * si->pages_per_slab);
		assert_true(si->active_objs <= si->total_objs);
		assert_true(si->stride >= si->object_size);
		assert_int_equal(si->active_objs, slab_cache_nth(i, NULL)->active_objs);
		if (!strcmp(si->name, name))
			return;
	}
	fail_msg("no cache called %s", name);
}

static void slabinfo_counts_each_region_a_process_maps(void **state)
{
	(void)state;
	enum { MAPS = 40 };
	int pid = spawn("prog")->pid;
	vaddr_t buf = buffer(pid);
	struct mm_slabinfo before, holding, after;
	slabinfo_of(pid, buf, "mm_region", &before);
	assert_int_equal(before.object_size, sizeof(struct mm_region));
	vaddr_t va[MAPS];
	for (int i = 0; i < MAPS; i++)
		va[i] = map_anon(pid, PAGE_SIZE, MM_PROT_READ);
	slabinfo_of(pid, buf, "mm_region", &holding);
	assert_int_equal(holding.active_objs, before.active_objs + MAPS);
	assert_int_equal(holding.allocs, before.allocs + MAPS);
	for (int i = 0; i < MAPS; i++)
		assert_int_equal(request(pid, MM_MUNMAP, va[i], PAGE_SIZE, 0, 0, NULL, NULL), 0);
	slabinfo_of(pid, buf, "mm_region", &after);
	assert_int_equal(after.active_objs, before.active_objs);
	assert_int_equal(after.frees, before.frees + MAPS);
}

/* ---- MM_MODULE_INFO ---------------------------------------------------------- */

static void module_info_with_a_wrong_size_is_invalid_and_changes_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t buf = buffer(pid);
	const uint64_t size = sizeof(struct mm_module_info);
	assert_refused(pid, MM_MODULE_INFO, 0, buf, 0, buf, -ERR_INVAL);
	assert_refused(pid, MM_MODULE_INFO, 0, buf, size - 1, buf, -ERR_INVAL);
	assert_refused(pid, MM_MODULE_INFO, 0, buf, size + 1, buf, -ERR_INVAL);
}

static void module_info_past_the_last_module_is_noent_and_leaves_the_struct_alone(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t buf = buffer(pid);
	const uint64_t size = sizeof(struct mm_module_info);
	assert_refused(pid, MM_MODULE_INFO, boot.nmodules, buf, size, buf, -ERR_NOENT);
	assert_refused(pid, MM_MODULE_INFO, MM_BOOT_MODULES, buf, size, buf, -ERR_NOENT);
	assert_refused(pid, MM_MODULE_INFO, 1ULL << 32, buf, size, buf, -ERR_NOENT);
	assert_refused(pid, MM_MODULE_INFO, (uint64_t)-1, buf, size, buf, -ERR_NOENT);
}

static void module_info_to_a_bad_buffer_is_a_fault_and_changes_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	const uint64_t size = sizeof(struct mm_module_info);
	assert_refused(pid, MM_MODULE_INFO, 0, NO_REGION, size, 0, -ERR_FAULT);
	assert_refused(pid, MM_MODULE_INFO, 0, read_only(pid), size, 0, -ERR_FAULT);
}

static void module_info(int pid, vaddr_t buf, unsigned index, struct mm_module_info *info)
{
	struct ipc_msg reply;
	assert_int_equal(request(pid, MM_MODULE_INFO, index, buf, sizeof *info, 0, &reply, NULL), 0);
	assert_int_equal(reply.w[0], boot.nmodules);
	read_back(pid, buf, info, sizeof *info);
}

static void module_info_lists_programs_files_and_descriptions(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t buf = buffer(pid);
	struct mm_module_info info;
	assert_int_equal(boot.nmodules, 8);
	for (unsigned i = 0; i < boot.nmodules; i++) {
		const struct mm_boot_module *m = &boot.modules[i];
		module_info(pid, buf, i, &info);
		assert_string_equal(info.name, m->name);
		assert_int_equal(info.size, m->end - m->start);
		bool program = strcmp(m->name, "junk") != 0;   /* overlap parses: spawn refuses it later */
		assert_int_equal(info.program, program);
		assert_string_equal(info.about, strcmp(m->name, "about") ? "" : about_text);
	}
}

static void module_info_of_a_truncated_section_table_has_no_description(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t buf = buffer(pid);
	struct mm_module_info info;
	struct mm_boot_module *m = &boot.modules[boot.nmodules - 1];
	paddr_t end = m->end;
	m->end -= 64 + 10;      /* the about section's header hangs off the end */
	module_info(pid, buf, boot.nmodules - 1, &info);
	m->end = end;
	assert_string_equal(info.name, "about");
	assert_int_equal(info.program, 1);
	assert_string_equal(info.about, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		MM_TEST(buddyinfo_with_a_wrong_size_is_invalid_and_changes_nothing),
		MM_TEST(buddyinfo_to_a_bad_buffer_is_a_fault_and_changes_nothing),
		MM_TEST(info_requests_from_an_unknown_caller_get_srch),
		MM_TEST(buddyinfo_names_the_zones_and_matches_the_free_lists),
		MM_TEST(buddyinfo_blocks_add_up_to_the_free_pages_after_a_random_workload),
		MM_TEST(slabinfo_with_a_wrong_size_is_invalid_and_changes_nothing),
		MM_TEST(slabinfo_past_the_last_cache_is_noent_and_leaves_the_struct_alone),
		MM_TEST(slabinfo_to_a_bad_buffer_is_a_fault_and_changes_nothing),
		MM_TEST(slabinfo_counts_each_region_a_process_maps),
		MM_TEST(module_info_with_a_wrong_size_is_invalid_and_changes_nothing),
		MM_TEST(module_info_past_the_last_module_is_noent_and_leaves_the_struct_alone),
		MM_TEST(module_info_to_a_bad_buffer_is_a_fault_and_changes_nothing),
		MM_TEST(module_info_lists_programs_files_and_descriptions),
		MM_TEST(module_info_of_a_truncated_section_table_has_no_description),
	};
	return cmocka_run_group_tests(tests, boot_with_about, mm_fixture_shutdown);
}
