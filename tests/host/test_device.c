/*
 * test_device.c - the kernel's device table (kernel/device.c), on the
 * host, over a model of the PCI layer (the pci_* and lapic_* calls of
 * arch.h: a list of functions pci_scan "found", a log of configuration
 * accesses, a pci_stop that can be told to fail) and of the process
 * table (proc_by_pid over a few struct procs; ipc_notify_kernel logs).
 *
 * It checks the order of every call's checks (arguments, then the
 * device, then the caller: nothing touched before all pass), who may do
 * what (owner, enumerator, memory server, anyone else), which
 * configuration writes are refused, the BARs that may be mapped,
 * assignment, interrupts and their notifications, and what a process's
 * end does to its devices - including one that cannot be shown stopped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "device.h"
#include "kstubs.h"

/* ---- the model ----------------------------------------------------------------- */

static struct pci_function found[DEV_MAX + 2];
static int nfound;
static int cfg_reads, cfg_writes, msi_programmed, msi_disabled, stops;
static struct { uint16_t bdf; unsigned off, width; uint32_t value; } last_access;
static uint16_t unstoppable = 0xffff;       /* pci_stop fails for this bdf */
static struct { struct proc *to; uint64_t bits; int count; } notified;
static struct proc procs[4];

int pci_scan(struct pci_function *out, int max)
{
	int n = nfound < max ? nfound : max;
	memcpy(out, found, (size_t)n * sizeof *out);
	return n;
}

uint32_t pci_cfg_read(uint16_t bdf, unsigned off, unsigned width)
{
	cfg_reads++;
	last_access.bdf = bdf;
	last_access.off = off;
	last_access.width = width;
	return 0x5a5a5a5a;
}

void pci_cfg_write(uint16_t bdf, unsigned off, unsigned width, uint32_t v)
{
	cfg_writes++;
	last_access.bdf = bdf;
	last_access.off = off;
	last_access.width = width;
	last_access.value = v;
}

void pci_msi_program(uint16_t bdf, uint8_t cap, unsigned vector) { msi_programmed++; }
void pci_msi_disable(uint16_t bdf, uint8_t cap) { msi_disabled++; }
bool pci_stop(uint16_t bdf, uint8_t msi_cap)
{
	stops++;
	return bdf != unstoppable;
}
bool lapic_init(void) { return true; }

struct proc *proc_by_pid(int pid)
{
	for (int i = 0; i < 4; i++)
		if (procs[i].pid == pid && procs[i].state != PROC_FREE)
			return &procs[i];
	return NULL;
}

void ipc_notify_kernel(struct proc *dst, uint64_t bits)
{
	notified.to = dst;
	notified.bits |= bits;
	notified.count++;
}

/* The processes: mm (1), the enumerator (2), two drivers (3, 4). */
static struct proc *const mm = &procs[0], *const devmgr = &procs[1];
static struct proc *const driver = &procs[2], *const other = &procs[3];

#define EDU    DEV_BDF(0, 4, 0)
#define NIC    DEV_BDF(0, 2, 0)
#define BRIDGE DEV_BDF(0, 0, 0)
#define ABSENT DEV_BDF(0, 5, 0)
#define MSI_AT 0x40
#define MSI_LEN 14

static struct pci_function *function(uint16_t bdf, uint32_t class_code, uint8_t msi_cap)
{
	struct pci_function *f = &found[nfound++];
	*f = (struct pci_function){ .bdf = bdf, .vendor = 0x1234, .device = bdf, .class_code = class_code,
				    .msi_cap = msi_cap, .msi_len = msi_cap ? MSI_LEN : 0 };
	return f;
}

static struct boot_info bi;

static int setup(void **state)
{
	memset(procs, 0, sizeof procs);
	for (int i = 0; i < 4; i++)
		procs[i] = (struct proc){ .pid = i + 1, .state = PROC_ALIVE };
	mm->flags = PROC_FLAG_MM;
	devmgr->flags = PROC_FLAG_DEVMGR;
	nfound = 0;
	function(BRIDGE, 0x060000, 0);
	struct pci_function *nic = function(NIC, 0x020000, 0);
	nic->bar[0] = (struct dev_bar){ 0xfeb40000, 0x20000, DEV_BAR_MEM, 0 };
	struct pci_function *edu = function(EDU, 0x00ff00, MSI_AT);
	edu->bar[0] = (struct dev_bar){ 0xfea00000, 1 << 20, DEV_BAR_MEM, 0 };
	bi = (struct boot_info){ .nranges = 1 };
	bi.ranges[0] = (struct mem_range){ 0, 128 << 20, MEM_USABLE };
	device_init(&bi, 4ULL << 30);
	cfg_reads = cfg_writes = msi_programmed = msi_disabled = stops = 0;
	memset(&notified, 0, sizeof notified);
	unstoppable = 0xffff;
	return 0;
}

