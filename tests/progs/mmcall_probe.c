/*
 * mmcall_probe - stands in for the memory server (the test boots it as
 * the module named "mm") to drive SYS_MM_LOOKUP and SYS_MM_PRUNE end to
 * end, arguments checks included, through the real system calls.
 *
 * It takes a handful of free frames from the boot information (the top
 * of the highest usable range, outside every reserved range), creates a
 * process with no threads, maps one page with three spare tables, and
 * checks: LOOKUP reports the frame and the rights and refuses bad
 * arguments; PRUNE refuses bad arguments and an output buffer it cannot
 * write (read-only boot info) without changing anything, prunes nothing
 * while the page is mapped, and after UNMAP hands back all three tables,
 * PT first, so that mapping there again needs three spares. Then
 * SYS_MM_MAP_RUN: bad runs are refused (unreadable, empty, too long,
 * across a leaf table, beyond RAM, too few spares) and a run of three
 * contiguous frames is mapped in one call, which a second call finds
 * busy. Devices (edu at 00:04.0, unowned: nobody enumerates here):
 * SYS_MM_DEVICE answers unowned, absent, a bad bdf; SYS_MM_MAP_MMIO
 * refuses an unowned device and every bad argument; the server may read
 * SYS_DEV_INFO but not assign; one PROC_FLAG_DEVMGR process at a time.
 * It prints one
 * line per check and powers off: code 0 (and "mmcall_probe: PASS") if all
 * passed, 1 otherwise. It uses no C library (nobody serves its heap).
 */
#include <stdint.h>
#include <pagoda/sys.h>
#include <pagoda/mmboot.h>
#include <pagoda/layout.h>
#include <pagoda/types.h>
#include <pagoda/dev.h>
#include "probe.h"

#define VA 0x400000ULL
#define NFRAMES 10

static uint64_t out[MM_PRUNE_MAX];

static int64_t lookup(uint64_t pid, uint64_t va)
{
	return sys_call6(SYS_MM_LOOKUP, pid, va, 0, 0, 0, 0);
}

static int64_t prune(uint64_t pid, uint64_t va, uint64_t len, const void *buf, uint64_t max)
{
	return sys_call6(SYS_MM_PRUNE, pid, va, len, (uint64_t)(uintptr_t)buf, max, 0);
}

static int64_t map(uint64_t pid, uint64_t pa, const uint64_t *sp)
{
	return sys_call7(SYS_MM_MAP, pid, VA, pa, MM_RIGHT_READ | MM_RIGHT_WRITE, sp[0], sp[1], sp[2]);
}

static void probe(uint64_t pid, const uint64_t *f)
{
	const uint64_t *spares = f + 2, leaf = f[1];
	check("map one page with three spare tables", map(pid, leaf, spares) == 3);
	check("lookup: frame | MM_PTE_WRITE", lookup(pid, VA) == (int64_t)(leaf | MM_PTE_WRITE));
	check("lookup again: unchanged", lookup(pid, VA) == (int64_t)(leaf | MM_PTE_WRITE));
	check("lookup of an unmapped page: ERR_NOENT", lookup(pid, VA + 4096) == -ERR_NOENT);
	check("lookup of an unaligned va: ERR_INVAL", lookup(pid, VA + 1) == -ERR_INVAL);
	check("lookup of a kernel va: ERR_INVAL", lookup(pid, 0xffff800000000000ULL) == -ERR_INVAL);
	check("lookup in the server itself: ERR_SRCH", lookup(MM_PID, VA) == -ERR_SRCH);
	check("lookup in no process: ERR_SRCH", lookup(99999, VA) == -ERR_SRCH);
	check("prune with max 0: ERR_INVAL", prune(pid, VA, 4096, out, 0) == -ERR_INVAL);
	check("prune with max 65: ERR_INVAL", prune(pid, VA, 4096, out, MM_PRUNE_MAX + 1) == -ERR_INVAL);
	check("prune of length 0: ERR_INVAL", prune(pid, VA, 0, out, 1) == -ERR_INVAL);
	check("prune past the user half: ERR_INVAL", prune(pid, VA, 1ULL << 47, out, 1) == -ERR_INVAL);
	check("prune in the server itself: ERR_SRCH", prune(MM_PID, VA, 4096, out, 1) == -ERR_SRCH);
	check("prune while the page is mapped: 0", prune(pid, 4096, USER_TOP - 4096, out, 64) == 0);
	int64_t old = sys_call6(SYS_MM_UNMAP, pid, VA, 0, 0, 0, 0);
	check("unmap the page", old >= 0 && (uint64_t)old == leaf);
	check("prune into read-only memory: ERR_FAULT",
	      prune(pid, VA, 4096, (const void *)MM_BOOT_INFO_VA, 3) == -ERR_FAULT);
	check("... which unlinked nothing", map(pid, leaf, (uint64_t[]){ PADDR_NONE, PADDR_NONE,
								  PADDR_NONE }) == 0);
	check("unmap it again", sys_call6(SYS_MM_UNMAP, pid, VA, 0, 0, 0, 0) >= 0);
	check("prune: three tables", prune(pid, VA, 4096, out, MM_PRUNE_MAX) == 3);
	check("bottom up: PT, PD, PDPT (the spares in reverse)",
	      out[0] == spares[2] && out[1] == spares[1] && out[2] == spares[0]);
	check("prune again: nothing left", prune(pid, VA, 4096, out, MM_PRUNE_MAX) == 0);
	check("mapping there again needs three spares",
	      map(pid, leaf, (uint64_t[]){ spares[0], spares[1], PADDR_NONE }) == -ERR_NOMEM);
}

