/*
 * test_dev_requests.c - the memory server's side of devices
 * (servers/mm/device.c, backend_mmio.c) against docs/mm-protocol.md:
 * MM_DEV_MMIO, MM_DEV_OPEN, MM_DEV_READY and the boot order they serve,
 * over the model of the kernel's device table in kcall_stub.c.
 *
 * Device memory must never pass for RAM: the MMIO region's pages are the
 * BAR's, mapped on first touch, never resident, never evicted, and a
 * process's exit frees only the page tables they needed; the checkers
 * (check.c P8) must catch an MMIO page that maps anything else.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <pagoda/error.h>
#include <pagoda/dev.h>
#include "mm_env.h"
#include "check.h"
#include "mm_stubs.h"
#include "mm_maps.h"
#include "mm_fixture.h"

#define EDU      DEV_BDF(0, 4, 0)
#define NIC      DEV_BDF(0, 2, 0)
#define EDU_BAR  0xfea00000ULL          /* far above the model's 64 MiB of RAM */
#define EDU_LEN  (1ULL << 20)

static void add_devices(int edu_owner, int nic_owner)
{
	struct dev_info edu = { .bdf = EDU, .vendor = 0x1234, .device = 0x11e8, .owner = edu_owner };
	edu.bar[0] = (struct dev_bar){ EDU_BAR, EDU_LEN, DEV_BAR_MEM | DEV_BAR_MAPPABLE, 0 };
	edu.bar[2] = (struct dev_bar){ 0xc040, 0x20, DEV_BAR_IO, 0 };
	edu.bar[3] = (struct dev_bar){ 0xfeb00000, 0x800, DEV_BAR_MEM, 0 };       /* too small */
	struct dev_info nic = { .bdf = NIC, .vendor = 0x8086, .device = 0x10d3, .owner = nic_owner };
	nic.bar[0] = (struct dev_bar){ 0xfeb40000, 0x20000, DEV_BAR_MEM | DEV_BAR_MAPPABLE, 0 };
	stub_dev_add(&nic);
	stub_dev_add(&edu);
}

static int64_t dev_mmio(int pid, uint64_t bdf, uint64_t bar, struct ipc_msg *reply)
{
	return request(pid, MM_DEV_MMIO, bdf, bar, 0, 0, reply, NULL);
}

static unsigned regions_of(int pid)
{
	unsigned n = 0;
	for (struct mm_region *r = proc(pid)->regions; r; r = r->next)
		n++;
	return n;
}

/* A process owning edu, its BAR0 mapped at *va and the first page touched. */
static int with_bar_touched(vaddr_t *va)
{
	int pid = spawn("prog")->pid;
	add_devices(pid, 0);
	struct ipc_msg reply;
	assert_int_equal(dev_mmio(pid, EDU, 0, &reply), 0);
	*va = reply.w[0];
	assert_int_equal(touch(pid, *va, MM_FAULT_WRITE), MM_FAULT_RESUME);
	return pid;
}

/* ---- MM_DEV_MMIO ---------------------------------------------------------------- */

static void dev_mmio_maps_the_owners_bar_page_by_page_on_first_touch(void **state)
{
	int pid = spawn("prog")->pid;
	add_devices(pid, 0);
	struct ipc_msg reply;
	assert_int_equal(dev_mmio(pid, EDU, 0, &reply), 0);
	vaddr_t va = reply.w[0];
	assert_true(va >= USER_MMAP_BASE && va < MMAP_TOP);
	assert_int_equal(reply.w[1], EDU_LEN);
	struct mm_region *r = region_find(proc(pid), va);
	assert_non_null(r);
	assert_int_equal(r->kind, REGION_MMIO);
	assert_int_equal(r->end - r->start, EDU_LEN);
	assert_int_equal(stub_pte(pid, va), -ERR_NOENT);              /* nothing mapped yet */
	uint64_t resident = proc(pid)->resident;
	assert_int_equal(touch(pid, va + 0x5000, MM_FAULT_WRITE), MM_FAULT_RESUME);
	assert_int_equal(touch(pid, va, MM_FAULT_READ), MM_FAULT_RESUME);
	int64_t e = stub_pte(pid, va + 0x5000);
	assert_true(e >= 0);
	assert_int_equal(e & (int64_t)PAGE_MASK, EDU_BAR + 0x5000);  /* the BAR's page, not RAM */
	assert_true(e & MM_PTE_WRITE);
	assert_false(e & MM_PTE_EXEC);
	assert_int_equal(proc(pid)->resident, resident);             /* device pages are not resident */
	assert_int_equal(stub_calls(STUB_MAP_MMIO), 2);
	assert_mm_consistent();
	assert_int_equal(fault(pid, va, MM_FAULT_EXEC, NULL, 0), MM_FAULT_KILL);   /* never executable */
	stub_deliver_exits();
	assert_int_equal(free_at_rest(), baseline);                  /* only its page tables went */
}