static void own(uint16_t bdf, struct proc *p)
{
	assert_int_equal(device_assign(devmgr, bdf, (uint64_t)p->pid), 0);
}

/* ---- boot ------------------------------------------------------------------------- */

static void init_marks_only_page_aligned_device_memory_clear_of_ram_mappable(void **state)
{
	nfound = 0;
	struct pci_function *f = function(EDU, 0x00ff00, 0);
	f->bar[0] = (struct dev_bar){ 0xfea00000, 1 << 20, DEV_BAR_MEM, 0 };           /* fine */
	f->bar[1] = (struct dev_bar){ 0x07f00000, 1 << 20, DEV_BAR_MEM, 0 };           /* on RAM */
	f->bar[2] = (struct dev_bar){ 0xfeb00000, 0x800, DEV_BAR_MEM, 0 };             /* under a page */
	f->bar[3] = (struct dev_bar){ 0x100000000ULL, 1 << 20, DEV_BAR_MEM | DEV_BAR_64, 0 };  /* beyond the physmap */
	f->bar[4] = (struct dev_bar){ 0xc000, 0x1000, DEV_BAR_IO, 0 };                 /* I/O */
	f->bar[5] = (struct dev_bar){ 0xfec00800, 0x2000, DEV_BAR_MEM, 0 };            /* not aligned */
	device_init(&bi, 4ULL << 30);
	const struct device *d = device_find(EDU);
	assert_non_null(d);
	assert_true(d->bar[0].flags & DEV_BAR_MAPPABLE);
	for (int i = 1; i < DEV_BARS; i++)
		assert_false(d->bar[i].flags & DEV_BAR_MAPPABLE);
	assert_int_equal(d->bar[0].flags, DEV_BAR_MEM | DEV_BAR_MAPPABLE);  /* the rest kept */
	assert_int_equal(d->owner, 0);
	assert_int_equal(d->irq_slot, -1);
}

static void init_keeps_at_most_dev_max_functions(void **state)
{
	nfound = 0;
	for (int i = 0; i < DEV_MAX + 2; i++)
		function(DEV_BDF(0, i / 8, i % 8), 0, 0);
	device_init(&bi, 4ULL << 30);
	assert_int_equal(device_count(), DEV_MAX);
}

/* ---- configuration space ---------------------------------------------------------------- */

static void config_arguments_are_checked_before_the_device_and_the_caller(void **state)
{
	uint32_t v;
	static const struct { uint64_t bdf, off, width; int err; } bad[] = {
		{ 0x10000, 0, 4, -ERR_INVAL }, { ABSENT, 0, 3, -ERR_INVAL }, { ABSENT, 0, 0, -ERR_INVAL },
		{ ABSENT, 0, 8, -ERR_INVAL }, { ABSENT, 256, 1, -ERR_INVAL }, { NIC, 1, 2, -ERR_INVAL },
		{ NIC, 2, 4, -ERR_INVAL }, { NIC, 1ULL << 40, 4, -ERR_INVAL }, { ABSENT, 0, 4, -ERR_NOENT },
		{ NIC, 0, 4, -ERR_PERM },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(device_config_read(other, bad[i].bdf, bad[i].off, bad[i].width, &v), bad[i].err);
		assert_int_equal(device_config_write(other, bad[i].bdf, bad[i].off, bad[i].width, 0), bad[i].err);
	}
	assert_int_equal(cfg_reads + cfg_writes, 0);
	own(NIC, other);
	assert_int_equal(device_config_read(other, NIC, 0xfe, 2, &v), 0);
	assert_int_equal(v, 0x5a5a5a5a);
	assert_int_equal(last_access.bdf, NIC);
	assert_int_equal(last_access.off, 0xfe);
	assert_int_equal(last_access.width, 2);
	assert_int_equal(device_config_read(driver, NIC, 0, 4, &v), -ERR_PERM);    /* not its */
	assert_int_equal(device_config_read(mm, NIC, 0, 4, &v), -ERR_PERM);        /* nor mm's */
}

