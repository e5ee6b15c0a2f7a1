/*
 * devtest - a test driver: the device manager starts it as "devtest
 * bb:dd.f" for edu, and it checks the owner's side of every driver call
 * against the real kernel and memory server, one line per check:
 *
 *   configuration space: reads of its device; bad widths, offsets and
 *   bdfs refused (ERR_INVAL, ERR_NOENT); writes to a BAR, the ROM BAR,
 *   the MSI capability refused (ERR_PERM), a value wider than its width
 *   (ERR_INVAL); a command-register write that turns bus mastering on;
 *   SYS_DEV_INFO: itself as owner, BAR0 of 1 MiB, mappable;
 *   MM_DEV_MMIO: bad BAR indexes, an empty BAR, another device refused;
 *   BAR0 mapped, the same answer twice, the identification register read
 *   through it; interrupt bind/unbind: bits 0, twice, unbind twice, a
 *   device not its own; SYS_DEV_ASSIGN refused (it is no enumerator).
 *
 * Then it answers the device manager's DEV_DRIVER_HELLO, prints
 * "devtest: PASS" (or how many checks failed) and dies - NULL
 * dereference - with bus mastering and MSI on: the test then looks for
 * the kernel stopping and releasing the device, and for the device
 * manager reading it back off and unowned.
 */
#include <stdio.h>
#include <stdlib.h>
#include <pagoda/sys.h>
#include <pagoda/dev.h>

#define EDU_BAR0_SIZE (1ULL << 20)
#define EDU_ID_REG    0
#define OTHER_DEVICE  DEV_BDF(0, 2, 0)      /* q35's e1000e: present, not ours */
#define ABSENT_DEVICE DEV_BDF(0, 5, 0)

static int failures;

static void check(const char *what, int64_t got, int64_t want)
{
	printf("devtest: %s: %s%s\n", what, got < 0 ? pagoda_strerror((int)got) : "ok",
	       got == want ? "" : "  UNEXPECTED");
	failures += got != want;
}

static int64_t cfg_raw(uint64_t bdf, uint64_t off, uint64_t width)
{
	return sys_call6(SYS_DEV_CONFIG_READ, bdf, off, width, 0, 0, 0);
}

static void config_checks(uint16_t bdf, const struct dev_info *info)
{
	check("vendor id read is 0x1234", dev_config_read(bdf, PCI_CFG_VENDOR, 2) == 0x1234 ? 0 : -1, 0);
	check("read of width 3", cfg_raw(bdf, 0, 3), -ERR_INVAL);
	check("read at offset 256", cfg_raw(bdf, 256, 4), -ERR_INVAL);
	check("read of 2 bytes at offset 1", cfg_raw(bdf, 1, 2), -ERR_INVAL);
	check("read of bdf 0x10000", cfg_raw(0x10000, 0, 4), -ERR_INVAL);
	check("read of an absent device", cfg_raw(ABSENT_DEVICE, 0, 4), -ERR_NOENT);
	check("read of another's device", cfg_raw(OTHER_DEVICE, 0, 4), -ERR_PERM);
	check("write to BAR0", dev_config_write(bdf, PCI_CFG_BAR0, 4, 0), -ERR_PERM);
	check("write into BAR0's upper half", dev_config_write(bdf, PCI_CFG_BAR0 + 2, 2, 0), -ERR_PERM);
	check("write to the ROM BAR", dev_config_write(bdf, PCI_CFG_ROM, 4, 0), -ERR_PERM);
	check("write to the MSI control", dev_config_write(bdf, info->msi_cap + PCI_MSI_CTRL, 2, 1),
	      -ERR_PERM);
	check("write of 0x10000 as 2 bytes", dev_config_write(bdf, PCI_CFG_COMMAND, 2, 0x10000), -ERR_INVAL);
	int64_t cmd = dev_config_read(bdf, PCI_CFG_COMMAND, 2);
	check("bus mastering on", dev_config_write(bdf, PCI_CFG_COMMAND, 2,
						   (uint32_t)cmd | PCI_CMD_MEMORY | PCI_CMD_MASTER), 0);
	check("bus mastering reads back on",
	      (dev_config_read(bdf, PCI_CFG_COMMAND, 2) & PCI_CMD_MASTER) ? 0 : -1, 0);
}

