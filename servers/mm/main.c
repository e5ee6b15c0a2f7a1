/*
 * main.c - the memory server: start-up and the request loop.
 *
 * The kernel builds this process first (pid 1) and gives it, through
 * pagoda/mmboot.h, a window onto all physical memory and the boot
 * information: the memory map, the reserved ranges, the program modules.
 * Start-up builds the page descriptors, zones and buddy allocator from
 * them, the slab caches, and then spawns `init` with the arguments of its
 * module line - after the swap device, when `swap=MiB` asks for one
 * (swapdev.c: the ramdisk is then pid 2 and init pid 3), and after the
 * device enumerator has handed out the devices, when the boot has a
 * `devmgr` module (device.c: init starts on its MM_DEV_READY). From then
 * on the server only answers messages:
 * ipc_serve() dispatches client requests by tag through mm_handlers
 * (requests.c) and the
 * kernel's messages (page faults, exit reports, DMA faults: iommu.c) to
 * kernel_message(). Before init, translation goes on when the kernel found
 * an IOMMU (mm_iommu_start).
 * After every message the background reclaimer gets its turn (reclaim.c:
 * it works only below the low watermark), which keeps the loop one thread
 * and deterministic. Booted with `check` on its module line (options.c),
 * the server also runs every invariant checker after every message.
 */
#include <stdio.h>
#include <string.h>
#include <pagoda/mmboot.h>
#include "mm.h"
#include "zone.h"
#include "buddy.h"
#include "slab.h"
#include "kmalloc.h"
#include "mm_env.h"
#include "check.h"
#include "reclaim.h"
#include "swap.h"
#include "config.h"
#include "swapdev.h"
#include "swap.h"
#include "dma.h"
#include "iommu.h"
#include <pagoda/about.h>

PAGODA_ABOUT("the memory server (pid 1): frames, paging, swap, DMA");

#define SWAPTEST_PAGES 64       /* pages the `swaptest` option sends through the device */

static const struct mm_boot_info *const boot = (const struct mm_boot_info *)MM_BOOT_INFO_VA;

static int kernel_message(const struct ipc_msg *m, const struct ipc_from *from, struct ipc_msg *reply)
{
	if (m->tag == MM_FAULT)
		return mm_handle_fault(m, from, reply);
	if (m->tag == MM_PROC_EXIT && from->pid == PID_KERNEL)
		mm_handle_exit((int)m->w[0], (int)(int64_t)m->w[1], m->w[2]);
	if (m->tag == MM_IOMMU_FAULT && from->pid == PID_KERNEL)
		mm_handle_iommu_fault(m);
	return 0;
}

/* After every message: background reclaim, and under MM_DEBUG_CHECK every
 * checker (check.c; a finding is an mm_bug, which stops the machine).
 * Every CHECK_REPORT messages the console hears that the checks ran and
 * held. */
#define CHECK_REPORT 256

static void after_message(void)
{
	static unsigned long checked;
	reclaim_background();
	if (!(mm_debug & MM_DEBUG_CHECK))
		return;
	mm_check_all();
	if (++checked % CHECK_REPORT == 0) {
		printf("mm: check: %lu messages checked, every invariant held\n", checked);
		fflush(stdout);
	}
}

static int request_then(const struct ipc_msg *m, const struct ipc_from *from, struct ipc_msg *reply)
{
	int answer = mm_handlers[m->tag](m, from, reply);
	after_message();
	return answer;
}

static int kernel_message_then(const struct ipc_msg *m, const struct ipc_from *from,
			       struct ipc_msg *reply)
{
	int answer = kernel_message(m, from, reply);
	after_message();
	return answer;
}

__attribute__((noreturn)) static void serve(void)
{
	static ipc_handler wrapped[MM__REQUESTS];
	for (int i = 0; i < MM__REQUESTS; i++)
		wrapped[i] = mm_handlers[i] ? request_then : NULL;
	ipc_serve(wrapped, MM__REQUESTS, kernel_message_then);
}

/* mm's own module line: its options (options.c). */
static const char *own_line(void)
{
	for (uint32_t i = 0; i < boot->nmodules; i++)
		if (!strcmp(boot->modules[i].name, "mm"))
			return boot->modules[i].args;
	return "";
}