static int64_t map_run(uint64_t pid, const struct mm_map_run *run, const uint64_t *sp)
{
	return sys_call6(SYS_MM_MAP_RUN, pid, (uint64_t)(uintptr_t)run, sp[0], sp[1], sp[2], 0);
}

#define RUN_VA 0x600000ULL          /* a leaf table's span of its own */

static void probe_run(uint64_t pid, const uint64_t *f)
{
	const uint64_t *spares = f + 2, none[3] = { PADDR_NONE, PADDR_NONE, PADDR_NONE };
	uint64_t pa = f[7];             /* f[7], f[6], f[5]: three frames going up */
	if (f[6] != pa + 4096 || f[5] != pa + 8192) {
		check("map_run: three contiguous free frames", 0);
		return;
	}
	struct mm_map_run run = { RUN_VA, pa, 3, MM_RIGHT_READ | MM_RIGHT_WRITE };
	check("map_run from unreadable memory: ERR_FAULT",
	      map_run(pid, (const struct mm_map_run *)0x10, spares) == -ERR_FAULT);
	run.npages = 0;
	check("map_run of 0 pages: ERR_INVAL", map_run(pid, &run, spares) == -ERR_INVAL);
	run.npages = MM_MAP_RUN_MAX + 1;
	check("map_run of 513 pages: ERR_INVAL", map_run(pid, &run, spares) == -ERR_INVAL);
	run = (struct mm_map_run){ RUN_VA - 4096, pa, 2, MM_RIGHT_READ };
	check("map_run across two leaf tables: ERR_INVAL", map_run(pid, &run, spares) == -ERR_INVAL);
	run = (struct mm_map_run){ RUN_VA, 1ULL << 45, 3, MM_RIGHT_READ };
	check("map_run of frames beyond RAM: ERR_INVAL", map_run(pid, &run, spares) == -ERR_INVAL);
	run = (struct mm_map_run){ RUN_VA, pa, 3, MM_RIGHT_READ | MM_RIGHT_WRITE };
	check("map_run without the spares it needs: ERR_NOMEM", map_run(pid, &run, none) == -ERR_NOMEM);
	check("... which mapped nothing", lookup(pid, RUN_VA) == -ERR_NOENT);
	check("map_run of three frames: three spares used", map_run(pid, &run, spares) == 3);
	check("map_run: each page maps its frame",
	      lookup(pid, RUN_VA) == (int64_t)(pa | MM_PTE_WRITE) &&
	      lookup(pid, RUN_VA + 4096) == (int64_t)((pa + 4096) | MM_PTE_WRITE) &&
	      lookup(pid, RUN_VA + 8192) == (int64_t)((pa + 8192) | MM_PTE_WRITE) &&
	      lookup(pid, RUN_VA + 12288) == -ERR_NOENT);
	run.va = RUN_VA + 8192;
	check("map_run over a mapped page: ERR_BUSY", map_run(pid, &run, none) == -ERR_BUSY);
}

#define EDU_BDF 0x20

static int64_t map_mmio(uint64_t pid, uint64_t va, uint64_t pa, uint64_t dev, const uint64_t *sp)
{
	return sys_call7(SYS_MM_MAP_MMIO, pid, va, pa, dev, sp[0], sp[1], sp[2]);
}

