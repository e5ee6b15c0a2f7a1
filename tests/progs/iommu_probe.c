/*
 * iommu_probe - stands in for the memory server (the test boots it as the
 * module named "mm") to drive the IOMMU calls, SYS_MM_IOMMU_INFO ..
 * SYS_MM_IOMMU_UNMAP, end to end through the real kernel on q35 with
 * intel-iommu (and edu at 00:04.0, so the DMAR covers that device).
 *
 * It takes free frames from the boot information and checks, in order:
 * INFO reports the unit and that translation is off; every call from 37
 * up is refused before ENABLE; ENABLE refuses frames that are not RAM the
 * memory server manages (unaligned, the IOMMU's own registers, the kernel
 * image, a boot module, the frames the kernel built "mm" from, beyond
 * RAM) and then turns translation on, once; a domain is created and edu
 * attached, with each bad argument refused first; a page is mapped with
 * two spare tables after each bad map is refused; UNMAP refuses an
 * unwritable output buffer and a hole without changing anything, then
 * hands back both tables, leaf table first; detach and destroy check
 * their order; INFO's counts follow every step; and no process may map
 * an IOMMU table (SYS_MM_MAP, SYS_MM_MAP_RUN). Booted with iommu=off, it
 * checks only that ENABLE is refused with ERR_PERM. `bench` instead measures
 * a map + unmap of one page (invalidation included) in guest
 * instructions (run under -icount shift=0) and prints one bench line.
 * One line per check; code 0 and "iommu_probe: PASS" if all passed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <pagoda/sys.h>
#include <pagoda/mmboot.h>
#include <pagoda/types.h>
#include "probe.h"
#include "tsc.h"

#define NFRAMES 12
#define EDU     0x20            /* 00:04.0 */
#define IOVA    0x100000ULL
#define RW      (MM_RIGHT_READ | MM_RIGHT_WRITE)

static const uint64_t NONE = PADDR_NONE;
static const struct mm_boot_info *const boot = (const void *)MM_BOOT_INFO_VA;
static struct mm_iommu_info info;
static uint64_t out[MM_MAP_SPARES];

static int64_t iommu_info(void *p) { return sys_call6(SYS_MM_IOMMU_INFO, (uint64_t)(uintptr_t)p, 0, 0, 0, 0, 0); }
static int64_t enable(uint64_t root) { return sys_call6(SYS_MM_IOMMU_ENABLE, root, 0, 0, 0, 0, 0); }

static int64_t domain(uint64_t op, uint64_t dom, uint64_t bdf, uint64_t frame)
{
	return sys_call6(SYS_MM_IOMMU_DOMAIN, op, dom, bdf, frame, 0, 0);
}

static int64_t map(uint64_t dom, uint64_t iova, uint64_t pa, uint64_t n, uint64_t rights,
		   const uint64_t *s)
{
	struct mm_map_run run = { iova, pa, n, rights };
	return sys_call6(SYS_MM_IOMMU_MAP, dom, (uint64_t)(uintptr_t)&run, s[0], s[1], s[2], 0);
}

static int64_t unmap(uint64_t dom, uint64_t iova, uint64_t n, void *o)
{
	return sys_call6(SYS_MM_IOMMU_UNMAP, dom, iova, n, (uint64_t)(uintptr_t)o, 0, 0);
}

static uint64_t tables(void)
{
	return iommu_info(&info) == 0 ? info.tables : ~0ULL;
}

static void probe_info(void)
{
	check("info: ERR_FAULT for an unwritable buffer",
	      iommu_info((void *)MM_BOOT_INFO_VA) == -ERR_FAULT && iommu_info((void *)8) == -ERR_FAULT);
	check("info: present, translation off", iommu_info(&info) == 0 &&
	      (info.flags & (MM_IOMMU_PRESENT | MM_IOMMU_ENABLED | MM_IOMMU_OFF)) == MM_IOMMU_PRESENT);
	check("info: one unit at 0xfed90000, 3 levels, 39-bit IOVAs, 64 domain ids",
	      info.units == 1 && info.reg_base == 0xfed90000 && info.levels == 3 &&
	      info.iova_bits == 39 && info.domains == 64 && info.tables == 0);
	check("info: page-selective invalidation", (info.flags & MM_IOMMU_PSI) != 0);
}