static void dev_mmio_asked_twice_answers_the_same_region(void **state)
{
	int pid = spawn("prog")->pid;
	add_devices(pid, 0);
	struct ipc_msg a, b;
	assert_int_equal(dev_mmio(pid, EDU, 0, &a), 0);
	unsigned n = regions_of(pid);
	assert_int_equal(dev_mmio(pid, EDU, 0, &b), 0);
	assert_int_equal(b.w[0], a.w[0]);
	assert_int_equal(b.w[1], a.w[1]);
	assert_int_equal(regions_of(pid), n);
	exit_proc(pid, 0);
	assert_int_equal(free_at_rest(), baseline);
}

static void dev_mmio_refuses_bad_values_and_devices_the_caller_does_not_own(void **state)
{
	int pid = spawn("prog")->pid;
	int stranger = spawn("prog")->pid;
	add_devices(pid, stranger);
	unsigned n = regions_of(pid);
	uint64_t free = free_at_rest();
	static const struct { uint64_t bdf, bar; int err; } bad[] = {
		{ 0x10000, 0, -ERR_INVAL }, { EDU, 6, -ERR_INVAL }, { EDU, 1ULL << 40, -ERR_INVAL },
		{ DEV_BDF(0, 5, 0), 0, -ERR_NOENT }, { NIC, 0, -ERR_PERM }, { EDU, 1, -ERR_INVAL },
		{ EDU, 2, -ERR_INVAL }, { EDU, 3, -ERR_INVAL },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(dev_mmio(pid, bad[i].bdf, bad[i].bar, NULL), bad[i].err);
	assert_int_equal(dev_mmio(999, EDU, 0, NULL), -ERR_SRCH);
	assert_int_equal(regions_of(pid), n);
	assert_int_equal(free_at_rest(), free);
	assert_mm_consistent();
}

static void mmio_pages_are_never_evicted_and_unmap_frees_nothing_of_the_device(void **state)
{
	vaddr_t va;
	int pid = with_bar_touched(&va);
	struct mm_region *r = region_find(proc(pid), va);
	assert_int_equal(region_evict_page(proc(pid), r, va), -ERR_NOSYS);
	assert_true(stub_pte(pid, va) >= 0);
	assert_int_equal(region_unmap_pages(proc(pid), r, r->start, r->end), 0);
	assert_int_equal(stub_pte(pid, va), -ERR_NOENT);
	assert_mm_consistent();
	assert_int_equal(touch(pid, va, MM_FAULT_READ), MM_FAULT_RESUME);   /* mapped again */
	exit_proc(pid, 0);
	assert_int_equal(free_at_rest(), baseline);
}

static void checker_catches_an_mmio_page_that_maps_ram_or_another_bar_page(void **state)
{
	vaddr_t va;
	int pid = with_bar_touched(&va);
	assert_mm_consistent();
	paddr_t spares[MM_MAP_SPARES] = { PADDR_NONE, PADDR_NONE, PADDR_NONE };
	assert_int_equal(kcall_map_mmio(pid, va + PAGE_SIZE, EDU_BAR + 7 * PAGE_SIZE, EDU, spares), 0);
	stub_bug_reset();
	assert_true(mm_check_all() > 0);                            /* P8: the wrong BAR page */
	assert_non_null(strstr(stub_bug_last, "MMIO page"));
	assert_true(kcall_unmap(pid, va + PAGE_SIZE) >= 0);
	assert_int_equal(kcall_map(pid, va + PAGE_SIZE, MiB(40), MM_RIGHT_READ | MM_RIGHT_WRITE, spares), 0);
	stub_bug_reset();
	assert_true(mm_check_all() > 0);                            /* P8: a RAM frame */
	assert_true(kcall_unmap(pid, va + PAGE_SIZE) >= 0);
	stub_bug_reset();
	assert_int_equal(mm_check_all(), 0);
	exit_proc(pid, 0);
}

static void a_bar_over_frames_mm_manages_is_a_bug_and_refused(void **state)
{
	int pid = spawn("prog")->pid;
	struct dev_info liar = { .bdf = EDU, .vendor = 0x1234, .device = 0x11e8, .owner = pid };
	liar.bar[0] = (struct dev_bar){ MiB(32), MiB(1), DEV_BAR_MEM | DEV_BAR_MAPPABLE, 0 };
	stub_dev_add(&liar);
	unsigned n = regions_of(pid);
	stub_bug_reset();
	assert_int_equal(dev_mmio(pid, EDU, 0, NULL), -ERR_BUG);
	assert_int_equal(stub_bug_count, 1);
	assert_non_null(strstr(stub_bug_last, "a frame mm manages"));
	assert_int_equal(regions_of(pid), n);
	stub_bug_reset();
	exit_proc(pid, 0);
}

/* ---- MM_DEV_OPEN ------------------------------------------------------------------ */

static void dev_open_finds_the_driver_by_ids_and_lets_the_caller_send_to_it(void **state)
{
	int driver = spawn("prog")->pid;
	int client = spawn("prog")->pid;
	add_devices(driver, 0);
	struct ipc_msg reply;
	assert_false(stub_allowed(client, driver));
	assert_int_equal(request(client, MM_DEV_OPEN, 0x123411e8, 0, 0, 0, &reply, NULL), driver);
	assert_int_equal(reply.w[0], EDU);
	assert_true(stub_allowed(client, driver));
	assert_int_equal(request(client, MM_DEV_OPEN, 0x123411e8, 1, 0, 0, NULL, NULL), -ERR_NOENT);
	assert_int_equal(request(client, MM_DEV_OPEN, 0x12345678, 0, 0, 0, NULL, NULL), -ERR_NOENT);
	assert_int_equal(request(client, MM_DEV_OPEN, 0x808610d3, 0, 0, 0, NULL, NULL), -ERR_AGAIN);
	assert_int_equal(request(client, MM_DEV_OPEN, 1ULL << 32, 0, 0, 0, NULL, NULL), -ERR_INVAL);
	assert_int_equal(request(999, MM_DEV_OPEN, 0x123411e8, 0, 0, 0, NULL, NULL), -ERR_SRCH);
	exit_proc(client, 0);
	exit_proc(driver, 0);
	assert_int_equal(stub_dev_owner(EDU), 0);                    /* the kernel released it */
}

/* ---- the boot order: MM_DEV_READY ----------------------------------------------------- */

static void boot_with_a_devmgr_module_holds_init_until_it_is_ready(void **state)
{
	assert_true(device_boot());
	int devmgr = 2;                                             /* the first pid of a test */
	assert_int_equal(stub_flags(devmgr), PROC_FLAG_DEVMGR);
	assert_string_equal(stub_name(devmgr), "devmgr");
	assert_int_equal(stub_live_count(), 1);                      /* no init yet */
	int other = spawn("prog")->pid;
	assert_int_equal(request(other, MM_DEV_READY, 0, 0, 0, 0, NULL, NULL), -ERR_PERM);
	assert_int_equal(mm_spawn_program("devmgr", other, 0), -ERR_PERM);
	assert_int_equal(request(devmgr, MM_DEV_READY, 0, 0, 0, 0, NULL, NULL), 0);
	assert_int_equal(stub_live_count(), 3);                      /* init started */
	int init = other + 1;
	assert_string_equal(stub_name(init), "init");
	assert_int_equal(stub_flags(init), PROC_FLAG_POWER);
	assert_int_equal(request(devmgr, MM_DEV_READY, 0, 0, 0, 0, NULL, NULL), -ERR_BUSY);
	assert_int_equal(stub_poweroff_code(), -1);
}

static void an_enumerator_that_ends_before_it_is_ready_does_not_stop_the_boot(void **state)
{
	assert_true(device_boot());
	int devmgr = 2;
	exit_proc(devmgr, 1);
	assert_int_equal(stub_live_count(), 1);                      /* init, started anyway */
	assert_string_equal(stub_name(devmgr + 1), "init");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		MM_TEST(dev_mmio_maps_the_owners_bar_page_by_page_on_first_touch),
		MM_TEST(dev_mmio_asked_twice_answers_the_same_region),
		MM_TEST(dev_mmio_refuses_bad_values_and_devices_the_caller_does_not_own),
		MM_TEST(mmio_pages_are_never_evicted_and_unmap_frees_nothing_of_the_device),
		MM_TEST(checker_catches_an_mmio_page_that_maps_ram_or_another_bar_page),
		MM_TEST(a_bar_over_frames_mm_manages_is_a_bug_and_refused),
		MM_TEST(dev_open_finds_the_driver_by_ids_and_lets_the_caller_send_to_it),
		MM_TEST(boot_with_a_devmgr_module_holds_init_until_it_is_ready),
		MM_TEST(an_enumerator_that_ends_before_it_is_ready_does_not_stop_the_boot),
	};
	return MM_RUN(tests);
}