static void enumerator_reads_every_bus0_function_but_writes_none(void **state)
{
	uint32_t v;
	assert_int_equal(device_config_read(devmgr, ABSENT, 0, 2, &v), 0);    /* absent: the bus answers */
	assert_int_equal(last_access.bdf, ABSENT);
	assert_int_equal(device_config_read(devmgr, EDU, 0x3c, 1, &v), 0);
	assert_int_equal(device_config_read(devmgr, DEV_BDF(1, 0, 0), 0, 4, &v), -ERR_NOENT);
	assert_int_equal(device_config_read(devmgr, 0x10000, 0, 4, &v), -ERR_INVAL);
	assert_int_equal(device_config_write(devmgr, EDU, PCI_CFG_COMMAND, 2, 0), -ERR_PERM);
	assert_int_equal(cfg_writes, 0);
}

static void config_writes_to_bars_rom_and_msi_are_refused_and_their_neighbours_allowed(void **state)
{
	own(EDU, driver);
	static const struct { unsigned off, width; int err; } w[] = {
		{ 0x0c, 4, 0 }, { 0x0f, 1, 0 }, { 0x10, 4, -ERR_PERM }, { 0x14, 2, -ERR_PERM },
		{ 0x27, 1, -ERR_PERM }, { 0x24, 4, -ERR_PERM }, { 0x28, 4, 0 }, { 0x2c, 4, 0 },
		{ 0x30, 4, -ERR_PERM }, { 0x33, 1, -ERR_PERM }, { 0x34, 1, 0 }, { 0x3c, 1, 0 },
		{ 0x3e, 2, 0 }, { MSI_AT, 1, -ERR_PERM }, { MSI_AT + 2, 2, -ERR_PERM },
		{ MSI_AT + MSI_LEN - 1, 1, -ERR_PERM }, { MSI_AT + MSI_LEN, 2, 0 }, { MSI_AT - 4, 4, 0 },
		{ PCI_CFG_COMMAND, 2, 0 },
	};
	for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
		int before = cfg_writes;
		assert_int_equal(device_config_write(driver, EDU, w[i].off, w[i].width, 1), w[i].err);
		assert_int_equal(cfg_writes - before, w[i].err ? 0 : 1);
	}
	assert_int_equal(device_config_write(driver, EDU, PCI_CFG_COMMAND, 2, 0x10000), -ERR_INVAL);
	assert_int_equal(device_config_write(driver, EDU, PCI_CFG_IRQ_LINE, 1, 0x100), -ERR_INVAL);
	assert_int_equal(device_config_write(driver, EDU, 0x40 - 4, 4, 1ULL << 32), -ERR_INVAL);
	assert_int_equal(device_config_write(driver, EDU, PCI_CFG_COMMAND, 2, 0xffff), 0);
	assert_int_equal(last_access.value, 0xffff);
}

/* ---- ownership -------------------------------------------------------------------------------- */

static void assign_is_the_enumerators_never_a_bridge_and_one_owner_at_a_time(void **state)
{
	assert_int_equal(device_assign(driver, EDU, 3), -ERR_PERM);
	assert_int_equal(device_assign(mm, EDU, 3), -ERR_PERM);
	assert_int_equal(device_assign(devmgr, 0x10000, 3), -ERR_INVAL);
	assert_int_equal(device_assign(devmgr, ABSENT, 3), -ERR_NOENT);
	assert_int_equal(device_assign(devmgr, BRIDGE, 3), -ERR_PERM);
	assert_int_equal(device_assign(devmgr, EDU, 1), -ERR_SRCH);        /* the memory server */
	assert_int_equal(device_assign(devmgr, EDU, 9), -ERR_SRCH);        /* no such process */
	assert_int_equal(device_assign(devmgr, EDU, 1ULL << 32 | 3), -ERR_SRCH);
	other->state = PROC_ZOMBIE;
	assert_int_equal(device_assign(devmgr, EDU, 4), -ERR_SRCH);
	assert_int_equal(device_owner(EDU), 0);
	assert_int_equal(device_assign(devmgr, EDU, 3), 0);
	assert_int_equal(device_assign(devmgr, EDU, 3), -ERR_BUSY);
	assert_int_equal(device_owner(EDU), 3);
}