/* Frames that are not RAM the memory server manages. */
static void probe_enable(const uint64_t *f)
{
	uint64_t kernel = boot->reserved[0].base, module = boot->modules[0].start & ~4095ULL;
	uint64_t built = boot->reserved[boot->nreserved - 1].base;
	check("before enable: create, attach, map, unmap get ERR_NOENT",
	      domain(MM_IOMMU_CREATE, 1, 0, f[1]) == -ERR_NOENT &&
	      domain(MM_IOMMU_ATTACH, 1, EDU, NONE) == -ERR_NOENT &&
	      map(1, IOVA, f[9], 1, RW, &f[3]) == -ERR_NOENT && unmap(1, IOVA, 1, out) == -ERR_NOENT);
	check("enable: an unaligned root: ERR_INVAL", enable(f[0] + 8) == -ERR_INVAL);
	check("enable: the IOMMU's registers: ERR_INVAL", enable(info.reg_base) == -ERR_INVAL);
	check("enable: the kernel image: ERR_INVAL", enable(kernel) == -ERR_INVAL);
	check("enable: a boot module: ERR_INVAL", enable(module) == -ERR_INVAL);
	check("enable: a frame the kernel built mm from: ERR_INVAL", enable(built) == -ERR_INVAL);
	check("enable: beyond RAM: ERR_INVAL", enable(1ULL << 45) == -ERR_INVAL);
	check("... none of which turned translation on",
	      iommu_info(&info) == 0 && !(info.flags & MM_IOMMU_ENABLED));
	check("enable: translation on", enable(f[0]) == 0 && iommu_info(&info) == 0 &&
	      (info.flags & MM_IOMMU_ENABLED) && info.tables == 1);
	check("enable again: ERR_BUSY", enable(f[2]) == -ERR_BUSY);
}

static void probe_domain(const uint64_t *f)
{
	check("create: domain 0 or 64: ERR_INVAL", domain(MM_IOMMU_CREATE, 0, 0, f[1]) == -ERR_INVAL &&
	      domain(MM_IOMMU_CREATE, 64, 0, f[1]) == -ERR_INVAL);
	check("create: the root table as a domain's root: ERR_INVAL",
	      domain(MM_IOMMU_CREATE, 1, 0, f[0]) == -ERR_INVAL);
	check("create: device memory as a domain's root: ERR_INVAL",
	      domain(MM_IOMMU_CREATE, 1, 0, info.reg_base) == -ERR_INVAL);
	check("create: domain 1", domain(MM_IOMMU_CREATE, 1, 0, f[1]) == 0 && tables() == 2);
	check("create it again: ERR_BUSY", domain(MM_IOMMU_CREATE, 1, 0, f[2]) == -ERR_BUSY);
	check("unknown operation: ERR_INVAL", domain(9, 1, EDU, NONE) == -ERR_INVAL);
	check("attach: no such domain: ERR_NOENT", domain(MM_IOMMU_ATTACH, 2, EDU, f[2]) == -ERR_NOENT);
	check("attach: a device no unit covers (00:05.0): ERR_NOENT",
	      domain(MM_IOMMU_ATTACH, 1, 0x28, f[2]) == -ERR_NOENT);
	check("attach: bdf 0x10000: ERR_INVAL", domain(MM_IOMMU_ATTACH, 1, 0x10000, f[2]) == -ERR_INVAL);
	check("attach: no context table for bus 0: ERR_NOMEM",
	      domain(MM_IOMMU_ATTACH, 1, EDU, NONE) == -ERR_NOMEM);
	check("attach: a table as the context table: ERR_INVAL",
	      domain(MM_IOMMU_ATTACH, 1, EDU, f[1]) == -ERR_INVAL);
	check("... which attached nothing", tables() == 2);
	check("attach edu (00:04.0): its bus's context table used",
	      domain(MM_IOMMU_ATTACH, 1, EDU, f[2]) == 1 && tables() == 3);
	check("attach edu again: ERR_BUSY", domain(MM_IOMMU_ATTACH, 1, EDU, f[3]) == -ERR_BUSY);
}