/* The debug switches, before the allocators start. */
static void read_options(void)
{
	mm_debug = mm_debug_parse(own_line());
	if (mm_debug)
		printf("mm: debug:%s%s%s%s\n",
		       (mm_debug & MM_DEBUG_CHECK) ? " check (every invariant after every message)" : "",
		       (mm_debug & MM_DEBUG_SLAB) ? " slab" : "",
		       (mm_debug & MM_DEBUG_PAGES) ? " pages" : "",
		       (mm_debug & MM_DEBUG_SWAPTEST) ? " swaptest" : "");
}

/* policy= (config.h; options.c parsed it), or the default. A bad name
 * or parameter is reported and the default kept (a boot option never
 * stops the boot). */
#define POLICY_DEFAULT "clock"
static void select_policy(void)
{
	const char *want = mm_config.policy[0] ? mm_config.policy : POLICY_DEFAULT;
	char why[80];
	if (stat_policy_select(want, strlen(want), why, sizeof why) < 0) {
		printf("mm: policy=%s: %s; using %s\n", want, why, POLICY_DEFAULT);
		stat_policy_select(POLICY_DEFAULT, strlen(POLICY_DEFAULT), why, sizeof why);
	}
}

/* The settings (swap=, usermem=, policy=, bounce=), and the swap device. */
static void configure(uint64_t managed)
{
	mm_config_parse(own_line(), managed, &mm_config);
	select_policy();
	if (mm_config.bounce_force)
		printf("mm: bounce=force: every streaming DMA mapping bounces\n");
	if (mm_config.swap_pages == 0)
		return;
	int err = swapdev_start(mm_config.swap_pages);
	if (err < 0) {
		printf("mm: cannot start the swap device: %s; running without swap\n",
		       pagoda_strerror(err));
		mm_config.swap_pages = 0;
		return;
	}
	if (mm_debug & MM_DEBUG_SWAPTEST)
		swapdev_selftest(SWAPTEST_PAGES);
	swap_init();            /* the slot maps, now, while memory is plentiful */
}

static int init_memory(void)
{
	static struct mm_range map[MM_BOOT_RANGES], reserved[MM_BOOT_RESERVED];
	for (uint32_t i = 0; i < boot->nranges; i++)
		map[i] = (struct mm_range){ boot->ranges[i].base, boot->ranges[i].len, boot->ranges[i].type };
	for (uint32_t i = 0; i < boot->nreserved; i++)
		reserved[i] = (struct mm_range){ boot->reserved[i].base, boot->reserved[i].len,
						 MM_RANGE_RESERVED };
	mm_phys_window = (uint8_t *)MM_PHYS_WINDOW;
	mm_phys_limit = boot->phys_window_size;
	read_options();
	int err = zone_init(map, boot->nranges, reserved, boot->nreserved);
	if (err < 0)
		return err;
	slab_init();
	err = kmalloc_init();
	if (err < 0)
		return err;
	mm_proc_init();
	region_init();
	shm_init();
	grant_init();
	dma_stream_init();
	reclaim_init();
	spawn_init(boot);
	return 0;
}

int main(void)
{
	if (boot->magic != MM_BOOT_MAGIC) {
		printf("mm: no boot information from the kernel\n");
		return 1;
	}
	int err = init_memory();
	if (err < 0) {
		printf("mm: cannot set up physical memory: %s\n", pagoda_strerror(err));
		return 1;
	}
	uint64_t managed = 0;
	for (int z = 0; z < MM_NR_ZONES; z++)
		managed += mm_zones[z].managed_pages;
	printf("mm: managing %lu MiB: DMA %lu, DMA32 %lu, NORMAL %lu free pages\n",
	       (unsigned long)(managed >> 8), (unsigned long)mm_zones[ZONE_DMA].free_pages,
	       (unsigned long)mm_zones[ZONE_DMA32].free_pages,
	       (unsigned long)mm_zones[ZONE_NORMAL].free_pages);
	configure(managed);
	mm_iommu_start();       /* translation on before any driver runs */
	if (!device_boot())     /* with a device enumerator, init waits for it */
		mm_start_init();
	fflush(stdout);
	serve();
}