static void mm_device_answers_the_owner_unowned_absent_and_bad_bdf(void **state)
{
	own(EDU, driver);
	assert_int_equal(device_owner(EDU), driver->pid);
	assert_int_equal(device_owner(NIC), 0);
	assert_int_equal(device_owner(ABSENT), -ERR_NOENT);
	assert_int_equal(device_owner(0x10000), -ERR_INVAL);
}

static void info_goes_to_the_owner_the_enumerator_and_mm_only(void **state)
{
	struct dev_info info;
	own(EDU, driver);
	assert_int_equal(device_info(other, EDU, &info), -ERR_PERM);
	assert_int_equal(device_info(other, ABSENT, &info), -ERR_NOENT);
	assert_int_equal(device_info(other, 0x10000, &info), -ERR_INVAL);
	const struct proc *may[] = { driver, devmgr, mm };
	for (int i = 0; i < 3; i++) {
		memset(&info, 0xee, sizeof info);
		assert_int_equal(device_info(may[i], EDU, &info), 0);
		assert_int_equal(info.bdf, EDU);
		assert_int_equal(info.owner, driver->pid);
		assert_int_equal(info.msi_cap, MSI_AT);
		assert_int_equal(info.class_code, 0x00ff00);
		assert_int_equal(info.irq_vector, 0);
		assert_int_equal(info.bar[0].base, 0xfea00000);
		assert_int_equal(info.bar[0].flags, DEV_BAR_MEM | DEV_BAR_MAPPABLE);
		assert_int_equal(info.bar[1].size, 0);
	}
}

static void mmio_check_wants_the_owner_a_mappable_bar_and_a_page_inside_it(void **state)
{
	own(EDU, driver);
	assert_int_equal(device_mmio_check(driver->pid, EDU, 0xfea00000), 0);
	assert_int_equal(device_mmio_check(driver->pid, EDU, 0xfeaff000), 0);      /* last page */
	assert_int_equal(device_mmio_check(driver->pid, EDU, 0xfeb00000), -ERR_INVAL);
	assert_int_equal(device_mmio_check(driver->pid, EDU, 0xfe9ff000), -ERR_INVAL);
	assert_int_equal(device_mmio_check(driver->pid, EDU | 1 << 16, 0xfea00000), -ERR_INVAL);  /* empty BAR */
	assert_int_equal(device_mmio_check(driver->pid, EDU | 6 << 16, 0xfea00000), -ERR_INVAL);
	assert_int_equal(device_mmio_check(driver->pid, ABSENT, 0xfea00000), -ERR_NOENT);
	assert_int_equal(device_mmio_check(other->pid, EDU, 0xfea00000), -ERR_PERM);
	assert_int_equal(device_mmio_check(driver->pid, NIC, 0xfeb40000), -ERR_PERM);
	assert_int_equal(device_mmio_check(0, NIC, 0xfeb40000), -ERR_PERM);        /* unowned */
}

/* ---- interrupts ---------------------------------------------------------------------------------- */

static void irq_bind_programs_msi_and_each_interrupt_notifies_the_owner_with_its_bits(void **state)
{
	own(EDU, driver);
	own(NIC, other);
	assert_int_equal(device_irq_bind(driver, EDU, 0), -ERR_INVAL);
	assert_int_equal(device_irq_bind(other, EDU, 1), -ERR_PERM);
	assert_int_equal(device_irq_bind(other, NIC, 1), -ERR_NOSYS);              /* no MSI */
	assert_int_equal(msi_programmed, 0);
	int v = device_irq_bind(driver, EDU, 0x30);
	assert_int_equal(v, T_DEV0);
	assert_int_equal(msi_programmed, 1);
	assert_int_equal(device_irq_bind(driver, EDU, 1), -ERR_BUSY);
	device_interrupt(v - T_DEV0);
	device_interrupt(v - T_DEV0);
	assert_int_equal(notified.count, 2);
	assert_ptr_equal(notified.to, driver);
	assert_int_equal(notified.bits, 0x30);
	assert_int_equal(device_find(EDU)->interrupts, 2);
	device_interrupt(v - T_DEV0 + 1);                                          /* nobody's slot */
	device_interrupt(-1);
	device_interrupt(IRQ_SLOTS);
	assert_int_equal(notified.count, 2);
	assert_int_equal(device_irq_unbind(other, EDU), -ERR_PERM);
	assert_int_equal(device_irq_unbind(driver, EDU), 0);
	assert_int_equal(msi_disabled, 1);
	assert_int_equal(device_irq_unbind(driver, EDU), -ERR_NOENT);
	device_interrupt(v - T_DEV0);                                              /* late: dropped */
	assert_int_equal(notified.count, 2);
}