static void probe_devices(uint64_t pid, const uint64_t *f)
{
	static struct dev_info info;
	static const char name[32] = "enumerator";
	const uint64_t none[3] = { PADDR_NONE, PADDR_NONE, PADDR_NONE };
	check("device: SYS_MM_DEVICE of unowned edu: 0", sys_call6(SYS_MM_DEVICE, EDU_BDF, 0, 0, 0, 0, 0) == 0);
	check("device: SYS_MM_DEVICE of an absent bdf: ERR_NOENT",
	      sys_call6(SYS_MM_DEVICE, 0x28, 0, 0, 0, 0, 0) == -ERR_NOENT);
	check("device: SYS_MM_DEVICE of bdf 0x10000: ERR_INVAL",
	      sys_call6(SYS_MM_DEVICE, 0x10000, 0, 0, 0, 0, 0) == -ERR_INVAL);
	check("device: SYS_DEV_INFO of edu for the server",
	      sys_call6(SYS_DEV_INFO, EDU_BDF, (uint64_t)(uintptr_t)&info, 0, 0, 0, 0) == 0 &&
	      info.vendor == 0x1234 && info.bar[0].size == (1u << 20) && (info.bar[0].flags & DEV_BAR_MAPPABLE));
	check("device: SYS_DEV_ASSIGN by the server: ERR_PERM",
	      sys_call6(SYS_DEV_ASSIGN, EDU_BDF, pid, 0, 0, 0, 0) == -ERR_PERM);
	uint64_t bar = info.bar[0].base;
	check("device: map_mmio of an unowned device: ERR_PERM", map_mmio(pid, VA, bar, EDU_BDF, none) == -ERR_PERM);
	check("device: map_mmio of BAR 6: ERR_INVAL", map_mmio(pid, VA, bar, EDU_BDF | 6 << 16, none) == -ERR_INVAL);
	check("device: map_mmio of an unaligned page: ERR_INVAL", map_mmio(pid, VA, bar + 8, EDU_BDF, none) == -ERR_INVAL);
	check("device: map_mmio at an unaligned va: ERR_INVAL", map_mmio(pid, VA + 8, bar, EDU_BDF, none) == -ERR_INVAL);
	check("device: map_mmio of an absent device: ERR_NOENT", map_mmio(pid, VA, bar, 0x28, none) == -ERR_NOENT);
	check("device: map_mmio into the server: ERR_SRCH", map_mmio(MM_PID, VA, bar, EDU_BDF, none) == -ERR_SRCH);
	check("device: create with unknown flags: ERR_INVAL",
	      sys_call6(SYS_MM_PROC_CREATE, (uint64_t)(uintptr_t)name, f[8], 0x4, 0, 0, 0) == -ERR_INVAL);
	int64_t enumerator = sys_call6(SYS_MM_PROC_CREATE, (uint64_t)(uintptr_t)name, f[8], PROC_FLAG_DEVMGR, 0, 0, 0);
	check("device: create an enumerator", enumerator > 0);
	check("device: a second enumerator: ERR_BUSY",
	      sys_call6(SYS_MM_PROC_CREATE, (uint64_t)(uintptr_t)name, f[9], PROC_FLAG_DEVMGR, 0, 0, 0) == -ERR_BUSY);
	check("device: end the first",  sys_call6(SYS_MM_KILL, (uint64_t)enumerator, 0, 0, 0, 0, 0) == 0);
	check("device: then a new one may be created",
	      sys_call6(SYS_MM_PROC_CREATE, (uint64_t)(uintptr_t)name, f[9], PROC_FLAG_DEVMGR, 0, 0, 0) > enumerator);
}

int main(void)
{
	uint64_t f[NFRAMES];
	static const char name[32] = "probe_target";
	probe_name = "mmcall_probe";
	if (!take_frames(f, NFRAMES)) {
		say("mmcall_probe: FAIL: no free frames\n");
		sys_poweroff(1);
	}
	int64_t pid = sys_call6(SYS_MM_PROC_CREATE, (uint64_t)(uintptr_t)name, f[0], 0, 0, 0, 0);
	check("create a process", pid > 0);
	if (pid > 0) {
		probe((uint64_t)pid, f);
		probe_run((uint64_t)pid, f);
		probe_devices((uint64_t)pid, f);
	}
	probe_finish();
}
