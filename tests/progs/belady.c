/*
 * belady FRAMES | refuse | policy - budgets (MM_MAP_BUDGET) and policy
 * selection (MM_POLICY) from a program.
 *
 *   belady N [POLICY]  selects POLICY (default fifo), maps 5 pages with a budget of N frames,
 *                touches Belady's string 1 2 3 4 1 2 5 1 2 3 4 5 on them
 *                (a write each) and prints
 *                  belady: budget N: F faults (major M, minor m), data ok|BAD
 *                where F counts the references that faulted, from its own
 *                major + minor fault counters (MM_PROCINFO_PAGING) around
 *                each reference. FIFO: 9 faults with 3 frames, 10 with 4
 *                (the anomaly); the pages' contents must survive their
 *                trips to swap.
 *   belady refuse  prints the answer to each malformed budget request:
 *                  belady: <case>: <error>
 *   belady policy  MM_POLICY with a known and unknown names, printing each
 *                answer; leaves "fifo" active.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pagoda/sys.h>

#define PAGE 4096UL

static uint64_t faults(void)
{
	struct mm_procpaging pp;
	if (mm_procpaging((int)MM_PROCINFO_SELF, &pp) < 0)
		return 0;
	return pp.major_faults + pp.minor_faults;
}

static int run(uint64_t frames, const char *policy)
{
	static const int s[] = { 1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5 };
	if (mm_policy(policy) < 0) {
		printf("belady: cannot select %s\n", policy);
		return 1;
	}
	volatile uint64_t *p = mm_mmap_budget(5 * PAGE, MM_PROT_READ | MM_PROT_WRITE, frames);
	if (!p) {
		printf("belady: cannot map 5 pages with a budget of %llu\n", (unsigned long long)frames);
		return 1;
	}
	unsigned f = 0, bad = 0;
	uint64_t written[5] = { 0 };
	for (unsigned i = 0; i < sizeof s / sizeof s[0]; i++) {
		volatile uint64_t *w = p + (s[i] - 1) * (PAGE / 8);
		uint64_t before = faults();
		if (*w != written[s[i] - 1])
			bad++;
		*w = written[s[i] - 1] = 0x1000 * (i + 1) + s[i];
		f += faults() != before;
	}
	struct mm_procpaging pp;
	mm_procpaging((int)MM_PROCINFO_SELF, &pp);
	printf("belady: budget %llu: %u faults (major %llu, minor %llu), data %s\n",
	       (unsigned long long)frames, f, (unsigned long long)pp.major_faults,
	       (unsigned long long)pp.minor_faults, bad ? "BAD" : "ok");
	return bad != 0;
}

static void try_mmap(const char *what, uint64_t len, uint64_t flags, uint64_t budget)
{
	struct ipc_msg m = { .tag = MM_MMAP, .w = { len, MM_PROT_READ | MM_PROT_WRITE, flags, 7, budget } };
	int err = ipc_call(MM_PID, &m);
	printf("belady: %s: %s\n", what, pagoda_strerror(err < 0 ? err : (int)m.tag));
}

static void try_spawn(const char *what, uint64_t flags, uint64_t budget)
{
	static const char line[] = "hello budget";
	struct ipc_msg m = { .tag = MM_SPAWN, .w = { (uint64_t)(uintptr_t)line, strlen(line), flags, budget } };
	int err = ipc_call(MM_PID, &m);
	if (err == 0 && m.tag > 0) {
		int status;
		mm_wait((int)m.tag, &status);
		printf("belady: %s: started, status %d\n", what, status);
		return;
	}
	printf("belady: %s: %s\n", what, pagoda_strerror(err < 0 ? err : (int)m.tag));
}

static void try_call(const char *what, int64_t tag, uint64_t w0, uint64_t w1, uint64_t w2)
{
	struct ipc_msg m = { .tag = tag, .w = { w0, w1, w2 } };
	int err = ipc_call(MM_PID, &m);
	printf("belady: %s: %s\n", what, pagoda_strerror(err < 0 ? err : (int)(m.tag < 0 ? m.tag : 0)));
}

/* The paging requests' own checks (MM_VMSTAT, MM_EVENTS, MM_PROCINFO, MM_POLICY). */
static void refuse_stat(void)
{
	static struct mm_vmstat_info v;
	static struct mm_event_rec ev[2];
	uint64_t vp = (uint64_t)(uintptr_t)&v, ep = (uint64_t)(uintptr_t)ev;
	try_call("vmstat size - 1", MM_VMSTAT, vp, sizeof v - 1, 0);
	try_call("vmstat pool 99", MM_VMSTAT, vp, sizeof v, 99);
	try_call("vmstat to address 8", MM_VMSTAT, 8, sizeof v, 0);
	try_call("vmstat", MM_VMSTAT, vp, sizeof v, 0);
	try_call("events command 3", MM_EVENTS, 3, 0, 0);
	try_call("events read 0", MM_EVENTS, MM_EVENTS_READ, ep, 0);
	try_call("events read 257", MM_EVENTS, MM_EVENTS_READ, ep, MM_EVENT_RING + 1);
	try_call("procinfo kind 2", MM_PROCINFO, MM_PROCINFO_SELF, 2, 0);
	static char text[MM_POLICY_TEXT_MAX];
	memset(text, 'c', sizeof text);
	try_call("policy length 64", MM_POLICY, (uint64_t)(uintptr_t)text, sizeof text, 0);
	try_call("policy at address 8", MM_POLICY, 8, 4, 0);
}

static int refuse(void)
{
	refuse_stat();
	try_mmap("mmap budget 0", PAGE, MM_MAP_BUDGET, 0);
	try_mmap("mmap budget above memory", PAGE, MM_MAP_BUDGET, 1ULL << 40);
	try_mmap("mmap shared with a budget", PAGE, MM_MAP_SHARED | MM_MAP_BUDGET, 3);
	try_mmap("mmap w4 without the flag", PAGE, MM_MAP_ANON, 3);
	try_mmap("mmap budget 3", PAGE, MM_MAP_BUDGET, 3);
	try_spawn("spawn budget 0", MM_SPAWN_BUDGET, 0);
	try_spawn("spawn budget above memory", MM_SPAWN_BUDGET, 1ULL << 40);
	try_spawn("spawn w3 without the flag", 0, 5);
	try_spawn("spawn budget 64", MM_SPAWN_BUDGET, 64);
	return 0;
}

static int policy(void)
{
	static const char *const names[] = { "lru", "", "clockwork", "fifo", "clock", "fifo" };
	for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
		int err = names[i][0] ? mm_policy(names[i]) : 0;
		if (!names[i][0]) {
			struct ipc_msg m = { .tag = MM_POLICY, .w = { 0, 0 } };
			err = ipc_call(MM_PID, &m);
			err = err < 0 ? err : (int)m.tag;
		}
		printf("belady: policy '%s': %s\n", names[i], pagoda_strerror(err));
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "refuse"))
		return refuse();
	if (argc == 2 && !strcmp(argv[1], "policy"))
		return policy();
	if ((argc == 2 || argc == 3) && atoi(argv[1]) > 0)
		return run((uint64_t)atoi(argv[1]), argc == 3 ? argv[2] : "fifo");
	printf("usage: belady FRAMES [POLICY] | refuse | policy\n");
	return 2;
}
