/*
 * probe.h - what the probes that stand in for the memory server share
 * (mmcall_probe, iommu_probe: each is booted as the module named "mm",
 * so it may make the SYS_MM_* calls, and nobody serves its heap, so it
 * uses no C library): a console line per check, and free frames taken
 * from the boot information.
 */
#ifndef PROBE_H
#define PROBE_H

#include <stdint.h>
#include <pagoda/sys.h>
#include <pagoda/mmboot.h>

static int probe_failures;
static const char *probe_name = "probe";

static void say(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	sys_write(s, n);
}

/* One line: "NAME: what", with "  UNEXPECTED" when the check failed. */
static void check(const char *what, int ok)
{
	say(probe_name);
	say(": ");
	say(what);
	say(ok ? "\n" : "  UNEXPECTED\n");
	if (!ok)
		probe_failures++;
}

/* "NAME: PASS" or "NAME: FAIL", and power off with 0 or 1. */
__attribute__((noreturn)) static void probe_finish(void)
{
	say(probe_name);
	say(probe_failures ? ": FAIL\n" : ": PASS\n");
	sys_poweroff(probe_failures ? 1 : 0);
	for (;;)
		;
}

static int reserved(const struct mm_boot_info *bi, uint64_t pa)
{
	for (uint32_t i = 0; i < bi->nreserved; i++)
		if (pa + 4096 > bi->reserved[i].base && pa < bi->reserved[i].base + bi->reserved[i].len)
			return 1;
	return 0;
}

/* n free frames from the top of the highest usable range, going down. */
static int take_frames(uint64_t *f, int n)
{
	const struct mm_boot_info *bi = (const void *)MM_BOOT_INFO_VA;
	const struct mm_boot_range *top = 0;
	for (uint32_t i = 0; i < bi->nranges; i++)
		if (bi->ranges[i].type == MM_RANGE_USABLE && (!top || bi->ranges[i].base > top->base))
			top = &bi->ranges[i];
	int got = 0;
	for (uint64_t pa = top ? top->base + top->len - 4096 : 0; top && got < n && pa >= top->base;
	     pa -= 4096)
		if (!reserved(bi, pa))
			f[got++] = pa;
	return got == n;
}

#endif