static void mmio_checks(uint16_t bdf)
{
	volatile void *va, *again;
	uint64_t len, len2;
	check("MM_DEV_MMIO of BAR 6", mm_dev_mmio(bdf, 6, &va, &len), -ERR_INVAL);
	check("MM_DEV_MMIO of the empty BAR 1", mm_dev_mmio(bdf, 1, &va, &len), -ERR_INVAL);
	check("MM_DEV_MMIO of another's device", mm_dev_mmio(OTHER_DEVICE, 0, &va, &len), -ERR_PERM);
	check("MM_DEV_MMIO of an absent device", mm_dev_mmio(ABSENT_DEVICE, 0, &va, &len), -ERR_NOENT);
	check("MM_DEV_MMIO of BAR0", mm_dev_mmio(bdf, 0, &va, &len), 0);
	check("BAR0 is 1 MiB long", len == EDU_BAR0_SIZE ? 0 : -1, 0);
	check("MM_DEV_MMIO of BAR0 again", mm_dev_mmio(bdf, 0, &again, &len2), 0);
	check("... answers the same mapping", again == va && len2 == len ? 0 : -1, 0);
	uint32_t id = ((volatile uint32_t *)va)[EDU_ID_REG / 4];
	printf("devtest: identification register 0x%08x\n", (unsigned)id);
	check("identification register ends in 0xed", (id & 0xff) == 0xed ? 0 : -1, 0);
}

static void irq_checks(uint16_t bdf)
{
	check("bind with no bits", dev_irq_bind(bdf, 0), -ERR_INVAL);
	int v = dev_irq_bind(bdf, 1);
	check("bind", v >= 48 ? 0 : v, 0);
	check("bind twice", dev_irq_bind(bdf, 1), -ERR_BUSY);
	check("unbind", dev_irq_unbind(bdf), 0);
	check("unbind twice", dev_irq_unbind(bdf), -ERR_NOENT);
	check("bind another's device", dev_irq_bind(OTHER_DEVICE, 1), -ERR_PERM);
	v = dev_irq_bind(bdf, 1);
	check("bind again", v >= 48 ? 0 : v, 0);
}

/* Answer the device manager's DEV_DRIVER_HELLO (and nothing else). */
static void answer_hello(void)
{
	struct ipc_msg m;
	struct ipc_from from;
	while (ipc_recv(IPC_ANY, &m, &from) < 0 || m.tag != DEV_DRIVER_HELLO || from.pid == PID_KERNEL)
		;
	struct ipc_msg reply = { .tag = 0 };
	ipc_reply(from.handle, &reply);
}

int main(int argc, char **argv)
{
	uint16_t bdf;
	struct dev_info info;
	if (argc != 2 || dev_bdf_parse(argv[1], &bdf) < 0 || dev_wait_owned(bdf) < 0) {
		printf("devtest: cannot own its device  UNEXPECTED\n");
		return 1;
	}
	check("SYS_DEV_INFO of its own device", dev_info(bdf, &info), 0);
	check("... names it as owner", info.owner == sys_getpid() ? 0 : -1, 0);
	check("... BAR0 is mappable memory",
	      (info.bar[0].flags & (DEV_BAR_MEM | DEV_BAR_MAPPABLE)) == (DEV_BAR_MEM | DEV_BAR_MAPPABLE) ? 0 : -1, 0);
	config_checks(bdf, &info);
	mmio_checks(bdf);
	irq_checks(bdf);
	check("SYS_DEV_ASSIGN by a driver", dev_assign(bdf, (int)sys_getpid()), -ERR_PERM);
	answer_hello();
	printf(failures ? "devtest: %d checks FAILED\n" : "devtest: PASS\n", failures);
	printf("devtest: dying with bus mastering and MSI on\n");
	fflush(stdout);
	*(volatile int *)0 = 1;
	return 2;
}
