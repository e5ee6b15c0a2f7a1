/*
 * main.c - kmain, where the kernel starts (called from boot/entry.S).
 *
 * Boot order: serial console; copy and check the boot information (while
 * the boot identity map still covers it); parse boot options; print the
 * banner; stop cleanly if the kernel image itself does not fit in RAM; CPU tables (GDT, TSS, IDT), FPU/SSE, the syscall MSRs; the
 * kernel's final page tables; the PCI functions of bus 0 and the local
 * APIC (device.c); the IOMMU found and reported (translation waits for
 * the memory server); then the memory server, the one process the
 * kernel builds (frames from the boot-only allocator, sealed afterwards),
 * the timer, and the scheduler, which never returns. The memory server
 * starts everything else.
 */
#include "kernel.h"
#include "bootinfo.h"
#include "bootopt.h"
#include "bootmem.h"
#include "sched.h"
#include "spawn.h"
#include "mmcall.h"
#include "device.h"
#include "iommu.h"
#include "iommucall.h"
#include "arch/x86_64/arch.h"
#include "arch/x86_64/mmu.h"

extern char _kernel_phys_start[], _kernel_phys_end[];

static struct boot_info boot_info;
static struct boot_options boot_options;

/* Before paging_init only physical 0..1 GiB is mapped (identity). */
static const void *read_identity(paddr_t pa, size_t len)
{
	const paddr_t limit = 1ULL << 30;
	if (pa >= limit || len > limit - pa)
		return NULL;
	return (const void *)(uintptr_t)pa;
}

static void print_banner(const struct boot_info *bi, const struct boot_options *o)
{
	uint64_t image = (uint64_t)(uintptr_t)_kernel_phys_end - (uint64_t)(uintptr_t)_kernel_phys_start;
	kprintf("Pagoda %s (x86_64) - kernel image %lu KiB\n", PAGODA_VERSION,
		image >> 10);
	kprintf("memory: %lu MiB usable (%lu KiB) in %d ranges, top %#lx\n",
		bi->usable_bytes >> 20, bi->usable_bytes >> 10,
		bi->nranges, bi->top_of_ram);
	kprintf("modules: %d loaded\n", bi->nmodules);
	if (o->quiet)
		return;
	for (int i = 0; i < bi->nmodules; i++)
		kprintf("  module %d: %s (%lu bytes) '%s'\n", i, bi->modules[i].name,
			(bi->modules[i].end - bi->modules[i].start),
			bi->modules[i].args);
	if (!o->verbose)
		return;
	for (int i = 0; i < bi->nranges; i++)
		kprintf("  ram %#014lx-%#014lx %s\n", bi->ranges[i].base,
			(bi->ranges[i].base + bi->ranges[i].len),
			bi->ranges[i].type == MEM_USABLE ? "usable" : "reserved");
}

/* The loader put the image at 1 MiB whatever the RAM, and its .bss (the
 * thread stacks above all) may run past the end: say so and stop, before
 * anything touches it. */
static void check_image_fits(const struct boot_info *bi)
{
	paddr_t start = (paddr_t)(uintptr_t)_kernel_phys_start, end = (paddr_t)(uintptr_t)_kernel_phys_end;
	if (bootinfo_usable(bi, start, end))
		return;
	kprintf("boot: not enough memory: the kernel image needs RAM up to %#lx (%lu KiB); "
		"usable RAM ends at %#lx (%lu KiB usable)\n", end, end >> 10, bi->top_of_ram,
		bi->usable_bytes >> 10);
	arch_poweroff(POWER_FAIL);
}

void kmain(uint32_t magic, uint32_t mbi);
void kmain(uint32_t magic, uint32_t mbi)
{
	serial_init();
	if (bootinfo_parse(magic, mbi, read_identity, &boot_info) < 0)
		panic("cannot continue without the boot information");
	bootopt_parse(boot_info.cmdline, &boot_options);
	print_banner(&boot_info, &boot_options);
	check_image_fits(&boot_info);
	gdt_init();
	idt_init();
	fpu_init();
	syscall_arch_init();
	paging_init(boot_info.top_of_ram);
	device_init(&boot_info, paging_physmap_end());
	if (!boot_options.quiet)
		kprintf("pci: %d functions on bus 0\n", device_count());
	bootmem_init(&boot_info, (paddr_t)(uintptr_t)_kernel_phys_end);
	proc_init();
	paddr_t kstart = (paddr_t)(uintptr_t)_kernel_phys_start, kend = (paddr_t)(uintptr_t)_kernel_phys_end;
	mmcall_init(boot_info.top_of_ram, kstart, kend);
	iommucall_init(&boot_info, kstart, kend);
	iommu_init(boot_options.iommu_off, boot_options.quiet);
	if (!spawn_memory_server(&boot_info, kstart, kend))
		arch_poweroff(POWER_FAIL);
	bootmem_seal();
	if (!boot_options.quiet)
		kprintf("boot: %lu frames used to build the first processes\n",
			bootmem_used_frames());
	sched_init(boot_options.quantum);
	timer_init();
	sched_start();
}
