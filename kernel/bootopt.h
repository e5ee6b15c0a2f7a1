/*
 * bootopt.h - kernel boot options, from the multiboot command line.
 *
 *   quantum=N   time slice in timer ticks, 1..100 (default 2; 10 ms ticks)
 *   verbose     print the memory map and every module at boot
 *   quiet       print only the banner line and errors
 *   iommu=off   leave DMA translation off (the memory server cannot turn
 *               it on): every device reaches all of memory, for comparison
 *   iommu=on    the default: the memory server turns translation on
 *
 * Words that contain '/' and no '=' are skipped (QEMU's -kernel puts the
 * kernel's path first). An unknown option or a bad value is reported on the console
 * and the default is kept.
 */
#ifndef KERNEL_BOOTOPT_H
#define KERNEL_BOOTOPT_H

#include <stdbool.h>

struct boot_options {
	int quantum;
	bool verbose;
	bool quiet;
	bool iommu_off;
	int errors;     /* options rejected */
};

#define BOOTOPT_QUANTUM_DEFAULT 2
#define BOOTOPT_QUANTUM_MAX     100

void bootopt_parse(const char *cmdline, struct boot_options *out);

#endif
