/*
 * iommu_denied - an ordinary process tries every IOMMU call
 * (SYS_MM_IOMMU_INFO .. SYS_MM_IOMMU_UNMAP, 35..39) with arguments that
 * would be valid for the memory server: each must be refused with
 * ERR_PERM before the kernel looks at them. Prints one line per call and
 * "iommu_denied: PASS", or "UNEXPECTED" lines; exits 0 or 1.
 */
#include <stdio.h>
#include <stdint.h>
#include <pagoda/sys.h>
#include <pagoda/types.h>

static int failures;

static void expect_perm(const char *what, int64_t got)
{
	printf("iommu_denied: %s: %s%s\n", what, pagoda_strerror((int)got),
	       got == -ERR_PERM ? "" : "  UNEXPECTED");
	failures += got != -ERR_PERM;
}

int main(void)
{
	static struct mm_iommu_info info;
	static uint64_t out[MM_MAP_SPARES];
	struct mm_map_run run = { 0x100000, 0x1000000, 1, MM_RIGHT_READ };
	expect_perm("SYS_MM_IOMMU_INFO", sys_call6(SYS_MM_IOMMU_INFO, (uint64_t)(uintptr_t)&info, 0, 0, 0, 0, 0));
	expect_perm("SYS_MM_IOMMU_ENABLE", sys_call6(SYS_MM_IOMMU_ENABLE, 0x1000000, 0, 0, 0, 0, 0));
	expect_perm("SYS_MM_IOMMU_DOMAIN create", sys_call6(SYS_MM_IOMMU_DOMAIN, MM_IOMMU_CREATE, 1, 0,
							    0x1000000, 0, 0));
	expect_perm("SYS_MM_IOMMU_DOMAIN attach", sys_call6(SYS_MM_IOMMU_DOMAIN, MM_IOMMU_ATTACH, 1, 0x20,
							    PADDR_NONE, 0, 0));
	expect_perm("SYS_MM_IOMMU_MAP", sys_call6(SYS_MM_IOMMU_MAP, 1, (uint64_t)(uintptr_t)&run,
						  PADDR_NONE, PADDR_NONE, PADDR_NONE, 0));
	expect_perm("SYS_MM_IOMMU_UNMAP", sys_call6(SYS_MM_IOMMU_UNMAP, 1, 0x100000, 1,
						    (uint64_t)(uintptr_t)out, 0, 0));
	printf("iommu_denied: %s\n", failures ? "FAIL" : "PASS");
	return failures ? 1 : 0;
}