static void probe_map(const uint64_t *f)
{
	const uint64_t *s = &f[3], one[3] = { f[3], NONE, NONE }, none[3] = { NONE, NONE, NONE };
	check("map: unreadable run: ERR_FAULT",
	      sys_call6(SYS_MM_IOMMU_MAP, 1, 16, s[0], s[1], s[2], 0) == -ERR_FAULT);
	check("map: unaligned IOVA: ERR_INVAL", map(1, IOVA + 4, f[9], 1, RW, s) == -ERR_INVAL);
	check("map: IOVA beyond 2^39: ERR_INVAL", map(1, 1ULL << 39, f[9], 1, RW, s) == -ERR_INVAL);
	check("map: across a leaf table: ERR_INVAL", map(1, 0x1ff000, f[9], 2, RW, s) == -ERR_INVAL);
	check("map: device memory: ERR_INVAL", map(1, IOVA, info.reg_base, 1, RW, s) == -ERR_INVAL);
	check("map: the kernel image: ERR_INVAL", map(1, IOVA, boot->reserved[0].base, 1, RW, s) == -ERR_INVAL);
	check("map: the root table: ERR_INVAL", map(1, IOVA, f[0], 1, RW, s) == -ERR_INVAL);
	check("map: a context table: ERR_INVAL", map(1, IOVA, f[2], 1, RW, s) == -ERR_INVAL);
	check("map: write-only or exec rights: ERR_INVAL", map(1, IOVA, f[9], 1, MM_RIGHT_WRITE, s) == -ERR_INVAL &&
	      map(1, IOVA, f[9], 1, RW | MM_RIGHT_EXEC, s) == -ERR_INVAL);
	check("map: a spare that is a table: ERR_INVAL",
	      map(1, IOVA, f[9], 1, RW, (uint64_t[]){ f[1], f[4], NONE }) == -ERR_INVAL);
	check("map: the same spare twice: ERR_INVAL",
	      map(1, IOVA, f[9], 1, RW, (uint64_t[]){ f[3], f[3], NONE }) == -ERR_INVAL);
	check("map: too few spares: ERR_NOMEM", map(1, IOVA, f[9], 1, RW, one) == -ERR_NOMEM &&
	      map(1, IOVA, f[9], 1, RW, none) == -ERR_NOMEM);
	check("... which mapped nothing", tables() == 3 && info.mapped == 0);
	check("map one page: two spares used", map(1, IOVA, f[9], 1, RW, s) == 2 && tables() == 5 &&
	      info.mapped == 1);
	check("map it again: ERR_BUSY", map(1, IOVA, f[10], 1, RW, none) == -ERR_BUSY);
	check("map a mapped frame as a table: ERR_INVAL",
	      map(1, 1ULL << 30, f[10], 1, RW, (uint64_t[]){ f[9], f[5], NONE }) == -ERR_INVAL);
	check("map the next page, read-only: no spare needed",
	      map(1, IOVA + 4096, f[10], 1, MM_RIGHT_READ, none) == 0 && tables() == 5 && info.mapped == 2);
}

static void probe_unmap(const uint64_t *f)
{
	check("unmap into read-only memory: ERR_FAULT",
	      unmap(1, IOVA, 2, (void *)MM_BOOT_INFO_VA) == -ERR_FAULT);
	check("unmap a range with a hole: ERR_NOENT", unmap(1, IOVA, 3, out) == -ERR_NOENT);
	check("unmap in no such domain: ERR_NOENT", unmap(2, IOVA, 1, out) == -ERR_NOENT);
	check("unmap unaligned: ERR_INVAL", unmap(1, IOVA + 1, 1, out) == -ERR_INVAL);
	check("... which unmapped nothing", tables() == 5 && info.mapped == 2);
	check("destroy a domain with a device: ERR_BUSY", domain(MM_IOMMU_DESTROY, 1, 0, NONE) == -ERR_BUSY);
	check("unmap one of two pages: no table freed", unmap(1, IOVA + 4096, 1, out) == 0 && tables() == 5);
	check("unmap the other: both tables back, leaf table first",
	      unmap(1, IOVA, 1, out) == 2 && out[0] == f[4] && out[1] == f[3]);
	check("info: nothing mapped, three tables held", tables() == 3 && info.mapped == 0);
}

static void probe_detach(const uint64_t *f)
{
	check("detach from the wrong domain: ERR_NOENT", domain(MM_IOMMU_DETACH, 2, EDU, NONE) == -ERR_NOENT);
	check("detach a device not attached: ERR_NOENT", domain(MM_IOMMU_DETACH, 1, 0x18, NONE) == -ERR_NOENT);
	check("detach edu", domain(MM_IOMMU_DETACH, 1, EDU, NONE) == 0);
	check("detach it again: ERR_NOENT", domain(MM_IOMMU_DETACH, 1, EDU, NONE) == -ERR_NOENT);
	check("destroy domain 1: its root is free again", domain(MM_IOMMU_DESTROY, 1, 0, NONE) == 0 &&
	      tables() == 2 && domain(MM_IOMMU_CREATE, 3, 0, f[1]) == 0);
	check("destroy it again: ERR_NOENT", domain(MM_IOMMU_DESTROY, 1, 0, NONE) == -ERR_NOENT);
	check("attach edu to domain 3: the context table stayed",
	      domain(MM_IOMMU_ATTACH, 3, EDU, NONE) == 0);
}

