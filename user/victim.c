/*
 * victim.c - the DMA-isolation demo's front end and its victim
 * (docs/labs/dma.md): a process that holds a page with a known
 * pattern and asks the rogue driver (pagoda/rogue.h) to attack.
 *
 *   victim [TARGET ...]    TARGET: victim (default), mm, pagetable,
 *                          kernel, storm=N (N DMAs at the victim page),
 *                          or the rogue's own grant: grant (a legitimate
 *                          round trip), pastgrant, freedgrant
 *
 * For each target it asks the rogue driver to aim its device at that
 * memory, then checks its own page byte by byte and says whether the
 * pattern survived. It never trusts the rogue's word: the verdict is
 * what it finds in its own memory. With the IOMMU on every attempt is
 * blocked (mm logs one line per fault); with iommu=off the first one
 * visibly corrupts the page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pagoda/types.h>
#include <pagoda/sys.h>
#include <pagoda/edu.h>
#include <pagoda/mm.h>
#include <pagoda/rogue.h>
#include <pagoda/about.h>

PAGODA_ABOUT("DMA-isolation demo: has the rogue attack, checks its page: victim [TARGET]");

#define PATTERN(i) ((uint8_t)(0xa5 ^ (i) * 13))

static uint8_t *page;

static unsigned changed_bytes(void)
{
	unsigned n = 0;
	for (unsigned i = 0; i < PAGE_SIZE; i++)
		n += page[i] != PATTERN(i);
	return n;
}

static int parse_target(const char *s, uint64_t *kind, uint64_t *count)
{
	static const char *const names[] = { "victim", "mm", "pagetable", "kernel" };
	static const char *const grant_names[] = { "grant", "pastgrant", "freedgrant" };
	*count = 1;
	for (uint64_t i = 0; i < 3; i++)
		if (!strcmp(s, grant_names[i])) {
			*kind = ROGUE_TARGET_OWN_GRANT + i;
			return 0;
		}
	if (!strncmp(s, "storm=", 6)) {
		*kind = MM_DEMO_VICTIM;
		*count = strtoull(s + 6, NULL, 10);
		return *count >= 1 && *count <= ROGUE_DMAS_MAX ? 0 : -1;
	}
	for (uint64_t i = 0; i < 4; i++)
		if (!strcmp(s, names[i])) {
			*kind = i;
			return 0;
		}
	return -1;
}

static void attack(int rogue, const char *name, uint64_t kind, uint64_t count)
{
	struct ipc_msg m = { .tag = ROGUE_ATTACK, .w = { kind, (uint64_t)(uintptr_t)page, count } };
	int err = ipc_call(rogue, &m);
	if (err == 0)
		err = (int)m.tag;
	if (err < 0)
		printf("victim: attack %s: the rogue answered %s\n", name, pagoda_strerror(err));
	else
		printf("victim: attack %s: the rogue did %llu DMAs at %#llx\n", name,
		       (unsigned long long)m.w[1], (unsigned long long)m.w[0]);
	unsigned bad = changed_bytes();
	if (bad == 0)
		printf("victim: after %s: pattern intact (%llu bytes checked)\n", name,
		       (unsigned long long)PAGE_SIZE);
	else
		printf("victim: after %s: pattern CORRUPTED: %u of %llu bytes changed\n", name, bad,
		       (unsigned long long)PAGE_SIZE);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	page = mm_mmap(PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE, MM_MAP_ANON, 0);
	if (!page) {
		printf("victim: no memory\n");
		return 1;
	}
	for (unsigned i = 0; i < PAGE_SIZE; i++)
		page[i] = PATTERN(i);
	uint16_t bdf;
	int rogue = mm_dev_open(EDU_VENDOR, EDU_DEVICE, 1, &bdf);
	if (rogue < 0) {
		printf("victim: no rogue driver (the second edu): %s\n", pagoda_strerror(rogue));
		return 1;
	}
	printf("victim: pid %d, pattern page at %p; the rogue is pid %d on %02x:%02x.%x\n",
	       (int)sys_getpid(), (void *)page, rogue, bdf >> 8, bdf >> 3 & 0x1f, bdf & 7);
	int targets = argc > 1 ? argc - 1 : 1;
	for (int i = 0; i < targets; i++) {
		const char *t = argc > 1 ? argv[i + 1] : "victim";
		uint64_t kind, count;
		if (parse_target(t, &kind, &count) < 0) {
			printf("victim: unknown target '%s' (victim, mm, pagetable, kernel, storm=N, grant, "
			       "pastgrant, freedgrant)\n", t);
			return 2;
		}
		attack(rogue, t, kind, count);
	}
	return changed_bytes() ? 3 : 0;
}
