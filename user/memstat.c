/*
 * memstat - prints what the memory server knows about memory: free pages
 * per zone (DMA < 16 MiB, DMA32 < 4 GiB, NORMAL) in pages and KiB, the
 * total it manages, and one line per process with its resident pages,
 * minor faults and page-table pages. Uses MM_STAT and MM_PROCINFO
 * (index 0, 1, ... until the server answers ERR_SRCH).
 */
#include <stdio.h>
#include <pagoda/sys.h>

#define KIB_PER_PAGE 4ULL

static int print_zones(void)
{
	static const char *const zone[3] = { "DMA", "DMA32", "NORMAL" };
	struct mm_stat st;
	int err = mm_stat(&st);
	if (err < 0) {
		printf("memstat: MM_STAT failed: %s\n", pagoda_strerror(err));
		return -1;
	}
	unsigned long long total_free = 0;
	printf("%-8s %10s %12s\n", "zone", "free pages", "free KiB");
	for (int z = 0; z < 3; z++) {
		printf("%-8s %10llu %12llu\n", zone[z], (unsigned long long)st.free_pages[z],
		       (unsigned long long)st.free_pages[z] * KIB_PER_PAGE);
		total_free += st.free_pages[z];
	}
	printf("%-8s %10llu %12llu\n", "free", total_free, total_free * KIB_PER_PAGE);
	printf("%-8s %10llu %12llu\n", "managed", (unsigned long long)st.managed_pages,
	       (unsigned long long)st.managed_pages * KIB_PER_PAGE);
	printf("processes: %llu\n\n", (unsigned long long)st.nprocs);
	return 0;
}

static int print_procs(void)
{
	printf("%5s %-16s %10s %12s %10s\n", "pid", "name", "resident", "minor-faults",
	       "pagetables");
	for (int i = 0; i < 4096; i++) {
		struct mm_procinfo pi;
		int r = mm_procinfo(i, &pi);
		if (r == -ERR_SRCH)
			return 0;
		if (r < 0) {
			printf("memstat: MM_PROCINFO %d failed: %s\n", i, pagoda_strerror(r));
			return -1;
		}
		printf("%5d %-16s %10llu %12llu %10llu\n", pi.pid, pi.name,
		       (unsigned long long)pi.resident, (unsigned long long)pi.faults,
		       (unsigned long long)pi.pagetables);
	}
	return 0;
}

int main(void)
{
	if (print_zones() < 0 || print_procs() < 0)
		return 1;
	return 0;
}