/* Booted with iommu=off: translation cannot be turned on. */
static void probe_off(const uint64_t *f)
{
	check("iommu=off: info says so, translation off",
	      (info.flags & (MM_IOMMU_PRESENT | MM_IOMMU_OFF | MM_IOMMU_ENABLED)) ==
	      (MM_IOMMU_PRESENT | MM_IOMMU_OFF));
	check("iommu=off: enable: ERR_PERM", enable(f[0]) == -ERR_PERM);
	check("iommu=off: create: ERR_NOENT", domain(MM_IOMMU_CREATE, 1, 0, f[1]) == -ERR_NOENT);
	check("iommu=off: still off, no table held", iommu_info(&info) == 0 &&
	      !(info.flags & MM_IOMMU_ENABLED) && info.tables == 0);
}

/* No process may map an IOMMU table: it could rewrite where devices go. */
static void probe_process_map(const uint64_t *f)
{
	static const char name[32] = "iommu_target";
	int64_t pid = sys_call6(SYS_MM_PROC_CREATE, (uint64_t)(uintptr_t)name, f[6], 0, 0, 0, 0);
	int64_t r = sys_call7(SYS_MM_MAP, pid, 0x400000, f[0], RW, f[7], f[8], f[11]);
	check("SYS_MM_MAP of the root table into a process: ERR_INVAL", pid > 0 && r == -ERR_INVAL);
	struct mm_map_run run = { 0x400000, f[2], 1, RW };
	check("SYS_MM_MAP_RUN of a context table: ERR_INVAL",
	      sys_call6(SYS_MM_MAP_RUN, pid, (uint64_t)(uintptr_t)&run, f[7], f[8], f[11], 0) == -ERR_INVAL);
	check("SYS_MM_MAP of a domain's root as a page table: ERR_INVAL",
	      sys_call7(SYS_MM_MAP, pid, 0x400000, f[9], RW, f[1], f[8], f[11]) == -ERR_INVAL);
	check("SYS_MM_MAP of an ordinary frame: three spares used",
	      sys_call7(SYS_MM_MAP, pid, 0x400000, f[9], RW, f[7], f[8], f[11]) == 3);
}

#define BENCH_ITER 200

static void print_u64(uint64_t v)
{
	char b[24];
	int i = 23;
	b[i] = '\0';
	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	say(&b[i]);
}

/* One page mapped and unmapped, BENCH_ITER times, in a leaf table that
 * stays (an anchor page keeps it): the common case of a grant's page.
 * Then the same with the tables made and freed each time. */
static void bench_one(const char *name, uint64_t iova, const uint64_t *f, const uint64_t *s)
{
	static uint64_t t[BENCH_ITER];
	for (int i = 0; i < BENCH_ITER; i++) {
		uint64_t t0 = rdtsc();
		int64_t used = map(1, iova, f[9], 1, RW, s);
		int64_t n = unmap(1, iova, 1, out);
		t[i] = rdtsc() - t0;
		if (used < 0 || n < 0)
			check("bench: map and unmap succeed", 0);
	}
	qsort(t, BENCH_ITER, sizeof t[0], cmp_u64);
	say("bench: ");
	say(name);
	say(" min ");
	print_u64(t[0]);
	say(" median ");
	print_u64(t[BENCH_ITER / 2]);
	say(" instructions\n");
}

static void bench(const uint64_t *f)
{
	const uint64_t none[3] = { NONE, NONE, NONE };
	if (enable(f[0]) || domain(MM_IOMMU_CREATE, 1, 0, f[1]) ||
	    domain(MM_IOMMU_ATTACH, 1, EDU, f[2]) != 1 || map(1, IOVA, f[11], 1, RW, &f[3]) != 2) {
		check("bench: set-up", 0);
		return;
	}
	bench_one("iommu_map_unmap", IOVA + 4096, f, none);
	bench_one("iommu_map_unmap_tables", 1ULL << 30, f, &f[5]);
}

int main(int argc, char **argv)
{
	uint64_t f[NFRAMES];
	probe_name = "iommu_probe";
	if (!take_frames(f, NFRAMES)) {
		say("iommu_probe: FAIL: no free frames\n");
		sys_poweroff(1);
	}
	if (iommu_info(&info) || !(info.flags & MM_IOMMU_PRESENT)) {
		check("an IOMMU is present", 0);
		probe_finish();
	}
	if (info.flags & MM_IOMMU_OFF) {
		probe_off(f);
		probe_finish();
	}
	if (argc > 1 && argv[1][0] == 'b') {
		bench(f);
		probe_finish();
	}
	probe_info();
	probe_enable(f);
	probe_domain(f);
	probe_map(f);
	probe_unmap(f);
	probe_detach(f);
	probe_process_map(f);
	probe_finish();
}