static void irq_bind_runs_out_of_vectors_after_irq_slots(void **state)
{
	nfound = 0;
	for (int i = 0; i <= IRQ_SLOTS; i++)
		function(DEV_BDF(0, i, 0), 0x00ff00, MSI_AT);
	device_init(&bi, 4ULL << 30);
	for (int i = 0; i <= IRQ_SLOTS; i++)
		own(DEV_BDF(0, i, 0), driver);
	for (int i = 0; i < IRQ_SLOTS; i++)
		assert_int_equal(device_irq_bind(driver, DEV_BDF(0, i, 0), 1), T_DEV0 + i);
	assert_int_equal(device_irq_bind(driver, DEV_BDF(0, IRQ_SLOTS, 0), 1), -ERR_NOSPC);
}

/* ---- a process ends ---------------------------------------------------------------------------------- */

static void proc_gone_stops_releases_and_counts_devices_it_could_not_show_stopped(void **state)
{
	nfound = 0;
	for (int i = 1; i <= 3; i++)
		function(DEV_BDF(0, i, 0), 0x00ff00, MSI_AT);
	device_init(&bi, 4ULL << 30);
	own(DEV_BDF(0, 1, 0), driver);
	own(DEV_BDF(0, 2, 0), driver);
	own(DEV_BDF(0, 3, 0), other);
	int v = device_irq_bind(driver, DEV_BDF(0, 1, 0), 1);
	assert_true(v >= T_DEV0);
	unstoppable = DEV_BDF(0, 2, 0);
	kstub_log_clear();
	assert_int_equal(device_proc_gone(driver), 1);
	assert_int_equal(stops, 2);
	assert_int_equal(device_owner(DEV_BDF(0, 1, 0)), 0);
	assert_int_equal(device_owner(DEV_BDF(0, 2, 0)), 0);
	assert_int_equal(device_owner(DEV_BDF(0, 3, 0)), other->pid);       /* not its */
	assert_int_equal(device_find(DEV_BDF(0, 1, 0))->irq_slot, -1);
	device_interrupt(v - T_DEV0);
	assert_int_equal(notified.count, 0);
	assert_int_equal(device_irq_bind(other, DEV_BDF(0, 3, 0), 1), v);   /* the vector is free again */
	assert_int_equal(kstub_log_count_line("device: 00:01.0 stopped (bus mastering and MSI read back off), "
					      "released: pid 3 () ended"), 1);
	assert_int_equal(kstub_log_count_line("device: 00:02.0 could NOT be shown stopped, released: "
					      "pid 3 () ended"), 1);
	assert_int_equal(device_proc_gone(driver), 0);                      /* nothing left */
	assert_int_equal(device_proc_gone(devmgr), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(init_marks_only_page_aligned_device_memory_clear_of_ram_mappable, setup),
		cmocka_unit_test_setup(init_keeps_at_most_dev_max_functions, setup),
		cmocka_unit_test_setup(config_arguments_are_checked_before_the_device_and_the_caller, setup),
		cmocka_unit_test_setup(enumerator_reads_every_bus0_function_but_writes_none, setup),
		cmocka_unit_test_setup(config_writes_to_bars_rom_and_msi_are_refused_and_their_neighbours_allowed, setup),
		cmocka_unit_test_setup(assign_is_the_enumerators_never_a_bridge_and_one_owner_at_a_time, setup),
		cmocka_unit_test_setup(mm_device_answers_the_owner_unowned_absent_and_bad_bdf, setup),
		cmocka_unit_test_setup(info_goes_to_the_owner_the_enumerator_and_mm_only, setup),
		cmocka_unit_test_setup(mmio_check_wants_the_owner_a_mappable_bar_and_a_page_inside_it, setup),
		cmocka_unit_test_setup(irq_bind_programs_msi_and_each_interrupt_notifies_the_owner_with_its_bits, setup),
		cmocka_unit_test_setup(irq_bind_runs_out_of_vectors_after_irq_slots, setup),
		cmocka_unit_test_setup(proc_gone_stops_releases_and_counts_devices_it_could_not_show_stopped, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
