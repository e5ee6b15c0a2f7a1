/*
 * devprobe - an ordinary process, owning no device, tries every driver
 * call and every device request of the memory server on edu (00:04.0)
 * and checks each refusal, one line per check ("devprobe: PASS" at the
 * end, or how many failed; exit status 0 or 1):
 *
 *   configuration reads and writes, SYS_DEV_INFO, interrupt bind and
 *   unbind of a device it does not own: ERR_PERM (after the argument
 *   checks: a bad width or bdf is ERR_INVAL, an absent device ERR_NOENT);
 *   MM_DEV_MMIO: ERR_PERM (ERR_INVAL for a bad BAR index);
 *   the enumerator's role: SYS_DEV_ASSIGN, MM_DEV_READY and spawning the
 *   devmgr module are refused (ERR_PERM);
 *   the memory server's device calls SYS_MM_DEVICE, SYS_MM_MAP_MMIO:
 *   ERR_PERM, and the IOMMU's 35..39 too; the reserved driver calls
 *   46, 47: ERR_NOSYS;
 *   the driver (its pid is argv[1], as the device manager printed it): a
 *   CALL before MM_DEV_OPEN is refused (ERR_PERM); MM_DEV_OPEN names that
 *   pid and 00:04.0; after it, EDU_IDENTIFY answers; an unknown tag is ERR_NOSYS, a factorial
 *   too large and a liveness value too wide ERR_INVAL; MM_DEV_OPEN of
 *   ids nobody has is ERR_NOENT, of a device without driver ERR_AGAIN.
 */
#include <stdio.h>
#include <stdlib.h>
#include <pagoda/sys.h>
#include <pagoda/dev.h>
#include <pagoda/edu.h>

#define EDU_BDF       DEV_BDF(0, 4, 0)
#define ABSENT_DEVICE DEV_BDF(0, 5, 0)

static int failures;

static void check(const char *what, int64_t got, int64_t want)
{
	printf("devprobe: %s: %s%s\n", what, got < 0 ? pagoda_strerror((int)got) : "ok",
	       got == want ? "" : "  UNEXPECTED");
	failures += got != want;
}

static int64_t raw(uint64_t nr, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	return sys_call6(nr, a, b, c, d, 0, 0);
}

static void device_calls(void)
{
	struct dev_info info;
	check("config read of edu", dev_config_read(EDU_BDF, PCI_CFG_VENDOR, 2), -ERR_PERM);
	check("config read of width 3", raw(SYS_DEV_CONFIG_READ, EDU_BDF, 0, 3, 0), -ERR_INVAL);
	check("config read of bdf 0x10000", raw(SYS_DEV_CONFIG_READ, 0x10000, 0, 4, 0), -ERR_INVAL);
	check("config read of an absent device", dev_config_read(ABSENT_DEVICE, 0, 4), -ERR_NOENT);
	check("config write of edu's command", dev_config_write(EDU_BDF, PCI_CFG_COMMAND, 2, 0), -ERR_PERM);
	check("SYS_DEV_INFO of edu", dev_info(EDU_BDF, &info), -ERR_PERM);
	check("interrupt bind of edu", dev_irq_bind(EDU_BDF, 1), -ERR_PERM);
	check("interrupt unbind of edu", dev_irq_unbind(EDU_BDF), -ERR_PERM);
	volatile void *va;
	uint64_t len;
	check("MM_DEV_MMIO of edu's BAR0", mm_dev_mmio(EDU_BDF, 0, &va, &len), -ERR_PERM);
	check("MM_DEV_MMIO of BAR 6", mm_dev_mmio(EDU_BDF, 6, &va, &len), -ERR_INVAL);
	struct ipc_msg m = { .tag = MM_DEV_MMIO, .w = { 0x10000, 0 } };
	check("MM_DEV_MMIO of bdf 0x10000", ipc_call(MM_PID, &m) < 0 ? -1 : m.tag, -ERR_INVAL);
}

static void enumerator_role(void)
{
	check("SYS_DEV_ASSIGN of edu to itself", dev_assign(EDU_BDF, (int)sys_getpid()), -ERR_PERM);
	check("MM_DEV_READY", mm_dev_ready(), -ERR_PERM);
	check("spawning devmgr", mm_spawn("devmgr edu=00:04.0", 0), -ERR_PERM);
	check("SYS_MM_DEVICE", raw(SYS_MM_DEVICE, EDU_BDF, 0, 0, 0), -ERR_PERM);
	check("SYS_MM_MAP_MMIO", raw(SYS_MM_MAP_MMIO, sys_getpid(), 0x10000000, 0xfea00000, EDU_BDF),
	      -ERR_PERM);
	int answered = 0;       /* calls 35..39 that did not answer ERR_PERM */
	for (uint64_t nr = SYS_MM_IOMMU_INFO; nr <= SYS_MM_IOMMU_UNMAP; nr++)
		answered += raw(nr, 0, 0, 0, 0) != -ERR_PERM;
	check("the IOMMU's calls 35..39 (each ERR_PERM)", answered ? -1 : 0, 0);
	check("reserved driver call 46", raw(46, 0, 0, 0, 0), -ERR_NOSYS);
	check("reserved driver call 47", raw(47, 0, 0, 0, 0), -ERR_NOSYS);
}

static int edu_call(int pid, int64_t tag, uint64_t w0)
{
	struct ipc_msg m = { .tag = tag, .w = { w0 } };
	int err = ipc_call(pid, &m);
	return err < 0 ? err : (int)m.tag;
}

/* expected: the driver's pid, as the device manager said it (argv[1]). */
static void driver_requests(int expected)
{
	uint16_t bdf;
	check("CALL to the driver before MM_DEV_OPEN", edu_call(expected, EDU_IDENTIFY, 0), -ERR_PERM);
	int driver = mm_dev_open(EDU_VENDOR, EDU_DEVICE, 0, &bdf);
	check("MM_DEV_OPEN of edu names that driver", driver == expected && bdf == EDU_BDF ? 0 : -1, 0);
	check("EDU_IDENTIFY after MM_DEV_OPEN", edu_call(driver, EDU_IDENTIFY, 0), 0);
	check("an unknown request", edu_call(driver, 99, 0), -ERR_NOSYS);
	check("a DMA request the driver does not know", edu_call(driver, EDU_DMA_LAST, 0), -ERR_NOSYS);
	check("a DMA buffer of 0 bytes", edu_call(driver, EDU_DMA_BUFFER, 0), -ERR_INVAL);
	check("13!", edu_call(driver, EDU_FACTORIAL, 13), -ERR_INVAL);
	check("liveness of a 33-bit value", edu_call(driver, EDU_LIVENESS, 1ULL << 32), -ERR_INVAL);
	check("MM_DEV_OPEN of ids nobody has", mm_dev_open(0x1234, 0x5678, 0, &bdf), -ERR_NOENT);
	check("MM_DEV_OPEN of a second edu", mm_dev_open(EDU_VENDOR, EDU_DEVICE, 1, &bdf), -ERR_NOENT);
	check("MM_DEV_OPEN of a device without driver", mm_dev_open(0x8086, 0x10d3, 0, &bdf), -ERR_AGAIN);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		printf("devprobe: usage: devprobe DRIVER-PID  UNEXPECTED\n");
		return 1;
	}
	device_calls();
	enumerator_role();
	driver_requests(atoi(argv[1]));
	printf(failures ? "devprobe: %d checks FAILED\n" : "devprobe: PASS\n", failures);
	return failures ? 1 : 0;
}
